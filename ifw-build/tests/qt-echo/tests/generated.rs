//! End-to-end with a real Qt 6, the Rust side generated: the `EchoSource` (served by an
//! `EchoService`) and `EchoReplica` that `ifw_build::compile` generated in `build.rs` from Qt IF's
//! `org.example.echo.qface`, against the C++ repc peer built from the `.rep` ifw emits.
//!
//! - The Qt repc replica's scripted checks against the generated `EchoSource` print the same lines
//!   (received types included) as against Qt's own `EchoSimpleSource`; the service gets every
//!   push and every call with its arguments.
//! - The generated `EchoReplica` against Qt's `EchoSimpleSource`: every initial value, change,
//!   signal and operation result arrives as the script says, typed.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    missing_docs,
    reason = "a failing test should fail loudly"
)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ifw_core::{Error, FromQtro, Variant};
use ifw_qt_echo::org_example_echomodule::{
    AirflowDirection, AnotherStruct, Combo, EchoEvent, EchoEvents, EchoProperties, EchoReplica,
    EchoService, EchoSource, TestEnum,
};
use ifw_qt_echo::script::{self, Outcome, ScriptCall};
use ifw_qtro::{Host, Node, Value};
use support::*;

/// A script value as the generated Rust type.
fn typed<T: FromQtro>(value: &Value) -> T {
    T::from_qtro(value).unwrap_or_else(|e| panic!("{value:?} as a generated type: {e}"))
}

fn prop(name: &str) -> script::Prop {
    script::props()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap()
}

/// One table of the properties, their generated accessors and change events.
macro_rules! properties {
    ($($name:literal: $get:ident, $set:ident, $event:ident, $ty:ty $(, $push:ident)?;)*) => {
        /// The A values as the generated properties struct.
        fn initial_properties() -> EchoProperties {
            EchoProperties { $($get: typed(&prop($name).initial),)* }
        }

        /// Sets property `name` of the source to `value`, typed.
        async fn source_set(source: &EchoSource, name: &str, value: &Value) -> Result<(), Error> {
            match name {
                $($name => source.$set(typed(value)).await,)*
                _ => panic!("no property {name}"),
            }
        }

        /// Whether property `name` of the source is `want`.
        async fn source_has(source: &EchoSource, name: &str, want: &Value) -> Result<(), String> {
            match name {
                $($name => {
                    let (got, want): ($ty, $ty) = (source.$get().await, typed(want));
                    if got == want { Ok(()) } else { Err(format!("got {got:?}, want {want:?}")) }
                })*
                _ => panic!("no property {name}"),
            }
        }

        /// Whether the replica's cached property `name` is `want`.
        fn replica_has(replica: &EchoReplica, name: &str, want: &Value) -> Result<(), String> {
            match name {
                $($name => {
                    let got = replica.$get().map_err(|e| format!("unreadable: {e}"))?;
                    let want: $ty = typed(want);
                    if got == want { Ok(()) } else { Err(format!("got {got:?}, want {want:?}")) }
                })*
                _ => panic!("no property {name}"),
            }
        }

        /// Asks the source, through the replica, to set property `name` to `value`.
        async fn replica_push(replica: &EchoReplica, name: &str, value: &Value) -> Result<(), Error> {
            match name {
                $($($name => replica.$push(typed(value)).await,)?)*
                _ => panic!("property {name} is read-only for replicas"),
            }
        }

        /// The event a replica gets when property `name` changes to `value`.
        fn change_event(name: &str, value: &Value) -> EchoEvent {
            match name {
                $($name => EchoEvent::$event(typed(value)),)*
                _ => panic!("no property {name}"),
            }
        }
    };
}

