//! Annotations: the YAML behind `@` lines and annotation files, and how they merge.
//!
//! The `@` lines before a symbol are joined and read as one YAML 1.1 document, as the reference
//! parser (PyYAML) reads them. A `<stem>.yaml` beside a `.qface` file is merged right after that
//! file; extra annotation files are merged after all files. Mappings merge recursively; anything
//! else replaces what was there.

mod simple;
pub(crate) mod yaml;

use std::fmt;
use std::sync::{Arc, OnceLock};

use yaml::{Key, Value};

/// The annotations of one symbol: usually a mapping (`{config: {zoned: true}}`), but the
/// reference allows any YAML value (`@singleton` is the string `"singleton"`).
#[derive(Debug, Clone, PartialEq)]
///
/// Identical annotation texts share one value (copy on write), so a file that repeats
/// `@config_simulator: { default: 0 }` on a thousand properties holds it once.
pub struct Tags(pub(crate) Arc<Value>);

impl Default for Tags {
    fn default() -> Self {
        static EMPTY: OnceLock<Arc<Value>> = OnceLock::new();
        Tags(
            EMPTY
                .get_or_init(|| Arc::new(Value::Map(Default::default())))
                .clone(),
        )
    }
}

impl Tags {
    /// The canonical JSON form (the reference oracle's `jsonable`).
    pub fn to_json(&self) -> serde_json::Value {
        self.0.to_json()
    }

    /// The value of annotation `tag`, as JSON (`tags.get("config")`).
    pub fn get(&self, tag: &str) -> Option<serde_json::Value> {
        match &*self.0 {
            Value::Map(map) => map.get(&Key::Str(tag.to_string())).map(Value::to_json),
            _ => None,
        }
    }

    /// `tags[tag][key]`, as JSON (`attribute("config", "zoned")`).
    pub fn attribute(&self, tag: &str, key: &str) -> Option<serde_json::Value> {
        match &*self.0 {
            Value::Map(map) => match map.get(&Key::Str(tag.to_string())) {
                Some(Value::Map(inner)) => {
                    inner.get(&Key::Str(key.to_string())).map(Value::to_json)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether there are no annotations.
    pub fn is_empty(&self) -> bool {
        matches!(&*self.0, Value::Map(m) if m.is_empty())
    }
}

/// Why annotation YAML was refused, with its position inside the YAML text (0-based).
#[derive(Debug, Clone)]
pub(crate) struct TagError {
    pub(crate) message: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads the joined `@` lines of one symbol (without their `@`), as the reference does: one YAML
/// document, then the check that no mapping key contains `:` (a missing space after a colon).
pub(crate) fn parse_tag_text(text: &str) -> Result<Tags, TagError> {
    if let Some(value) = simple::load_simple(text) {
        // The fast path yields only string keys without `:`: nothing for `validate_keys` to find.
        return Ok(Tags(Arc::new(value)));
    }
    let value = yaml::load(text).map_err(|e| TagError {
        message: format!("invalid YAML in annotation: {}", e.message),
        line: e.line,
        column: e.column,
    })?;
    validate_keys(&value, "").map_err(|message| TagError {
        message,
        line: 0,
        column: 0,
    })?;
    Ok(Tags(Arc::new(value)))
}

/// qface 2.0.14's check: a mapping key containing `:` is an error, and so is a key that is not a
/// string.
fn validate_keys(value: &Value, path: &str) -> Result<(), String> {
    match value {
        Value::Map(map) => {
            for (key, value) in map {
                match key {
                    Key::Str(k) if k.contains(':') => {
                        return Err(format!(
                            "annotation key `{path}{k}` contains `:`: is a space missing after the colon?"
                        ));
                    }
                    Key::Str(k) => validate_keys(value, &format!("{path}{k}."))?,
                    Key::Other(k) => {
                        return Err(format!("annotation key `{path}{k}` is not a string"));
                    }
                }
            }
            Ok(())
        }
        Value::Seq(items) => items.iter().try_for_each(|v| validate_keys(v, path)),
        _ => Ok(()),
    }
}

/// Merges `data` into `tags` as the reference's `merge(a, b)` does: for each key of `data`, two
/// mappings merge recursively; anything else replaces. Errors where the reference raises (tags
/// that are not a mapping, data that is not a mapping).
pub(crate) fn merge(tags: &mut Tags, data: &Value) -> Result<(), String> {
    merge_value(Arc::make_mut(&mut tags.0), data)
}

fn merge_value(a: &mut Value, b: &Value) -> Result<(), String> {
    let b = match b {
        Value::Map(b) => b,
        Value::Seq(items) if items.is_empty() => return Ok(()),
        Value::Str(s) if s.is_empty() => return Ok(()),
        other => {
            return Err(format!(
                "annotations must be a mapping of names to values, found {}",
                type_name(other)
            ));
        }
    };
    if b.is_empty() {
        return Ok(());
    }
    let Value::Map(a) = a else {
        return Err(format!(
            "the symbol's inline annotations are {}, not a mapping, so nothing can be merged into them",
            type_name(a)
        ));
    };
    for (key, value) in b {
        match (a.get_mut(key), value) {
            (Some(existing @ Value::Map(_)), Value::Map(_)) => merge_value(existing, value)?,
            _ => {
                a.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(())
}

/// Loads an annotation file's text: `None` when the reference skips it as empty.
pub(crate) fn load_annotation_file(text: &str) -> Result<Option<Vec<(String, Value)>>, TagError> {
    let value = yaml::load(text).map_err(|e| TagError {
        message: format!("invalid YAML: {}", e.message),
        line: e.line,
        column: e.column,
    })?;
    let map = match value {
        v if is_falsy(&v) => return Ok(None),
        Value::Map(map) => map,
        other => {
            return Err(TagError {
                message: format!(
                    "an annotation file maps symbol names to annotations, but this one holds {}",
                    type_name(&other)
                ),
                line: 0,
                column: 0,
            });
        }
    };
    Ok(Some(
        map.into_iter()
            .map(|(k, v)| match k {
                Key::Str(s) | Key::Other(s) => (s, v),
            })
            .collect(),
    ))
}

/// Python truthiness, for `if not meta`.
fn is_falsy(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Int(i) => *i == 0,
        Value::Float(f) => *f == 0.0,
        Value::Str(s) | Value::Timestamp(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::Seq(v) | Value::Set(v) => v.is_empty(),
        Value::Map(m) => m.is_empty(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Bytes(_) => "binary data",
        Value::Timestamp(_) => "a date",
        Value::Seq(_) | Value::Set(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}
