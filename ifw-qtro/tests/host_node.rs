//! A Rust node against a Rust host, over tcp, local and abstract sockets: initial values,
//! property changes both ways, signals, calls with replies, static and dynamic acquisition,
//! signatures, remoting disabled and enabled again, release and re-acquire, a client that starts
//! before its host, and a long burst of changes that arrives whole and in order.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

#[path = "support/car.rs"]
mod car;

use std::time::Duration;

use car::{
    CAR_SIGNATURE, DEADLINE, car_definition, car_source, eventually, free_tcp_url, pos, unique,
    within,
};
use ifw_qtro::{
    Error, Host, Node, NodeOptions, Replica, ReplicaEvent, ReplicaEvents, ReplicaState, Value,
};

async fn next_event(events: &mut ReplicaEvents) -> ReplicaEvent {
    within("a replica event", events.recv())
        .await
        .expect("event stream open")
}

fn changed(name: &str, value: Value) -> impl Fn(&ReplicaEvent) -> bool {
    let name = name.to_owned();
    move |e| matches!(e, ReplicaEvent::PropertyChanged { name: n, value: v, .. } if *n == name && *v == value)
}

async fn static_car(node: &Node) -> Replica {
    let car = node.acquire("Car", car_definition(), Some(CAR_SIGNATURE));
    car.wait_ready(DEADLINE).await.unwrap();
    car
}

async fn round_trip(url: &str) {
    let host = Host::listen(url).await.unwrap();
    let source = car_source(5);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = static_car(&node).await;

    // Initial values.
    assert_eq!(car.property("speed").unwrap(), Value::Int(5));
    assert_eq!(car.property("label").unwrap(), Value::from("car"));
    assert_eq!(car.property("pos").unwrap(), pos(3, 4));
    let mut events = car.subscribe();

    // A call with a reply, and serial ids that keep counting.
    assert_eq!(
        car.call("add", vec![2.into(), 40.into()]).await.unwrap(),
        Value::Int(42)
    );
    assert_eq!(
        car.call("add(int,int)", vec![(-2).into(), 2.into()])
            .await
            .unwrap(),
        Value::Int(0)
    );

    // A void slot whose source emits a signal.
    car.call("honk", vec![]).await.unwrap();
    assert_eq!(
        next_event(&mut events).await,
        ReplicaEvent::Signal {
            index: 4,
            signature: "crashed(int,QString)".into(),
            args: vec![Value::Int(3), Value::from("honk")],
        }
    );

    // Replica → source: a property write, echoed once.
    car.set_property("label", "written").await.unwrap();
    let e = next_event(&mut events).await;
    assert!(changed("label", "written".into())(&e), "{e:?}");
    assert_eq!(car.property("label").unwrap(), Value::from("written"));
    assert_eq!(source.property(1).await, Some(Value::from("written")));

    // Replica → source through a push method, with a gadget argument.
    car.call("pushPos", vec![pos(7, 8)]).await.unwrap();
    let e = next_event(&mut events).await;
    assert!(changed("pos", pos(7, 8))(&e), "{e:?}");

    // Source → replica: exactly one event per change, none for an unchanged value.
    source.set("speed", 88).await.unwrap();
    source.set("speed", 88).await.unwrap();
    source.set("gearNo", 2).await.unwrap();
    let e = next_event(&mut events).await;
    assert!(changed("speed", 88.into())(&e), "{e:?}");
    let e = next_event(&mut events).await;
    assert!(changed("gearNo", 2.into())(&e), "{e:?}");
    assert_eq!(car.property("speed").unwrap(), Value::Int(88));

    // Errors that stay on this side.
    assert!(matches!(
        car.call("nope", vec![]).await,
        Err(Error::UnknownMember { .. })
    ));
    assert!(matches!(
        car.call("add", vec![1.into()]).await,
        Err(Error::ArgumentCount {
            expected: 2,
            found: 1,
            ..
        })
    ));
    assert!(matches!(
        car.set_property("nope", 1).await,
        Err(Error::UnknownMember { .. })
    ));

    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn round_trip_over_tcp() {
    round_trip("tcp://127.0.0.1:0").await;
}

#[tokio::test]
async fn round_trip_over_a_local_socket() {
    round_trip(&format!("local:{}", unique("rt"))).await;
}

#[cfg(any(target_os = "linux", target_os = "android"))]
#[tokio::test]
async fn round_trip_over_an_abstract_socket() {
    round_trip(&format!("localabstract:{}", unique("rt"))).await;
}

#[tokio::test]
async fn dynamic_acquisition_learns_the_class() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    host.enable_remoting("Car", car_source(9)).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = node.acquire_dynamic("Car");
    assert!(matches!(
        car.call("add", vec![]).await,
        Err(Error::NotReady(_))
    ));
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(*car.definition().unwrap(), car_definition());
    assert_eq!(
        car.properties(),
        vec![
            ("speed".into(), Value::Int(9)),
            ("label".into(), Value::from("car")),
            ("gearNo".into(), Value::Int(0)),
            ("pos".into(), pos(3, 4)),
        ]
    );
    assert_eq!(
        car.call("add", vec![5.into(), 6.into()]).await.unwrap(),
        Value::Int(11)
    );
    // A second acquisition in the same node shares the replica.
    let again = node.acquire_dynamic("Car");
    assert_eq!(again.state(), ReplicaState::Ready);
    assert_eq!(again.property("speed").unwrap(), Value::Int(9));
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn a_wrong_signature_is_refused_while_dynamic_works() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    host.enable_remoting("Car", car_source(1)).await.unwrap();
    let url = host.url().to_string();
    let node = Node::connect(&url).await.unwrap();
    let wrong = node.acquire("Car", car_definition(), Some("0123"));
    assert!(matches!(
        wrong.wait_ready(DEADLINE).await,
        Err(Error::SignatureMismatch { .. })
    ));
    let other = Node::connect(&url).await.unwrap();
    // An empty signature on either side is accepted, as Qt does.
    let unsigned = other.acquire("Car", car_definition(), None);
    unsigned.wait_ready(DEADLINE).await.unwrap();
    let third = Node::connect(&url).await.unwrap();
    let dynamic = third.acquire_dynamic("Car");
    dynamic.wait_ready(DEADLINE).await.unwrap();
    assert!(matches!(
        wrong.state(),
        ReplicaState::SignatureMismatch { .. }
    ));
    for n in [node, other, third] {
        n.shutdown().await;
    }
    host.shutdown().await;
}

