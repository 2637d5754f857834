//! The syntax tree of one QFace document, borrowing its text from the source.

use super::token::Token;
use crate::source::Span;

/// A piece of source text and where it is: a name, a version, a string, a doc comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    /// The text, verbatim.
    pub text: &'a str,
    /// Where it is.
    pub start: usize,
}

impl Text<'_> {
    /// The byte span of the text.
    pub fn span(&self) -> Span {
        self.start..self.start + self.text.len()
    }
}

/// What may precede a declaration: at most one doc comment, then annotation lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Meta<'a> {
    /// The raw doc comment, `/**` and `*/` included.
    pub doc: Option<Text<'a>>,
    /// The annotation lines, each with its leading `@`.
    pub tags: TagLines<'a>,
}

/// Consecutive annotation lines: a view of their tokens (no copy).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagLines<'a> {
    src: &'a str,
    tokens: &'a [Token],
}

impl<'a> TagLines<'a> {
    /// The lines of `tokens` (all of them `TagLine` tokens) in `src`.
    pub(crate) fn new(src: &'a str, tokens: &'a [Token]) -> Self {
        Self { src, tokens }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// How many lines.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Line `index`, with its `@`.
    pub fn get(&self, index: usize) -> Option<Text<'a>> {
        self.tokens.get(index).map(|t| Text {
            text: &self.src[t.span()],
            start: t.span().start,
        })
    }

    /// The lines, each with its `@`.
    pub fn iter(&self) -> impl Iterator<Item = Text<'a>> + '_ {
        (0..self.tokens.len()).filter_map(|i| self.get(i))
    }
}

/// One `.qface` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// `module name 1.0`
    pub module: ModuleDecl<'a>,
    /// `import other 1.0`
    pub imports: Vec<Import<'a>>,
    /// Interfaces, structs, enums and flags, in source order.
    pub definitions: Vec<Definition<'a>>,
}

/// `module org.example 1.0;`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// The dotted module name.
    pub name: Text<'a>,
    /// The version text, `1.0`.
    pub version: Text<'a>,
}

/// `import org.other 1.0;`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import<'a> {
    /// The imported module.
    pub name: Text<'a>,
    /// The version text.
    pub version: Text<'a>,
}

/// A top-level definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Definition<'a> {
    /// `interface Name { … }`
    Interface(InterfaceDecl<'a>),
    /// `struct Name { … }`
    Struct(StructDecl<'a>),
    /// `enum Name { … }` or `flag Name { … }`
    Enum(EnumDecl<'a>),
}

/// `interface Name extends Base { members }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// The name.
    pub name: Text<'a>,
    /// The base interface, verbatim (possibly dotted).
    pub extends: Option<Text<'a>>,
    /// Properties, operations and signals, in source order.
    pub members: Vec<Member<'a>>,
}

/// A member of an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member<'a> {
    /// `readonly int count = "0";`
    Property(PropertyDecl<'a>),
    /// `string echo(string msg) const;`
    Operation(OperationDecl<'a>),
    /// `signal changed(int value);`
    Signal(SignalDecl<'a>),
}

/// The modifier of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modifier {
    /// `readonly`
    Readonly,
    /// `const`
    Const,
}

/// A property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// `readonly` or `const`.
    pub modifier: Option<Modifier>,
    /// The type.
    pub ty: TypeExpr<'a>,
    /// The name.
    pub name: Text<'a>,
    /// The default value: the string token, quotes included.
    pub value: Option<Text<'a>>,
}

/// An operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// The return type; `None` for `void`.
    pub ty: Option<TypeExpr<'a>>,
    /// The name.
    pub name: Text<'a>,
    /// The parameters.
    pub params: Vec<Param<'a>>,
    /// `const` after the parameter list.
    pub is_const: bool,
}

/// A signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// The name.
    pub name: Text<'a>,
    /// The parameters.
    pub params: Vec<Param<'a>>,
}

/// A parameter of an operation or signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'a> {
    /// The type.
    pub ty: TypeExpr<'a>,
    /// The name.
    pub name: Text<'a>,
}

/// `struct Name { fields }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// The name.
    pub name: Text<'a>,
    /// The fields.
    pub fields: Vec<FieldDecl<'a>>,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// The type.
    pub ty: TypeExpr<'a>,
    /// The name.
    pub name: Text<'a>,
    /// The default value: the string token, quotes included.
    pub value: Option<Text<'a>>,
}

/// `enum Name { … }` or `flag Name { … }`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// `flag` rather than `enum`.
    pub is_flag: bool,
    /// The name.
    pub name: Text<'a>,
    /// The members.
    pub members: Vec<EnumMemberDecl<'a>>,
}

/// `Name = 0x10,`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumMemberDecl<'a> {
    /// Doc comment and annotations.
    pub meta: Meta<'a>,
    /// The name.
    pub name: Text<'a>,
    /// The explicit value, verbatim (`-1`, `0x10`).
    pub value: Option<Text<'a>>,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr<'a> {
    /// `bool`, `int`, `real`, `string` or `var`.
    Primitive(Text<'a>),
    /// A named type, verbatim (possibly dotted).
    Complex(Text<'a>),
    /// `list<T>`
    List(Box<TypeExpr<'a>>),
    /// `map<T>` (string keys)
    Map(Box<TypeExpr<'a>>),
    /// `model<T>`
    Model(Box<TypeExpr<'a>>),
}
