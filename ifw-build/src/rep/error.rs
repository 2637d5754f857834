//! The one error type of the `.rep` parser.

use super::schema::Span;

/// A `.rep` file that repc would reject (or that this parser refuses, see
/// [`RepErrorKind::CommentBeforeBrace`]), with where it goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}: {kind}", .span.line, .span.column)]
pub struct RepError {
    /// Where the offending token starts.
    pub span: Span,
    /// What is wrong.
    pub kind: RepErrorKind,
}

impl RepError {
    /// The line, from 1.
    pub fn line(&self) -> u32 {
        self.span.line
    }

    /// The column in characters, from 1.
    pub fn column(&self) -> u32 {
        self.span.column
    }
}

/// What is wrong with a `.rep` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RepErrorKind {
    /// No token of the `.rep` language starts here (repc: "Error generating tokens").
    #[error("no .rep token starts here: `{text}`")]
    UnknownToken {
        /// The next characters of the input.
        text: String,
    },
    /// A token the grammar does not allow here (repc: "Unknown token encountered").
    #[error("unexpected {found}; expected {expected}")]
    Unexpected {
        /// The token found (or "end of file").
        found: String,
        /// What would have been accepted.
        expected: &'static str,
    },
    /// The file holds nothing but blank lines.
    #[error("empty file: a .rep file needs at least one declaration, include or comment")]
    Empty,
    /// A declaration outside the scope it belongs to, such as `PROP` outside a class.
    #[error("{item}: can only be used in {scope} scope")]
    WrongScope {
        /// The keyword (`PROP`, `SIGNAL`, `POD`, …).
        item: &'static str,
        /// Where it may appear (`class`, `global`).
        scope: &'static str,
    },
    /// A `class` inside a class.
    #[error("class: cannot be nested")]
    NestedClass,
    /// A `PROP(…)` without a name after the type.
    #[error("PROP: invalid property declaration: {declaration}")]
    InvalidProperty {
        /// The text inside the parentheses.
        declaration: String,
    },
    /// A property modifier that is not one of repc's.
    #[error("invalid property declaration: flag {flag} is unknown")]
    UnknownModifier {
        /// The modifier text.
        flag: String,
    },
    /// Several modifiers that cannot go together (only `READONLY, CONSTANT` can).
    #[error("invalid property declaration: combination not allowed ({flags})")]
    ModifierCombination {
        /// The modifier text.
        flags: String,
    },
    /// `FLAG(Flags Enum)` where `Enum` is not declared before it in the same scope.
    #[error("FLAG: unknown ({scope}) enum: {enum_name}")]
    UnknownFlagEnum {
        /// The enum named in the flag.
        enum_name: String,
        /// `class`, `pod` or `global`.
        scope: &'static str,
    },
    /// `ENUM` inside `POD Name(…)`; only the `POD Name { … }` form can hold enums.
    #[error("ENUMs are only available in PODs using bracket syntax ('{{'), not parentheses")]
    EnumInParenthesisedPod,
    /// A comment between `class Name` (or `POD Name`) and its `{`: repc's parser reads the name
    /// after lexing that comment and so loses it; refused rather than reproduced.
    #[error(
        "a comment between `{keyword} {name}` and `{{` is not supported (repc loses the name there); move it"
    )]
    CommentBeforeBrace {
        /// `class` or `POD`.
        keyword: &'static str,
        /// The declared name.
        name: String,
    },
}