#[tokio::test]
async fn remoting_disabled_and_enabled_again() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    host.enable_remoting("Car", car_source(1)).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = static_car(&node).await;
    // A node that never acquires sees the object list change too.
    let watcher = Node::connect(&host.url().to_string()).await.unwrap();
    let mut objects = watcher.object_changes();
    within("the watcher's list", objects.wait_for(|o| o.len() == 1))
        .await
        .unwrap();

    assert!(host.disable_remoting("Car").await);
    assert!(!host.disable_remoting("Car").await);
    car.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    within(
        "the watcher's list to empty",
        objects.wait_for(Vec::is_empty),
    )
    .await
    .unwrap();
    assert!(node.objects().is_empty());
    assert!(matches!(
        car.call("add", vec![1.into(), 2.into()]).await,
        Err(Error::NotReady(_))
    ));

    // The same name again, with a new source: the replica re-syncs.
    let mut events = car.subscribe();
    host.enable_remoting("Car", car_source(77)).await.unwrap();
    assert!(matches!(
        host.enable_remoting("Car", car_source(0)).await,
        Err(Error::AlreadyRemoted(_))
    ));
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(77));
    let e = next_event(&mut events).await;
    assert!(changed("speed", 77.into())(&e), "{e:?}");
    assert_eq!(
        car.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        Value::Int(3)
    );
    within(
        "the watcher's list to refill",
        objects.wait_for(|o| o.len() == 1),
    )
    .await
    .unwrap();
    node.shutdown().await;
    watcher.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn release_and_acquire_again() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(3);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = static_car(&node).await;
    let copy = car.clone();
    drop(car);
    assert_eq!(copy.state(), ReplicaState::Ready);
    assert_eq!(source.listener_count().await, 1);
    drop(copy);
    within("the host to see the release", async {
        while source.listener_count().await != 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    source.set("speed", 4).await.unwrap();
    let car = static_car(&node).await;
    assert_eq!(car.property("speed").unwrap(), Value::Int(4));
    assert_eq!(source.listener_count().await, 1);
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn two_objects_one_host() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    host.enable_remoting("Car", car_source(1)).await.unwrap();
    host.enable_remoting("OtherCar", car_source(2))
        .await
        .unwrap();
    assert_eq!(
        host.remoted(),
        vec!["Car".to_owned(), "OtherCar".to_owned()]
    );
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let a = static_car(&node).await;
    let b = node.acquire("OtherCar", car_definition(), Some(CAR_SIGNATURE));
    b.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(a.property("speed").unwrap(), Value::Int(1));
    assert_eq!(b.property("speed").unwrap(), Value::Int(2));
    assert_eq!(
        b.call("add", vec![1.into(), 1.into()]).await.unwrap(),
        Value::Int(2)
    );
    node.shutdown().await;
    host.shutdown().await;
}

/// Changes and signals of two objects, interleaved on one connection: each replica sees its own,
/// once each and in order (notify signals are not reported on top of their changes).
#[tokio::test]
async fn interleaved_updates_of_two_objects() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let (sa, sb) = (car_source(1), car_source(2));
    host.enable_remoting("Car", sa.clone()).await.unwrap();
    host.enable_remoting("OtherCar", sb.clone()).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let a = static_car(&node).await;
    let b = node.acquire("OtherCar", car_definition(), Some(CAR_SIGNATURE));
    b.wait_ready(DEADLINE).await.unwrap();
    let (mut ea, mut eb) = (a.subscribe(), b.subscribe());
    for i in 10..20 {
        sa.set("speed", i).await.unwrap();
        sb.set("speed", i + 100).await.unwrap();
        sb.emit_signal("crashed", vec![i.into(), "b".into()])
            .await
            .unwrap();
        sa.emit_signal("crashed", vec![i.into(), "a".into()])
            .await
            .unwrap();
    }
    for (events, offset, tag) in [(&mut ea, 0, "a"), (&mut eb, 100, "b")] {
        for i in 10..20 {
            let e = next_event(events).await;
            assert!(changed("speed", (i + offset).into())(&e), "{e:?}");
            let e = next_event(events).await;
            assert_eq!(
                e,
                ReplicaEvent::Signal {
                    index: 4,
                    signature: "crashed(int,QString)".into(),
                    args: vec![Value::Int(i), Value::from(tag)],
                }
            );
        }
    }
    assert_eq!(b.property("speed").unwrap(), Value::Int(119));
    drop(a);
    sb.set("speed", 7).await.unwrap();
    let e = next_event(&mut eb).await;
    assert!(changed("speed", 7.into())(&e), "{e:?}");
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn a_client_that_starts_before_its_host() {
    let url = free_tcp_url();
    let node = Node::connect_with(
        &url,
        NodeOptions::default()
            .retry_interval(Duration::from_millis(20))
            .heartbeat_interval(Some(Duration::from_millis(50))),
    )
    .await
    .unwrap();
    let car = node.acquire_dynamic("Car");
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(car.state(), ReplicaState::Connecting);
    assert!(!node.is_connected());
    let host = Host::listen(&url).await.unwrap();
    host.enable_remoting("Car", car_source(12)).await.unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(12));
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn a_call_times_out_instead_of_hanging() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    host.enable_remoting("Car", car_source(1)).await.unwrap();
    let node = Node::connect_with(
        &host.url().to_string(),
        NodeOptions::default().call_timeout(Duration::from_millis(200)),
    )
    .await
    .unwrap();
    let car = static_car(&node).await;
    assert!(matches!(
        car.call("add", vec![(-1).into(), 0.into()]).await,
        Err(Error::Timeout(_))
    ));
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_changes_arrive_in_order() {
    const N: i32 = 50_000;
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(0);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = static_car(&node).await;
    let mut events = car.subscribe();
    let producer = tokio::spawn(async move {
        for i in 1..=N {
            source.set_property(0, Value::Int(i)).await.unwrap();
        }
    });
    within("all changes", async {
        for i in 1..=N {
            match events.recv().await {
                Some(ReplicaEvent::PropertyChanged {
                    index: 0, value, ..
                }) => {
                    assert_eq!(value, Value::Int(i));
                }
                other => panic!("change {i} expected, got {other:?}"),
            }
        }
    })
    .await;
    producer.await.unwrap();
    eventually("the cache to hold the last value", || {
        car.property("speed").unwrap() == Value::Int(N)
    })
    .await;
    node.shutdown().await;
    host.shutdown().await;
}

/// Calls from several tasks at once, while the source pushes a stream of changes on the same
/// connection, on a multi-thread runtime: callers writing their Invokes themselves and the flush
/// task writing the changes never interleave within a frame, lose a wake-up or mix up replies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_while_changes_stream() {
    const CALLERS: i32 = 8;
    const CALLS: i32 = 300;
    const CHANGES: i32 = 20_000;
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(0);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = static_car(&node).await;
    let mut events = car.subscribe();
    let producer = tokio::spawn(async move {
        for i in 1..=CHANGES {
            source.set_property(0, Value::Int(i)).await.unwrap();
        }
    });
    let callers: Vec<_> = (0..CALLERS)
        .map(|c| {
            let car = car.clone();
            tokio::spawn(async move {
                for i in 0..CALLS {
                    let sum = car
                        .call("add", vec![Value::Int(c * 1000), Value::Int(i)])
                        .await
                        .unwrap();
                    assert_eq!(sum, Value::Int(c * 1000 + i));
                }
            })
        })
        .collect();
    within("every change, in order", async {
        let mut last = 0;
        while last < CHANGES {
            match events.recv().await {
                Some(ReplicaEvent::PropertyChanged { value, .. }) => {
                    assert_eq!(value, Value::Int(last + 1));
                    last += 1;
                }
                other => panic!("a change expected, got {other:?}"),
            }
        }
    })
    .await;
    within("every call", async {
        for caller in callers {
            caller.await.unwrap();
        }
    })
    .await;
    producer.await.unwrap();
    node.shutdown().await;
    host.shutdown().await;
}

