//! End-to-end with a real Qt 6, the Rust side schema-free (`ifw_qtro::SourceObject` and
//! `Replica` with hand-written values) on Qt IF's `org.example.echo.qface` (read from the shared corpus):
//! the harness writes the `.rep` ifw emits and the C++ struct/enum headers it includes
//! (`ifw_qt_echo::cpp`, streaming as Qt IF's frontend does), builds `cpp/echo_peer.cpp` with repc,
//! moc and g++, and runs it as a child process under a guard.
//!
//! - Qt against Qt: the repc replica's scripted checks against the C++ `EchoSimpleSource` all pass;
//!   what they print (one line per check, with the type each value arrived as) is the reference.
//! - Qt replica against the Rust source: the same checks print the same lines.
//! - Rust replica against the Qt source: every initial value, change, signal and operation result
//!   equals what the Rust source sends.
//!
//! Needs `qt6-remoteobjects-dev`, `libqt6remoteobjects6-bin`, `g++` and `pkg-config`; the Qt tool
//! directory can be overridden with `QT_LIBEXEC` (default `/usr/lib/qt6/libexec`).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    missing_docs,
    reason = "a failing test should fail loudly"
)]

mod support;

use std::time::Duration;

use ifw_qt_echo::script::{self, ECHO_NAME, Outcome, PENDING_RESULT};
use ifw_qtro::{Host, HostOptions, Node, NodeOptions, SourceObject, Value};
use support::*;

#[tokio::test]
async fn rust_replica_against_qt_source() {
    let url = free_tcp_url();
    let mut source = Peer::start(&["source", &url]).await;
    source.phase_line("enableRemoting 1").await;
    let rep = ifw_build::rep::parse(ifw_qt_echo::ECHO_REP).unwrap();
    let (definition, signature) = ifw_qt_echo::class::definition(&rep, "Echo").unwrap();
    let node = Node::connect_with(&url, NodeOptions::default().types(script::types()))
        .await
        .unwrap();
    let echo = node.acquire(ECHO_NAME, definition, Some(&signature));
    echo.wait_ready(DEADLINE).await.unwrap();
    let mut failures = Failures::default();

    // Every initial value.
    for p in script::props() {
        failures.check(
            &format!("init.{}", p.name),
            echo.property(p.name).ok().as_ref(),
            &p.initial,
        );
    }
    failures.assert_none("initial values");

    // The source changes every property and emits every signal.
    let mut events = echo.subscribe();
    source.send("change").await;
    let props = script::props();
    let signals = script::signals();
    let seen = collect_events(&mut events, |seen| {
        props.iter().all(|p| !changes_of(seen, p.name).is_empty())
            && signals
                .iter()
                .all(|(s, _)| !signal_args(seen, s).is_empty())
    })
    .await;
    for p in &props {
        let name = format!("change.{}", p.name);
        match changes_of(&seen, p.name)[..] {
            [value] => failures.check(&name, Some(value), &p.changed),
            ref other => failures.fail(&name, format!("{} changes: {other:?}", other.len())),
        }
        failures.check(&name, echo.property(p.name).ok().as_ref(), &p.changed);
    }
    for (signal, args) in &signals {
        let name = format!("signal.{signal}");
        match signal_args(&seen, signal)[..] {
            [got] => failures.check(
                &name,
                Some(&Value::List(got.clone())),
                &Value::List(args.clone()),
            ),
            ref other => failures.fail(&name, format!("emitted {} times", other.len())),
        }
    }
    failures.assert_none("changes from the Qt source");

    // The replica pushes every writable property; the source reports each back.
    for p in &props {
        if let Some(value) = &p.pushed {
            let method = format!("push{}", upper_first(p.name));
            if let Err(e) = echo.call(&method, vec![value.clone()]).await {
                failures.fail(&format!("push.{}", p.name), format!("{method}: {e}"));
            }
        }
    }
    let seen = collect_events(&mut events, |seen| {
        props
            .iter()
            .filter(|p| p.pushed.is_some())
            .all(|p| !changes_of(seen, p.name).is_empty())
    })
    .await;
    for p in &props {
        let Some(pushed) = &p.pushed else { continue };
        let name = format!("push.{}", p.name);
        match changes_of(&seen, p.name)[..] {
            [value] => failures.check(&name, Some(value), pushed),
            ref other => failures.fail(&name, format!("{} changes: {other:?}", other.len())),
        }
    }
    failures.assert_none("pushes to the Qt source");

    // Every operation, answered at once, deferred, or failing.
    let mut pending = Vec::new();
    for call in script::calls() {
        let reply = match echo.call(call.op, call.args.clone()).await {
            Ok(reply) => reply,
            Err(e) => {
                failures.fail(call.check, format!("the call failed: {e}"));
                continue;
            }
        };
        match (&reply, call.outcome) {
            (Value::Gadget(g), Outcome::Failed) if g.type_name == PENDING_RESULT => {
                failures.check(call.check, g.field("failed"), &Value::Bool(true));
            }
            (Value::Gadget(g), Outcome::Deferred | Outcome::DeferredFailure)
                if g.type_name == PENDING_RESULT =>
            {
                failures.check(call.check, g.field("failed"), &Value::Bool(false));
                pending.push((g.field("id").cloned(), call));
            }
            (_, Outcome::Immediate) => failures.check(call.check, Some(&reply), &call.value),
            _ => failures.fail(call.check, format!("answered {reply:?}")),
        }
    }
    let seen = collect_events(&mut events, |seen| {
        signal_args(seen, "pendingResultAvailable").len() >= pending.len()
    })
    .await;
    let results = signal_args(&seen, "pendingResultAvailable");
    for (id, call) in &pending {
        let Some(args) = results.iter().find(|a| a.first() == id.as_ref()) else {
            failures.fail(
                call.check,
                format!("no pendingResultAvailable for id {id:?}"),
            );
            continue;
        };
        let success = call.outcome == Outcome::Deferred;
        failures.check(call.check, args.get(1), &Value::Bool(success));
        if success {
            failures.check(call.check, args.get(2), &call.value);
        }
    }
    failures.assert_none("operations of the Qt source");
    source.send("quit").await;
    node.shutdown().await;
}

