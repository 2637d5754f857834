//! The lexer: QFace text to tokens, with the reference grammar's longest-match rules.
//!
//! Where the reference lexer (ANTLR) prints a warning and silently skips input — a character no
//! rule starts with, an unterminated comment or string — this lexer reports an error and carries
//! on, so that every problem of a file is reported at once.

use nom::bytes::complete::{tag, take_until, take_while, take_while1};
use nom::character::complete::{digit1, hex_digit1, one_of, satisfy};
use nom::combinator::{opt, recognize};
use nom::sequence::pair;
use nom::{IResult, Parser};

use super::token::{Token, TokenKind};
use crate::source::Span;

/// Something the lexer could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// Where.
    pub span: Span,
}

/// The kinds of [`LexError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexErrorKind {
    /// A character that no token starts with.
    UnexpectedChar(char),
    /// A `/*` comment without its `*/`.
    UnterminatedComment,
    /// A doc comment `/**` without its `*/`.
    UnterminatedDocComment,
    /// A string without its closing quote.
    UnterminatedString,
    /// A backslash escape the grammar does not know.
    InvalidEscape(char),
    /// `/**/`: a doc comment that runs on to the next `*/`, swallowing what lies between.
    SwallowingDocComment,
    /// The file is 4 GiB or more.
    TooLarge,
}

/// The tokens of `text` and the errors met on the way. Whitespace and comments are dropped; a
/// leading UTF-8 byte order mark is skipped.
pub fn lex(text: &str) -> (Vec<Token>, Vec<LexError>) {
    if u32::try_from(text.len()).is_err() {
        let error = LexError {
            kind: LexErrorKind::TooLarge,
            span: 0..0,
        };
        return (Vec::new(), vec![error]);
    }
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut errors = Vec::new();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        let rest = &text[pos..];
        let step = match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => Step::Skip(whitespace(rest)),
            b'/' => slash(rest),
            b'"' | b'\'' => string(rest),
            b'@' => Step::Token(TokenKind::TagLine, tag_line(rest)),
            b'0'..=b'9' | b'+' | b'-' => number(rest),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let len = identifier(rest);
                let kind = TokenKind::keyword(&rest[..len]).unwrap_or(TokenKind::Ident);
                Step::Token(kind, len)
            }
            b';' => Step::Token(TokenKind::Semi, 1),
            b'{' => Step::Token(TokenKind::LBrace, 1),
            b'}' => Step::Token(TokenKind::RBrace, 1),
            b'(' => Step::Token(TokenKind::LParen, 1),
            b')' => Step::Token(TokenKind::RParen, 1),
            b'=' => Step::Token(TokenKind::Assign, 1),
            b',' => Step::Token(TokenKind::Comma, 1),
            b'<' => Step::Token(TokenKind::Lt, 1),
            b'>' => Step::Token(TokenKind::Gt, 1),
            _ => {
                let c = rest.chars().next().unwrap_or('\0');
                Step::Error(LexErrorKind::UnexpectedChar(c), c.len_utf8())
            }
        };
        match step {
            Step::Skip(len) => pos += len,
            Step::Token(kind, len) => {
                tokens.push(Token::new(kind, pos..pos + len));
                pos += len;
            }
            Step::TokenWithError(kind, len, error, at) => {
                tokens.push(Token::new(kind, pos..pos + len));
                errors.push(LexError {
                    kind: error,
                    span: pos + at.start..pos + at.end,
                });
                pos += len;
            }
            Step::Error(kind, len) => {
                errors.push(LexError {
                    kind,
                    span: pos..pos + len,
                });
                pos += len;
            }
        }
    }
    (tokens, errors)
}

/// What one rule made of the text at the current position.
enum Step {
    /// Skip this many bytes (whitespace, comments).
    Skip(usize),
    /// A token of this many bytes.
    Token(TokenKind, usize),
    /// A token, with an error inside it (at the range, relative to the token's start).
    TokenWithError(TokenKind, usize, LexErrorKind, Span),
    /// An error; skip this many bytes.
    Error(LexErrorKind, usize),
}

type Res<'a> = IResult<&'a str, &'a str>;

/// The length of what `parser` matches at the start of `input`, if it matches.
fn len_of<'a>(
    mut parser: impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>>,
    input: &'a str,
) -> Option<usize> {
    parser.parse(input).ok().map(|(_, matched)| matched.len())
}

