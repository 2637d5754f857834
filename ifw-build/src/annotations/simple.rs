//! A fast path for the annotation lines nearly every file uses — `@key: value`,
//! `@key: { a: 1, b: "x" }`, `@key: [1, 2]`, `@flag` — read without the full YAML machinery.
//!
//! It accepts only a strict subset whose meaning is certain (one line; simple keys; plain scalars
//! made of letters, digits and `_ . + - /`; double-quoted strings without escapes) and resolves
//! scalars with the same YAML 1.1 rules as the full loader. Anything else returns `None` and goes
//! to [`super::yaml::load`]. A property test checks that both agree wherever this path answers.

use super::yaml::{Key, Map, Value, plain_scalar};

/// The value of `text` if it is one of the simple forms, else `None`.
pub(crate) fn load_simple(text: &str) -> Option<Value> {
    if text.contains([
        '\n', '\r', '\t', '#', '\'', '\\', '&', '*', '!', '|', '>', '%', '@', '`', '?',
    ]) {
        return None;
    }
    let mut p = Cursor {
        rest: text.trim_matches(' '),
    };
    if p.rest.is_empty() {
        return None;
    }
    let key_end = p.rest.find(':');
    let Some(key_end) = key_end else {
        // A lone plain scalar: `@singleton`.
        return block_plain(p.rest);
    };
    let key = plain_key(&p.rest[..key_end])?;
    p.rest = &p.rest[key_end + 1..];
    if p.rest.is_empty() {
        return Some(map_of(key, Value::Null));
    }
    p.rest = p.rest.strip_prefix(' ')?.trim_start_matches(' ');
    let value = match p.rest.as_bytes().first()? {
        b'{' => p.flow_map()?,
        b'[' => p.flow_seq()?,
        b'"' => p.quoted()?,
        _ => {
            let v = block_plain(p.rest)?;
            p.rest = "";
            v
        }
    };
    p.rest.is_empty().then(|| map_of(key, value))
}

fn map_of(key: String, value: Value) -> Value {
    let mut map = Map::with_capacity_and_hasher(1, Default::default());
    map.insert(Key::Str(key), value);
    Value::Map(map)
}