/// The schema-free Rust `Echo` source: the script's answers (see [`script::calls`]) and pushes.
/// Clones share their state.
#[derive(Clone)]
struct EchoHandler {
    /// Per method: the property a `push<Prop>` method writes.
    pushes: Vec<Option<usize>>,
    /// Per method: its name.
    names: Vec<String>,
    /// The index of `pendingResultAvailable`.
    pending_signal: usize,
    state: std::sync::Arc<std::sync::Mutex<HandlerState>>,
}

#[derive(Default)]
struct HandlerState {
    /// How often each operation was called.
    counts: std::collections::HashMap<String, u32>,
    /// The next pending result id.
    next_id: u64,
    /// Every operation call, in order.
    calls: Vec<(String, Vec<Value>)>,
}

impl EchoHandler {
    fn new(definition: &ifw_qtro::ClassDefinition) -> Self {
        let pushes = definition
            .methods
            .iter()
            .map(|m| {
                definition.properties.iter().position(|p| {
                    m.signature
                        .starts_with(&format!("push{}(", upper_first(&p.name)))
                })
            })
            .collect();
        let names = definition
            .methods
            .iter()
            .map(|m| m.signature.split('(').next().unwrap_or_default().to_owned())
            .collect();
        let pending_signal = definition
            .signals
            .iter()
            .position(|s| s.signature.starts_with("pendingResultAvailable("))
            .unwrap();
        Self {
            pushes,
            names,
            pending_signal,
            state: std::sync::Arc::default(),
        }
    }

    fn calls(&self) -> Vec<(String, Vec<Value>)> {
        self.state.lock().unwrap().calls.clone()
    }

