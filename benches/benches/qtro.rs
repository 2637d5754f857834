//! ifw-qtro against its baselines, in one run: a Rust node and a Rust host against the C++ Qt
//! pair (a repc source and a repc replica), a raw tokio length-delimited echo (the floor) and a
//! tonic unary gRPC call, over a Unix socket and over TCP on 127.0.0.1.
//!
//! `cargo bench -p ifw-benches --bench qtro`. Every server (ifw host, echo, tonic, Qt source) runs
//! in its own process, a child of this one, and every client in this process (the Qt replica in
//! its own), so each pair is two processes as in deployment. Figures:
//!
//! Each figure is the median of three interleaved rounds (the machine may be shared).
//!
//! - call round trip: sequential `int add(int, int)` calls, each waiting for its reply, p50 and
//!   p99 over 20,000 calls after 1,000 warm-up calls (echo: 8 bytes each way; tonic: a two-field
//!   request, a one-field reply);
//! - property changes/s: the replica calls `fireChanges(from, n)`, the source sets its `value`
//!   property n = 200,000 times; from the call to the replica's notification of the last value;
//! - signals/s: the same with `fireSignals(n)` and the `tick(int)` signal.
//!
//! The main rows run every Rust process (ifw, echo, tonic) on a current-thread Tokio runtime, one
//! thread per process like the Qt pair's event loop; the `multi` rows repeat ifw, echo and tonic
//! on Tokio's default multi-thread runtime. `IFW_BENCH_ONLY` (see `main`) limits the run, e.g.
//! for `perf record`; `IFW_BENCH_CALLS_ONLY=1` leaves out ifw's throughput runs.
//!
//! The Qt pair is built with repc, moc and g++ (see `ifw_benches::qt`); without Qt its rows say
//! what to install. Every loop is bounded in count and time.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark that cannot set itself up should stop loudly"
)]

