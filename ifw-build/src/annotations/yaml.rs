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

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

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

// ---------------------------------------------------------------------------------------------
// Source text and positions
// ---------------------------------------------------------------------------------------------

/// The input as characters (saphyr's marks count characters), with line starts for positions.
struct Source {
    chars: Vec<char>,
    line_starts: Vec<usize>,
}

impl Source {
    fn new(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut line_starts = vec![0];
        for (i, &c) in chars.iter().enumerate() {
            let crlf = c == '\r' && chars.get(i + 1) == Some(&'\n');
            // libyaml also breaks lines at NEL, LS and PS (YAML 1.1).
            if matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}') && !crlf {
                line_starts.push(i + 1);
            }
        }
        Source { chars, line_starts }
    }

    fn at(&self, index: usize) -> Option<char> {
        self.chars.get(index).copied()
    }

    /// 0-based (line, column) of a character index.
    fn position(&self, index: usize) -> (usize, usize) {
        let line = self
            .line_starts
            .partition_point(|&start| start <= index)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        (line, index.saturating_sub(start))
    }

    fn column(&self, index: usize) -> usize {
        self.position(index).1
    }

    fn error(&self, index: usize, message: impl Into<String>) -> YamlError {
        let (line, column) = self.position(index);
        YamlError {
            message: message.into(),
            line,
            column,
        }
    }

    /// An error with its character index (to pick the first of several).
    fn fail(&self, index: usize, message: impl Into<String>) -> Located {
        (index, self.error(index, message))
    }
}

/// An error and the character index it points at.
type Located = (usize, YamlError);

