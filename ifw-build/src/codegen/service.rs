//! `<Interface>Service`: the trait a server author implements — one method per operation and a
//! setter policy per writable property.
//!
//! Methods return `impl Future<Output = Result<T, ifw_core::Error>> + Send` (no `async_trait`).
//! Defaults: an operation answers [`Error::NotImplemented`]; a setter policy accepts the value and
//! stores it through the source (which tells every replica when it changed). Each method gets the
//! `<Interface>Source` it serves, to read state, set properties and emit signals.
//!
//! [`Error::NotImplemented`]: https://docs.rs/ifw-core

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::interface::Bound;
use super::{Context, doc_attrs};
use crate::diagnostic::Diagnostic;

/// The service trait of `bound`.
pub(crate) fn service(cx: &Context<'_>, bound: &Bound<'_>) -> Result<TokenStream, Diagnostic> {
    let name = bound.type_ident("Service");
    let source = bound.type_ident("Source");
    let iface = &bound.interface.name;
    let attributes = cx
        .options
        .trait_attributes_for(&cx.module.qualify(iface))
        .map_err(|e| cx.error(bound.interface.origin, e))?;
    let mut methods = Vec::new();
    for op in &bound.operations {
        let o = op.operation;
        let fname = super::ident(&heck::ToSnakeCase::to_snake_case(&*o.name));
        let doc = doc_attrs(o.comment.as_deref()).unwrap_or_else(|| {
            let line = format!(" The `{}` operation.", o.name);
            quote!(#[doc = #line])
        });
        let default_line = " Default: fails with `Error::NotImplemented` (Qt IF's simulation backend answers the type's default instead).";
        let params = op.params.iter().map(|p| {
            let n = &p.name;
            let t = &p.ty;
            quote!(#n: #t)
        });
        let names: Vec<_> = op.params.iter().map(|p| p.name.clone()).collect();
        let zone = bound
            .zoned
            .then(|| Bound::zone_param(&op.params))
            .map(|z| quote!(#z: ::std::string::String));
        let zone_name = bound.zoned.then(|| Bound::zone_param(&op.params));
        let ret = &op.ret;
        let operation = o.name.to_string();
        methods.push(quote! {
            #doc
            #[doc = ""]
            #[doc = #default_line]
            fn #fname(
                &self,
                source: &#source,
                #(#params,)*
                #zone
            ) -> impl ifw::Future<
                Output = ifw::Result<#ret>,
            > + ifw::Send {
                let _ = (source, #(#names,)* #zone_name);
                async {
                    ifw::Err(ifw::Error::NotImplemented {
                        operation: #operation,
                    })
                }
            }
        });
    }
    for p in bound.properties.iter().filter(|p| p.writable()) {
        let setter = format_ident!("set_{}", p.snake);
        let ty = &p.ty;
        let line = format!(
            " Whether and how `{}` changes when a replica asks for `value`.",
            p.property.name
        );
        if bound.zoned {
            methods.push(quote! {
                #[doc = #line]
                fn #setter(
                    &self,
                    source: &#source,
                    value: #ty,
                    zone: ::std::string::String,
                ) -> impl ifw::Future<
                    Output = ifw::Result<()>,
                > + ifw::Send {
                    async move { source.#setter(value, &zone).await }
                }
            });
        } else {
            methods.push(quote! {
                #[doc = #line]
                fn #setter(
                    &self,
                    source: &#source,
                    value: #ty,
                ) -> impl ifw::Future<
                    Output = ifw::Result<()>,
                > + ifw::Send {
                    source.#setter(value)
                }
            });
        }
    }
    let doc = format!(
        " What a server of `{}` implements: its operations, and the policy for property changes replicas ask for. Every method has a default; serve it with [`{source}`].\0The default of a setter policy (`set_<property>`) stores the value through the source, which tells every replica if it changed (Qt IF's replicas do not update themselves; they wait for that change).",
        bound.lookup_name
    );
    let doc = super::doc_paragraphs(&doc);
    Ok(quote! {
        #doc
        #(#attributes)*
        pub trait #name: ifw::Send + ifw::Sync + 'static {
            #(#methods)*
        }
    })
}
