//! repc's C++ types as Rust types, and the file's `POD`s, `ENUM`s and `FLAG`s as Rust items.
//!
//! | `.rep` type | Rust | on the wire (as QtRO's `encodeVariant` sends it) |
//! |---|---|---|
//! | `bool` | `bool` | `bool` |
//! | `int`, `qint32` / `uint`, `quint32` | `i32` / `u32` | `int` / `uint` |
//! | `qint8`, `quint8`, `qint16`, `quint16`, `qint64`, `quint64` (and their C++ spellings) | `i8` … `u64` | the same width |
//! | `double`, `qreal` / `float` | `f64` / `f32` | `double` / `float` |
//! | `QString` / `QByteArray` / `QStringList` | `String` / `Vec<u8>` / `Vec<String>` | the same |
//! | `QVariant`, `QVariantList`, `QVariantMap`, `QVariantHash` | `Value`, `Vec<Value>`, `BTreeMap<String, Value>` | the same |
//! | `QList<T>`, `QVector<T>` | `Vec<T>` | a typed sequence (`QSQ_` for PODs) |
//! | `QMap<K,V>`, `QHash<K,V>` | `BTreeMap<K, V>` (sorted, so deterministic) | a typed associative container (`QAS_` for POD values) |
//! | a `POD` | a struct | a gadget named as the POD, each field one `QVariant` |
//! | an `ENUM` / a `FLAG` | a Rust enum / a bit-set newtype | an integer of the enum's size / an `int` |
//!
//! `Value` is `ifw_core::codegen::Value`, QtRO's own value (a repc `QVariant` can hold anything).
//! Other types (`QPoint`, `QDateTime`, another class, …) are refused with the position of the use.

use std::collections::HashMap;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::super::ident;
use crate::rep::{self, RepFile};

/// A named type the file declares.
#[derive(Clone)]
pub(crate) enum Named {
    /// A POD: its Rust name.
    Pod { rust: String, qt: String },
    /// An enum: Rust name, Qt name, size in bytes, members.
    Enum {
        rust: String,
        qt: String,
        size: u32,
        members: Vec<(String, i32)>,
    },
    /// A flag: Rust name, Qt name, the members of its enum.
    Flag {
        rust: String,
        qt: String,
        members: Vec<(String, i32)>,
    },
}

/// The types a `.rep` file declares, by the names a type may use to refer to them.
#[derive(Default)]
pub(crate) struct TypeTable {
    named: HashMap<String, Named>,
    /// `Options::extern_type`: C++ name → Rust path.
    externs: Vec<(String, TokenStream)>,
}

/// A `.rep` type resolved.
#[derive(Clone)]
pub(crate) enum CppType {
    /// A builtin scalar with `ToQtro`/`FromQtro`: Rust type and Qt's canonical name.
    Scalar(TokenStream, &'static str),
    /// `QString`.
    String,
    /// `QByteArray`.
    Bytes,
    /// `QVariant`.
    Variant,
    /// `QList<T>`: its normalized name and element.
    List(String, Box<CppType>),
    /// `QMap<K,V>`/`QHash<K,V>`: its normalized name, key and value.
    Map(String, Box<CppType>, Box<CppType>),
    /// A POD, enum or flag of the file.
    Named(Named),
    /// A type declared elsewhere, mapped by `Options::extern_type`: Rust path and C++ name.
    Extern(TokenStream, String),
}

impl Named {
    fn rust(&self) -> &str {
        match self {
            Named::Pod { rust, .. } | Named::Enum { rust, .. } | Named::Flag { rust, .. } => rust,
        }
    }