use std::convert::Infallible;
use std::io::{BufRead, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use ifw_qtro::codec::{ClassDefinition, MethodDef, PropertyDef, SignalDef};
use ifw_qtro::{
    BoxFuture, Host, Node, NodeOptions, ReplicaEvent, SourceHandler, SourceObject, Value,
};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

/// Warm-up calls before the timed ones.
const WARMUP: usize = 1_000;
/// Timed sequential calls.
const CALLS: usize = 20_000;
/// Property changes and signals per throughput run.
const BURST: usize = 200_000;
/// Interleaved rounds of every measurement; the table shows each figure's median.
const ROUNDS: usize = 3;
/// The bound on any one measurement.
const DEADLINE: Duration = Duration::from_secs(30);

/// The C++ Qt pair's sources.
const QT_SOURCES: [(&str, &str); 2] = [
    ("bench.rep", include_str!("../qt/bench.rep")),
    ("qtro_bench.cpp", include_str!("../qt/qtro_bench.cpp")),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `qtro --serve KIND ADDRESS`: one of the servers, run as a child process.
    if let Some(i) = args.iter().position(|a| a == "--serve") {
        let flavor = match args.get(i + 3).map(String::as_str) {
            Some("multi_thread") => Flavor::MultiThread,
            _ => Flavor::CurrentThread,
        };
        serve(&args[i + 1], &args[i + 2], flavor);
        return;
    }
    let qt = match ifw_benches::qt::build("qtro_bench", &QT_SOURCES, "-O2") {
        Ok(path) => Ok(path),
        Err(e) => {
            println!("({e})");
            Err(e.to_string())
        }
    };
    let tag = std::process::id();
    let socket = |kind: &str| std::env::temp_dir().join(format!("ifw_bench_{kind}_{tag}.sock"));
    let transports = [
        Transport::Unix {
            ifw: format!("local:{}", socket("ifw").display()),
            qt: format!("local:{}", socket("qt").display()),
            echo: socket("echo"),
            tonic: socket("tonic"),
        },
        Transport::Tcp,
    ];
    let single = runtime(Flavor::CurrentThread);
    let multi = runtime(Flavor::MultiThread);
    let mut rounds: Vec<Vec<Row>> = Vec::new();
    // `IFW_BENCH_ONLY=ifw,ifw-mt,echo,echo-mt,tonic,tonic-mt,qt` (any subset) measures only those, e.g. for a
    // profile.
    let only = std::env::var("IFW_BENCH_ONLY").unwrap_or_default();
    let wanted = |kind: &str| only.is_empty() || only.split(',').any(|k| k == kind);
    // The machine is shared: measuring in interleaved rounds and taking medians keeps a busy
    // moment from landing on one column only.
    for round in 1..=ROUNDS {
        let mut results = Vec::new();
        for transport in &transports {
            let name = transport.name();
            let measure = |kind: &str, f: &dyn Fn() -> Figures| {
                if !wanted(kind) {
                    return Figures::default();
                }
                eprintln!("round {round}/{ROUNDS}, {name}: {kind} …");
                f()
            };
            let ifw = measure("ifw", &|| {
                single.block_on(bench_ifw(transport, Flavor::CurrentThread))
            });
            let ifw_mt = measure("ifw-mt", &|| {
                multi.block_on(bench_ifw(transport, Flavor::MultiThread))
            });
            let echo = measure("echo", &|| {
                single.block_on(bench_echo(transport, Flavor::CurrentThread))
            });
            let echo_mt = measure("echo-mt", &|| {
                multi.block_on(bench_echo(transport, Flavor::MultiThread))
            });
            let tonic = measure("tonic", &|| {
                single.block_on(bench_tonic(transport, Flavor::CurrentThread))
            });
            let tonic_mt = measure("tonic-mt", &|| {
                multi.block_on(bench_tonic(transport, Flavor::MultiThread))
            });
            let qt_pair = if wanted("qt") {
                eprintln!("round {round}/{ROUNDS}, {name}: Qt pair …");
                let measured = qt
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|exe| bench_qt(exe, transport));
                if let Err(e) = &measured {
                    eprintln!("{name}: Qt pair not measured: {e}");
                }
                measured.ok()
            } else {
                None
            };
            results.push(Row {
                transport: name,
                ifw,
                ifw_mt,
                echo,
                echo_mt,
                tonic,
                tonic_mt,
                qt: qt_pair,
            });
        }
        rounds.push(results);
    }
    let results: Vec<Row> = (0..transports.len())
        .map(|t| Row::median(rounds.iter().map(|r| &r[t]).collect()))
        .collect();
    // The servers are gone; the Qt source exits without closing its socket file.
    for kind in ["ifw", "qt", "echo", "tonic"] {
        let _ = std::fs::remove_file(socket(kind));
    }
    print_table(&results, qt.is_ok());
}

/// The Tokio runtime of a process here.
#[derive(Clone, Copy)]
enum Flavor {
    /// One thread per process, as the Qt pair's one event loop per process (the table's main
    /// figures, for ifw and the baselines alike).
    CurrentThread,
    /// Tokio's default multi-thread runtime in both processes (the `ifw, multi-thread` rows).
    MultiThread,
}

impl Flavor {
    fn arg(self) -> &'static str {
        match self {
            Self::CurrentThread => "current_thread",
            Self::MultiThread => "multi_thread",
        }
    }
}

fn runtime(flavor: Flavor) -> tokio::runtime::Runtime {
    match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        Flavor::MultiThread => tokio::runtime::Runtime::new().unwrap(),
    }
}

/// Where the servers listen.
enum Transport {
    /// Unix sockets at these paths (`local:` URLs for QtRO).
    Unix {
        ifw: String,
        qt: String,
        echo: PathBuf,
        tonic: PathBuf,
    },
    /// TCP on 127.0.0.1, free ports picked by the servers (Qt: picked here).
    Tcp,
}

