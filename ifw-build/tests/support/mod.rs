//! Helpers shared by the front-end tests.
#![allow(dead_code, clippy::panic)]

use ifw_build::{Error, Frontend, Parsed, Severity};
use serde_json::Value;

/// Parses `text`; panics with the rendered diagnostics when it has errors.
pub(crate) fn parse(text: &str) -> Parsed {
    match Frontend::new().parse_str("test.qface", text) {
        Ok(parsed) => parsed,
        Err(e) => panic!("expected {text:?} to parse, got:\n{e}"),
    }
}

/// The canonical JSON of the first module of `text`.
pub(crate) fn module(text: &str) -> Value {
    let dump = ifw_build::model::json::dump(&parse(text).system);
    dump["modules"][0].clone()
}

/// The errors of `text` as (line, message); panics if it parses.
pub(crate) fn errors(text: &str) -> Vec<(usize, String)> {
    match Frontend::new().parse_str("test.qface", text) {
        Ok(_) => panic!("expected {text:?} to be rejected"),
        Err(Error::Diagnostics(d)) => d
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .map(|d| (d.line_col().map_or(0, |(l, _)| l), d.message().to_string()))
            .collect(),
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// The one error of `text`: its line and message.
pub(crate) fn error(text: &str) -> (usize, String) {
    let all = errors(text);
    assert_eq!(all.len(), 1, "expected one error, got {all:#?}");
    all.into_iter().next().unwrap_or_default()
}

/// The warnings of a text that parses.
pub(crate) fn warnings(text: &str) -> Vec<String> {
    parse(text)
        .diagnostics
        .iter()
        .map(|d| d.message().to_string())
        .collect()
}

/// The corpus folder for the checks that read `shared/corpus`: the first argument, else
/// `IFW_CORPUS`. `None` (after saying so on stderr) when neither is given.
pub(crate) fn corpus_dir(check: &str) -> Option<std::path::PathBuf> {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("IFW_CORPUS").map(std::path::PathBuf::from));
    if dir.is_none() {
        eprintln!(
            "{check}: no corpus given: pass the path of shared/corpus as an argument or in IFW_CORPUS"
        );
    }
    dir
}

/// Runs `check` on each case, prints `ok`/`FAIL` lines and the closing `<name>: N passed, M
/// failed` line; returns the two counts.
pub(crate) fn run_cases<T: std::fmt::Display>(
    name: &str,
    cases: &[T],
    mut check: impl FnMut(&T) -> Result<String, String>,
) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for case in cases {
        match check(case) {
            Ok(outcome) => {
                passed += 1;
                println!("ok    {case} ({outcome})");
            }
            Err(why) => {
                failed += 1;
                println!("FAIL  {case}\n      {}", why.replace('\n', "\n      "));
            }
        }
    }
    println!("{name}: {passed} passed, {failed} failed");
    (passed, failed)
}

/// `Err` with the first differing line unless the generated file (header comment aside) is
/// exactly what prettyplease prints for it: interface code is written in prettyplease's layout
/// rather than printed by it, and this is what keeps the two equal.
pub(crate) fn prettyplease_layout(text: &str) -> Result<(), String> {
    let body = text.split_once("\n\n").map_or(text, |(_, body)| body);
    let file = syn::parse_file(body).map_err(|e| format!("generated Rust does not parse: {e}"))?;
    let printed = prettyplease::unparse(&file);
    if printed == body {
        return Ok(());
    }
    let diff = printed
        .lines()
        .zip(body.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map_or_else(
            || "at the end".to_string(),
            |(i, (a, b))| format!("at line {}:\nprettyplease: {a}\ngenerated:    {b}", i + 1),
        );
    Err(format!(
        "the generated text is not prettyplease's layout; first difference {diff}"
    ))
}
