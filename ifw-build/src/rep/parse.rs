//! The `.rep` grammar (repc's `parser.g`, Qt 6.7+ snapshot) over the tokens of [`super::lex`].
//!
//! repc is an LALR(1) parser; this is a recursive-descent parser for the same language. Blank
//! lines and comments are free between class items and top-level declarations; inside `ENUM` and
//! bracket-form `POD` bodies they follow repc's narrower rules. The semantic actions (argument and
//! property splitting) reproduce repc's string handling, including its oddities, because the
//! class signature is computed from the strings they produce.

use super::error::{RepError, RepErrorKind};
use super::lex::{Tok, Token, pcre_space, tokenize};
use super::schema::{
    Class, Enum, EnumValue, Flag, Function, Model, Modifier, Param, Pod, PodMember, Property,
    PropertyKind, RepFile, RepWarning, Span, SubClass,
};

/// Deepest template nesting accepted in a bracket-form POD member (`QList<QList<…>>`).
const MAX_TEMPLATE_DEPTH: usize = 64;

/// Parses the text of a `.rep` file.
///
/// ```
/// let file = ifw_build::rep::parse("class Car\n{\n    PROP(int speed READONLY)\n    SLOT(void honk())\n}\n")?;
/// assert_eq!(file.classes[0].properties[0].name, "speed");
/// # Ok::<(), ifw_build::rep::RepError>(())
/// ```
pub fn parse(text: &str) -> Result<RepFile, RepError> {
    let (tokens, lex_stop) = tokenize(text);
    Parser {
        text,
        tokens,
        lex_stop,
        pos: 0,
        line_starts: line_starts(text),
        file: RepFile::default(),
    }
    .file()
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// `QChar::isSpace`.
pub(crate) fn qt_is_space(c: char) -> bool {
    matches!(c, ' ' | '\t'..='\r' | '\u{85}' | '\u{a0}') || (!c.is_ascii() && c.is_whitespace())
}

/// `QString::trimmed`.
pub(crate) fn qt_trim(s: &str) -> &str {
    s.trim_matches(qt_is_space)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token<'a>>,
    lex_stop: Option<usize>,
    pos: usize,
    line_starts: Vec<usize>,
    file: RepFile,
}

impl<'a> Parser<'a> {
    // ----- token access -------------------------------------------------------------------

    fn peek(&self) -> Option<Tok<'a>> {
        self.tokens.get(self.pos).map(|t| t.tok)
    }

    /// Takes the current token (callers have seen it with [`Self::peek`]).
    fn bump(&mut self) -> Token<'a> {
        let end = self.text.len();
        let token = self.tokens.get(self.pos).copied().unwrap_or(Token {
            tok: Tok::Newline,
            start: end,
            end,
        });
        self.pos += 1;
        token
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(Tok::Newline) {
            self.pos += 1;
        }
    }

    /// `Comments?` where each comment takes the line breaks after it.
    fn skip_comments(&mut self) {
        while matches!(self.peek(), Some(Tok::Comment | Tok::MComment)) {
            self.pos += 1;
            self.skip_newlines();
        }
    }

    /// Line breaks and comments in any order; the index of the first comment, if any.
    fn skip_blank(&mut self) -> Option<usize> {
        let mut first_comment = None;
        loop {
            match self.peek() {
                Some(Tok::Newline) => {}
                Some(Tok::Comment | Tok::MComment) => {
                    first_comment.get_or_insert(self.pos);
                }
                _ => return first_comment,
            }
            self.pos += 1;
        }
    }

    // ----- positions and errors -----------------------------------------------------------

    fn span_at(&self, offset: usize) -> Span {
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let line_start = self.line_starts[line.saturating_sub(1)];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count());
        Span {
            offset,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// Where a token starts, past the blanks some patterns swallow in front of it.
    fn span_of(&self, token: &Token<'_>) -> Span {
        let text = &self.text[token.start..token.end];
        let blanks = text.len() - text.trim_start_matches([' ', '\t']).len();
        let offset = if blanks == text.len() {
            token.start
        } else {
            token.start + blanks
        };
        self.span_at(offset)
    }

    fn error(&self, span: Span, kind: RepErrorKind) -> RepError {
        RepError { span, kind }
    }

    fn error_at_token(&self, index: usize, kind: RepErrorKind) -> RepError {
        match self.tokens.get(index) {
            Some(token) => self.error(self.span_of(token), kind),
            None => self.error(self.span_at(self.text.len()), kind),
        }
    }

    /// The current token is not one of `expected`.
    fn unexpected(&self, expected: &'static str) -> RepError {
        match self.tokens.get(self.pos) {
            Some(token) => self.error(
                self.span_of(token),
                RepErrorKind::Unexpected {
                    found: self.describe(token),
                    expected,
                },
            ),
            None => self.at_end_error(Some(expected)),
        }
    }

    /// The error at the end of the token stream: text no token matches, or the end of the file.
    fn at_end_error(&self, expected: Option<&'static str>) -> RepError {
        match (self.lex_stop, expected) {
            (Some(at), _) => {
                let rest = &self.text[at..];
                let text: String = rest
                    .lines()
                    .next()
                    .unwrap_or(rest)
                    .chars()
                    .take(20)
                    .collect();
                self.error(self.span_at(at), RepErrorKind::UnknownToken { text })
            }
            (None, Some(expected)) => self.error(
                self.span_at(self.text.len()),
                RepErrorKind::Unexpected {
                    found: "end of file".into(),
                    expected,
                },
            ),
            (None, None) => self.error(self.span_at(self.text.len()), RepErrorKind::Empty),
        }
    }

    fn describe(&self, token: &Token<'_>) -> String {
        match token.tok {
            Tok::Newline => "line break".into(),
            Tok::Comment | Tok::MComment => "comment".into(),
            _ => {
                let text = self.text[token.start..token.end].trim();
                let first = text.lines().next().unwrap_or(text);
                let mut shown: String = first.chars().take(40).collect();
                if shown.len() < text.len() {
                    shown.push('…');
                }
                format!("`{shown}`")
            }
        }
    }

    // ----- grammar ------------------------------------------------------------------------

    fn file(mut self) -> Result<RepFile, RepError> {
        self.skip_newlines();
        if self.peek().is_none() {
            return Err(self.at_end_error(None));
        }
        while self.peek().is_some() {
            self.top_level_item()?;
        }
        if self.lex_stop.is_some() {
            return Err(self.at_end_error(None));
        }
        Ok(self.file)
    }

    fn top_level_item(&mut self) -> Result<(), RepError> {
        let Some(tok) = self.peek() else {
            return Err(self.unexpected("a declaration"));
        };
        let wrong_scope = |item| RepErrorKind::WrongScope {
            item,
            scope: "class",
        };
        match tok {
            Tok::Directive(line) => {
                self.bump();
                self.directive(line);
                self.skip_newlines();
            }
            Tok::Pod { .. } => {
                let token = self.bump();
                self.pod_parenthesised(&token)?;
                self.skip_newlines();
            }
            Tok::Pod2 { .. } => self.pod_bracketed()?,
            Tok::Class { .. } => self.class()?,
            Tok::UseEnum { name } => {
                self.bump();
                self.file.enum_uses.push(name.to_owned());
                self.skip_newlines();
            }
            Tok::Comment | Tok::MComment => {
                self.bump();
                self.skip_newlines();
            }
            Tok::Enum { .. } => {
                let parsed = self.enum_decl()?;
                self.file.enums.push(parsed);
            }
            Tok::Flag { name, enum_name } => {
                let token = self.bump();
                if !self.file.enums.iter().any(|e| e.name == enum_name) {
                    return Err(self.error(
                        self.span_of(&token),
                        RepErrorKind::UnknownFlagEnum {
                            enum_name: enum_name.to_owned(),
                            scope: "global",
                        },
                    ));
                }
                let span = self.span_of(&token);
                self.file.flags.push(flag(name, enum_name, span));
                self.skip_newlines();
            }
            Tok::Signal { .. } => return Err(self.error_here(wrong_scope("SIGNAL"))),
            Tok::Slot { .. } => return Err(self.error_here(wrong_scope("SLOT"))),
            Tok::Prop { .. } => return Err(self.error_here(wrong_scope("PROP"))),
            Tok::Model { .. } => return Err(self.error_here(wrong_scope("MODEL"))),
            Tok::ChildRep { .. } => return Err(self.error_here(wrong_scope("CLASS"))),
            _ => {
                return Err(self.unexpected(
                    "a declaration (class, POD, ENUM, FLAG, USE_ENUM, a # line or a comment)",
                ));
            }
        }
        Ok(())
    }

    fn error_here(&self, kind: RepErrorKind) -> RepError {
        self.error_at_token(self.pos, kind)
    }

    fn directive(&mut self, line: &str) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // repc tests `startsWith("#HEADER")` and keeps what follows the first 8 characters.
        let after_keyword = |line: &str| line.chars().skip(8).collect::<String>();
        if line.starts_with("#HEADER") {
            self.file.header_lines.push(after_keyword(line));
        } else if line.starts_with("#FOOTER") {
            self.file.footer_lines.push(after_keyword(line));
        } else {
            self.file.includes.push(line.to_owned());
        }
    }

    /// `Start`: the `{` after a class or POD head, which must not be preceded by a comment.
    fn open_brace(&mut self, keyword: &'static str, name: &str) -> Result<(), RepError> {
        if matches!(self.peek(), Some(Tok::Comment | Tok::MComment)) {
            return Err(self.error_here(RepErrorKind::CommentBeforeBrace {
                keyword,
                name: name.to_owned(),
            }));
        }
        if self.peek() != Some(Tok::Start) {
            return Err(self.unexpected("`{`"));
        }
        self.bump();
        self.skip_newlines();
        Ok(())
    }

    fn close_brace(&mut self, expected: &'static str) -> Result<(), RepError> {
        if self.peek() != Some(Tok::Stop) {
            return Err(self.unexpected(expected));
        }
        self.bump();
        self.skip_newlines();
        Ok(())
    }

    fn class(&mut self) -> Result<(), RepError> {
        let token = self.bump();
        let Tok::Class { attribute, name } = token.tok else {
            return Err(self.unexpected("`class`"));
        };
        let mut class = Class {
            name: name.to_owned(),
            compiler_attribute: attribute.map(str::to_owned),
            span: self.span_of(&token),
            ..Class::default()
        };
        self.skip_newlines();
        self.open_brace("class", name)?;
        loop {
            self.skip_blank();
            let Some(tok) = self.peek() else {
                return Err(self.unexpected("a class item or `}`"));
            };
            if tok == Tok::Stop {
                self.close_brace("`}`")?;
                break;
            }
            self.class_item(&mut class, tok)?;
        }
        self.file.classes.push(class);
        Ok(())
    }

    fn class_item(&mut self, class: &mut Class, tok: Tok<'a>) -> Result<(), RepError> {
        match tok {
            Tok::Enum { .. } => {
                let parsed = self.enum_decl()?;
                class.enums.push(parsed);
                return Ok(());
            }
            Tok::Class { .. } => return Err(self.error_here(RepErrorKind::NestedClass)),
            Tok::Pod { .. } => {
                return Err(self.error_here(RepErrorKind::WrongScope {
                    item: "POD",
                    scope: "global",
                }));
            }
            Tok::UseEnum { .. } => {
                return Err(self.error_here(RepErrorKind::WrongScope {
                    item: "USE_ENUM",
                    scope: "global",
                }));
            }
            Tok::Prop { .. }
            | Tok::Signal { .. }
            | Tok::Slot { .. }
            | Tok::Model { .. }
            | Tok::ChildRep { .. }
            | Tok::Flag { .. } => {}
            _ => {
                return Err(self.unexpected(
                    "a class item (PROP, SIGNAL, SLOT, MODEL, CLASS, ENUM, FLAG) or `}`",
                ));
            }
        }
        let token = self.bump();
        let span = self.span_of(&token);
        match tok {
            Tok::Prop { args } => {
                let property = parse_property(args, span).map_err(|kind| self.error(span, kind))?;
                class.properties.push(property);
            }
            Tok::Signal { name, args } => class.signals.push(Function {
                name: qt_trim(name).to_owned(),
                return_type: "void".into(),
                params: parse_arguments(qt_trim(args)),
                span,
            }),
            Tok::Slot { head, args } => {
                let (function, implicit_void) = parse_slot(head, args, span);
                if implicit_void {
                    self.file.warnings.push(RepWarning::ImplicitVoid {
                        slot: function.name.clone(),
                        span,
                    });
                }
                class.slots.push(function);
            }
            Tok::Model { name, args } => {
                let name = qt_trim(name).to_owned();
                let roles = qt_trim(args);
                let roles = if roles.is_empty() {
                    Vec::new()
                } else {
                    roles.split(',').map(|r| qt_trim(r).to_owned()).collect()
                };
                class.models.push(Model {
                    name: name.clone(),
                    roles,
                    property_index: class.properties.len(),
                    span,
                });
                class.properties.push(Property {
                    name,
                    type_name: "QAbstractItemModel".into(),
                    default_value: None,
                    modifier: Modifier::SourceOnlySetter,
                    persisted: false,
                    kind: PropertyKind::Model,
                    span,
                });
            }
            Tok::ChildRep { name, class_name } => {
                let name = qt_trim(name).to_owned();
                let class_name = qt_trim(class_name).to_owned();
                class.sub_classes.push(SubClass {
                    name: name.clone(),
                    class_name: class_name.clone(),
                    property_index: class.properties.len(),
                    span,
                });
                class.properties.push(Property {
                    name,
                    type_name: class_name,
                    default_value: None,
                    modifier: Modifier::SourceOnlySetter,
                    persisted: false,
                    kind: PropertyKind::Class,
                    span,
                });
            }
            Tok::Flag { name, enum_name } => {
                if !class.enums.iter().any(|e| e.name == enum_name) {
                    return Err(self.error(
                        span,
                        RepErrorKind::UnknownFlagEnum {
                            enum_name: enum_name.to_owned(),
                            scope: "class",
                        },
                    ));
                }
                class.flags.push(flag(name, enum_name, span));
            }
            _ => {}
        }
        Ok(())
    }

    /// `ENUM [class] Name [: type] { A, B = 2, … }` with the line breaks after it.
    fn enum_decl(&mut self) -> Result<Enum, RepError> {
        let token = self.bump();
        let Tok::Enum {
            scoped,
            name,
            underlying,
        } = token.tok
        else {
            return Err(self.unexpected("`ENUM`"));
        };
        let mut parsed = Enum {
            name: name.to_owned(),
            scoped,
            underlying_type: underlying.map(str::to_owned),
            values: Vec::new(),
            span: self.span_of(&token),
        };
        // No line break between the head and `{` (only a comment, which takes its line break).
        self.skip_comments();
        if self.peek() != Some(Tok::Start) {
            return Err(self.unexpected("`{` on the line of the ENUM"));
        }
        self.bump();
        self.skip_newlines();
        let mut value: i32 = -1;
        loop {
            self.skip_comments();
            let Some(Tok::Symbol(key)) = self.peek() else {
                return Err(self.unexpected("an enumerator name"));
            };
            self.bump();
            if self.peek() == Some(Tok::Equals) {
                self.bump();
                let Some(Tok::Value(text)) = self.peek() else {
                    return Err(self.unexpected("an integer value"));
                };
                self.bump();
                value = enum_value(text);
            } else {
                value = value.wrapping_add(1);
            }
            parsed.values.push(EnumValue {
                name: key.to_owned(),
                value,
            });
            self.skip_newlines();
            if self.peek() != Some(Tok::Comma) {
                break;
            }
            self.bump();
            self.skip_newlines();
        }
        self.close_brace("`,` or `}`")?;
        Ok(parsed)
    }

    /// `POD Name(type a, type b)`.
    fn pod_parenthesised(&mut self, token: &Token<'a>) -> Result<(), RepError> {
        let Tok::Pod {
            attribute,
            name,
            types,
        } = token.tok
        else {
            return Ok(());
        };
        let span = self.span_of(token);
        let types = qt_trim(types);
        if types.is_empty() {
            self.file.warnings.push(RepWarning::EmptyPod {
                name: name.to_owned(),
                span,
            });
            return Ok(());
        }
        // Qt 6.7+: a word that is `ENUM` or starts with `ENUM` + a non-identifier character.
        let has_enum = types.split(' ').any(|word| {
            word.strip_prefix("ENUM").is_some_and(|rest| {
                rest.chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
            })
        });
        if has_enum {
            return Err(self.error(span, RepErrorKind::EnumInParenthesisedPod));
        }
        self.file.pods.push(Pod {
            name: name.to_owned(),
            compiler_attribute: attribute.map(str::to_owned),
            members: pod_members(types),
            enums: Vec::new(),
            flags: Vec::new(),
            bracket_form: false,
            span,
        });
        Ok(())
    }

    /// `POD Name { ENUM E {…} FLAG(Fs E) type a, type b }`.
    fn pod_bracketed(&mut self) -> Result<(), RepError> {
        let token = self.bump();
        let Tok::Pod2 { attribute, name } = token.tok else {
            return Err(self.unexpected("`POD`"));
        };
        let mut pod = Pod {
            name: name.to_owned(),
            compiler_attribute: attribute.map(str::to_owned),
            bracket_form: true,
            span: self.span_of(&token),
            ..Pod::default()
        };
        self.skip_newlines();
        self.open_brace("POD", name)?;
        // repc rebuilds the member list as text from the tokens and splits it as it splits
        // `POD Name(…)` arguments.
        let mut members = String::new();
        let mut seen_item = false;
        let mut after_comma = false;
        loop {
            let comment = self.skip_blank();
            let Some(tok) = self.peek() else {
                return Err(self.unexpected("a POD member or `}`"));
            };
            match tok {
                Tok::Stop if !after_comma => {
                    self.close_brace("`}`")?;
                    break;
                }
                Tok::Enum { .. } => {
                    let parsed = self.enum_decl()?;
                    pod.enums.push(parsed);
                }
                Tok::Flag { name, enum_name } => {
                    let token = self.bump();
                    let span = self.span_of(&token);
                    if !pod.enums.iter().any(|e| e.name == enum_name) {
                        return Err(self.error(
                            span,
                            RepErrorKind::UnknownFlagEnum {
                                enum_name: enum_name.to_owned(),
                                scope: "pod",
                            },
                        ));
                    }
                    pod.flags.push(flag(name, enum_name, span));
                }
                Tok::Comma | Tok::Qualifier(_) | Tok::Symbol(_) if comment.is_some() => {
                    return Err(self.error_at_token(
                        comment.unwrap_or(self.pos),
                        RepErrorKind::Unexpected {
                            found: "comment".into(),
                            expected: "a POD member (comments in a POD body may only precede ENUM, FLAG or `}`)",
                        },
                    ));
                }
                Tok::Comma if seen_item && !after_comma => {
                    self.bump();
                    members.push(',');
                    after_comma = true;
                    continue;
                }
                Tok::Qualifier(_) | Tok::Symbol(_) => {
                    self.decorated_type(&mut members, 0)?;
                    let Some(Tok::Symbol(member)) = self.peek() else {
                        return Err(self.unexpected("a member name"));
                    };
                    self.bump();
                    members.push(' ');
                    members.push_str(member);
                }
                _ => return Err(self.unexpected("a POD member, ENUM, FLAG or `}`")),
            }
            seen_item = true;
            after_comma = false;
        }
        pod.members = pod_members(&members);
        self.file.pods.push(pod);
        Ok(())
    }

    /// `[qualifier] Type[<Type, …>] [&]` in a bracket-form POD, appended to `out` as repc does.
    fn decorated_type(&mut self, out: &mut String, depth: usize) -> Result<(), RepError> {
        if depth > MAX_TEMPLATE_DEPTH {
            return Err(self.unexpected("a shallower template nesting"));
        }
        if let Some(Tok::Qualifier(qualifier)) = self.peek() {
            self.bump();
            out.push_str(qualifier);
            out.push(' ');
        }
        let Some(Tok::Symbol(name)) = self.peek() else {
            return Err(self.unexpected("a type name"));
        };
        self.bump();
        out.push_str(name);
        if self.peek() == Some(Tok::TStart) {
            self.bump();
            out.push('<');
            loop {
                self.decorated_type(out, depth + 1)?;
                if self.peek() != Some(Tok::Comma) {
                    break;
                }
                self.bump();
                out.push(',');
                self.skip_newlines();
            }
            if self.peek() != Some(Tok::TStop) {
                return Err(self.unexpected("`,` or `>`"));
            }
            self.bump();
            out.push('>');
        }
        if self.peek() == Some(Tok::PassByRef) {
            self.bump();
            out.push_str(" &");
        }
        Ok(())
    }
}