/// libyaml's reader accepts only printable characters (reader.c `yaml_parser_update_buffer`)
/// and checks the whole buffer before the scanner sees a token.
fn check_printable(src: &Source) -> Result<(), YamlError> {
    let printable = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}')
            || matches!(c, '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
    };
    match src.chars.iter().position(|&c| !printable(c)) {
        None => Ok(()),
        Some(index) => {
            let code = src.at(index).map_or(0, u32::from);
            Err(src.error(
                index,
                format!("unacceptable character #x{code:04x}: control characters are not allowed"),
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Events (saphyr-parser)
// ---------------------------------------------------------------------------------------------

/// A parser event, owned, with the fields this module needs.
#[derive(Debug, Clone, PartialEq)]
enum Ev {
    StreamStart,
    StreamEnd,
    DocStart,
    DocEnd,
    Alias(usize),
    Scalar {
        value: String,
        style: Style,
        anchor: usize,
        tag: Option<String>,
    },
    SeqStart {
        anchor: usize,
        tag: Option<String>,
    },
    SeqEnd,
    MapStart {
        anchor: usize,
        tag: Option<String>,
    },
    MapEnd,
}

/// Scalar styles that matter for resolution and the libyaml checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Quoted,
    Block,
}

/// An event with its span as character indices `[start, end)`.
#[derive(Debug, Clone)]
struct Spanned {
    ev: Ev,
    start: usize,
    end: usize,
}

/// The events up to the end of the first document (plus the next document start, if any), and
/// saphyr's error with its character index, if it stopped on one.
struct Events {
    list: Vec<Spanned>,
    error: Option<(usize, YamlError)>,
}

/// The text saphyr parses: the input with a few value-preserving edits, and for each of its
/// characters the index of the input character it comes from.
struct Patched {
    chars: Vec<char>,
    origin: Vec<usize>,
    /// Spaces inserted so far per line start (input index), for doubling.
    inserted: HashMap<usize, usize>,
    /// Input indices of `-` replaced by [`DASH_STAND_IN`].
    dashes: Vec<usize>,
}

/// Stands in for a lone `-` before a flow indicator (`[-, a]`), which libyaml reads as the
/// plain scalar "-" and saphyr rejects; scalars get their `-` back after parsing.
const DASH_STAND_IN: char = '\u{E000}';

/// Most spaces inserted in front of one line before giving up.
const MAX_INSERTED: usize = 256;

impl Patched {
    fn new(src: &Source) -> Self {
        // libyaml reads NEL as a line break (and puts `\n` in content); YAML 1.2 does not.
        let chars = src
            .chars
            .iter()
            .map(|&c| if c == '\u{85}' { '\n' } else { c })
            .collect::<Vec<_>>();
        let origin = (0..=chars.len()).collect();
        Patched {
            chars,
            origin,
            inserted: HashMap::new(),
            dashes: Vec::new(),
        }
    }

    fn origin(&self, index: usize) -> usize {
        self.origin
            .get(index)
            .or(self.origin.last())
            .copied()
            .unwrap_or(0)
    }

    /// Inserts spaces at the start of the line holding patched index `at` (doubling the count
    /// each time the same line comes back). False when the line cannot or should not move.
    fn indent_line(&mut self, at: usize) -> bool {
        let mut start = at.min(self.chars.len());
        while start > 0 && !matches!(self.chars.get(start - 1), Some('\n' | '\r')) {
            start -= 1;
        }
        let rest: String = self.chars.iter().skip(start).take(4).collect();
        if rest.starts_with("---") || rest.starts_with("...") {
            return false;
        }
        let line = self.origin(start);
        let done = self.inserted.get(&line).copied().unwrap_or(0);
        if done >= MAX_INSERTED {
            return false;
        }
        let count = done.max(1);
        self.inserted.insert(line, done + count);
        let origin = self.origin(start);
        self.chars
            .splice(start..start, std::iter::repeat_n(' ', count));
        self.origin
            .splice(start..start, std::iter::repeat_n(origin, count));
        true
    }

    /// Inserts one space at patched index `at`.
    fn insert_space(&mut self, at: usize) -> bool {
        if at > self.chars.len() {
            return false;
        }
        let origin = self.origin(at);
        self.chars.insert(at, ' ');
        self.origin.insert(at, origin);
        true
    }

    /// The patched index of input character `index`.
    fn patched_index(&self, index: usize) -> usize {
        self.origin
            .partition_point(|&o| o <= index)
            .saturating_sub(1)
    }

    /// `*name:`: libyaml ends an alias name at `:` (and `?%@` and backquote), YAML 1.2 does not.
    fn split_alias(&mut self, at: usize) -> bool {
        if self.chars.get(at) != Some(&'*') {
            return false;
        }
        let mut i = at + 1;
        while let Some(&c) = self.chars.get(i) {
            if is_blank_or_break(c) || is_flow_indicator(c) {
                break;
            }
            if is_anchor_terminator(c) {
                return i > at + 1 && self.insert_space(i);
            }
            i += 1;
        }
        false
    }

    /// `[-, a]`: replaces the `-` at `index` by a stand-in character.
    fn stand_in_dash(&mut self, index: usize) -> bool {
        match self.chars.get_mut(index) {
            Some(c @ '-') => {
                *c = DASH_STAND_IN;
                let origin = self.origin(index);
                self.dashes.push(origin);
                true
            }
            _ => false,
        }
    }

    /// `[a, ?]`: in flow context libyaml takes `?` before `,`/`]`/`}` as an empty explicit
    /// key; a space after it makes saphyr agree.
    fn split_question(&mut self, index: usize) -> bool {
        for at in [index.checked_sub(1), Some(index)].into_iter().flatten() {
            let next = self.chars.get(at + 1).copied();
            if self.chars.get(at) == Some(&'?') && matches!(next, Some(',' | ']' | '}')) {
                return self.insert_space(at + 1);
            }
        }
        false
    }

    /// `&name:` or `*name:` between the last parsed event (`from`) and the error (libyaml ends
    /// the name at `:`, `?`, `%`, `@` or a backquote): inserts a space there. Only for a
    /// property right after a line start or an indicator, where `&`/`*` cannot be part of a
    /// plain scalar.
    fn split_property_before(&mut self, from: usize, index: usize) -> bool {
        let mut line_start = (0..from.min(self.chars.len()))
            .rev()
            .find(|&i| matches!(self.chars.get(i), Some('\n' | '\r')))
            .map_or(0, |i| i + 1);
        for at in from..index.min(self.chars.len()) {
            if matches!(self.chars.get(at), Some('\n' | '\r')) {
                line_start = at + 1;
            }
            if !matches!(self.chars.get(at), Some('&' | '*')) {
                continue;
            }
            let before = (line_start..at)
                .rev()
                .find_map(|i| self.chars.get(i).filter(|c| !matches!(c, ' ' | '\t')));
            if !matches!(before, None | Some('-' | '?' | ':' | ',' | '[' | '{')) {
                continue;
            }
            let mut k = at + 1;
            while let Some(&c) = self.chars.get(k) {
                if is_blank_or_break(c) || is_flow_indicator(c) {
                    break;
                }
                if is_anchor_terminator(c) {
                    return k > at + 1 && self.insert_space(k);
                }
                k += 1;
            }
        }
        false
    }

    /// Indents every continuation line of the quoted scalar starting at `start`.
    fn indent_quoted(&mut self, start: usize) -> bool {
        let quote = self.chars.get(start).copied();
        let mut line_starts = Vec::new();
        let mut i = start + 1;
        while let Some(&c) = self.chars.get(i) {
            match c {
                '\\' if quote == Some('"') => i += 1,
                '\'' if quote == Some('\'') && self.chars.get(i + 1) == Some(&'\'') => i += 1,
                c if Some(c) == quote => break,
                '\n' => line_starts.push(i + 1),
                '\r' if self.chars.get(i + 1) != Some(&'\n') => line_starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        // From the last line back, so that earlier indices stay valid.
        let mut any = false;
        for &line in line_starts.iter().rev() {
            any |= self.indent_line(line);
        }
        any
    }

    /// Replaces the tab(s) saphyr rejected with spaces (same length, same positions).
    fn untab(&mut self, index: usize, backwards: bool) -> bool {
        let mut patched = false;
        let mut i = index;
        loop {
            let at = if backwards { i.checked_sub(1) } else { Some(i) };
            let Some(at) = at else { break };
            match self.chars.get_mut(at) {
                Some(c @ '\t') => {
                    *c = ' ';
                    patched = true;
                }
                Some(' ') => {}
                _ => break,
            }
            i = if backwards { at } else { at + 1 };
        }
        patched
    }

    /// Edits the text so that saphyr gets past an error that libyaml would not raise;
    /// false when the error is a real one.
    fn fix(&mut self, index: usize, message: &str, parsed: usize) -> bool {
        if message.contains("plain scalar cannot start with '-' followed by") {
            return self.stand_in_dash(index);
        }
        if self.split_question(index) || self.split_property_before(parsed, index) {
            return true;
        }
        if message.contains("':' must be followed by a valid YAML whitespace") {
            // `a:\tb`: libyaml takes tabs after a simple key's `:` as separation.
            self.untab(index, true)
        } else if message.contains("tabs disallowed within this context (block indentation)") {
            // Tabs before content in a flow collection's line (libyaml skips them there; in
            // block context the lint reports them).
            self.untab(index, true) | self.untab(index, false)
        } else if message.contains("tab cannot be used as indentation") {
            // A tab before a quoted scalar's continuation line: folded away anyway.
            self.untab(index, false)
        } else if message.contains("invalid indentation in quoted scalar") {
            // libyaml does not check the indentation of quoted scalars' continuation lines.
            self.indent_quoted(index)
        } else if message == "invalid indentation"
            || message == "invalid indentation in flow construct"
        {
            // Both only happen inside flow collections, where libyaml ignores indentation.
            self.indent_line(index)
        } else if message.contains("comments must be separated from other tokens by whitespace") {
            // libyaml starts a comment at any `#` where a token could start (`}# note`).
            self.insert_space(index)
        } else if message.contains("undefined alias") {
            self.split_alias(index)
        } else if message == "expected whitespace"
            && index.checked_sub(1).and_then(|i| self.chars.get(i)) == Some(&'?')
        {
            // A `?` at the very end: libyaml takes it as an empty explicit key.
            self.insert_space(index)
        } else {
            false
        }
    }
}

/// Runs saphyr over the text. Where saphyr (YAML 1.2) rejects what libyaml accepts without
/// changing the value (a tab after `key:`, flow or quoted-scalar lines indented less than the
/// block around them), the text is patched (tabs become spaces, lines get leading spaces) and
/// parsed again; spans and errors are mapped back to input positions.
fn parse_events(src: &Source) -> Events {
    let mut patched = Patched::new(src);
    let budget = 16 + src.chars.iter().filter(|&&c| c == '\t').count() + 8 * src.line_starts.len();
    let mut attempt = 0;
    loop {
        let text: String = patched.chars.iter().collect();
        let mut events = parse_events_once(&text);
        let parsed = events.list.iter().map(|e| e.end).max().unwrap_or(0);
        for event in &mut events.list {
            event.start = patched.origin(event.start);
            event.end = patched.origin(event.end);
            if let Ev::Scalar { value, .. } = &mut event.ev
                && !patched.dashes.is_empty()
                && value.contains(DASH_STAND_IN)
            {
                *value = value.replace(DASH_STAND_IN, "-");
            }
        }
        attempt += 1;
        let retry = attempt <= budget.min(256)
            && match &events.error {
                Some((index, message)) => patched.fix(*index, message, parsed),
                None => false,
            }
            || attempt <= budget.min(256) && split_tokens(src, &events.list, &mut patched);
        if !retry {
            let error = events
                .error
                .map(|(index, message)| saphyr_error(src, patched.origin(index), &message));
            return Events {
                list: events.list,
                error,
            };
        }
    }
}

/// Where libyaml ends a token that YAML 1.2 continues, a space is inserted so that saphyr
/// splits it the same way: `?key` in flow context is the `?` indicator and `key` (libyaml),
/// `&name:` ends the anchor at the `:`. Works on mapped events; true when the text changed.
fn split_tokens(src: &Source, events: &[Spanned], patched: &mut Patched) -> bool {
    let flow_parent = flow_parents(src, events);
    for (event, in_flow) in events.iter().zip(flow_parent) {
        let (start, end) = (event.start, event.end.max(event.start));
        let props = match &event.ev {
            Ev::Scalar { .. } | Ev::SeqStart { .. } | Ev::MapStart { .. } => {
                read_properties(src, start, end)
            }
            _ => continue,
        };
        for &(name_start, _) in &props.anchors {
            // saphyr's name runs to a blank or flow indicator; libyaml's stops earlier.
            let cut = (name_start + 1..end)
                .take_while(|&i| {
                    src.at(i)
                        .is_some_and(|c| !is_blank_or_break(c) && !is_flow_indicator(c))
                })
                .find(|&i| src.at(i).is_some_and(is_anchor_terminator));
            if let Some(cut) = cut {
                return patched.insert_space(patched.patched_index(cut));
            }
        }
        let plain =
            matches!(&event.ev, Ev::Scalar { style: Style::Plain, value, .. } if !value.is_empty());
        let content = props.content;
        if plain
            && in_flow
            && src.at(content) == Some('?')
            && src.at(content + 1).is_some_and(|c| !is_blank_or_break(c))
        {
            return patched.insert_space(patched.patched_index(content) + 1);
        }
    }
    false
}

/// Characters that end a libyaml anchor or alias name but not a YAML 1.2 one.
fn is_anchor_terminator(c: char) -> bool {
    matches!(c, ':' | '?' | '%' | '@' | '`')
}

/// saphyr's error, pointed where libyaml's `problem_mark` would be.
fn saphyr_error(src: &Source, index: usize, message: &str) -> Located {
    let end = src.chars.len();
    if message.contains("anchor or alias") {
        // libyaml points after the `&`/`*`, at the character that is not alphanumeric.
        let what = if src.at(index) == Some('*') {
            "an alias"
        } else {
            "an anchor"
        };
        let message =
            format!("while scanning {what}: did not find expected alphabetic or numeric character");
        return src.fail(index + 1, message);
    }
    if message.contains("quoted scalar, found unexpected end of stream") {
        return src.fail(end, message);
    }
    if message.contains("undefined alias") {
        // libyaml first rejects a name with characters outside `[0-9A-Za-z_-]`.
        if let Err(err) = check_anchor_name(src, index + 1, "alias") {
            return err;
        }
    }
    if message.contains("while scanning a tag, did not find expected whitespace or line break") {
        // libyaml points at the first character after the tag's URI characters.
        let mut i = index + 1;
        while src
            .at(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || "-;/?:@&=+$._~*'()%!".contains(c))
        {
            i += 1;
        }
        return src.fail(i, message);
    }
    if message.contains("while scanning a plain scalar, found a tab") {
        // libyaml points at the tab in the continuation line's leading blanks.
        let mut leading = false;
        for i in index..end {
            match src.at(i) {
                Some('\n' | '\r') => leading = true,
                Some('\t') if leading => {
                    return src.fail(i, "while scanning a plain scalar: found a tab character that violates indentation");
                }
                Some(' ') => {}
                _ => leading = false,
            }
        }
    }
    if message
        .contains("while scanning a block scalar, did not find expected comment or line break")
    {
        // libyaml points past the indicators (`|`, `>`, chomping, indentation) and blanks.
        let mut i = index;
        while src
            .at(i)
            .is_some_and(|c| matches!(c, '|' | '>' | '+' | '-' | ' ' | '\t') || c.is_ascii_digit())
        {
            i += 1;
        }
        return src.fail(i, message);
    }
    let message = if message == "simple key expected" {
        "while scanning a simple key: could not find expected ':'"
    } else {
        message
    };
    if index >= end
        && src
            .at(end.wrapping_sub(1))
            .is_some_and(|c| c != '\n' && c != '\r')
    {
        // At the end of the stream libyaml forces a line break: line + 1, column 0.
        let line = src.line_starts.len();
        return (
            end,
            YamlError {
                message: message.to_string(),
                line,
                column: 0,
            },
        );
    }
    src.fail(index.min(end), message)
}

/// Raw events of one saphyr run: spans and the error index are in the parsed text.
struct RawEvents {
    list: Vec<Spanned>,
    error: Option<(usize, String)>,
}

fn parse_events_once(text: &str) -> RawEvents {
    let mut parser = Parser::new_from_str(text);
    let mut list = Vec::new();
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        match next {
            Err(err) => {
                return RawEvents {
                    list,
                    error: Some(scan_error(&err)),
                };
            }
            Ok((event, span)) => {
                let ev = convert_event(event);
                let is_doc_start = ev == Ev::DocStart;
                let is_end = ev == Ev::StreamEnd;
                list.push(Spanned {
                    ev,
                    start: span.start.index(),
                    end: span.end.index(),
                });
                if is_doc_start {
                    documents += 1;
                }
                // PyYAML stops at the start of a second document.
                if is_end || documents > 1 {
                    break;
                }
            }
        }
    }
    RawEvents { list, error: None }
}

/// saphyr's error as (character index, message), worded like libyaml's where they differ only
/// in words.
fn scan_error(err: &ScanError) -> (usize, String) {
    let info = err.info();
    let message = if info.contains("may not precede any of") {
        "while scanning a plain scalar: found unexpected ':'".to_string()
    } else if info.contains("unknown anchor") {
        "found undefined alias".to_string()
    } else {
        info.to_string()
    };
    (err.marker().index(), message)
}

fn convert_event(event: Event<'_>) -> Ev {
    let tag_text = |tag: Option<std::borrow::Cow<'_, saphyr_parser::Tag>>| {
        tag.map(|t| format!("{}{}", t.handle, t.suffix))
    };
    match event {
        Event::StreamStart | Event::Nothing => Ev::StreamStart,
        Event::StreamEnd => Ev::StreamEnd,
        Event::DocumentStart(_) => Ev::DocStart,
        Event::DocumentEnd => Ev::DocEnd,
        Event::Alias(id) => Ev::Alias(id),
        Event::Scalar(value, style, anchor, tag) => Ev::Scalar {
            value: value.into_owned(),
            style: match style {
                ScalarStyle::Plain => Style::Plain,
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Style::Quoted,
                ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
            },
            anchor,
            tag: tag_text(tag),
        },
        Event::SequenceStart(anchor, tag) => Ev::SeqStart {
            anchor,
            tag: tag_text(tag),
        },
        Event::SequenceEnd => Ev::SeqEnd,
        Event::MappingStart(anchor, tag) => Ev::MapStart {
            anchor,
            tag: tag_text(tag),
        },
        Event::MappingEnd => Ev::MapEnd,
    }
}

// ---------------------------------------------------------------------------------------------
// libyaml compatibility checks
// ---------------------------------------------------------------------------------------------

/// Node properties (`&anchor`, `!tag`) at the start of a node's span.
struct Properties {
    /// `(start, end)` of each anchor name (after the `&`).
    anchors: Vec<(usize, usize)>,
    /// Index just after each tag.
    tag_ends: Vec<usize>,
    /// Index of the first character after the properties and the blanks that follow them.
    content: usize,
    /// Index just after the last property (`start` when there is none).
    end: usize,
}

/// Flow indicators in YAML 1.2 (they end anchors and tags in saphyr).
fn is_flow_indicator(c: char) -> bool {
    matches!(c, ',' | '[' | ']' | '{' | '}')
}

fn is_blank_or_break(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Reads `&anchor` and `!tag` properties from `start` (within `[start, limit)`).
fn read_properties(src: &Source, start: usize, limit: usize) -> Properties {
    let mut anchors = Vec::new();
    let mut tag_ends = Vec::new();
    let mut i = start;
    let mut end = start;
    loop {
        let mut j = i;
        while j < limit && src.at(j).is_some_and(is_blank_or_break) {
            j += 1;
        }
        match src.at(j) {
            Some('&') if j < limit => {
                // The name ends where libyaml ends it (`parse_events` splits saphyr's there).
                let name_start = j + 1;
                let mut k = name_start;
                let in_name = |c: char| {
                    !is_blank_or_break(c) && !is_flow_indicator(c) && !is_anchor_terminator(c)
                };
                while k < limit && src.at(k).is_some_and(in_name) {
                    k += 1;
                }
                anchors.push((name_start, k));
                i = k;
                end = k;
            }
            Some('!') if j < limit => {
                let mut k = j + 1;
                if src.at(k) == Some('<') {
                    while k < limit && src.at(k).is_some_and(|c| c != '>') {
                        k += 1;
                    }
                    k += 1;
                } else {
                    while k < limit
                        && src
                            .at(k)
                            .is_some_and(|c| !is_blank_or_break(c) && !is_flow_indicator(c))
                    {
                        k += 1;
                    }
                }
                i = k.min(limit);
                end = i;
                tag_ends.push(i);
            }
            _ => {
                return Properties {
                    anchors,
                    tag_ends,
                    content: j.min(limit),
                    end,
                };
            }
        }
    }
}

/// libyaml anchor and alias names are `[0-9A-Za-z_-]+` followed by a blank, a line break, the end
/// or one of `?:,]}%@` and backquote (scanner.c `yaml_parser_scan_anchor`); `start` is the
/// index after the `&` or `*`.
fn check_anchor_name(src: &Source, start: usize, what: &str) -> Result<(), Located> {
    let is_alpha = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut i = start;
    while src.at(i).is_some_and(is_alpha) {
        i += 1;
    }
    let follows = src
        .at(i)
        .is_none_or(|c| is_blank_or_break(c) || "?:,]}%@`".contains(c));
    if i == start || !follows {
        return Err(src.fail(
            i,
            format!(
                "while scanning an {what}: did not find expected alphabetic or numeric character"
            ),
        ));
    }
    Ok(())
}

/// A token of the lint walk: the part of the text an event covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    /// A scalar or alias; `plain` for plain scalars.
    Node {
        plain: bool,
    },
    /// Only node properties (`&a`, `!t`) before a block collection or an empty scalar.
    Props,
    FlowOpen,
    FlowClose,
    BlockOpen {
        column: usize,
    },
    BlockClose,
    /// A block scalar's content: its header (`|`, `>`) stays in the trivia.
    BlockScalar,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: TokenKind,
    start: usize,
    end: usize,
}

/// What the walk over the text between tokens remembers (libyaml's scanner state, in part).
struct LintState {
    flow_depth: usize,
    /// Columns of the open block collections (libyaml's `indent` stack).
    block_columns: Vec<usize>,
    /// libyaml's `simple_key_allowed`: true at a line start and after `-`, `?` and a `:` that
    /// follows a complex key; then `scan_to_next_token` does not skip tabs in block context.
    simple_key_allowed: bool,
    /// After a plain scalar: its scanner goes on eating blank lines; `Some(indent)`.
    after_plain: Option<isize>,
    /// A line break was seen since the plain scalar ended.
    plain_break: bool,
    /// Line of the last node (a `:` on that line follows a simple key).
    last_node_line: Option<usize>,
    /// Seen directives: `%YAML`.
    yaml_directive: bool,
}

/// Finds the first place where libyaml would stop with an error and saphyr did not (or did
/// later), as (character index, error). Only looks at text before `limit` (saphyr's error) and
/// covered by events.
fn lint(src: &Source, events: &[Spanned], limit: usize) -> Option<(usize, YamlError)> {
    if let Some(err) = check_leading_document_end(src) {
        return Some(err);
    }
    let (tokens, token_error) = lint_tokens(src, events);
    let limit = limit.min(token_error.as_ref().map_or(usize::MAX, |(index, _)| *index));
    let complete = events.last().is_some_and(|e| e.ev == Ev::StreamEnd);
    let last_end = events.iter().map(|e| e.end).max().unwrap_or(0);
    let text_end = if complete { src.chars.len() } else { last_end }.min(limit);
    let mut state = LintState {
        flow_depth: 0,
        block_columns: Vec::new(),
        simple_key_allowed: true,
        after_plain: None,
        plain_break: false,
        last_node_line: None,
        yaml_directive: false,
    };
    let mut cursor = 0;
    for token in tokens.iter().filter(|t| t.start < limit) {
        if token.kind != TokenKind::BlockClose && token.start >= cursor {
            if let Err(err) = lint_trivia(src, &mut state, cursor, token.start) {
                return Some(err);
            }
            cursor = token.start;
        }
        if let Err(err) = lint_token(src, &mut state, token) {
            return Some(err);
        }
        if token.kind != TokenKind::BlockClose {
            cursor = cursor.max(token.end);
        }
    }
    if cursor < text_end
        && let Err(err) = lint_trivia(src, &mut state, cursor, text_end)
    {
        return Some(err);
    }
    token_error
}

/// A `...` before any document: libyaml's implicit document finds no node there.
fn check_leading_document_end(src: &Source) -> Option<Located> {
    let first = next_significant(src, usize::from(src.at(0) == Some('\u{feff}')))?;
    let text: String = src.chars.iter().skip(first).take(4).collect();
    let marker = text.starts_with("...") && text.chars().nth(3).is_none_or(is_blank_or_break);
    (marker && src.column(first) == 0).then(|| {
        src.fail(
            first,
            "while parsing a block node: did not find expected node content",
        )
    })
}

/// Turns events into lint tokens, checking anchor names and duplicate anchors on the way.
fn lint_tokens(src: &Source, events: &[Spanned]) -> (Vec<Token>, Option<(usize, YamlError)>) {
    let mut tokens = Vec::new();
    let error = lint_tokens_into(src, events, &mut tokens).err();
    (tokens, error)
}

fn lint_tokens_into(
    src: &Source,
    events: &[Spanned],
    tokens: &mut Vec<Token>,
) -> Result<(), Located> {
    let flow_parent = flow_parents(src, events);
    let mut frames: Vec<LintFrame> = Vec::new();
    let mut anchors: HashMap<String, usize> = HashMap::new();
    for (index, event) in events.iter().enumerate() {
        let (start, end) = (event.start, event.end.max(event.start));
        let in_flow = flow_parent.get(index).copied().unwrap_or(false);
        match &event.ev {
            Ev::DocStart => anchors.clear(),
            Ev::Scalar {
                value,
                style,
                anchor,
                tag,
            } => {
                let props = read_properties(src, start, end);
                check_props(src, &mut anchors, &props, start, in_flow)?;
                let empty = value.is_empty() && *style == Style::Plain;
                let bare_empty = empty && *anchor == 0 && tag.is_none();
                let is_key = frames
                    .last()
                    .is_some_and(|f| f.is_map && f.children % 2 == 0);
                if bare_empty && is_key {
                    check_empty_key(src, start, in_flow)?;
                }
                if !bare_empty && is_key && in_flow {
                    check_flow_key_line(src, start, end)?;
                }
                if let Some(frame) = frames.last_mut() {
                    frame.children += 1;
                }
                if *style == Style::Block {
                    if props.end > start {
                        tokens.push(Token {
                            kind: TokenKind::Props,
                            start,
                            end: props.end,
                        });
                    }
                    let content = block_scalar_content_start(src, props.end, end);
                    check_block_scalar_indent(src, content, end)?;
                    tokens.push(Token {
                        kind: TokenKind::BlockScalar,
                        start: content,
                        end,
                    });
                } else if empty {
                    // An implicit empty node covers no text (saphyr may span an indicator).
                    if !bare_empty {
                        tokens.push(Token {
                            kind: TokenKind::Props,
                            start,
                            end: props.end,
                        });
                    }
                } else {
                    if *style == Style::Plain {
                        check_plain_start(src, props.content, in_flow)?;
                        if in_flow {
                            check_flow_plain(src, props.content, end)?;
                        }
                    }
                    tokens.push(Token {
                        kind: TokenKind::Node {
                            plain: *style == Style::Plain,
                        },
                        start,
                        end,
                    });
                }
            }
            Ev::Alias(_) => {
                let name_start = (start + 1).min(end);
                check_anchor_name(src, name_start, "alias")?;
                let is_key = frames
                    .last()
                    .is_some_and(|f| f.is_map && f.children % 2 == 0);
                if is_key && in_flow {
                    check_flow_key_line(src, start, end)?;
                }
                if let Some(frame) = frames.last_mut() {
                    frame.children += 1;
                }
                tokens.push(Token {
                    kind: TokenKind::Node { plain: false },
                    start,
                    end,
                });
            }
            Ev::SeqStart { .. } | Ev::MapStart { .. } => {
                let props = read_properties(src, start, end);
                check_props(src, &mut anchors, &props, start, in_flow)?;
                let flow = is_flow_start(src, event, in_flow);
                let is_key = frames
                    .last()
                    .is_some_and(|f| f.is_map && f.children % 2 == 0);
                frames.push(LintFrame {
                    is_map: matches!(event.ev, Ev::MapStart { .. }),
                    children: 0,
                    start,
                    flow_key: is_key && in_flow,
                });
                if flow {
                    tokens.push(Token {
                        kind: TokenKind::FlowOpen,
                        start,
                        end,
                    });
                } else {
                    if props.end > start {
                        tokens.push(Token {
                            kind: TokenKind::Props,
                            start,
                            end: props.end,
                        });
                    }
                    let column = src.column(end);
                    tokens.push(Token {
                        kind: TokenKind::BlockOpen { column },
                        start: end,
                        end,
                    });
                }
            }
            Ev::SeqEnd | Ev::MapEnd => {
                if let Some(frame) = frames.pop()
                    && frame.flow_key
                {
                    check_flow_key_line(src, frame.start, end)?;
                }
                if let Some(parent) = frames.last_mut() {
                    parent.children += 1;
                }
                if in_flow {
                    tokens.push(Token {
                        kind: TokenKind::FlowClose,
                        start,
                        end,
                    });
                } else {
                    tokens.push(Token {
                        kind: TokenKind::BlockClose,
                        start,
                        end: start,
                    });
                }
            }
            Ev::StreamStart | Ev::StreamEnd | Ev::DocEnd => {}
        }
    }
    Ok(())
}

/// An open collection during the lint: a mapping's even children are keys.
struct LintFrame {
    is_map: bool,
    children: usize,
    start: usize,
    /// This collection is an implicit key in a flow collection.
    flow_key: bool,
}

/// Whether a collection start event opens a flow collection: its span ends with the bracket;
/// implicit single-pair mappings (`[a: 1]`) have none but are flow too.
fn is_flow_start(src: &Source, event: &Spanned, parent_flow: bool) -> bool {
    // saphyr's span runs from the properties to after the blanks that follow the bracket.
    let bracket = (event.start..event.end)
        .rev()
        .find_map(|i| src.at(i).filter(|&c| !is_blank_or_break(c)));
    parent_flow || matches!(bracket, Some('[' | '{'))
}

/// For each event: whether it sits in a flow collection (for end events: whether the
/// collection it closes is a flow collection).
fn flow_parents(src: &Source, events: &[Spanned]) -> Vec<bool> {
    let mut open: Vec<bool> = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let parent_flow = open.last() == Some(&true);
        match event.ev {
            Ev::SeqStart { .. } | Ev::MapStart { .. } => {
                out.push(parent_flow);
                open.push(is_flow_start(src, event, parent_flow));
            }
            Ev::SeqEnd | Ev::MapEnd => out.push(open.pop().unwrap_or(false)),
            _ => out.push(parent_flow),
        }
    }
    out
}

/// The first non-blank character after `from`, skipping comments.
fn next_significant(src: &Source, from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        match src.at(i)? {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '#' if i == 0 || src.at(i - 1).is_some_and(is_blank_or_break) => {
                while src.at(i).is_some_and(|c| c != '\n' && c != '\r') {
                    i += 1;
                }
            }
            _ => return Some(i),
        }
    }
}

/// The last non-blank character before `to`.
fn previous_significant(src: &Source, to: usize) -> Option<usize> {
    let (mut line, _) = src.position(to);
    let mut limit = to;
    loop {
        let start = src.line_starts.get(line).copied().unwrap_or(0);
        // A comment starts at a `#` at the line start or after a blank.
        let comment = (start..limit).find(|&i| {
            src.at(i) == Some('#') && (i == start || src.at(i - 1).is_some_and(is_blank_or_break))
        });
        let code_end = comment.unwrap_or(limit);
        if let Some(i) = (start..code_end)
            .rev()
            .find(|&i| src.at(i).is_some_and(|c| !is_blank_or_break(c)))
        {
            return Some(i);
        }
        if line == 0 {
            return None;
        }
        line -= 1;
        limit = start;
    }
}

/// libyaml keys are "simple keys": the `:` must be on the line where the key starts
/// (scanner.c `yaml_parser_stale_simple_keys`); in flow context a key spanning lines leaves
/// the `:` without a key, which the parser rejects.
fn check_flow_key_line(src: &Source, start: usize, end: usize) -> Result<(), Located> {
    let Some(colon) = next_significant(src, end) else {
        return Ok(());
    };
    let explicit = previous_significant(src, start).is_some_and(|i| src.at(i) == Some('?'));
    // A simple key also goes stale 1024 characters after its start.
    let stale = src.position(colon).0 > src.position(start).0 || colon > start + 1024;
    if src.at(colon) == Some(':') && !explicit && stale {
        return Err(src.fail(
            colon,
            "while parsing a flow mapping: did not find expected ',' or '}'",
        ));
    }
    Ok(())
}

/// A plain scalar cannot start with `%`, `@` or a backquote, nor in flow context with `|` or
/// `>` (libyaml: "found character that cannot start any token"; YAML 1.2 parsers may take
/// them in flow context).
fn check_plain_start(src: &Source, content: usize, in_flow: bool) -> Result<(), Located> {
    let bad = match src.at(content) {
        Some('%' | '@' | '`') => true,
        Some('|' | '>') => in_flow,
        _ => false,
    };
    if bad {
        return Err(src.fail(
            content,
            "while scanning for the next token: found character that cannot start any token",
        ));
    }
    Ok(())
}

/// Checks anchor names, and that no anchor is defined twice (PyYAML's composer refuses it).
fn check_props(
    src: &Source,
    anchors: &mut HashMap<String, usize>,
    props: &Properties,
    node_start: usize,
    in_flow: bool,
) -> Result<(), Located> {
    // A tag must be followed by a blank or a line break (or `,` in flow context).
    for &end in &props.tag_ends {
        let ok = src
            .at(end)
            .is_none_or(|c| is_blank_or_break(c) || (in_flow && c == ','));
        if !ok {
            return Err(src.fail(
                end,
                "while scanning a tag: did not find expected whitespace or line break",
            ));
        }
    }
    for &(start, end) in &props.anchors {
        check_anchor_name(src, start, "anchor")?;
        let name: String = src
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        if anchors.insert(name.clone(), node_start).is_some() {
            return Err(src.fail(node_start, format!("found duplicate anchor '{name}'")));
        }
    }
    Ok(())
}

/// libyaml indents a block scalar's content by at least one column, also at the top level
/// (YAML 1.2 allows column 0 there); content at column 0 ends the scalar and is rejected.
fn check_block_scalar_indent(src: &Source, content: usize, end: usize) -> Result<(), Located> {
    let first = (content..end).find(|&i| src.at(i).is_some_and(|c| !is_blank_or_break(c)));
    let Some(first) = first else { return Ok(()) };
    if src.column(first) == 0 {
        let at = next_significant(src, first).unwrap_or(first);
        return Err(src.fail(at, "did not find expected <document start>"));
    }
    Ok(())
}

/// saphyr's block scalar span may start before the content's first line; the content starts
/// after the header line.
fn block_scalar_content_start(src: &Source, from: usize, end: usize) -> usize {
    let mut i = from;
    while i < end && src.at(i).is_some_and(|c| matches!(c, ' ' | '\t')) {
        i += 1;
    }
    if matches!(src.at(i), Some('|' | '>')) {
        while i < end && src.at(i).is_some_and(|c| c != '\n' && c != '\r') {
            i += 1;
        }
    }
    i
}

/// libyaml, in a flow collection: a plain scalar holding `:` followed by one of `,?[]{}` is a
/// scanner error ("found unexpected ':'", scanner.c `yaml_parser_scan_plain_scalar`), and a
/// plain scalar cannot start with `:` (in flow context `:` is always the value indicator).
/// YAML 1.2 ends the scalar before such a `:` (or takes `:?` as content), so check the text.
fn check_flow_plain(src: &Source, content: usize, end: usize) -> Result<(), Located> {
    if src.at(content) == Some(':') {
        return Err(src.fail(
            content,
            "while parsing a flow node: did not find expected node content",
        ));
    }
    for i in content..=end {
        if src.at(i) == Some(':') && src.at(i + 1).is_some_and(|c| ",?[]{}".contains(c)) {
            return Err(src.fail(i, "while scanning a plain scalar: found unexpected ':'"));
        }
    }
    Ok(())
}

/// An empty implicit key made by a `:` (`{: b}`, `{a: 1, : b}`, a block entry `: b`): libyaml
/// wants a key token before the value indicator unless a `?` came first (YAML 1.2 allows it).
fn check_empty_key(src: &Source, at: usize, in_flow: bool) -> Result<(), Located> {
    if src.at(at) != Some(':') {
        return Ok(());
    }
    if previous_significant(src, at).is_some_and(|i| src.at(i) == Some('?')) {
        return Ok(());
    }
    let message = if in_flow {
        "while parsing a flow node: did not find expected node content"
    } else {
        "while parsing a block mapping: did not find expected key"
    };
    Err(src.fail(at, message))
}

/// Applies a token's effect on the scanner state.
fn lint_token(src: &Source, state: &mut LintState, token: &Token) -> Result<(), Located> {
    match token.kind {
        TokenKind::Node { plain } => {
            if plain {
                check_plain_lines(src, state, token)?;
            }
            state.simple_key_allowed = false;
            state.after_plain =
                plain.then(|| state.block_columns.last().map_or(-1, |&c| c as isize));
            state.plain_break = false;
            state.last_node_line =
                Some(src.position(token.end.saturating_sub(1).max(token.start)).0);
        }
        TokenKind::Props => {
            // An anchor or tag can start a simple key, like a node.
            state.simple_key_allowed = false;
            state.after_plain = None;
            state.last_node_line = Some(src.position(token.start).0);
        }
        TokenKind::FlowOpen => {
            state.flow_depth += 1;
            state.after_plain = None;
        }
        TokenKind::FlowClose => {
            state.flow_depth = state.flow_depth.saturating_sub(1);
            state.simple_key_allowed = false;
            state.after_plain = None;
            state.last_node_line = Some(src.position(token.start).0);
        }
        TokenKind::BlockOpen { column } => state.block_columns.push(column),
        TokenKind::BlockClose => {
            state.block_columns.pop();
        }
        TokenKind::BlockScalar => {
            state.simple_key_allowed = false;
            state.after_plain = None;
            state.last_node_line = None;
        }
    }
    Ok(())
}

/// Inside a multi-line plain scalar, libyaml rejects a tab in a continuation line's leading
/// blanks before column indent + 1 ("found a tab character that violates indentation").
fn check_plain_lines(src: &Source, state: &LintState, token: &Token) -> Result<(), Located> {
    let indent = state.block_columns.last().map_or(-1, |&c| c as isize);
    let mut leading = false;
    for i in token.start..token.end {
        match src.at(i) {
            Some('\n' | '\r') => leading = true,
            Some('\t') if leading && (src.column(i) as isize) < indent + 1 => {
                return Err(src.fail(
                    i,
                    "while scanning a plain scalar: found a tab character that violates indentation",
                ));
            }
            Some(' ' | '\t') => {}
            _ => leading = false,
        }
    }
    Ok(())
}

/// Walks the text between tokens (blanks, comments, indicators, directives) like libyaml's
/// `scan_to_next_token` and the indicator fetchers do, for the tab and directive rules.
fn lint_trivia(src: &Source, state: &mut LintState, from: usize, to: usize) -> Result<(), Located> {
    let mut i = from;
    while i < to {
        let Some(c) = src.at(i) else { break };
        let column = src.column(i);
        match c {
            ' ' => {}
            '\t' => check_tab(src, state, i)?,
            '\n' | '\r' => {
                if state.flow_depth == 0 {
                    state.simple_key_allowed = true;
                }
                if state.after_plain.is_some() {
                    state.plain_break = true;
                }
            }
            '#' => {
                state.after_plain = None;
                while i + 1 < to && src.at(i + 1).is_some_and(|c| c != '\n' && c != '\r') {
                    i += 1;
                }
            }
            '%' if column == 0 => {
                state.after_plain = None;
                i = check_directive(src, state, i, to)?;
                continue;
            }
            '|' | '>' => {
                // A block scalar header; its content is the next token.
                state.after_plain = None;
                while i + 1 < to && src.at(i + 1).is_some_and(|c| c != '\n' && c != '\r') {
                    i += 1;
                }
                state.simple_key_allowed = false;
            }
            _ => {
                state.after_plain = None;
                i = lint_indicator(src, state, i, column);
                continue;
            }
        }
        i += 1;
    }
    Ok(())
}

/// An indicator (or other non-blank character) in the trivia; returns the next index.
fn lint_indicator(src: &Source, state: &mut LintState, i: usize, column: usize) -> usize {
    let c = src.at(i).unwrap_or(' ');
    let next_blank = src.at(i + 1).is_none_or(is_blank_or_break);
    let block = state.flow_depth == 0;
    let triple = |ch: char| {
        column == 0
            && src.at(i + 1) == Some(ch)
            && src.at(i + 2) == Some(ch)
            && src.at(i + 3).is_none_or(is_blank_or_break)
    };
    if triple('-') || triple('.') {
        state.simple_key_allowed = false;
        state.last_node_line = None;
        return i + 3;
    }
    match c {
        '-' | '?' if block && next_blank => state.simple_key_allowed = true,
        ':' if block => {
            // After a simple key (a node on this line) no simple key may follow; after a
            // complex key (`? a` then `:`) one may, and then tabs are not skipped.
            let line = src.position(i).0;
            state.simple_key_allowed = state.last_node_line != Some(line);
            state.last_node_line = None;
        }
        _ => state.simple_key_allowed = false,
    }
    i + 1
}

/// A tab between tokens. libyaml skips tabs only in flow context or where no simple key is
/// allowed; a plain scalar's scanner eats the blank lines after it but rejects a tab that
/// "violates indentation" (column < indent + 1).
fn check_tab(src: &Source, state: &LintState, i: usize) -> Result<(), Located> {
    let column = src.column(i) as isize;
    if let Some(indent) = state.after_plain {
        if state.plain_break && column < indent + 1 {
            return Err(src.fail(
                i,
                "while scanning a plain scalar: found a tab character that violates indentation",
            ));
        }
        return Ok(());
    }
    if state.flow_depth == 0 && state.simple_key_allowed {
        return Err(src.fail(
            i,
            "while scanning for the next token: found character that cannot start any token",
        ));
    }
    Ok(())
}

/// A `%` directive at column 0: libyaml knows `%YAML` (version 1.1 or 1.2 only, once) and
/// `%TAG`; any other name is a scanner error. Returns the index after the directive line.
fn check_directive(
    src: &Source,
    state: &mut LintState,
    start: usize,
    to: usize,
) -> Result<usize, Located> {
    let mut i = start + 1;
    while src
        .at(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        i += 1;
    }
    let name: String = src
        .chars
        .get(start + 1..i)
        .unwrap_or_default()
        .iter()
        .collect();
    let line_end = (i..)
        .find(|&k| src.at(k).is_none_or(|c| c == '\n' || c == '\r'))
        .unwrap_or(i);
    match name.as_str() {
        "YAML" => {
            let rest: String = src
                .chars
                .get(i..line_end)
                .unwrap_or_default()
                .iter()
                .collect();
            let version = rest.split('#').next().unwrap_or("").trim().to_string();
            let (major, minor) = version.split_once('.').unwrap_or((version.as_str(), ""));
            if state.yaml_directive {
                return Err(src.fail(start, "found duplicate %YAML directive"));
            }
            state.yaml_directive = true;
            let number = |s: &str| s.parse::<u32>().ok();
            if number(major) != Some(1) || !matches!(number(minor), Some(1 | 2)) {
                return Err(src.fail(start, "found incompatible YAML document"));
            }
        }
        "TAG" => {}
        _ => {
            return Err(src.fail(
                i,
                "while scanning a directive: found unknown directive name",
            ));
        }
    }
    state.simple_key_allowed = false;
    Ok(line_end.min(to.max(start + 1)))
}

// ---------------------------------------------------------------------------------------------
// Composer and resolver
// ---------------------------------------------------------------------------------------------

const TAG_NULL: &str = "tag:yaml.org,2002:null";
const TAG_BOOL: &str = "tag:yaml.org,2002:bool";
const TAG_INT: &str = "tag:yaml.org,2002:int";
const TAG_FLOAT: &str = "tag:yaml.org,2002:float";
const TAG_BINARY: &str = "tag:yaml.org,2002:binary";
const TAG_TIMESTAMP: &str = "tag:yaml.org,2002:timestamp";
const TAG_OMAP: &str = "tag:yaml.org,2002:omap";
const TAG_PAIRS: &str = "tag:yaml.org,2002:pairs";
const TAG_SET: &str = "tag:yaml.org,2002:set";
const TAG_STR: &str = "tag:yaml.org,2002:str";
const TAG_SEQ: &str = "tag:yaml.org,2002:seq";
const TAG_MAP: &str = "tag:yaml.org,2002:map";
const TAG_MERGE: &str = "tag:yaml.org,2002:merge";
const TAG_VALUE: &str = "tag:yaml.org,2002:value";
const TAG_YAML: &str = "tag:yaml.org,2002:yaml";

/// A node of the composed document (PyYAML's `ScalarNode`/`SequenceNode`/`MappingNode`).
#[derive(Debug)]
struct Node {
    tag: String,
    /// Character index of the node's start (its properties, if any).
    start: usize,
    data: NodeData,
}

#[derive(Debug)]
enum NodeData {
    Scalar(String),
    Seq(Vec<usize>),
    Map(Vec<(usize, usize)>),
}

impl NodeData {
    /// PyYAML's `node.id`.
    fn kind(&self) -> &'static str {
        match self {
            NodeData::Scalar(_) => "scalar",
            NodeData::Seq(_) => "sequence",
            NodeData::Map(_) => "mapping",
        }
    }
}

