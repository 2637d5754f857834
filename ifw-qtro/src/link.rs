//! What host and node connections share: the writer task and a poison-tolerant lock.

use std::sync::{Mutex, MutexGuard, PoisonError};

use futures_util::SinkExt;
use tokio::io::AsyncWrite;
use tokio::sync::mpsc;
use tokio_util::codec::FramedWrite;
use tokio_util::sync::CancellationToken;

use crate::error::Error;
use crate::frame::FrameCodec;
use crate::packet::Packet;

/// Locks `m`; a panic elsewhere while it was held does not make the data unusable here.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sends queued packets, batching what is queued into one flush.
pub(crate) async fn write_loop<W>(
    mut sink: FramedWrite<W, FrameCodec>,
    mut rx: mpsc::Receiver<Packet>,
    cancel: CancellationToken,
) where
    W: AsyncWrite + Unpin,
{
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
                        packet = packet.packet_type().name(),
                        "packet not sent: it cannot be encoded"
                    ),
                }
                match rx.try_recv() {
                    Ok(p) => packet = p,
                    Err(_) => break,
                }
            }
            SinkExt::<&Packet>::flush(&mut sink)
                .await
                .map_err(|e| match e {
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
