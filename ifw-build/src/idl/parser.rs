//! The parser: tokens to a [`Document`], written with nom over the token stream.
//!
//! It follows the reference grammar (`T.g4`) rule for rule. Where the reference stops silently
//! (its document rule has no end-of-file, so a token that cannot start a definition ends the parse
//! and the rest of the file is dropped), this parser reports an error. After an error it skips to
//! the next definition and goes on, so that one run reports every error of a file.

use nom::combinator::{cut, opt};
use nom::error::{ErrorKind, ParseError};
use nom::multi::many0;
use nom::{Err, IResult, Input as _, Needed, Parser as _};

use super::ast::*;
use super::token::{Token, TokenKind};
use crate::source::Span;

/// A syntax error: what was expected and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The offending token's span (an empty span at the end for end of input).
    pub span: Span,
    /// The message.
    pub message: String,
    /// Why it matters, if there is more to say.
    pub note: Option<&'static str>,
}

/// Parses a token stream. Returns the document when the header could be read (even if a
/// definition had errors; those definitions are left out) and every syntax error.
pub fn parse<'a>(src: &'a str, tokens: &'a [Token]) -> (Option<Document<'a>>, Vec<SyntaxError>) {
    let mut parser = Parser::new(src, tokens);
    let header = parser.header();
    let definitions: Vec<Definition<'a>> =
        std::iter::from_fn(|| parser.next_definition()).collect();
    let document = header.map(|(module, imports)| Document {
        module,
        imports,
        definitions,
    });
    (document, parser.into_errors())
}

/// A parser that hands out one definition at a time, so that a caller can turn each into its
/// model and drop its syntax tree before the next (the whole tree of a large file never exists).
///
/// ```
/// use ifw_build::idl::{lexer, parser::Parser};
/// let src = "module m 1.0\ninterface A {}\nstruct S { int x }";
/// let (tokens, _) = lexer::lex(src);
/// let mut parser = Parser::new(src, &tokens);
/// let (module, _imports) = parser.header().expect("a header");
/// assert_eq!(module.name.text, "m");
/// let mut count = 0;
/// while parser.next_definition().is_some() {
///     count += 1;
/// }
/// assert_eq!(count, 2);
/// assert!(parser.into_errors().is_empty());
/// ```
#[derive(Debug)]
pub struct Parser<'a> {
    all: Tokens<'a>,
    rest: Tokens<'a>,
    errors: Vec<SyntaxError>,
}

impl<'a> Parser<'a> {
    /// A parser over the tokens of `src`.
    pub fn new(src: &'a str, tokens: &'a [Token]) -> Self {
        let all = Tokens { src, toks: tokens };
        Self {
            all,
            rest: all,
            errors: Vec::new(),
        }
    }

    /// The module declaration and the imports; `None` (with the error recorded) when they cannot
    /// be read, in which case the parser skips to the first definition.
    pub fn header(&mut self) -> Option<(ModuleDecl<'a>, Vec<Import<'a>>)> {
        match header(self.rest) {
            Ok((rest, header)) => {
                self.rest = rest;
                Some(header)
            }
            Err(e) => {
                let at = error_index(self.all.toks.len(), &e);
                self.errors.push(syntax_error(self.rest, e));
                self.rest = recover(self.all, at.max(1));
                None
            }
        }
    }

    /// The next definition; a broken one is recorded as an error and skipped. `None` at the end.
    pub fn next_definition(&mut self) -> Option<Definition<'a>> {
        while !self.rest.toks.is_empty() {
            match definition(self.rest) {
                Ok((next, def)) => {
                    self.rest = next;
                    return Some(def);
                }
                Err(e) => {
                    let len = self.all.toks.len();
                    let started = len - self.rest.toks.len();
                    let at = error_index(len, &e);
                    self.errors.push(syntax_error(self.rest, e));
                    self.rest = recover_definition(self.all, started, at);
                }
            }
        }
        None
    }

    /// The syntax errors met so far.
    pub fn into_errors(self) -> Vec<SyntaxError> {
        self.errors
    }
}

/// The token stream as nom input.
#[derive(Debug, Clone, Copy)]
struct Tokens<'a> {
    src: &'a str,
    toks: &'a [Token],
}

impl<'a> Tokens<'a> {
    fn peek(&self) -> Option<TokenKind> {
        self.toks.first().map(|t| t.kind)
    }
}

