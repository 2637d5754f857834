//! Checklist item 16, multiplicity: two replicas of one object in one node, acquire / release /
//! re-acquire in turn, one source under two names, several types on one host, and an
//! in-process replica (no socket) and a remote one seeing each other's pushes.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

#[path = "support/car.rs"]
mod car;

use std::time::Duration;

use car::{CAR_SIGNATURE, DEADLINE, car_definition, car_source, eventually, within};
use ifw_qtro::codec::{ClassDefinition, MethodDef, PropertyDef, SignalDef};
use ifw_qtro::{
    BoxFuture, Host, Node, NodeOptions, Replica, ReplicaEvent, ReplicaEvents, ReplicaState,
    SourceHandler, SourceObject, Value,
};

async fn next_change(events: &mut ReplicaEvents) -> (String, Value) {
    loop {
        match within("an event", events.recv()).await {
            Some(ReplicaEvent::PropertyChanged { name, value, .. }) => return (name, value),
            Some(_) => {}
            None => panic!("the event stream ended"),
        }
    }
}

async fn wait_for_speed(replica: &Replica, speed: i32) {
    eventually("the speed to arrive", || {
        replica.property("speed").ok() == Some(Value::Int(speed))
    })
    .await;
}

async fn ready_car(node: &Node, name: &str) -> Replica {
    let car = node.acquire(name, car_definition(), Some(CAR_SIGNATURE));
    car.wait_ready(DEADLINE).await.unwrap();
    car
}

#[tokio::test]
async fn two_replicas_of_one_object_in_one_node() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(1);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let a = ready_car(&node, "Car").await;
    // A second acquisition of the name, static or dynamic, shares the first one's state.
    let b = node.acquire("Car", car_definition(), Some(CAR_SIGNATURE));
    let c = node.acquire_dynamic("Car");
    assert_eq!(b.state(), ReplicaState::Ready);
    assert_eq!(c.property("speed").unwrap(), Value::Int(1));
    // One AddObject: the host has one listener for the three handles.
    assert_eq!(source.listener_count().await, 1);

    let (mut ea, mut eb) = (a.subscribe(), b.subscribe());
    source.set("speed", 2).await.unwrap();
    assert_eq!(next_change(&mut ea).await, ("speed".into(), Value::Int(2)));
    assert_eq!(next_change(&mut eb).await, ("speed".into(), Value::Int(2)));
    assert_eq!(
        b.call("add", vec![2.into(), 2.into()]).await.unwrap(),
        Value::Int(4)
    );
    // A write through one handle is seen through the other.
    b.set_property("speed", 3).await.unwrap();
    assert_eq!(next_change(&mut ea).await, ("speed".into(), Value::Int(3)));
    assert_eq!(next_change(&mut eb).await, ("speed".into(), Value::Int(3)));

    // Dropping some handles releases nothing while one is left.
    drop((a, c, ea));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(source.listener_count().await, 1);
    source.set("speed", 4).await.unwrap();
    assert_eq!(next_change(&mut eb).await, ("speed".into(), Value::Int(4)));
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn acquire_release_and_acquire_again_in_turn() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(0);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    for round in 1..=5 {
        source.set("speed", round).await.unwrap();
        let car = if round % 2 == 0 {
            ready_car(&node, "Car").await
        } else {
            let car = node.acquire_dynamic("Car");
            car.wait_ready(DEADLINE).await.unwrap();
            car
        };
        // Each acquisition starts from the source's current value.
        assert_eq!(car.property("speed").unwrap(), Value::Int(round));
        assert_eq!(
            car.call("add", vec![round.into(), 1.into()]).await.unwrap(),
            Value::Int(round + 1)
        );
        assert_eq!(source.listener_count().await, 1);
        drop(car);
        within("the release to reach the host", async {
            while source.listener_count().await != 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
    }
    node.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn one_source_under_two_names() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(5);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    host.enable_remoting("SameCar", source.clone())
        .await
        .unwrap();
    let names: Vec<String> = host.remoted();
    assert_eq!(names, ["Car", "SameCar"]);
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let objects = node.object_changes();
    let a = ready_car(&node, "Car").await;
    let b = node.acquire_dynamic("SameCar");
    b.wait_ready(DEADLINE).await.unwrap();
    // Both entries carry the type and signature.
    assert!(
        objects
            .borrow()
            .iter()
            .all(|o| o.type_name.as_deref() == Some("Car"))
    );
    assert_eq!(source.listener_count().await, 2);

    let (mut ea, mut eb) = (a.subscribe(), b.subscribe());
    source.set("speed", 6).await.unwrap();
    assert_eq!(next_change(&mut ea).await, ("speed".into(), Value::Int(6)));
    assert_eq!(next_change(&mut eb).await, ("speed".into(), Value::Int(6)));
    // A write under one name reaches the replica under the other.
    a.set_property("speed", 7).await.unwrap();
    assert_eq!(next_change(&mut eb).await, ("speed".into(), Value::Int(7)));
    assert_eq!(next_change(&mut ea).await, ("speed".into(), Value::Int(7)));
    // Removing one name leaves the other working.
    assert!(host.disable_remoting("SameCar").await);
    b.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    source.set("speed", 8).await.unwrap();
    assert_eq!(next_change(&mut ea).await, ("speed".into(), Value::Int(8)));
    assert_eq!(a.state(), ReplicaState::Ready);
    node.shutdown().await;
    host.shutdown().await;
}

/// `Counter`: a second class, with a property, a method and no signature.
fn counter_definition() -> ClassDefinition {
    ClassDefinition {
        type_name: Some("Counter".into()),
        signals: vec![SignalDef {
            signature: "countChanged(qlonglong)".into(),
            parameter_names: vec!["count".into()],
        }],
        methods: vec![MethodDef {
            signature: "increment(qlonglong)".into(),
            return_type: "qlonglong".into(),
            parameter_names: vec!["by".into()],
        }],
        properties: vec![PropertyDef {
            name: "count".into(),
            type_name: "qlonglong".into(),
            notify_signature: Some("countChanged(qlonglong)".into()),
        }],
        ..ClassDefinition::default()
    }
}

/// Adds to `count` and returns the new count.
struct CounterHandler;

impl SourceHandler for CounterHandler {
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        _method: usize,
        args: Vec<Value>,
    ) -> BoxFuture<'a, Value> {
        Box::pin(async move {
            let by = args.first().and_then(Value::as_i64).unwrap_or(0);
            let now = source
                .property(0)
                .await
                .and_then(|v| v.as_i64())
                .unwrap_or(0)
                + by;
            source.set_property(0, Value::LongLong(now)).await.unwrap();
            Value::LongLong(now)
        })
    }
}

