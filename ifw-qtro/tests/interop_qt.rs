//! Interop with a real Qt 6 (built with `--features qt-interop`): the harness compiles a small C++
//! peer (`tests/interop/peer.cpp`, `car.rep`, `rich.rep`) with repc, moc and g++ into a temp dir
//! and runs it as a child process owned by a guard that kills it on drop.
//!
//! - a Rust host serving Qt's repc static `CarReplica` (with a heartbeat) and a dynamic replica;
//! - a Qt repc `CarSimpleSource` serving Rust static and dynamic replicas, restarted under them;
//! - a Qt source with an `enum class : qint16`, `QList<POD>`, `QList<int>`, `QMap`, lists and
//!   byte arrays, read, called and written by a Rust dynamic replica;
//! - the registry both ways: a Qt node finding a Rust-hosted source through a Rust registry, and
//!   a Qt host registering with a Rust registry that Rust clients use; in both directions a
//!   replica following its source to a new host URL (checklist item 15).
//!
//! Needs `qt6-remoteobjects-dev`, `libqt6remoteobjects6-bin`, `g++` and `pkg-config`; the Qt tool
//! directory can be overridden with `QT_LIBEXEC` (default `/usr/lib/qt6/libexec`).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

#[path = "support/car.rs"]
mod car;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use car::{
    CAR_SIGNATURE, DEADLINE, car_definition, car_source, free_tcp_url, pos, registered_host,
    unique, within,
};
use ifw_qtro::{
    Host, Node, NodeOptions, Registry, RegistryHost, ReplicaEvent, ReplicaState, SourceObject,
    Value,
};
use ifw_testkit::peer::LinePeer;

/// The peer's sources: written into the build directory.
const PEER_SOURCES: [(&str, &str); 3] = [
    ("car.rep", include_str!("interop/car.rep")),
    ("rich.rep", include_str!("interop/rich.rep")),
    ("peer.cpp", include_str!("interop/peer.cpp")),
];

/// Builds the peer with repc, moc and g++ (reused until its sources change); returns its path.
fn build_peer() -> Result<PathBuf, String> {
    ifw_testkit::qt::build("peer", &PEER_SOURCES, "-O1").map_err(|e| e.to_string())
}

/// The peer, built once per test binary (a failed build is reported to every test).
fn peer_binary() -> PathBuf {
    static PEER: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PEER.get_or_init(build_peer) {
        Ok(path) => path.clone(),
        Err(e) => panic!("cannot build the Qt peer: {e}"),
    }
}

/// The running C++ peer; killed when dropped.
struct Peer(LinePeer);

impl Peer {
    async fn start(args: &[&str]) -> Self {
        let binary = tokio::task::spawn_blocking(peer_binary).await.unwrap();
        Self(LinePeer::spawn(&binary, args).unwrap())
    }

    /// Waits for a line starting with `prefix`; returns it.
    async fn expect(&mut self, prefix: &str) -> String {
        match self.0.wait_for(DEADLINE, |l| l.starts_with(prefix)).await {
            Some(line) => line,
            None => panic!(
                "peer never printed `{prefix}`; it printed {:#?}",
                self.0.seen()
            ),
        }
    }

    /// Waits until lines starting with each of `prefixes` have been printed, in any order.
    async fn expect_all(&mut self, prefixes: &[&str]) {
        let done = |seen: &[String]| {
            prefixes
                .iter()
                .all(|p| seen.iter().any(|l| l.starts_with(p)))
        };
        if !self.0.wait_until(DEADLINE, done).await {
            panic!(
                "peer never printed all of {prefixes:?}; it printed {:#?}",
                self.0.seen()
            );
        }
    }

    /// Every line the peer printed so far.
    fn seen(&self) -> &[String] {
        self.0.seen()
    }

    async fn send(&mut self, line: &str) {
        self.0.send(line).await.unwrap();
    }
}

