//! The tokens of the `.rep` language, recognised as repc's regex lexer does.
//!
//! repc (`src/repparser/parser.g` + `qregexparser.h`) lexes by trying every token pattern at the
//! current position and taking the longest match (the first declared one on a tie). Several
//! patterns swallow surrounding blanks, `;` or whole argument lists, and there is no token for
//! blanks alone, so for example a line holding only spaces is an error in repc. Each recogniser
//! below is one of repc's patterns written with nom; [`next_token`] applies the longest-match rule.

use nom::branch::alt;
use nom::bytes::complete::{tag, take_until, take_while, take_while1};
use nom::character::complete::{char, digit1, hex_digit1, one_of, satisfy, space0, space1};
use nom::combinator::{map, opt, recognize};
use nom::error::{Error, ErrorKind};
use nom::{IResult, Parser};

/// One token, borrowing its captured parts from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok<'a> {
    /// `;` on its own (no grammar rule accepts it).
    Semicolon,
    /// `class [ATTR] Name`.
    Class {
        attribute: Option<&'a str>,
        name: &'a str,
    },
    /// `POD [ATTR] Name(types)`.
    Pod {
        attribute: Option<&'a str>,
        name: &'a str,
        types: &'a str,
    },
    /// `POD [ATTR] Name` (the bracket form's head).
    Pod2 {
        attribute: Option<&'a str>,
        name: &'a str,
    },
    /// `FLAG(Name Enum)`.
    Flag { name: &'a str, enum_name: &'a str },
    /// `ENUM [class] Name [: type]`.
    Enum {
        scoped: bool,
        name: &'a str,
        underlying: Option<&'a str>,
    },
    /// `PROP(args)`.
    Prop { args: &'a str },
    /// `USE_ENUM(name)`.
    UseEnum { name: &'a str },
    /// `SIGNAL(name(args))`.
    Signal { name: &'a str, args: &'a str },
    /// `SLOT(head(args))`, head = `[type] name`.
    Slot { head: &'a str, args: &'a str },
    /// `MODEL name(roles)`.
    Model { name: &'a str, args: &'a str },
    /// `CLASS name(Type)`.
    ChildRep { name: &'a str, class_name: &'a str },
    /// `const`, `unsigned` or `signed`.
    Qualifier(&'a str),
    /// `&`.
    PassByRef,
    /// An identifier.
    Symbol(&'a str),
    /// An integer literal.
    Value(&'a str),
    /// `{`.
    Start,
    /// `}` or `};`.
    Stop,
    /// `,`.
    Comma,
    /// `=`.
    Equals,
    /// `// …` up to and including the line break.
    Comment,
    /// `/* … */`.
    MComment,
    /// A `#` line, without its line break.
    Directive(&'a str),
    /// A line break.
    Newline,
    /// `<`.
    TStart,
    /// `>`.
    TStop,
}

/// A token and the byte range it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) tok: Tok<'a>,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

type Res<'a> = IResult<&'a str, Tok<'a>>;

fn fail(input: &str) -> nom::Err<Error<&str>> {
    nom::Err::Error(Error::new(input, ErrorKind::Verify))
}

/// `[A-Za-z_][A-Za-z0-9_]*`
fn ident(i: &str) -> IResult<&str, &str> {
    recognize((
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

/// `[A-Za-z_][A-Za-z0-9_]+` (class, POD, model and child names need two characters).
fn ident2(i: &str) -> IResult<&str, &str> {
    recognize((
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

/// PCRE's `\s` without Unicode properties, as `QRegularExpression` uses it.
pub(crate) fn pcre_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// `[ATTR[ \t]+]NAME` where ATTR is an identifier and NAME needs two characters.
fn attributed_name(i: &str) -> IResult<&str, (Option<&str>, &str)> {
    alt((
        map((ident, space1, ident2), |(a, _, n)| (Some(a), n)),
        map(ident2, |n| (None, n)),
    ))
    .parse(i)
}

fn semicolon(i: &str) -> Res<'_> {
    map(char(';'), |_| Tok::Semicolon).parse(i)
}

fn class(i: &str) -> Res<'_> {
    map(
        (tag("class"), space1, attributed_name, space0),
        |(_, _, (attribute, name), _)| Tok::Class { attribute, name },
    )
    .parse(i)
}

fn pod(i: &str) -> Res<'_> {
    fn tail(i: &str) -> IResult<&str, &str> {
        map(
            (space0, char('('), take_while(|c| c != ')'), char(')')),
            |(_, _, types, _)| types,
        )
        .parse(i)
    }
    map(
        (
            tag("POD"),
            space0,
            alt((
                map((ident, space1, ident2, tail), |(a, _, n, t)| {
                    (Some(a), n, t)
                }),
                map((ident2, tail), |(n, t)| (None, n, t)),
            )),
            opt(char(';')),
            space0,
        ),
        |(_, _, (attribute, name, types), _, _)| Tok::Pod {
            attribute,
            name,
            types,
        },
    )
    .parse(i)
}

fn pod2(i: &str) -> Res<'_> {
    map(
        (tag("POD"), space0, attributed_name, space0),
        |(_, _, (attribute, name), _)| Tok::Pod2 { attribute, name },
    )
    .parse(i)
}

fn flag(i: &str) -> Res<'_> {
    map(
        (
            space0,
            tag("FLAG"),
            space0,
            char('('),
            space0,
            ident,
            space1,
            ident,
            space0,
            char(')'),
            space0,
        ),
        |(_, _, _, _, _, name, _, enum_name, _, _, _)| Tok::Flag { name, enum_name },
    )
    .parse(i)
}

/// `:[ \t]*(?<type>[a-zA-Z0-9 _:]*[a-zA-Z0-9_])[ \t]*`
fn enum_underlying(i: &str) -> IResult<&str, &str> {
    let (i, _) = (char(':'), space0).parse(i)?;
    let run = i
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | ':')))
        .unwrap_or(i.len());
    let ty = i[..run].trim_end_matches([' ', ':']);
    if ty.is_empty() {
        return Err(fail(i));
    }
    let (rest, _) = space0(&i[ty.len()..])?;
    Ok((rest, ty))
}

fn enum_(i: &str) -> Res<'_> {
    map(
        (
            space0,
            tag("ENUM"),
            space1,
            alt((
                map((tag("class"), space1, ident), |(_, _, n)| (true, n)),
                map(ident, |n| (false, n)),
            )),
            space0,
            opt(enum_underlying),
        ),
        |(_, _, _, (scoped, name), _, underlying)| Tok::Enum {
            scoped,
            name,
            underlying,
        },
    )
    .parse(i)
}

fn prop(i: &str) -> Res<'_> {
    map(
        (
            space0,
            tag("PROP"),
            space0,
            char('('),
            take_while1(|c| c != ')'),
            char(')'),
            opt(char(';')),
            space0,
        ),
        |(_, _, _, _, args, _, _, _)| Tok::Prop { args },
    )
    .parse(i)
}

fn use_enum(i: &str) -> Res<'_> {
    map(
        (
            tag("USE_ENUM"),
            space0,
            char('('),
            take_while(|c| c != ')'),
            char(')'),
            opt(char(';')),
            space0,
        ),
        |(_, _, _, name, _, _, _)| Tok::UseEnum { name },
    )
    .parse(i)
}

