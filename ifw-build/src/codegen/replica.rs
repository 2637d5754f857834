//! `<Interface>Replica`: the typed static replica (what Qt IF's `backend_qtro` does with repc's
//! `<Interface>Replica`), `<Interface>Event` and `<Interface>Events`.
//!
//! - Acquired with repc's class definition and signature under the qualified interface name.
//! - Unzoned: cached typed getters; `set_<prop>` calls `push<Prop>` and, like Qt IF, does not
//!   touch the cache — the value comes back with the source's change.
//! - Zoned: getters and setters are calls of the getter and setter slots, with a zone;
//!   `available_zones()` calls `availableZones()`.
//! - Operations understand an immediate value, a pending result resolved by
//!   `pendingResultAvailable` (waited for at most the result timeout) and a failed one.
//! - Events: property changes and signals as one generated enum.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attrs;
use super::interface::{Bound, WireArguments, lit};
use crate::model::TypeKind;

/// `<Interface>Event`, `<Interface>Events` and `<Interface>Replica`.
pub(crate) fn replica(bound: &Bound<'_>) -> TokenStream {
    let name = bound.type_ident("Replica");
    let event = bound.type_ident("Event");
    let events = bound.type_ident("Events");
    let lookup = &bound.lookup_name;
    let signature = &bound.signature;
    let definition = bound.definition_fn();
    let pending = lit(bound.pending_signal);

    let mut methods = Vec::new();
    let mut variants = Vec::new();
    let mut change_arms = Vec::new();
    let mut signal_arms = Vec::new();
    let mut signal_fns = Vec::new();

    for p in &bound.properties {
        let f = super::ident(&p.snake);
        let setter = format_ident!("set_{}", p.snake);
        let ty = &p.ty;
        let qname = p.property.name.to_string();
        let doc = doc_attrs(p.property.comment.as_deref()).unwrap_or_else(|| {
            let line = format!(" The `{qname}` property.");
            quote!(#[doc = #line])
        });
        let variant = format_ident!("{}Changed", p.property.name.to_upper_camel_case());
        let variant_doc = format!(" `{qname}` changed.");
        if let (Some(index), false) = (p.index, bound.zoned) {
            let index = lit(index);
            methods.push(quote! {
                #doc
                pub fn #f(&self) -> ifw::Result<#ty> {
                    ifw::cached(&self.replica, #index)
                }
            });
            if let Some(push) = p.push {
                let push = lit(push);
                let set_doc = format!(" Asks the source to set `{qname}`.");
                methods.push(quote! {
                    #[doc = #set_doc]
                    pub async fn #setter(&self, value: #ty) -> ifw::Result<()> {
                        ifw::push_value(&self.replica, #push, &value).await
                    }
                });
            }
            variants.push(quote!(#[doc = #variant_doc] #variant(#ty),));
            change_arms.push(quote!(#index => ifw::changed(&value, #event::#variant),));
        } else {
            if let Some(getter) = p.getter {
                let getter = lit(getter);
                let get_doc = format!(" Asks the source for `{qname}` in `zone`.");
                methods.push(quote! {
                    #[doc = #get_doc]
                    #[doc = ""]
                    #doc
                    pub async fn #f(&self, zone: &str) -> ifw::Result<#ty> {
                        let value = self
                            .replica
                            .call_at(#getter, ::std::vec![ifw::Value::from(zone)])
                            .await?;
                        ifw::FromQtro::from_qtro(&value)
                    }
                });
            }
            if let Some(setter_slot) = p.setter {
                let setter_slot = lit(setter_slot);
                let set_doc = format!(
                    " Asks the source to set `{qname}` in `zone`; a change comes back as an event."
                );
                methods.push(quote! {
                    #[doc = #set_doc]
                    pub async fn #setter(&self, value: #ty, zone: &str) -> ifw::Result<()> {
                        self.replica
                            .call_at(
                                #setter_slot,
                                ::std::vec![
                                    ifw::to_wire(&value),
                                    ifw::Value::from(zone),
                                ],
                            )
                            .await?;
                        ifw::Ok(())
                    }
                });
            }
            if let Some(signal) = p.changed {
                let signal = lit(signal);
                variants.push(quote! {
                    #[doc = #variant_doc]
                    #variant {
                        /// The new value.
                        value: #ty,
                        /// The zone.
                        zone: ::std::string::String,
                    },
                });
                let fname = format_ident!("changed_{}", p.snake);
                signal_fns.push(quote! {
                    fn #fname(args: &[ifw::Value]) -> ifw::Result<#event> {
                        ifw::Ok(#event::#variant {
                            value: ifw::signal_argument(args, 0)?,
                            zone: ifw::signal_argument(args, 1)?,
                        })
                    }
                });
                signal_arms.push(quote! {
                    ifw::ReplicaEvent::Signal { index: #signal, args, .. } => ifw::Some(#fname(&args)),
                });
            }
        }
    }
    if let Some(zones) = bound.zones_method {
        let zones = lit(zones);
        methods.push(quote! {
            /// Asks the source for its zones (`availableZones()`; the interface's own zone `""` is
            /// not among them).
            pub async fn available_zones(&self) -> ifw::Result<::std::vec::Vec<::std::string::String>> {
                let value = self.replica.call_at(#zones, ::std::vec::Vec::new()).await?;
                ifw::FromQtro::from_qtro(&value)
            }
        });
    }
    for op in &bound.operations {
        let o = op.operation;
        let fname = super::ident(&o.name.to_snake_case());
        let method = lit(op.method);
        let operation = o.name.to_string();
        let doc = doc_attrs(o.comment.as_deref()).unwrap_or_else(|| {
            let line = format!(" The `{}` operation.", o.name);
            quote!(#[doc = #line])
        });
        let WireArguments { params, values } = bound.wire_arguments(&op.params);
        let ret = &op.ret;
        let finish = if o.ty.kind == TypeKind::Void {
            quote! {
                let _ = value;
                ifw::Ok(())
            }
        } else {
            quote!(ifw::FromQtro::from_qtro(&value))
        };
        methods.push(quote! {
            #doc
            pub async fn #fname(&self, #(#params),*) -> ifw::Result<#ret> {
                let value = self
                    .operations
                    .call(&self.replica, #method, #operation, ::std::vec![#(#values),*])
                    .await?;
                #finish
            }
        });
    }
    for s in &bound.signals {
        let variant = format_ident!("{}", s.signal.name.to_upper_camel_case());
        let doc = doc_attrs(s.signal.comment.as_deref()).unwrap_or_else(|| {
            let line = format!(" The `{}` signal.", s.signal.name);
            quote!(#[doc = #line])
        });
        let mut fields: Vec<_> = s
            .params
            .iter()
            .map(|p| {
                let n = &p.name;
                let t = &p.ty;
                let line = format!(" `{}`.", p.parameter.name);
                quote!(#[doc = #line] #n: #t,)
            })
            .collect();
        let mut reads: Vec<_> = s
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let n = &p.name;
                let i = lit(i);
                quote!(#n: ifw::signal_argument(args, #i)?,)
            })
            .collect();
        if bound.zoned {
            let z = Bound::zone_param(&s.params);
            let i = lit(s.params.len());
            fields.push(quote!(/// The zone.
                #z: ::std::string::String,));
            reads.push(quote!(#z: ifw::signal_argument(args, #i)?,));
        }
        let index = lit(s.index);
        if fields.is_empty() {
            variants.push(quote!(#doc #variant,));
            signal_arms.push(quote! {
                ifw::ReplicaEvent::Signal { index: #index, .. } => ifw::Some(ifw::Ok(#event::#variant)),
            });
        } else {
            variants.push(quote!(#doc #variant { #(#fields)* },));
            let fname = format_ident!("signal_{}", s.signal.name.to_snake_case());
            signal_fns.push(quote! {
                fn #fname(args: &[ifw::Value]) -> ifw::Result<#event> {
                    ifw::Ok(#event::#variant { #(#reads)* })
                }
            });
            signal_arms.push(quote! {
                ifw::ReplicaEvent::Signal { index: #index, args, .. } => ifw::Some(#fname(&args)),
            });
        }
    }
    let event_doc =
        format!(" A change seen by a replica of `{lookup}`: a property change or a signal.");
    let events_doc = format!(" The stream of [`{event}`]s of a [`{name}`].");
    let replica_doc = format!(
        " A typed replica of `{lookup}` (repc's layout and signature), as Qt IF's QtRO backend uses it. Cheap to clone.\0Property getters give the cached value (an error before the replica was first initialized); setters ask the source, and the cached value changes when the source reports the change."
    );
    let replica_doc = super::doc_paragraphs(&replica_doc);
    let change_match = (!change_arms.is_empty()).then(|| {
        quote! {
            ifw::ReplicaEvent::PropertyChanged { index, value, .. } => match index {
                #(#change_arms)*
                _ => ifw::None,
            },
        }
    });
    let convert = format_ident!("{}_event", bound.interface.name.to_snake_case());
    let event_enum = if variants.is_empty() {
        quote! {
            #[doc = #event_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #event {}
        }
    } else {
        quote! {
            #[doc = #event_doc]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #event {
                #(#variants)*
            }
        }
    };
    let _ = pending;
    let mut out = quote! {
        #event_enum

        #[doc = #events_doc]
        pub type #events = ifw::TypedEvents<#event>;

        /// A replica event as the interface's event; `None` for what is not one
        /// (`pendingResultAvailable`).
        fn #convert(
            event: ifw::ReplicaEvent,
        ) -> ifw::Option<ifw::Result<#event>> {
            #(#signal_fns)*
            match event {
                #change_match
                #(#signal_arms)*
                _ => ifw::None,
            }
        }

        #replica_doc
        #[derive(Debug, Clone)]
        pub struct #name {
            replica: ifw::Replica,
            operations: ifw::Arc<ifw::Operations>,
        }

    };
    let head = quote! {
            /// The name Qt IF remotes and acquires this interface under: its qualified name.
            pub const LOOKUP_NAME: &'static str = #lookup;
            /// repc's signature of the class.
            pub const SIGNATURE: &'static str = #signature;

            /// The class definition, in repc's index order.
            pub fn definition() -> ifw::ClassDefinition {
                #definition()
            }

            /// Acquires the interface from `node` under [`Self::LOOKUP_NAME`].
            pub fn acquire(node: &ifw::Node) -> Self {
                Self::acquire_as(node, Self::LOOKUP_NAME)
            }

            /// Acquires the interface from `node` under another name.
            pub fn acquire_as(node: &ifw::Node, name: &str) -> Self {
                Self::acquire_with(node, name, ifw::DEFAULT_RESULT_TIMEOUT)
            }

            /// Acquires the interface under `name`; operations wait at most `result_timeout` for a
            /// deferred result.
            pub fn acquire_with(
                node: &ifw::Node,
                name: &str,
                result_timeout: ::std::time::Duration,
            ) -> Self {
                let replica = node.acquire(name, Self::definition(), ifw::Some(Self::SIGNATURE));
                Self {
                    replica,
                    operations: ifw::Arc::new(ifw::Operations::new(#pending, result_timeout)),
                }
            }

            /// The schema-free replica underneath.
            pub fn replica(&self) -> &ifw::Replica {
                &self.replica
            }

            /// Where the replica stands.
            pub fn state(&self) -> ifw::ReplicaState {
                self.replica.state()
            }

            /// Waits until the replica is initialized, at most `timeout`.
            pub async fn wait_ready(&self, timeout: ::std::time::Duration) -> ifw::Result<()> {
                ifw::Ok(self.replica.wait_ready(timeout).await?)
            }

            /// Property changes and signals from now on.
            pub fn subscribe(&self) -> #events {
                ifw::TypedEvents::new(&self.replica, #convert)
            }

    };
    out.extend(super::braced(quote!(impl #name), head, methods));
    out
}