impl<'a> nom::Input for Tokens<'a> {
    type Item = &'a Token;
    type Iter = std::slice::Iter<'a, Token>;
    type IterIndices = std::iter::Enumerate<std::slice::Iter<'a, Token>>;

    fn input_len(&self) -> usize {
        self.toks.len()
    }
    fn take(&self, index: usize) -> Self {
        Self {
            src: self.src,
            toks: &self.toks[..index],
        }
    }
    fn take_from(&self, index: usize) -> Self {
        Self {
            src: self.src,
            toks: &self.toks[index..],
        }
    }
    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }
    fn position<P: Fn(Self::Item) -> bool>(&self, predicate: P) -> Option<usize> {
        self.toks.iter().position(predicate)
    }
    fn iter_elements(&self) -> Self::Iter {
        self.toks.iter()
    }
    fn iter_indices(&self) -> Self::IterIndices {
        self.toks.iter().enumerate()
    }
    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.toks.len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.toks.len()))
        }
    }
}

/// What the parser wanted where it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Expected {
    /// Tokens still unread where it failed (so: smaller is further).
    rest: usize,
    /// The token kinds that would have done, as a bit set over `TokenKind`.
    kinds: u64,
    /// A description that replaces the list of kinds.
    what: Option<&'static str>,
    /// Why it matters, shown as a note.
    note: Option<&'static str>,
}

impl<'a> ParseError<Tokens<'a>> for Expected {
    fn from_error_kind(input: Tokens<'a>, _kind: ErrorKind) -> Self {
        Self {
            rest: input.toks.len(),
            kinds: 0,
            what: None,
            note: None,
        }
    }
    fn append(_input: Tokens<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        match self.rest.cmp(&other.rest) {
            std::cmp::Ordering::Less => self,
            std::cmp::Ordering::Greater => other,
            std::cmp::Ordering::Equal => Self {
                rest: self.rest,
                kinds: self.kinds | other.kinds,
                what: other.what.or(self.what),
                note: other.note.or(self.note),
            },
        }
    }
}

type PResult<'a, T> = IResult<Tokens<'a>, T, Expected>;

/// One token of `kind`, as text.
fn tok<'a>(kind: TokenKind) -> impl Fn(Tokens<'a>) -> PResult<'a, Text<'a>> {
    move |input: Tokens<'a>| match input.toks.first() {
        Some(t) if t.kind == kind => Ok((
            input.take_from_1(),
            Text {
                text: &input.src[t.span()],
                start: t.span().start,
            },
        )),
        _ => Err(Err::Error(Expected {
            rest: input.toks.len(),
            kinds: 1 << kind as u8,
            what: None,
            note: None,
        })),
    }
}

impl<'a> Tokens<'a> {
    fn take_from_1(&self) -> Self {
        Self {
            src: self.src,
            toks: &self.toks[1..],
        }
    }
}

/// Runs `parser`; if it fails without consuming anything, says it wanted `what`.
fn expecting<'a, T>(
    what: &'static str,
    mut parser: impl nom::Parser<Tokens<'a>, Output = T, Error = Expected>,
) -> impl FnMut(Tokens<'a>) -> PResult<'a, T> {
    move |input: Tokens<'a>| {
        parser.parse(input).map_err(|e| {
            e.map(|mut x| {
                if x.rest == input.toks.len() {
                    x.what = Some(what);
                }
                x
            })
        })
    }
}

/// A failure (no backtracking) that wanted `what` at `input`, with an optional note.
fn fail<'a, T>(
    input: Tokens<'a>,
    what: &'static str,
    note: Option<&'static str>,
) -> PResult<'a, T> {
    Err(Err::Failure(Expected {
        rest: input.toks.len(),
        kinds: 0,
        what: Some(what),
        note,
    }))
}

const DROPPED: &str =
    "the reference parser stops here without a word and drops the rest of the file";

fn semi(input: Tokens<'_>) -> PResult<'_, Option<Text<'_>>> {
    opt(tok(TokenKind::Semi)).parse(input)
}

/// `[DOCCOMMENT] TAGLINE*`
fn meta(input: Tokens<'_>) -> PResult<'_, Meta<'_>> {
    let (input, doc) = opt(tok(TokenKind::DocComment)).parse(input)?;
    let count = input
        .toks
        .iter()
        .take_while(|t| t.kind == TokenKind::TagLine)
        .count();
    let tags = TagLines::new(input.src, &input.toks[..count]);
    Ok((input.take_from(count), Meta { doc, tags }))
}