/// `[ \t]*SIGNAL[ \t]*\([ \t]*(?<name>\S+)[ \t]*\((?<args>[^\)]*)\)[ \t]*\);?[ \t]*`
///
/// `\S+` is greedy and may swallow a `(`, so the name is found by backtracking: the longest run
/// of non-blanks after which the rest of the pattern still matches.
fn signal(i: &str) -> Res<'_> {
    fn tail(i: &str) -> IResult<&str, &str> {
        map(
            (
                space0,
                char('('),
                take_while(|c| c != ')'),
                char(')'),
                space0,
                char(')'),
                opt(char(';')),
                space0,
            ),
            |(_, _, args, _, _, _, _, _)| args,
        )
        .parse(i)
    }
    let (rest, _) = (space0, tag("SIGNAL"), space0, char('('), space0).parse(i)?;
    let run = rest.find(pcre_space).unwrap_or(rest.len());
    for end in (1..=run).rev().filter(|&end| rest.is_char_boundary(end)) {
        if let Ok((after, args)) = tail(&rest[end..]) {
            return Ok((
                after,
                Tok::Signal {
                    name: &rest[..end],
                    args,
                },
            ));
        }
    }
    Err(fail(i))
}

fn slot(i: &str) -> Res<'_> {
    map(
        (
            (space0, tag("SLOT"), space0, char('(')),
            take_while(|c| c != '('),
            char('('),
            take_while(|c| c != ')'),
            (char(')'), space0, char(')'), opt(char(';')), space0),
        ),
        |(_, head, _, args, _)| Tok::Slot { head, args },
    )
    .parse(i)
}