fn whitespace(input: &str) -> usize {
    len_of(
        take_while1(|c| matches!(c, ' ' | '\t' | '\r' | '\n')),
        input,
    )
    .unwrap_or(1)
}

/// `TAGLINE: '@' ~[\r\n]*` — the whole rest of the physical line.
fn tag_line(input: &str) -> usize {
    len_of(
        recognize(pair(tag("@"), take_while(|c| c != '\r' && c != '\n'))),
        input,
    )
    .unwrap_or(1)
}

/// `IDENTIFIER: [a-zA-Z_][a-zA-Z0-9_.]*`
fn identifier(input: &str) -> usize {
    len_of(
        recognize(pair(
            satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
            take_while(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.'),
        )),
        input,
    )
    .unwrap_or(1)
}

/// The longest of `INTCONSTANT: ('+'|'-')? [0-9]+`, `HEXCONSTANT: '0x' [0-9a-fA-F]+` and
/// `VERSION: [0-9] '.' [0-9]`; on a tie the rule listed first (INT, then HEX, then VERSION) wins.
fn number(input: &str) -> Step {
    let int = len_of(recognize(pair(opt(one_of("+-")), digit1)), input).unwrap_or(0);
    let hex = len_of(recognize(pair(tag("0x"), hex_digit1)), input).unwrap_or(0);
    let version = len_of(
        recognize((
            satisfy(|c| c.is_ascii_digit()),
            tag("."),
            satisfy(|c| c.is_ascii_digit()),
        )),
        input,
    )
    .unwrap_or(0);
    let best = int.max(hex).max(version);
    if best == 0 {
        let sign = input.chars().next().unwrap_or('-');
        return Step::Error(LexErrorKind::UnexpectedChar(sign), 1);
    }
    let kind = if int == best {
        TokenKind::IntConst
    } else if hex == best {
        TokenKind::HexConst
    } else {
        TokenKind::Version
    };
    Step::Token(kind, best)
}

/// `//` comments, `/* */` comments and `/** */` doc comments (a token, not trivia).
fn slash(input: &str) -> Step {
    if input.starts_with("//") {
        return Step::Skip(len_of(take_while(|c| c != '\r' && c != '\n'), input).unwrap_or(2));
    }
    if let Some(after) = input.strip_prefix("/**") {
        // DOCCOMMENT is '/**' .*? '*/': the shortest run after the three characters, so `/**/`
        // does not close itself but runs on to the next `*/`.
        if let Some(end) = after.find("*/") {
            let len = 3 + end + 2;
            if input.starts_with("/**/") {
                return Step::TokenWithError(
                    TokenKind::DocComment,
                    len,
                    LexErrorKind::SwallowingDocComment,
                    0..len,
                );
            }
            return Step::Token(TokenKind::DocComment, len);
        }
        if input.starts_with("/**/") {
            return Step::Skip(4);
        }
        return Step::Error(LexErrorKind::UnterminatedDocComment, input.len());
    }
    if let Some(after) = input.strip_prefix("/*") {
        let closed: Res<'_> = take_until("*/").parse(after);
        return match closed {
            Ok((_, body)) => Step::Skip(2 + body.len() + 2),
            Err(_) => Step::Error(LexErrorKind::UnterminatedComment, input.len()),
        };
    }
    Step::Error(LexErrorKind::UnexpectedChar('/'), 1)
}

/// `STRING: '"' (ESC | ~["\\])* '"' | '\'' (ESC | ~['\\])* '\''` with
/// `ESC: '\\' ["\\/bfnrt]`. Strings may span lines.
fn string(input: &str) -> Step {
    let quote = input.as_bytes()[0];
    let mut bad_escape = None;
    let mut iter = input.char_indices().skip(1);
    while let Some((i, c)) = iter.next() {
        match c {
            '\\' => match iter.next() {
                Some((_, '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't')) => {}
                Some((j, other)) => {
                    bad_escape.get_or_insert((other, i..j + other.len_utf8()));
                }
                None => break,
            },
            c if c as u32 == u32::from(quote) => {
                let len = i + 1;
                return match bad_escape {
                    Some((c, at)) => Step::TokenWithError(
                        TokenKind::Str,
                        len,
                        LexErrorKind::InvalidEscape(c),
                        at,
                    ),
                    None => Step::Token(TokenKind::Str, len),
                };
            }
            _ => {}
        }
    }
    Step::Error(LexErrorKind::UnterminatedString, input.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        let (tokens, errors) = lex(text);
        assert!(errors.is_empty(), "{errors:?}");
        tokens.iter().map(|t| (t.kind, &text[t.span()])).collect()
    }

    fn errors(text: &str) -> Vec<LexErrorKind> {
        lex(text).1.into_iter().map(|e| e.kind).collect()
    }

    #[test]
    fn keywords_are_reserved_but_longer_words_are_identifiers() {
        assert_eq!(
            kinds("list listing signals int.foo _x"),
            [
                (List, "list"),
                (Ident, "listing"),
                (Ident, "signals"),
                (Ident, "int.foo"),
                (Ident, "_x")
            ]
        );
    }

    #[test]
    fn numbers_take_the_longest_match() {
        assert_eq!(kinds("1.0"), [(Version, "1.0")]);
        assert_eq!(kinds("1.10"), [(Version, "1.1"), (IntConst, "0")]);
        assert_eq!(kinds("0x1F"), [(HexConst, "0x1F")]);
        assert_eq!(kinds("0X1F"), [(IntConst, "0"), (Ident, "X1F")]);
        assert_eq!(kinds("0x"), [(IntConst, "0"), (Ident, "x")]);
        assert_eq!(
            kinds("-3 +2 010"),
            [(IntConst, "-3"), (IntConst, "+2"), (IntConst, "010")]
        );
        assert_eq!(kinds("10"), [(IntConst, "10")]);
    }

    #[test]
    fn a_sign_needs_its_digits() {
        assert_eq!(errors("- 3"), [LexErrorKind::UnexpectedChar('-')]);
        assert_eq!(errors("10.0"), [LexErrorKind::UnexpectedChar('.')]);
    }

    #[test]
    fn tag_lines_run_to_the_end_of_the_line() {
        assert_eq!(
            kinds("@a: 1 // x }\n}"),
            [(TagLine, "@a: 1 // x }"), (RBrace, "}")]
        );
    }

    #[test]
    fn comments_are_skipped_and_doc_comments_kept() {
        assert_eq!(
            kinds("// c\n/* a */ /** d */ x /***/"),
            [
                (DocComment, "/** d */"),
                (Ident, "x"),
                (DocComment, "/***/")
            ]
        );
    }

    #[test]
    fn an_empty_slash_star_star_slash_swallows_code() {
        let text = "/**/ interface A {} /* b */";
        let (tokens, errs) = lex(text);
        assert_eq!(tokens.len(), 1);
        assert_eq!(&text[tokens[0].span()], "/**/ interface A {} /* b */");
        assert_eq!(errs[0].kind, LexErrorKind::SwallowingDocComment);
    }

    #[test]
    fn comments_do_not_nest() {
        assert_eq!(kinds("/* /* */ x"), [(Ident, "x")]);
    }

    #[test]
    fn strings_allow_newlines_and_the_grammar_escapes_only() {
        assert_eq!(kinds("\"a\nb\\\"\\/\""), [(Str, "\"a\nb\\\"\\/\"")]);
        assert_eq!(kinds("'x\"'"), [(Str, "'x\"'")]);
        assert_eq!(errors("'it\\'s'"), [LexErrorKind::InvalidEscape('\'')]);
        assert_eq!(errors("\"\\u0041\""), [LexErrorKind::InvalidEscape('u')]);
        assert_eq!(errors("\"abc"), [LexErrorKind::UnterminatedString]);
    }

    #[test]
    fn unknown_characters_and_unterminated_comments_are_errors() {
        assert_eq!(errors("# x"), [LexErrorKind::UnexpectedChar('#')]);
        assert_eq!(errors("ü"), [LexErrorKind::UnexpectedChar('ü')]);
        assert_eq!(errors("a /* b"), [LexErrorKind::UnterminatedComment]);
        assert_eq!(errors("\u{c}"), [LexErrorKind::UnexpectedChar('\u{c}')]);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(kinds("\u{feff}module"), [(Module, "module")]);
    }

    #[test]
    fn angle_brackets_are_single_tokens() {
        assert_eq!(
            kinds("list<list<int>>"),
            [
                (List, "list"),
                (Lt, "<"),
                (List, "list"),
                (Lt, "<"),
                (Int, "int"),
                (Gt, ">"),
                (Gt, ">")
            ]
        );
    }
}
