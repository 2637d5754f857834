//! Shared by the host/node tests: the `Car` class of `shared/qtro/reference/cpp-peer/car.rep`
//! in repc's static layout, a handler for it, free addresses and bounded waits.

#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ifw_qtro::codec::{
    ClassDefinition, EnumDef, EnumKey, GadgetDef, MethodDef, PropertyDef, SignalDef,
};
use ifw_qtro::{BoxFuture, Gadget, Host, HostOptions, SourceHandler, SourceObject, Value};

/// repc 6.4's signature of `Car` (from the `cpp_source` capture).
pub const CAR_SIGNATURE: &str = "53e89cce33820f7fe286009a250d37628e93f739";

/// Every test wait is bounded by this.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Runs `f` with the test deadline; a hang is a failure, not a stuck test run.
pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(DEADLINE, f).await {
        Ok(v) => v,
        Err(_) => panic!("timed out: {what}"),
    }
}

/// Polls `cond` every 10 ms until it holds, failing after the deadline.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    within(what, async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

/// A `local:`/`localabstract:` name no other test (or run) uses.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "ifw_qtro_{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A loopback TCP URL with a port that was free a moment ago.
pub fn free_tcp_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("tcp://127.0.0.1:{}", l.local_addr().unwrap().port())
}

/// `Car` as repc lays it out: notify signals first, push methods before slots.
pub fn car_definition() -> ClassDefinition {
    let signal = |sig: &str, names: &[&str]| SignalDef {
        signature: sig.into(),
        parameter_names: names.iter().map(|n| (*n).into()).collect(),
    };
    let method = |sig: &str, ret: &str, names: &[&str]| MethodDef {
        signature: sig.into(),
        return_type: ret.into(),
        parameter_names: names.iter().map(|n| (*n).into()).collect(),
    };
    let prop = |name: &str, ty: &str, notify: &str| PropertyDef {
        name: name.into(),
        type_name: ty.into(),
        notify_signature: Some(notify.into()),
    };
    ClassDefinition {
        type_name: Some("Car".into()),
        enums: vec![EnumDef {
            name: "Gear".into(),
            is_flag: false,
            is_scoped: false,
            size: 4,
            keys: [("P", 0), ("R", 1), ("N", 2), ("D", 4)]
                .iter()
                .map(|(k, v)| EnumKey {
                    name: (*k).into(),
                    value: *v,
                })
                .collect(),
        }],
        qt_enums: vec![],
        gadgets: vec![GadgetDef::new("Pos", [("x", "int"), ("y", "int")])],
        signals: vec![
            signal("speedChanged(int)", &["speed"]),
            signal("labelChanged(QString)", &["label"]),
            signal("gearNoChanged(int)", &["gearNo"]),
            signal("posChanged(Pos)", &["pos"]),
            signal("crashed(int,QString)", &["severity", "where"]),
        ],
        methods: vec![
            method("pushGearNo(int)", "void", &["gearNo"]),
            method("pushPos(Pos)", "void", &["pos"]),
            method("add(int,int)", "int", &["a", "b"]),
            method("honk()", "void", &[]),
        ],
        properties: vec![
            prop("speed", "int", "speedChanged(int)"),
            prop("label", "QString", "labelChanged(QString)"),
            prop("gearNo", "int", "gearNoChanged(int)"),
            prop("pos", "Pos", "posChanged(Pos)"),
        ],
    }
}

/// A `Pos` gadget value.
pub fn pos(x: i32, y: i32) -> Value {
    Value::Gadget(Gadget::new(
        "Pos",
        [("x", Value::Int(x)), ("y", Value::Int(y))],
    ))
}

/// The `b` of every `add(-1, b)` call (which never answers) that has started.
pub static SLOW_CALLS: Mutex<Vec<i64>> = Mutex::new(Vec::new());

/// Waits until the host runs `add(-1, tag)`.
pub async fn slow_call_started(tag: i64) {
    eventually("the slow call to reach the host", || {
        SLOW_CALLS.lock().unwrap().contains(&tag)
    })
    .await;
}

/// What `CarSimpleSource` does: pushes set properties, `add` adds, `honk` emits `crashed`.
pub struct CarHandler;

impl SourceHandler for CarHandler {
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        method: usize,
        args: Vec<Value>,
    ) -> BoxFuture<'a, Value> {
        Box::pin(async move {
            match method {
                0 => {
                    source.set_property(2, args[0].clone()).await.unwrap();
                    Value::Invalid
                }
                1 => {
                    source.set_property(3, args[0].clone()).await.unwrap();
                    Value::Invalid
                }
                2 => {
                    let a = args[0].as_i64().unwrap_or(0);
                    let b = args[1].as_i64().unwrap_or(0);
                    if a == -1 {
                        SLOW_CALLS.lock().unwrap().push(b);
                        // Never answers in time: lets tests see a call fail on disconnect.
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                    Value::Int(i32::try_from(a + b).unwrap_or(i32::MAX))
                }
                3 => {
                    source
                        .emit(4, vec![Value::Int(3), Value::from("honk")])
                        .await
                        .unwrap();
                    Value::Invalid
                }
                _ => Value::Invalid,
            }
        })
    }
}

/// A `Car` source with the capture's initial values.
pub fn car_source(speed: i32) -> SourceObject {
    car_source_with(speed, CarHandler)
}

/// A `Car` source with the capture's initial values and another handler.
pub fn car_source_with(speed: i32, handler: impl ifw_qtro::SourceHandler) -> SourceObject {
    SourceObject::builder(car_definition())
        .values(vec![
            Value::Int(speed),
            Value::from("car"),
            Value::Int(0),
            pos(3, 4),
        ])
        .signature(CAR_SIGNATURE)
        .handler(handler)
        .build()
        .unwrap()
}

/// A host on a free TCP port that registers with the registry at `registry` and remotes a `Car`
/// at `speed`.
pub async fn registered_host(registry: &str, speed: i32) -> Host {
    let host = Host::listen_with(
        "tcp://127.0.0.1:0",
        HostOptions::default().registry(registry),
    )
    .await
    .unwrap();
    host.enable_remoting("Car", car_source(speed))
        .await
        .unwrap();
    host
}