impl Transport {
    fn name(&self) -> &'static str {
        match self {
            Self::Unix { .. } => "unix",
            Self::Tcp => "tcp",
        }
    }

    fn address(&self, kind: &str) -> String {
        match (self, kind) {
            (Self::Unix { ifw, .. }, "ifw") => ifw.clone(),
            (Self::Unix { echo, .. }, "echo") => format!("unix:{}", echo.display()),
            (Self::Unix { tonic, .. }, _) => format!("unix:{}", tonic.display()),
            (Self::Tcp, "ifw") => "tcp://127.0.0.1:0".into(),
            (Self::Tcp, _) => "tcp:127.0.0.1:0".into(),
        }
    }
}

/// A latency distribution and the two throughputs; `None` where a figure does not apply.
#[derive(Default)]
struct Figures {
    p50: Option<Duration>,
    p99: Option<Duration>,
    changes_per_s: Option<f64>,
    signals_per_s: Option<f64>,
}

impl Figures {
    /// Each figure's median over `all` (of those measured).
    fn median(all: &[&Figures]) -> Figures {
        fn mid<T: PartialOrd + Copy>(mut v: Vec<T>) -> Option<T> {
            v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            v.get(v.len() / 2).copied()
        }
        Figures {
            p50: mid(all.iter().filter_map(|f| f.p50).collect()),
            p99: mid(all.iter().filter_map(|f| f.p99).collect()),
            changes_per_s: mid(all.iter().filter_map(|f| f.changes_per_s).collect()),
            signals_per_s: mid(all.iter().filter_map(|f| f.signals_per_s).collect()),
        }
    }
}

/// p50 and p99 of `times`.
fn percentiles(mut times: Vec<Duration>) -> (Option<Duration>, Option<Duration>) {
    if times.is_empty() {
        return (None, None);
    }
    times.sort();
    let p = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    (Some(p(50)), Some(p(99)))
}

/// `IFW_BENCH_CALLS_ONLY=1` measures the call round trip only (no throughput runs), e.g. for a
/// profile of the call path.
fn calls_only() -> bool {
    std::env::var_os("IFW_BENCH_CALLS_ONLY").is_some_and(|v| v == "1")
}

/// Runs `call` `WARMUP` times, then up to `CALLS` timed times (at most `DEADLINE` in all).
async fn time_calls(mut call: impl AsyncFnMut(i32)) -> (Option<Duration>, Option<Duration>) {
    let deadline = Instant::now() + DEADLINE;
    let mut times = Vec::with_capacity(CALLS);
    for i in 0..WARMUP + CALLS {
        if Instant::now() > deadline {
            eprintln!("(deadline reached after {i} calls)");
            break;
        }
        let t = Instant::now();
        call(i32::try_from(i).unwrap()).await;
        if i >= WARMUP {
            times.push(t.elapsed());
        }
    }
    percentiles(times)
}

// ---------------------------------------------------------------------------------------------
// Child processes

/// A server child process, killed when dropped.
struct Server {
    child: Child,
    address: String,
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `exe args`, waits for its `ready [ADDRESS]` line.
    fn start(exe: &std::path::Path, args: &[&str]) -> Result<Self, String> {
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        // The server exits on its own if it cannot start; its output then ends.
        let _ = stdout.read_line(&mut line);
        let Some(rest) = line.trim().strip_prefix("ready") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{} did not start: {line:?}", exe.display()));
        };
        Ok(Self {
            address: rest.trim().to_owned(),
            child,
            _stdout: stdout,
        })
    }

    /// One of this benchmark's own servers (`--serve KIND ADDRESS FLAVOR`).
    fn rust(kind: &str, address: &str, flavor: Flavor) -> Self {
        let exe = std::env::current_exe().unwrap();
        Self::start(&exe, &["--serve", kind, address, flavor.arg()]).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing stdin asks it to stop; a kill makes sure.
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child side: serves `kind` on `address` on a `flavor` runtime, prints `ready ADDRESS`, stops on stdin EOF.
fn serve(kind: &str, address: &str, flavor: Flavor) {
    let rt = runtime(flavor);
    rt.block_on(async {
        let stop = async {
            let mut stdin = tokio::io::stdin();
            let mut sink = tokio::io::sink();
            let _ = tokio::io::copy(&mut stdin, &mut sink).await;
        };
        let ready = |address: &str| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "ready {address}");
            let _ = out.flush();
        };
        match kind {
            "ifw" => {
                let host = Host::listen(address).await.unwrap();
                host.enable_remoting("Bench", bench_source()).await.unwrap();
                ready(&host.url().to_string());
                stop.await;
                host.shutdown().await;
            }
            "echo" => {
                let (listener, bound) = listen(address).await;
                ready(&bound);
                tokio::select! {
                    () = stop => {}
                    () = echo_server(listener) => {}
                }
            }
            "tonic" => {
                let (listener, bound) = listen(address).await;
                ready(&bound);
                tokio::select! {
                    () = stop => {}
                    () = tonic_server(listener) => {}
                }
            }
            other => panic!("unknown server kind {other}"),
        }
    });
}

