//! ifw's `.rep` files through Qt's own `repc` (built with `--features qt-interop`): for every
//! interface of every `.qface` in `idl/`, in both modes (Qt IF's text and self-contained), real
//! repc accepts the file, and the signature it writes into the generated replica
//! (`Q_CLASSINFO(QCLASSINFO_REMOTEOBJECT_SIGNATURE, "…")` in `class <Name>Replica`) equals the one
//! ifw's Rust repc computes. Self-contained replica headers also compile (`g++ -fsyntax-only`
//! against Qt 6 Remote Objects), so they are usable without Qt IF: checked on a module with every
//! kind of type (not on `idl/climate.qface`, whose zoned `status(string zone, …)` repeats the
//! `zone` argument the zoned mapping adds, in either mode — as Qt IF's generator would).
//!
//! Needs `libqt6remoteobjects6-bin` (repc), `qt6-remoteobjects-dev`, `g++` and `pkg-config`; the
//! Qt tool directory can be overridden with `QT_LIBEXEC` (default `/usr/lib/qt6/libexec`).

#![allow(clippy::panic, reason = "a failing test should fail loudly")]

use std::path::{Path, PathBuf};
use std::process::Command;

use ifw_build::Frontend;
use ifw_build::rep::{RepMode, emit_interface_in, parse, rep_file_name, signature};

/// A fresh directory under the temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ifw-repc-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn repc() -> PathBuf {
    PathBuf::from(std::env::var_os("QT_LIBEXEC").unwrap_or_else(|| "/usr/lib/qt6/libexec".into()))
        .join("repc")
}

/// Runs a command; its stdout, or a panic with its stderr.
fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (is Qt 6 installed?)"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The signature repc wrote into `class <class>Replica` of a generated replica header.
fn replica_signature(header: &str, class: &str) -> Option<String> {
    let start = header.find(&format!("class {class}Replica "))?;
    let rest = &header[start..];
    let line = rest
        .lines()
        .find(|l| l.contains("Q_CLASSINFO(QCLASSINFO_REMOTEOBJECT_SIGNATURE"))?;
    let quoted = line.split('"').nth(1)?;
    Some(quoted.to_string())
}

/// Every `.qface` of `idl/`, parsed together (climate imports common).
fn idl_system() -> ifw_build::Parsed {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../idl");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "qface"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "idl/ has its .qface files");
    Frontend::new()
        .parse_files(&files)
        .unwrap_or_else(|e| panic!("idl/ parses:\n{e}"))
}

/// Emits, runs repc on and compares every interface in `mode`; returns the replica headers.
fn check_mode(parsed: &ifw_build::Parsed, mode: RepMode, dir: &Path) -> Vec<PathBuf> {
    let mut headers = Vec::new();
    for module in parsed.system.modules.values() {
        for interface in module.interfaces.values() {
            let text = emit_interface_in(mode, &parsed.system, module, interface, "idl")
                .unwrap_or_else(|d| panic!("{mode:?} {}: {}", interface.name, d.render()));
            let file = parse(&text).unwrap_or_else(|e| panic!("ifw's repc: {e}\n{text}"));
            let class = file
                .class(&interface.name)
                .expect("the class is in the file");
            let ours = signature(class, &file);
            let rep = dir.join(rep_file_name(interface));
            std::fs::write(&rep, &text).expect("write .rep");
            let header = dir.join(format!("rep_{}_replica.h", interface.name.to_lowercase()));
            run(Command::new(repc())
                .arg("-i")
                .arg("rep")
                .arg("-o")
                .arg("replica")
                .arg(&rep)
                .arg(&header));
            let generated = std::fs::read_to_string(&header).expect("repc wrote the header");
            let theirs = replica_signature(&generated, &interface.name).unwrap_or_else(|| {
                panic!(
                    "no signature in repc's replica for {}:\n{generated}",
                    interface.name
                )
            });
            assert_eq!(
                ours, theirs,
                "{mode:?} {}: ifw's signature vs repc's\n{text}",
                interface.name
            );
            headers.push(header);
        }
    }
    assert!(!headers.is_empty(), "there are interfaces");
    headers
}

#[test]
fn qt_if_mode_signatures_equal_repc() {
    let dir = TempDir::new("qtif");
    check_mode(&idl_system(), RepMode::QtInterfaceFramework, &dir.0);
}

#[test]
fn self_contained_mode_signatures_equal_repc() {
    let dir = TempDir::new("self");
    check_mode(&idl_system(), RepMode::SelfContained, &dir.0);
}

/// A module using every kind of type, an imported module's among them.
const EVERY_TYPE: &str = r#"
module test.every 1.0
import test.base 1.0

enum Mode { Off, On = 5, Auto }
flag Direction { Up = 1, Down = 2, Side = 4 }
@config: { type: "Sides" }
flag Side { Left = 1, Right = 2 }
struct Inner { test.base.Unit unit; list<int> values; Mode mode }
struct Outer { Inner inner; map<real> weights; var extra; Direction direction; Side sides }

interface Every {
    Outer outer;
    readonly Mode mode;
    map<string> names;
    list<Inner> inners;
    Direction direction;
    test.base.Range range;
    Outer convert(Inner inner, map<int> m, Direction d);
    signal changed(Outer outer, Mode mode);
}

@config: { zoned: true }
interface Zoned {
    Inner inner;
    readonly map<int> counts;
    void reset(Mode mode);
    signal alarm(test.base.Unit unit);
}
"#;

const BASE: &str = r#"
module test.base 1.0
enum Unit { Celsius, Fahrenheit }
struct Range { real min; real max; Unit unit }
"#;

#[test]
fn self_contained_replicas_compile() {
    let dir = TempDir::new("compile");
    let every = dir.0.join("every.qface");
    let base = dir.0.join("base.qface");
    std::fs::write(&every, EVERY_TYPE).expect("write");
    std::fs::write(&base, BASE).expect("write");
    let parsed = Frontend::new()
        .import_path(&base)
        .parse_files(&[&every])
        .unwrap_or_else(|e| panic!("parses:\n{e}"));
    let headers = check_mode(&parsed, RepMode::SelfContained, &dir.0);
    assert_eq!(headers.len(), 2);
    let cflags = run(Command::new("pkg-config").args(["--cflags", "Qt6RemoteObjects"]));
    for header in headers {
        let cpp = header.with_extension("cpp");
        let name = header
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        std::fs::write(&cpp, format!("#include \"{name}\"\n")).expect("write .cpp");
        run(Command::new("g++")
            .args(["-std=c++17", "-fPIC", "-fsyntax-only"])
            .args(cflags.split_whitespace())
            .arg(&cpp));
    }
}
