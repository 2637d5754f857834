//! What host and node connections share: the [`Outbox`] that writes a connection's packets, and
//! a poison-tolerant lock.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::AsyncWrite;
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::codec::Encoder;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::frame::FrameCodec;
use crate::packet::Packet;

/// The outgoing buffer's initial capacity.
const INITIAL_BUFFER: usize = 8 * 1024;
/// A buffer that grew past this (a large frame) is given back once written.
const MAX_IDLE_BUFFER: usize = 1024 * 1024;

/// Locks `m`; a panic elsewhere while it was held does not make the data unusable here.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How soon a queued item goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Urgency {
    /// Written at once by the sender when the socket is free (a call, a reply, a Pong): no hop
    /// through the flush task on a round trip.
    Now,
    /// Left to the flush task, which batches whatever accumulates until it runs into one write
    /// (property changes, signals, bookkeeping).
    Batched,
}

/// Why an item was not queued.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The connection is closed.
    Closed,
    /// The queue stayed full for the whole timeout.
    Timeout,
    /// The item cannot be encoded (too long for the peer's bound, or a value the codec refuses).
    Encode(Error),
}

/// A connection's outgoing side: items are encoded straight into one buffer, which a flush task
/// writes out; an [`Urgency::Now`] item is written by its sender when the flush task is idle.
///
/// The queue holds at most `capacity` items (a pre-encoded batch of frames counts once); a
/// sender beyond that waits for the flush task to drain it.
pub(crate) struct Outbox {
    state: Mutex<OutState>,
    codec: FrameCodec,
    capacity: usize,
    /// Wakes the flush task.
    wake: Notify,
    /// Wakes senders waiting for room (or for the close).
    room: Notify,
    cancel: CancellationToken,
}

struct OutState {
    /// The write half; `None` once closed (dropping it lets the peer see the end).
    io: Option<Pin<Box<dyn AsyncWrite + Send>>>,
    /// Encoded bytes not written yet.
    buf: BytesMut,
    /// Items in `buf`.
    items: usize,
    /// The flush task owns the writing: it was asked to drain `buf` and may be waiting for the
    /// socket (whose wake-up slot a sender must then not take over).
    scheduled: bool,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = lock(&self.state);
        f.debug_struct("Outbox")
            .field("open", &st.io.is_some())
            .field("queued_bytes", &st.buf.len())
            .field("items", &st.items)
            .finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox writing to `io`, closed by `cancel`; run [`Outbox::run`] as its flush task.
    pub(crate) fn new(
        io: impl AsyncWrite + Send + 'static,
        codec: FrameCodec,
        capacity: usize,
        cancel: CancellationToken,
    ) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(OutState {
                io: Some(Box::pin(io)),
                buf: BytesMut::with_capacity(INITIAL_BUFFER),
                items: 0,
                scheduled: false,
            }),
            codec,
            capacity: capacity.max(1),
            wake: Notify::new(),
            room: Notify::new(),
            cancel,
        })
    }

    /// Queues a packet, waiting at most `timeout` (forever if `None`) for room.
    pub(crate) async fn send(
        &self,
        packet: &Packet,
        urgency: Urgency,
        timeout: Option<Duration>,
    ) -> std::result::Result<(), Refused> {
        self.push(
            |codec, dst| Encoder::<&Packet>::encode(codec, packet, dst),
            urgency,
            timeout,
        )
        .await
    }

    /// Queues pre-encoded frames (see [`encode_frames`]) without waiting; `Ok(false)` when the
    /// queue is full.
    pub(crate) fn try_send_frames(&self, frames: &Bytes) -> std::result::Result<bool, Refused> {
        self.try_push(
            &|codec, dst| encode_frames(codec, frames, dst),
            Urgency::Batched,
        )
    }

    /// Queues pre-encoded frames, waiting at most `timeout` for room.
    pub(crate) async fn send_frames(
        &self,
        frames: &Bytes,
        timeout: Duration,
    ) -> std::result::Result<(), Refused> {
        self.push(
            |codec, dst| encode_frames(codec, frames, dst),
            Urgency::Batched,
            Some(timeout),
        )
        .await
    }

    async fn push(
        &self,
        encode: impl Fn(&mut FrameCodec, &mut BytesMut) -> Result<()>,
        urgency: Urgency,
        timeout: Option<Duration>,
    ) -> std::result::Result<(), Refused> {
        // Room is the common case: no wait list, no timer.
        if self.try_push(&encode, urgency)? {
            return Ok(());
        }
        let deadline = timeout.map(|t| Instant::now() + t);
        loop {
            let room = self.room.notified();
            tokio::pin!(room);
            room.as_mut().enable();
            if self.try_push(&encode, urgency)? {
                return Ok(());
            }
            match deadline {
                Some(deadline) => {
                    if tokio::time::timeout_at(deadline, room).await.is_err() {
                        return Err(Refused::Timeout);
                    }
                }
                None => room.await,
            }
        }
    }

    /// Queues what `encode` appends; `Ok(false)` when the queue is full.
    fn try_push(
        &self,
        encode: &dyn Fn(&mut FrameCodec, &mut BytesMut) -> Result<()>,
        urgency: Urgency,
    ) -> std::result::Result<bool, Refused> {
        let mut guard = lock(&self.state);
        let st = &mut *guard;
        if st.io.is_none() {
            return Err(Refused::Closed);
        }
        if st.items >= self.capacity {
            return Ok(false);
        }
        let mut codec = self.codec;
        let before = st.buf.len();
        if let Err(e) = encode(&mut codec, &mut st.buf) {
            st.buf.truncate(before);
            return Err(Refused::Encode(e));
        }
        st.items += 1;
        if st.scheduled {
            return Ok(true);
        }
        if urgency == Urgency::Now {
            // The flush task is idle, so no one waits on the socket's write readiness: a write
            // without a waker cannot steal it.
            let mut cx = Context::from_waker(Waker::noop());
            match drain(st, &mut cx) {
                Poll::Ready(Ok(())) => return Ok(true),
                Poll::Ready(Err(e)) => {
                    tracing::debug!(error = %e, "write failed");
                    st.io = None;
                    drop(guard);
                    self.cancel.cancel();
                    self.room.notify_waiters();
                    return Err(Refused::Closed);
                }
                Poll::Pending => {}
            }
        }
        st.scheduled = true;
        drop(guard);
        self.wake.notify_one();
        Ok(true)
    }

    /// The flush task: writes what senders leave to it until the connection closes.
    pub(crate) async fn run(self: Arc<Self>) {
        let cancelled = self.cancel.cancelled();
        tokio::pin!(cancelled);
        loop {
            tokio::select! {
                biased;
                () = &mut cancelled => break,
                () = self.wake.notified() => {}
            }
            let drained = tokio::select! {
                biased;
                () = &mut cancelled => break,
                r = std::future::poll_fn(|cx| self.poll_drain(cx)) => r,
            };
            if let Err(e) = drained {
                tracing::debug!(error = %e, "write failed");
                break;
            }
        }
        self.close();
    }

    /// Closes the outbox: senders get `Closed`, the write half is dropped.
    pub(crate) fn close(&self) {
        let io = lock(&self.state).io.take();
        drop(io);
        self.cancel.cancel();
        self.room.notify_waiters();
    }

    fn poll_drain(&self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let mut guard = lock(&self.state);
        let st = &mut *guard;
        if !st.scheduled {
            return Poll::Ready(Ok(()));
        }
        std::task::ready!(drain(st, cx))?;
        st.scheduled = false;
        drop(guard);
        self.room.notify_waiters();
        Poll::Ready(Ok(()))
    }
}

