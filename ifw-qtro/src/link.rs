//! What host and node connections share: the writer task and a poison-tolerant lock.

use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::{Bytes, BytesMut};
use futures_util::SinkExt;
use tokio::io::AsyncWrite;
use tokio::sync::mpsc;
use tokio_util::codec::{Encoder, FramedWrite};
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};
use crate::frame::FrameCodec;
use crate::packet::Packet;

/// Bytes buffered by a connection's writer before it writes them out (and waits for the socket).
const WRITE_BUFFER: usize = 64 * 1024;

/// What a host connection's writer sends: a packet, or frames a source encoded once for all its
/// listeners.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Packet(Box<Packet>),
    /// One or more whole frames (length, type, body), back to back.
    Frames(Bytes),
}

impl From<Packet> for Outgoing {
    fn from(packet: Packet) -> Self {
        Self::Packet(Box::new(packet))
    }
}

impl Outgoing {
    fn name(&self) -> &'static str {
        match self {
            Self::Packet(p) => p.packet_type().name(),
            Self::Frames(_) => "pre-encoded",
        }
    }
}

impl Encoder<&Outgoing> for FrameCodec {
    type Error = Error;

    fn encode(&mut self, item: &Outgoing, dst: &mut BytesMut) -> Result<()> {
        match item {
            Outgoing::Packet(p) => Encoder::<&Packet>::encode(self, p, dst),
            Outgoing::Frames(frames) => {
                // Each frame is checked against this connection's bound; a longer one is left out.
                let mut rest = &frames[..];
                let mut refused = None;
                while let Some(header) = rest.get(..4) {
                    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
                    let total = (4 + len as usize).min(rest.len());
                    if len as usize <= self.max_frame_length() {
                        dst.extend_from_slice(&rest[..total]);
                    } else {
                        refused = Some(len as usize);
                    }
                    rest = &rest[total..];
                }
                match refused {
                    Some(len) => Err(Error::FrameTooLarge {
                        len,
                        max: self.max_frame_length(),
                    }),
                    None => Ok(()),
                }
            }
        }
    }
}

/// Locks `m`; a panic elsewhere while it was held does not make the data unusable here.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sends queued packets, batching what is queued into one flush.
pub(crate) async fn write_loop<W, T>(
    mut sink: FramedWrite<W, FrameCodec>,
    mut rx: mpsc::Receiver<T>,
    cancel: CancellationToken,
) where
    W: AsyncWrite + Unpin,
    T: Named,
    for<'a> FrameCodec: Encoder<&'a T, Error = Error>,
{
    sink.set_backpressure_boundary(WRITE_BUFFER);
    loop {
        let packet = tokio::select! {
            () = cancel.cancelled() => break,
            p = rx.recv() => p,
        };
        let Some(mut packet) = packet else { break };
        let batch = async {
            loop {
                match sink.feed(&packet).await {
                    Ok(()) => {}
                    Err(Error::Io(e)) => return Err(e),
                    Err(e) => tracing::warn!(
                        error = %e,
                        packet = packet.name(),
                        "packet not sent: it cannot be encoded"
                    ),
                }
                match rx.try_recv() {
                    Ok(p) => packet = p,
                    Err(_) => break,
                }
            }
            SinkExt::<&T>::flush(&mut sink).await.map_err(|e| match e {
                Error::Io(e) => e,
                other => std::io::Error::other(other),
            })
        };
        // A peer that stops reading must not keep this task alive past cancellation.
        let result = tokio::select! {
            () = cancel.cancelled() => return,
            result = batch => result,
        };
        if let Err(e) = result {
            tracing::debug!(error = %e, "write failed");
            break;
        }
    }
    cancel.cancel();
}

/// What the writer logs for an item it cannot send.
pub(crate) trait Named {
    fn name(&self) -> &'static str;
}

impl Named for Packet {
    fn name(&self) -> &'static str {
        self.packet_type().name()
    }
}

impl Named for Outgoing {
    fn name(&self) -> &'static str {
        Outgoing::name(self)
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
        let item = Outgoing::Frames(frames.clone().freeze());

        let mut dst = BytesMut::new();
        FrameCodec::new().encode(&item, &mut dst).unwrap();
        assert_eq!(dst, frames);

        let mut dst = BytesMut::new();
        let mut codec = FrameCodec::with_max_frame_length(small.len() - 4);
        assert!(matches!(
            codec.encode(&item, &mut dst),
            Err(Error::FrameTooLarge { .. })
        ));
        assert_eq!(&dst[..small.len()], &small[..]);
        assert_eq!(&dst[small.len()..], &small[..]);
    }
}