/// A listening socket for the echo and tonic servers: `unix:PATH` or `tcp:HOST:PORT`.
enum AnyListener {
    Unix(UnixListener),
    Tcp(TcpListener),
}

async fn listen(address: &str) -> (AnyListener, String) {
    if let Some(path) = address.strip_prefix("unix:") {
        let _ = std::fs::remove_file(path);
        (
            AnyListener::Unix(UnixListener::bind(path).unwrap()),
            address.to_owned(),
        )
    } else {
        let l = TcpListener::bind(address.trim_start_matches("tcp:"))
            .await
            .unwrap();
        let bound = format!("tcp:{}", l.local_addr().unwrap());
        (AnyListener::Tcp(l), bound)
    }
}

// ---------------------------------------------------------------------------------------------
// ifw

/// `Bench` as in `benches/qt/bench.rep`, in repc's layout.
fn bench_definition() -> ClassDefinition {
    let method = |sig: &str, ret: &str, names: &[&str]| MethodDef {
        signature: sig.into(),
        return_type: ret.into(),
        parameter_names: names.iter().map(|n| (*n).into()).collect(),
    };
    ClassDefinition {
        type_name: Some("Bench".into()),
        signals: vec![
            SignalDef {
                signature: "valueChanged(int)".into(),
                parameter_names: vec!["value".into()],
            },
            SignalDef {
                signature: "tick(int)".into(),
                parameter_names: vec!["i".into()],
            },
        ],
        methods: vec![
            method("add(int,int)", "int", &["a", "b"]),
            method("fireChanges(int,int)", "void", &["from", "count"]),
            method("fireSignals(int)", "void", &["count"]),
        ],
        properties: vec![PropertyDef {
            name: "value".into(),
            type_name: "int".into(),
            notify_signature: Some("valueChanged(int)".into()),
        }],
        ..ClassDefinition::default()
    }
}

const ADD: usize = 0;
const FIRE_CHANGES: usize = 1;
const FIRE_SIGNALS: usize = 2;
const TICK: usize = 1;

/// The source's side of `Bench`.
struct BenchHandler;

impl SourceHandler for BenchHandler {
    fn call<'a>(
        &'a self,
        source: &'a SourceObject,
        method: usize,
        args: Vec<Value>,
    ) -> BoxFuture<'a, Value> {
        Box::pin(async move {
            let int = |i: usize| match args.get(i) {
                Some(Value::Int(v)) => *v,
                _ => 0,
            };
            match method {
                ADD => Value::Int(int(0).wrapping_add(int(1))),
                FIRE_CHANGES => {
                    for i in 0..int(1) {
                        let _ = source.set_property(0, Value::Int(int(0) + i)).await;
                    }
                    Value::Invalid
                }
                FIRE_SIGNALS => {
                    for i in 0..int(0) {
                        let _ = source.emit(TICK, vec![Value::Int(i)]).await;
                    }
                    Value::Invalid
                }
                _ => Value::Invalid,
            }
        })
    }
}

