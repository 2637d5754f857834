//! The host at the wire level, with a hand-driven client: the session a Qt replica runs, and bad
//! clients (garbage, an oversize length, a Handshake from the node side, an unknown packet type,
//! an undecodable variant) that are dropped while a good client on the same host keeps working;
//! and the order of a reply and the work its handler left behind.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

#[path = "support/car.rs"]
mod car;

use car::{CAR_SIGNATURE, car_source, eventually, pos, within};
use futures_util::{SinkExt, StreamExt};
use ifw_qtro::{
    Call, FrameCodec, Host, HostOptions, Invoke, Node, Packet, ReplicaEvent, Stream, TypeRegistry,
    Url, Value, connect,
};
use tokio::io::AsyncWriteExt;
use tokio_util::codec::Framed;

/// A client that speaks packets by hand.
struct Raw {
    frames: Framed<Stream, FrameCodec>,
    types: TypeRegistry,
}

impl Raw {
    async fn connect(url: &Url) -> Self {
        let stream = connect(url).await.unwrap();
        let mut types = TypeRegistry::new();
        car::car_definition().register_types(&mut types);
        Self {
            frames: Framed::new(stream, FrameCodec::new()),
            types,
        }
    }

    async fn recv(&mut self) -> Packet {
        let frame = within("a packet", self.frames.next())
            .await
            .expect("connection open")
            .unwrap();
        frame.decode(&self.types).unwrap()
    }

    async fn send(&mut self, p: Packet) {
        self.frames.send(p).await.unwrap();
    }

    /// Reads until the host closes the connection.
    async fn expect_closed(mut self) {
        within("the host to close the connection", async {
            while let Some(Ok(_)) = self.frames.next().await {}
        })
        .await;
    }

    /// Handshake, ObjectList, then a static AddObject answered with Init.
    async fn open_car(&mut self) -> Vec<Value> {
        self.recv().await.check_handshake().unwrap();
        let Packet::ObjectList(objects) = self.recv().await else {
            panic!("ObjectList expected")
        };
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].name, "Car");
        assert_eq!(objects[0].type_name.as_deref(), Some("Car"));
        assert_eq!(
            objects[0].signature.as_deref(),
            Some(CAR_SIGNATURE.as_bytes())
        );
        self.send(Packet::AddObject {
            name: "Car".into(),
            is_dynamic: false,
        })
        .await;
        match self.recv().await {
            Packet::Init { name, properties } if name == "Car" => properties,
            other => panic!("Init expected, got {other:?}"),
        }
    }

    async fn add(&mut self, serial: i32, a: i32, b: i32) -> Value {
        self.send(invoke(
            Call::InvokeMetaMethod,
            2,
            vec![a.into(), b.into()],
            serial,
        ))
        .await;
        match self.recv().await {
            Packet::InvokeReply {
                acked_serial_id,
                value,
                ..
            } if acked_serial_id == serial => value,
            other => panic!("InvokeReply expected, got {other:?}"),
        }
    }
}

fn invoke(call: Call, index: i32, args: Vec<Value>, serial_id: i32) -> Packet {
    Packet::Invoke(Invoke {
        name: "Car".into(),
        call,
        index,
        args,
        serial_id,
        property_index: -1,
    })
}

async fn car_host(url: &str) -> Host {
    let host = Host::listen(url).await.unwrap();
    host.enable_remoting("Car", car_source(0)).await.unwrap();
    host
}

