//! End-to-end with a real Qt 6 on Qt IF's `org.example.echo.qface` (read from the shared corpus):
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

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

/// How long any one step may take.
const DEADLINE: Duration = Duration::from_secs(20);

/// Runs a build step; its output, or what went wrong.
fn run(cmd: &mut std::process::Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e} (is Qt 6 installed?)"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Every source file of the peer: the generated `.rep` and headers, and the hand-written C++.
fn peer_sources() -> Result<Vec<(String, String)>, String> {
    let system = ifw_qt_echo::echo_model().map_err(|e| e.to_string())?;
    let module = &system.modules["org.example.echomodule"];
    let mut files = ifw_qt_echo::cpp::headers(&system, module)?;
    files.push(("echo.rep".into(), ifw_qt_echo::ECHO_REP.into()));
    files.push(("pendingresult.h".into(), include_str!("../cpp/pendingresult.h").into()));
    files.push(("echo_peer.cpp".into(), include_str!("../cpp/echo_peer.cpp").into()));
    Ok(files)
}

/// Builds the peer into a temp dir named after its sources (a build is reused until they
/// change); returns its path.
fn build_peer() -> Result<PathBuf, String> {
    use std::hash::{Hash, Hasher};
    let sources = peer_sources()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    sources.hash(&mut hasher);
    let done = std::env::temp_dir().join(format!("ifw_qt_echo_{:016x}", hasher.finish()));
    if done.join("echo_peer").is_file() {
        return Ok(done.join("echo_peer"));
    }
    // Built aside, then renamed: a concurrent run never sees a half-built directory.
    let dir = done.with_extension(std::process::id().to_string());
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for (name, text) in &sources {
        std::fs::write(dir.join(name), text).map_err(|e| e.to_string())?;
    }
    let libexec = PathBuf::from(
        std::env::var_os("QT_LIBEXEC").unwrap_or_else(|| "/usr/lib/qt6/libexec".into()),
    );
    let sh = |c: &mut std::process::Command| run(c.current_dir(&dir));
    let cflags = sh(std::process::Command::new("pkg-config").args([
        "--cflags",
        "Qt6RemoteObjects",
        "Qt6Core",
    ]))?;
    let includes: Vec<&str> = cflags
        .split_whitespace()
        .filter(|f| f.starts_with("-I"))
        .collect();
    sh(std::process::Command::new(libexec.join("repc")).args([
        "-o",
        "merged",
        "echo.rep",
        "rep_echo_merged.h",
    ]))?;
    // Every header with a Q_OBJECT or Q_GADGET gets its moc file.
    let mut units = vec!["echo_peer.cpp".to_owned()];
    let mut headers: Vec<String> = sources
        .iter()
        .filter(|(name, text)| {
            name.ends_with(".h") && (text.contains("Q_OBJECT") || text.contains("Q_GADGET"))
        })
        .map(|(name, _)| name.clone())
        .collect();
    headers.push("rep_echo_merged.h".into());
    for header in headers {
        let moc = format!("moc_{}.cpp", header.trim_end_matches(".h"));
        sh(std::process::Command::new(libexec.join("moc"))
            .args(&includes)
            .args([&header, "-o", &moc]))?;
        units.push(moc);
    }
    let flags = sh(std::process::Command::new("pkg-config").args([
        "--cflags",
        "--libs",
        "Qt6RemoteObjects",
        "Qt6Core",
        "Qt6Network",
    ]))?;
    sh(std::process::Command::new("g++")
        .args(["-std=c++17", "-fPIC", "-O1", "-I.", "-o", "echo_peer"])
        .args(&units)
        .args(flags.split_whitespace()))?;
    if std::fs::rename(&dir, &done).is_err() {
        // Another run finished first; its build is as good.
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(done.join("echo_peer"))
}

/// The peer, built once per test binary (a failed build is reported to every test).
fn peer_binary() -> PathBuf {
    static PEER: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PEER.get_or_init(build_peer) {
        Ok(path) => path.clone(),
        Err(e) => panic!("cannot build the Qt peer: {e}"),
    }
}

/// A running C++ peer; killed when dropped.
struct Peer {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Peer {
    async fn start(args: &[&str]) -> Self {
        let binary = tokio::task::spawn_blocking(peer_binary).await.unwrap();
        let mut child = Command::new(binary)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
        let (tx, lines) = mpsc::channel(256);
        tokio::spawn(async move {
            while let Ok(Some(line)) = out.next_line().await {
                if tx.send(line).await.is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            stdin,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for the line `phase <name>`; returns the `check` lines printed since the last
    /// phase.
    async fn phase(&mut self, name: &str) -> Vec<String> {
        let want = format!("phase {name}");
        let start = self.seen.len();
        let found = tokio::time::timeout(DEADLINE, async {
            while let Some(line) = self.lines.recv().await {
                self.seen.push(line.clone());
                if line == want {
                    return true;
                }
            }
            false
        })
        .await;
        if !matches!(found, Ok(true)) {
            panic!("peer never printed `{want}`; it printed {:#?}", self.seen);
        }
        self.seen[start..]
            .iter()
            .filter(|l| l.starts_with("check "))
            .cloned()
            .collect()
    }

    /// Waits for a line equal to `want`.
    async fn phase_line(&mut self, want: &str) {
        let found = tokio::time::timeout(DEADLINE, async {
            while let Some(line) = self.lines.recv().await {
                self.seen.push(line.clone());
                if line == want {
                    return true;
                }
            }
            false
        })
        .await;
        if !matches!(found, Ok(true)) {
            panic!("peer never printed `{want}`; it printed {:#?}", self.seen);
        }
    }

    async fn send(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap();
        self.stdin.flush().await.unwrap();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// A free TCP port on 127.0.0.1, as a QtRO URL.
fn free_tcp_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("tcp://127.0.0.1:{}", listener.local_addr().unwrap().port())
}

/// Asserts that every check passed; names each failure.
fn assert_all_ok(phase: &str, checks: &[String]) {
    let failed: Vec<&String> = checks.iter().filter(|c| !c.contains(" ok ")).collect();
    assert!(
        failed.is_empty(),
        "{phase}: {} of {} checks failed:\n{}",
        failed.len(),
        checks.len(),
        failed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The check names the replica script runs in each phase: every property, signal and call.
const PHASES: [(&str, usize); 4] = [
    ("initialized", 15),
    ("changes", 19),
    ("pushed", 14),
    ("calls", 17),
];

/// Runs the C++ replica's script against a source at `url`; returns its check lines per phase.
/// Who serves the Qt replica's script.
enum Served<'a> {
    /// The C++ `EchoSimpleSource`.
    ByQt(&'a mut Peer),
    /// The Rust source.
    ByRust(&'a SourceObject),
}

/// Runs the C++ replica's script against a source at `url`; returns its check lines per phase.
async fn qt_replica_script(url: &str, mut source: Served<'_>) -> Vec<BTreeSet<String>> {
    let mut peer = Peer::start(&["replica", url]).await;
    let mut phases = Vec::new();
    for (name, count) in PHASES {
        match name {
            "changes" => {
                match &mut source {
                    Served::ByQt(source) => {
                        source.send("change").await;
                        source.phase("changed").await;
                    }
                    Served::ByRust(source) => {
                        for p in script::props() {
                            source.set(p.name, p.changed).await.unwrap();
                        }
                        for (signal, args) in script::signals() {
                            source.emit_signal(signal, args).await.unwrap();
                        }
                    }
                }
                peer.send("changes").await;
            }
            "pushed" => peer.send("push").await,
            "calls" => peer.send("calls").await,
            _ => {}
        }
        let checks = peer.phase(name).await;
        assert_all_ok(name, &checks);
        assert_eq!(checks.len(), count, "{name}: {checks:#?}");
        phases.push(checks.into_iter().collect());
    }
    peer.send("quit").await;
    phases
}

use ifw_qt_echo::script::{self, ECHO_NAME, Outcome, PENDING_RESULT};
use ifw_qtro::{Host, HostOptions, Node, NodeOptions, ReplicaEvent, SourceObject, Value};

/// The failures of one run, each named by its check.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, name: &str, got: Option<&Value>, want: &Value) {
        if got != Some(want) {
            self.0.push(format!("{name}: got {got:?}\n    want {want:?}"));
        }
    }

    fn fail(&mut self, name: &str, why: String) {
        self.0.push(format!("{name}: {why}"));
    }

    fn assert_none(&self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} checks failed:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Receives events until `done` says every expected one is there (bounded by [`DEADLINE`]).
async fn collect_events(
    events: &mut ifw_qtro::ReplicaEvents,
    mut done: impl FnMut(&[ReplicaEvent]) -> bool,
) -> Vec<ReplicaEvent> {
    let mut seen = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, async {
        while !done(&seen) {
            match events.recv().await {
                Some(e) => seen.push(e),
                None => break,
            }
        }
    })
    .await;
    seen
}

fn changes_of<'a>(events: &'a [ReplicaEvent], prop: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter_map(|e| match e {
            ReplicaEvent::PropertyChanged { name, value, .. } if name == prop => Some(value),
            _ => None,
        })
        .collect()
}

fn signal_args<'a>(events: &'a [ReplicaEvent], signal: &str) -> Vec<&'a Vec<Value>> {
    events
        .iter()
        .filter_map(|e| match e {
            ReplicaEvent::Signal {
                signature, args, ..
            } if signature.starts_with(&format!("{signal}(")) => Some(args),
            _ => None,
        })
        .collect()
}

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
            && signals.iter().all(|(s, _)| !signal_args(seen, s).is_empty())
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
            [got] => failures.check(&name, Some(&Value::List(got.clone())), &Value::List(args.clone())),
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
            failures.fail(call.check, format!("no pendingResultAvailable for id {id:?}"));
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
                definition
                    .properties
                    .iter()
                    .position(|p| m.signature.starts_with(&format!("push{}(", upper_first(&p.name))))
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
    // The reference: Qt's replica against Qt's source.
    let url = free_tcp_url();
    let mut qt_source = Peer::start(&["source", &url]).await;
    qt_source.phase_line("enableRemoting 1").await;
    let reference = qt_replica_script(&url, Served::ByQt(&mut qt_source)).await;
    qt_source.send("quit").await;

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
    let phases = qt_replica_script(&host.url().to_string(), Served::ByRust(&source)).await;

    // Every check printed the same line, received types included.
    for ((name, _), (got, want)) in PHASES.iter().zip(phases.iter().zip(&reference)) {
        assert_eq!(got, want, "{name}: the Qt replica saw the Rust source differently");
    }
    // The pushes arrived, and every call with its arguments.
    let mut failures = Failures::default();
    for (i, p) in script::props().into_iter().enumerate() {
        let want = p.pushed.unwrap_or(p.changed);
        failures.check(&format!("source.{}", p.name), source.property(i).await.as_ref(), &want);
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
