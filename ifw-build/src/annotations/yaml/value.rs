//! The values the loader builds (PyYAML's Python types) and its error.

use indexmap::IndexMap;

/// A YAML value as PyYAML's SafeLoader builds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `None`: `~`, `null`, an empty plain scalar, `!!null`.
    Null,
    /// `bool`: `yes`/`no`/`on`/`off`/`true`/`false` in their three spellings, `!!bool`.
    Bool(bool),
    /// `int`: decimal, `0b…`, octal `0…`, `0x…`, sexagesimal `1:20`. Beyond `i128` is an error.
    Int(i128),
    /// `float`: `1.`, `.5`, `1.e+3`, `.inf`, `.nan`, sexagesimal `1:20.5`, `!!float`.
    Float(f64),
    /// `str`: quoted, block and unresolved plain scalars, `!!str`.
    Str(String),
    /// `bytes` from `!!binary`.
    Bytes(Vec<u8>),
    /// `datetime.date` / `datetime.datetime` as Python's `isoformat()` prints it.
    Timestamp(String),
    /// `list`; `!!omap` and `!!pairs` are lists of two-element lists here.
    Seq(Vec<Value>),
    /// `set` from `!!set`, elements in document order.
    Set(Vec<Value>),
    /// `dict`.
    Map(Map),
}

/// Mapping keys: PyYAML allows any hashable key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    /// A string key.
    Str(String),
    /// A non-string key, as its JSON text (jsonable(): `1`, `true`, `null`, `1.5`).
    Other(String),
}

/// A YAML mapping: duplicate keys keep their first position and their last value (Python dict).
pub(crate) type Map = IndexMap<Key, Value, foldhash::fast::FixedState>;

/// Why a YAML text did not load, and where (0-based, relative to the loaded text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (line {}, column {})", .line + 1, .column + 1)]
pub(crate) struct YamlError {
    /// What went wrong, in PyYAML's words where practical.
    pub(crate) message: String,
    /// 0-based line in the input text.
    pub(crate) line: usize,
    /// 0-based column (in characters) in the input text.
    pub(crate) column: usize,
}