/// Writes `st.buf` out; `Ready(Ok)` once it is all written (and flushed).
fn drain(st: &mut OutState, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
    let Some(io) = st.io.as_mut() else {
        return Poll::Ready(Err(std::io::ErrorKind::NotConnected.into()));
    };
    while !st.buf.is_empty() {
        match std::task::ready!(io.as_mut().poll_write(cx, &st.buf)) {
            Ok(0) => return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into())),
            Ok(n) => st.buf.advance(n),
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
    std::task::ready!(io.as_mut().poll_flush(cx))?;
    st.items = 0;
    if st.buf.capacity() > MAX_IDLE_BUFFER {
        st.buf = BytesMut::with_capacity(INITIAL_BUFFER);
    } else {
        st.buf.clear();
    }
    Poll::Ready(Ok(()))
}

/// Appends one or more whole frames (length, type, body, back to back) that a source encoded
/// once for all its listeners. Each is checked against this connection's bound: one that is
/// longer is left out (and logged); the others go.
fn encode_frames(codec: &mut FrameCodec, frames: &Bytes, dst: &mut BytesMut) -> Result<()> {
    match append_frames(codec, frames, dst) {
        Err(e @ Error::FrameTooLarge { .. }) => {
            tracing::warn!(error = %e, "frame not sent: it cannot be encoded");
            Ok(())
        }
        other => other,
    }
}

/// [`encode_frames`], reporting a frame left out as [`Error::FrameTooLarge`].
fn append_frames(codec: &FrameCodec, frames: &[u8], dst: &mut BytesMut) -> Result<()> {
    let mut rest = frames;
    let mut refused = None;
    while let Some(header) = rest.get(..4) {
        let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let total = (4 + len as usize).min(rest.len());
        if len as usize <= codec.max_frame_length() {
            dst.extend_from_slice(&rest[..total]);
        } else {
            refused = Some(len as usize);
        }
        rest = &rest[total..];
    }
    match refused {
        Some(len) => Err(Error::FrameTooLarge {
            len,
            max: codec.max_frame_length(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_encoded_frames_over_the_bound_are_left_out() {
        let small = Packet::Ping { name: "a".into() }.to_bytes().unwrap();
        let large = Packet::Ping {
            name: "far too long".into(),
        }
        .to_bytes()
        .unwrap();
        let mut frames = BytesMut::new();
        frames.extend_from_slice(&small);
        frames.extend_from_slice(&large);
        frames.extend_from_slice(&small);
        let mut dst = BytesMut::new();
        append_frames(&FrameCodec::new(), &frames, &mut dst).unwrap();
        assert_eq!(dst, frames);

        let mut dst = BytesMut::new();
        let codec = FrameCodec::with_max_frame_length(small.len() - 4);
        assert!(matches!(
            append_frames(&codec, &frames, &mut dst),
            Err(Error::FrameTooLarge { .. })
        ));
        assert_eq!(&dst[..small.len()], &small[..]);
        assert_eq!(&dst[small.len()..], &small[..]);
    }
}
