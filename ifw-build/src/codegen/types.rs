//! The module's types: QFace structs, enums and flags as Rust types, with serde and the
//! Qt Remote Objects conversions ([`ToQtro`/`FromQtro`] of `ifw_core`).
//!
//! - `int` → `i32`, `real` → `f64`, `bool` → `bool`, `string` → `String`, `var` →
//!   `ifw_core::codegen::Variant`, `list<T>` → `Vec<T>`, `map<T>` → `BTreeMap<String, T>`
//!   (sorted, so deterministic), `model<T>` → `Vec<T>` for now (the paging model handle comes with
//!   the interface code).
//! - A struct → a struct with `Debug, Clone, PartialEq, Default` and serde; fields in snake case.
//!   `Default` gives what Qt IF's generated struct constructors give (its `default_type_value`):
//!   0, `false`, empty strings and lists, the first enum member, no flag bits; like Qt IF, it
//!   ignores default values written on struct fields in the IDL.
//!   Over QtRO it is a gadget named as Qt registers the C++ struct (its name, prefixed by the
//!   module's `@config: {namespace: …}`), fields in declaration order, each written with its own
//!   typed `QDataStream` operator as Qt IF's generated `operator<<` does (a `var` field as a whole
//!   `QVariant`, an enum or flag as `quint32`).
//! - An enum → a `#[repr(i32)]` enum whose first member is the default; serde uses the member
//!   names. Over QtRO it is a `quint32`, as Qt IF's frontend streams it.
//! - A flag → a `u32` bit-set newtype: one associated constant per member (SHOUTY case), `|`,
//!   `&`, `contains`; serde and QtRO carry the bits, and unknown bits are refused on the way in.
//!
//! [`ToQtro`/`FromQtro`]: https://docs.rs/ifw-core

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Context, doc_attrs, ident, module_ident};
use crate::diagnostic::Diagnostic;
use crate::model::{Enum, Origin, Struct, Symbol, TypeKind, TypeRef};

/// The Rust type of a QFace type used in this module, as tokens (full `::std` paths).
pub(crate) fn rust_type(cx: &Context<'_>, ty: &TypeRef) -> Result<TokenStream, String> {
    rust_type_text(cx, ty, Paths::Std)?
        .parse()
        .map_err(|e| format!("ifw-build wrote a Rust type it cannot read (a bug): {e}"))
}

/// How [`rust_type_text`] names the standard types.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paths {
    /// `::std::string::String`, `::std::vec::Vec<T>`, `::std::collections::BTreeMap<…>`: for
    /// the module's types, before the `ifw` alias.
    Std,
    /// `ifw::String`, `ifw::Vec<T>`, `ifw::Map<T>`, `ifw::Variant`: for interface code, under
    /// `use ::ifw_core::codegen as ifw;` (the same types, re-exported).
    Ifw,
}

/// The Rust type of a QFace type used in this module, as text.
pub(crate) fn rust_type_text(
    cx: &Context<'_>,
    ty: &TypeRef,
    paths: Paths,
) -> Result<String, String> {
    let nested = || match ty.nested.as_deref() {
        Some(inner) => rust_type_text(cx, inner, paths),
        None => Err(format!("`{}` without an element type", ty.name)),
    };
    let ifw = paths == Paths::Ifw;
    Ok(match ty.kind {
        TypeKind::Primitive => match &*ty.name {
            "int" => "i32".to_string(),
            "real" => "f64".to_string(),
            "bool" => "bool".to_string(),
            "string" if ifw => "ifw::String".to_string(),
            "string" => "::std::string::String".to_string(),
            "var" if ifw => "ifw::Variant".to_string(),
            "var" => "::ifw_core::codegen::Variant".to_string(),
            other => return Err(format!("unknown primitive type `{other}`")),
        },
        TypeKind::List | TypeKind::Model if ifw => format!("ifw::Vec<{}>", nested()?),
        TypeKind::List | TypeKind::Model => format!("::std::vec::Vec<{}>", nested()?),
        TypeKind::Map if ifw => format!("ifw::Map<{}>", nested()?),
        TypeKind::Map => format!(
            "::std::collections::BTreeMap<::std::string::String, {}>",
            nested()?
        ),
        TypeKind::Complex => match cx.system.resolve_type(cx.module, &ty.name) {
            Some(Symbol::Struct(m, n) | Symbol::Enum(m, n)) => {
                let name = ident(&type_name(n));
                if m == &*cx.module.name {
                    name.to_string()
                } else {
                    format!("super::{}::{name}", module_ident(m))
                }
            }
            Some(Symbol::Interface(..)) => {
                return Err(format!(
                    "interface-typed `{}` is not supported in generated types yet",
                    ty.name
                ));
            }
            _ => return Err(format!("unknown type `{}`", ty.name)),
        },
        TypeKind::Void => return Err("`void` is only a return type".to_string()),
    })
}