#[tokio::test]
async fn rust_host_serves_a_qt_static_replica() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = car_source(5);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let url = host.url().to_string();
    // A 100 ms heartbeat: the Rust host must answer every Ping or the replica goes Suspect.
    let mut peer = Peer::start(&["replica", &url, "100"]).await;
    let init = peer.expect("initialized").await;
    assert_eq!(init, "initialized speed=5 label=car gearNo=0 pos=3,4");

    peer.send("add 20 22").await;
    assert_eq!(peer.expect("add ->").await, "add -> 42 error=0");
    peer.send("honk").await;
    peer.expect("crashed 3 honk").await;
    peer.send("pushGearNo 3").await;
    peer.expect("gearNoChanged 3").await;
    peer.send("pushPos 7 8").await;
    peer.expect("posChanged 7,8").await;
    peer.send("setLabel written-by-cpp").await;
    peer.expect("labelChanged written-by-cpp").await;
    assert_eq!(
        source.property(1).await,
        Some(Value::from("written-by-cpp"))
    );
    assert_eq!(source.property(2).await, Some(Value::Int(3)));
    assert_eq!(source.property(3).await, Some(pos(7, 8)));

    source.set("speed", 88).await.unwrap();
    peer.expect("speedChanged 88").await;
    // Several heartbeat intervals have passed by now; none may have failed.
    tokio::time::sleep(Duration::from_millis(300)).await;
    source.set("speed", 89).await.unwrap();
    peer.expect("speedChanged 89").await;
    assert!(
        !peer.seen().iter().any(|l| l.starts_with("state 3")),
        "{:#?}",
        peer.seen()
    );

    // Remoting disabled: the replica goes Suspect (3); enabled again: Valid (2) with new values.
    assert!(host.disable_remoting("Car").await);
    peer.expect("state 3 was 2").await;
    host.enable_remoting("Car", car_source(6)).await.unwrap();
    peer.expect("state 2 was 3").await;
    peer.expect("speedChanged 6").await;
    host.shutdown().await;
}

/// Checklist item 16 with Qt: a Qt replica (remote) and a Rust in-process replica (no socket)
/// of one Rust source see each other's pushes.
#[tokio::test]
async fn a_qt_replica_and_an_in_process_replica_see_each_others_pushes() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    host.enable_remoting("Car", car_source(9)).await.unwrap();
    let local = host.in_process_node(NodeOptions::default());
    let mine = local.acquire("Car", car_definition(), Some(CAR_SIGNATURE));
    mine.wait_ready(DEADLINE).await.unwrap();
    let mut peer = Peer::start(&["replica", &host.url().to_string(), "0"]).await;
    peer.expect("initialized speed=9").await;

    peer.send("pushGearNo 4").await;
    peer.expect("gearNoChanged 4").await;
    within("Qt's push to reach the in-process replica", async {
        while mine.property("gearNo").unwrap() != Value::Int(4) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    mine.call("pushGearNo", vec![Value::Int(6)]).await.unwrap();
    peer.expect("gearNoChanged 6").await;
    mine.set_property("label", "from-rust").await.unwrap();
    peer.expect("labelChanged from-rust").await;
    peer.send("quit").await;
    local.shutdown().await;
    host.shutdown().await;
}

#[tokio::test]
async fn a_qt_static_replica_checks_the_signature() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let wrong = SourceObject::builder(car_definition())
        .values(vec![Value::Int(0), "car".into(), Value::Int(0), pos(0, 0)])
        .signature("0000000000000000000000000000000000000000")
        .build()
        .unwrap();
    host.enable_remoting("Car", wrong).await.unwrap();
    let mut peer = Peer::start(&["replica", &host.url().to_string(), "0"]).await;
    peer.expect("state 4").await;
    host.shutdown().await;
}

