//! QFace module → `<module>.proto` (proto3): the module's structs as messages and its enums and
//! flags as enums, for the prost messages `ifw_build` generates (same field numbers, types and
//! enum values; see [`codegen`](crate::codegen)) and for clients in other languages.
//!
//! - Package: the module name (`vehicle.climate`). A type of another module is referred to by its
//!   full name (`.vehicle.common.Status`) and its file imported (`vehicle.common.proto`).
//! - Field numbers: declaration order, from 1. Add new fields at the end to keep old peers
//!   working.
//! - Field names: snake case, as in Rust.
//! - `int` → `int32`, `real` → `double`, `bool` → `bool`, `string` → `string`,
//!   `var` → `google.protobuf.Value`, a struct → its message, an enum → its enum, a flag →
//!   `uint32` (the bits; the flag's enum lists them), `list<T>`/`model<T>` → `repeated T`,
//!   `map<T>` → `map<string, T>`.
//! - What protobuf cannot express (a container in a container, `list<list<int>>`) is a
//!   `google.protobuf.Value` holding the value's JSON (serde) form.
//! - Enum values are prefixed with the enum's name in upper snake case (`RECIRCULATION_MODE_AUTO`),
//!   as protobuf's style guide asks (values share the package's namespace). proto3 needs a zero
//!   value first: the member of value 0 moves to the front; an enum without one gets `<ENUM>_UNSPECIFIED = 0` (a flag
//!   `<FLAG>_NONE = 0`), which Rust reads as the enum's default (its first member).
//!
//! ```
//! let parsed = ifw_build::Frontend::new().parse_str(
//!     "demo.qface",
//!     "module org.demo 1.0\nenum Mode { Off, On }\nstruct Point { int x; Mode mode; map<real> weights }",
//! )?;
//! let proto = ifw_build::proto::emit_module(&parsed.system, &parsed.system.modules["org.demo"], "demo.qface")
//!     .map_err(|d| d.render())?;
//! assert!(proto.contains("package org.demo;"));
//! assert!(proto.contains("  MODE_ON = 1;"));
//! assert!(proto.contains("  map<string, double> weights = 3;"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;

use heck::{ToShoutySnakeCase, ToSnakeCase};

use crate::diagnostic::Diagnostic;
use crate::model::{Enum, Module, Struct, Symbol, System, TypeKind, TypeRef};

/// The `.proto` file name of a module: `<module name>.proto`.
pub fn proto_file_name(module: &Module) -> String {
    format!("{}.proto", module.name)
}

/// A protobuf scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    Int32,
    Double,
    Bool,
    String,
}

impl Scalar {
    /// The protobuf (and prost attribute) name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Int32 => "int32",
            Self::Double => "double",
            Self::Bool => "bool",
            Self::String => "string",
        }
    }
}

/// What a field (or a container's element) is in protobuf.
#[derive(Clone, Copy)]
pub(crate) enum Element<'a> {
    /// A scalar.
    Scalar(Scalar),
    /// An enum: the enum in the `.proto`, an `int32` in prost.
    Enum(&'a Module, &'a Enum),
    /// A flag: `uint32`.
    Flag(&'a Enum),
    /// A struct: its message.
    Message(&'a Module, &'a Struct),
    /// `var`: `google.protobuf.Value`.
    Value,
}

/// The shape of a field.
#[derive(Clone, Copy)]
pub(crate) enum FieldType<'a> {
    /// One element.
    Single(Element<'a>),
    /// `repeated`.
    Repeated(Element<'a>),
    /// `map<string, …>`.
    Map(Element<'a>),
    /// A type protobuf cannot express: a `google.protobuf.Value` of its JSON form.
    Json,
}

/// The protobuf type of a QFace type used in `module`.
pub(crate) fn field_type<'a>(
    system: &'a System,
    module: &'a Module,
    ty: &TypeRef,
) -> Result<FieldType<'a>, String> {
    let nested = || {
        ty.nested
            .as_deref()
            .ok_or_else(|| format!("`{}` without an element type", ty.name))
    };
    Ok(match ty.kind {
        TypeKind::List | TypeKind::Model | TypeKind::Map => {
            let inner = nested()?;
            if matches!(inner.kind, TypeKind::List | TypeKind::Model | TypeKind::Map) {
                return Ok(FieldType::Json);
            }
            let element = element(system, module, inner)?;
            if ty.kind == TypeKind::Map {
                FieldType::Map(element)
            } else {
                FieldType::Repeated(element)
            }
        }
        _ => FieldType::Single(element(system, module, ty)?),
    })
}

fn element<'a>(
    system: &'a System,
    module: &'a Module,
    ty: &TypeRef,
) -> Result<Element<'a>, String> {
    Ok(match ty.kind {
        TypeKind::Primitive => match &*ty.name {
            "int" => Element::Scalar(Scalar::Int32),
            "real" => Element::Scalar(Scalar::Double),
            "bool" => Element::Scalar(Scalar::Bool),
            "string" => Element::Scalar(Scalar::String),
            "var" => Element::Value,
            other => return Err(format!("unknown primitive type `{other}`")),
        },
        TypeKind::Complex => {
            let found = match system.resolve_type(module, &ty.name) {
                Some(Symbol::Enum(m, n)) => system.modules.get(m).and_then(|m| {
                    let e = m.enums.get(n)?;
                    Some(if e.is_flag {
                        Element::Flag(e)
                    } else {
                        Element::Enum(m, e)
                    })
                }),
                Some(Symbol::Struct(m, n)) => system
                    .modules
                    .get(m)
                    .and_then(|m| Some(Element::Message(m, m.structs.get(n)?))),
                Some(Symbol::Interface(..)) => {
                    return Err(format!(
                        "interface-typed `{}` has no protobuf form",
                        ty.name
                    ));
                }
                _ => None,
            };
            found.ok_or_else(|| format!("unknown type `{}`", ty.name))?
        }
        _ => return Err(format!("`{}` is not a protobuf element type", ty.name)),
    })
}