fn bench_source() -> SourceObject {
    SourceObject::builder(bench_definition())
        .values(vec![Value::Int(0)])
        .handler(BenchHandler)
        .build()
        .unwrap()
}

async fn bench_ifw(transport: &Transport, flavor: Flavor) -> Figures {
    let server = Server::rust("ifw", &transport.address("ifw"), flavor);
    let node = Node::connect_with(
        &server.address,
        NodeOptions::default()
            .heartbeat_interval(None)
            .event_capacity(4096),
    )
    .await
    .unwrap();
    let replica = node.acquire("Bench", bench_definition(), None);
    replica.wait_ready(Duration::from_secs(10)).await.unwrap();

    let (p50, p99) = time_calls(async |i| {
        let sum = replica
            .call_at(ADD, vec![Value::Int(i), Value::Int(1)])
            .await
            .unwrap();
        assert_eq!(sum, Value::Int(i + 1));
    })
    .await;

    if calls_only() {
        drop(replica);
        node.shutdown().await;
        drop(server);
        return Figures {
            p50,
            p99,
            ..Figures::default()
        };
    }
    let burst = i32::try_from(BURST).unwrap();
    let mut events = replica.subscribe();
    let t = Instant::now();
    replica
        .call_at(FIRE_CHANGES, vec![Value::Int(1), Value::Int(burst)])
        .await
        .unwrap();
    let last = Value::Int(burst);
    let changes = tokio::time::timeout(DEADLINE, async {
        while let Some(e) = events.recv().await {
            if matches!(&e, ReplicaEvent::PropertyChanged { value, .. } if *value == last) {
                return Some(t.elapsed());
            }
        }
        None
    })
    .await
    .ok()
    .flatten();

    let t = Instant::now();
    replica
        .call_at(FIRE_SIGNALS, vec![Value::Int(burst)])
        .await
        .unwrap();
    let last = vec![Value::Int(burst - 1)];
    let signals = tokio::time::timeout(DEADLINE, async {
        while let Some(e) = events.recv().await {
            if matches!(&e, ReplicaEvent::Signal { args, .. } if *args == last) {
                return Some(t.elapsed());
            }
        }
        None
    })
    .await
    .ok()
    .flatten();
    drop(events);
    drop(replica);
    node.shutdown().await;
    drop(server);
    let rate = |d: Option<Duration>| d.map(|d| BURST as f64 / d.as_secs_f64());
    Figures {
        p50,
        p99,
        changes_per_s: rate(changes),
        signals_per_s: rate(signals),
    }
}

// ---------------------------------------------------------------------------------------------
// The Qt pair

fn bench_qt(exe: &std::path::Path, transport: &Transport) -> Result<Figures, String> {
    let url = match transport {
        Transport::Unix { qt, .. } => qt.clone(),
        Transport::Tcp => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| e.to_string())?
                .port();
            format!("tcp://127.0.0.1:{port}")
        }
    };
    let _source = Server::start(exe, &["source", &url])?;
    let mut replica = Command::new(exe)
        .args(["replica", &url])
        .args([WARMUP, CALLS, BURST, BURST].map(|n| n.to_string()))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = BufReader::new(replica.stdout.take().unwrap());
    // The replica exits after its last figure (or after its own 120 s limit).
    let mut figures = Figures::default();
    for line in stdout.lines().map_while(Result::ok) {
        let words: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .filter_map(|w| w.parse().ok())
            .collect();
        let rate = |w: &[u64]| Some(w[0] as f64 / (w[1] as f64 / 1e9));
        match (line.split_whitespace().next(), words.as_slice()) {
            (Some("calls"), [_, p50, p99]) => {
                figures.p50 = Some(Duration::from_nanos(*p50));
                figures.p99 = Some(Duration::from_nanos(*p99));
            }
            (Some("changes"), w @ [_, _]) => figures.changes_per_s = rate(w),
            (Some("signals"), w @ [_, _]) => figures.signals_per_s = rate(w),
            _ => eprintln!("Qt replica: {line}"),
        }
    }
    let _ = replica.wait();
    Ok(figures)
}

