//! `.rep` emission against Qt Interface Framework's own generator: for each of the 61 corpus files
//! Qt's generator accepts, the `.rep` of every interface equals its golden
//! (`<corpus>/goldens/ifcodegen/`), comment and blank lines aside and with the struct `#include`
//! lines compared as a set (Qt's order is random); and the repc signature of what ifw emits equals
//! Debian repc 6.4.2's (`signatures.tsv`). The self-contained `.rep` of every interface parses too,
//! and the generated Rust of each module is exactly in prettyplease's layout.
//!
//! For the 16 corpus files Qt's generator refuses, ifw's documented behaviour: `map<T>` becomes
//! `QVariantMap` (so the 11 refused for a map are emitted, and their `.rep` parses), an
//! interface-typed member is refused with its position, and the two files that use an undefined
//! type are rejected by the front end (or the emitter) naming it.
//!
//! Run: `cargo test -p ifw-build --features conformance --test rep_emit -- ../shared/corpus`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ifw_build::Frontend;
use ifw_build::rep::{emit_interface, emit_self_contained, parse, rep_file_name, signature};

mod support;

fn main() -> ExitCode {
    let Some(corpus) = support::corpus_dir("rep emit") else {
        return ExitCode::FAILURE;
    };
    let goldens = corpus.join("goldens/ifcodegen");
    let signatures = read_signatures(&goldens.join("signatures.tsv"));
    if signatures.is_empty() {
        eprintln!("rep emit: no signatures under {}", goldens.display());
        return ExitCode::FAILURE;
    }
    let mut golden_dirs = Vec::new();
    collect_dirs(&goldens, &goldens, &mut golden_dirs);
    golden_dirs.sort();
    let rels: Vec<String> = golden_dirs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let (passed, failed) = support::run_cases("rep emit", &rels, |rel| {
        check(&corpus, &goldens, Path::new(rel), &signatures).map(|n| format!("{n} interfaces"))
    });
    let refused: Vec<String> = REFUSED_BY_QT.iter().map(|(r, _)| r.to_string()).collect();
    let (refused_passed, refused_failed) =
        support::run_cases("rep emit (refused by Qt)", &refused, |rel| {
            let expected = REFUSED_BY_QT
                .iter()
                .find(|(r, _)| r == rel)
                .map(|(_, e)| *e)
                .ok_or("no expectation")?;
            check_refused(&corpus, rel, expected)
        });
    if failed == 0 && passed == 61 && refused_failed == 0 && refused_passed == REFUSED_BY_QT.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Folders holding a `*_simulation_data.json` (one per accepted corpus file), relative to `root`.
fn collect_dirs(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_dirs(root, &path, out);
        } else if path.to_string_lossy().ends_with("_simulation_data.json")
            && let Ok(rel) = dir.strip_prefix(root)
        {
            out.push(rel.to_path_buf());
        }
    }
}

fn read_signatures(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let rep = cols.next()?;
            let _class = cols.next()?;
            Some((rep.to_string(), cols.next()?.to_string()))
        })
        .collect()
}

