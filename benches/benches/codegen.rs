//! The whole code generator on a large module, against the reference QFace parser rendering the
//! equivalent `.rep` files with its Jinja generator (a lower bound for Qt's `ifcodegen`), in one
//! run.
//!
//! `cargo bench -p ifw-benches --bench codegen`. The input (500 interfaces × 20 properties, an
//! operation and a signal each, 20 structs, 20 enums, a flag; ~310 KB) is generated here. One
//! iteration is everything `ifw_build::compile` and the schema checks do: parse; `.rep` emission,
//! `.rep` parse and signature of every interface; the `.proto`; the Rust of
//! [`ifw_build::codegen::generate`] (on up to 8 threads). The Rust line is split into the module's
//! types (tokens formatted by prettyplease, timed on the same input without its interfaces) and
//! the interface code (written directly in prettyplease's layout). It prints the best and median
//! total, the share of each stage, the 400 ms target, checks once that the output is exactly
//! prettyplease's layout, and — when the reference is installed (`../shared/oracle/setup.sh`) —
//! the baseline's best of 3 and the ratio. Bounded: at most 10 timed iterations or 10 s.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ifw_build::codegen::{Options, generate};
use ifw_build::{Frontend, proto, rep};

/// What one iteration took, stage by stage.
#[derive(Clone, Copy, Default)]
struct Stages {
    parse: Duration,
    rep: Duration,
    proto: Duration,
    /// `generate()` on the input without its interfaces: the module's types, formatted.
    types: Duration,
    generate: Duration,
}

impl Stages {
    fn total(&self) -> Duration {
        self.parse + self.rep + self.proto + self.generate
    }
}

/// One full run over `text` (and `types`, the same without interfaces); the byte count of
/// everything generated.
fn iteration(text: &str, types: &str) -> (Stages, usize) {
    let mut stages = Stages::default();
    let mut bytes = 0;
    let t = Instant::now();
    let parsed = Frontend::new()
        .parse_str("synth.qface", text)
        .expect("the bench input parses");
    stages.parse = t.elapsed();
    let system = &parsed.system;
    let options = Options::default();
    for module in system.modules.values() {
        let t = Instant::now();
        for interface in module.interfaces.values() {
            let text = rep::emit_interface(system, module, interface, "synth.qface")
                .expect("the bench input has a .rep");
            let file = rep::parse(&text).expect("ifw's .rep parses");
            let class = file.class(&interface.name).expect("its class");
            bytes += text.len() + rep::signature(class, &file).len();
        }
        stages.rep += t.elapsed();
        let t = Instant::now();
        bytes += proto::emit_module(system, module, "synth.qface")
            .expect("the bench input has a .proto")
            .len();
        stages.proto += t.elapsed();
        let t = Instant::now();
        bytes += generate(system, module, &options).expect("Rust").len();
        stages.generate += t.elapsed();
    }
    let parsed = Frontend::new()
        .parse_str("types.qface", types)
        .expect("the types parse");
    for module in parsed.system.modules.values() {
        let t = Instant::now();
        std::hint::black_box(generate(&parsed.system, module, &options).expect("Rust"));
        stages.types += t.elapsed();
    }
    (stages, bytes)
}

/// Whether `rust` (a generated file) is exactly what prettyplease prints for it.
fn is_prettyplease_layout(rust: &str) -> bool {
    let body = rust.split_once("\n\n").map_or(rust, |(_, body)| body);
    syn::parse_file(body).is_ok_and(|file| prettyplease::unparse(&file) == body)
}

fn main() {
    let text = ifw_benches::synth_codegen();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("codegen-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let path = dir.join("synth_codegen.qface");
    std::fs::write(&path, &text).expect("write input");

    let types = text
        .split_once("/** Interface 0. */")
        .map_or(text.as_str(), |(types, _)| types)
        .to_string();
    let (_, bytes) = iteration(&text, &types);
    let mut runs: Vec<Stages> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while runs.len() < 10 && (runs.len() < 3 || Instant::now() < deadline) {
        runs.push(iteration(&text, &types).0);
    }
    runs.sort_by_key(Stages::total);
    let best = runs[0];
    let median = runs[runs.len() / 2];
    let total = best.total().as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let share = |d: Duration| 100.0 * d.as_secs_f64() / total;
    println!(
        "input: 500 interfaces x 20 properties + an operation and a signal each, 20 structs, 20 enums, a flag ({} KB); output {} KB",
        text.len() / 1000,
        bytes / 1000
    );
    println!(
        "ifw total: best {:.1} ms, median {:.1} ms ({} runs)",
        ms(best.total()),
        ms(median.total()),
        runs.len()
    );
    println!(
        "  parsing (QFace front end)        {:>7.1} ms {:>4.0}%",
        ms(best.parse),
        share(best.parse)
    );
    println!(
        "  schema: .rep emit, parse, sign   {:>7.1} ms {:>4.0}%",
        ms(best.rep),
        share(best.rep)
    );
    println!(
        "  schema: .proto                   {:>7.1} ms {:>4.0}%",
        ms(best.proto),
        share(best.proto)
    );
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8);
    println!(
        "  Rust: generate() on {threads} thread(s)    {:>7.1} ms {:>4.0}%",
        ms(best.generate),
        share(best.generate)
    );
    println!(
        "    module types (tokens + prettyplease) {:>5.1} ms {:>4.0}%  <- the formatting pass",
        ms(best.types),
        share(best.types)
    );
    let interfaces = best.generate.saturating_sub(best.types);
    println!(
        "    interfaces (written in layout)   {:>7.1} ms {:>4.0}%",
        ms(interfaces),
        share(interfaces)
    );
    let parsed = Frontend::new()
        .parse_str("synth.qface", &text)
        .expect("the bench input parses");
    let layout = parsed.system.modules.values().all(|module| {
        generate(&parsed.system, module, &Options::default())
            .is_ok_and(|rust| is_prettyplease_layout(&rust))
    });
    println!(
        "output is exactly prettyplease's layout (parsed with syn and printed again, once): {}",
        if layout { "yes" } else { "NO" }
    );
    let target = Duration::from_millis(400);
    println!(
        "target <= 400 ms: {}",
        if best.total() <= target {
            "met"
        } else {
            "NOT met"
        }
    );
    match ifw_benches::PythonBaseline::find(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("py/rep_baseline.py"),
    )
    .and_then(|r| r.best(&path))
    {
        Some(baseline) => println!(
            "baseline (qface 2.0.14 parse + Jinja .rep per interface, best of 3): {:.3} s; baseline ÷ ifw = {:.2}× (above 1: ifw is faster)",
            baseline.as_secs_f64(),
            baseline.as_secs_f64() / total
        ),
        None => println!(
            "(baseline not measured: run ../shared/oracle/setup.sh to install the reference parser)"
        ),
    }
}