/// An open collection while composing, with a key waiting for its value.
struct Frame {
    node: usize,
    pending_key: Option<usize>,
}

/// Composes the single document of the stream into nodes; `None` for an empty stream.
fn compose(src: &Source, events: &[Spanned]) -> Result<Option<(Vec<Node>, usize)>, YamlError> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut anchors: HashMap<usize, usize> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    let mut documents = 0;
    for event in events {
        let finished = match &event.ev {
            Ev::StreamStart | Ev::DocEnd => None,
            Ev::StreamEnd => break,
            Ev::DocStart => {
                documents += 1;
                if documents > 1 {
                    return Err(src.error(
                        event.start,
                        "expected a single document in the stream, but found another document",
                    ));
                }
                None
            }
            Ev::Alias(id) => match anchors.get(id) {
                Some(&node) => Some(node),
                None => return Err(src.error(event.start, "found undefined alias")),
            },
            Ev::Scalar {
                value,
                style,
                anchor,
                tag,
            } => {
                let tag = scalar_tag(value, *style, tag.as_deref());
                let mut value = value.clone();
                if *style == Style::Block
                    && ends_in_partial_line(src, event.end)
                    && value.ends_with('\n')
                {
                    // libyaml adds the final line break only when the line has one (saphyr
                    // adds it at the end of the stream too).
                    value.pop();
                }
                nodes.push(Node {
                    tag,
                    start: event.start,
                    data: NodeData::Scalar(value),
                });
                let index = nodes.len() - 1;
                if *anchor != 0 {
                    anchors.insert(*anchor, index);
                }
                Some(index)
            }
            Ev::SeqStart { anchor, tag } | Ev::MapStart { anchor, tag } => {
                let is_seq = matches!(event.ev, Ev::SeqStart { .. });
                let (default, data) = if is_seq {
                    (TAG_SEQ, NodeData::Seq(Vec::new()))
                } else {
                    (TAG_MAP, NodeData::Map(Vec::new()))
                };
                let tag = match tag.as_deref() {
                    None | Some("!") => default.to_string(),
                    Some(tag) => tag.to_string(),
                };
                nodes.push(Node {
                    tag,
                    start: event.start,
                    data,
                });
                let index = nodes.len() - 1;
                // Registered before the children, like PyYAML's composer.
                if *anchor != 0 {
                    anchors.insert(*anchor, index);
                }
                stack.push(Frame {
                    node: index,
                    pending_key: None,
                });
                None
            }
            Ev::SeqEnd | Ev::MapEnd => stack.pop().map(|frame| frame.node),
        };
        if let Some(child) = finished {
            attach(&mut nodes, &mut stack, &mut root, child);
        }
    }
    Ok(root.map(|root| (nodes, root)))
}