properties! {
    "lastMessage": last_message, set_last_message, LastMessageChanged, String;
    "intValue": int_value, set_int_value, IntValueChanged, i32, set_int_value;
    "varValue": var_value, set_var_value, VarValueChanged, Variant, set_var_value;
    "echoEnabled": echo_enabled, set_echo_enabled, EchoEnabledChanged, bool, set_echo_enabled;
    "floatValue1": float_value1, set_float_value1, FloatValue1Changed, f64, set_float_value1;
    "floatValue2": float_value2, set_float_value2, FloatValue2Changed, f64, set_float_value2;
    "stringValue": string_value, set_string_value, StringValueChanged, String, set_string_value;
    "contact": contact, set_contact, ContactChanged, ifw_qt_echo::org_example_echomodule::Contact, set_contact;
    "combo": combo, set_combo, ComboChanged, Combo, set_combo;
    "intList": int_list, set_int_list, IntListChanged, Vec<i32>, set_int_list;
    "comboList": combo_list, set_combo_list, ComboListChanged, Vec<Combo>, set_combo_list;
    "weekDay": week_day, set_week_day, WeekDayChanged, ifw_qt_echo::org_example_echomodule::WeekDay, set_week_day;
    "testEnum": test_enum, set_test_enum, TestEnumChanged, TestEnum, set_test_enum;
    "UPPERCASEPROPERTY": uppercaseproperty, set_uppercaseproperty, UppercasepropertyChanged, f64, set_uppercaseproperty;
    "stringInAStructProperty": string_in_a_struct_property, set_string_in_a_struct_property, StringInAStructPropertyChanged, ifw_qt_echo::org_example_echomodule::OnlyAStringInAStruct, set_string_in_a_struct_property;
}

/// The script's signals as the events a replica gets.
fn signal_events() -> Vec<(&'static str, EchoEvent)> {
    script::signals()
        .into_iter()
        .map(|(name, args)| {
            let event = match name {
                "anotherChanged" => EchoEvent::AnotherChanged {
                    another: typed(&args[0]),
                },
                "foobar" => EchoEvent::Foobar {
                    foo: typed(&args[0]),
                },
                "somethingHappened" => EchoEvent::SomethingHappened,
                "newValueAvailable" => EchoEvent::NewValueAvailable {
                    new_value: typed(&args[0]),
                },
                other => panic!("no signal {other}"),
            };
            (name, event)
        })
        .collect()
}

/// Emits every signal of the script from the generated source.
async fn emit_signals(source: &EchoSource) {
    for (_, event) in signal_events() {
        match event {
            EchoEvent::AnotherChanged { another } => source.emit_another_changed(another).await,
            EchoEvent::Foobar { foo: text } => source.emit_foobar(text).await,
            EchoEvent::SomethingHappened => source.emit_something_happened().await,
            EchoEvent::NewValueAvailable { new_value } => {
                source.emit_new_value_available(new_value).await
            }
            other => panic!("not a signal: {other:?}"),
        }
        .unwrap();
    }
}

/// Receives `n` events (or what came within [`DEADLINE`]).
async fn receive(events: &mut EchoEvents, n: usize) -> Vec<EchoEvent> {
    let mut seen = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, async {
        while seen.len() < n {
            match events.recv().await {
                Some(Ok(event)) => seen.push(event),
                Some(Err(e)) => panic!("an event did not decode: {e}"),
                None => break,
            }
        }
    })
    .await;
    seen
}

/// Checks that `want` came exactly once, naming the check.
fn expect_once(failures: &mut Failures, check: &str, seen: &[EchoEvent], want: &EchoEvent) {
    let n = seen.iter().filter(|e| *e == want).count();
    if n != 1 {
        failures.fail(check, format!("{want:?} came {n} times; events: {seen:#?}"));
    }
}

/// Calls the script's operation through the generated replica: the result's debug text.
async fn call_typed(replica: &EchoReplica, call: &ScriptCall) -> Result<String, Error> {
    let arg = || call.args.first().unwrap();
    Ok(match call.op {
        "echo" => format!("{:?}", replica.echo(typed(arg())).await?),
        "id" => format!("{:?}", replica.id().await?),
        "getCombo" => format!("{:?}", replica.get_combo().await?),
        "voidSlot" => format!("{:?}", replica.void_slot().await?),
        "voidSlot2" => format!("{:?}", replica.void_slot2(typed(arg())).await?),
        "timer" => format!("{:?}", replica.timer(typed(arg())).await?),
        "flagMethod" => format!("{:?}", replica.flag_method(typed(arg())).await?),
        "enumMethod" => format!("{:?}", replica.enum_method(typed(arg())).await?),
        other => panic!("no operation {other}"),
    })
}