#[tokio::test]
async fn a_replica_session_as_qt_runs_it() {
    let host = car_host("tcp://127.0.0.1:0").await;
    let mut c = Raw::connect(host.url()).await;
    let init = c.open_car().await;
    assert_eq!(
        init,
        vec![Value::Int(0), Value::from("car"), Value::Int(0), pos(3, 4)]
    );

    assert_eq!(c.add(1, 2, 40).await, Value::Int(42));

    c.send(Packet::Ping { name: "Car".into() }).await;
    assert_eq!(c.recv().await, Packet::Pong { name: "Car".into() });

    // READWRITE label: WriteProperty, echoed as PropertyChange + notify Invoke.
    c.send(invoke(Call::WriteProperty, 1, vec!["hi".into()], -1))
        .await;
    assert_eq!(
        c.recv().await,
        Packet::PropertyChange {
            name: "Car".into(),
            index: 1,
            value: "hi".into()
        }
    );
    assert_eq!(
        c.recv().await,
        Packet::Invoke(Invoke {
            name: "Car".into(),
            call: Call::InvokeMetaMethod,
            index: 1,
            args: vec!["hi".into()],
            serial_id: -1,
            property_index: 1,
        })
    );

    // A void slot sends no reply; its signal comes to the listener.
    c.send(invoke(Call::InvokeMetaMethod, 3, vec![], -1)).await;
    let Packet::Invoke(signal) = c.recv().await else {
        panic!("signal expected")
    };
    assert_eq!((signal.index, signal.property_index), (4, -1));
    assert_eq!(signal.args, vec![Value::Int(3), Value::from("honk")]);

    // Out-of-range index and wrong argc: answered with an invalid value, connection kept.
    assert_eq!(c.add(7, 1, 1).await, Value::Int(2));
    c.send(invoke(Call::InvokeMetaMethod, 99, vec![], 8)).await;
    assert!(matches!(
        c.recv().await,
        Packet::InvokeReply {
            acked_serial_id: 8,
            value: Value::Invalid,
            ..
        }
    ));
    c.send(invoke(Call::InvokeMetaMethod, 2, vec![Value::Int(1)], 9))
        .await;
    assert!(matches!(
        c.recv().await,
        Packet::InvokeReply {
            acked_serial_id: 9,
            value: Value::Invalid,
            ..
        }
    ));
    // An Invoke for an object the host does not remote.
    c.send(Packet::Invoke(Invoke {
        name: "Nope".into(),
        call: Call::InvokeMetaMethod,
        index: 0,
        args: vec![],
        serial_id: 11,
        property_index: -1,
    }))
    .await;
    assert_eq!(
        c.recv().await,
        Packet::InvokeReply {
            name: "Nope".into(),
            acked_serial_id: 11,
            value: Value::Invalid
        }
    );
    // A second AddObject re-initializes; changes still come once.
    c.send(Packet::AddObject {
        name: "Car".into(),
        is_dynamic: false,
    })
    .await;
    assert!(matches!(c.recv().await, Packet::Init { .. }));
    c.send(invoke(Call::WriteProperty, 1, vec!["again".into()], -1))
        .await;
    assert!(matches!(
        c.recv().await,
        Packet::PropertyChange { index: 1, .. }
    ));
    assert!(matches!(
        c.recv().await,
        Packet::Invoke(Invoke {
            property_index: 1,
            ..
        })
    ));
    c.send(Packet::Ping { name: "Car".into() }).await;
    assert_eq!(c.recv().await, Packet::Pong { name: "Car".into() });
    host.shutdown().await;
}