/// `moduleSymbol importSymbol*`
fn header(input: Tokens<'_>) -> PResult<'_, (ModuleDecl<'_>, Vec<Import<'_>>)> {
    let (input, meta) = meta(input)?;
    let (input, _) = cut(expecting(
        "`module` and the module's name and version",
        tok(TokenKind::Module),
    ))
    .parse(input)?;
    let (input, name) = cut(expecting("the module name", tok(TokenKind::Ident))).parse(input)?;
    let (input, version) = cut(version).parse(input)?;
    let (input, _) = semi(input)?;
    let (input, imports) = many0(import).parse(input)?;
    Ok((
        input,
        (
            ModuleDecl {
                meta,
                name,
                version,
            },
            imports,
        ),
    ))
}

fn version(input: Tokens<'_>) -> PResult<'_, Text<'_>> {
    expecting(
        "a version of one digit, a dot and one digit, such as `1.0`",
        tok(TokenKind::Version),
    )(input)
}

/// `'import' IDENTIFIER VERSION ';'?`
fn import(input: Tokens<'_>) -> PResult<'_, Import<'_>> {
    let (input, _) = tok(TokenKind::Import)(input)?;
    let (input, name) = cut(expecting(
        "the imported module's name",
        tok(TokenKind::Ident),
    ))
    .parse(input)?;
    let (input, version) = cut(version).parse(input)?;
    let (input, _) = semi(input)?;
    Ok((input, Import { name, version }))
}

/// `interfaceSymbol | structSymbol | enumSymbol`, and what is wrong when none of them starts here.
fn definition(input: Tokens<'_>) -> PResult<'_, Definition<'_>> {
    let start = input;
    let (input, meta) = meta(input)?;
    match input.peek() {
        Some(TokenKind::Interface) => cut(interface(meta)).parse(input),
        Some(TokenKind::Struct) => cut(structure(meta)).parse(input),
        Some(TokenKind::Enum | TokenKind::Flag) => cut(enumeration(meta)).parse(input),
        Some(TokenKind::Module) => fail(
            input,
            "a definition (a file declares one module, at its top)",
            Some(DROPPED),
        ),
        Some(TokenKind::Import) => fail(
            input,
            "a definition (imports come right after the module declaration)",
            Some(DROPPED),
        ),
        _ if input.toks.len() < start.toks.len() => fail(
            input,
            "`interface`, `struct`, `enum` or `flag` after the doc comment and annotations",
            None,
        ),
        _ => fail(
            input,
            "`interface`, `struct`, `enum` or `flag`",
            Some(DROPPED),
        ),
    }
}

/// `'interface' IDENTIFIER ('extends' IDENTIFIER)? '{' memberSymbol* '}' ';'?`
fn interface<'a>(meta: Meta<'a>) -> impl FnMut(Tokens<'a>) -> PResult<'a, Definition<'a>> {
    let mut meta = Some(meta);
    move |input| {
        let (input, _) = tok(TokenKind::Interface)(input)?;
        let (input, name) = expecting("the interface name", tok(TokenKind::Ident))(input)?;
        let (input, extends) = opt(|i| {
            let (i, _) = tok(TokenKind::Extends)(i)?;
            cut(expecting("the base interface name", tok(TokenKind::Ident))).parse(i)
        })
        .parse(input)?;
        let (input, members) = body(input, member)?;
        Ok((
            input,
            Definition::Interface(InterfaceDecl {
                meta: meta.take().unwrap_or_default(),
                name,
                extends,
                members,
            }),
        ))
    }
}

/// `'{' item* '}' ';'?`
fn body<'a, T>(
    input: Tokens<'a>,
    mut item: impl FnMut(Tokens<'a>) -> PResult<'a, Option<T>>,
) -> PResult<'a, Vec<T>> {
    let (mut input, _) = expecting("`{`", tok(TokenKind::LBrace))(input)?;
    let mut items = Vec::new();
    loop {
        if let Ok((rest, _)) = tok(TokenKind::RBrace)(input) {
            let (rest, _) = semi(rest)?;
            return Ok((rest, items));
        }
        let (rest, value) = item(input)?;
        items.extend(value);
        input = rest;
    }
}

