//! Every URL scheme carries QtRO frames both ways; `local:` replaces stale socket files but not
//! live servers.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

use std::sync::atomic::{AtomicU32, Ordering};

use futures_util::StreamExt;
use ifw_qtro::{Error, FrameCodec, Listener, Packet, TypeRegistry, Url, connect};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::FramedRead;

/// A socket name no other test (or test run) uses.
fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "ifw_qtro_{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn exchange(url: &Url) {
    let listener = Listener::bind(url).await.unwrap();
    let url = listener.url().clone();
    let server = tokio::spawn(async move {
        let mut stream = listener.accept().await.unwrap();
        stream
            .write_all(&Packet::handshake().to_bytes().unwrap())
            .await
            .unwrap();
        let mut frames = FramedRead::new(stream, FrameCodec::new());
        let frame = frames.next().await.unwrap().unwrap();
        frame.decode(&TypeRegistry::new()).unwrap()
    });
    let client = connect(&url).await.unwrap();
    let mut frames = FramedRead::new(client, FrameCodec::new());
    let hello = frames.next().await.unwrap().unwrap();
    hello
        .decode(&TypeRegistry::new())
        .unwrap()
        .check_handshake()
        .unwrap();
    let ping = Packet::Ping {
        name: "Demo".into(),
    };
    frames
        .get_mut()
        .write_all(&ping.to_bytes().unwrap())
        .await
        .unwrap();
    assert_eq!(server.await.unwrap(), ping);
}

#[tokio::test]
async fn tcp_with_a_picked_port() {
    let url: Url = "tcp://127.0.0.1:0".parse().unwrap();
    exchange(&url).await;
}

#[tokio::test]
async fn local_socket_in_the_temp_dir() {
    let url = Url::Local(unique("local"));
    exchange(&url).await;
    assert!(
        !url.socket_path().unwrap().exists(),
        "the listener removes its socket file"
    );
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn abstract_socket() {
    exchange(&Url::LocalAbstract(unique("abstract"))).await;
}

#[tokio::test]
async fn stale_local_socket_is_replaced_live_one_is_not() {
    let url = Url::Local(unique("stale"));
    let path = url.socket_path().unwrap();
    // A server that died without cleaning up leaves its socket file behind.
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let live = Listener::bind(&url).await.unwrap();
    assert!(matches!(
        Listener::bind(&url).await,
        Err(Error::ListenFailed { .. })
    ));
    drop(live);
    assert!(!path.exists());
}

#[tokio::test]
async fn connecting_to_nothing_is_a_clean_error() {
    let url = Url::Local(unique("nobody"));
    assert!(matches!(
        connect(&url).await,
        Err(Error::ConnectFailed { .. })
    ));
}

#[tokio::test]
async fn a_busy_port_is_listen_failed() {
    let first = Listener::bind(&"tcp://127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    assert!(matches!(
        Listener::bind(first.url()).await,
        Err(Error::ListenFailed { .. })
    ));
}

/// Qt's `largeDataTest`: a 16 KiB `QByteArray` signal argument arrives intact although it
/// spans many socket reads.
#[tokio::test]
async fn a_16_kib_argument_crosses_many_reads() {
    let listener = Listener::bind(&"tcp://127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let blob: Vec<u8> = (0..16 * 1024).map(|i| (i % 251) as u8).collect();
    let signal = Packet::Invoke(ifw_qtro::Invoke {
        name: "Engine".into(),
        call: ifw_qtro::Call::InvokeMetaMethod,
        index: 4,
        args: vec![ifw_qtro::Value::ByteArray(Some(blob))],
        serial_id: -1,
        property_index: -1,
    });
    let bytes = signal.to_bytes().unwrap();
    let url = listener.url().clone();
    let writer = tokio::spawn(async move {
        let mut stream = listener.accept().await.unwrap();
        for chunk in bytes.chunks(1000) {
            stream.write_all(chunk).await.unwrap();
            stream.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
    });
    let mut frames = FramedRead::new(connect(&url).await.unwrap(), FrameCodec::new());
    let frame = frames.next().await.unwrap().unwrap();
    assert_eq!(frame.decode(&TypeRegistry::new()).unwrap(), signal);
    writer.await.unwrap();
}
