//! The QFace front end against the reference parser (Python qface 2.0.14), in one run.
//!
//! `cargo bench -p ifw-benches --bench frontend`. For each input (500 interfaces × 20 properties;
//! the rich ~950 KB file; the real-world corpus when `../shared` is there) it prints ifw's
//! parse + resolve time (best and median), the share of lexing and parsing, the peak RSS growth, and — when
//! the reference is installed (`../shared/oracle/setup.sh`) — the reference's best time for the
//! same file and the ratio. Every loop is bounded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ifw_build::Frontend;
use ifw_build::idl::{lexer, parser};
fn main() {
    // `frontend --peak-rss FILE`: parse FILE once and print the peak resident set size in bytes
    // (run as a child process so that the figure is this parse's alone).
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--peak-rss") {
        let text = std::fs::read_to_string(&args[i + 1]).expect("input");
        let before = peak_rss();
        std::hint::black_box(
            Frontend::new()
                .parse_str("bench.qface", &text)
                .expect("parses"),
        );
        println!("{}", peak_rss().saturating_sub(before));
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("frontend-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let inputs = [
        (
            "plain: 500 interfaces x 20 properties",
            "synth_plain.qface",
            ifw_benches::synth_plain(),
        ),
        (
            "rich: 500 interfaces + 200 structs + 200 enums, docs and tags everywhere",
            "synth_rich.qface",
            ifw_benches::synth_rich(),
        ),
    ];
    let reference = ifw_benches::PythonBaseline::find(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/oracle/bench.py"),
    );
    if reference.is_none() {
        println!(
            "(reference parser not installed: run ../shared/oracle/setup.sh to measure it in the same run)"
        );
    }
    println!(
        "{:<28} {:>9} {:>10} {:>10} {:>8} {:>8} {:>10} {:>6} {:>12} {:>9}",
        "input",
        "size",
        "ifw best",
        "median",
        "lex %",
        "parse %",
        "peak RSS+",
        "xsize",
        "reference",
        "ratio"
    );
    for (label, name, text) in inputs {
        let path = dir.join(name);
        std::fs::write(&path, &text).expect("write input");
        let mut row = measure(&text);
        row.peak_bytes = child_peak_rss(&path);
        let reference_best = reference.as_ref().and_then(|r| r.best(&path));
        print_row(label, text.len(), &row, reference_best);
    }
    println!(
        "(ifw: whole front end — lex, parse, model with annotations, type resolution; reference: bench.py best of 3, in-process, without interpreter start-up)"
    );
}

struct Row {
    best: Duration,
    median: Duration,
    lex: Duration,
    parse: Duration,
    peak_bytes: usize,
}

/// Times `Frontend::parse_str` on `text`: warm-up, then up to 200 runs or 3 seconds.
fn measure(text: &str) -> Row {
    let frontend = Frontend::new();
    let run = || {
        let parsed = frontend
            .parse_str("bench.qface", text)
            .expect("bench input parses");
        std::hint::black_box(parsed);
    };
    run();
    let mut times = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(3);
    while times.len() < 200 && (times.len() < 10 || Instant::now() < deadline) {
        let t = Instant::now();
        run();
        times.push(t.elapsed());
    }
    times.sort();
    let best_of = |f: &dyn Fn()| {
        (0..10)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let lex = best_of(&|| {
        std::hint::black_box(lexer::lex(text));
    });
    let (tokens, _) = lexer::lex(text);
    let parse = best_of(&|| {
        std::hint::black_box(parser::parse(text, &tokens));
    });
    Row {
        best: times[0],
        median: times[times.len() / 2],
        lex,
        parse,
        peak_bytes: 0,
    }
}

/// The growth of this process's peak resident set (VmHWM) in bytes, from /proc.
fn peak_rss() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Runs this benchmark binary on `path` with `--peak-rss` and reads the figure it prints.
fn child_peak_rss(path: &Path) -> usize {
    let Ok(exe) = std::env::current_exe() else {
        return 0;
    };
    Command::new(exe)
        .arg("--peak-rss")
        .arg(path)
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0)
}

fn print_row(label: &str, size: usize, row: &Row, reference: Option<Duration>) {
    let pct = |d: Duration| 100.0 * d.as_secs_f64() / row.best.as_secs_f64();
    let (reference_text, ratio) = match reference {
        Some(r) => (
            format!("{:.3} s", r.as_secs_f64()),
            format!("{:.0}x", r.as_secs_f64() / row.best.as_secs_f64()),
        ),
        None => ("-".to_string(), "-".to_string()),
    };
    println!(
        "{:<28} {:>7}KB {:>8.2}ms {:>8.2}ms {:>7.0}% {:>7.0}% {:>6.1}MB {:>4.1}x {:>12} {:>9}",
        label.split(':').next().unwrap_or(label),
        size / 1000,
        row.best.as_secs_f64() * 1e3,
        row.median.as_secs_f64() * 1e3,
        pct(row.lex),
        pct(row.parse),
        row.peak_bytes as f64 / 1e6,
        row.peak_bytes as f64 / size as f64,
        reference_text,
        ratio
    );
}