/// `operationSymbol | propertySymbol | signalSymbol`
fn member(input: Tokens<'_>) -> PResult<'_, Option<Member<'_>>> {
    let start = input.toks.len();
    let (input, meta) = meta(input)?;
    match input.peek() {
        Some(TokenKind::Signal) => {
            let (input, _) = tok(TokenKind::Signal)(input)?;
            let (input, name) = expecting("the signal name", tok(TokenKind::Ident))(input)?;
            let (input, params) = parameters(input)?;
            let (input, _) = semi(input)?;
            Ok((
                input,
                Some(Member::Signal(SignalDecl { meta, name, params })),
            ))
        }
        Some(TokenKind::Readonly | TokenKind::Const) => {
            let modifier = if input.peek() == Some(TokenKind::Readonly) {
                Modifier::Readonly
            } else {
                Modifier::Const
            };
            let input = input.take_from_1();
            let (input, ty) = type_expr(input)?;
            let (input, name) = expecting("the property name", tok(TokenKind::Ident))(input)?;
            property_rest(input, meta, Some(modifier), ty, name)
        }
        Some(TokenKind::Void) => {
            let input = input.take_from_1();
            let (input, name) = expecting("the operation name", tok(TokenKind::Ident))(input)?;
            operation_rest(input, meta, None, name)
        }
        Some(TokenKind::RBrace) if input.toks.len() < start => fail(
            input,
            "a property, operation or signal after the doc comment and annotations",
            None,
        ),
        _ => {
            let (input, ty) =
                expecting("a property, operation or signal, or `}`", type_expr)(input)?;
            let (input, name) = expecting("a member name", tok(TokenKind::Ident))(input)?;
            if input.peek() == Some(TokenKind::LParen) {
                operation_rest(input, meta, Some(ty), name)
            } else {
                property_rest(input, meta, None, ty, name)
            }
        }
    }
}

fn property_rest<'a>(
    input: Tokens<'a>,
    meta: Meta<'a>,
    modifier: Option<Modifier>,
    ty: TypeExpr<'a>,
    name: Text<'a>,
) -> PResult<'a, Option<Member<'a>>> {
    let (input, value) = default_value(input)?;
    let (input, _) = semi(input)?;
    Ok((
        input,
        Some(Member::Property(PropertyDecl {
            meta,
            modifier,
            ty,
            name,
            value,
        })),
    ))
}

fn operation_rest<'a>(
    input: Tokens<'a>,
    meta: Meta<'a>,
    ty: Option<TypeExpr<'a>>,
    name: Text<'a>,
) -> PResult<'a, Option<Member<'a>>> {
    let (input, params) = parameters(input)?;
    let (input, is_const) = opt(tok(TokenKind::Const)).parse(input)?;
    let (input, _) = semi(input)?;
    Ok((
        input,
        Some(Member::Operation(OperationDecl {
            meta,
            ty,
            name,
            params,
            is_const: is_const.is_some(),
        })),
    ))
}

/// `('=' STRING)?`
fn default_value(input: Tokens<'_>) -> PResult<'_, Option<Text<'_>>> {
    match tok(TokenKind::Assign)(input) {
        Ok((input, _)) => {
            let (input, value) = expecting(
                "a quoted string: default values are strings, such as `= \"5\"`",
                tok(TokenKind::Str),
            )(input)?;
            Ok((input, Some(value)))
        }
        Err(_) => Ok((input, None)),
    }
}

/// `'(' (typeSymbol IDENTIFIER ','?)* ')'`
fn parameters(input: Tokens<'_>) -> PResult<'_, Vec<Param<'_>>> {
    let (mut input, _) = expecting("`(`", tok(TokenKind::LParen))(input)?;
    let mut params = Vec::new();
    loop {
        if let Ok((rest, _)) = tok(TokenKind::RParen)(input) {
            return Ok((rest, params));
        }
        let (rest, ty) = expecting("a parameter type or `)`", type_expr)(input)?;
        let (rest, name) = expecting("the parameter name", tok(TokenKind::Ident))(rest)?;
        let (rest, _) = opt(tok(TokenKind::Comma)).parse(rest)?;
        params.push(Param { ty, name });
        input = rest;
    }
}

/// `'struct' IDENTIFIER '{' structFieldSymbol* '}' ';'?`
fn structure<'a>(meta: Meta<'a>) -> impl FnMut(Tokens<'a>) -> PResult<'a, Definition<'a>> {
    let mut meta = Some(meta);
    move |input| {
        let (input, _) = tok(TokenKind::Struct)(input)?;
        let (input, name) = expecting("the struct name", tok(TokenKind::Ident))(input)?;
        let (input, fields) = body(input, field)?;
        Ok((
            input,
            Definition::Struct(StructDecl {
                meta: meta.take().unwrap_or_default(),
                name,
                fields,
            }),
        ))
    }
}