// ---------------------------------------------------------------------------------------------
// Raw length-delimited echo

async fn echo_server(listener: AnyListener) {
    async fn echo<S: AsyncRead + AsyncWrite + Unpin>(stream: S) {
        let mut framed = Framed::new(stream, LengthDelimitedCodec::new());
        while let Some(Ok(frame)) = framed.next().await {
            if framed.send(frame.freeze()).await.is_err() {
                break;
            }
        }
    }
    loop {
        match &listener {
            AnyListener::Unix(l) => {
                let Ok((s, _)) = l.accept().await else { break };
                tokio::spawn(echo(s));
            }
            AnyListener::Tcp(l) => {
                let Ok((s, _)) = l.accept().await else { break };
                let _ = s.set_nodelay(true);
                tokio::spawn(echo(s));
            }
        }
    }
}

async fn bench_echo(transport: &Transport, flavor: Flavor) -> Figures {
    async fn run<S: AsyncRead + AsyncWrite + Unpin>(stream: S) -> Figures {
        let mut framed = Framed::new(stream, LengthDelimitedCodec::new());
        let (p50, p99) = time_calls(async |i| {
            let mut msg = [0u8; 8];
            msg[..4].copy_from_slice(&i.to_le_bytes());
            framed.send(Bytes::copy_from_slice(&msg)).await.unwrap();
            let back = framed.next().await.unwrap().unwrap();
            assert_eq!(&back[..], &msg);
        })
        .await;
        Figures {
            p50,
            p99,
            ..Figures::default()
        }
    }
    let server = Server::rust("echo", &transport.address("echo"), flavor);
    if let Some(path) = server.address.strip_prefix("unix:") {
        run(UnixStream::connect(path).await.unwrap()).await
    } else {
        let s = TcpStream::connect(server.address.trim_start_matches("tcp:"))
            .await
            .unwrap();
        s.set_nodelay(true).unwrap();
        run(s).await
    }
}

// ---------------------------------------------------------------------------------------------
// tonic, with a hand-written service (what tonic-build would generate, without protoc)

/// `bench.Adder/Add`'s request.
#[derive(Clone, PartialEq, prost::Message)]
struct AddRequest {
    #[prost(int32, tag = "1")]
    a: i32,
    #[prost(int32, tag = "2")]
    b: i32,
}

/// `bench.Adder/Add`'s reply.
#[derive(Clone, PartialEq, prost::Message)]
struct AddReply {
    #[prost(int32, tag = "1")]
    sum: i32,
}

const ADD_PATH: &str = "/bench.Adder/Add";

/// The `bench.Adder` service: one unary method.
#[derive(Clone, Copy)]
struct AdderServer;

impl tonic::server::NamedService for AdderServer {
    const NAME: &'static str = "bench.Adder";
}

/// The unary `Add` method.
struct AddMethod;

impl tonic::server::UnaryService<AddRequest> for AddMethod {
    type Response = AddReply;
    type Future = std::future::Ready<Result<tonic::Response<AddReply>, tonic::Status>>;

    fn call(&mut self, request: tonic::Request<AddRequest>) -> Self::Future {
        let r = request.into_inner();
        std::future::ready(Ok(tonic::Response::new(AddReply {
            sum: r.a.wrapping_add(r.b),
        })))
    }
}

impl<B> tower::Service<tonic::codegen::http::Request<B>> for AdderServer
where
    B: tonic::codegen::Body + Send + 'static,
    B::Error: Into<tonic::codegen::StdError> + Send + 'static,
{
    type Response = tonic::codegen::http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = tonic::codegen::BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: tonic::codegen::http::Request<B>) -> Self::Future {
        Box::pin(async move {
            if request.uri().path() != ADD_PATH {
                return Ok(tonic::Status::unimplemented("no such method").into_http());
            }
            let mut grpc = tonic::server::Grpc::new(tonic_prost::ProstCodec::default());
            Ok(grpc.unary(AddMethod, request).await)
        })
    }
}

