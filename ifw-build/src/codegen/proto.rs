//! Protobuf encoding of the module's structs with prost (derive only: no protoc, no prost-build),
//! matching the module's `.proto` ([`crate::proto`]): same field numbers, names and types.
//!
//! prost's derive cannot sit on the generated structs themselves: their enum fields are typed
//! Rust enums (prost wants `i32`), flags are bit-set newtypes, `var` is a `Variant`, and struct
//! fields are values (prost wants `Option<Message>`). So each struct `Name` gets a companion
//! message `proto::Name` deriving `prost::Message` (through `::ifw_core::codegen::prost`), and
//! `Name` gets `to_proto`/`from_proto` and `encode_proto`/`decode_proto`. Enums travel as `int32`
//! (the `.proto` enum's wire form), flags as `uint32`; on the way in, values an enum or flag does
//! not define are refused, except 0 where the enum has no such member (proto3's default for an
//! unset field): that is the enum's default. An unset struct field is the struct's default.

use proc_macro2::TokenStream;
use quote::quote;

use super::types::{rust_type, type_name};
use super::{Context, ident, module_ident};
use crate::diagnostic::Diagnostic;
use crate::model::{Struct, TypeRef};
use crate::proto::{Element, FieldType, field_name, field_type};

/// `pub mod proto { … }` with the messages, and the conversions on each struct; `None` when the
/// module has no structs.
pub(crate) fn items(cx: &Context<'_>) -> Result<Option<TokenStream>, Diagnostic> {
    if cx.module.structs.is_empty() {
        return Ok(None);
    }
    let mut messages = Vec::new();
    let mut impls = Vec::new();
    for s in cx.module.structs.values() {
        let (message, conversions) = structure(cx, s)?;
        messages.push(message);
        impls.push(conversions);
    }
    let doc = format!(
        " Protobuf (prost) messages of the structs of `{}`, as `{}` declares them.",
        cx.module.name,
        crate::proto::proto_file_name(cx.module)
    );
    Ok(Some(quote! {
        #[doc = #doc]
        pub mod proto {
            #(#messages)*
        }

        #(#impls)*
    }))
}