/// What [`call_typed`] gives for a successful call.
fn expected_typed(call: &ScriptCall) -> String {
    match call.op {
        "echo" | "id" => format!("{:?}", typed::<String>(&call.value)),
        "getCombo" => format!("{:?}", typed::<Combo>(&call.value)),
        "flagMethod" => format!("{:?}", typed::<AirflowDirection>(&call.value)),
        "enumMethod" => format!("{:?}", typed::<TestEnum>(&call.value)),
        _ => "()".into(),
    }
}

#[tokio::test]
async fn generated_replica_against_qt_source() {
    let url = free_tcp_url();
    let mut source = Peer::start(&["source", &url]).await;
    source.phase_line("enableRemoting 1").await;
    let node = Node::connect(&url).await.unwrap();
    let replica = EchoReplica::acquire(&node);
    replica.wait_ready(DEADLINE).await.unwrap();
    let mut failures = Failures::default();

    for p in script::props() {
        if let Err(why) = replica_has(&replica, p.name, &p.initial) {
            failures.fail(&format!("init.{}", p.name), why);
        }
    }
    failures.assert_none("initial values");

    // The Qt source changes every property and emits every signal.
    let mut events = replica.subscribe();
    source.send("change").await;
    let signals = signal_events();
    let seen = receive(&mut events, script::props().len() + signals.len()).await;
    for p in script::props() {
        let check = format!("change.{}", p.name);
        expect_once(
            &mut failures,
            &check,
            &seen,
            &change_event(p.name, &p.changed),
        );
        if let Err(why) = replica_has(&replica, p.name, &p.changed) {
            failures.fail(&check, why);
        }
    }
    for (name, event) in &signals {
        expect_once(&mut failures, &format!("signal.{name}"), &seen, event);
    }
    failures.assert_none("changes from the Qt source");

    // The replica asks for every writable property; the Qt source reports each change.
    let pushed: Vec<script::Prop> = script::props()
        .into_iter()
        .filter(|p| p.pushed.is_some())
        .collect();
    for p in &pushed {
        if let Err(e) = replica_push(&replica, p.name, p.pushed.as_ref().unwrap()).await {
            failures.fail(&format!("push.{}", p.name), e.to_string());
        }
    }
    let seen = receive(&mut events, pushed.len()).await;
    for p in &pushed {
        let want = change_event(p.name, p.pushed.as_ref().unwrap());
        expect_once(&mut failures, &format!("push.{}", p.name), &seen, &want);
    }
    failures.assert_none("pushes to the Qt source");

    // Every operation: values at once or deferred, and failures, typed.
    for call in script::calls() {
        let got = call_typed(&replica, &call).await;
        match (call.outcome, got) {
            (Outcome::Immediate | Outcome::Deferred, Ok(got)) => {
                if got != expected_typed(&call) {
                    failures.fail(
                        call.check,
                        format!("got {got}, want {}", expected_typed(&call)),
                    );
                }
            }
            (Outcome::Failed | Outcome::DeferredFailure, Err(Error::OperationFailed { .. })) => {}
            (_, other) => failures.fail(call.check, format!("{:?}: {other:?}", call.outcome)),
        }
    }
    failures.assert_none("operations of the Qt source");
    source.send("quit").await;
    node.shutdown().await;
}

/// The script's service: answers the first call of an operation at once and later ones after a
/// pause (so the generated source defers them); `voidSlot2` of a negative number fails at once,
/// `timer` of a negative interval fails later. Records every call.
#[derive(Clone, Default)]
struct EchoServer {
    state: Arc<Mutex<ServerState>>,
}

#[derive(Default)]
struct ServerState {
    counts: std::collections::HashMap<&'static str, u32>,
    calls: Vec<(String, Vec<Value>)>,
}

