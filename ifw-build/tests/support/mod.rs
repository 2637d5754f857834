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