    fn qt(&self) -> &str {
        match self {
            Named::Pod { qt, .. } | Named::Enum { qt, .. } | Named::Flag { qt, .. } => qt,
        }
    }
}

impl CppType {
    /// The Rust type.
    pub(crate) fn rust(&self) -> TokenStream {
        match self {
            CppType::Scalar(t, _) => t.clone(),
            CppType::String => quote!(::std::string::String),
            CppType::Bytes => quote!(::std::vec::Vec<u8>),
            CppType::Variant => quote!(::ifw_core::codegen::Value),
            CppType::List(_, e) => {
                let e = e.rust();
                quote!(::std::vec::Vec<#e>)
            }
            CppType::Map(_, k, v) => {
                let (k, v) = (k.rust(), v.rust());
                quote!(::std::collections::BTreeMap<#k, #v>)
            }
            CppType::Named(n) => {
                let name = ident(n.rust());
                quote!(#name)
            }
            CppType::Extern(path, _) => path.clone(),
        }
    }

    /// Qt's name of the type (as a container's element names it).
    pub(crate) fn qt(&self) -> String {
        match self {
            CppType::Scalar(_, qt) => (*qt).to_string(),
            CppType::String => "QString".into(),
            CppType::Bytes => "QByteArray".into(),
            CppType::Variant => "QVariant".into(),
            CppType::List(name, _) | CppType::Map(name, ..) => name.clone(),
            CppType::Named(n) => n.qt().to_string(),
            CppType::Extern(_, qt) => qt.clone(),
        }
    }

    fn is_pod(&self) -> bool {
        matches!(self, CppType::Named(Named::Pod { .. }))
    }

    /// Whether it is `QVariant` (whose Rust type has no `Default`).
    fn is_variant(&self) -> bool {
        matches!(self, CppType::Variant)
    }

    /// Whether the Rust type is `Ord` (a map key).
    fn is_ord(&self) -> bool {
        match self {
            CppType::Scalar(_, qt) => !matches!(*qt, "double" | "float"),
            CppType::String | CppType::Bytes => true,
            CppType::Variant | CppType::Map(..) => false,
            CppType::List(_, e) => e.is_ord(),
            CppType::Named(n) => !matches!(n, Named::Pod { .. }),
            CppType::Extern(..) => false,
        }
    }

    /// An expression of the wire `Value` of `expr` (a `&T`).
    pub(crate) fn write_wire(&self, expr: &TokenStream) -> TokenStream {
        match self {
            CppType::Scalar(..) | CppType::String | CppType::Named(_) | CppType::Extern(..) => {
                quote!(::ifw_core::codegen::ToQtro::to_qtro(#expr))
            }
            CppType::Bytes => quote!(::ifw_core::codegen::Value::ByteArray(
                ::std::option::Option::Some(::std::clone::Clone::clone(#expr))
            )),
            CppType::Variant => quote!(::std::clone::Clone::clone(#expr)),
            CppType::List(name, e) => {
                let element = e.qt();
                let gadget = e.is_pod();
                let inner = e.write_fn();
                quote!({
                    let items = #expr;
                    ::ifw_core::codegen::rep_list(#name, #element, #gadget, items.iter().map(#inner).collect())
                })
            }
            CppType::Map(name, k, v) => {
                let (key, value) = (k.qt(), v.qt());
                let gadget = v.is_pod();
                let kto = k.write_wire(&quote!(k));
                let vto = v.write_wire(&quote!(v));
                quote!({
                    let entries = #expr;
                    ::ifw_core::codegen::rep_map(
                        #name,
                        #key,
                        #value,
                        #gadget,
                        entries.iter().map(|(k, v)| (#kto, #vto)).collect(),
                    )
                })
            }
        }
    }

    /// A function (path or closure) from `&T` to the wire `Value`.
    fn write_fn(&self) -> TokenStream {
        match self {
            CppType::Scalar(..) | CppType::String | CppType::Named(_) | CppType::Extern(..) => {
                quote!(::ifw_core::codegen::ToQtro::to_qtro)
            }
            _ => {
                let body = self.write_wire(&quote!(v));
                quote!(|v| #body)
            }
        }
    }

    /// A function (path or closure) from `&Value` to `Result<T, Error>`.
    fn read_fn(&self) -> TokenStream {
        match self {
            CppType::Scalar(..) | CppType::String | CppType::Named(_) | CppType::Extern(..) => {
                let t = self.rust();
                quote!(<#t as ::ifw_core::codegen::FromQtro>::from_qtro)
            }
            CppType::Bytes => quote!(::ifw_core::codegen::rep_bytes),
            _ => {
                let body = self.read_wire(&quote!(v));
                quote!(|v| #body)
            }
        }
    }

    /// Whether the Rust type's `Default` is the type's default (all but `QVariant`'s `Value`).
    pub(crate) fn derives_default(&self) -> bool {
        match self {
            CppType::Variant => false,
            CppType::Named(_)
            | CppType::Scalar(..)
            | CppType::String
            | CppType::Bytes
            | CppType::Extern(..) => true,
            CppType::List(..) | CppType::Map(..) => true,
        }
    }

    /// An expression of `Result<T, Error>` reading `expr` (a `&Value`).
    pub(crate) fn read_wire(&self, expr: &TokenStream) -> TokenStream {
        match self {
            CppType::Scalar(..) | CppType::String | CppType::Named(_) | CppType::Extern(..) => {
                let t = self.rust();
                quote!(<#t as ::ifw_core::codegen::FromQtro>::from_qtro(#expr))
            }
            CppType::Bytes => quote!(::ifw_core::codegen::rep_bytes(#expr)),
            CppType::Variant => quote!(::std::result::Result::<
                ::ifw_core::codegen::Value,
                ::ifw_core::codegen::Error,
            >::Ok(::ifw_core::codegen::rep_variant(#expr))),
            CppType::List(_, e) => {
                let inner = e.read_fn();
                quote!(::ifw_core::codegen::rep_items(#expr).and_then(|items| {
                    items.iter().map(#inner).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()
                }))
            }
            CppType::Map(_, k, v) => {
                let kfrom = k.read_wire(&quote!(k));
                let vfrom = v.read_wire(&quote!(v));
                quote!(::ifw_core::codegen::rep_entries(#expr).and_then(|entries| {
                    entries
                        .iter()
                        .map(|(k, v)| ::std::result::Result::Ok((#kfrom?, #vfrom?)))
                        .collect::<::std::result::Result<::std::collections::BTreeMap<_, _>, ::ifw_core::codegen::Error>>()
                }))
            }
        }
    }

    /// The Rust default of the type (`Value::Invalid` for `QVariant`).
    pub(crate) fn default_value(&self) -> TokenStream {
        if self.is_variant() {
            quote!(::ifw_core::codegen::Value::Invalid)
        } else {
            quote!(::std::default::Default::default())
        }
    }

    /// The Rust value of a default written in the `.rep` (`PROP(int x = 5)`), if understood.
    pub(crate) fn literal(&self, text: &str) -> Option<TokenStream> {
        let text = text.trim();
        match self {
            CppType::Scalar(_, qt) => match *qt {
                "bool" => match text {
                    "true" => Some(quote!(true)),
                    "false" => Some(quote!(false)),
                    _ => None,
                },
                "double" | "float" => {
                    let number = text.trim_end_matches(['f', 'F']);
                    let value: f64 = number.parse().ok()?;
                    if !value.is_finite() {
                        return None;
                    }
                    let lit = if *qt == "float" {
                        // A default written for a `float` is a `float`.
                        #[allow(clippy::cast_possible_truncation)]
                        Literal::f32_suffixed(value as f32)
                    } else {
                        Literal::f64_suffixed(value)
                    };
                    Some(quote!(#lit))
                }
                _ => {
                    let value = parse_integer(text)?;
                    if !fits(value, qt) {
                        return None;
                    }
                    value.to_string().parse().ok()
                }
            },
            CppType::String => {
                let inner = ["QStringLiteral(", "QString(", "QLatin1String(", "u"]
                    .iter()
                    .find_map(|p| text.strip_prefix(p).map(|r| r.trim_end_matches(')')))
                    .unwrap_or(text)
                    .trim();
                if inner.is_empty() {
                    return Some(quote!(::std::string::String::new()));
                }
                let body = inner.strip_prefix('"')?.strip_suffix('"')?;
                let value = unescape(body)?;
                Some(quote!(::std::string::String::from(#value)))
            }
            CppType::Named(Named::Enum { rust, members, .. }) => {
                let member = text.rsplit("::").next().unwrap_or(text);
                let (name, _) = members.iter().find(|(m, _)| m == member)?;
                let ty = ident(rust);
                let variant = ident(&name.to_upper_camel_case());
                let canonical = canonical_member(members, name);
                Some(if canonical == *name {
                    quote!(#ty::#variant)
                } else {
                    let alias = ident(&name.to_shouty_snake_case());
                    quote!(#ty::#alias)
                })
            }
            _ if matches!(text, "{}" | "QVariant()" | "QByteArray()" | "QStringList()") => {
                Some(self.default_value())
            }
            _ => None,
        }
    }
}

fn parse_integer(text: &str) -> Option<i128> {
    let text = text.trim_end_matches(['u', 'U', 'l', 'L']);
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let value = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i128::from_str_radix(hex, 16).ok()?
    } else {
        digits.parse::<i128>().ok()?
    };
    Some(if negative { -value } else { value })
}

fn fits(value: i128, qt: &str) -> bool {
    let (min, max): (i128, i128) = match qt {
        "signed char" => (i8::MIN.into(), i8::MAX.into()),
        "uchar" => (0, u8::MAX.into()),
        "short" => (i16::MIN.into(), i16::MAX.into()),
        "ushort" => (0, u16::MAX.into()),
        "int" => (i32::MIN.into(), i32::MAX.into()),
        "uint" => (0, u32::MAX.into()),
        "qlonglong" => (i64::MIN.into(), i64::MAX.into()),
        "qulonglong" => (0, u64::MAX.into()),
        _ => return false,
    };
    (min..=max).contains(&value)
}

/// The text of a C string literal body, for the escapes a default value plausibly uses.
fn unescape(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            c @ ('\\' | '"' | '\'') => c,
            _ => return None,
        });
    }
    Some(out)
}

/// The first member with the value of `name` (later ones with that value are aliases).
fn canonical_member(members: &[(String, i32)], name: &str) -> String {
    let value = members.iter().find(|(m, _)| m == name).map(|(_, v)| *v);
    members
        .iter()
        .find(|(_, v)| Some(*v) == value)
        .map_or_else(|| name.to_string(), |(m, _)| m.clone())
}

/// Size in bytes of an enum with this underlying type (4 when none is written), and whether it
/// is signed.
pub(crate) fn enum_size(underlying: Option<&str>) -> Result<(u32, bool), String> {
    let Some(t) = underlying else {
        return Ok((4, true));
    };
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(match t.as_str() {
        "char" | "signed char" | "qint8" | "int8_t" => (1, true),
        "unsigned char" | "uchar" | "quint8" | "uint8_t" => (1, false),
        "short" | "signed short" | "qint16" | "int16_t" => (2, true),
        "unsigned short" | "ushort" | "quint16" | "uint16_t" => (2, false),
        "int" | "signed" | "signed int" | "qint32" | "int32_t" => (4, true),
        "unsigned" | "unsigned int" | "uint" | "quint32" | "uint32_t" => (4, false),
        "long long" | "qint64" | "qlonglong" | "int64_t" => (8, true),
        "unsigned long long" | "quint64" | "qulonglong" | "uint64_t" => (8, false),
        other => return Err(format!("unsupported enum underlying type `{other}`")),
    })
}

/// The Rust integer type of an enum of this size and signedness.
pub(crate) fn repr(size: u32, signed: bool) -> TokenStream {
    match (size, signed) {
        (1, true) => quote!(i8),
        (1, false) => quote!(u8),
        (2, true) => quote!(i16),
        (2, false) => quote!(u16),
        (8, true) => quote!(i64),
        (8, false) => quote!(u64),
        (_, false) => quote!(u32),
        _ => quote!(i32),
    }
}

impl TypeTable {
    /// Every POD, enum and flag of `file`, with their Rust names: global ones by their name, a
    /// class's as `<Class><Name>`, a POD's flags as `<Pod><Name>` (its enums are global, as repc
    /// registers them).
    pub(crate) fn new(file: &RepFile, externs: &[(String, String)]) -> Result<Self, String> {
        let mut table = Self::default();
        for (cpp, rust) in externs {
            let path: TokenStream = rust
                .parse()
                .map_err(|e| format!("extern type `{cpp}`: `{rust}` is not a Rust type: {e}"))?;
            table.externs.push((cpp.trim().to_string(), path));
        }
        let add_enum = |table: &mut Self, e: &rep::Enum, scope: Option<&str>| {
            let (size, _) = enum_size(e.underlying_type.as_deref()).unwrap_or((4, true));
            let members = e.values.iter().map(|v| (v.name.clone(), v.value)).collect();
            let (rust, qt) = match scope {
                Some(s) => (
                    format!(
                        "{}{}",
                        s.to_upper_camel_case(),
                        e.name.to_upper_camel_case()
                    ),
                    format!("{s}::{}", e.name),
                ),
                None => (e.name.to_upper_camel_case(), e.name.clone()),
            };
            table.named.insert(
                qt.clone(),
                Named::Enum {
                    rust,
                    qt,
                    size,
                    members,
                },
            );
        };
        for e in &file.enums {
            add_enum(&mut table, e, None);
        }
        for pod in &file.pods {
            for e in &pod.enums {
                add_enum(&mut table, e, None);
            }
        }
        for class in &file.classes {
            for e in &class.enums {
                add_enum(&mut table, e, Some(&class.name));
            }
        }
        let flag_of = |table: &Self, f: &rep::Flag, scope: Option<&str>| {
            let key = match scope {
                Some(s) if table.named.contains_key(&format!("{s}::{}", f.enum_name)) => {
                    format!("{s}::{}", f.enum_name)
                }
                _ => f.enum_name.clone(),
            };
            let members = match table.named.get(&key) {
                Some(Named::Enum { members, .. }) => members.clone(),
                _ => Vec::new(),
            };
            let (rust, qt) = match scope {
                Some(s) => (
                    format!(
                        "{}{}",
                        s.to_upper_camel_case(),
                        f.name.to_upper_camel_case()
                    ),
                    format!("{s}::{}", f.name),
                ),
                None => (f.name.to_upper_camel_case(), f.name.clone()),
            };
            Named::Flag { rust, qt, members }
        };
        let mut flags = Vec::new();
        for f in &file.flags {
            flags.push(flag_of(&table, f, None));
        }
        for pod in &file.pods {
            for f in &pod.flags {
                flags.push(flag_of(&table, f, Some(&pod.name)));
            }
        }
        for class in &file.classes {
            for f in &class.flags {
                flags.push(flag_of(&table, f, Some(&class.name)));
            }
        }
        for f in flags {
            table.named.insert(f.qt().to_string(), f);
        }
        for pod in &file.pods {
            table.named.insert(
                pod.name.clone(),
                Named::Pod {
                    rust: pod.name.to_upper_camel_case(),
                    qt: pod.name.clone(),
                },
            );
        }
        Ok(table)
    }

    /// The declared type `name` means in `scope` (a class or POD name): `Scope::Name` first, then
    /// the name itself, then without its leading scopes (as repc's signature looks names up).
    fn lookup(&self, name: &str, scope: Option<&str>) -> Option<&Named> {
        let mut name = name;
        loop {
            if let Some(scope) = scope
                && let Some(n) = self.named.get(&format!("{scope}::{name}"))
            {
                return Some(n);
            }
            if let Some(n) = self.named.get(name) {
                return Some(n);
            }
            match name.find("::") {
                Some(pos) => name = &name[pos + 2..],
                None => return None,
            }
        }
    }

    /// The type declared under this Qt name (`Name`, `Class::Name`).
    pub(crate) fn get(&self, qt: &str) -> Option<&Named> {
        self.named.get(qt)
    }

    /// Every declared type, in no particular order.
    pub(crate) fn all(&self) -> impl Iterator<Item = &Named> {
        self.named.values()
    }

    /// The type written `text` in `scope`.
    pub(crate) fn resolve(&self, text: &str, scope: Option<&str>) -> Result<CppType, String> {
        let text = text.trim();
        let text = text.strip_prefix("const ").unwrap_or(text).trim();
        let text = text.trim_end_matches('&').trim();
        if let Some(open) = text.find('<') {
            let Some(inner) = text[open + 1..].strip_suffix('>') else {
                return Err(format!("cannot read the type `{text}`"));
            };
            let template = text[..open].trim();
            let args = split_args(inner);
            let name = crate::rep::normalized_type_name(text);
            return match (template, &args[..]) {
                ("QList" | "QVector", [element]) => {
                    let element = self.resolve(element, scope)?;
                    Ok(match element {
                        CppType::String => CppType::List("QStringList".into(), Box::new(element)),
                        CppType::Variant => CppType::List("QVariantList".into(), Box::new(element)),
                        element => CppType::List(name, Box::new(element)),
                    })
                }
                ("QMap" | "QHash", [key, value]) => {
                    let key = self.resolve(key, scope)?;
                    let value = self.resolve(value, scope)?;
                    if !key.is_ord() {
                        return Err(format!(
                            "`{text}`: ifw-build maps it to a BTreeMap, whose key `{}` cannot be",
                            key.qt()
                        ));
                    }
                    Ok(CppType::Map(name, Box::new(key), Box::new(value)))
                }
                _ => Err(format!("unsupported type `{text}`")),
            };
        }
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let scalar = |rust: TokenStream, qt| Ok(CppType::Scalar(rust, qt));
        match words.as_str() {
            "bool" => scalar(quote!(bool), "bool"),
            "int" | "signed" | "signed int" | "qint32" | "int32_t" => scalar(quote!(i32), "int"),
            "uint" | "unsigned" | "unsigned int" | "quint32" | "uint32_t" => {
                scalar(quote!(u32), "uint")
            }
            "qint8" | "int8_t" | "signed char" => scalar(quote!(i8), "signed char"),
            "quint8" | "uint8_t" | "uchar" | "unsigned char" => scalar(quote!(u8), "uchar"),
            "short" | "qint16" | "int16_t" => scalar(quote!(i16), "short"),
            "ushort" | "unsigned short" | "quint16" | "uint16_t" => scalar(quote!(u16), "ushort"),
            "qint64" | "qlonglong" | "long long" | "int64_t" => scalar(quote!(i64), "qlonglong"),
            "quint64" | "qulonglong" | "unsigned long long" | "uint64_t" => {
                scalar(quote!(u64), "qulonglong")
            }
            "double" | "qreal" => scalar(quote!(f64), "double"),
            "float" => scalar(quote!(f32), "float"),
            "QString" => Ok(CppType::String),
            "QByteArray" => Ok(CppType::Bytes),
            "QVariant" => Ok(CppType::Variant),
            "QStringList" => Ok(CppType::List(
                "QStringList".into(),
                Box::new(CppType::String),
            )),
            "QVariantList" => Ok(CppType::List(
                "QVariantList".into(),
                Box::new(CppType::Variant),
            )),
            "QVariantMap" | "QVariantHash" => Ok(CppType::Map(
                if words == "QVariantMap" {
                    "QMap<QString,QVariant>".into()
                } else {
                    "QHash<QString,QVariant>".into()
                },
                Box::new(CppType::String),
                Box::new(CppType::Variant),
            )),
            _ => match self.lookup(text, scope) {
                Some(named) => Ok(CppType::Named(named.clone())),
                None if self.externs.iter().any(|(cpp, _)| cpp == text) => {
                    let path = self
                        .externs
                        .iter()
                        .find(|(cpp, _)| cpp == text)
                        .map(|(_, path)| path.clone())
                        .unwrap_or_default();
                    Ok(CppType::Extern(path, text.to_string()))
                }
                None => Err(format!(
                    "unsupported type `{text}` (ifw-build maps Qt's integer, floating-point, bool, string, byte array, variant and container types, and the file's PODs, enums and flags; map others with `extern_type`)"
                )),
            },
        }
    }
}

/// The top-level comma-separated arguments of a template.
fn split_args(inner: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                args.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    args.push(current.trim().to_string());
    args
}
