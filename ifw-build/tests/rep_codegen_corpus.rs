//! `compile_rep`'s generator over Qt Remote Objects' own `.rep` files (`shared/corpus/rep`):
//! every file repc 6.4.2 accepts (per the corpus's `signatures.tsv`) either generates Rust that
//! parses with syn, or is refused with a clear error at a `.rep` position (`<file>:line:col`).
//! A panic, an unpositioned error or unparsable output fails the check. Refusals are counted and
//! listed with their first line.
//!
//! Run: `cargo test -p ifw-build --features conformance --test rep_codegen_corpus -- ../shared`
//! (or set `IFW_SHARED`). Without a corpus it fails. The last line is
//! `rep codegen corpus: N files, G generated, R refused, F failed`. With `IFW_REP_OUT=<dir>`, the
//! generated files are also written there (`<n>.rs`, in the order listed), to compile them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ifw_build::codegen::{Options, generate_rep};

fn corpus_dir() -> Option<PathBuf> {
    let base = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("IFW_SHARED").map(PathBuf::from))?;
    Some(if base.join("corpus/rep").is_dir() {
        base.join("corpus/rep")
    } else if base.join("rep").is_dir() {
        base.join("rep")
    } else {
        base
    })
}

/// The files repc accepts: every path of `signatures.tsv` whose rows are not `ERROR`.
fn accepted(dir: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(dir.join("signatures.tsv"))
        .map_err(|e| format!("cannot read {}/signatures.tsv: {e}", dir.display()))?;
    let mut paths: Vec<String> = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [path, _, sha1] = cols[..] else {
            return Err(format!("malformed row {line:?}"));
        };
        if sha1.starts_with("ERROR") {
            continue;
        }
        if !paths.iter().any(|p| p == path) {
            paths.push(path.to_string());
        }
    }
    paths.sort();
    Ok(paths)
}

fn main() -> ExitCode {
    let Some(dir) = corpus_dir() else {
        eprintln!("no corpus: pass the shared folder as an argument or set IFW_SHARED");
        return ExitCode::FAILURE;
    };
    let paths = match accepted(&dir) {
        Ok(p) if !p.is_empty() => p,
        Ok(_) => {
            eprintln!("no files in {}/signatures.tsv", dir.display());
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let (mut generated, mut refused, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for rel in &paths {
        let path = dir.join(rel);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                failed.push(format!("{rel}: cannot read: {e}"));
                continue;
            }
        };
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let outcome = std::panic::catch_unwind(|| generate_rep(&path, &text, &Options::default()));
        match outcome {
            Err(_) => failed.push(format!("{rel}: the generator panicked")),
            Ok(Ok(rust)) => match syn::parse_file(&rust) {
                Ok(_) => {
                    if let Some(out) = std::env::var_os("IFW_REP_OUT") {
                        let file = Path::new(&out).join(format!("{}.rs", generated.len()));
                        if let Err(e) = std::fs::write(&file, &rust) {
                            failed.push(format!("{rel}: cannot write {}: {e}", file.display()));
                        }
                    }
                    generated.push(rel.clone());
                }
                Err(e) => failed.push(format!("{rel}: generated Rust does not parse: {e}")),
            },
            Ok(Err(e)) => {
                let message = e.to_string();
                let first = message.lines().next().unwrap_or_default().to_string();
                let positioned = message.lines().any(|l| {
                    l.trim_start()
                        .strip_prefix("--> ")
                        .is_some_and(|at| at.contains(&name) && at.matches(':').count() >= 2)
                });
                if positioned {
                    let at = message
                        .lines()
                        .find_map(|l| l.trim_start().strip_prefix("--> "))
                        .unwrap_or_default();
                    refused.push(format!("{rel}: {at}: {first}"));
                } else {
                    failed.push(format!("{rel}: refused without a position: {message}"));
                }
            }
        }
    }
    for g in &generated {
        println!("generated {g}");
    }
    for r in &refused {
        println!("refused   {r}");
    }
    for f in &failed {
        println!("FAIL      {f}");
    }
    println!(
        "rep codegen corpus: {} files, {} generated, {} refused, {} failed",
        paths.len(),
        generated.len(),
        refused.len(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
