//! Type knowledge the decoder needs: gadget (POD) and enum definitions, looked up by their Qt
//! type names, and the parsing of template type names such as `QMap<int,QList<Pos>>`.
//!
//! A gadget travels as its name followed by one `QVariant` per field, with no field count, so a
//! decoder can only read it if it knows the field list. Static code registers its types in a
//! [`TypeRegistry`]; dynamic replicas learn them from the class definition of an
//! `InitDynamicPacket`.

use std::collections::HashMap;

use super::metatype::MetaType;
use super::value::FieldEncoding;
use crate::error::{Error, Result};

/// One field of a gadget, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GadgetField {
    /// The field (gadget property) name.
    pub name: String,
    /// Its Qt type name, for example `int` or `QList<Pos>`.
    pub type_name: String,
}

/// A `Q_GADGET`/POD type: its name and fields in the order they are streamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GadgetDef {
    /// The gadget's type name as Qt registers it, for example `Pos`.
    pub name: String,
    /// The fields, in order.
    pub fields: Vec<GadgetField>,
    /// Enums declared inside the gadget (`Pos::Kind`).
    pub enums: Vec<EnumDef>,
    /// How the fields travel: one `QVariant` each (repc PODs, the default) or typed.
    pub encoding: FieldEncoding,
}

impl GadgetDef {
    /// A gadget named `name` with `(field name, type name)` fields.
    pub fn new<'a>(name: &str, fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            name: name.to_owned(),
            fields: fields
                .into_iter()
                .map(|(name, type_name)| GadgetField {
                    name: name.to_owned(),
                    type_name: type_name.to_owned(),
                })
                .collect(),
            enums: Vec::new(),
            encoding: FieldEncoding::Variant,
        }
    }

    /// A gadget whose fields travel with their own typed operators (a Qt Interface Framework
    /// struct); each field is read as its type name says: `int`, `bool`, `double`, `QString`,
    /// `quint32` (an enum or flag), `QVariantList`, `QVariant` (read as [`Value::Variant`]),
    /// or another registered gadget's name.
    ///
    /// [`Value::Variant`]: super::Value::Variant
    pub fn typed<'a>(name: &str, fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            encoding: FieldEncoding::Typed,
            ..Self::new(name, fields)
        }
    }
}

/// One key of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumKey {
    /// The key's name.
    pub name: String,
    /// Its value.
    pub value: i32,
}

/// An enum or flag type, as described in a dynamic class definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDef {
    /// The unscoped name, for example `Mode`.
    pub name: String,
    /// Whether it is a `QFlags` type.
    pub is_flag: bool,
    /// Whether it is an `enum class`.
    pub is_scoped: bool,
    /// `sizeof` the enum in bytes (1, 2, 4 or 8): the width of its integer on the wire.
    pub size: u32,
    /// The keys in declaration order.
    pub keys: Vec<EnumKey>,
}

/// Where the decoder looks up the user types it meets.
pub trait TypeLookup {
    /// The gadget registered under `name`.
    fn gadget(&self, name: &str) -> Option<&GadgetDef>;
    /// The size in bytes of the enum registered under the full name `name` (`Demo::Mode`).
    fn enum_size(&self, name: &str) -> Option<u32>;
}

/// A table of gadget and enum definitions, keyed by Qt type name.
#[derive(Debug, Clone, Default)]
pub struct TypeRegistry {
    gadgets: HashMap<String, GadgetDef>,
    enums: HashMap<String, u32>,
}

impl TypeRegistry {
    /// An empty registry (builtin types need no registration).
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) a gadget and the enums declared inside it.
    pub fn register_gadget(&mut self, gadget: GadgetDef) -> &mut Self {
        for e in &gadget.enums {
            self.enums
                .insert(format!("{}::{}", gadget.name, e.name), e.size);
        }
        self.gadgets.insert(gadget.name.clone(), gadget);
        self
    }

    /// Registers (or replaces) an enum under its full type name, for example `Demo::Mode`.
    pub fn register_enum(&mut self, full_name: &str, size: u32) -> &mut Self {
        self.enums.insert(full_name.to_owned(), size);
        self
    }

    /// Registers everything `other` knows, replacing same-named entries.
    pub fn extend(&mut self, other: &TypeRegistry) {
        self.gadgets
            .extend(other.gadgets.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.enums
            .extend(other.enums.iter().map(|(k, v)| (k.clone(), *v)));
    }
}

impl TypeLookup for TypeRegistry {
    fn gadget(&self, name: &str) -> Option<&GadgetDef> {
        self.gadgets.get(name)
    }

    fn enum_size(&self, name: &str) -> Option<u32> {
        self.enums.get(name).copied()
    }
}