#[tokio::test]
async fn several_types_on_one_host() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let counter = SourceObject::builder(counter_definition())
        .values(vec![Value::LongLong(10)])
        .handler(CounterHandler)
        .build()
        .unwrap();
    host.enable_remoting("Car", car_source(1)).await.unwrap();
    host.enable_remoting("Counter", counter).await.unwrap();
    let node = Node::connect(&host.url().to_string()).await.unwrap();
    let car = ready_car(&node, "Car").await;
    let count = node.acquire("Counter", counter_definition(), None);
    let dynamic = node.acquire_dynamic("Counter");
    count.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(
        dynamic.definition().unwrap().type_name.as_deref(),
        Some("Counter")
    );
    let mut events = count.subscribe();
    assert_eq!(
        count
            .call("increment", vec![Value::LongLong(5)])
            .await
            .unwrap(),
        Value::LongLong(15)
    );
    assert_eq!(
        next_change(&mut events).await,
        ("count".into(), Value::LongLong(15))
    );
    assert_eq!(
        car.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        Value::Int(3)
    );
    assert_eq!(car.property("speed").unwrap(), Value::Int(1));
    node.shutdown().await;
    host.shutdown().await;
}

/// An in-process replica (a node connected to the host without a socket) and a remote one
/// (over TCP) see each other's writes, as Qt's in-process and remote clients do.
#[tokio::test]
async fn an_in_process_and_a_remote_replica_see_each_others_pushes() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(1);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let local = host.in_process_node(NodeOptions::default());
    let remote = Node::connect(&host.url().to_string()).await.unwrap();
    let mine = ready_car(&local, "Car").await;
    let theirs = ready_car(&remote, "Car").await;
    assert_eq!(host.connection_count(), 2);
    assert_eq!(source.listener_count().await, 2);

    theirs.set_property("speed", 2).await.unwrap();
    wait_for_speed(&mine, 2).await;
    mine.set_property("speed", 3).await.unwrap();
    wait_for_speed(&theirs, 3).await;
    assert_eq!(
        mine.call("add", vec![20.into(), 1.into()]).await.unwrap(),
        Value::Int(21)
    );
    // The in-process node knows the object list too.
    assert_eq!(local.objects().len(), 1);

    // When the host goes, the in-process replica is Suspect like the remote one.
    drop(theirs);
    remote.shutdown().await;
    host.shutdown().await;
    mine.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    assert!(matches!(
        mine.call("add", vec![1.into(), 1.into()]).await,
        Err(ifw_qtro::Error::NotReady(_))
    ));
    local.shutdown().await;
}