/// `[DOCCOMMENT] TAGLINE* typeSymbol IDENTIFIER ('=' STRING)? ';'?`
fn field(input: Tokens<'_>) -> PResult<'_, Option<FieldDecl<'_>>> {
    let (input, meta) = meta(input)?;
    let (input, ty) = expecting("a field type or `}`", type_expr)(input)?;
    let (input, name) = expecting("the field name", tok(TokenKind::Ident))(input)?;
    let (input, value) = default_value(input)?;
    let (input, _) = semi(input)?;
    Ok((
        input,
        Some(FieldDecl {
            meta,
            ty,
            name,
            value,
        }),
    ))
}

/// `('enum' | 'flag') IDENTIFIER '{' enumMemberSymbol* '}' ';'?`
fn enumeration<'a>(meta: Meta<'a>) -> impl FnMut(Tokens<'a>) -> PResult<'a, Definition<'a>> {
    let mut meta = Some(meta);
    move |input| {
        let is_flag = input.peek() == Some(TokenKind::Flag);
        let input = input.take_from_1();
        let (input, name) = expecting("the enum name", tok(TokenKind::Ident))(input)?;
        let (input, members) = body(input, enum_member)?;
        Ok((
            input,
            Definition::Enum(EnumDecl {
                meta: meta.take().unwrap_or_default(),
                is_flag,
                name,
                members,
            }),
        ))
    }
}

/// `[DOCCOMMENT] TAGLINE* IDENTIFIER ('=' (INTCONSTANT | HEXCONSTANT))? ','?`
fn enum_member(input: Tokens<'_>) -> PResult<'_, Option<EnumMemberDecl<'_>>> {
    let (input, meta) = meta(input)?;
    let (input, name) = expecting("an enum member name or `}`", tok(TokenKind::Ident))(input)?;
    let (input, value) = match tok(TokenKind::Assign)(input) {
        Ok((input, _)) => {
            let (input, value) =
                expecting("an integer value (decimal or `0x` hexadecimal)", |i| {
                    tok(TokenKind::IntConst)(i).or_else(|_| tok(TokenKind::HexConst)(i))
                })(input)?;
            (input, Some(value))
        }
        Err(_) => (input, None),
    };
    let (input, _) = opt(tok(TokenKind::Comma)).parse(input)?;
    Ok((input, Some(EnumMemberDecl { meta, name, value })))
}

/// `primitiveTypeSymbol | complexTypeSymbol | listTypeSymbol | mapTypeSymbol | modelTypeSymbol`
fn type_expr(input: Tokens<'_>) -> PResult<'_, TypeExpr<'_>> {
    let Some(first) = input.toks.first() else {
        return Err(Err::Error(Expected {
            rest: 0,
            kinds: 0,
            what: Some("a type"),
            note: None,
        }));
    };
    let text = Text {
        text: &input.src[first.span()],
        start: first.span().start,
    };
    let rest = input.take_from_1();
    match first.kind {
        TokenKind::Bool | TokenKind::Int | TokenKind::Real | TokenKind::String | TokenKind::Var => {
            Ok((rest, TypeExpr::Primitive(text)))
        }
        TokenKind::Ident => Ok((rest, TypeExpr::Complex(text))),
        kind @ (TokenKind::List | TokenKind::Map | TokenKind::Model) => {
            let (rest, _) =
                cut(expecting("`<` and the element type", tok(TokenKind::Lt))).parse(rest)?;
            let (rest, nested) = cut(expecting(
                "the element type (`void` is not a type)",
                type_expr,
            ))
            .parse(rest)?;
            let (rest, _) = cut(expecting(
                "`>`: a container has one type argument (map keys are always strings)",
                tok(TokenKind::Gt),
            ))
            .parse(rest)?;
            let nested = Box::new(nested);
            let ty = match kind {
                TokenKind::List => TypeExpr::List(nested),
                TokenKind::Map => TypeExpr::Map(nested),
                _ => TypeExpr::Model(nested),
            };
            Ok((rest, ty))
        }
        _ => Err(Err::Error(Expected {
            rest: input.toks.len(),
            kinds: 0,
            what: Some("a type"),
            note: None,
        })),
    }
}

/// The index of the offending token in a stream of `len` tokens.
fn error_index(len: usize, e: &Err<Expected>) -> usize {
    match e {
        Err::Error(x) | Err::Failure(x) => len - x.rest.min(len),
        Err::Incomplete(_) => len,
    }
}

