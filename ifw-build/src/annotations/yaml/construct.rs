//! Constructor: PyYAML's `SafeConstructor` (`yaml/constructor.py`) over the composed nodes:
//! merge keys, `!!set`, `!!omap`, `!!pairs`, Python dict keys.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::compose::{Node, NodeData};
use super::json::{json_string, py_float_repr};
use super::resolve::{
    TAG_BINARY, TAG_BOOL, TAG_FLOAT, TAG_INT, TAG_MAP, TAG_MERGE, TAG_NULL, TAG_OMAP, TAG_PAIRS,
    TAG_SEQ, TAG_SET, TAG_STR, TAG_TIMESTAMP, TAG_VALUE,
};
use super::scalars::{construct_binary, construct_float, construct_int};
use super::source::Source;
use super::timestamp::Timestamp;
use super::value::{Key, Map, Value, YamlError};

/// Deepest nesting constructed (Python's recursion limit stops PyYAML near 1000 levels).
const MAX_DEPTH: usize = 400;
/// Most values built, counting alias copies (guards against alias bombs).
const MAX_VALUES: usize = 1_000_000;

/// PyYAML's `SafeConstructor` over the composed nodes.
pub(super) struct Constructor<'a> {
    src: &'a Source,
    nodes: &'a [Node],
    in_progress: Vec<bool>,
    built: usize,
}

/// Identity of a merged key for `flatten_mapping`'s de-duplication, which compares
/// `id(key_node.value)`: distinct nodes have distinct strings, except that CPython shares the
/// empty string and one-character strings below U+0100.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum MergeIdentity {
    Shared(String),
    Node(usize),
}

/// Python dict key equality: `1 == 1.0 == True`, `0 == -0.0 == False`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum KeyIdentity {
    None,
    Int(i128),
    Float(u64),
    Str(String),
    Bytes(Vec<u8>),
    Timestamp(String),
}

impl<'a> Constructor<'a> {
    pub(super) fn new(src: &'a Source, nodes: &'a [Node]) -> Self {
        Constructor {
            src,
            nodes,
            in_progress: vec![false; nodes.len()],
            built: 0,
        }
    }