#[tokio::test]
async fn a_consumer_that_stops_reading_is_closed_the_others_get_everything() {
    // A local socket: its kernel buffers are small, so a client that never reads stalls soon.
    let host = Host::listen_with(
        &format!("local:{}", car::unique("stalled")),
        HostOptions::default()
            .queue_capacity(1)
            .send_timeout(std::time::Duration::from_millis(200)),
    )
    .await
    .unwrap();
    let source = car_source(0);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let mut stalled = Raw::connect(host.url()).await;
    stalled.open_car().await;
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = node.acquire("Car", car::car_definition(), Some(CAR_SIGNATURE));
    car.wait_ready(car::DEADLINE).await.unwrap();
    let mut events = car.subscribe();
    // 300 labels of 8 KiB: far more than the socket buffers of a client that never reads.
    const N: usize = 300;
    let producer = tokio::spawn(async move {
        for i in 0..N {
            let label = format!("{i:05}{}", "x".repeat(8 * 1024));
            source.set("label", label).await.unwrap();
        }
    });
    within("every change at the reading node", async {
        for i in 0..N {
            let Some(ReplicaEvent::PropertyChanged { value, .. }) = events.recv().await else {
                panic!("change {i} expected")
            };
            assert!(value.as_str().unwrap().starts_with(&format!("{i:05}")));
        }
    })
    .await;
    within("the producer", producer).await.unwrap();
    eventually("the stalled client to be dropped", || {
        host.connection_count() == 1
    })
    .await;
    drop(stalled);
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn a_dynamic_acquire_gets_the_definition() {
    let host = car_host("tcp://127.0.0.1:0").await;
    let mut c = Raw::connect(host.url()).await;
    c.recv().await.check_handshake().unwrap();
    let _ = c.recv().await;
    c.send(Packet::AddObject {
        name: "Car".into(),
        is_dynamic: true,
    })
    .await;
    let Packet::InitDynamic {
        definition,
        properties,
        ..
    } = c.recv().await
    else {
        panic!("InitDynamic expected")
    };
    assert_eq!(definition, car::car_definition());
    assert_eq!(properties.len(), 4);
    host.shutdown().await;
}

/// Sends `bytes` after the host's greeting and expects the host to hang up.
async fn bad_client(url: &Url, bytes: &[u8]) {
    let mut stream = connect(url).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let raw = Raw {
        frames: Framed::new(stream, FrameCodec::new()),
        types: TypeRegistry::new(),
    };
    raw.expect_closed().await;
}

async fn bad_clients_are_dropped_the_good_one_stays(url: &str) {
    let host = Host::listen_with(url, HostOptions::default().max_frame_length(64 * 1024))
        .await
        .unwrap();
    host.enable_remoting("Car", car_source(0)).await.unwrap();
    let mut good = Raw::connect(host.url()).await;
    good.open_car().await;

    let wrong_handshake = Packet::Handshake {
        version: "QtRO 1.3".into(),
    }
    .to_bytes()
    .unwrap();
    // An int QVariant announced with an unknown type id 0x7777.
    let mut bad_variant = Packet::PropertyChange {
        name: "Car".into(),
        index: 0,
        value: Value::Int(1),
    }
    .to_bytes()
    .unwrap();
    bad_variant[6 + 10 + 4] = 0x77;
    bad_variant[6 + 10 + 5] = 0x77;
    let mut bad_invoke = invoke(Call::InvokeMetaMethod, 2, vec![Value::Int(1)], 1)
        .to_bytes()
        .unwrap();
    let arg_type_at = 6 + 10 + 4 + 4 + 4;
    bad_invoke[arg_type_at] = 0x77;
    bad_invoke[arg_type_at + 1] = 0x77;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec()),
        ("oversize length", vec![0xff, 0xff, 0xff, 0x7f, 0x04, 0x00]),
        ("too short a length", vec![1, 0, 0, 0, 0]),
        ("unknown packet type", vec![2, 0, 0, 0, 99, 0]),
        ("a node-side handshake", wrong_handshake.to_vec()),
        ("a packet only hosts send", bad_variant.to_vec()),
        ("an undecodable argument", bad_invoke.to_vec()),
        ("a truncated AddObject", vec![3, 0, 0, 0, 4, 0, 0]),
    ];
    for (what, bytes) in &cases {
        tracing::info!(what, "bad client");
        bad_client(host.url(), bytes).await;
        assert_eq!(good.add(1, 20, 22).await, Value::Int(42), "after {what}");
    }
    // A client that vanishes mid-frame is cleaned up as well.
    let mut half = connect(host.url()).await.unwrap();
    half.write_all(&[200, 0, 0, 0, 6, 0, 1]).await.unwrap();
    drop(half);
    eventually("only the good client left", || host.connection_count() == 1).await;
    good.send(Packet::Ping { name: "Car".into() }).await;
    assert_eq!(good.recv().await, Packet::Pong { name: "Car".into() });
    host.shutdown().await;
}

#[tokio::test]
async fn bad_clients_over_tcp() {
    bad_clients_are_dropped_the_good_one_stays("tcp://127.0.0.1:0").await;
}

#[tokio::test]
async fn bad_clients_over_a_local_socket() {
    bad_clients_are_dropped_the_good_one_stays(&format!("local:{}", car::unique("bad"))).await;
}