async fn tonic_server(listener: AnyListener) {
    let server = tonic::transport::Server::builder().add_service(AdderServer);
    let _ = match listener {
        AnyListener::Unix(l) => {
            server
                .serve_with_incoming(tokio_stream::wrappers::UnixListenerStream::new(l))
                .await
        }
        AnyListener::Tcp(l) => {
            let incoming = tokio_stream::wrappers::TcpListenerStream::new(l).map(|s| {
                let s = s?;
                s.set_nodelay(true)?;
                Ok::<_, std::io::Error>(s)
            });
            server.serve_with_incoming(incoming).await
        }
    };
}

async fn bench_tonic(transport: &Transport, flavor: Flavor) -> Figures {
    use tonic::transport::{Endpoint, Uri};
    let server = Server::rust("tonic", &transport.address("tonic"), flavor);
    let channel = if let Some(path) = server.address.strip_prefix("unix:") {
        let path = PathBuf::from(path);
        Endpoint::from_static("http://[::]:50051")
            .connect_with_connector(tower::service_fn(move |_: Uri| {
                let path = path.clone();
                async move {
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                        UnixStream::connect(path).await?,
                    ))
                }
            }))
            .await
            .unwrap()
    } else {
        let url = format!("http://{}", server.address.trim_start_matches("tcp:"));
        Endpoint::from_shared(url)
            .unwrap()
            .tcp_nodelay(true)
            .connect()
            .await
            .unwrap()
    };
    let mut grpc = tonic::client::Grpc::new(channel);
    let (p50, p99) = time_calls(async |i| {
        grpc.ready().await.unwrap();
        let reply: tonic::Response<AddReply> = grpc
            .unary(
                tonic::Request::new(AddRequest { a: i, b: 1 }),
                tonic::codegen::http::uri::PathAndQuery::from_static(ADD_PATH),
                tonic_prost::ProstCodec::default(),
            )
            .await
            .unwrap();
        assert_eq!(reply.into_inner().sum, i + 1);
    })
    .await;
    Figures {
        p50,
        p99,
        ..Figures::default()
    }
}

// ---------------------------------------------------------------------------------------------
// The table

/// One transport's figures.
struct Row {
    transport: &'static str,
    ifw: Figures,
    ifw_mt: Figures,
    echo: Figures,
    echo_mt: Figures,
    tonic: Figures,
    tonic_mt: Figures,
    qt: Option<Figures>,
}

impl Row {
    /// One transport's rows from several rounds: the median of each figure.
    fn median(rounds: Vec<&Row>) -> Row {
        let of = |f: fn(&Row) -> &Figures| {
            Figures::median(&rounds.iter().map(|r| f(r)).collect::<Vec<_>>())
        };
        let qt: Vec<&Figures> = rounds.iter().filter_map(|r| r.qt.as_ref()).collect();
        Row {
            transport: rounds.first().map_or("", |r| r.transport),
            ifw: of(|r| &r.ifw),
            ifw_mt: of(|r| &r.ifw_mt),
            echo: of(|r| &r.echo),
            echo_mt: of(|r| &r.echo_mt),
            tonic: of(|r| &r.tonic),
            tonic_mt: of(|r| &r.tonic_mt),
            qt: (!qt.is_empty()).then(|| Figures::median(&qt)),
        }
    }
}

fn us(d: Option<Duration>) -> String {
    d.map_or("-".to_owned(), |d| {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    })
}

fn per_s(r: Option<f64>) -> String {
    r.map_or("-".to_owned(), |r| format!("{:.3} M/s", r / 1e6))
}

/// `a / b` as `1.23x`.
fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "-".to_owned(),
    }
}

fn secs(d: Option<Duration>) -> Option<f64> {
    d.map(|d| d.as_secs_f64())
}