    fn node(&self, index: usize) -> Result<&'a Node, YamlError> {
        self.nodes
            .get(index)
            .ok_or_else(|| self.src.error(0, "internal error: missing node"))
    }

    fn error(&self, node: &Node, message: impl Into<String>) -> YamlError {
        self.src.error(node.start, message)
    }

    /// `construct_object`: dispatch on the node's tag.
    pub(super) fn construct(&mut self, index: usize, depth: usize) -> Result<Value, YamlError> {
        let node = self.node(index)?;
        if depth > MAX_DEPTH {
            return Err(self.error(node, "document nested too deeply"));
        }
        self.built += 1;
        if self.built > MAX_VALUES {
            return Err(self.error(node, "document too large (alias expansion)"));
        }
        if self.in_progress.get(index) == Some(&true) {
            return Err(self.error(node, "found unconstructable recursive node"));
        }
        if let Some(flag) = self.in_progress.get_mut(index) {
            *flag = true;
        }
        let value = self.construct_tagged(node, index, depth);
        if let Some(flag) = self.in_progress.get_mut(index) {
            *flag = false;
        }
        value
    }

    /// The constructors of scalar tags (`None` for other tags). Kept out of the recursive
    /// path so that deep documents need less stack.
    #[inline(never)]
    fn construct_scalar_tag(&self, node: &Node, depth: usize) -> Option<Result<Value, YamlError>> {
        let result = match node.tag.as_str() {
            TAG_NULL => self.scalar_text(node, depth).map(|_| Value::Null),
            TAG_BOOL => {
                self.scalar_text(node, depth)
                    .and_then(|text| match text.to_lowercase().as_str() {
                        "yes" | "true" | "on" => Ok(Value::Bool(true)),
                        "no" | "false" | "off" => Ok(Value::Bool(false)),
                        _ => Err(self.error(node, format!("invalid boolean value {text:?}"))),
                    })
            }
            TAG_INT => self.scalar_text(node, depth).and_then(|text| {
                construct_int(&text)
                    .map(Value::Int)
                    .map_err(|m| self.error(node, m))
            }),
            TAG_FLOAT => self.scalar_text(node, depth).and_then(|text| {
                construct_float(&text)
                    .map(Value::Float)
                    .map_err(|m| self.error(node, m))
            }),
            TAG_BINARY => self.scalar_text(node, depth).and_then(|text| {
                construct_binary(&text)
                    .map(Value::Bytes)
                    .map_err(|m| self.error(node, m))
            }),
            TAG_TIMESTAMP => self.scalar_text(node, depth).and_then(|text| {
                let parsed = Timestamp::parse(&text, false).or_else(|| {
                    text.strip_suffix('\n')
                        .and_then(|t| Timestamp::parse(t, false))
                });
                let stamp = parsed
                    .ok_or_else(|| self.error(node, format!("invalid timestamp {text:?}")))?;
                stamp
                    .isoformat()
                    .map(Value::Timestamp)
                    .map_err(|m| self.error(node, m))
            }),
            TAG_STR => self.scalar_text(node, depth).map(Value::Str),
            _ => return None,
        };
        Some(result)
    }

    fn construct_tagged(
        &mut self,
        node: &'a Node,
        index: usize,
        depth: usize,
    ) -> Result<Value, YamlError> {
        if let Some(value) = self.construct_scalar_tag(node, depth) {
            return value;
        }
        match node.tag.as_str() {
            TAG_SEQ => match &node.data {
                NodeData::Seq(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for &item in items {
                        out.push(self.construct(item, depth + 1)?);
                    }
                    Ok(Value::Seq(out))
                }
                other => Err(self.error(
                    node,
                    format!("expected a sequence node, but found {}", other.kind()),
                )),
            },
            TAG_MAP => {
                let entries = self.construct_mapping(node, index, depth)?;
                let mut map = Map::with_capacity_and_hasher(entries.len(), Default::default());
                for (key, value) in entries.into_values() {
                    map.insert(to_key(&key), value);
                }
                Ok(Value::Map(map))
            }
            TAG_SET => {
                let entries = self.construct_mapping(node, index, depth)?;
                Ok(Value::Set(
                    entries.into_values().map(|(key, _)| key).collect(),
                ))
            }
            TAG_OMAP | TAG_PAIRS => self.construct_pairs(node, depth),
            tag => Err(self.error(
                node,
                format!("could not determine a constructor for the tag '{tag}'"),
            )),
        }
    }

    /// `SafeConstructor.construct_scalar`: a scalar's text, or for a mapping the text of the
    /// value under a `=` (value) key.
    fn scalar_text(&self, node: &Node, depth: usize) -> Result<String, YamlError> {
        if depth > MAX_DEPTH {
            return Err(self.error(node, "document nested too deeply"));
        }
        match &node.data {
            NodeData::Scalar(text) => Ok(text.clone()),
            NodeData::Map(pairs) => {
                for &(key, value) in pairs {
                    if self.node(key)?.tag == TAG_VALUE {
                        return self.scalar_text(self.node(value)?, depth + 1);
                    }
                }
                Err(self.error(node, "expected a scalar node, but found mapping"))
            }
            NodeData::Seq(_) => Err(self.error(node, "expected a scalar node, but found sequence")),
        }
    }

    /// `flatten_mapping`: the pairs of a mapping with `<<` merges resolved. Merged pairs come
    /// first, de-duplicated by `id(key_node.value)`; the mapping's own pairs follow.
    fn flatten(&self, index: usize, depth: usize) -> Result<Vec<(usize, usize)>, YamlError> {
        let node = self.node(index)?;
        if depth > MAX_DEPTH {
            return Err(self.error(node, "document nested too deeply"));
        }
        let NodeData::Map(pairs) = &node.data else {
            return Err(self.error(
                node,
                format!("expected a mapping node, but found {}", node.data.kind()),
            ));
        };
        let mut merged = Vec::new();
        let mut seen = HashSet::new();
        let mut own = Vec::new();
        for &(key, value) in pairs {
            if self.node(key)?.tag != TAG_MERGE {
                own.push((key, value));
                continue;
            }
            let value_node = self.node(value)?;
            let sources: Vec<usize> = match &value_node.data {
                NodeData::Map(_) => vec![value],
                NodeData::Seq(items) => {
                    for &item in items {
                        let item_node = self.node(item)?;
                        if !matches!(item_node.data, NodeData::Map(_)) {
                            return Err(self.error(
                                item_node,
                                format!(
                                    "while constructing a mapping: expected a mapping for merging, but found {}",
                                    item_node.data.kind()
                                ),
                            ));
                        }
                    }
                    items.clone()
                }
                NodeData::Scalar(_) => {
                    return Err(self.error(
                        value_node,
                        "while constructing a mapping: expected a mapping or list of mappings for merging, but found scalar",
                    ));
                }
            };
            for source in sources {
                for pair in self.flatten(source, depth + 1)? {
                    if seen.insert(self.merge_identity(pair.0)?) {
                        merged.push(pair);
                    }
                }
            }
        }
        merged.extend(own);
        Ok(merged)
    }

    fn merge_identity(&self, key: usize) -> Result<MergeIdentity, YamlError> {
        if let NodeData::Scalar(text) = &self.node(key)?.data {
            let mut chars = text.chars();
            let shared = match (chars.next(), chars.next()) {
                (None, _) => true,
                (Some(c), None) => u32::from(c) < 0x100,
                _ => false,
            };
            if shared {
                return Ok(MergeIdentity::Shared(text.clone()));
            }
        }
        Ok(MergeIdentity::Node(key))
    }

    /// `construct_mapping`: a Python dict (first position, last value per equal key).
    fn construct_mapping(
        &mut self,
        node: &Node,
        index: usize,
        depth: usize,
    ) -> Result<IndexMap<KeyIdentity, (Value, Value)>, YamlError> {
        if !matches!(node.data, NodeData::Map(_)) {
            return Err(self.error(
                node,
                format!("expected a mapping node, but found {}", node.data.kind()),
            ));
        }
        let pairs = self.flatten(index, depth)?;
        let mut entries: IndexMap<KeyIdentity, (Value, Value)> =
            IndexMap::with_capacity(pairs.len());
        for (key, value) in pairs {
            let key_node = self.node(key)?;
            // flatten_mapping retags `=` keys as str.
            let key_value = if key_node.tag == TAG_VALUE {
                Value::Str(self.scalar_text(key_node, depth + 1)?)
            } else {
                self.construct(key, depth + 1)?
            };
            let Some(identity) = key_identity(&key_value) else {
                return Err(self.error(
                    key_node,
                    "while constructing a mapping: found unhashable key",
                ));
            };
            let value = self.construct(value, depth + 1)?;
            match entries.get_mut(&identity) {
                Some(entry) => entry.1 = value,
                None => {
                    entries.insert(identity, (key_value, value));
                }
            }
        }
        Ok(entries)
    }

    /// `construct_yaml_omap` / `construct_yaml_pairs`: a list of `[key, value]`.
    fn construct_pairs(&mut self, node: &Node, depth: usize) -> Result<Value, YamlError> {
        let what = if node.tag == TAG_OMAP {
            "an ordered map"
        } else {
            "pairs"
        };
        let NodeData::Seq(items) = &node.data else {
            return Err(self.error(
                node,
                format!(
                    "while constructing {what}: expected a sequence, but found {}",
                    node.data.kind()
                ),
            ));
        };
        let mut out = Vec::with_capacity(items.len());
        for &item in items {
            let item_node = self.node(item)?;
            let NodeData::Map(pairs) = &item_node.data else {
                return Err(self.error(
                    item_node,
                    format!(
                        "while constructing {what}: expected a mapping of length 1, but found {}",
                        item_node.data.kind()
                    ),
                ));
            };
            let [(key, value)] = pairs.as_slice() else {
                return Err(self.error(
                    item_node,
                    format!(
                        "while constructing {what}: expected a single mapping item, but found {} items",
                        pairs.len()
                    ),
                ));
            };
            let key = self.construct(*key, depth + 1)?;
            let value = self.construct(*value, depth + 1)?;
            out.push(Value::Seq(vec![key, value]));
        }
        Ok(Value::Seq(out))
    }
}