#[tokio::test]
async fn many_clients_at_once() {
    let host = car_host("tcp://127.0.0.1:0").await;
    let mut clients = Vec::new();
    for _ in 0..100 {
        let mut c = Raw::connect(host.url()).await;
        c.open_car().await;
        clients.push(c);
    }
    let mut tasks = Vec::new();
    for (i, mut c) in clients.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            let i = i32::try_from(i).unwrap();
            for serial in 1..=10 {
                assert_eq!(c.add(serial, i, serial).await, Value::Int(i + serial));
            }
            c
        }));
    }
    let mut clients = Vec::new();
    for t in tasks {
        clients.push(within("a client's calls", t).await.unwrap());
    }
    assert_eq!(host.connection_count(), 100);
    host.shutdown().await;
    for c in clients {
        c.expect_closed().await;
    }
}

/// A host (and a good client of it) shared by the property test's cases.
struct Shared {
    runtime: tokio::runtime::Runtime,
    host: Host,
    good: tokio::sync::Mutex<Raw>,
}

fn shared() -> &'static Shared {
    static SHARED: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
    SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (host, good) = runtime.block_on(async {
            let host = car_host("tcp://127.0.0.1:0").await;
            let mut good = Raw::connect(host.url()).await;
            good.open_car().await;
            (host, good)
        });
        Shared {
            runtime,
            host,
            good: tokio::sync::Mutex::new(good),
        }
    })
}

/// Random bytes, or frames with a valid length and packet type around a random body.
fn hostile_input() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    let framed =
        (1u16..=11, proptest::collection::vec(any::<u8>(), 0..120)).prop_map(|(ty, body)| {
            let len = u32::try_from(body.len() + 2).unwrap();
            let mut out = len.to_le_bytes().to_vec();
            out.extend_from_slice(&ty.to_le_bytes());
            out.extend_from_slice(&body);
            out
        });
    prop_oneof![proptest::collection::vec(any::<u8>(), 0..300), framed]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Whatever a client sends, the host hangs up on it cleanly (no panic, no hang) and keeps
    /// serving the good client.
    #[test]
    fn hostile_input_never_hurts_the_host(bytes in hostile_input()) {
        let s = shared();
        s.runtime.block_on(async {
            let mut stream = connect(s.host.url()).await.unwrap();
            stream.write_all(&bytes).await.unwrap();
            stream.shutdown().await.unwrap();
            let raw = Raw {
                frames: Framed::new(stream, FrameCodec::new()),
                types: TypeRegistry::new(),
            };
            raw.expect_closed().await;
            let mut good = s.good.lock().await;
            assert_eq!(good.add(1, 40, 2).await, Value::Int(42));
        });
    }
}

/// A handler that leaves work behind: it starts a task that announces the call's outcome with the
/// `crashed` signal once the reply is queued, then dawdles before returning, which gives that task
/// every chance to overtake the reply if it did not wait.
struct Announcer;

impl ifw_qtro::SourceHandler for Announcer {
    fn call<'a>(
        &'a self,
        source: &'a ifw_qtro::SourceObject,
        _method: usize,
        args: Vec<Value>,
    ) -> ifw_qtro::BoxFuture<'a, Value> {
        Box::pin(async move {
            let queued = ifw_qtro::source::reply_queued();
            let announcer = source.clone();
            tokio::spawn(async move {
                queued.await;
                announcer
                    .emit(4, vec![Value::Int(1), Value::from("after the reply")])
                    .await
                    .unwrap();
            });
            for _ in 0..20 {
                tokio::task::yield_now().await;
            }
            args.into_iter().next().unwrap_or(Value::Invalid)
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_a_handler_leaves_behind_can_wait_for_its_reply() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car::car_source_with(0, Announcer);
    host.enable_remoting("Car", source).await.unwrap();
    let mut c = Raw::connect(host.url()).await;
    c.open_car().await;
    for serial in 1..=20 {
        c.send(invoke(
            Call::InvokeMetaMethod,
            2,
            vec![serial.into(), 0.into()],
            serial,
        ))
        .await;
        match c.recv().await {
            Packet::InvokeReply {
                acked_serial_id, ..
            } => assert_eq!(acked_serial_id, serial),
            other => panic!("call {serial}: the reply must come first, got {other:?}"),
        }
        match c.recv().await {
            Packet::Invoke(Invoke { index: 4, args, .. }) => {
                assert_eq!(args[1], Value::from("after the reply"));
            }
            other => panic!("call {serial}: the signal must follow, got {other:?}"),
        }
    }
    host.shutdown().await;
}