fn flag(name: &str, enum_name: &str, span: Span) -> Flag {
    Flag {
        name: name.to_owned(),
        enum_name: enum_name.to_owned(),
        span,
    }
}

fn pod_members(text: &str) -> Vec<PodMember> {
    parse_arguments(text)
        .into_iter()
        .map(|p| PodMember {
            type_name: p.type_name,
            name: p.name,
        })
        .collect()
}

/// An enumerator value as `QString::toInt` reads it (0 when it does not fit an `int`).
fn enum_value(text: &str) -> i32 {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => text.parse::<i64>().ok(),
    };
    parsed.and_then(|v| i32::try_from(v).ok()).unwrap_or(0)
}

/// repc's `stripArgs`: drop `//` comments line by line and join the lines without separator.
fn strip_args(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.push_str(line.split_once("//").map_or(line, |(code, _)| code));
    }
    out
}

/// repc's `TypeParser::parseArguments`: split `const QList<int> &a, QString b` into parameters.
///
/// A leading `const` and any `&` become flags; a word after the type is the name, whatever
/// characters it holds (`second=0`, `*p`); an unnamed parameter is `__repc_variable_N`.
pub(crate) fn parse_arguments(text: &str) -> Vec<Param> {
    let text = strip_args(text);
    let mut params = Vec::new();
    let mut unnamed = 0;
    let mut depth: i32 = 0;
    let mut in_template = false;
    let mut in_name = false;
    let mut type_name = String::new();
    let mut name = String::new();
    let (mut is_const, mut is_reference) = (false, false);
    let mut finish = |type_name: &mut String, name: &mut String, is_const, is_reference| {
        let trimmed = qt_trim(name);
        let name = if trimmed.is_empty() {
            unnamed += 1;
            format!("__repc_variable_{unnamed}")
        } else {
            trimmed.to_owned()
        };
        params.push(Param {
            type_name: std::mem::take(type_name),
            name,
            is_const,
            is_reference,
        });
    };
    for c in text.chars() {
        match c {
            '<' => {
                type_name.push(c);
                in_template = true;
                depth += 1;
            }
            '>' => {
                type_name.push(c);
                depth -= 1;
                if depth == 0 {
                    in_template = false;
                }
            }
            c if qt_is_space(c) => {
                if in_template {
                    type_name.push(c);
                } else if !type_name.is_empty() {
                    if type_name == "const" {
                        type_name.clear();
                        is_const = true;
                    } else {
                        in_name = true;
                    }
                }
            }
            '&' => is_reference = true,
            ',' if !in_template => {
                finish(&mut type_name, &mut name, is_const, is_reference);
                name.clear();
                (is_const, is_reference, in_name) = (false, false, false);
            }
            _ if in_name => name.push(c),
            _ => type_name.push(c),
        }
    }
    if !type_name.is_empty() {
        finish(&mut type_name, &mut name, is_const, is_reference);
    }
    params
}

