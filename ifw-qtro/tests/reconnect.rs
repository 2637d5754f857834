//! Links that break: a host killed (dropped) and restarted on the same URL, a host that stops
//! answering Pings, a host that speaks another protocol version. The node must fail pending
//! calls with `Error::Disconnected`, reconnect, re-acquire and re-sync, and never hang.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

#[path = "support/car.rs"]
mod car;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use car::{
    CAR_SIGNATURE, DEADLINE, car_definition, car_source, eventually, slow_call_started, unique,
    within,
};
use futures_util::{SinkExt, StreamExt};
use ifw_qtro::{
    Error, FrameCodec, Host, Node, NodeOptions, ObjectInfo, Packet, ReplicaEvent, ReplicaState,
    TypeRegistry, Value,
};
use tokio::net::TcpListener;
use tokio_util::codec::Framed;

fn fast() -> NodeOptions {
    NodeOptions::default()
        .retry_interval(Duration::from_millis(20))
        .heartbeat_interval(Some(Duration::from_millis(100)))
}

/// Binds `url` again, retrying while the previous host's socket is still being released.
async fn relisten(url: &str) -> Host {
    within("the port to be free again", async {
        loop {
            match Host::listen(url).await {
                Ok(h) => return h,
                Err(Error::ListenFailed { .. }) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(e) => panic!("{e}"),
            }
        }
    })
    .await
}

async fn host_killed_and_restarted(url: &str) {
    let host = Host::listen(url).await.unwrap();
    let url = host.url().to_string();
    host.enable_remoting("Car", car_source(1)).await.unwrap();
    let node = Node::connect_with(&url, fast()).await.unwrap();
    let car = node.acquire("Car", car_definition(), Some(CAR_SIGNATURE));
    car.wait_ready(DEADLINE).await.unwrap();
    let mut events = car.subscribe();

    // A call the host never answers is in flight when the host dies.
    let tag = if url.starts_with("tcp") { 1 } else { 2 };
    let pending = {
        let car = car.clone();
        tokio::spawn(async move { car.call("add", vec![(-1).into(), tag.into()]).await })
    };
    slow_call_started(tag.into()).await;
    drop(host);
    let result = within("the pending call to fail", pending).await.unwrap();
    assert!(matches!(result, Err(Error::Disconnected)), "{result:?}");
    car.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    assert!(matches!(
        car.call("add", vec![1.into(), 1.into()]).await,
        Err(Error::NotReady(_))
    ));

    // A new host on the same URL, with other values: the node re-acquires and re-syncs.
    let host = relisten(&url).await;
    host.enable_remoting("Car", car_source(2)).await.unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(2));
    let e = within("the re-sync event", events.recv()).await.unwrap();
    assert!(
        matches!(&e, ReplicaEvent::PropertyChanged { name, value: Value::Int(2), .. } if name == "speed"),
        "{e:?}"
    );
    assert_eq!(
        car.call("add", vec![20.into(), 22.into()]).await.unwrap(),
        Value::Int(42)
    );
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn host_killed_and_restarted_over_tcp() {
    host_killed_and_restarted("tcp://127.0.0.1:0").await;
}

#[tokio::test]
async fn host_killed_and_restarted_over_a_local_socket() {
    host_killed_and_restarted(&format!("local:{}", unique("restart"))).await;
}

#[tokio::test]
async fn node_shutdown_fails_pending_calls() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    host.enable_remoting("Car", car_source(1)).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = node.acquire_dynamic("Car");
    car.wait_ready(DEADLINE).await.unwrap();
    let pending = {
        let car = car.clone();
        tokio::spawn(async move { car.call("add", vec![(-1).into(), 3.into()]).await })
    };
    slow_call_started(3).await;
    within("the node to stop", node.shutdown()).await;
    let result = within("the pending call to fail", pending).await.unwrap();
    assert!(matches!(result, Err(Error::Disconnected)), "{result:?}");
    assert_eq!(car.state(), ReplicaState::Disconnected);
    within("the host to stop", host.shutdown()).await;
}

/// A host written by hand: greets with `version`, remotes `Car` and answers AddObject, but
/// answers Pings only if `pong`. Counts the connections it accepted.
async fn fake_host(version: &'static str, pong: bool) -> (String, Arc<AtomicU32>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("tcp://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicU32::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut io = Framed::new(stream, FrameCodec::new());
                let hello = Packet::Handshake {
                    version: version.into(),
                };
                io.send(hello).await.unwrap();
                let list = Packet::ObjectList(vec![ObjectInfo {
                    name: "Car".into(),
                    type_name: Some("Car".into()),
                    signature: None,
                }]);
                io.send(list).await.unwrap();
                while let Some(Ok(frame)) = io.next().await {
                    match frame.decode(&TypeRegistry::new()) {
                        Ok(Packet::AddObject { name, .. }) => {
                            let init = Packet::InitDynamic {
                                name,
                                definition: car_definition(),
                                properties: vec![
                                    Value::Int(1),
                                    Value::from("fake"),
                                    Value::Int(0),
                                    car::pos(0, 0),
                                ],
                            };
                            if io.send(init).await.is_err() {
                                break;
                            }
                        }
                        Ok(Packet::Ping { name }) if pong => {
                            let sent = io.send(Packet::Pong { name }).await;
                            if sent.is_err() {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            });
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn a_missing_pong_drops_the_link_and_the_node_reconnects() {
    let (url, accepted) = fake_host("QtRO 2.0", false).await;
    let node = Node::connect_with(&url, fast()).await.unwrap();
    let car = node.acquire_dynamic("Car");
    car.wait_ready(DEADLINE).await.unwrap();
    car.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert!(accepted.load(Ordering::SeqCst) >= 2);
    node.shutdown().await;
}

#[tokio::test]
async fn pongs_keep_the_link_up() {
    let (url, accepted) = fake_host("QtRO 2.0", true).await;
    let node = Node::connect_with(
        &url,
        NodeOptions::default().heartbeat_interval(Some(Duration::from_millis(20))),
    )
    .await
    .unwrap();
    let car = node.acquire_dynamic("Car");
    car.wait_ready(DEADLINE).await.unwrap();
    let mut states = car.state_changes();
    states.mark_unchanged();
    // Twenty heartbeat intervals without a state change.
    let quiet = tokio::time::timeout(Duration::from_millis(400), states.changed()).await;
    assert!(quiet.is_err(), "state changed: {:?}", car.state());
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    node.shutdown().await;
}

#[tokio::test]
async fn another_protocol_version_is_refused_and_retried() {
    let (url, accepted) = fake_host("QtRO 1.3", true).await;
    let node = Node::connect_with(&url, fast()).await.unwrap();
    let car = node.acquire_dynamic("Car");
    eventually("several attempts", || accepted.load(Ordering::SeqCst) >= 3).await;
    assert_eq!(car.state(), ReplicaState::Connecting);
    assert!(!node.is_connected());
    assert!(matches!(
        car.wait_ready(Duration::from_millis(50)).await,
        Err(Error::Timeout(_))
    ));
    node.shutdown().await;
}
