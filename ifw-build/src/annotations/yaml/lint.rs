//! libyaml compatibility checks: where saphyr accepts text that libyaml rejects, find the first
//! place libyaml would stop.

use std::collections::HashMap;

use super::events::{Ev, Spanned, Style, is_anchor_terminator};
use super::source::{Located, Source};
use super::value::YamlError;

/// Node properties (`&anchor`, `!tag`) at the start of a node's span.
pub(super) struct Properties {
    /// `(start, end)` of each anchor name (after the `&`).
    pub(super) anchors: Vec<(usize, usize)>,
    /// Index just after each tag.
    tag_ends: Vec<usize>,
    /// Index of the first character after the properties and the blanks that follow them.
    pub(super) content: usize,
    /// Index just after the last property (`start` when there is none).
    end: usize,
}

/// Flow indicators in YAML 1.2 (they end anchors and tags in saphyr).
pub(super) fn is_flow_indicator(c: char) -> bool {
    matches!(c, ',' | '[' | ']' | '{' | '}')
}

pub(super) fn is_blank_or_break(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Reads `&anchor` and `!tag` properties from `start` (within `[start, limit)`).
pub(super) fn read_properties(src: &Source, start: usize, limit: usize) -> Properties {
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
pub(super) fn check_anchor_name(src: &Source, start: usize, what: &str) -> Result<(), Located> {
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
pub(super) fn lint(src: &Source, events: &[Spanned], limit: usize) -> Option<(usize, YamlError)> {
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
pub(super) fn flow_parents(src: &Source, events: &[Spanned]) -> Vec<bool> {
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