/// repc's `SLOT` action: `[ReturnType ]name` + arguments. Returns the function and whether the
/// return type was missing (repc then prepends `void ` and warns).
fn parse_slot(head: &str, args: &str, span: Span) -> (Function, bool) {
    let head = qt_trim(head);
    let implicit_void = !head.contains(' ');
    let head = if implicit_void {
        format!("void {head}")
    } else {
        head.to_owned()
    };
    let (return_type, name) = head.rsplit_once(' ').unwrap_or(("void", &head));
    (
        Function {
            name: name.to_owned(),
            return_type: return_type.to_owned(),
            params: parse_arguments(qt_trim(args)),
            span,
        },
        implicit_void,
    )
}

/// repc's `parseProperty`: `Type name [= default] [MODIFIER[, PERSISTED]]`.
fn parse_property(declaration: &str, span: Span) -> Result<Property, RepErrorKind> {
    let stripped = strip_args(declaration);
    let input = qt_trim(&stripped);
    let invalid = || RepErrorKind::InvalidProperty {
        declaration: declaration.to_owned(),
    };

    // The type, which may be a template with blanks inside the brackets.
    let mut type_name = String::new();
    let mut depth: i32 = 0;
    let mut in_template = false;
    let mut name_at = None;
    for (i, c) in input.char_indices() {
        match c {
            '<' => {
                type_name.push(c);
                in_template = true;
                depth += 1;
            }
            '>' => {
                type_name.push(c);
                depth -= 1;
                if depth == 0 {
                    in_template = false;
                }
            }
            c if qt_is_space(c) && !in_template => {
                name_at = Some(i);
                break;
            }
            _ => type_name.push(c),
        }
    }
    let rest = qt_trim(&input[name_at.ok_or_else(invalid)?..]);

    let mut modifier = Modifier::ReadPush;
    let mut persisted = false;
    let name;
    let mut default_value = String::new();
    if let Some(eq) = rest.find('=') {
        name = qt_trim(&rest[..eq]).to_owned();
        let mut after = qt_trim(&rest[eq + 1..]);
        if let Some(quote) = after.rfind('"') {
            default_value = after[..=quote].to_owned();
            after = &after[quote + 1..];
        }
        match after.find(pcre_space) {
            None => {
                if default_value.is_empty() {
                    default_value = after.to_owned();
                }
            }
            Some(ws) => {
                if default_value.is_empty() {
                    default_value = qt_trim(&after[..ws]).to_owned();
                }
                (modifier, persisted) = parse_modifiers(qt_trim(&after[ws + 1..]))?;
            }
        }
    } else {
        match rest.find(pcre_space) {
            None => name = rest.to_owned(),
            Some(ws) => {
                name = qt_trim(&rest[..ws]).to_owned();
                (modifier, persisted) = parse_modifiers(qt_trim(&rest[ws + 1..]))?;
            }
        }
    }
    Ok(Property {
        name,
        type_name,
        default_value: (!default_value.is_empty()).then_some(default_value),
        modifier,
        persisted,
        kind: PropertyKind::Value,
        span,
    })
}