/// True when `end` is the end of a text whose last line has no line break.
fn ends_in_partial_line(src: &Source, end: usize) -> bool {
    let len = src.chars.len();
    end >= len
        && src
            .at(len.wrapping_sub(1))
            .is_some_and(|c| c != '\n' && c != '\r')
}

/// Adds a finished node to the open collection, or makes it the root.
fn attach(nodes: &mut [Node], stack: &mut [Frame], root: &mut Option<usize>, child: usize) {
    let Some(frame) = stack.last_mut() else {
        *root = Some(child);
        return;
    };
    let Some(parent) = nodes.get_mut(frame.node) else {
        return;
    };
    match &mut parent.data {
        NodeData::Seq(items) => items.push(child),
        NodeData::Map(pairs) => match frame.pending_key.take() {
            None => frame.pending_key = Some(child),
            Some(key) => pairs.push((key, child)),
        },
        NodeData::Scalar(_) => {}
    }
}

/// The tag of a scalar node: libyaml marks a scalar "plain implicit" when it is plain and
/// untagged or tagged with the non-specific `!`; those go through the implicit resolvers.
fn scalar_tag(value: &str, style: Style, tag: Option<&str>) -> String {
    match tag {
        // An empty node with properties is no scalar token: libyaml does not mark it
        // implicit, so `!` alone gives the empty string.
        Some("!") if value.is_empty() && style == Style::Plain => TAG_STR.to_string(),
        Some("!") => resolve_implicit(value).to_string(),
        None if style == Style::Plain => resolve_implicit(value).to_string(),
        None => TAG_STR.to_string(),
        Some(tag) => tag.to_string(),
    }
}