/// Python equality class of a hashable key; `None` when the value is unhashable.
fn key_identity(value: &Value) -> Option<KeyIdentity> {
    Some(match value {
        Value::Null => KeyIdentity::None,
        Value::Bool(b) => KeyIdentity::Int(i128::from(*b)),
        Value::Int(i) => KeyIdentity::Int(*i),
        Value::Float(f) => float_identity(*f),
        Value::Str(s) => KeyIdentity::Str(s.clone()),
        Value::Bytes(b) => KeyIdentity::Bytes(b.clone()),
        Value::Timestamp(t) => KeyIdentity::Timestamp(t.clone()),
        Value::Seq(_) | Value::Set(_) | Value::Map(_) => return None,
    })
}

fn float_identity(f: f64) -> KeyIdentity {
    // Integral floats equal the int of the same value; every NaN from `.nan` is one object.
    if f.is_nan() {
        return KeyIdentity::Float(f64::NAN.to_bits());
    }
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1.7e38 {
        return KeyIdentity::Int(f as i128);
    }
    KeyIdentity::Float(f.to_bits())
}

/// A dict key as `Key`: strings stay strings, anything else becomes its JSON text.
fn to_key(value: &Value) -> Key {
    let text = match value {
        Value::Str(s) => return Key::Str(s.clone()),
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => py_float_repr(*f),
        other => match other.to_json() {
            serde_json::Value::String(s) => json_string(&s),
            json => json.to_string(),
        },
    };
    Key::Other(text)
}