/// Two lookups, the first one winning.
#[derive(Clone, Copy)]
pub(crate) struct Overlay<'a> {
    pub(crate) first: &'a dyn TypeLookup,
    pub(crate) then: &'a dyn TypeLookup,
}

impl TypeLookup for Overlay<'_> {
    fn gadget(&self, name: &str) -> Option<&GadgetDef> {
        self.first.gadget(name).or_else(|| self.then.gadget(name))
    }

    fn enum_size(&self, name: &str) -> Option<u32> {
        self.first
            .enum_size(name)
            .or_else(|| self.then.enum_size(name))
    }
}

/// The registry protocol's location record, streamed field by field (not as a gadget).
pub const SOURCE_LOCATION_INFO: &str = "QRemoteObjectSourceLocationInfo";

/// A type name broken into its template structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TypeExpr<'a> {
    /// A builtin metatype.
    Builtin(MetaType),
    /// `QList<T>` / `QVector<T>`: `u32 n` + n raw elements.
    List(&'a str),
    /// `QMap<K,V>` / `QHash<K,V>` (and the multi variants): `u32 n` + n (key, value) pairs.
    Assoc(&'a str, &'a str),
    /// `std::pair<A,B>` / `QPair<A,B>`: first, then second.
    Pair(&'a str, &'a str),
    /// Any other name: a gadget, an enum or a protocol struct.
    Named(&'a str),
}

impl<'a> TypeExpr<'a> {
    /// Splits a normalized Qt type name into its outer template and arguments.
    pub(crate) fn parse(name: &'a str) -> Result<Self> {
        if let Some(builtin) = MetaType::from_name(name) {
            return Ok(Self::Builtin(builtin));
        }
        let Some(open) = name.find('<') else {
            if name.is_empty() || name.contains(['>', ',']) {
                return Err(Error::InvalidTypeName(name.to_owned()));
            }
            return Ok(Self::Named(name));
        };
        let invalid = || Error::InvalidTypeName(name.to_owned());
        let inner = name[open + 1..].strip_suffix('>').ok_or_else(invalid)?;
        let args = split_arguments(inner).ok_or_else(invalid)?;
        match (&name[..open], args.as_slice()) {
            ("QList" | "QVector", [t]) => Ok(Self::List(t)),
            ("QMap" | "QHash" | "QMultiMap" | "QMultiHash", [k, v]) => Ok(Self::Assoc(k, v)),
            ("std::pair" | "QPair", [a, b]) => Ok(Self::Pair(a, b)),
            _ => Err(Error::UnknownUserType(name.to_owned())),
        }
    }
}

/// Splits `a,b<c,d>` at its top-level commas; `None` if brackets do not balance or an argument
/// is empty.
fn split_arguments(inner: &str) -> Option<Vec<&str>> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    (depth == 0 && args.iter().all(|a| !a.is_empty())).then_some(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_templates() {
        assert_eq!(
            TypeExpr::parse("QList<int>").unwrap(),
            TypeExpr::List("int")
        );
        assert_eq!(
            TypeExpr::parse("QMap<QString,QList<Pos>>").unwrap(),
            TypeExpr::Assoc("QString", "QList<Pos>")
        );
        assert_eq!(
            TypeExpr::parse("std::pair<QString,QRemoteObjectSourceLocationInfo>").unwrap(),
            TypeExpr::Pair("QString", SOURCE_LOCATION_INFO)
        );
        assert_eq!(
            TypeExpr::parse("QVariantList").unwrap(),
            TypeExpr::Builtin(MetaType::QVariantList)
        );
        assert_eq!(
            TypeExpr::parse("Demo::Mode").unwrap(),
            TypeExpr::Named("Demo::Mode")
        );
    }

    #[test]
    fn rejects_malformed_names() {
        for bad in [
            "",
            "QList<int",
            "QList<>",
            "QMap<int,>",
            "QList<a>>",
            "a>b",
            "QList<a,b>",
        ] {
            assert!(TypeExpr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overlay_prefers_first() {
        let mut a = TypeRegistry::new();
        a.register_gadget(GadgetDef::new("Pos", [("x", "int")]));
        let mut b = TypeRegistry::new();
        b.register_gadget(GadgetDef::new("Pos", [("x", "int"), ("y", "int")]))
            .register_enum("Demo::Mode", 2);
        let o = Overlay {
            first: &a,
            then: &b,
        };
        assert_eq!(o.gadget("Pos").map(|g| g.fields.len()), Some(1));
        assert_eq!(o.enum_size("Demo::Mode"), Some(2));
        assert!(o.gadget("Nope").is_none());
    }
}
