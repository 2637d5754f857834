//! The model: every module of a set of QFace files, with types resolved across files.
//!
//! Named collections are insertion-ordered maps, as in the reference: a repeated name keeps its
//! first position and takes the last content (and is reported as a warning).

mod build;
pub mod json;
mod lookup;

use std::sync::Arc;

pub use crate::annotations::Tags;
use crate::source::{SourceFile, Span};
pub(crate) use build::{Interner, ModelBuilder};
pub(crate) use lookup::OwnedSymbol;
pub use lookup::{MemberKind, Symbol};

/// An insertion-ordered map from names to symbols (a repeated name keeps its first position).
/// Hashing is fixed (foldhash), so the model is deterministic and cheap to build.
pub type NameMap<V> = indexmap::IndexMap<Name, V, foldhash::fast::FixedState>;

/// A name in the model. Names are interned per run: every use of the same name (a property
/// called `id` in fifty interfaces, the map key and the symbol's own `name`) shares one string.
pub type Name = Arc<str>;

/// Where a symbol was declared: its file and its name's span (kept small: 12 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    file: u32,
    start: u32,
    end: u32,
}

impl Origin {
    /// The origin of the name at `span` in file `file` (an index into [`System::files`]).
    pub fn new(file: usize, span: Span) -> Self {
        let small = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        Self {
            file: small(file),
            start: small(span.start),
            end: small(span.end),
        }
    }

    /// The index of the file in [`System::files`].
    pub fn file(&self) -> usize {
        self.file as usize
    }

    /// The span of the symbol's name.
    pub fn span(&self) -> Span {
        self.start as usize..self.end as usize
    }
}

/// Everything parsed: the modules and the annotations of the system itself.
#[derive(Debug, Clone, Default)]
pub struct System {
    /// The modules by name, in the order they were first declared.
    pub modules: NameMap<Module>,
    /// Annotations given to `system` in an annotation file.
    pub tags: Tags,
    /// The files read, for positions.
    pub files: Vec<Arc<SourceFile>>,
}

/// A module: a namespace of interfaces, structs, enums and flags.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// The dotted name.
    pub name: Name,
    /// The version text, `1.0`.
    pub version: String,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Imported module name → version.
    pub imports: NameMap<String>,
    /// Interfaces by name.
    pub interfaces: NameMap<Interface>,
    /// Structs by name.
    pub structs: NameMap<Struct>,
    /// Enums and flags by name.
    pub enums: NameMap<Enum>,
    /// Where it was declared.
    pub origin: Origin,
}

impl Module {
    /// `module.Name` for a top-level symbol of this module; a dotted name is returned unchanged,
    /// as the reference does.
    pub fn qualify(&self, name: &str) -> String {
        if name.contains('.') {
            name.to_string()
        } else {
            format!("{}.{name}", self.name)
        }
    }
}

/// An interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Interface {
    /// The name.
    pub name: Name,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// The base interface, verbatim.
    pub extends: Option<String>,
    /// Properties by name.
    pub properties: NameMap<Property>,
    /// Operations by name.
    pub operations: NameMap<Operation>,
    /// Signals by name.
    pub signals: NameMap<Signal>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A property of an interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The name.
    pub name: Name,
    /// The type.
    pub ty: TypeRef,
    /// Declared `readonly`.
    pub readonly: bool,
    /// Declared `const`.
    pub is_const: bool,
    /// The default value, decoded.
    pub value: Option<String>,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Where it was declared.
    pub origin: Origin,
}

/// An operation of an interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The name.
    pub name: Name,
    /// The return type ([`TypeKind::Void`] for `void`).
    pub ty: TypeRef,
    /// Declared `const`.
    pub is_const: bool,
    /// Parameters by name.
    pub parameters: NameMap<Parameter>,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Where it was declared.
    pub origin: Origin,
}

/// A signal of an interface.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// The name.
    pub name: Name,
    /// Parameters by name.
    pub parameters: NameMap<Parameter>,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Where it was declared.
    pub origin: Origin,
}

/// A parameter of an operation or a signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The name.
    pub name: Name,
    /// The type.
    pub ty: TypeRef,
}

/// A struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// The name.
    pub name: Name,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Fields by name.
    pub fields: NameMap<Field>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name.
    pub name: Name,
    /// The type.
    pub ty: TypeRef,
    /// The default value, decoded.
    pub value: Option<String>,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Where it was declared.
    pub origin: Origin,
}

/// An enum or a flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// The name.
    pub name: Name,
    /// Declared with `flag`.
    pub is_flag: bool,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Members by name.
    pub members: NameMap<EnumMember>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A member of an enum or flag.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember {
    /// The name.
    pub name: Name,
    /// The value, numbered as the reference numbers it.
    pub value: i128,
    /// The raw doc comment.
    pub comment: Option<String>,
    /// Annotations.
    pub tags: Tags,
    /// Where it was declared.
    pub origin: Origin,
}

/// What kind of type a [`TypeRef`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// `void` (operation results only).
    Void,
    /// `bool`, `int`, `real`, `string` or `var`.
    Primitive,
    /// A named type: struct, enum, flag or interface.
    Complex,
    /// `list<T>`
    List,
    /// `map<T>` (string keys)
    Map,
    /// `model<T>`
    Model,
}

/// A type as used by a property, parameter, field or operation.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeRef {
    /// The primitive name, the complex name verbatim, or `list`/`map`/`model`/`void`.
    pub name: Name,
    /// The kind.
    pub kind: TypeKind,
    /// The element type of a container.
    pub nested: Option<Box<TypeRef>>,
}