/// The protobuf field name of a QFace field.
pub(crate) fn field_name(name: &str) -> String {
    name.to_snake_case()
}

/// The values of an enum or flag in the `.proto`: (name, value), the zero value first (proto3
/// wants it there), the others in declaration order.
pub(crate) fn enum_values(e: &Enum) -> Vec<(String, i128)> {
    let prefix = e.name.to_shouty_snake_case();
    let mut values: Vec<(String, i128)> = e
        .members
        .values()
        .map(|m| {
            (
                format!("{prefix}_{}", m.name.to_shouty_snake_case()),
                m.value,
            )
        })
        .collect();
    if let Some(zero) = values.iter().position(|(_, v)| *v == 0) {
        let member = values.remove(zero);
        values.insert(0, member);
    } else {
        let mut zero = format!(
            "{prefix}_{}",
            if e.is_flag { "NONE" } else { "UNSPECIFIED" }
        );
        while values.iter().any(|(n, _)| *n == zero) {
            zero.push('_');
        }
        values.insert(0, (zero, 0));
    }
    values
}

/// The `.proto` text of `module`. `source` names the `.qface` file in the header.
pub fn emit_module(system: &System, module: &Module, source: &str) -> Result<String, Diagnostic> {
    let error =
        |origin: crate::model::Origin, message: String| match system.files.get(origin.file()) {
            Some(file) => Diagnostic::error(file, origin.span(), message),
            None => Diagnostic::global(crate::Severity::Error, message),
        };
    let mut imports = BTreeSet::new();
    let mut body = String::new();
    for e in module.enums.values() {
        body.push('\n');
        comment(&mut body, "", e.comment.as_deref());
        if e.is_flag {
            let _ = writeln!(
                body,
                "// A flag: a field of this type is a `uint32` of these bits."
            );
        }
        let _ = writeln!(body, "enum {} {{", e.name);
        for (name, value) in enum_values(e) {
            if let Some(m) = e.members.values().find(|m| m.value == value) {
                comment(&mut body, "  ", m.comment.as_deref());
            }
            let _ = writeln!(body, "  {name} = {value};");
        }
        body.push_str("}\n");
    }
    for s in module.structs.values() {
        body.push('\n');
        comment(&mut body, "", s.comment.as_deref());
        let _ = writeln!(body, "message {} {{", s.name);
        for (i, f) in s.fields.values().enumerate() {
            let ty = field_type(system, module, &f.ty).map_err(|e| error(f.origin, e))?;
            comment(&mut body, "  ", f.comment.as_deref());
            let mut name_of = |element: Element<'_>| match element {
                Element::Scalar(s) => s.name().to_string(),
                Element::Flag(..) => "uint32".to_string(),
                Element::Value => {
                    imports.insert("google/protobuf/struct.proto".to_string());
                    "google.protobuf.Value".to_string()
                }
                Element::Enum(m, e) => reference(module, m, &e.name, &mut imports),
                Element::Message(m, s) => reference(module, m, &s.name, &mut imports),
            };
            let (text, note) = match ty {
                FieldType::Single(element) => (name_of(element), flag_note(element)),
                FieldType::Repeated(element) => {
                    (format!("repeated {}", name_of(element)), flag_note(element))
                }
                FieldType::Map(element) => (
                    format!("map<string, {}>", name_of(element)),
                    flag_note(element),
                ),
                FieldType::Json => {
                    imports.insert("google/protobuf/struct.proto".to_string());
                    (
                        "google.protobuf.Value".to_string(),
                        Some(format!(" // {} as JSON", qface_type(&f.ty))),
                    )
                }
            };
            let _ = writeln!(
                body,
                "  {text} {} = {};{}",
                field_name(&f.name),
                i + 1,
                note.unwrap_or_default()
            );
        }
        body.push_str("}\n");
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated by ifw {} from '{source}': module {} {}\n// Do not edit: the build regenerates it.\n",
        env!("CARGO_PKG_VERSION"),
        module.name,
        module.version
    );
    comment(&mut out, "", module.comment.as_deref());
    let _ = writeln!(out, "syntax = \"proto3\";\n\npackage {};", module.name);
    if !imports.is_empty() {
        out.push('\n');
    }
    for import in imports {
        let _ = writeln!(out, "import \"{import}\";");
    }
    out.push_str(&body);
    Ok(out)
}

/// ` // <Flag> bits` after a flag field.
fn flag_note(element: Element<'_>) -> Option<String> {
    match element {
        Element::Flag(e) => Some(format!(" // {} bits", e.name)),
        _ => None,
    }
}

/// A type as QFace writes it (for comments).
fn qface_type(ty: &TypeRef) -> String {
    match ty.nested.as_deref() {
        Some(inner) => format!("{}<{}>", ty.name, qface_type(inner)),
        None => ty.name.to_string(),
    }
}

/// The name of a message or enum as seen from `here`; imports the other module's file.
fn reference(here: &Module, there: &Module, name: &str, imports: &mut BTreeSet<String>) -> String {
    if here.name == there.name {
        name.to_string()
    } else {
        imports.insert(proto_file_name(there));
        format!(".{}.{name}", there.name)
    }
}

/// A QFace doc comment as `//` lines.
fn comment(out: &mut String, indent: &str, raw: Option<&str>) {
    let Some(raw) = raw else { return };
    for line in crate::codegen::doc_lines(raw) {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}//");
        } else {
            let _ = writeln!(out, "{indent}// {line}");
        }
    }
}