/// repc's `parseModifierFlag`.
fn parse_modifiers(text: &str) -> Result<(Modifier, bool), RepErrorKind> {
    let mut flags: Vec<&str> = text
        .split(',')
        .map(|f| f.trim_matches(pcre_space))
        .collect();
    let before = flags.len();
    flags.retain(|f| *f != "PERSISTED");
    let persisted = flags.len() != before;
    let modifier = match flags.as_slice() {
        [] => Modifier::ReadPush,
        [a, b]
            if (*a == "READONLY" && *b == "CONSTANT") || (*a == "CONSTANT" && *b == "READONLY") =>
        {
            Modifier::Constant
        }
        [flag] => match *flag {
            "READONLY" => Modifier::ReadOnly,
            "CONSTANT" => Modifier::Constant,
            "READPUSH" => Modifier::ReadPush,
            "READWRITE" => Modifier::ReadWrite,
            "SOURCEONLYSETTER" => Modifier::SourceOnlySetter,
            _ => {
                return Err(RepErrorKind::UnknownModifier {
                    flag: text.to_owned(),
                });
            }
        },
        _ => {
            return Err(RepErrorKind::ModifierCombination {
                flags: text.to_owned(),
            });
        }
    };
    Ok((modifier, persisted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(params: &[Param]) -> Vec<(&str, &str, i32)> {
        params
            .iter()
            .map(|p| (p.type_name.as_str(), p.name.as_str(), p.variable_type()))
            .collect()
    }

    #[test]
    fn arguments_as_repc_splits_them() {
        assert_eq!(
            names(&parse_arguments("const QMap<QList<QString>,int> &foo, int")),
            [
                ("QMap<QList<QString>,int>", "foo", 3),
                ("int", "__repc_variable_1", 0)
            ]
        );
        assert_eq!(
            names(&parse_arguments("int hour, int second=0")),
            [("int", "hour", 0), ("int", "second=0", 0)]
        );
        // repc keeps only the first word as the type.
        assert_eq!(
            names(&parse_arguments("unsigned int x")),
            [("unsigned", "intx", 0)]
        );
        assert_eq!(
            names(&parse_arguments("// a pod\nint a, // a\ndouble b // b\n")),
            [("int", "a", 0), ("double", "b", 0)]
        );
    }

    fn property(text: &str) -> Result<Property, RepErrorKind> {
        parse_property(text, Span::default())
    }

    #[test]
    fn properties_as_repc_reads_them() -> Result<(), RepErrorKind> {
        let p = property("  QString   foo   =   \"Hello   World\"   READONLY  ")?;
        assert_eq!(
            (
                p.type_name.as_str(),
                p.name.as_str(),
                p.default_value.as_deref(),
                p.modifier
            ),
            (
                "QString",
                "foo",
                Some("\"Hello   World\""),
                Modifier::ReadOnly
            )
        );
        let p = property("QMap<int, QList<int>> bar CONSTANT, READONLY, PERSISTED")?;
        assert_eq!(p.type_name, "QMap<int, QList<int>>");
        assert_eq!((p.modifier, p.persisted), (Modifier::Constant, true));
        let p = property("double\t\tfoo=1.1 CONSTANT")?;
        assert_eq!(
            (p.name.as_str(), p.default_value.as_deref()),
            ("foo", Some("1.1"))
        );
        assert!(matches!(
            property("int"),
            Err(RepErrorKind::InvalidProperty { .. })
        ));
        assert!(matches!(
            property("int x READONLY PERSISTED"),
            Err(RepErrorKind::UnknownModifier { .. })
        ));
        assert!(matches!(
            property("int x READONLY, READWRITE"),
            Err(RepErrorKind::ModifierCombination { .. })
        ));
        Ok(())
    }

    #[test]
    fn slots_without_return_type_get_void() {
        let (f, implicit) = parse_slot("test", "", Span::default());
        assert!(implicit);
        assert_eq!((f.return_type.as_str(), f.name.as_str()), ("void", "test"));
        let (f, _) = parse_slot(" QMap<QString, QString> complex ", "", Span::default());
        assert_eq!(f.return_type, "QMap<QString, QString>");
    }

    #[test]
    fn enum_values_as_qt_reads_them() {
        assert_eq!(enum_value("0xff"), 255);
        assert_eq!(enum_value("-1"), -1);
        assert_eq!(enum_value("012"), 12);
        assert_eq!(enum_value("0xFFFFFFFF"), 0);
    }

    fn err(text: &str) -> RepError {
        match parse(text) {
            Ok(file) => RepError {
                span: Span::default(),
                kind: RepErrorKind::InvalidProperty {
                    declaration: format!("unexpectedly parsed: {file:?}"),
                },
            },
            Err(e) => e,
        }
    }

    #[test]
    fn grammar_accepts_repc_test_inputs() -> Result<(), RepError> {
        for text in [
            "#include \"foo\"",
            "#  include \"foo\"\n",
            "ENUM MyEnum {test}",
            "class MyClass {\n//comment\n}",
            "class Q_DECL_EXPORT MyClass {\n//comment\n}",
            "//comment\nclass MyClass {}",
            "/* row1\n row2\n */\nclass MyClass {}",
            "#include \"foo\"\n//comment\nclass MyClass {}",
            "class TestClass\n{\n    // c\nPROP(QString foo) // my property\n    // d\n};\n // e\n",
            "POD preset(// this is a pod\nint presetNumber, // presetNumber\ndouble foo // foo\n)\n",
            "POD preset{ENUM val {val1 = 1,\nval2,\nval3=12}\nval value,\ndouble foo\n}",
            " // comment 1\nENUM class preset : quint16 {presetNumber} // comment 2\n//comment 3\nFLAG(MyFlags preset) // comment4\nclass TestClass\n{\n};\n",
            "    ENUM preset {\n        val1,\n        val2,\n        val3\n    } ",
        ] {
            // repc's own test writes each input followed by a line break.
            let text = &format!("{text}\n");
            parse(text).map_err(|e| {
                let mut e = e;
                if let RepErrorKind::Unexpected { found, .. } = &mut e.kind {
                    found.push_str(&format!(" in {text:?}"));
                }
                e
            })?;
        }
        Ok(())
    }

    #[test]
    fn pod_bracket_members_and_enums() -> Result<(), RepError> {
        let file = parse(
            "POD preset{ENUM val {val1 = 1,\nval2,\nval3=12}\nFLAG(Vals val)\nval value,\nQMap<QString  ,  int > foo\n}",
        )?;
        let pod = &file.pods[0];
        assert_eq!(pod.enums[0].values[2].value, 12);
        assert_eq!(pod.flags[0].name, "Vals");
        let members: Vec<_> = pod
            .members
            .iter()
            .map(|m| (m.type_name.as_str(), m.name.as_str()))
            .collect();
        assert_eq!(members, [("val", "value"), ("QMap<QString,int>", "foo")]);
        Ok(())
    }

    #[test]
    fn errors_have_positions_and_reasons() {
        let e = err("class Foo\n{\n    PROP(int)\n}\n");
        assert_eq!((e.line(), e.column()), (3, 5));
        assert!(matches!(e.kind, RepErrorKind::InvalidProperty { .. }));

        let e = err("PROP(int x)\n");
        assert!(matches!(
            e.kind,
            RepErrorKind::WrongScope { item: "PROP", .. }
        ));

        let e = err("class Foo\n{\n  \n}\n");
        assert_eq!((e.line(), e.column()), (3, 1));
        assert!(matches!(e.kind, RepErrorKind::UnknownToken { .. }));

        let e = err("class A { PROP(int x) };");
        assert!(matches!(e.kind, RepErrorKind::Unexpected { .. }));

        let e = err("ENUM E {A, B,}\n");
        assert!(matches!(e.kind, RepErrorKind::Unexpected { .. }));

        let e = err("class Foo {\n FLAG(Fs E)\n}");
        assert!(matches!(e.kind, RepErrorKind::UnknownFlagEnum { .. }));

        let e = err("POD Mode(ENUM foo)\n");
        assert!(matches!(e.kind, RepErrorKind::EnumInParenthesisedPod));

        let e = err("class Foo // why\n{\n}\n");
        assert!(matches!(e.kind, RepErrorKind::CommentBeforeBrace { .. }));

        let e = err("\n\n");
        assert!(matches!(e.kind, RepErrorKind::Empty));

        let e = err("class Foo {\nclass Bar {}\n}");
        assert!(matches!(e.kind, RepErrorKind::NestedClass));
        assert_eq!(e.to_string(), "2:1: class: cannot be nested");
    }

    #[test]
    fn header_footer_and_includes() -> Result<(), RepError> {
        let file = parse(
            "#include <QtCore>\n#HEADER namespace Test {\n#FOOTER }\nUSE_ENUM(Qt::DayOfWeek)\n",
        )?;
        assert_eq!(file.includes, ["#include <QtCore>"]);
        assert_eq!(file.header_lines, ["namespace Test {"]);
        assert_eq!(file.footer_lines, ["}"]);
        assert_eq!(file.enum_uses, ["Qt::DayOfWeek"]);
        Ok(())
    }
}