impl EchoServer {
    /// Records the call; waits a little unless it is the operation's first.
    async fn answer(&self, op: &'static str, args: Vec<Value>) {
        let first = {
            let mut state = self.state.lock().unwrap();
            state.calls.push((op.to_owned(), args));
            let n = state.counts.entry(op).or_default();
            *n += 1;
            *n == 1
        };
        if !first {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn calls(&self) -> Vec<(String, Vec<Value>)> {
        self.state.lock().unwrap().calls.clone()
    }
}

impl EchoService for EchoServer {
    async fn echo(&self, _: &EchoSource, msg: String) -> Result<String, Error> {
        self.answer("echo", vec![msg.as_str().into()]).await;
        Ok(msg)
    }

    async fn id(&self, _: &EchoSource) -> Result<String, Error> {
        self.answer("id", vec![]).await;
        Ok("id123".into())
    }

    async fn get_combo(&self, _: &EchoSource) -> Result<Combo, Error> {
        self.answer("getCombo", vec![]).await;
        Ok(typed(&script::combo('a')))
    }

    async fn void_slot(&self, _: &EchoSource) -> Result<(), Error> {
        self.answer("voidSlot", vec![]).await;
        Ok(())
    }

    async fn void_slot2(&self, _: &EchoSource, param: i32) -> Result<(), Error> {
        if param < 0 {
            self.state
                .lock()
                .unwrap()
                .calls
                .push(("voidSlot2".into(), vec![Value::Int(param)]));
            return Err(Error::rejected("a negative parameter"));
        }
        self.answer("voidSlot2", vec![Value::Int(param)]).await;
        Ok(())
    }

    async fn timer(&self, _: &EchoSource, interval: i32) -> Result<(), Error> {
        self.state
            .lock()
            .unwrap()
            .calls
            .push(("timer".into(), vec![Value::Int(interval)]));
        let pause = u64::try_from(interval.max(10)).unwrap_or(10);
        tokio::time::sleep(Duration::from_millis(pause)).await;
        if interval < 0 {
            return Err(Error::rejected("a negative interval"));
        }
        Ok(())
    }

    async fn flag_method(
        &self,
        _: &EchoSource,
        direction: AirflowDirection,
    ) -> Result<AirflowDirection, Error> {
        let bits = i32::try_from(direction.bits()).unwrap();
        self.answer("flagMethod", vec![Value::Int(bits)]).await;
        Ok(direction)
    }

    async fn enum_method(&self, _: &EchoSource, test_enum: TestEnum) -> Result<TestEnum, Error> {
        self.answer("enumMethod", vec![Value::Int(i32::from(test_enum))])
            .await;
        Ok(test_enum)
    }
}

#[tokio::test]
async fn qt_replica_against_generated_source_as_against_qt_source() {
    let reference = qt_reference().await;

    let server = EchoServer::default();
    let source = EchoSource::new(server.clone(), initial_properties()).unwrap();
    let host = Host::listen("tcp://127.0.0.1:0").await.unwrap();
    source.enable_remoting(&host).await.unwrap();
    let phases = qt_replica_script(&host.url().to_string(), async || {
        for p in script::props() {
            source_set(&source, p.name, &p.changed).await.unwrap();
        }
        emit_signals(&source).await;
    })
    .await;
    assert_same_as_reference(&phases, &reference);

    // The pushes reached the source, and every call with its arguments.
    let mut failures = Failures::default();
    for p in script::props() {
        let want = p.pushed.unwrap_or(p.changed);
        if let Err(why) = source_has(&source, p.name, &want).await {
            failures.fail(&format!("source.{}", p.name), why);
        }
    }
    let want: Vec<(String, Vec<Value>)> = script::calls()
        .into_iter()
        .map(|c| (c.op.to_owned(), c.args))
        .collect();
    if server.calls() != want {
        failures.fail("service.calls", format!("{:#?}", server.calls()));
    }
    failures.assert_none("the generated source");
    host.shutdown().await;
}

/// Keeps `AnotherStruct` named in this file: the signal's type, built from the script.
#[test]
fn another_struct_from_the_script() {
    let (_, args) = &script::signals()[0];
    assert_eq!(typed::<AnotherStruct>(&args[0]).just_a_number, 77);
}