/// What ifw does where Qt's generator gives up.
#[derive(Clone, Copy)]
enum Refusal {
    /// A `map<T>`: ifw emits `QVariantMap`.
    Map,
    /// An interface-typed member: ifw refuses it too.
    Interface,
    /// A type that is defined nowhere: the front end or the emitter says which.
    Undefined(&'static str),
}

/// The corpus files Qt's generator refuses (goldens/ifcodegen/README.md) and ifw's behaviour.
const REFUSED_BY_QT: &[(&str, Refusal)] = &[
    (
        "Pelagicore+facelift/examples/AddressBook/interface/addressbook",
        Refusal::Interface,
    ),
    (
        "Pelagicore+facelift/examples/ModuleImport/interface/mainmodule",
        Refusal::Interface,
    ),
    (
        "Pelagicore+facelift/src/ipc/dbus/interfaces/facelift.ipc.dbus",
        Refusal::Map,
    ),
    (
        "Pelagicore+facelift/tests/asyncfunctions/interface/asyncfunctions",
        Refusal::Map,
    ),
    (
        "Pelagicore+facelift/tests/combined/interface/combined",
        Refusal::Interface,
    ),
    (
        "Pelagicore+facelift/tests/manual/interface/test",
        Refusal::Interface,
    ),
    (
        "Pelagicore+qface/tests/in/com.pelagicore.ivi.climate",
        Refusal::Undefined("AirflowDirections"),
    ),
    // Qt names its map first; it also has an interface-typed property, which ifw refuses.
    (
        "Pelagicore+qface/tests/in/com.pelagicore.ivi.tuner",
        Refusal::Interface,
    ),
    (
        "Pelagicore+qface/tests/in/com.pelagicore.test",
        Refusal::Undefined("Date"),
    ),
    (
        "idleroamer+goqface/_examples/AddressBook/AddressBook",
        Refusal::Map,
    ),
    (
        "idleroamer+goqface/tests/AddressBook/AddressBook",
        Refusal::Map,
    ),
    (
        "idleroamer+goqface/tests/Phone/dependency/AddressBook",
        Refusal::Map,
    ),
    (
        "idleroamer+goqface/tests/Phone/dependent/Phone",
        Refusal::Map,
    ),
    (
        "idleroamer+qfacedotnet/_examples/AddressBook/AddressBook",
        Refusal::Map,
    ),
    (
        "idleroamer+qfacedotnet/test/AddressBook/AddressBookTests",
        Refusal::Map,
    ),
    ("idleroamer+qfacedotnet/test/Phone/Phone", Refusal::Map),
];

/// Emits every interface of every module of a refused corpus file and checks ifw's behaviour.
fn check_refused(corpus: &Path, rel: &str, expected: Refusal) -> Result<String, String> {
    let qface = corpus.join("qface").join(format!("{rel}.qface"));
    let mut frontend = Frontend::new();
    if let Some(import) = import_path(rel) {
        frontend = frontend.import_path(qface.parent().unwrap_or(Path::new(".")).join(import));
    }
    let parsed = match (frontend.parse_files(&[&qface]), expected) {
        (Ok(parsed), _) => parsed,
        (Err(e), Refusal::Undefined(name)) if e.to_string().contains(name) => {
            return Ok(format!("front end: unknown `{name}`"));
        }
        (Err(e), _) => return Err(format!("does not parse:\n{e}")),
    };
    let (mut reps, mut maps, mut errors) = (0, 0, Vec::new());
    for module in parsed.system.modules.values() {
        for interface in module.interfaces.values() {
            let emitted =
                emit_interface(&parsed.system, module, interface, "x.qface").and_then(|t| {
                    Ok((
                        t,
                        emit_self_contained(&parsed.system, module, interface, "x.qface")?,
                    ))
                });
            match emitted {
                Ok((text, self_contained)) => {
                    for t in [&text, &self_contained] {
                        let file = parse(t)
                            .map_err(|e| format!("{}: does not parse: {e}\n{t}", interface.name))?;
                        file.class(&interface.name).ok_or("class missing")?;
                    }
                    reps += 1;
                    maps += usize::from(
                        text.contains("QVariantMap") || self_contained.contains("QVariantMap"),
                    );
                }
                Err(d) => errors.push(d.render()),
            }
        }
    }
    match expected {
        // A map as an operation's result leaves no trace: every operation returns `QVariant`.
        Refusal::Map if errors.is_empty() && reps > 0 => Ok(format!(
            "{reps} interfaces emitted, {maps} with a QVariantMap"
        )),
        Refusal::Interface
            if !errors.is_empty() && errors.iter().all(|e| e.contains("of type 'interface'")) =>
        {
            Ok(format!(
                "{} interfaces refused for an interface-typed member",
                errors.len()
            ))
        }
        Refusal::Undefined(name) if errors.iter().any(|e| e.contains(name)) => {
            Ok(format!("emitter: unknown `{name}`"))
        }
        _ => Err(format!(
            "{reps} emitted ({maps} with maps), errors:\n{}",
            errors.join("\n")
        )),
    }
}

/// The import paths the goldens were made with (goldens/ifcodegen/README.md).
fn import_path(rel: &str) -> Option<&'static str> {
    Some(match rel {
        r if r.ends_with("core/ifcodegen/include-test")
            || r.ends_with("core/ivigenerator/include-test") =>
        {
            "qface imports"
        }
        r if r.ends_with("test/Phone/Phone") => "../AddressBook",
        r if r.ends_with("tests/Phone/dependent/Phone") => "../dependency",
        r if r.ends_with("ModuleImport/interface/mainmodule") => "anothermodule.qface",
        r if r.ends_with("combined/interface/combined") => "other.qface",
        _ => return None,
    })
}

