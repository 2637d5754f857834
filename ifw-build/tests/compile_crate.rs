//! The generated code in a user's crate: `tests/fixtures/compile-crate` has a `build.rs` that
//! calls `ifw_build::configure()…compile(…)` on `idl/climate.qface`, `idl/mediaplayer.qface` (and
//! a fixture IDL using every type mapping) and `ifw_build::compile_rep` on the hand-written
//! `rep/garage.rep`, tests that exercise the generated types, and an
//! end-to-end test of the generated Source and Replica over a QtRO host and node (`tests/qtro_e2e.rs`,
//! `tests/rep_e2e.rs`). This test builds and runs that
//! crate's tests with Cargo, runs clippy on it with `-D warnings`, and checks that the build
//! script reruns exactly when one of its inputs changes.
//!
//! The crate builds into `<target>/tmp/compile-crate`, so after the first run (about a minute)
//! only what changed is rebuilt.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Cold builds compile tokio and serde for the fixture; a warm run takes a few seconds.
const DEADLINE: Duration = Duration::from_secs(600);

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compile-crate")
}

/// Runs `cargo <args>` on the fixture crate, killing it at the deadline; returns its output.
fn cargo(args: &[&str], target_dir: &Path) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let (subcommand, rest) = args.split_first().expect("a cargo subcommand");
    let mut child = Command::new(cargo)
        .arg(subcommand)
        .arg("--manifest-path")
        .arg(fixture().join("Cargo.toml"))
        // Its Cargo.lock as committed: crates already in Cargo's cache need no network (the
        // workspace's own build fetched them), any other comes from crates.io.
        .arg("--locked")
        .args(rest)
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo starts");
    // Drain both pipes on threads so a chatty build cannot block on a full pipe.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("cargo can be waited for") {
            break Some(status);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = format!(
        "$ cargo {}\n{}{}",
        args.join(" "),
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default()
    );
    match status {
        Some(status) => (status.success(), text),
        None => (false, format!("{text}\n(killed after {DEADLINE:?})")),
    }
}

#[test]
fn generated_code_compiles_passes_its_tests_and_clippy() {
    let target_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("compile-crate");
    let (ok, output) = cargo(&["test"], &target_dir);
    assert!(ok, "the fixture crate's tests failed:\n{output}");
    assert!(output.contains("test result: ok. 9 passed"), "{output}");
    // tests/qtro_e2e.rs: generated Source and Replica over a real Host and Node.
    assert!(output.contains("test result: ok. 7 passed"), "{output}");
    // tests/rep_e2e.rs: the code compile_rep generated from rep/garage.rep, over a Host and Node.
    assert!(output.contains("test result: ok. 4 passed"), "{output}");
    let (ok, output) = cargo(
        &["clippy", "--all-targets", "--", "-D", "warnings"],
        &target_dir,
    );
    assert!(ok, "clippy found problems in generated code:\n{output}");
    rebuilds_exactly_when_an_input_changes(&target_dir);
}

/// The build script's directives, from `cargo build -vv` output (empty if it did not run).
fn directives(output: &str) -> Vec<String> {
    let mut found: Vec<String> = output
        .lines()
        .filter_map(|l| l.strip_prefix("[ifw-compile-fixture 0.0.0] cargo:rerun-if-changed="))
        .map(str::to_string)
        .collect();
    found.sort();
    found
}

fn touch(path: &Path) {
    let file = std::fs::File::options()
        .append(true)
        .open(path)
        .expect("fixture file opens");
    file.set_modified(std::time::SystemTime::now())
        .expect("mtime can be set");
}

fn rebuilds_exactly_when_an_input_changes(target_dir: &Path) {
    let build = || {
        let (ok, output) = cargo(&["build", "-vv"], target_dir);
        assert!(ok, "{output}");
        output
    };
    // The document is an input (and the build script's list of inputs is now current, whatever
    // state the target directory was in).
    touch(&fixture().join("idl/fixture.qface"));
    assert!(!directives(&build()).is_empty(), "the build script reruns");
    // The sidecar .yaml is an input: the build script runs again and names every file it read.
    touch(&fixture().join("idl/fixture.yaml"));
    let output = build();
    let idl = "../../../../idl";
    let expected = [
        format!("{idl}/climate.qface"),
        format!("{idl}/climate.yaml"),
        format!("{idl}/common.qface"),
        format!("{idl}/mediaplayer.qface"),
        "idl/fixture.qface".to_string(),
        "idl/fixture.yaml".to_string(),
        "rep/garage.rep".to_string(),
    ];
    assert_eq!(directives(&output), expected, "{output}");
    // A source file is not an input of the build script: the crate recompiles, the script does not
    // run.
    touch(&fixture().join("src/lib.rs"));
    let output = build();
    assert!(directives(&output).is_empty(), "{output}");
    assert!(output.contains("Compiling ifw-compile-fixture"), "{output}");
}