/// A resolver regexp, as a function.
type Matcher = fn(&str) -> bool;

/// PyYAML's `Resolver.resolve` for a plain scalar: the implicit resolvers registered for the
/// value's first character, in registration order (bool, float, int, merge, null, timestamp,
/// value, yaml). Python's `$` also matches before one final `\n`.
fn resolve_implicit(value: &str) -> &'static str {
    let body = value.strip_suffix('\n').unwrap_or(value);
    let test = |f: fn(&str) -> bool| f(value) || (body.len() != value.len() && f(body));
    let first = value.chars().next();
    let mut candidates: Vec<(&'static str, Matcher)> = Vec::new();
    match first {
        None => candidates.push((TAG_NULL, is_null)),
        Some(c) => {
            if "yYnNtTfFoO".contains(c) {
                candidates.push((TAG_BOOL, is_bool));
            }
            if "-+0123456789.".contains(c) {
                candidates.push((TAG_FLOAT, is_float));
            }
            if "-+0123456789".contains(c) {
                candidates.push((TAG_INT, is_int));
            }
            if c == '<' {
                candidates.push((TAG_MERGE, |v| v == "<<"));
            }
            if "~nN".contains(c) {
                candidates.push((TAG_NULL, is_null));
            }
            if c.is_ascii_digit() {
                candidates.push((TAG_TIMESTAMP, |v| Timestamp::parse(v, true).is_some()));
            }
            if c == '=' {
                candidates.push((TAG_VALUE, |v| v == "="));
            }
            if "!&*".contains(c) {
                candidates.push((TAG_YAML, |v| matches!(v, "!" | "&" | "*")));
            }
        }
    }
    candidates
        .into_iter()
        .find(|(_, f)| test(*f))
        .map_or(TAG_STR, |(tag, _)| tag)
}

/// `^(?:~|null|Null|NULL|)$`
fn is_null(v: &str) -> bool {
    matches!(v, "~" | "null" | "Null" | "NULL" | "")
}