/// A mapping key that is a plain scalar resolving to a string.
fn plain_key(text: &str) -> Option<String> {
    let text = text.trim_end_matches(' ');
    if text.is_empty()
        || !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
    {
        return None;
    }
    if text.starts_with(['-', '.']) {
        return None;
    }
    match plain_scalar(text)? {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// A plain scalar in block context: words of safe characters separated by single spaces.
fn block_plain(text: &str) -> Option<Value> {
    if text.contains(':')
        || text.contains("  ")
        || text.starts_with(['-', '{', '[', '"', ',', ']', '}'])
    {
        return None;
    }
    if !text.bytes().all(|b| is_safe(b) || b == b' ') {
        return None;
    }
    plain_scalar(text)
}

fn is_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-' | b'/')
}

struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start_matches(' ');
    }

    fn eat(&mut self, c: char) -> Option<()> {
        self.rest = self.rest.strip_prefix(c)?;
        Some(())
    }

    /// `{ key: scalar, … }`, with `: ` after every key.
    fn flow_map(&mut self) -> Option<Value> {
        self.eat('{')?;
        self.skip_spaces();
        let mut map = Map::default();
        while !self.rest.starts_with('}') {
            let colon = self.rest.find(": ")?;
            let key = plain_key(&self.rest[..colon])?;
            self.rest = &self.rest[colon + 2..];
            self.skip_spaces();
            let value = self.flow_scalar()?;
            map.insert(Key::Str(key), value);
            self.skip_spaces();
            if self.eat(',').is_some() {
                self.skip_spaces();
            } else if !self.rest.starts_with('}') {
                return None;
            }
        }
        self.eat('}')?;
        self.skip_spaces();
        Some(Value::Map(map))
    }

    /// `[scalar, …]`
    fn flow_seq(&mut self) -> Option<Value> {
        self.eat('[')?;
        self.skip_spaces();
        let mut items = Vec::new();
        while !self.rest.starts_with(']') {
            items.push(self.flow_scalar()?);
            self.skip_spaces();
            if self.eat(',').is_some() {
                self.skip_spaces();
            } else if !self.rest.starts_with(']') {
                return None;
            }
        }
        self.eat(']')?;
        self.skip_spaces();
        Some(Value::Seq(items))
    }

    /// A plain scalar of safe characters (no spaces) or a double-quoted string without escapes.
    fn flow_scalar(&mut self) -> Option<Value> {
        if self.rest.starts_with('"') {
            return self.quoted();
        }
        let end = self
            .rest
            .find(|c: char| !c.is_ascii() || !is_safe(c as u8))
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        if word.is_empty() || word.starts_with('-') && word.len() == 1 {
            return None;
        }
        // What follows must end the scalar: a separator, a closing bracket, or spaces before one.
        if !rest.trim_start_matches(' ').starts_with([',', '}', ']']) {
            return None;
        }
        self.rest = rest;
        plain_scalar(word)
    }

    /// `"…"` without backslashes (they were ruled out up front).
    fn quoted(&mut self) -> Option<Value> {
        self.eat('"')?;
        let end = self.rest.find('"')?;
        let (text, rest) = self.rest.split_at(end);
        self.rest = &rest[1..];
        self.skip_spaces();
        Some(Value::Str(text.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::load;
    use super::*;
    use proptest::prelude::*;

    fn same(text: &str) {
        let fast = load_simple(text).map(|v| v.to_json());
        let full = load(text).ok().map(|v| v.to_json());
        assert!(fast.is_some(), "{text:?} should take the fast path");
        assert_eq!(fast, full, "{text:?}");
    }

    #[test]
    fn the_common_forms_take_the_fast_path_and_agree() {
        for text in [
            "config: { zoned: true }",
            "config_simulator: { minimum: 10., maximum: 30, default: -2 }",
            "config: {zoned: true, id: \"org.qt-project.Qt.Example/1.0\"}",
            "config_simulator: { domain: [\"a\", \"b\"] }"
                .replace("{ domain: ", "")
                .replace(" }", "")
                .as_str(),
            "config_simulator: [0, 1, 2]",
            "ipc-sync: true",
            "singleton",
            "description: member 3",
            "a: 1 // x",
            "d: 0x1F",
            "d: 017",
            "d: yes",
            "d: off",
            "d:",
            "d: 2001-12-14",
            "c: { a: 1, a: 2 }",
            "s: { default: 3 }",
            "x: { }",
        ] {
            same(text);
        }
    }

    #[test]
    fn anything_unusual_goes_to_the_full_loader() {
        for text in [
            "a: 1\nb: 2",
            "{ range:[0, 50] }",
            "config: { range:[0, 50] }",
            "a: 'x'",
            "a: \"x\\ty\"",
            "a: &x 1",
            "a: b: c",
            "a: [1, [2]]",
            "a: { b: { c: 1 } }",
            "<<: 1",
            "a: =",
            "1: a",
            "yes: 1",
            "a: x # comment",
            "a:b",
            "- 1",
        ] {
            assert_eq!(load_simple(text), None, "{text:?}");
        }
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z_][a-zA-Z0-9_-]{0,6}",
            "[-+]?[0-9_]{1,5}(\\.[0-9_]{0,3})?",
            "0x[0-9a-fA-F]{1,4}",
            "0[0-7]{1,3}",
            prop::sample::select(vec![
                "yes",
                "No",
                "ON",
                "off",
                "null",
                "~",
                ".inf",
                "-.Inf",
                ".nan",
                "y",
                "n",
                "1:20",
                "2001-12-14",
                "1e3",
                "1.5e+3",
                "10.",
                ".5",
                "-",
                "+",
                "."
            ])
            .prop_map(String::from),
        ]
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![word(), "[a-z ]{0,6}".prop_map(|s| format!("\"{s}\""))]
    }

    fn text() -> impl Strategy<Value = String> {
        let key = "[a-z_][a-z0-9_-]{0,5}";
        prop_oneof![
            (key, scalar()).prop_map(|(k, v)| format!("{k}: {v}")),
            (
                key,
                prop::collection::vec((key, scalar()), 0..4),
                any::<bool>()
            )
                .prop_map(|(k, entries, comma)| {
                    let body: Vec<String> =
                        entries.iter().map(|(a, b)| format!("{a}: {b}")).collect();
                    format!(
                        "{k}: {{ {}{} }}",
                        body.join(", "),
                        if comma && !entries.is_empty() {
                            ","
                        } else {
                            ""
                        }
                    )
                }),
            (key, prop::collection::vec(scalar(), 0..4))
                .prop_map(|(k, items)| format!("{k}: [{}]", items.join(", "))),
            (key, prop::collection::vec(word(), 1..4))
                .prop_map(|(k, words)| format!("{k}: {}", words.join(" "))),
            word(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Wherever the fast path answers, the full loader gives the same value.
        #[test]
        fn the_fast_path_agrees_with_the_full_loader(text in text()) {
            if let Some(fast) = load_simple(&text) {
                prop_assert_eq!(Some(fast.to_json()), load(&text).ok().map(|v| v.to_json()), "{:?}", text);
            }
        }
    }
}
