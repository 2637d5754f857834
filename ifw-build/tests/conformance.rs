//! Conformance with the reference QFace parser on the real-world corpus.
//!
//! For every `.qface` file under `<corpus>/qface` and `<corpus>/qface-history`, the reference
//! parser's result is in `<corpus>/goldens/<same path>.json`:
//! - the reference accepted with no diagnostic keys → our `dump` must be the same JSON;
//! - the reference reported an error → we must reject, with an error on the same line;
//! - the reference accepted only by dropping or skipping input (`ignored_tail`, `lexer_errors`,
//!   `annotation_errors`, `tag_errors`) → we must reject.
//!
//! Run: `cargo test -p ifw-build --features conformance --test conformance -- ../shared/corpus`
//! (or set `IFW_CORPUS`). Without a corpus it fails: it never passes empty.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ifw_build::{Error, Frontend};

mod support;
use serde_json::Value;

const DIAGNOSTIC_KEYS: [&str; 4] = [
    "ignored_tail",
    "lexer_errors",
    "annotation_errors",
    "tag_errors",
];

fn main() -> ExitCode {
    let Some(corpus) = support::corpus_dir("conformance") else {
        return ExitCode::FAILURE;
    };
    let mut files = Vec::new();
    for set in ["qface", "qface-history"] {
        collect(&corpus.join(set), &mut files);
    }
    files.sort();
    if files.is_empty() {
        eprintln!("conformance: no .qface files under {}", corpus.display());
        return ExitCode::FAILURE;
    }
    let rels: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&corpus).unwrap_or(f).display().to_string())
        .collect();
    let (_, failed) = support::run_cases("conformance", &rels, |rel| {
        check(&corpus, Path::new(rel), &corpus.join(rel)).map(str::to_string)
    });
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "qface") {
            out.push(path);
        }
    }
}

fn check(corpus: &Path, rel: &Path, file: &Path) -> Result<&'static str, String> {
    let golden_path = corpus.join("goldens").join(rel).with_extension("json");
    let golden: Value = std::fs::read_to_string(&golden_path)
        .map_err(|e| format!("cannot read golden {}: {e}", golden_path.display()))
        .and_then(|t| serde_json::from_str(&t).map_err(|e| format!("bad golden: {e}")))?;
    let result = Frontend::new().parse_files(&[file]);
    if let Some(error) = golden.get("error") {
        let line = error.get("line").and_then(Value::as_u64);
        return match result {
            Ok(_) => Err(format!(
                "the reference rejects this file ({error}); ifw accepted it"
            )),
            Err(Error::Diagnostics(d)) => {
                let lines: Vec<usize> = d
                    .iter()
                    .filter_map(|x| x.line_col())
                    .map(|(l, _)| l)
                    .collect();
                match line {
                    Some(line) if !lines.contains(&(line as usize)) => Err(format!(
                        "rejected, but not at the reference's line {line} (ifw's errors are on lines {lines:?}):\n{d}"
                    )),
                    _ => Ok("rejected, as the reference"),
                }
            }
            Err(e) => Err(format!("unexpected error: {e}")),
        };
    }
    if let Some(key) = DIAGNOSTIC_KEYS.iter().find(|k| golden.get(**k).is_some()) {
        return match result {
            Ok(_) => Err(format!(
                "the reference accepted this file only with `{key}`; ifw must reject it"
            )),
            Err(_) => Ok("rejected: the reference dropped or skipped input"),
        };
    }
    let parsed =
        result.map_err(|e| format!("the reference accepts this file; ifw rejected it:\n{e}"))?;
    let actual = ifw_build::model::json::dump(&parsed.system);
    let mut diffs = Vec::new();
    diff(&golden, &actual, "", &mut diffs);
    if diffs.is_empty() {
        Ok("same model as the reference")
    } else {
        diffs.truncate(20);
        Err(format!(
            "model differs from the reference:\n{}",
            diffs.join("\n")
        ))
    }
}

/// A structural diff in the manner of `shared/oracle/compare.py`: integers and floats are
/// different types; numbers compare by value.
fn diff(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => diff(x, y, &format!("{path}/{key}"), out),
                    (Some(_), None) => out.push(format!("{path}/{key}: missing in ifw's dump")),
                    (None, _) => out.push(format!("{path}/{key}: not in the reference's dump")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "{path}: {} items expected, {} found",
                    a.len(),
                    b.len()
                ));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let label = x
                    .get("name")
                    .and_then(Value::as_str)
                    .map_or(i.to_string(), str::to_string);
                diff(x, y, &format!("{path}/{label}"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let (sa, sb) = (a.to_string(), b.to_string());
            let is_float = |s: &str| s.contains(['.', 'e', 'E']);
            let same = match (is_float(&sa), is_float(&sb)) {
                (false, false) => sa == sb,
                (true, true) => sa.parse::<f64>().ok() == sb.parse::<f64>().ok(),
                _ => false,
            };
            if !same {
                out.push(format!("{path}: expected {sa}, found {sb}"));
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: expected {a}, found {b}")),
    }
}
