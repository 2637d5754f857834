//! Events (saphyr-parser): saphyr's events, owned, with spans in input characters; where saphyr
//! (YAML 1.2) rejects or splits differently what libyaml accepts, value-preserving text patches
//! and another parse.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::lint::{
    check_anchor_name, flow_parents, is_blank_or_break, is_flow_indicator, read_properties,
};
use super::source::{Located, Source};
use super::value::YamlError;

/// A parser event, owned, with the fields this module needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ev {
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
pub(super) enum Style {
    Plain,
    Quoted,
    Block,
}

/// An event with its span as character indices `[start, end)`.
#[derive(Debug, Clone)]
pub(super) struct Spanned {
    pub(super) ev: Ev,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The events up to the end of the first document (plus the next document start, if any), and
/// saphyr's error with its character index, if it stopped on one.
pub(super) struct Events {
    pub(super) list: Vec<Spanned>,
    pub(super) error: Option<(usize, YamlError)>,
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
pub(super) fn parse_events(src: &Source) -> Events {
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
pub(super) fn is_anchor_terminator(c: char) -> bool {
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