#[tokio::test]
async fn rust_host_serves_a_qt_dynamic_replica() {
    let host = Host::listen(&format!("local:{}", unique("interop")))
        .await
        .unwrap();
    let source = car_source(5);
    host.enable_remoting("Car", source.clone()).await.unwrap();
    let mut peer = Peer::start(&["dynamic", &host.url().to_string()]).await;
    assert_eq!(peer.expect("dynamic class=").await, "dynamic class=Car");
    assert_eq!(peer.expect("prop speed").await, "prop speed int 5");
    assert_eq!(peer.expect("prop label").await, "prop label QString car");
    assert_eq!(peer.expect("prop pos").await, "prop pos Pos x=3,y=4");
    assert_eq!(peer.expect("enum").await, "enum Gear P=0,R=1,N=2,D=4");
    peer.expect("method pushPos(Pos) void").await;
    peer.expect("method add(int,int) QRemoteObjectPendingCall")
        .await;
    assert_eq!(peer.expect("dynamic add").await, "dynamic add -> 11");
    within("the dynamic replica's write", async {
        while source.property(1).await != Some(Value::from("dynamic-write")) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    host.shutdown().await;
}

#[tokio::test]
async fn qt_source_serves_rust_replicas() {
    let url = free_tcp_url();
    let mut peer = Peer::start(&["source", &url]).await;
    assert_eq!(peer.expect("enableRemoting").await, "enableRemoting 1");
    let options = NodeOptions::default()
        .retry_interval(Duration::from_millis(50))
        .heartbeat_interval(Some(Duration::from_millis(100)));
    let node = Node::connect_with(&url, options.clone()).await.unwrap();
    let car = node.acquire("Car", car_definition(), Some(CAR_SIGNATURE));
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(
        car.properties(),
        vec![
            ("speed".into(), Value::Int(0)),
            ("label".into(), Value::from("car")),
            ("gearNo".into(), Value::Int(0)),
            ("pos".into(), pos(3, 4)),
        ]
    );
    assert_eq!(
        car.call("add", vec![2.into(), 40.into()]).await.unwrap(),
        Value::Int(42)
    );
    let mut events = car.subscribe();
    let mut next = async || within("an event", events.recv()).await.unwrap();

    car.call("honk", vec![]).await.unwrap();
    assert_eq!(
        next().await,
        ReplicaEvent::Signal {
            index: 4,
            signature: "crashed(int,QString)".into(),
            args: vec![Value::Int(3), "honk".into()],
        }
    );
    car.set_property("label", "from-rust").await.unwrap();
    peer.expect("label from-rust").await;
    assert!(
        matches!(next().await, ReplicaEvent::PropertyChanged { index: 1, value, .. } if value == "from-rust".into())
    );
    car.call("pushGearNo", vec![4.into()]).await.unwrap();
    peer.expect("gearNo 4").await;
    assert!(matches!(
        next().await,
        ReplicaEvent::PropertyChanged {
            index: 2,
            value: Value::Int(4),
            ..
        }
    ));
    car.call("pushPos", vec![pos(5, 6)]).await.unwrap();
    peer.expect("pos 5,6").await;
    assert!(
        matches!(next().await, ReplicaEvent::PropertyChanged { index: 3, value, .. } if value == pos(5, 6))
    );
    peer.send("speed 88").await;
    assert!(matches!(
        next().await,
        ReplicaEvent::PropertyChanged {
            index: 0,
            value: Value::Int(88),
            ..
        }
    ));

    // A dynamic replica in another node gets the class from Qt.
    let other = Node::connect_with(&url, options).await.unwrap();
    let dynamic = other.acquire_dynamic("Car");
    dynamic.wait_ready(DEADLINE).await.unwrap();
    let def = dynamic.definition().unwrap();
    assert_eq!(def.type_name.as_deref(), Some("Car"));
    assert_eq!(def.properties, car_definition().properties);
    assert_eq!(def.signals, car_definition().signals);
    assert_eq!(def.methods, car_definition().methods);
    assert_eq!(def.enums, car_definition().enums);
    assert_eq!(dynamic.property("speed").unwrap(), Value::Int(88));
    assert_eq!(dynamic.property("pos").unwrap(), pos(5, 6));
    assert_eq!(
        dynamic.call("add", vec![5.into(), 6.into()]).await.unwrap(),
        Value::Int(11)
    );

    // The Qt source process dies and comes back on the same URL: both replicas re-sync.
    drop(peer);
    car.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    let mut peer = Peer::start(&["source", &url]).await;
    peer.expect("enableRemoting 1").await;
    car.wait_ready(DEADLINE).await.unwrap();
    dynamic.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(0));
    assert_eq!(dynamic.property("pos").unwrap(), pos(3, 4));
    assert_eq!(
        car.call("add", vec![1.into(), 2.into()]).await.unwrap(),
        Value::Int(3)
    );
    // Several heartbeats against Qt's Pongs: the link stays up.
    let mut states = car.state_changes();
    states.mark_unchanged();
    let quiet = tokio::time::timeout(Duration::from_millis(400), states.changed()).await;
    assert!(quiet.is_err(), "state changed: {:?}", car.state());
    peer.send("quit").await;
    node.shutdown().await;
    other.shutdown().await;
}

#[tokio::test]
async fn a_qt_node_finds_a_rust_source_through_a_rust_registry() {
    let registry = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    let registry_url = registry.host().url().to_string();
    let host = registered_host(&registry_url, 31).await;
    let mut peer = Peer::start(&["registry-client", &registry_url]).await;
    assert_eq!(
        peer.expect("registry dynamic").await,
        "registry dynamic speed=31"
    );
    host.shutdown().await;
    registry.shutdown().await;
}

/// Checklist item 15 with a Qt replica: its Rust host goes away (Suspect), another Rust host at
/// another URL registers the source with a changed value; Qt's registry node follows it to the
/// new URL and the replica is Valid again with the new value.
#[tokio::test]
async fn a_qt_replica_follows_its_source_to_a_new_rust_host() {
    let registry = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    let registry_url = registry.host().url().to_string();
    let first = registered_host(&registry_url, 41).await;
    let mut peer = Peer::start(&["registry-client", &registry_url]).await;
    peer.expect("registry dynamic speed=41").await;
    first.shutdown().await;
    // QRemoteObjectReplica::Suspect
    peer.expect("registry state 3").await;
    let second = registered_host(&registry_url, 42).await;
    // QRemoteObjectReplica::Valid, with the new host's value.
    assert_eq!(
        peer.expect("registry state 2").await,
        "registry state 2 speed=42"
    );
    second.shutdown().await;
    registry.shutdown().await;
}

/// Checklist item 15 with Qt hosts: a Rust registry client's replica follows `Car` from a Qt host
/// that dies to another Qt host at another URL, where the value changed meanwhile.
#[tokio::test]
async fn a_rust_replica_follows_its_source_to_a_new_qt_host() {
    let registry_host = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    let registry_url = registry_host.host().url().to_string();
    let registry = Registry::connect_with(
        &registry_url,
        NodeOptions::default().retry_interval(Duration::from_millis(20)),
    )
    .await
    .unwrap();
    let first_url = free_tcp_url();
    let mut first = Peer::start(&["registry-source", &first_url, &registry_url, "51"]).await;
    first.expect("enableRemoting 1").await;
    let car = registry
        .acquire("Car", car_definition(), Some(CAR_SIGNATURE), DEADLINE)
        .await
        .unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(51));
    drop(first);
    car.wait_for_state(DEADLINE, |s| *s == ReplicaState::Disconnected)
        .await
        .unwrap();
    let mut locations = registry.location_changes();
    within(
        "the registry to forget the dead host",
        locations.wait_for(Vec::is_empty),
    )
    .await
    .unwrap();

    let second_url = free_tcp_url();
    let mut second = Peer::start(&["registry-source", &second_url, &registry_url, "52"]).await;
    second.expect("enableRemoting 1").await;
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(car.property("speed").unwrap(), Value::Int(52));
    assert_eq!(
        car.call("add", vec![5.into(), 6.into()]).await.unwrap(),
        Value::Int(11)
    );
    drop(second);
    registry.shutdown().await;
    registry_host.shutdown().await;
}