/// `^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`
/// (YAML 1.1: `y` and `n` are strings in PyYAML).
fn is_bool(v: &str) -> bool {
    matches!(
        v,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

fn strip_sign(v: &str) -> &str {
    v.strip_prefix(['-', '+']).unwrap_or(v)
}

fn all_in(v: &str, f: impl Fn(char) -> bool) -> bool {
    v.chars().all(f)
}

fn is_digit_or_underscore(c: char) -> bool {
    c.is_ascii_digit() || c == '_'
}

/// The sexagesimal tail `(?::[0-5]?[0-9])+` up to the end of `v`: each group is one digit or
/// two digits starting with 0-5. Returns false when `v` is empty.
fn is_sexagesimal_tail(v: &str) -> bool {
    let Some(rest) = v.strip_prefix(':') else {
        return false;
    };
    rest.split(':').all(|group| {
        let b = group.as_bytes();
        match b {
            [d] => d.is_ascii_digit(),
            [d0, d1] => (b'0'..=b'5').contains(d0) && d1.is_ascii_digit(),
            _ => false,
        }
    })
}

/// PyYAML's int resolver:
/// `^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
///  |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`
fn is_int(v: &str) -> bool {
    let r = strip_sign(v);
    if let Some(bin) = r.strip_prefix("0b") {
        return !bin.is_empty() && all_in(bin, |c| matches!(c, '0' | '1' | '_'));
    }
    if let Some(hex) = r.strip_prefix("0x") {
        return !hex.is_empty() && all_in(hex, |c| c.is_ascii_hexdigit() || c == '_');
    }
    if let Some(oct) = r.strip_prefix('0') {
        return oct.is_empty() || all_in(oct, |c| matches!(c, '0'..='7' | '_'));
    }
    if !r.starts_with(|c: char| ('1'..='9').contains(&c)) {
        return false;
    }
    let head_len = r
        .find(|c: char| !is_digit_or_underscore(c))
        .unwrap_or(r.len());
    let tail = r.get(head_len..).unwrap_or("");
    tail.is_empty() || is_sexagesimal_tail(tail)
}

/// PyYAML's float resolver:
/// `^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
///  |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`
/// So `1e3` is a string (no dot), `1.e+3` a float, `-.5` a string (no sign before `.digits`).
fn is_float(v: &str) -> bool {
    if matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let r = strip_sign(v);
    if matches!(r, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if let Some(fraction) = v.strip_prefix('.') {
        // `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` (no sign)
        return fraction.starts_with(|c: char| c.is_ascii_digit())
            && is_fraction_exponent(fraction);
    }
    if !r.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let head_len = r
        .find(|c: char| !is_digit_or_underscore(c))
        .unwrap_or(r.len());
    let rest = r.get(head_len..).unwrap_or("");
    if let Some(fraction) = rest.strip_prefix('.') {
        return is_fraction_exponent(fraction);
    }
    // Sexagesimal: `(?::[0-5]?[0-9])+\.[0-9_]*`
    match rest.find('.') {
        Some(dot) => {
            let (groups, fraction) = rest.split_at(dot);
            is_sexagesimal_tail(groups)
                && all_in(fraction.get(1..).unwrap_or(""), is_digit_or_underscore)
        }
        None => false,
    }
}

/// `[0-9_]*(?:[eE][-+][0-9]+)?` to the end.
fn is_fraction_exponent(v: &str) -> bool {
    let digits = v
        .find(|c: char| !is_digit_or_underscore(c))
        .unwrap_or(v.len());
    let exponent = v.get(digits..).unwrap_or("");
    if exponent.is_empty() {
        return true;
    }
    let Some(exponent) = exponent.strip_prefix(['e', 'E']) else {
        return false;
    };
    let Some(exponent) = exponent.strip_prefix(['-', '+']) else {
        return false;
    };
    !exponent.is_empty() && all_in(exponent, |c| c.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Constructor
// ---------------------------------------------------------------------------------------------

/// Deepest nesting constructed (Python's recursion limit stops PyYAML near 1000 levels).
const MAX_DEPTH: usize = 400;
/// Most values built, counting alias copies (guards against alias bombs).
const MAX_VALUES: usize = 1_000_000;

/// PyYAML's `SafeConstructor` over the composed nodes.
struct Constructor<'a> {
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
    fn new(src: &'a Source, nodes: &'a [Node]) -> Self {
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
    fn construct(&mut self, index: usize, depth: usize) -> Result<Value, YamlError> {
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

/// Python's `int(text)` (base 10) or `int(text, base)`: surrounding whitespace, one sign, and
/// the matching `0b`/`0o`/`0x` prefix for bases 2, 8 and 16. `negate` multiplies by -1 (the
/// constructor's own sign), so that `i128::MIN` still fits.
fn py_int(text: &str, base: u32, negate: bool) -> Result<i128, String> {
    let invalid = || format!("invalid literal for int() with base {base}: {text:?}");
    let trimmed = text.trim();
    let (minus, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let negative = minus != negate;
    let prefix = match base {
        2 => Some(["0b", "0B"]),
        8 => Some(["0o", "0O"]),
        16 => Some(["0x", "0X"]),
        _ => None,
    };
    let digits = prefix
        .and_then(|p| p.iter().find_map(|p| digits.strip_prefix(p)))
        .unwrap_or(digits);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return Err(invalid());
    }
    let mut value: i128 = 0;
    for c in digits.chars() {
        let digit = i128::from(c.to_digit(base).unwrap_or(0));
        value = value
            .checked_mul(i128::from(base))
            .and_then(|v| {
                if negative {
                    v.checked_sub(digit)
                } else {
                    v.checked_add(digit)
                }
            })
            .ok_or_else(|| format!("integer {text} does not fit in 128 bits"))?;
    }
    Ok(value)
}

/// `construct_yaml_int`.
fn construct_int(text: &str) -> Result<i128, String> {
    let value: String = text.chars().filter(|&c| c != '_').collect();
    let negative = value.starts_with('-');
    let body = value.strip_prefix(['-', '+']).unwrap_or(&value);
    if value.is_empty() {
        return Err("invalid integer: empty value".to_string());
    }
    if body == "0" {
        Ok(0)
    } else if let Some(bin) = body.strip_prefix("0b") {
        py_int(bin, 2, negative)
    } else if let Some(hex) = body.strip_prefix("0x") {
        py_int(hex, 16, negative)
    } else if body.starts_with('0') {
        py_int(body, 8, negative)
    } else if body.contains(':') {
        // Sexagesimal: `1:20` is 1*60 + 20.
        let too_large = || format!("integer {text} does not fit in 128 bits");
        let mut total: i128 = 0;
        let mut base: i128 = 1;
        for part in body.split(':').rev() {
            let digit = py_int(part, 10, negative)?;
            total = digit
                .checked_mul(base)
                .and_then(|d| total.checked_add(d))
                .ok_or_else(too_large)?;
            base = base.checked_mul(60).unwrap_or(i128::MAX);
        }
        Ok(total)
    } else {
        py_int(body, 10, negative)
    }
}

/// Python's `float(text)`: surrounding whitespace, decimal or `inf`/`infinity`/`nan`.
fn py_float(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let body = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    let special = matches!(
        body.to_ascii_lowercase().as_str(),
        "inf" | "infinity" | "nan"
    );
    let numeric = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    if !special && !numeric {
        return Err(format!("could not convert string to float: {text:?}"));
    }
    trimmed
        .parse::<f64>()
        .map_err(|_| format!("could not convert string to float: {text:?}"))
}

/// `construct_yaml_float`.
fn construct_float(text: &str) -> Result<f64, String> {
    let value: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let sign = if value.starts_with('-') { -1.0 } else { 1.0 };
    let body = value.strip_prefix(['-', '+']).unwrap_or(&value);
    if value.is_empty() {
        return Err("invalid float: empty value".to_string());
    }
    if body == ".inf" {
        Ok(sign * f64::INFINITY)
    } else if body == ".nan" {
        Ok(f64::NAN)
    } else if body.contains(':') {
        let mut total = 0.0;
        let mut base = 1.0;
        for part in body.split(':').rev() {
            total += py_float(part)? * base;
            base *= 60.0;
        }
        Ok(sign * total)
    } else {
        Ok(sign * py_float(body)?)
    }
}

/// `construct_yaml_binary`: ASCII only, then `base64.decodebytes`, i.e. binascii's
/// non-strict `a2b_base64`: characters outside the alphabet are skipped, and a complete pad
/// ends the data.
fn construct_binary(text: &str) -> Result<Vec<u8>, String> {
    if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "failed to convert base64 data into ascii: {c:?} is not ASCII"
        ));
    }
    let sextet = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut quad, mut pads, mut left) = (0u8, 0u8, 0u8);
    let mut data_chars = 0usize;
    for c in text.bytes() {
        if c == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = sextet(c) else { continue };
        pads = 0;
        data_chars += 1;
        match quad {
            0 => left = v,
            1 => {
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => out.push((left << 6) | v),
        }
        quad = (quad + 1) % 4;
    }
    match quad {
        0 => Ok(out),
        1 => Err(format!(
            "failed to decode base64 data: Invalid base64-encoded string: number of data characters ({data_chars}) cannot be 1 more than a multiple of 4"
        )),
        _ => Err("failed to decode base64 data: Incorrect padding".to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

/// The fields of a timestamp matched by PyYAML's regexps.
#[derive(Debug, Default)]
struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    /// `(hour, minute, second, fraction digits)`.
    time: Option<(u32, u32, u32, String)>,
    /// `None`: naive; `Some(minutes east of UTC)`.
    offset: Option<i64>,
}

/// A cursor over ASCII text for the timestamp matcher.
struct Cursor<'s> {
    bytes: &'s [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Between `min` and `max` ASCII digits (greedy; PyYAML's regexps never need to backtrack).
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        while self.at - start < max && self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        if self.at - start < min {
            return None;
        }
        std::str::from_utf8(self.bytes.get(start..self.at)?)
            .ok()?
            .parse()
            .ok()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.bytes.get(self.at) == Some(&byte);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn blanks(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
        self.at - start
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

impl Timestamp {
    /// Matches PyYAML's timestamp regexps: with `resolver`, the implicit resolver's
    /// (`YYYY-MM-DD` with two-digit month and day, or a date-time); otherwise
    /// `SafeConstructor.timestamp_regexp` (one- or two-digit month and day, optional time).
    fn parse(text: &str, resolver: bool) -> Option<Timestamp> {
        let mut c = Cursor {
            bytes: text.as_bytes(),
            at: 0,
        };
        let mut stamp = Timestamp {
            year: c.digits(4, 4)?,
            ..Timestamp::default()
        };
        if !c.eat(b'-') {
            return None;
        }
        let date_start = c.at;
        stamp.month = c.digits(1, 2)?;
        if !c.eat(b'-') {
            return None;
        }
        stamp.day = c.digits(1, 2)?;
        if c.done() {
            // The resolver's date-only form wants exactly `[0-9]{4}-[0-9]{2}-[0-9]{2}`.
            return (!resolver || c.at - date_start == 5).then_some(stamp);
        }
        if !(c.eat(b'T') || c.eat(b't') || c.blanks() > 0) {
            return None;
        }
        let hour = c.digits(1, 2)?;
        let minute = if c.eat(b':') {
            c.digits(2, 2)?
        } else {
            return None;
        };
        let second = if c.eat(b':') {
            c.digits(2, 2)?
        } else {
            return None;
        };
        let mut fraction = String::new();
        if c.eat(b'.') {
            while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                fraction.push(char::from(d));
                c.at += 1;
            }
        }
        stamp.time = Some((hour, minute, second, fraction));
        if c.done() {
            return Some(stamp);
        }
        c.blanks();
        if c.eat(b'Z') {
            stamp.offset = Some(0);
        } else {
            let sign = match c.peek() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            c.at += 1;
            let tz_hour = i64::from(c.digits(1, 2)?);
            let tz_minute = if c.eat(b':') {
                i64::from(c.digits(2, 2)?)
            } else {
                0
            };
            stamp.offset = Some(sign * (tz_hour * 60 + tz_minute));
        }
        c.done().then_some(stamp)
    }

    /// `date.isoformat()` / `datetime.isoformat()`, after the range checks of Python's
    /// `date`, `datetime` and `timezone` constructors.
    fn isoformat(&self) -> Result<String, String> {
        let leap = self.year.is_multiple_of(4)
            && (!self.year.is_multiple_of(100) || self.year.is_multiple_of(400));
        let month_days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=9999).contains(&self.year) {
            return Err(format!("year {} is out of range", self.year));
        }
        let Some(&days) = month_days.get((self.month as usize).wrapping_sub(1)) else {
            return Err("month must be in 1..12".to_string());
        };
        if !(1..=days).contains(&self.day) {
            return Err("day is out of range for month".to_string());
        }
        let mut out = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        let Some((hour, minute, second, fraction)) = &self.time else {
            return Ok(out);
        };
        if *hour > 23 || *minute > 59 || *second > 59 {
            return Err("hour, minute or second out of range".to_string());
        }
        let _ = write!(out, "T{hour:02}:{minute:02}:{second:02}");
        // The fraction is cut to 6 digits and padded with zeros (microseconds).
        let micros: String = fraction
            .chars()
            .chain(std::iter::repeat('0'))
            .take(6)
            .collect();
        if micros != "000000" {
            let _ = write!(out, ".{micros}");
        }
        if let Some(offset) = self.offset {
            if offset.abs() >= 24 * 60 {
                return Err("offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)".to_string());
            }
            let sign = if offset < 0 { '-' } else { '+' };
            let _ = write!(
                out,
                "{sign}{:02}:{:02}",
                offset.abs() / 60,
                offset.abs() % 60
            );
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------------
// JSON (the oracle's `jsonable`)
// ---------------------------------------------------------------------------------------------

impl Value {
    /// The JSON form the reference oracle prints (shared/oracle/dump.py `jsonable`):
    /// timestamps → their string, NaN/inf → ".nan"/".inf"/"-.inf", sets → sorted list,
    /// bytes → latin-1 string, `Key::Other` → its JSON text as the key. Numbers carry Python's
    /// text (`1e+16`, ints of any size) when serde_json has `arbitrary_precision`.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => number(&i.to_string()),
            Value::Float(f) if f.is_nan() => J::String(".nan".to_string()),
            Value::Float(f) if f.is_infinite() => {
                J::String(if *f > 0.0 { ".inf" } else { "-.inf" }.to_string())
            }
            Value::Float(f) => number(&py_float_repr(*f)),
            Value::Str(s) | Value::Timestamp(s) => J::String(s.clone()),
            Value::Bytes(bytes) => J::String(bytes.iter().map(|&b| char::from(b)).collect()),
            Value::Seq(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Set(items) => {
                let mut items: Vec<J> = items.iter().map(Value::to_json).collect();
                items.sort_by(py_order);
                J::Array(items)
            }
            Value::Map(map) => J::Object(
                map.iter()
                    .map(|(key, value)| {
                        let key = match key {
                            Key::Str(s) | Key::Other(s) => s.clone(),
                        };
                        (key, value.to_json())
                    })
                    .collect(),
            ),
        }
    }
}

/// A JSON number from its text (exact with serde_json's `arbitrary_precision`).
fn number(text: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Number>(text)
        .map(serde_json::Value::Number)
        .unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

/// Python's `sorted()` order for the JSON forms of set elements: numbers (and bools) by value,
/// strings by code point. Python refuses mixed types; here they sort by kind.
fn py_order(a: &serde_json::Value, b: &serde_json::Value) -> std::cmp::Ordering {
    use serde_json::Value as J;
    let numeric = |v: &J| match v {
        J::Bool(b) => Some(f64::from(u8::from(*b))),
        J::Number(n) => n.as_f64(),
        _ => None,
    };
    let rank = |v: &J| match v {
        J::Null => 0,
        J::Bool(_) | J::Number(_) => 1,
        J::String(_) => 2,
        _ => 3,
    };
    match (a, b) {
        (J::String(x), J::String(y)) => x.cmp(y),
        _ => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            _ => rank(a).cmp(&rank(b)),
        },
    }
}

/// Python's `repr(float)` for a finite float: the shortest round-trip digits, positional for
/// exponents -4..16, otherwise `d.ddde+XX`.
fn py_float_repr(f: f64) -> String {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let point = exponent + 1; // digits before the decimal point
    if !(-4 < point && point <= 16) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{rest}e{esign}{:02}", exponent.abs());
    }
    if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = point as usize;
    if digits.len() <= point {
        let zeros = "0".repeat(point - digits.len());
        format!("{sign}{digits}{zeros}.0")
    } else {
        let (int, frac) = digits.split_at(point);
        format!("{sign}{int}.{frac}")
    }
}

/// `json.dumps` of a string with Python's default `ensure_ascii`.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// The value of a plain (unquoted, untagged) scalar as PyYAML resolves and constructs it; `None`
/// for the forms that need the full loader (merge keys, `=`, YAML tags) or fail to construct.
pub(crate) fn plain_scalar(text: &str) -> Option<Value> {
    // Shortcuts for the commonest scalars; `resolve_implicit` decides everything else. No
    // implicit resolver starts with a letter outside `yYnNtTfFoO`, so such words are strings.
    let first = text.as_bytes().first().copied().unwrap_or(b'~');
    if first.is_ascii_alphabetic() && !b"yYnNtTfFoO".contains(&first) || first == b'_' {
        return Some(Value::Str(text.to_string()));
    }
    if first != b'0'
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(v) = text.parse::<i128>()
    {
        return Some(Value::Int(v));
    }
    match resolve_implicit(text) {
        TAG_NULL => Some(Value::Null),
        TAG_BOOL => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" => Some(Value::Bool(true)),
            "no" | "false" | "off" => Some(Value::Bool(false)),
            _ => None,
        },
        TAG_INT => construct_int(text).ok().map(Value::Int),
        TAG_FLOAT => construct_float(text).ok().map(Value::Float),
        TAG_TIMESTAMP => Timestamp::parse(text, false)?
            .isoformat()
            .ok()
            .map(Value::Timestamp),
        TAG_STR => Some(Value::Str(text.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected result: the oracle's JSON text, or an error with PyYAML's 0-based
    /// `problem_mark` (line, column) when it has one.
    type Expected = Result<&'static str, Option<(usize, usize)>>;

    /// Inputs with the result PyYAML 6.0.4 `CSafeLoader` + the oracle's `jsonable` give.
    const CASES: &[(&str, Expected)] = &[
        // YAML 1.1 booleans
        (
            "a: yes\nb: No\nc: on\nd: OFF\ne: TRUE\nf: y\ng: n\nh: Yes",
            Ok(
                "{\"a\":true,\"b\":false,\"c\":true,\"d\":false,\"e\":true,\"f\":\"y\",\"g\":\"n\",\"h\":true}",
            ),
        ),
        // nulls
        (
            "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nul",
            Ok("{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":\"nul\"}"),
        ),
        // binary, octal, hex, underscores
        (
            "[0b1010, 017, -0x1F, 1_000, +12, 0, -0, 0_, 09, 0o17]",
            Ok("[10,15,-31,1000,12,0,0,0,\"09\",\"0o17\"]"),
        ),
        // sexagesimal
        (
            "[1:20, -1:30, 190:20:30, 1:60, 1:20.5]",
            Ok("[80,-90,685230,\"1:60\",80.5]"),
        ),
        // floats need a dot
        (
            "[10., 1e3, 1.e+3, 1.0e3, .5, -.5, +1.5, 1_0.0_1]",
            Ok("[10.0,\"1e3\",1000.0,\"1.0e3\",0.5,\"-.5\",1.5,10.01]"),
        ),
        // special floats
        (
            "[.inf, -.Inf, +.INF, .NaN, .nan, +.nan]",
            Ok("[\".inf\",\"-.inf\",\".inf\",\".nan\",\".nan\",\"+.nan\"]"),
        ),
        // float repr
        (
            "[100000000000000000.0, 1.0e+20, 0.1, 1.e-5, 0.0001, 123.456, -0.0]",
            Ok("[1e+17,1e+20,0.1,1e-05,0.0001,123.456,-0.0]"),
        ),
        // dates
        (
            "[2001-12-14, 2001-1-2, 2000-02-29]",
            Ok("[\"2001-12-14\",\"2001-1-2\",\"2000-02-29\"]"),
        ),
        // datetimes
        (
            "- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10 -5\n- 2001-12-14 21:59:43.1234567Z\n- 2001-12-14 2:59:43\n- 2001-12-15T02:59:43+05:30",
            Ok(
                "[\"2001-12-14T21:59:43.100000-05:00\",\"2001-12-14T21:59:43.100000-05:00\",\"2001-12-14T21:59:43.123456+00:00\",\"2001-12-14T02:59:43\",\"2001-12-15T02:59:43+05:30\"]",
            ),
        ),
        // invalid date
        ("d: 2001-13-14", Err(None)),
        // explicit timestamp
        ("!!timestamp 2001-1-2", Ok("\"2001-01-02\"")),
        // quoted and block scalars are strings
        (
            "a: 'yes'\nb: \"1\"\nc: |\n  10.\nd: >-\n  ~\n",
            Ok("{\"a\":\"yes\",\"b\":\"1\",\"c\":\"10.\\n\",\"d\":\"~\"}"),
        ),
        // literal and folded
        (
            "a: |\n  x\n  y\nb: >\n  a\n  b\n\n  c\n",
            Ok("{\"a\":\"x\\ny\\n\",\"b\":\"a b\\nc\\n\"}"),
        ),
        // block scalar at end without line break
        ("a: |\n  x\n  y", Ok("{\"a\":\"x\\ny\"}")),
        // merge key
        (
            "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
            Ok("{\"base\":{\"x\":1,\"y\":2},\"d\":{\"x\":1,\"y\":3}}"),
        ),
        // merge list: first wins
        (
            "a: &a {n: 1}\nb: &b {n: 2}\nc: {<<: [*a, *b]}",
            Ok("{\"a\":{\"n\":1},\"b\":{\"n\":2},\"c\":{\"n\":1}}"),
        ),
        // merge list quirk: longer keys dedupe by node
        (
            "a: &a {name: 1}\nb: &b {name: 2}\nc: {<<: [*a, *b]}",
            Ok("{\"a\":{\"name\":1},\"b\":{\"name\":2},\"c\":{\"name\":2}}"),
        ),
        // merge needs mappings
        ("{<<: 1}", Err(Some((0, 5)))),
        // value key
        ("{=: 1}", Ok("{\"=\":1}")),
        // value tag has no constructor
        ("a: =", Err(Some((0, 3)))),
        // merge tag has no constructor
        ("a: <<", Err(Some((0, 3)))),
        // explicit scalar tags
        (
            "- !!str 1\n- !!int \"12\"\n- !!float 1\n- !!bool TRUE\n- !!null x\n- !!int 0o17",
            Ok("[\"1\",12,1.0,true,null,15]"),
        ),
        // binary
        (
            "- !!binary aGVsbG8=\n- !!binary \"aG Vs\\nbG8=\"\n- !!binary 6Q==",
            Ok("[\"hello\",\"hello\",\"é\"]"),
        ),
        // bad binary
        ("!!binary aGVsbG8", Err(Some((0, 0)))),
        // set
        ("!!set {b, a, c}", Ok("[\"a\",\"b\",\"c\"]")),
        // omap and pairs
        (
            "o: !!omap [a: 1, b: 2]\np: !!pairs [a: 1, a: 2]",
            Ok("{\"o\":[[\"a\",1],[\"b\",2]],\"p\":[[\"a\",1],[\"a\",2]]}"),
        ),
        // seq tag on a mapping
        ("!!seq {a: 1}", Err(Some((0, 0)))),
        // unknown tag
        ("!foo x", Err(Some((0, 0)))),
        // non-specific tag resolves
        ("[! 123, ! \"123\", ! a, !]", Err(Some((0, 23)))),
        // verbatim and %TAG
        (
            "%TAG !e! tag:yaml.org,2002:\n---\n[!e!int \"7\", !<tag:yaml.org,2002:str> 5]",
            Ok("[7,\"5\"]"),
        ),
        // python tags are refused
        ("!!python/str x", Err(Some((0, 0)))),
        // non-string keys
        (
            "{1: a, 1.5: b, ~: c, true: d, 2001-12-14: e, 1e3: f}",
            Ok(
                "{\"1\":\"d\",\"1.5\":\"b\",\"null\":\"c\",\"\\\"2001-12-14\\\"\":\"e\",\"1e3\":\"f\"}",
            ),
        ),
        // equal keys: 1, 1.0 and true
        ("{1: a, true: b, 1.0: c}", Ok("{\"1\":\"c\"}")),
        // unhashable key
        ("{[a]: 1}", Err(Some((0, 1)))),
        // duplicate keys: first position, last value
        ("{a: 1, b: 2, a: 3}", Ok("{\"a\":3,\"b\":2}")),
        // anchors and aliases
        ("[&x 1, *x, &y [*x], *y]", Ok("[1,1,[1],[1]]")),
        // undefined alias
        ("[a, *x]", Err(Some((0, 4)))),
        // duplicate anchor
        ("[&a 1, &a 2]", Err(Some((0, 7)))),
        // anchor name charset
        ("[&a.b 1]", Err(Some((0, 3)))),
        // flow ':' before '['
        ("{ range:[0, 50] }", Err(Some((0, 7)))),
        // flow ':' before ','
        ("{a:, b}", Err(Some((0, 2)))),
        // flow ':' before '?'
        ("{a:?b}", Err(Some((0, 2)))),
        // flow ':' inside a key
        ("{b:c: 1}", Ok("{\"b:c\":1}")),
        // flow empty key
        ("{a: 1, : b}", Err(Some((0, 7)))),
        // flow key spanning lines
        ("{a\n: 1}", Err(Some((1, 0)))),
        // tag lines '@foo' '@bar: 1'
        ("foo\nbar: 1", Err(Some((1, 3)))),
        // two documents
        ("a: 1\n---\nb: 2", Err(Some((1, 0)))),
        // empty stream
        ("", Ok("null")),
        // only a comment
        ("# nothing", Ok("null")),
        // explicit empty document
        ("---\n...", Ok("null")),
        // %YAML 1.1
        ("%YAML 1.1\n---\na: 1", Ok("{\"a\":1}")),
        // %YAML 2.0
        ("%YAML 2.0\n---\na: 1", Err(Some((0, 0)))),
        // unknown directive
        ("%FOO bar\n---\na", Err(Some((0, 4)))),
        // tab at line start
        ("\ta: 1", Err(Some((0, 0)))),
        // tab after key colon
        ("a:\tb", Ok("{\"a\":\"b\"}")),
        // tab after block entry
        ("-\tfoo", Err(Some((0, 1)))),
        // tab in flow
        ("a: [1,\n\t2]", Ok("{\"a\":[1,2]}")),
        // tab before a plain continuation
        ("a: b\n\tc", Err(Some((1, 0)))),
        // tab in quoted continuation
        ("a: \"x\n\ty\"", Ok("{\"a\":\"x y\"}")),
        // control character
        ("a: \u{1}", Err(None)),
        // anchor name ends at ':'
        ("{&id: x}", Ok("{\"null\":\"x\"}")),
        // '?' in flow is the key indicator
        ("{?a: 1}", Ok("{\"a\":1}")),
        // tab before content in a flow line
        ("config: {\n\t id: 1}", Ok("{\"config\":{\"id\":1}}")),
        // NEL is a line break
        ("a: 1\u{85}b: 2", Ok("{\"a\":1,\"b\":2}")),
        // tag must be followed by a blank
        ("[!!str]", Err(Some((0, 6)))),
        // comment right after a flow mapping
        ("a: {b: 1}#c", Ok("{\"a\":{\"b\":1}}")),
        // lone dash in flow
        ("[-, a]", Ok("[\"-\",\"a\"]")),
        // flow lines at column 0
        (
            "config: {a: 1,\nb: 2}",
            Ok("{\"config\":{\"a\":1,\"b\":2}}"),
        ),
        // quoted continuation at column 0
        ("a: 'x\ny'", Ok("{\"a\":\"x y\"}")),
        // big int
        (
            "123456789012345678901234567890",
            Ok("123456789012345678901234567890"),
        ),
        // real: simulator limits
        (
            "config_simulator: { minimum: 10., maximum: 30 }",
            Ok("{\"config_simulator\":{\"minimum\":10.0,\"maximum\":30}}"),
        ),
        // real: config
        (
            "config: {zoned: true, id: \"org.qt-project.Qt.Example\"}",
            Ok("{\"config\":{\"zoned\":true,\"id\":\"org.qt-project.Qt.Example\"}}"),
        ),
        // real: domain
        (
            "config_simulator: { domain: [\"a\", \"b\"] }",
            Ok("{\"config_simulator\":{\"domain\":[\"a\",\"b\"]}}"),
        ),
        // real: '@ a: 1 // x'
        (" a: 1 // x", Ok("{\"a\":\"1 // x\"}")),
        // real: several tag lines
        (
            "config: { zoned: true }\nconfig_simulator: { default: 15 }\ndesigner: { name: \"Climate Control\" }",
            Ok(
                "{\"config\":{\"zoned\":true},\"config_simulator\":{\"default\":15},\"designer\":{\"name\":\"Climate Control\"}}",
            ),
        ),
        // real: block YAML across lines
        (
            "config:\n  zoned: true\n  id: example.qtivi.ClimateControl/1.0\nasync: true",
            Ok(
                "{\"config\":{\"zoned\":true,\"id\":\"example.qtivi.ClimateControl/1.0\"},\"async\":true}",
            ),
        ),
        // real: sidecar file
        (
            "org.example.echo:\n    config:\n        disablePrivateIVI: true\norg.example.echo.Echo#intValue:\n    config_simulator:\n        range: [10, 33]\n        default: 11\n",
            Ok(
                "{\"org.example.echo\":{\"config\":{\"disablePrivateIVI\":true}},\"org.example.echo.Echo#intValue\":{\"config_simulator\":{\"range\":[10,33],\"default\":11}}}",
            ),
        ),
        // real: quoted URL
        (
            "config_simulator: { simulationFile: \"qrc:/simulation.qml\" }",
            Ok("{\"config_simulator\":{\"simulationFile\":\"qrc:/simulation.qml\"}}"),
        ),
        // real: getter
        (
            "config: { getter_name: \"isEchoEnabled\" }",
            Ok("{\"config\":{\"getter_name\":\"isEchoEnabled\"}}"),
        ),
    ];

    #[test]
    fn matches_pyyaml() {
        let mut failures = Vec::new();
        for (text, expected) in CASES {
            let got = load(text);
            let ok = match (&got, expected) {
                (Ok(value), Ok(json)) => {
                    serde_json::from_str::<serde_json::Value>(json).ok() == Some(value.to_json())
                }
                (Err(err), Err(Some((line, column)))) => err.line == *line && err.column == *column,
                (Err(_), Err(None)) => true,
                _ => false,
            };
            if !ok {
                failures.push(format!("{text:?}: got {got:?}, expected {expected:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    fn map(entries: &[(Key, Value)]) -> Value {
        Value::Map(entries.iter().cloned().collect())
    }

    #[test]
    fn builds_python_types() {
        let value = load("a: 1\nb: 2.5\nc: 2001-12-14\nd: !!binary 6Q==\ne: !!set {x}\n1: ~").ok();
        let expected = map(&[
            (Key::Str("a".into()), Value::Int(1)),
            (Key::Str("b".into()), Value::Float(2.5)),
            (Key::Str("c".into()), Value::Timestamp("2001-12-14".into())),
            (Key::Str("d".into()), Value::Bytes(vec![0xe9])),
            (
                Key::Str("e".into()),
                Value::Set(vec![Value::Str("x".into())]),
            ),
            (Key::Other("1".into()), Value::Null),
        ]);
        assert_eq!(value, Some(expected));
    }

    #[test]
    fn non_string_keys_are_json_text() {
        let value =
            load("{2001-12-14: a, 1.5: b, ~: c, true: d, 1e16: e, !!float 1e16: f, .nan: g}");
        let keys: Vec<Key> = match value {
            Ok(Value::Map(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let other = |s: &str| Key::Other(s.to_string());
        let expected = vec![
            other("\"2001-12-14\""),
            other("1.5"),
            other("null"),
            other("true"),
            Key::Str("1e16".into()),
            other("1e+16"),
            other("\".nan\""),
        ];
        assert_eq!(keys, expected);
    }

    #[test]
    fn empty_streams_are_null() {
        for text in ["", "\n", "# c", "---", "--- \n...\n"] {
            assert_eq!(load(text).ok(), Some(Value::Null), "{text:?}");
        }
    }

    #[test]
    fn errors_point_into_the_text() {
        let err = load("config: { range:[0, 50] }").err();
        let err = err
            .as_ref()
            .map(|e| (e.line, e.column, e.message.contains("found unexpected ':'")));
        assert_eq!(err, Some((0, 15, true)));
        let err = load("a: 1\nb: [1,\n  2\nc: 3")
            .err()
            .map(|e| (e.line, e.column));
        assert!(err.is_some_and(|(line, _)| line >= 2), "{err:?}");
        let shown = load("a: b: c")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(shown.contains("(line 1, column 5)"), "{shown}");
    }

    #[test]
    fn python_float_repr() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (10.0, "10.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.5e300, "1.5e+300"),
            (123.456, "123.456"),
            (5e-324, "5e-324"),
        ];
        for (value, text) in cases {
            assert_eq!(py_float_repr(value), text);
        }
    }

    #[test]
    fn ints_use_the_full_i128_range() {
        assert_eq!(
            load("-170141183460469231731687303715884105728").ok(),
            Some(Value::Int(i128::MIN))
        );
        assert!(load("170141183460469231731687303715884105728").is_err());
        assert_eq!(
            load("123456789012345678901234567890")
                .ok()
                .map(|v| v.to_json().to_string()),
            Some("123456789012345678901234567890".to_string())
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut text = String::from("a0: &a0 [x]\n");
        for i in 1..700 {
            text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        assert!(load(&text).is_err());
        let brackets = format!("{}{}", "[".repeat(2000), "]".repeat(2000));
        assert!(load(&brackets).is_err());
        assert!(load("&r [1, *r]").is_err());
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let items = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let message = load(&text).err().map(|e| e.message).unwrap_or_default();
        assert!(message.contains("too large"), "{message}");
    }

    /// Every prefix and a few corruptions of a text using most of the syntax: any result, but
    /// no panic.
    #[test]
    fn never_panics() {
        let text = "%YAML 1.1\n--- !!map\nbase: &b {x: 1, 'y': \"2\\n\"}\nd:\n  <<: [*b]\n  ? [k]\n  : |+\n    lit\n  f: >-\n    a\n  s: !!set {a, b}\n  t: 2001-12-14 1:2:03.5 +1\n  - x\n\t{a:[b,]}\n...\n";
        let chars: Vec<char> = text.chars().collect();
        for end in 0..=chars.len() {
            let prefix: String = chars.iter().take(end).collect();
            let _ = load(&prefix);
            for insert in [
                '\t', ':', '?', '-', '#', '&', '*', '!', '|', '"', '\'', '[', '}', '\n', '\u{85}',
            ] {
                let mut changed = chars.clone();
                changed.insert(end, insert);
                let changed: String = changed.into_iter().collect();
                let _ = load(&changed);
            }
        }
    }
}