fn print_table(results: &[Row], qt_built: bool) {
    let line = |cells: [&str; 10]| {
        println!(
            "{:<5} {:<14} {:<8} {:>11} {:>11} {:>11} {:>11} {:>9} {:>8} {:>9}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            cells[6],
            cells[7],
            cells[8],
            cells[9]
        );
    };
    let qt_cell = |text: String| if qt_built { text } else { "n/a".into() };
    println!();
    line([
        "",
        "ifw runtime",
        "figure",
        "ifw",
        "raw echo",
        "Qt pair",
        "tonic",
        "ifw/echo",
        "Qt/ifw",
        "tonic/ifw",
    ]);
    type Latency = fn(&Figures) -> Option<Duration>;
    type Rate = fn(&Figures) -> Option<f64>;
    let latencies: [(&str, Latency); 2] = [("call p50", |f| f.p50), ("call p99", |f| f.p99)];
    let rates: [(&str, Rate); 2] = [
        ("changes/s", |f| f.changes_per_s),
        ("signals/s", |f| f.signals_per_s),
    ];
    for row in results {
        let qt = row.qt.as_ref();
        for (runtime, ifw, echo, tonic) in [
            ("1 thread", &row.ifw, &row.echo, &row.tonic),
            ("multi", &row.ifw_mt, &row.echo_mt, &row.tonic_mt),
        ] {
            for (label, f) in latencies {
                line([
                    row.transport,
                    runtime,
                    label,
                    &us(f(ifw)),
                    &us(f(echo)),
                    &qt_cell(us(qt.and_then(f))),
                    &us(f(tonic)),
                    &ratio(secs(f(ifw)), secs(f(echo))),
                    &ratio(secs(qt.and_then(f)), secs(f(ifw))),
                    &ratio(secs(f(tonic)), secs(f(ifw))),
                ]);
            }
            for (label, f) in rates {
                line([
                    row.transport,
                    runtime,
                    label,
                    &per_s(f(ifw)),
                    "-",
                    &qt_cell(per_s(qt.and_then(f))),
                    "-",
                    "-",
                    &ratio(f(ifw), qt.and_then(f)),
                    "-",
                ]);
            }
        }
    }
    if !qt_built {
        println!("(Qt not installed: {})", ifw_benches::qt::INSTALL_HINT);
    }
    println!(
        "(ifw runtime: \"1 thread\" = a current-thread Tokio runtime in both processes, as the Qt pair's one \
         event loop per process; \"multi\" = Tokio's default multi-thread runtime in both processes; \
         the echo and tonic baselines of a row run on that row's runtime)"
    );
    println!(
        "(ratios: ifw/echo = ifw time over the raw floor; Qt/ifw = how many times ifw is faster than the C++ Qt \
         pair: Qt time over ifw time, ifw rate over Qt rate; tonic/ifw = tonic time over ifw time)"
    );
    println!(
        "(targets: call p50 <= the Qt pair's (Qt/ifw >= 1) and >= 3x faster than tonic (tonic/ifw >= 3); \
         changes/s and signals/s >= 2x the Qt pair's (Qt/ifw >= 2))"
    );
    let check = |ok: Option<bool>| match ok {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "n/a",
    };
    for row in results {
        for (runtime, ifw, tonic) in [
            ("1 thread", &row.ifw, &row.tonic),
            ("multi", &row.ifw_mt, &row.tonic_mt),
        ] {
            let qt = row.qt.as_ref();
            let p50_qt = qt.and_then(|q| Some(ifw.p50? <= q.p50?));
            let p50_tonic = secs(tonic.p50)
                .zip(secs(ifw.p50))
                .map(|(t, i)| t >= 3.0 * i);
            let changes = qt.and_then(|q| Some(ifw.changes_per_s? >= 2.0 * q.changes_per_s?));
            let signals = qt.and_then(|q| Some(ifw.signals_per_s? >= 2.0 * q.signals_per_s?));
            println!(
                "{} ({runtime}): p50 vs Qt {}, p50 vs tonic {}, changes vs Qt {}, signals vs Qt {}",
                row.transport,
                check(p50_qt),
                check(p50_tonic),
                check(changes),
                check(signals)
            );
        }
    }
}