#[tokio::test]
async fn a_qt_host_registers_with_a_rust_registry() {
    let registry_host = RegistryHost::listen("tcp://127.0.0.1:0").await.unwrap();
    let registry_url = registry_host.host().url().to_string();
    let url = free_tcp_url();
    let mut peer = Peer::start(&["registry-source", &url, &registry_url]).await;
    peer.expect("enableRemoting 1").await;
    let registry = Registry::connect(&registry_url).await.unwrap();
    let location = registry.wait_for("Car", DEADLINE).await.unwrap();
    assert_eq!(location.host_url, url);
    assert_eq!(location.type_name.as_deref(), Some("Car"));
    let car = registry
        .acquire("Car", car_definition(), Some(CAR_SIGNATURE), DEADLINE)
        .await
        .unwrap();
    car.wait_ready(DEADLINE).await.unwrap();
    assert_eq!(
        car.call("add", vec![2.into(), 3.into()]).await.unwrap(),
        Value::Int(5)
    );
    // The Qt host dies: its connection to the registry drops and its source is unregistered.
    drop(peer);
    let mut locations = registry.location_changes();
    within(
        "the registry to forget the dead host",
        locations.wait_for(Vec::is_empty),
    )
    .await
    .unwrap();
    registry.shutdown().await;
    registry_host.shutdown().await;
}