/// Whether the type is QFace `var`.
pub(crate) fn is_var(ty: &TypeRef) -> bool {
    ty.kind == TypeKind::Primitive && &*ty.name == "var"
}

/// The Rust name of a struct, enum or flag.
pub(crate) fn type_name(name: &str) -> String {
    name.to_upper_camel_case()
}

/// The name Qt registers a struct's C++ type under: its name, prefixed by the module's
/// `@config: {namespace: …}` (`module` meaning the module name with `::`, `qt` none).
pub(crate) fn qt_type_name(cx: &Context<'_>, name: &str) -> String {
    let ns = match cx.module.tags.attribute("config", "namespace") {
        Some(serde_json::Value::String(ns)) if ns == "qt" || ns.is_empty() => String::new(),
        Some(serde_json::Value::String(ns)) if ns == "module" => cx.module.name.replace('.', "::"),
        Some(serde_json::Value::String(ns)) => ns,
        _ => String::new(),
    };
    if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}::{name}")
    }
}

/// The C++ type a struct field streams as in Qt IF's generated code (for the QtRO type registry):
/// `int`, `qreal`, `bool`, `QString`, `QVariant`, `QVariantList`/`QVariantMap` for containers,
/// the struct's registered name, `quint32` for enums and flags.
pub(crate) fn qt_field_type(cx: &Context<'_>, ty: &TypeRef) -> String {
    match ty.kind {
        TypeKind::Primitive => match &*ty.name {
            "real" => "qreal".to_string(),
            "string" => "QString".to_string(),
            "var" => "QVariant".to_string(),
            other => other.to_string(),
        },
        TypeKind::List | TypeKind::Model => "QVariantList".to_string(),
        TypeKind::Map => "QVariantMap".to_string(),
        TypeKind::Complex => match cx.system.resolve_type(cx.module, &ty.name) {
            Some(Symbol::Struct(m, n)) => match cx.system.modules.get(m) {
                Some(module) => qt_type_name(&Context { module, ..*cx }, n),
                None => n.to_string(),
            },
            _ => "quint32".to_string(),
        },
        TypeKind::Void => "void".to_string(),
    }
}