/// The message of one struct and the conversions.
fn structure(cx: &Context<'_>, s: &Struct) -> Result<(TokenStream, TokenStream), Diagnostic> {
    let name = ident(&type_name(&s.name));
    let mut fields = Vec::new();
    let mut to = Vec::new();
    let mut from = Vec::new();
    for (i, f) in s.fields.values().enumerate() {
        let at = |e: String| cx.error(f.origin, e);
        let ty = field_type(cx.system, cx.module, &f.ty).map_err(at)?;
        let field = ident(&field_name(&f.name));
        let tag = (i + 1).to_string();
        let (attr, rust) = message_field(cx, ty, &tag).map_err(at)?;
        let doc = format!(" `{}`", f.name);
        fields.push(quote!(#[doc = #doc] #[prost(#attr)] pub #field: #rust,));
        let own = quote!(self.#field);
        let converted = to_proto(ty, own);
        to.push(quote!(#field: #converted,));
        let value = quote!(message.#field);
        let converted = from_proto(cx, ty, &f.ty, value).map_err(at)?;
        from.push(quote!(#field: #converted,));
    }
    let message_doc = format!(" The message of [`{0}`](super::{0}).", name);
    let message = quote! {
        #[doc = #message_doc]
        // prost's own Debug names `::prost` for maps whatever `prost_path` says; derive ours.
        #[derive(Clone, PartialEq, Debug, ::ifw_core::codegen::prost::Message)]
        #[prost(skip_debug)]
        #[prost(prost_path = "::ifw_core::codegen::prost")]
        pub struct #name {
            #(#fields)*
        }
    };
    let param = if s.fields.is_empty() {
        quote!(_message)
    } else {
        quote!(message)
    };
    let conversions = quote! {
        impl #name {
            /// Its protobuf message.
            #[must_use]
            pub fn to_proto(&self) -> proto::#name {
                proto::#name { #(#to)* }
            }

            /// The value of a protobuf message; refuses enum values and flag bits the types do
            /// not define.
            pub fn from_proto(
                #param: proto::#name,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                ::std::result::Result::Ok(Self { #(#from)* })
            }

            /// Its protobuf encoding.
            #[must_use]
            pub fn encode_proto(&self) -> ::std::vec::Vec<u8> {
                ::ifw_core::codegen::prost::Message::encode_to_vec(&self.to_proto())
            }

            /// Decodes its protobuf encoding.
            pub fn decode_proto(bytes: &[u8]) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                Self::from_proto(::ifw_core::codegen::decode_message(bytes)?)
            }
        }
    };
    Ok((message, conversions))
}

/// The `#[prost(…)]` arguments and the Rust type of a message field.
fn message_field(
    cx: &Context<'_>,
    ty: FieldType<'_>,
    tag: &str,
) -> Result<(TokenStream, TokenStream), String> {
    let value_type = quote!(::ifw_core::codegen::prost_types::Value);
    Ok(match ty {
        FieldType::Json | FieldType::Single(Element::Value) => (
            quote!(message, optional, tag = #tag),
            quote!(::std::option::Option<#value_type>),
        ),
        FieldType::Single(Element::Message(m, s)) => {
            let path = message_path(cx, m, &s.name);
            (
                quote!(message, optional, tag = #tag),
                quote!(::std::option::Option<#path>),
            )
        }
        FieldType::Single(e) => {
            let (kind, rust) = scalar(e);
            (quote!(#kind, tag = #tag), rust)
        }
        FieldType::Repeated(e) => {
            let (kind, rust) = element(cx, e);
            (
                quote!(#kind, repeated, tag = #tag),
                quote!(::std::vec::Vec<#rust>),
            )
        }
        FieldType::Map(e) => {
            let (kind, rust) = element(cx, e);
            let spec = format!("string, {kind}");
            (
                quote!(btree_map = #spec, tag = #tag),
                quote!(::std::collections::BTreeMap<::std::string::String, #rust>),
            )
        }
    })
}

/// The prost kind and Rust type of a scalar-like element (enums as `int32`, flags as `uint32`).
fn scalar(e: Element<'_>) -> (TokenStream, TokenStream) {
    use crate::proto::Scalar;
    match e {
        Element::Scalar(Scalar::Int32) | Element::Enum(..) => (quote!(int32), quote!(i32)),
        Element::Flag(..) => (quote!(uint32), quote!(u32)),
        Element::Scalar(Scalar::Double) => (quote!(double), quote!(f64)),
        Element::Scalar(Scalar::Bool) => (quote!(bool), quote!(bool)),
        Element::Scalar(Scalar::String) | Element::Message(..) | Element::Value => {
            (quote!(string), quote!(::std::string::String))
        }
    }
}

/// The prost kind and Rust type of a container's element.
fn element(cx: &Context<'_>, e: Element<'_>) -> (TokenStream, TokenStream) {
    match e {
        Element::Message(m, s) => (quote!(message), message_path(cx, m, &s.name)),
        Element::Value => (
            quote!(message),
            quote!(::ifw_core::codegen::prost_types::Value),
        ),
        other => scalar(other),
    }
}

/// The path of a struct's message, from inside `proto`.
fn message_path(cx: &Context<'_>, module: &crate::model::Module, name: &str) -> TokenStream {
    let name = ident(&type_name(name));
    if module.name == cx.module.name {
        quote!(#name)
    } else {
        let module = module_ident(&module.name);
        quote!(super::super::#module::proto::#name)
    }
}

/// `self.field` as its message field.
fn to_proto(ty: FieldType<'_>, own: TokenStream) -> TokenStream {
    let one = |e: Element<'_>, v: TokenStream| match e {
        Element::Scalar(crate::proto::Scalar::String) => quote!(#v.clone()),
        Element::Scalar(_) => quote!(*#v),
        Element::Enum(..) => quote!(i32::from(*#v)),
        Element::Flag(..) => quote!(#v.bits()),
        Element::Message(..) => quote!(#v.to_proto()),
        Element::Value => quote!(::ifw_core::codegen::variant_to_proto(#v)),
    };
    match ty {
        FieldType::Json => quote!(::std::option::Option::Some(
            ::ifw_core::codegen::to_proto_value(&#own)
        )),
        FieldType::Single(Element::Scalar(crate::proto::Scalar::String)) => quote!(#own.clone()),
        FieldType::Single(Element::Message(..)) => {
            quote!(::std::option::Option::Some(#own.to_proto()))
        }
        FieldType::Single(Element::Value) => quote!(::std::option::Option::Some(
            ::ifw_core::codegen::variant_to_proto(&#own)
        )),
        FieldType::Single(Element::Enum(..)) => quote!(i32::from(#own)),
        FieldType::Single(Element::Flag(..)) => quote!(#own.bits()),
        FieldType::Single(Element::Scalar(_)) => own,
        FieldType::Repeated(Element::Scalar(_)) | FieldType::Map(Element::Scalar(_)) => {
            quote!(#own.clone())
        }
        FieldType::Repeated(e) => {
            let v = one(e, quote!(v));
            quote!(#own.iter().map(|v| #v).collect())
        }
        FieldType::Map(e) => {
            let v = one(e, quote!(v));
            quote!(#own.iter().map(|(k, v)| (k.clone(), #v)).collect())
        }
    }
}

/// A conversion of one element from its message form.
enum From {
    /// An expression of the Rust type.
    Value(TokenStream),
    /// An expression of `Result<Rust type, Error>`.
    Fallible(TokenStream),
    /// A path to a `fn(message form) -> Result<Rust type, Error>`.
    Function(TokenStream),
}

fn element_from(
    cx: &Context<'_>,
    e: Element<'_>,
    ty: &TypeRef,
    v: TokenStream,
) -> Result<From, String> {
    Ok(match e {
        Element::Scalar(_) => From::Value(v),
        Element::Value => From::Value(quote!(::ifw_core::codegen::variant_from_proto(
            ::std::option::Option::Some(#v)
        ))),
        Element::Message(..) | Element::Flag(..) => {
            let rust = rust_type(cx, ty)?;
            let f = match e {
                Element::Message(..) => quote!(#rust::from_proto),
                _ => quote!(<#rust as ::std::convert::TryFrom<u32>>::try_from),
            };
            From::Function(f)
        }
        Element::Enum(_, en) => {
            let rust = rust_type(cx, ty)?;
            if en.members.values().any(|m| m.value == 0) {
                From::Function(quote!(<#rust as ::std::convert::TryFrom<i32>>::try_from))
            } else {
                From::Fallible(quote! {
                    if #v == 0 {
                        ::std::result::Result::Ok(<#rust as ::std::default::Default>::default())
                    } else {
                        <#rust as ::std::convert::TryFrom<i32>>::try_from(#v)
                    }
                })
            }
        }
    })
}

/// `message.field` as the Rust field's value (using `?`).
fn from_proto(
    cx: &Context<'_>,
    ty: FieldType<'_>,
    qface: &TypeRef,
    value: TokenStream,
) -> Result<TokenStream, String> {
    let inner = || qface.nested.as_deref().unwrap_or(qface);
    Ok(match ty {
        FieldType::Json => quote!(::ifw_core::codegen::from_proto_value(#value)?),
        FieldType::Single(Element::Message(..)) => {
            let rust = rust_type(cx, qface)?;
            quote!(#value.map(#rust::from_proto).transpose()?.unwrap_or_default())
        }
        FieldType::Single(Element::Value) => {
            quote!(::ifw_core::codegen::variant_from_proto(#value))
        }
        FieldType::Single(e) => match element_from(cx, e, qface, value.clone())? {
            From::Value(v) => v,
            From::Fallible(v) => quote!(#v?),
            From::Function(f) => quote!(#f(#value)?),
        },
        FieldType::Repeated(e) => match element_from(cx, e, inner(), quote!(v))? {
            From::Value(v) if matches!(e, Element::Scalar(_)) => {
                let _ = v;
                value
            }
            From::Value(v) => quote!(#value.into_iter().map(|v| #v).collect()),
            From::Fallible(v) => quote! {
                #value.into_iter().map(|v| #v).collect::<::std::result::Result<_, _>>()?
            },
            From::Function(f) => quote! {
                #value.into_iter().map(#f).collect::<::std::result::Result<_, _>>()?
            },
        },
        FieldType::Map(e) => match element_from(cx, e, inner(), quote!(v))? {
            From::Value(_) if matches!(e, Element::Scalar(_)) => value,
            From::Value(v) => quote!(#value.into_iter().map(|(k, v)| (k, #v)).collect()),
            From::Fallible(v) => quote! {
                #value
                    .into_iter()
                    .map(|(k, v)| ::std::result::Result::<_, ::ifw_core::codegen::Error>::Ok((k, #v?)))
                    .collect::<::std::result::Result<_, _>>()?
            },
            From::Function(f) => quote! {
                #value
                    .into_iter()
                    .map(|(k, v)| ::std::result::Result::<_, ::ifw_core::codegen::Error>::Ok((k, #f(v)?)))
                    .collect::<::std::result::Result<_, _>>()?
            },
        },
    })
}