/// A class of its own: `echo(QByteArray)` returns its argument and emits `data(QByteArray)`.
struct Blob;

impl ifw_qtro::SourceHandler for Blob {
    fn call<'a>(
        &'a self,
        source: &'a ifw_qtro::SourceObject,
        _method: usize,
        args: Vec<Value>,
    ) -> ifw_qtro::BoxFuture<'a, Value> {
        Box::pin(async move {
            source.emit(0, args.clone()).await.unwrap();
            args.into_iter().next().unwrap_or(Value::Invalid)
        })
    }
}

#[tokio::test]
async fn large_values_in_both_directions() {
    use ifw_qtro::codec::{ClassDefinition, MethodDef, SignalDef};
    let definition = ClassDefinition {
        type_name: Some("Blob".into()),
        signals: vec![SignalDef {
            signature: "data(QByteArray)".into(),
            parameter_names: vec!["bytes".into()],
        }],
        methods: vec![MethodDef {
            signature: "echo(QByteArray)".into(),
            return_type: "QByteArray".into(),
            parameter_names: vec!["bytes".into()],
        }],
        ..ClassDefinition::default()
    };
    let source = ifw_qtro::SourceObject::builder(definition)
        .handler(Blob)
        .build()
        .unwrap();
    let host = Host::listen(&format!("local:{}", unique("blob")))
        .await
        .unwrap();
    host.enable_remoting("Blob", source).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let blob = node.acquire_dynamic("Blob");
    blob.wait_ready(DEADLINE).await.unwrap();
    let mut events = blob.subscribe();
    // 16 KiB, as Qt's largeDataTest, and 1 MiB: frames far larger than one read.
    for size in [16 * 1024, 1024 * 1024] {
        let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let back = blob
            .call("echo", vec![Value::from(bytes.clone())])
            .await
            .unwrap();
        assert_eq!(back, Value::from(bytes.clone()));
        assert_eq!(
            next_event(&mut events).await,
            ReplicaEvent::Signal {
                index: 0,
                signature: "data(QByteArray)".into(),
                args: vec![Value::from(bytes)],
            }
        );
    }
    node.shutdown().await;
    host.shutdown().await;
}