#[tokio::test]
async fn rich_types_from_a_qt_source() {
    use ifw_qtro::codec::{Associative, GadgetDef, GadgetSequence, Sequence, TypeRegistry};
    let url = free_tcp_url();
    let mut peer = Peer::start(&["rich-source", &url]).await;
    peer.expect("enableRemoting 1").await;
    // Qt 6.4 leaves gadgets used only inside containers out of the dynamic definition, so the
    // node must know `Point` in advance (as a Qt dynamic replica would need it registered).
    let mut types = TypeRegistry::new();
    types.register_gadget(GadgetDef::new("Point", [("x", "int"), ("y", "int")]));
    let node = Node::connect_with(&url, NodeOptions::default().types(types))
        .await
        .unwrap();
    let rich = node.acquire_dynamic("Rich");
    rich.wait_ready(DEADLINE).await.unwrap();
    let def = rich.definition().unwrap();
    let mode = &def.enums[0];
    assert_eq!(
        (mode.name.as_str(), mode.size, mode.is_scoped),
        ("Mode", 2, true)
    );
    assert_eq!(
        mode.keys.iter().map(|k| k.value).collect::<Vec<_>>(),
        vec![-1, 1, 16]
    );
    let point = |x: i32, y: i32| {
        Value::Gadget(ifw_qtro::Gadget::new(
            "Point",
            [("x", Value::Int(x)), ("y", Value::Int(y))],
        ))
    };
    assert_eq!(
        rich.properties(),
        vec![
            ("mode".into(), Value::Short(1)),
            (
                "points".into(),
                Value::GadgetSequence(GadgetSequence {
                    type_name: "QList<Point>".into(),
                    value_type_name: "Point".into(),
                    items: vec![point(1, 2), point(3, 4)],
                })
            ),
            (
                "numbers".into(),
                Value::Sequence(Sequence {
                    type_name: "QList<int>".into(),
                    items: vec![Value::Int(1), Value::Int(2), Value::Int(3)],
                })
            ),
            (
                "scores".into(),
                Value::Associative(Associative {
                    type_name: "QMap<QString,int>".into(),
                    entries: vec![("a".into(), Value::Int(1)), ("b".into(), Value::Int(2))],
                })
            ),
            (
                "mixed".into(),
                Value::List(vec![Value::Int(1), "two".into(), Value::Double(3.0)])
            ),
            ("blob".into(), Value::from(vec![0u8, 1, 0xff])),
            ("ratio".into(), Value::Double(0.5)),
            (
                "names".into(),
                Value::StringList(vec![Some("x".into()), Some("y".into())])
            ),
        ]
    );

    let mut events = rich.subscribe();
    // An enum argument and return value travel as the enum's 2-byte integer.
    assert_eq!(
        rich.call("toggle", vec![Value::Short(1)]).await.unwrap(),
        Value::Short(16)
    );
    assert_eq!(
        within("the alarm signal", events.recv()).await.unwrap(),
        ReplicaEvent::Signal {
            index: 8,
            signature: "alarm(Rich::Mode,QString)".into(),
            args: vec![Value::Short(16), "toggled".into()],
        }
    );
    let numbers = Value::Sequence(Sequence {
        type_name: "QList<int>".into(),
        items: vec![Value::Int(10), Value::Int(20), Value::Int(12)],
    });
    assert_eq!(
        rich.call("sum", vec![numbers]).await.unwrap(),
        Value::Int(42)
    );
    rich.set_property("mode", Value::Short(-1)).await.unwrap();
    peer.expect("mode -1").await;
    assert_eq!(
        within("the mode change", events.recv()).await.unwrap(),
        ReplicaEvent::PropertyChanged {
            index: 0,
            name: "mode".into(),
            value: Value::Short(-1),
        }
    );
    node.shutdown().await;
}