fn check(
    corpus: &Path,
    goldens: &Path,
    rel: &Path,
    signatures: &BTreeMap<String, String>,
) -> Result<usize, String> {
    let qface = corpus
        .join("qface")
        .join(format!("{}.qface", rel.display()));
    let mut frontend = Frontend::new();
    if let Some(import) = import_path(&rel.to_string_lossy()) {
        frontend = frontend.import_path(qface.parent().unwrap_or(Path::new(".")).join(import));
    }
    let golden_count = std::fs::read_dir(goldens.join(rel))
        .map_err(|e| e.to_string())?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rep"))
        .count();
    let parsed = match frontend.parse_files(&[&qface]) {
        Ok(parsed) => parsed,
        // Qt's generator made no interface of it because qface silently dropped them; ifw
        // rejects such a file (see the front end's conformance check).
        Err(_) if golden_count == 0 => return Ok(0),
        Err(e) => return Err(format!("does not parse:\n{e}")),
    };
    let file = parsed.system.files.first().cloned().ok_or("no file")?;
    let module = parsed.system.modules.values().find(|m| {
        parsed
            .system
            .files
            .get(m.origin.file())
            .is_some_and(|f| std::sync::Arc::ptr_eq(f, &file))
    });
    let Some(module) = module else { return Ok(0) };
    let expected_reps: Vec<PathBuf> = std::fs::read_dir(goldens.join(rel))
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rep"))
        .collect();
    if expected_reps.len() != module.interfaces.len() {
        return Err(format!(
            "{} golden .rep files, {} interfaces",
            expected_reps.len(),
            module.interfaces.len()
        ));
    }
    let source = qface
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for interface in module.interfaces.values() {
        let text =
            emit_interface(&parsed.system, module, interface, &source).map_err(|d| d.render())?;
        let name = rep_file_name(interface);
        let golden_path = goldens.join(rel).join(&name);
        let golden = std::fs::read_to_string(&golden_path)
            .map_err(|e| format!("{}: {e}", golden_path.display()))?;
        let (ours, theirs) = (normalize(&text), normalize(&golden));
        if ours != theirs {
            return Err(format!(
                "{name} differs:\n--- ifw\n{}\n--- Qt\n{}",
                ours.join("\n"),
                theirs.join("\n")
            ));
        }
        let file = parse(&text).map_err(|e| format!("{name}: ifw's .rep does not parse: {e}"))?;
        let class = file.class(&interface.name).ok_or("class missing")?;
        let key = format!("{}/{name}", rel.display());
        let expected = signatures
            .get(&key)
            .ok_or_else(|| format!("no signature row for {key}"))?;
        let actual = signature(class, &file);
        if &actual != expected {
            return Err(format!("{name}: signature {actual}, repc says {expected}"));
        }
        let self_contained = emit_self_contained(&parsed.system, module, interface, &source)
            .map_err(|d| d.render())?;
        let file = parse(&self_contained).map_err(|e| {
            format!("{name}: self-contained .rep does not parse: {e}\n{self_contained}")
        })?;
        file.class(&interface.name)
            .ok_or("class missing in the self-contained .rep")?;
    }
    // The Rust of the module is exactly in prettyplease's layout. (`org.qface.meta` uses types
    // it never defines: Qt's templates render their names, the Rust generator refuses them.)
    match ifw_build::codegen::generate(&parsed.system, module, &Default::default()) {
        Ok(rust) => support::prettyplease_layout(&rust)?,
        Err(e) if e.to_string().contains("unknown type `") => {}
        Err(e) => return Err(format!("no Rust: {e}")),
    }
    Ok(module.interfaces.len())
}

/// The lines that matter: no comments, no blank lines, trailing spaces kept; the struct includes
/// (every `#include` after the first) sorted.
fn normalize(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut includes: Vec<String> = Vec::new();
    let mut seen_first = false;
    for line in lines {
        if line.starts_with("#include") {
            if seen_first {
                includes.push(line.to_string());
            } else {
                seen_first = true;
                out.push(line.to_string());
            }
            continue;
        }
        if !includes.is_empty() {
            includes.sort();
            out.append(&mut includes);
        }
        out.push(line.to_string());
    }
    out
}