/// `pub fn register_qtro_types`: the module's structs as gadget definitions for a QtRO
/// `TypeRegistry`, so a node or host can decode them.
pub(crate) fn registration(cx: &Context<'_>) -> TokenStream {
    let gadgets = cx.module.structs.values().map(|s| {
        let name = qt_type_name(cx, &s.name);
        let fields = s.fields.values().map(|f| {
            let field = f.name.to_string();
            let ty = qt_field_type(cx, &f.ty);
            quote!((#field, #ty))
        });
        quote! {
            registry.register_gadget(::ifw_core::codegen::GadgetDef::typed(#name, [#(#fields),*]));
        }
    });
    let registry = if cx.module.structs.is_empty() {
        quote!(_registry)
    } else {
        quote!(registry)
    };
    let doc = format!(
        " Registers the structs of `{}` with a Qt Remote Objects type registry (do so for the modules it uses too).",
        cx.module.name
    );
    quote! {
        #[doc = #doc]
        pub fn register_qtro_types(#registry: &mut ::ifw_core::codegen::TypeRegistry) {
            #(#gadgets)*
        }
    }
}

/// Outer attributes: the doc comment (or `fallback`) and the configured type attributes.
fn item_attrs(
    cx: &Context<'_>,
    comment: Option<&str>,
    fallback: &str,
    name: &str,
    origin: Origin,
) -> Result<TokenStream, Diagnostic> {
    let doc = doc_attrs(comment).unwrap_or_else(|| {
        let line = format!(" {fallback}");
        quote!(#[doc = #line])
    });
    let extra = cx
        .options
        .attributes_for(&cx.module.qualify(name))
        .map_err(|e| cx.error(origin, e))?;
    Ok(quote!(#doc #(#extra)*))
}

/// Checks that Rust names derived from QFace names do not collide.
fn unique<'a>(
    cx: &Context<'_>,
    what: &str,
    names: impl Iterator<Item = (&'a str, String, Origin)>,
) -> Result<(), Diagnostic> {
    let mut seen = HashSet::new();
    for (qface, rust, origin) in names {
        if !seen.insert(rust.clone()) {
            return Err(cx.error(
                origin,
                format!("{what} `{qface}` becomes `{rust}` in Rust, like another one before it"),
            ));
        }
    }
    Ok(())
}

/// A QFace struct.
pub(crate) fn structure(cx: &Context<'_>, s: &Struct) -> Result<TokenStream, Diagnostic> {
    let name = ident(&type_name(&s.name));
    let attrs = item_attrs(
        cx,
        s.comment.as_deref(),
        &format!("The `{}` struct.", s.name),
        &s.name,
        s.origin,
    )?;
    unique(
        cx,
        "field",
        s.fields
            .values()
            .map(|f| (&*f.name, f.name.to_snake_case(), f.origin)),
    )?;
    let mut fields = Vec::new();
    let mut to_fields = Vec::new();
    let mut from_fields = Vec::new();
    let mut bindings = Vec::new();
    for (i, f) in s.fields.values().enumerate() {
        let ty = rust_type(cx, &f.ty).map_err(|e| cx.error(f.origin, e))?;
        let field = ident(&f.name.to_snake_case());
        let doc = doc_attrs(f.comment.as_deref()).unwrap_or_else(|| {
            let line = format!(" The `{}` field.", f.name);
            quote!(#[doc = #line])
        });
        let qface_name = f.name.to_string();
        let rename = (field.to_string().trim_start_matches("r#") != qface_name)
            .then(|| quote!(#[serde(rename = #qface_name)]));
        fields.push(quote!(#doc #rename pub #field: #ty,));
        // Qt IF streams a `var` field as a whole QVariant (the payload of a QVariant-typed field).
        let to = if is_var(&f.ty) {
            quote!(::ifw_core::codegen::Value::Variant(::std::boxed::Box::new(
                ::ifw_core::codegen::ToQtro::to_qtro(&self.#field)
            )))
        } else {
            quote!(::ifw_core::codegen::ToQtro::to_qtro(&self.#field))
        };
        to_fields.push(quote!((#qface_name, #to)));
        let binding = quote::format_ident!("f{}", i);
        from_fields.push(quote!(#field: ::ifw_core::codegen::FromQtro::from_qtro(#binding)?,));
        bindings.push(quote!((_, #binding)));
    }
    let qt_name = qt_type_name(cx, &s.name);
    let to_list = if to_fields.is_empty() {
        quote!(::std::vec::Vec::<(&str, ::ifw_core::codegen::Value)>::new())
    } else {
        quote!(::std::vec![#(#to_fields),*])
    };
    Ok(quote! {
        #attrs
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Default,
            ::ifw_core::codegen::serde::Serialize,
            ::ifw_core::codegen::serde::Deserialize
        )]
        #[serde(crate = "::ifw_core::codegen::serde")]
        pub struct #name {
            #(#fields)*
        }

        impl ::ifw_core::codegen::ToQtro for #name {
            fn to_qtro(&self) -> ::ifw_core::codegen::Value {
                ::ifw_core::codegen::Value::Gadget(::ifw_core::codegen::Gadget::typed(
                    #qt_name,
                    #to_list,
                ))
            }
        }

        impl ::ifw_core::codegen::FromQtro for #name {
            fn from_qtro(
                value: &::ifw_core::codegen::Value,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                let [#(#bindings),*] = ::ifw_core::codegen::gadget_fields(value, #qt_name)?;
                ::std::result::Result::Ok(Self { #(#from_fields)* })
            }
        }
    })
}

/// A QFace enum or flag.
pub(crate) fn enumeration(cx: &Context<'_>, e: &Enum) -> Result<TokenStream, Diagnostic> {
    if e.is_flag {
        flag(cx, e)
    } else {
        plain_enum(cx, e)
    }
}

fn member_doc(comment: Option<&str>, name: &str) -> TokenStream {
    doc_attrs(comment).unwrap_or_else(|| {
        let line = format!(" The `{name}` member.");
        quote!(#[doc = #line])
    })
}

fn plain_enum(cx: &Context<'_>, e: &Enum) -> Result<TokenStream, Diagnostic> {
    let name = ident(&type_name(&e.name));
    let attrs = item_attrs(
        cx,
        e.comment.as_deref(),
        &format!("The `{}` enum.", e.name),
        &e.name,
        e.origin,
    )?;
    if e.members.is_empty() {
        return Err(cx.error(e.origin, format!("enum `{}` has no members", e.name)));
    }
    unique(
        cx,
        "member",
        e.members
            .values()
            .map(|m| (&*m.name, m.name.to_upper_camel_case(), m.origin)),
    )?;
    let mut seen_values = HashSet::new();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for (i, m) in e.members.values().enumerate() {
        let value = i32::try_from(m.value).map_err(|_| {
            cx.error(
                m.origin,
                format!(
                    "the value {} of `{}` does not fit a 32-bit enum",
                    m.value, m.name
                ),
            )
        })?;
        if !seen_values.insert(value) {
            return Err(cx.error(
                m.origin,
                format!(
                    "`{}` repeats the value {value} of an earlier member",
                    m.name
                ),
            ));
        }
        let variant = ident(&m.name.to_upper_camel_case());
        let doc = member_doc(m.comment.as_deref(), &m.name);
        let default = (i == 0).then(|| quote!(#[default]));
        let qface_name = m.name.to_string();
        let rename = (variant != qface_name).then(|| quote!(#[serde(rename = #qface_name)]));
        let lit = Literal::i32_unsuffixed(value);
        variants.push(quote!(#doc #default #rename #variant = #lit,));
        arms.push(quote!(#lit => ::std::result::Result::Ok(Self::#variant),));
    }
    let type_str = e.name.to_string();
    let derives = plain_value_derives();
    Ok(quote! {
        #attrs
        #derives
        #[serde(crate = "::ifw_core::codegen::serde")]
        #[repr(i32)]
        pub enum #name {
            #(#variants)*
        }

        impl ::std::convert::From<#name> for i32 {
            fn from(value: #name) -> i32 {
                value as i32
            }
        }

        impl ::std::convert::TryFrom<i32> for #name {
            type Error = ::ifw_core::codegen::Error;

            fn try_from(value: i32) -> ::std::result::Result<Self, Self::Error> {
                match value {
                    #(#arms)*
                    _ => ::std::result::Result::Err(::ifw_core::codegen::Error::InvalidEnumValue {
                        type_name: #type_str,
                        value: value.into(),
                    }),
                }
            }
        }

        impl ::ifw_core::codegen::ToQtro for #name {
            fn to_qtro(&self) -> ::ifw_core::codegen::Value {
                ::ifw_core::codegen::enum_to_qtro(*self as i32)
            }
        }

        impl ::ifw_core::codegen::FromQtro for #name {
            fn from_qtro(
                value: &::ifw_core::codegen::Value,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                let raw = ::ifw_core::codegen::enum_value(value, #type_str)?;
                // Qt IF sends `quint32`: a negative value arrives as its two's complement.
                #[allow(clippy::cast_possible_truncation)]
                let value = raw as i32;
                Self::try_from(value)
            }
        }
    })
}

fn flag(cx: &Context<'_>, e: &Enum) -> Result<TokenStream, Diagnostic> {
    let name = ident(&type_name(&e.name));
    let attrs = item_attrs(
        cx,
        e.comment.as_deref(),
        &format!("The `{}` flag: a set of bits.", e.name),
        &e.name,
        e.origin,
    )?;
    unique(
        cx,
        "member",
        e.members
            .values()
            .map(|m| (&*m.name, m.name.to_shouty_snake_case(), m.origin)),
    )?;
    let mut consts = Vec::new();
    let mut all: u32 = 0;
    for m in e.members.values() {
        let value = u32::try_from(m.value).map_err(|_| {
            cx.error(
                m.origin,
                format!(
                    "the value {} of `{}` does not fit a 32-bit flag",
                    m.value, m.name
                ),
            )
        })?;
        all |= value;
        let konst = ident(&m.name.to_shouty_snake_case());
        let doc = member_doc(m.comment.as_deref(), &m.name);
        let lit = Literal::u32_unsuffixed(value);
        consts.push(quote!(#doc pub const #konst: Self = Self(#lit);));
    }
    let bit_set = bit_set(&name, &consts, all);
    let type_str = e.name.to_string();
    let derives = plain_value_derives();
    Ok(quote! {
        #attrs
        #derives
        #[serde(crate = "::ifw_core::codegen::serde", try_from = "u32", into = "u32")]
        pub struct #name(u32);

        #bit_set

        impl ::std::convert::From<#name> for u32 {
            fn from(value: #name) -> u32 {
                value.0
            }
        }

        impl ::std::convert::TryFrom<u32> for #name {
            type Error = ::ifw_core::codegen::Error;

            fn try_from(bits: u32) -> ::std::result::Result<Self, Self::Error> {
                Self::from_bits(bits).ok_or(::ifw_core::codegen::Error::InvalidEnumValue {
                    type_name: #type_str,
                    value: bits.into(),
                })
            }
        }

        impl ::ifw_core::codegen::ToQtro for #name {
            fn to_qtro(&self) -> ::ifw_core::codegen::Value {
                ::ifw_core::codegen::Value::UInt(self.0)
            }
        }

        impl ::ifw_core::codegen::FromQtro for #name {
            fn from_qtro(
                value: &::ifw_core::codegen::Value,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                let raw = ::ifw_core::codegen::enum_value(value, #type_str)?;
                let bits = u32::try_from(raw).map_err(|_| {
                    ::ifw_core::codegen::Error::InvalidEnumValue {
                        type_name: #type_str,
                        value: raw,
                    }
                })?;
                Self::try_from(bits)
            }
        }
    })
}

/// The derives of enums and flags: small `Copy` values with serde.
fn plain_value_derives() -> TokenStream {
    quote! {
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            Default,
            ::ifw_core::codegen::serde::Serialize,
            ::ifw_core::codegen::serde::Deserialize
        )]
    }
}

/// The associated constants, methods and bit operators of a flag type: a `u32` newtype whose
/// members are `consts`, `all` their union. Shared by QFace flags and `.rep` `FLAG`s.
pub(crate) fn bit_set(name: &proc_macro2::Ident, consts: &[TokenStream], all: u32) -> TokenStream {
    let all = Literal::u32_unsuffixed(all);
    quote! {
        impl #name {
            #(#consts)*
            /// Every member's bits.
            pub const ALL: Self = Self(#all);

            /// No bits set.
            #[must_use]
            pub const fn empty() -> Self {
                Self(0)
            }

            /// The set with these bits, if every bit belongs to a member.
            #[must_use]
            pub const fn from_bits(bits: u32) -> ::std::option::Option<Self> {
                if bits & !Self::ALL.0 == 0 {
                    ::std::option::Option::Some(Self(bits))
                } else {
                    ::std::option::Option::None
                }
            }

            /// The bits.
            #[must_use]
            pub const fn bits(self) -> u32 {
                self.0
            }

            /// Whether every bit of `other` is set here.
            #[must_use]
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether no bit is set.
            #[must_use]
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }
        }

        impl ::std::ops::BitOr for #name {
            type Output = Self;

            fn bitor(self, other: Self) -> Self {
                Self(self.0 | other.0)
            }
        }

        impl ::std::ops::BitOrAssign for #name {
            fn bitor_assign(&mut self, other: Self) {
                self.0 |= other.0;
            }
        }

        impl ::std::ops::BitAnd for #name {
            type Output = Self;

            fn bitand(self, other: Self) -> Self {
                Self(self.0 & other.0)
            }
        }
    }
}
