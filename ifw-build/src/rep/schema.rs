//! The parsed form of a `.rep` file: what repc's AST holds, in file order.
//!
//! Names and types are kept as repc keeps them (the signature is computed from these exact
//! strings), so a few oddities of repc survive here on purpose; each is documented where it lives.

/// Where something starts in the `.rep` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// Byte offset from the start of the text.
    pub offset: usize,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

/// One parsed `.rep` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RepFile {
    /// Every `#` line except `#HEADER`/`#FOOTER` (`#include …`, `#if …`, …), verbatim without the
    /// line break; repc copies them to the top of the generated header and never opens them.
    pub includes: Vec<String>,
    /// The text after `#HEADER ` of each `#HEADER` line (emitted before the generated classes).
    pub header_lines: Vec<String>,
    /// The text after `#FOOTER ` of each `#FOOTER` line (emitted after the generated classes).
    pub footer_lines: Vec<String>,
    /// `POD`s, in file order (a `POD Name()` without members is dropped, as repc drops it).
    pub pods: Vec<Pod>,
    /// Global `ENUM`s, in file order.
    pub enums: Vec<Enum>,
    /// Global `FLAG`s, in file order.
    pub flags: Vec<Flag>,
    /// The names given to `USE_ENUM(…)`, verbatim.
    pub enum_uses: Vec<String>,
    /// `class`es, in file order.
    pub classes: Vec<Class>,
    /// What repc would warn about.
    pub warnings: Vec<RepWarning>,
}

impl RepFile {
    /// The first class with this name.
    pub fn class(&self, name: &str) -> Option<&Class> {
        self.classes.iter().find(|c| c.name == name)
    }
}

/// Something repc accepts with a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepWarning {
    /// `POD Name()` has no members; repc ignores the whole declaration.
    EmptyPod {
        /// The POD's name.
        name: String,
        /// Where it is declared.
        span: Span,
    },
    /// `SLOT(name(…))` has no return type; repc makes it `void`.
    ImplicitVoid {
        /// The slot's name.
        slot: String,
        /// Where it is declared.
        span: Span,
    },
}

/// A `class` block: a remote object type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Class {
    /// The class name.
    pub name: String,
    /// A compiler attribute written before the name (`class Q_DECL_EXPORT Name`); not part of the
    /// signature.
    pub compiler_attribute: Option<String>,
    /// `PROP`, `MODEL` and `CLASS` entries in `.rep` order: this is the property index space.
    pub properties: Vec<Property>,
    /// `SIGNAL`s in `.rep` order.
    pub signals: Vec<Function>,
    /// `SLOT`s in `.rep` order.
    pub slots: Vec<Function>,
    /// Enums declared in the class (registered as `Class::Enum`).
    pub enums: Vec<Enum>,
    /// Flags declared in the class (registered as `Class::Flags`).
    pub flags: Vec<Flag>,
    /// The `MODEL` entries, each pointing at its property.
    pub models: Vec<Model>,
    /// The `CLASS` (child object) entries, each pointing at its property.
    pub sub_classes: Vec<SubClass>,
    /// Where the class is declared.
    pub span: Span,
}

impl Class {
    /// Whether `type_name` is, textually, one of this class's own enums (repc's `isClassEnum`).
    pub fn is_class_enum(&self, type_name: &str) -> bool {
        self.enums.iter().any(|e| e.name == type_name)
    }
}

/// How a property may be changed, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Modifier {
    /// `CONSTANT` (or `READONLY, CONSTANT`): set once, no change signal.
    Constant,
    /// `READONLY`: only the source sets it.
    ReadOnly,
    /// `READPUSH` (the default): the replica asks the source through a `push<Name>` method.
    #[default]
    ReadPush,
    /// `READWRITE`: the replica writes the property directly.
    ReadWrite,
    /// `SOURCEONLYSETTER`: like `READONLY` for replicas; `MODEL` and `CLASS` entries have it.
    SourceOnlySetter,
}

impl Modifier {
    /// The value repc hashes for this modifier (`SOURCEONLYSETTER` hashes as `READONLY`).
    pub fn signature_value(self) -> i32 {
        match self {
            Modifier::Constant => 0,
            Modifier::ReadOnly | Modifier::SourceOnlySetter => 1,
            Modifier::ReadPush => 2,
            Modifier::ReadWrite => 3,
        }
    }
}

/// What kind of entry a property is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PropertyKind {
    /// A `PROP(…)`.
    #[default]
    Value,
    /// A `MODEL name(roles)`: a `QAbstractItemModel` child.
    Model,
    /// A `CLASS name(Type)`: a child remote object.
    Class,
}

