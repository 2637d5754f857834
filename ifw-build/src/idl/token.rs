//! The tokens of QFace, as the reference grammar (`T.g4`) defines them.

use std::fmt;

use crate::source::Span;

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `import`
    Import,
    /// `module`
    Module,
    /// `interface`
    Interface,
    /// `extends`
    Extends,
    /// `void`
    Void,
    /// `const`
    Const,
    /// `signal`
    Signal,
    /// `readonly`
    Readonly,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `real`
    Real,
    /// `string`
    String,
    /// `var`
    Var,
    /// `list`
    List,
    /// `map`
    Map,
    /// `model`
    Model,
    /// `struct`
    Struct,
    /// `enum`
    Enum,
    /// `flag`
    Flag,
    /// `;`
    Semi,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `=`
    Assign,
    /// `,`
    Comma,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// A quoted string, `"…"` or `'…'`.
    Str,
    /// An annotation line: `@` and the rest of the physical line.
    TagLine,
    /// A decimal integer, sign glued on: `-3`, `+2`, `010`.
    IntConst,
    /// A hexadecimal integer with a lower-case `0x`.
    HexConst,
    /// An identifier, dots allowed after the first character: `org.example.Echo`.
    Ident,
    /// A version: exactly one digit, a dot, one digit.
    Version,
    /// A documentation comment `/** … */`.
    DocComment,
}

impl TokenKind {
    /// The keyword with this text, if it is one.
    pub(crate) fn keyword(text: &str) -> Option<Self> {
        use TokenKind::*;
        Some(match text {
            "import" => Import,
            "module" => Module,
            "interface" => Interface,
            "extends" => Extends,
            "void" => Void,
            "const" => Const,
            "signal" => Signal,
            "readonly" => Readonly,
            "bool" => Bool,
            "int" => Int,
            "real" => Real,
            "string" => String,
            "var" => Var,
            "list" => List,
            "map" => Map,
            "model" => Model,
            "struct" => Struct,
            "enum" => Enum,
            "flag" => Flag,
            _ => return None,
        })
    }

    /// How the token is named in messages.
    pub fn describe(self) -> &'static str {
        use TokenKind::*;
        match self {
            Import => "`import`",
            Module => "`module`",
            Interface => "`interface`",
            Extends => "`extends`",
            Void => "`void`",
            Const => "`const`",
            Signal => "`signal`",
            Readonly => "`readonly`",
            Bool => "`bool`",
            Int => "`int`",
            Real => "`real`",
            String => "`string`",
            Var => "`var`",
            List => "`list`",
            Map => "`map`",
            Model => "`model`",
            Struct => "`struct`",
            Enum => "`enum`",
            Flag => "`flag`",
            Semi => "`;`",
            LBrace => "`{`",
            RBrace => "`}`",
            LParen => "`(`",
            RParen => "`)`",
            Assign => "`=`",
            Comma => "`,`",
            Lt => "`<`",
            Gt => "`>`",
            Str => "a quoted string",
            TagLine => "an annotation line",
            IntConst => "an integer",
            HexConst => "a hexadecimal integer",
            Ident => "a name",
            Version => "a version such as `1.0`",
            DocComment => "a doc comment",
        }
    }

    /// Whether this is one of the reserved words.
    pub fn is_keyword(self) -> bool {
        (self as u8) <= (TokenKind::Flag as u8)
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// One token: its kind and where it is (12 bytes: files are limited to 4 GiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What kind of token.
    pub kind: TokenKind,
    start: u32,
    end: u32,
}

impl Token {
    /// A token of `kind` over `span`.
    pub(crate) fn new(kind: TokenKind, span: Span) -> Self {
        Self {
            kind,
            start: u32::try_from(span.start).unwrap_or(u32::MAX),
            end: u32::try_from(span.end).unwrap_or(u32::MAX),
        }
    }

    /// Its bytes in the source.
    pub fn span(&self) -> Span {
        self.start as usize..self.end as usize
    }
}