/// Turns a nom error into a message at the offending token.
fn syntax_error(input: Tokens<'_>, e: Err<Expected>) -> SyntaxError {
    let expected = match e {
        Err::Error(x) | Err::Failure(x) => x,
        Err::Incomplete(_) => Expected {
            rest: 0,
            kinds: 0,
            what: None,
            note: None,
        },
    };
    let all = input.toks;
    // `input` may be a suffix of the whole stream: index from its end.
    let index = all.len().saturating_sub(expected.rest);
    let (span, found) = match all.get(index) {
        Some(t) => (t.span(), describe_found(input.src, t)),
        None => {
            // Right after the last token: the place where something is missing, on a line the
            // snippet shows (trailing blank lines and comments have nothing to mark).
            let end = all.last().map_or(input.src.len(), |t| t.span().end);
            (end..end, "the end of the file".to_string())
        }
    };
    let wanted = match expected.what {
        Some(what) => what.to_string(),
        None => describe_kinds(expected.kinds),
    };
    SyntaxError {
        span,
        message: format!("expected {wanted}, found {found}"),
        note: expected.note,
    }
}

fn describe_found(src: &str, t: &Token) -> String {
    let text = &src[t.span()];
    match t.kind {
        TokenKind::DocComment => {
            "a doc comment (only one is allowed, before the annotations and the declaration)"
                .to_string()
        }
        TokenKind::TagLine => format!(
            "the annotation `{}` (annotations go right before a declaration)",
            text.trim_end()
        ),
        kind if kind.is_keyword() => {
            format!("the keyword `{text}` (keywords cannot be used as names)")
        }
        _ => format!("`{}`", text.lines().next().unwrap_or(text)),
    }
}

fn describe_kinds(kinds: u64) -> String {
    let names: Vec<&str> = (0..64u8)
        .filter(|bit| kinds & (1 << bit) != 0)
        .filter_map(kind_from_index)
        .map(TokenKind::describe)
        .collect();
    match names.as_slice() {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn kind_from_index(index: u8) -> Option<TokenKind> {
    use TokenKind::*;
    const ALL: [TokenKind; 35] = [
        Import, Module, Interface, Extends, Void, Const, Signal, Readonly, Bool, Int, Real, String,
        Var, List, Map, Model, Struct, Enum, Flag, Semi, LBrace, RBrace, LParen, RParen, Assign,
        Comma, Lt, Gt, Str, TagLine, IntConst, HexConst, Ident, Version, DocComment,
    ];
    ALL.get(usize::from(index)).copied()
}

/// Where to go on after an error at token `at` in the definition that starts at token `started`:
/// right after that definition's closing `}` (and a `;` after it) when the error lies within its
/// braces, else at the next definition.
fn recover_definition(input: Tokens<'_>, started: usize, at: usize) -> Tokens<'_> {
    let all = input.toks;
    let mut depth = 0usize;
    let mut close = None;
    for (i, t) in all.iter().enumerate().skip(started) {
        match t.kind {
            TokenKind::LBrace => depth += 1,
            TokenKind::RBrace if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            // No body holds these keywords: a missing `}` ends at the next definition.
            TokenKind::Interface | TokenKind::Struct | TokenKind::Enum | TokenKind::Flag
                if i > started && depth > 0 =>
            {
                break;
            }
            _ => {}
        }
    }
    match close {
        Some(close) if close >= at => {
            let mut next = close + 1;
            if all.get(next).is_some_and(|t| t.kind == TokenKind::Semi) {
                next += 1;
            }
            input.take_from(next)
        }
        _ => recover(input, at.max(started + 1)),
    }
}

/// Where to go on after an error: the first `interface`, `struct`, `enum` or `flag` at or after
/// token `from`, with the doc comment and annotations right before that keyword; the end if there
/// is none.
fn recover(input: Tokens<'_>, from: usize) -> Tokens<'_> {
    let all = input.toks;
    let keyword = (from..all.len()).find(|&i| {
        matches!(
            all[i].kind,
            TokenKind::Interface | TokenKind::Struct | TokenKind::Enum | TokenKind::Flag
        )
    });
    let Some(mut start) = keyword else {
        return input.take_from(all.len());
    };
    while start > from && all[start - 1].kind == TokenKind::TagLine {
        start -= 1;
    }
    if start > from && all[start - 1].kind == TokenKind::DocComment {
        start -= 1;
    }
    input.take_from(start)
}
