//! The harness both tests share: building and running the C++ peer, the C++ replica's script,
//! and checks that name what failed.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    dead_code,
    unreachable_pub,
    reason = "test support: a failing test should fail loudly; each test uses part of it"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use ifw_testkit::peer::LinePeer;

/// How long any one step may take.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Every source file of the peer: the generated `.rep` and headers, and the hand-written C++.
pub fn peer_sources() -> Result<Vec<(String, String)>, String> {
    let system = ifw_qt_echo::echo_model().map_err(|e| e.to_string())?;
    let module = &system.modules["org.example.echomodule"];
    let mut files = ifw_qt_echo::cpp::headers(&system, module)?;
    files.push(("echo.rep".into(), ifw_qt_echo::ECHO_REP.into()));
    // Qt IF's paging model class, for the `contactList` model property.
    files.push((
        "qifpagingmodel.rep".into(),
        format!(
            "#include <QUuid>\n#include \"qtinterfaceframeworkmodule.h\"\n\n{}",
            ifw_core::paging::PAGING_MODEL_REP
        ),
    ));
    files.push((
        "qtinterfaceframeworkmodule.h".into(),
        include_str!("../../cpp/qtinterfaceframeworkmodule.h").into(),
    ));
    files.push((
        "pendingresult.h".into(),
        include_str!("../../cpp/pendingresult.h").into(),
    ));
    files.push((
        "echo_peer.cpp".into(),
        include_str!("../../cpp/echo_peer.cpp").into(),
    ));
    Ok(files)
}

/// Builds the peer with repc, moc and g++ (reused until its sources change); returns its path.
pub fn build_peer() -> Result<PathBuf, String> {
    let sources = peer_sources()?;
    let sources: Vec<(&str, &str)> = sources
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    ifw_testkit::qt::build("echo_peer", &sources, "-O1").map_err(|e| e.to_string())
}

/// The peer, built once per test binary (a failed build is reported to every test).
pub fn peer_binary() -> PathBuf {
    static PEER: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PEER.get_or_init(build_peer) {
        Ok(path) => path.clone(),
        Err(e) => panic!("cannot build the Qt peer: {e}"),
    }
}

/// A running C++ peer; killed when dropped.
pub struct Peer(LinePeer);

impl Peer {
    pub async fn start(args: &[&str]) -> Self {
        let binary = tokio::task::spawn_blocking(peer_binary).await.unwrap();
        Self(LinePeer::spawn(&binary, args).unwrap())
    }

    /// Waits for the line `phase <name>`; returns the `check` lines printed since the last
    /// phase.
    pub async fn phase(&mut self, name: &str) -> Vec<String> {
        let want = format!("phase {name}");
        let start = self.0.seen().len();
        self.phase_line(&want).await;
        self.0.seen()[start..]
            .iter()
            .filter(|l| l.starts_with("check "))
            .cloned()
            .collect()
    }

    /// Waits for a line equal to `want`.
    pub async fn phase_line(&mut self, want: &str) {
        if self.0.wait_for(DEADLINE, |l| l == want).await.is_none() {
            panic!(
                "peer never printed `{want}`; it printed {:#?}",
                self.0.seen()
            );
        }
    }

    pub async fn send(&mut self, line: &str) {
        self.0.send(line).await.unwrap();
    }
}

/// A free TCP port on 127.0.0.1, as a QtRO URL.
pub fn free_tcp_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("tcp://127.0.0.1:{}", listener.local_addr().unwrap().port())
}

/// Asserts that every check passed; names each failure.
pub fn assert_all_ok(phase: &str, checks: &[String]) {
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
pub const PHASES: [(&str, usize); 4] = [
    ("initialized", 15),
    ("changes", 19),
    ("pushed", 14),
    ("calls", 17),
];

/// Runs the C++ replica's script against a source at `url`; returns its check lines per phase.
/// `change` makes the source change every property to its B value and emit every signal.
pub async fn qt_replica_script(url: &str, mut change: impl AsyncFnMut()) -> Vec<BTreeSet<String>> {
    let mut peer = Peer::start(&["replica", url]).await;
    let mut phases = Vec::new();
    for (name, count) in PHASES {
        match name {
            "changes" => {
                change().await;
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

use ifw_qtro::{ReplicaEvent, Value};

/// The failures of one run, each named by its check.
#[derive(Default)]
pub struct Failures(pub Vec<String>);

impl Failures {
    pub fn check(&mut self, name: &str, got: Option<&Value>, want: &Value) {
        if got != Some(want) {
            self.0
                .push(format!("{name}: got {got:?}\n    want {want:?}"));
        }
    }

    pub fn fail(&mut self, name: &str, why: String) {
        self.0.push(format!("{name}: {why}"));
    }

    pub fn assert_none(&self, what: &str) {
        assert!(
            self.0.is_empty(),
            "{what}: {} checks failed:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Receives events until `done` says every expected one is there (bounded by [`DEADLINE`]).
pub async fn collect_events(
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

pub fn changes_of<'a>(events: &'a [ReplicaEvent], prop: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter_map(|e| match e {
            ReplicaEvent::PropertyChanged { name, value, .. } if name == prop => Some(value),
            _ => None,
        })
        .collect()
}

pub fn signal_args<'a>(events: &'a [ReplicaEvent], signal: &str) -> Vec<&'a Vec<Value>> {
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

/// The reference: the C++ replica's script against the C++ `EchoSimpleSource`.
pub async fn qt_reference() -> Vec<BTreeSet<String>> {
    let url = free_tcp_url();
    let mut qt_source = Peer::start(&["source", &url]).await;
    qt_source.phase_line("enableRemoting 1").await;
    let reference = qt_replica_script(&url, async || {
        qt_source.send("change").await;
        qt_source.phase("changed").await;
    })
    .await;
    qt_source.send("quit").await;
    reference
}

/// Asserts that the Qt replica printed the reference's lines against another source.
pub fn assert_same_as_reference(phases: &[BTreeSet<String>], reference: &[BTreeSet<String>]) {
    for ((name, _), (got, want)) in PHASES.iter().zip(phases.iter().zip(reference)) {
        let extra: Vec<_> = got.difference(want).collect();
        let missing: Vec<_> = want.difference(got).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "{name}: the Qt replica saw the Rust source differently than Qt's.\n  against Rust: {extra:#?}\n  against Qt:   {missing:#?}"
        );
    }
}
