//! A YAML 1.1 loader that yields the values PyYAML's `CSafeLoader` (libyaml 0.2.5 plus
//! `SafeConstructor`, PyYAML 6.0.4) builds, for annotation text and `.yaml` sidecar files.
//!
//! The pipeline:
//!
//! 1. `check_printable`: libyaml's reader rejects control characters anywhere in the input.
//! 2. `parse_events`: `saphyr-parser` (a YAML 1.2 event parser) does the tokenizing. Where it
//!    rejects or splits differently what libyaml accepts (`key:\tvalue`, flow lines at column
//!    0, `[-, a]`, `{?a: 1}`, `&anchor:`), the text gets value-preserving edits (with a map
//!    back to input positions) and is parsed again.
//! 3. `lint`: closes the gaps where saphyr accepts text that libyaml rejects (`{a:[1]}`,
//!    tabs after block indicators, anchor names, `%YAML` versions, ...).
//! 4. `compose`: PyYAML's composer: one document, anchors and aliases, tag resolution with
//!    the YAML 1.1 implicit resolvers of `yaml/resolver.py`.
//! 5. `Constructor`: `SafeConstructor` of `yaml/constructor.py`: merge keys, `!!set`,
//!    `!!omap`, `!!binary`, timestamps, Python `int()`/`float()` semantics, Python dict keys.
//!
//! One module per stage: `source` (1), `events` (2), `lint` (3), `compose` and `resolve` (4),
//! `construct` with `scalars` and `timestamp` (5); `value` holds the types built and `json`
//! their JSON form.

mod compose;
mod construct;
mod events;
mod json;
mod lint;
mod resolve;
mod scalars;
mod source;
#[cfg(test)]
mod tests;
mod timestamp;
mod value;

pub(crate) use scalars::plain_scalar;
pub(crate) use value::{Key, Map, Value, YamlError};

use compose::compose;
use construct::Constructor;
use events::parse_events;
use lint::lint;
use source::{Source, check_printable};

/// Loads one YAML document (a stream with zero documents → Ok(Value::Null), as yaml.load
/// returns None; more than one document → error like PyYAML's "expected a single document").
pub(crate) fn load(text: &str) -> Result<Value, YamlError> {
    let src = Source::new(text);
    check_printable(&src)?;
    let events = parse_events(&src);
    let saphyr_error = events.error.clone();
    let limit = saphyr_error
        .as_ref()
        .map_or(usize::MAX, |(index, _)| *index);
    // libyaml stops at the first error in the text: whichever comes first.
    match (lint(&src, &events.list, limit), saphyr_error) {
        (Some((a, err)), Some((b, _))) if a <= b => return Err(err),
        (_, Some((_, err))) | (Some((_, err)), None) => return Err(err),
        (None, None) => {}
    }
    match compose(&src, &events.list)? {
        None => Ok(Value::Null),
        Some((nodes, root)) => Constructor::new(&src, &nodes).construct(root, 0),
    }
}