/// `Rich` of `tests/interop/rich.rep` in repc's static layout, served from Rust.
fn rich_source() -> SourceObject {
    use ifw_qtro::codec::{
        Associative, ClassDefinition, EnumDef, EnumKey, GadgetDef, GadgetSequence, MethodDef,
        PropertyDef, Sequence, SignalDef,
    };
    let props = [
        ("mode", "Rich::Mode"),
        ("points", "QList<Point>"),
        ("numbers", "QList<int>"),
        ("scores", "QMap<QString,int>"),
        ("mixed", "QVariantList"),
        ("blob", "QByteArray"),
        ("ratio", "double"),
        ("names", "QStringList"),
    ];
    let mut signals: Vec<SignalDef> = props
        .iter()
        .map(|(n, t)| SignalDef {
            signature: format!("{n}Changed({t})"),
            parameter_names: vec![(*n).into()],
        })
        .collect();
    signals.push(SignalDef {
        signature: "alarm(Rich::Mode,QString)".into(),
        parameter_names: vec!["m".into(), "text".into()],
    });
    let method = |sig: String, ret: &str| MethodDef {
        signature: sig,
        return_type: ret.into(),
        parameter_names: vec!["value".into()],
    };
    let mut methods: Vec<MethodDef> = props[1..]
        .iter()
        .map(|(n, t)| {
            let mut c = n.chars();
            let upper: String = c.next().unwrap().to_uppercase().chain(c).collect();
            method(format!("push{upper}({t})"), "void")
        })
        .collect();
    methods.push(method("toggle(Rich::Mode)".into(), "Rich::Mode"));
    methods.push(method("sum(QList<int>)".into(), "int"));
    let definition = ClassDefinition {
        type_name: Some("Rich".into()),
        enums: vec![EnumDef {
            name: "Mode".into(),
            is_flag: false,
            is_scoped: true,
            size: 2,
            keys: [("Off", -1), ("Eco", 1), ("Sport", 16)]
                .iter()
                .map(|(k, v)| EnumKey {
                    name: (*k).into(),
                    value: *v,
                })
                .collect(),
        }],
        gadgets: vec![GadgetDef::new("Point", [("x", "int"), ("y", "int")])],
        signals,
        methods,
        properties: props
            .iter()
            .map(|(n, t)| PropertyDef {
                name: (*n).into(),
                type_name: (*t).into(),
                notify_signature: Some(format!("{n}Changed({t})")),
            })
            .collect(),
        ..ClassDefinition::default()
    };
    let point = |x: i32, y: i32| {
        Value::Gadget(ifw_qtro::Gadget::new(
            "Point",
            [("x", Value::Int(x)), ("y", Value::Int(y))],
        ))
    };
    SourceObject::builder(definition)
        .values(vec![
            Value::Short(1),
            Value::GadgetSequence(GadgetSequence {
                type_name: "QList<Point>".into(),
                value_type_name: "Point".into(),
                items: vec![point(1, 2), point(3, 4)],
            }),
            Value::Sequence(Sequence {
                type_name: "QList<int>".into(),
                items: vec![Value::Int(1), Value::Int(2), Value::Int(3)],
            }),
            Value::Associative(Associative {
                type_name: "QMap<QString,int>".into(),
                entries: vec![("a".into(), Value::Int(1)), ("b".into(), Value::Int(2))],
            }),
            Value::List(vec![Value::Int(1), "two".into(), Value::Double(3.0)]),
            Value::from(vec![0u8, 1, 0xff]),
            Value::Double(0.5),
            Value::StringList(vec![Some("x".into()), Some("y".into())]),
        ])
        .handler(RichHandler)
        .build()
        .unwrap()
}

/// `toggle` flips Eco/Sport and emits `alarm`; `sum` adds; `push*` set their property.
struct RichHandler;

impl ifw_qtro::SourceHandler for RichHandler {
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        method: usize,
        args: Vec<Value>,
    ) -> ifw_qtro::BoxFuture<'a, Value> {
        Box::pin(async move {
            let arg = args.into_iter().next().unwrap();
            match method {
                0..=6 => {
                    source.set_property(method + 1, arg).await.unwrap();
                    Value::Invalid
                }
                7 => {
                    let next = Value::Short(if arg.as_i64() == Some(16) { 1 } else { 16 });
                    source
                        .emit(8, vec![next.clone(), "toggled".into()])
                        .await
                        .unwrap();
                    next
                }
                _ => {
                    let Value::Sequence(s) = arg else {
                        return Value::Invalid;
                    };
                    let total: i64 = s.items.iter().filter_map(Value::as_i64).sum();
                    Value::Int(i32::try_from(total).unwrap())
                }
            }
        })
    }
}

#[tokio::test]
async fn rust_host_serves_rich_types_to_a_qt_static_replica() {
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    let source = rich_source();
    host.enable_remoting("Rich", source.clone()).await.unwrap();
    let mut peer = Peer::start(&["rich-replica", &host.url().to_string()]).await;
    assert_eq!(
        peer.expect("initialized").await,
        "initialized mode=1 points=1,2;3,4 numbers=1,2,3 scores=a:1,b:2 \
         mixed=int=1,QString=two,double=3 blob=0001ff ratio=0.5 names=x,y"
    );
    // Replies, a signal, a write and a push with a QList<POD>, whose echoes Qt reports in its
    // own order.
    peer.expect_all(&[
        "alarm 16 toggled",
        "toggle -> Sport error=0",
        "sum -> 42 error=0",
        "modeChanged -1",
        "pointsChanged mode=-1 points=5,6 ",
    ])
    .await;
    assert_eq!(source.property(0).await, Some(Value::Short(-1)));
    assert!(!peer.seen().iter().any(|l| l.starts_with("state 3")));
    host.shutdown().await;
}