fn model(i: &str) -> Res<'_> {
    map(
        (
            (space0, tag("MODEL"), space1),
            ident2,
            char('('),
            take_while1(|c| c != ')'),
            (char(')'), space0, opt(char(';')), space0),
        ),
        |(_, name, _, args, _)| Tok::Model { name, args },
    )
    .parse(i)
}

fn childrep(i: &str) -> Res<'_> {
    map(
        (
            (space0, tag("CLASS"), space1),
            ident2,
            char('('),
            take_while1(|c| c != ')'),
            (char(')'), space0, opt(char(';')), space0),
        ),
        |(_, name, _, class_name, _)| Tok::ChildRep { name, class_name },
    )
    .parse(i)
}

fn qualifier(i: &str) -> Res<'_> {
    map(
        (
            space0,
            alt((tag("const"), tag("unsigned"), tag("signed"))),
            space0,
        ),
        |(_, q, _)| Tok::Qualifier(q),
    )
    .parse(i)
}

fn passbyqual(i: &str) -> Res<'_> {
    map((space0, char('&'), space0), |_| Tok::PassByRef).parse(i)
}

fn symbol(i: &str) -> Res<'_> {
    map((space0, ident, space0), |(_, s, _)| Tok::Symbol(s)).parse(i)
}

fn value(i: &str) -> Res<'_> {
    map(
        (
            space0,
            alt((
                recognize((char('-'), digit1)),
                recognize((char('0'), one_of("xX"), hex_digit1)),
                digit1,
            )),
            space0,
        ),
        |(_, v, _)| Tok::Value(v),
    )
    .parse(i)
}

fn start(i: &str) -> Res<'_> {
    map((space0, char('{'), space0), |_| Tok::Start).parse(i)
}

fn stop(i: &str) -> Res<'_> {
    map((space0, char('}'), opt(char(';')), space0), |_| Tok::Stop).parse(i)
}

fn comma(i: &str) -> Res<'_> {
    map(char(','), |_| Tok::Comma).parse(i)
}

fn equals(i: &str) -> Res<'_> {
    map(char('='), |_| Tok::Equals).parse(i)
}

fn comment(i: &str) -> Res<'_> {
    map(
        (space0, tag("//"), take_while(|c| c != '\n'), char('\n')),
        |_| Tok::Comment,
    )
    .parse(i)
}

fn mcomment(i: &str) -> Res<'_> {
    map((tag("/*"), take_until("*/"), tag("*/")), |_| Tok::MComment).parse(i)
}

fn directive(i: &str) -> Res<'_> {
    map(
        (
            recognize((char('#'), take_while(|c| c != '\n'))),
            char('\n'),
        ),
        |(line, _)| Tok::Directive(line),
    )
    .parse(i)
}

fn newline(i: &str) -> Res<'_> {
    map((opt(char('\r')), char('\n')), |_| Tok::Newline).parse(i)
}

fn tstart(i: &str) -> Res<'_> {
    map(char('<'), |_| Tok::TStart).parse(i)
}

fn tstop(i: &str) -> Res<'_> {
    map((char('>'), space0), |_| Tok::TStop).parse(i)
}

/// repc's token patterns in declaration order (the order breaks ties between equal lengths).
const RECOGNISERS: [for<'a> fn(&'a str) -> Res<'a>; 26] = [
    semicolon, class, pod, pod2, flag, enum_, prop, use_enum, signal, slot, model, childrep,
    qualifier, passbyqual, symbol, value, start, stop, comma, equals, comment, mcomment, directive,
    newline, tstart, tstop,
];

