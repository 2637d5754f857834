//! The file's `POD`s, `ENUM`s and `FLAG`s as Rust items, and `register_qtro_types`.
//!
//! - A POD → a struct (`Debug, Clone, PartialEq, Default`; fields in snake case). On the wire a
//!   gadget named as the POD, each field one `QVariant`, as repc's PODs stream
//!   (`GadgetDef::new`, `FieldEncoding::Variant`).
//! - An enum → a Rust enum with the declared values, `#[repr]` of its underlying type (`i32`
//!   when none is written), its first member the default; a later member with the value of an
//!   earlier one (a C++ alias) becomes an associated constant. On the wire an integer of the
//!   enum's size.
//! - A flag → a bit-set newtype with one constant per member of its enum, `|`, `&`,
//!   `contains`; on the wire an `int`. Unknown bits are refused on the way in.

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::types::{Named, enum_size, repr};
use super::{RepContext, rust_ident};
use crate::diagnostic::Diagnostic;
use crate::rep;

/// A POD.
pub(crate) fn pod(cx: &RepContext<'_>, pod: &rep::Pod) -> Result<TokenStream, Diagnostic> {
    let name = rust_ident(&pod.name.to_upper_camel_case()).map_err(|e| cx.error(pod.span, e))?;
    let attrs = cx.type_attrs(&pod.name, pod.span)?;
    let doc = format!(" The `{}` POD.", pod.name);
    let mut seen = HashSet::new();
    let mut fields = Vec::new();
    let mut defaults = Vec::new();
    let mut to = Vec::new();
    let mut from = Vec::new();
    let mut bindings = Vec::new();
    for (i, m) in pod.members.iter().enumerate() {
        let ty = cx
            .table
            .resolve(&m.type_name, Some(&pod.name))
            .map_err(|e| {
                cx.error(
                    pod.span,
                    format!("POD `{}`, member `{}`: {e}", pod.name, m.name),
                )
            })?;
        let snake = m.name.to_snake_case();
        if !seen.insert(snake.clone()) {
            return Err(cx.error(
                pod.span,
                format!(
                    "POD `{}`: member `{}` becomes `{snake}` in Rust, like another one",
                    pod.name, m.name
                ),
            ));
        }
        let field = rust_ident(&snake).map_err(|e| cx.error(pod.span, e))?;
        let rust = ty.rust();
        let line = format!(" The `{}` member.", m.name);
        fields.push(quote!(#[doc = #line] pub #field: #rust,));
        let default = ty.default_value();
        defaults.push(quote!(#field: #default,));
        let qt = m.name.clone();
        let wire = ty.write_wire(&quote!(&self.#field));
        to.push(quote!((#qt, #wire)));
        let binding = quote::format_ident!("f{}", i);
        let read = ty.read_wire(&quote!(&#binding));
        from.push(quote!(#field: #read?,));
        bindings.push(binding);
    }
    let qt_name = &pod.name;
    let n = pod.members.len();
    let derive_default = pod.members.iter().all(|m| {
        cx.table
            .resolve(&m.type_name, Some(&pod.name))
            .is_ok_and(|t| t.derives_default())
    });
    let (derives, default_impl) = if derive_default {
        (
            quote!(#[derive(Debug, Clone, PartialEq, Default)]),
            quote!(),
        )
    } else {
        (
            quote!(#[derive(Debug, Clone, PartialEq)]),
            quote! {
                impl ::std::default::Default for #name {
                    fn default() -> Self {
                        Self { #(#defaults)* }
                    }
                }
            },
        )
    };
    let value_binding = if n == 0 {
        quote!(_value)
    } else {
        quote!(value)
    };
    Ok(quote! {
        #[doc = #doc]
        #attrs
        #derives
        pub struct #name {
            #(#fields)*
        }

        #default_impl

        impl ::ifw_core::codegen::ToQtro for #name {
            fn to_qtro(&self) -> ::ifw_core::codegen::Value {
                ::ifw_core::codegen::Value::Gadget(::ifw_core::codegen::Gadget::new(
                    #qt_name,
                    ::std::vec::Vec::<(&str, ::ifw_core::codegen::Value)>::from([#(#to),*]),
                ))
            }
        }

        impl ::ifw_core::codegen::FromQtro for #name {
            fn from_qtro(
                #value_binding: &::ifw_core::codegen::Value,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                let [#(#bindings),*] = ::ifw_core::codegen::rep_fields::<#n>(#value_binding, #qt_name)?;
                ::std::result::Result::Ok(Self { #(#from)* })
            }
        }
    })
}

/// An enum (`named` is its entry in the type table).
pub(crate) fn enumeration(
    cx: &RepContext<'_>,
    e: &rep::Enum,
    named: &Named,
) -> Result<TokenStream, Diagnostic> {
    let Named::Enum { rust, qt, size, .. } = named else {
        return Err(cx.error(e.span, format!("`{}` is not an enum", e.name)));
    };
    let err = |m: String| cx.error(e.span, m);
    let name = rust_ident(rust).map_err(err)?;
    let attrs = cx.type_attrs(qt, e.span)?;
    let (size, signed) = match e.underlying_type.as_deref() {
        Some(_) => enum_size(e.underlying_type.as_deref()).map_err(err)?,
        None => (*size, true),
    };
    if e.values.is_empty() {
        return Err(err(format!("enum `{}` has no members", e.name)));
    }
    let repr_ty = repr(size, signed);
    let mask: u64 = if size >= 8 {
        u64::MAX
    } else {
        (1u64 << (size * 8)) - 1
    };
    let mut seen_values: Vec<i32> = Vec::new();
    let mut seen_names = HashSet::new();
    let mut variants = Vec::new();
    let mut aliases = Vec::new();
    let mut arms = Vec::new();
    for (i, v) in e.values.iter().enumerate() {
        if !signed && v.value < 0 {
            return Err(err(format!(
                "`{}` = {} does not fit the unsigned enum `{}`",
                v.name, v.value, e.name
            )));
        }
        let line = format!(" `{}` ({}).", v.name, v.value);
        if seen_values.contains(&v.value) {
            let konst = rust_ident(&v.name.to_shouty_snake_case()).map_err(err)?;
            let first = e
                .values
                .iter()
                .find(|f| f.value == v.value)
                .map(|f| f.name.to_upper_camel_case())
                .unwrap_or_default();
            let first = rust_ident(&first).map_err(err)?;
            aliases.push(quote!(#[doc = #line] pub const #konst: Self = Self::#first;));
            continue;
        }
        seen_values.push(v.value);
        let camel = v.name.to_upper_camel_case();
        if !seen_names.insert(camel.clone()) {
            return Err(err(format!(
                "enum `{}`: member `{}` becomes `{camel}` in Rust, like another one",
                e.name, v.name
            )));
        }
        let variant = rust_ident(&camel).map_err(err)?;
        let default = (i == 0).then(|| quote!(#[default]));
        let lit = Literal::i64_unsuffixed(i64::from(v.value));
        variants.push(quote!(#[doc = #line] #default #variant = #lit,));
        // What a value arrives as, in the enum's width (`-1` of a 1-byte enum is 0xff).
        #[allow(clippy::cast_sign_loss)]
        let bits = Literal::u64_unsuffixed((i64::from(v.value) as u64) & mask);
        arms.push(quote!(#bits => ::std::result::Result::Ok(Self::#variant),));
    }
    let mask = Literal::u64_unsuffixed(mask);
    let doc = format!(" The `{qt}` enum.");
    let alias_impl = if aliases.is_empty() {
        quote!()
    } else {
        quote!(impl #name { #(#aliases)* })
    };
    let size_lit = Literal::u32_unsuffixed(size);
    Ok(quote! {
        #[doc = #doc]
        #attrs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        #[repr(#repr_ty)]
        pub enum #name {
            #(#variants)*
        }

        #alias_impl

        impl ::ifw_core::codegen::ToQtro for #name {
            fn to_qtro(&self) -> ::ifw_core::codegen::Value {
                ::ifw_core::codegen::Value::from_enum(#size_lit, *self as i64)
            }
        }

        impl ::ifw_core::codegen::FromQtro for #name {
            fn from_qtro(
                value: &::ifw_core::codegen::Value,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                let raw = ::ifw_core::codegen::enum_value(value, #qt)?;
                // Any integer kind; compared in the enum's width.
                #[allow(clippy::cast_sign_loss)]
                let bits = (raw as u64) & #mask;
                match bits {
                    #(#arms)*
                    _ => ::std::result::Result::Err(::ifw_core::codegen::Error::InvalidEnumValue {
                        type_name: #qt,
                        value: raw,
                    }),
                }
            }
        }
    })
}

/// A flag (`named` is its entry in the type table).
pub(crate) fn flag(
    cx: &RepContext<'_>,
    f: &rep::Flag,
    named: &Named,
) -> Result<TokenStream, Diagnostic> {
    let Named::Flag { rust, qt, members } = named else {
        return Err(cx.error(f.span, format!("`{}` is not a flag", f.name)));
    };
    let err = |m: String| cx.error(f.span, m);
    let name = rust_ident(rust).map_err(err)?;
    let attrs = cx.type_attrs(qt, f.span)?;
    let mut consts = Vec::new();
    let mut all: u32 = 0;
    let mut seen = HashSet::new();
    for (member, value) in members {
        let shouty = member.to_shouty_snake_case();
        if !seen.insert(shouty.clone()) || shouty == "ALL" {
            return Err(err(format!(
                "flag `{}`: member `{member}` becomes `{shouty}` in Rust, like another constant",
                f.name
            )));
        }
        // The bits, as C++ converts the enum to the flag's int.
        #[allow(clippy::cast_sign_loss)]
        let bits = *value as u32;
        all |= bits;
        let konst = rust_ident(&shouty).map_err(err)?;
        let line = format!(" `{member}` ({value}).");
        let lit = Literal::u32_unsuffixed(bits);
        consts.push(quote!(#[doc = #line] pub const #konst: Self = Self(#lit);));
    }
    let bit_set = crate::codegen::types::bit_set(&name, &consts, all);
    let doc = format!(" The `{qt}` flag (a set of `{}` bits).", f.enum_name);
    Ok(quote! {
        #[doc = #doc]
        #attrs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #name(u32);

        #bit_set

        impl ::ifw_core::codegen::ToQtro for #name {
            fn to_qtro(&self) -> ::ifw_core::codegen::Value {
                // QFlags travel as an `int`: the top bit wraps, as in C++.
                #[allow(clippy::cast_possible_wrap)]
                ::ifw_core::codegen::Value::Int(self.0 as i32)
            }
        }

        impl ::ifw_core::codegen::FromQtro for #name {
            fn from_qtro(
                value: &::ifw_core::codegen::Value,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                let raw = ::ifw_core::codegen::enum_value(value, #qt)?;
                // The int's bits.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let bits = raw as u32;
                Self::from_bits(bits).ok_or(::ifw_core::codegen::Error::InvalidEnumValue {
                    type_name: #qt,
                    value: raw,
                })
            }
        }
    })
}

/// The gadget definitions of every POD, in file order.
pub(crate) fn gadget_defs(cx: &RepContext<'_>) -> Vec<TokenStream> {
    cx.file
        .pods
        .iter()
        .map(|pod| {
            let name = &pod.name;
            let fields = pod.members.iter().map(|m| {
                let field = &m.name;
                let ty = cx
                    .table
                    .resolve(&m.type_name, Some(&pod.name))
                    .map_or_else(|_| m.type_name.clone(), |t| t.qt());
                quote!((#field, #ty))
            });
            quote!(::ifw_core::codegen::GadgetDef::new(#name, [#(#fields),*]))
        })
        .collect()
}

/// `pub fn register_qtro_types`: every POD as a gadget, every enum and flag by its Qt name (a
/// global enum also as `<Name>Enum::<Name>`, the gadget repc puts it in).
pub(crate) fn registration(cx: &RepContext<'_>) -> TokenStream {
    let gadgets = gadget_defs(cx);
    let mut enums: Vec<(String, u32)> = cx
        .table
        .all()
        .filter_map(|n| match n {
            Named::Enum { qt, size, .. } => Some((qt.clone(), *size)),
            Named::Flag { qt, .. } => Some((qt.clone(), 4)),
            Named::Pod { .. } => None,
        })
        .collect();
    // repc declares a global `ENUM Name` inside a gadget `NameEnum`: Qt knows it as `NameEnum::Name`.
    let globals: Vec<(String, u32)> = cx
        .file
        .enums
        .iter()
        .filter_map(|e| match cx.table.get(&e.name) {
            Some(Named::Enum { size, .. }) => Some((format!("{0}Enum::{0}", e.name), *size)),
            _ => None,
        })
        .collect();
    enums.extend(globals);
    enums.sort();
    let enums = enums
        .iter()
        .map(|(name, size)| quote!(registry.register_enum(#name, #size);));
    let registry = if gadgets.is_empty() && cx.table.all().all(|n| matches!(n, Named::Pod { .. })) {
        quote!(_registry)
    } else {
        quote!(registry)
    };
    let doc = format!(
        " Registers the PODs, enums and flags of `{}` with a Qt Remote Objects type registry.",
        cx.file_name
    );
    quote! {
        #[doc = #doc]
        pub fn register_qtro_types(#registry: &mut ::ifw_core::codegen::TypeRegistry) {
            #(#registry.register_gadget(#gadgets);)*
            #(#enums)*
        }
    }
}