/// A property: `PROP`, `MODEL` or `CLASS`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Property {
    /// The property name.
    pub name: String,
    /// The type as written, with any spaces inside template brackets (`QMap<QString, int>`);
    /// `QAbstractItemModel` for a `MODEL`, the child class name for a `CLASS`.
    pub type_name: String,
    /// The default value as written (`PROP(int x = 4)`), if any.
    pub default_value: Option<String>,
    /// The access modifier.
    pub modifier: Modifier,
    /// `PERSISTED` was given.
    pub persisted: bool,
    /// `PROP`, `MODEL` or `CLASS`.
    pub kind: PropertyKind,
    /// Where it is declared.
    pub span: Span,
}

/// A `MODEL name(role, …)` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Model {
    /// The property name.
    pub name: String,
    /// The roles, in written order.
    pub roles: Vec<String>,
    /// Its index in [`Class::properties`].
    pub property_index: usize,
    /// Where it is declared.
    pub span: Span,
}

/// A `CLASS name(Type)` entry: a child remote object.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubClass {
    /// The property name.
    pub name: String,
    /// The child's class name.
    pub class_name: String,
    /// Its index in [`Class::properties`].
    pub property_index: usize,
    /// Where it is declared.
    pub span: Span,
}

/// A `SIGNAL` or `SLOT`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Function {
    /// The function name.
    pub name: String,
    /// The return type as written (`void` for signals and for slots written without one).
    pub return_type: String,
    /// The parameters.
    pub params: Vec<Param>,
    /// Where it is declared.
    pub span: Span,
}

/// One parameter of a signal or slot (or one member of a POD, see [`PodMember`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Param {
    /// The type without a leading `const` and without `&`.
    pub type_name: String,
    /// The name exactly as repc takes it (it is hashed): `__repc_variable_N` for an unnamed
    /// parameter, and `second=0` for `int second=0` (repc keeps a default value in the name).
    pub name: String,
    /// Written with a leading `const`.
    pub is_const: bool,
    /// Written with `&`.
    pub is_reference: bool,
}

impl Param {
    /// The name without a default value that repc keeps in it (`second=0` → `second`).
    pub fn plain_name(&self) -> &str {
        self.name.split('=').next().unwrap_or_default()
    }

    /// The default value repc keeps in the name (`second=0` → `0`), if any.
    pub fn default_value(&self) -> Option<&str> {
        self.name.split_once('=').map(|(_, value)| value)
    }

    /// The value repc hashes for the qualifiers (const 1, reference 2).
    pub fn variable_type(&self) -> i32 {
        i32::from(self.is_const) | (i32::from(self.is_reference) << 1)
    }
}

/// An `ENUM`, global, in a POD, or in a class.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Enum {
    /// The enum name.
    pub name: String,
    /// `ENUM class Name`.
    pub scoped: bool,
    /// The underlying type after `:`, as written (`unsigned char`).
    pub underlying_type: Option<String>,
    /// The enumerators with their values (counting up from the previous value, as in C++).
    pub values: Vec<EnumValue>,
    /// Where it is declared.
    pub span: Span,
}

impl Enum {
    /// Whether any value is negative (repc's `isSigned`).
    pub fn is_signed(&self) -> bool {
        self.values.iter().any(|v| v.value < 0)
    }
}

/// One enumerator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnumValue {
    /// The enumerator name.
    pub name: String,
    /// Its value.
    pub value: i32,
}

/// A `FLAG(Flags Enum)`: a `QFlags` of an enum declared in the same scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Flag {
    /// The flags type name.
    pub name: String,
    /// The enum it is made of.
    pub enum_name: String,
    /// Where it is declared.
    pub span: Span,
}

/// A `POD`: a plain data type (`Q_GADGET`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pod {
    /// The POD name.
    pub name: String,
    /// A compiler attribute written before the name; not part of the signature.
    pub compiler_attribute: Option<String>,
    /// The members, in order.
    pub members: Vec<PodMember>,
    /// Enums declared in the bracket form (registered without a scope, as repc does).
    pub enums: Vec<Enum>,
    /// Flags declared in the bracket form (registered as `Pod::Flags`).
    pub flags: Vec<Flag>,
    /// Declared with `{ … }` rather than `( … )`.
    pub bracket_form: bool,
    /// Where it is declared.
    pub span: Span,
}

/// One member of a POD.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodMember {
    /// The type as repc reads it.
    pub type_name: String,
    /// The member name as repc reads it.
    pub name: String,
}