    /// A pending result now, `pendingResultAvailable(id, success, value)` after `delay`.
    fn later(&self, source: &SourceObject, success: bool, value: Value, delay: Duration) -> Value {
        let id = {
            let mut state = self.state.lock().unwrap();
            state.next_id += 1;
            state.next_id - 1
        };
        let source = source.clone();
        let signal = self.pending_signal;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let args = vec![Value::ULongLong(id), Value::Bool(success), value];
            if let Err(e) = source.emit(signal, args).await {
                eprintln!("pendingResultAvailable({id}) not sent: {e}");
            }
        });
        script::pending_result(id, false)
    }
}

impl ifw_qtro::SourceHandler for EchoHandler {
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        method: usize,
        args: Vec<Value>,
    ) -> ifw_qtro::BoxFuture<'a, Value> {
        Box::pin(async move {
            if let Some(Some(property)) = self.pushes.get(method) {
                let value = args.into_iter().next().unwrap_or(Value::Invalid);
                if let Err(e) = source.set_property(*property, value).await {
                    eprintln!("push refused: {e}");
                }
                return Value::Invalid;
            }
            let op = self.names.get(method).cloned().unwrap_or_default();
            let first = {
                let mut state = self.state.lock().unwrap();
                state.calls.push((op.clone(), args.clone()));
                let count = state.counts.entry(op.clone()).or_default();
                *count += 1;
                *count == 1
            };
            let arg = args.first().cloned().unwrap_or(Value::Invalid);
            let short = Duration::from_millis(10);
            let value = match op.as_str() {
                "echo" | "flagMethod" | "enumMethod" => arg,
                "id" => "id123".into(),
                "getCombo" => script::combo('a'),
                "voidSlot2" if arg.as_i64().is_some_and(|v| v < 0) => {
                    let mut state = self.state.lock().unwrap();
                    state.next_id += 1;
                    return script::pending_result(state.next_id - 1, true);
                }
                "timer" => {
                    let interval = arg.as_i64().unwrap_or(0);
                    let delay = Duration::from_millis(interval.max(10).unsigned_abs());
                    return self.later(source, interval >= 0, Value::Invalid, delay);
                }
                _ => Value::Invalid,
            };
            if first {
                value
            } else {
                self.later(source, true, value, short)
            }
        })
    }
}

#[tokio::test]
async fn qt_replica_against_rust_source_as_against_qt_source() {
    let reference = qt_reference().await;

    // The same script against the Rust source.
    let rep = ifw_build::rep::parse(ifw_qt_echo::ECHO_REP).unwrap();
    let (definition, signature) = ifw_qt_echo::class::definition(&rep, "Echo").unwrap();
    let handler = EchoHandler::new(&definition);
    let source = SourceObject::builder(definition)
        .values(script::props().into_iter().map(|p| p.initial).collect())
        .signature(signature)
        .handler(handler.clone())
        .build()
        .unwrap();
    let host = Host::listen_with(
        "tcp://127.0.0.1:0",
        HostOptions::default().types(script::types()),
    )
    .await
    .unwrap();
    host.enable_remoting(ECHO_NAME, source.clone())
        .await
        .unwrap();
    let phases = qt_replica_script(&host.url().to_string(), async || {
        for p in script::props() {
            source.set(p.name, p.changed).await.unwrap();
        }
        for (signal, args) in script::signals() {
            source.emit_signal(signal, args).await.unwrap();
        }
    })
    .await;
    // Every check printed the same line, received types included.
    assert_same_as_reference(&phases, &reference);
    // The pushes arrived, and every call with its arguments.
    let mut failures = Failures::default();
    for (i, p) in script::props().into_iter().enumerate() {
        let want = p.pushed.unwrap_or(p.changed);
        failures.check(
            &format!("source.{}", p.name),
            source.property(i).await.as_ref(),
            &want,
        );
    }
    let calls: Vec<(String, Vec<Value>)> = script::calls()
        .into_iter()
        .map(|c| (c.op.to_owned(), c.args))
        .collect();
    if handler.calls() != calls {
        failures.fail("source.calls", format!("{:#?}", handler.calls()));
    }
    failures.assert_none("the Rust source");
    host.shutdown().await;
}