/// The token at byte offset `at`: the longest match of any pattern, the earliest declared on a
/// tie. `None` when no pattern matches (or at the end of the text).
pub(crate) fn next_token(text: &str, at: usize) -> Option<Token<'_>> {
    let input = text.get(at..)?;
    let mut best: Option<(usize, Tok<'_>)> = None;
    for recognise in RECOGNISERS {
        if let Ok((rest, tok)) = recognise(input) {
            let len = input.len() - rest.len();
            if len > 0 && best.is_none_or(|(best_len, _)| len > best_len) {
                best = Some((len, tok));
            }
        }
    }
    best.map(|(len, tok)| Token {
        tok,
        start: at,
        end: at + len,
    })
}

/// All tokens of `text`, and the offset where lexing stopped if some text is left that no
/// pattern matches.
pub(crate) fn tokenize(text: &str) -> (Vec<Token<'_>>, Option<usize>) {
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < text.len() {
        match next_token(text, at) {
            Some(token) => {
                at = token.end;
                tokens.push(token);
            }
            None => return (tokens, Some(at)),
        }
    }
    (tokens, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Option<(Tok<'_>, usize)> {
        next_token(text, 0).map(|t| (t.tok, t.end))
    }

    #[test]
    fn longest_match_wins_and_ties_go_to_the_first_pattern() {
        // `const ` is a qualifier and a symbol of the same length: qualifier is declared first.
        assert_eq!(one("const int"), Some((Tok::Qualifier("const"), 6)));
        assert_eq!(one("constant x"), Some((Tok::Symbol("constant"), 9)));
        // One-character POD names are no POD token at all.
        assert_eq!(one("POD P(int a)"), Some((Tok::Symbol("POD"), 4)));
        assert_eq!(
            one("POD Pt(int a) x"),
            Some((
                Tok::Pod {
                    attribute: None,
                    name: "Pt",
                    types: "int a"
                },
                14
            ))
        );
    }

    #[test]
    fn class_names_need_two_characters() {
        assert_eq!(one("class A {"), Some((Tok::Symbol("class"), 6)));
        assert_eq!(
            one("class Q_DECL_EXPORT Foo\n"),
            Some((
                Tok::Class {
                    attribute: Some("Q_DECL_EXPORT"),
                    name: "Foo"
                },
                23
            ))
        );
        assert_eq!(
            one("class Foo {"),
            Some((
                Tok::Class {
                    attribute: None,
                    name: "Foo"
                },
                10
            ))
        );
    }

    #[test]
    fn pod_forms() {
        assert_eq!(
            one("POD Q_X MyPod(int number);\n"),
            Some((
                Tok::Pod {
                    attribute: Some("Q_X"),
                    name: "MyPod",
                    types: "int number"
                },
                26
            ))
        );
        assert_eq!(
            one("POD Pt {"),
            Some((
                Tok::Pod2 {
                    attribute: None,
                    name: "Pt"
                },
                7
            ))
        );
    }

    #[test]
    fn signal_name_backtracks_over_parentheses() {
        assert_eq!(
            one("    SIGNAL(foo())"),
            Some((
                Tok::Signal {
                    name: "foo",
                    args: ""
                },
                17
            ))
        );
        assert_eq!(
            one("SIGNAL ( test (QMap<QString , int>  foo ) );"),
            Some((
                Tok::Signal {
                    name: "test",
                    args: "QMap<QString , int>  foo "
                },
                44
            ))
        );
    }

    #[test]
    fn enum_head_with_underlying_type() {
        assert_eq!(
            one("ENUM class preset: unsigned char {"),
            Some((
                Tok::Enum {
                    scoped: true,
                    name: "preset",
                    underlying: Some("unsigned char")
                },
                33
            ))
        );
        assert_eq!(
            one("ENUM classic {"),
            Some((
                Tok::Enum {
                    scoped: false,
                    name: "classic",
                    underlying: None
                },
                13
            ))
        );
    }

    #[test]
    fn blank_line_has_no_token() {
        assert_eq!(one("   \n"), None);
        let (tokens, stop) = tokenize("class Foo\n{\n}\n");
        assert_eq!(tokens.len(), 6);
        assert_eq!(stop, None);
    }

    #[test]
    fn values() {
        assert_eq!(one("0x1F}"), Some((Tok::Value("0x1F"), 4)));
        assert_eq!(one(" -3 ,"), Some((Tok::Value("-3"), 4)));
        assert_eq!(one("0x}"), Some((Tok::Value("0"), 1)));
    }
}
