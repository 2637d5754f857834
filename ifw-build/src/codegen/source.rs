//! `<Interface>Properties` (every property value, for a source's initial state) and
//! `<Interface>Source`: the server-side state holder over an `ifw_qtro::SourceObject` with
//! repc's layout and signature, which a `<Interface>Service` answers for.
//!
//! - Unzoned properties are the object's `PROP`s: typed getters, `set_<prop>` broadcasts.
//! - Zoned interfaces keep one `<Interface>Properties` per zone (zone `""` always exists) and
//!   answer the getter, setter and `availableZones()` slots; changes are the `<prop>Changed(value,
//!   zone)` signals.
//! - Operations call the service: a result ready at the first poll is the answer; otherwise the
//!   answer is a `QIfRemoteObjectsPendingResult` and `pendingResultAvailable` follows, exactly as
//!   Qt IF's `fromPendingReply`.
//! - `var` property values travel as the `QVariant` they are, as a repc `SimpleSource` sends them
//!   (Qt IF's `server_qtro`). Qt IF's simulation adapter wraps them in one more `QVariant`
//!   (`toRemoteObjectVariant`, for QTBUG-75056), but with Qt 6.4 a repc replica's getter returns
//!   that wrapper as it is (`propAsVariant`), so the value would reach Qt as a `QVariant` holding a
//!   `QVariant` (checked by `ifw-build/tests/qt-echo`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attrs;
use super::interface::{Bound, BoundProperty, WireArguments, lit};

fn to_value(_p: &BoundProperty<'_>, expr: TokenStream) -> TokenStream {
    quote!(ifw::to_wire(#expr))
}

fn prop_doc(p: &BoundProperty<'_>) -> TokenStream {
    doc_attrs(p.property.comment.as_deref()).unwrap_or_else(|| {
        let line = format!(" The `{}` property.", p.property.name);
        quote!(#[doc = #line])
    })
}

/// `<Interface>Properties`.
pub(crate) fn properties(bound: &Bound<'_>) -> TokenStream {
    let name = bound.type_ident("Properties");
    let fields = bound.properties.iter().map(|p| {
        let doc = prop_doc(p);
        let f = super::ident(&p.snake);
        let ty = &p.ty;
        quote!(#doc pub #f: #ty,)
    });
    let doc = if bound.zoned {
        format!(
            " The property values of one zone of `{}`.",
            bound.lookup_name
        )
    } else {
        format!(" The property values of `{}`.", bound.lookup_name)
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// `<Interface>Source` and its handler.
pub(crate) fn source(bound: &Bound<'_>) -> TokenStream {
    let name = bound.type_ident("Source");
    let service = bound.type_ident("Service");
    let props_ty = bound.type_ident("Properties");
    let handler = format_ident!("{}Handler", name);
    let shared = format_ident!("{}Shared", name);
    let lookup = &bound.lookup_name;
    let signature = &bound.signature;
    let definition = bound.definition_fn();
    let pending = lit(bound.pending_signal);

    let mut methods = Vec::new();
    let mut arms = Vec::new();
    for p in &bound.properties {
        let f = super::ident(&p.snake);
        let setter = format_ident!("set_{}", p.snake);
        let ty = &p.ty;
        let doc = prop_doc(p);
        let qname = p.property.name.to_string();
        let set_doc = format!(" Sets `{qname}`; replicas are told if it changed.");
        if let (Some(index), false) = (p.index, bound.zoned) {
            let index = lit(index);
            methods.push(quote! {
                #doc
                pub async fn #f(&self) -> #ty {
                    ifw::property(&self.object, #index).await
                }

                #[doc = #set_doc]
                pub async fn #setter(&self, value: #ty) -> ifw::Result<()> {
                    ifw::set_property(&self.object, #index, &value).await
                }
            });
            if let Some(push) = p.push {
                let push = lit(push);
                arms.push(quote! {
                    #push => ifw::push(#qname, &args, |v| svc.#setter(&src, v)).await,
                });
            }
        } else {
            let value = to_value(p, quote!(&value));
            let emit = p.changed.map(|signal| {
                quote! {
                    self.object
                        .emit(#signal, ::std::vec![#value, ifw::Value::from(zone)])
                        .await?;
                }
            });
            let zoned_doc =
                format!(" `{qname}` in `zone`, or `None` for a zone the source does not have.");
            methods.push(quote! {
                #[doc = #zoned_doc]
                #[doc = ""]
                #doc
                pub fn #f(&self, zone: &str) -> ifw::Option<#ty> {
                    self.zone(zone).map(|z| z.#f)
                }

                #[doc = #set_doc]
                pub async fn #setter(&self, value: #ty, zone: &str) -> ifw::Result<()> {
                    {
                        let mut zones = self.shared.lock();
                        let slot = zones
                            .iter_mut()
                            .find(|(z, _)| z == zone)
                            .ok_or_else(|| ifw::Error::UnknownZone(zone.into()))?;
                        if slot.1.#f == value {
                            return ifw::Ok(());
                        }
                        slot.1.#f = ::std::clone::Clone::clone(&value);
                    }
                    #emit
                    ifw::Ok(())
                }
            });
            if let Some(getter) = p.getter {
                let getter = lit(getter);
                let value = to_value(p, quote!(&z.#f));
                arms.push(quote! {
                    #getter => ifw::zoned_value(&args, |zone| src.zone(zone).map(|z| #value)),
                });
            }
            if let Some(setter_slot) = p.setter {
                let setter_slot = lit(setter_slot);
                arms.push(quote! {
                    #setter_slot => ifw::zoned_push(#qname, &args, |v, zone| svc.#setter(&src, v, zone)).await,
                });
            }
        }
    }
    if let Some(zones) = bound.zones_method {
        let zones = lit(zones);
        arms.push(quote! {
            #zones => ifw::Value::StringList(
                src.zones().into_iter().map(ifw::Some).collect(),
            ),
        });
    }
    for op in &bound.operations {
        let method = lit(op.method);
        let fname = super::ident(&heck::ToSnakeCase::to_snake_case(&*op.operation.name));
        let operation = op.operation.name.to_string();
        let reads = op.params.iter().enumerate().map(|(i, p)| {
            let i = lit(i);
            let n = &p.name;
            let t = &p.ty;
            quote!(let #n: #t = ifw::argument(&args, #i)?;)
        });
        let names: Vec<_> = op.params.iter().map(|p| p.name.clone()).collect();
        let zone = bound.zoned.then(|| {
            let z = Bound::zone_param(&op.params);
            let i = lit(op.params.len());
            (
                quote!(let #z: ::std::string::String = ifw::argument(&args, #i)?;),
                quote!(#z),
            )
        });
        let (zone_read, zone_arg) = zone.unzip();
        let result = if op.operation.ty.kind == crate::model::TypeKind::Void {
            quote!(svc.#fname(&inner, #(#names,)* #zone_arg).await.map(|()| ifw::Value::Invalid))
        } else {
            quote!(svc.#fname(&inner, #(#names,)* #zone_arg).await.map(|v| ifw::to_wire(&v)))
        };
        arms.push(quote! {
            #method => {
                let inner = ::std::clone::Clone::clone(&src);
                let result = async move {
                    #(#reads)*
                    #zone_read
                    #result
                };
                ifw::answer(&src.object, &src.shared.ids, #pending, #operation, result).await
            }
        });
    }
    for s in &bound.signals {
        let index = lit(s.index);
        let fname = format_ident!("emit_{}", heck::ToSnakeCase::to_snake_case(&*s.signal.name));
        let doc = doc_attrs(s.signal.comment.as_deref()).unwrap_or_else(|| {
            let line = format!(" The `{}` signal.", s.signal.name);
            quote!(#[doc = #line])
        });
        let emit_line = format!(" Emits `{}` to every replica.", s.signal.name);
        let WireArguments { params, values } = bound.wire_arguments(&s.params);
        methods.push(quote! {
            #[doc = #emit_line]
            #[doc = ""]
            #doc
            pub async fn #fname(&self, #(#params),*) -> ifw::Result<()> {
                ifw::Ok(self.object.emit(#index, ::std::vec![#(#values),*]).await?)
            }
        });
    }

    let (constructor, zone_methods, shared_zones, shared_init) = if bound.zoned {
        (
            quote! {
                /// A source of `service` with these zones and their initial values (zone `""`, the
                /// interface's own, is added with default values if not given).
                pub fn new<S: #service>(
                    service: S,
                    zones: impl ::std::iter::IntoIterator<Item = (::std::string::String, #props_ty)>,
                ) -> ifw::Result<Self> {
                    let mut all: ::std::vec::Vec<(::std::string::String, #props_ty)> = ::std::vec::Vec::new();
                    for (zone, values) in zones {
                        if let ifw::Some(slot) = all.iter_mut().find(|(z, _)| *z == zone) {
                            slot.1 = values;
                        } else {
                            all.push((zone, values));
                        }
                    }
                    if !all.iter().any(|(z, _)| z.is_empty()) {
                        all.insert(0, (::std::string::String::new(), ::std::default::Default::default()));
                    }
                    let shared = ifw::Arc::new(#shared {
                        ids: ::std::default::Default::default(),
                        zones: ::std::sync::Mutex::new(all),
                    });
                    let object = ifw::SourceObject::builder(Self::definition())
                        .signature(Self::SIGNATURE)
                        .handler(#handler { service: ifw::Arc::new(service), shared: ifw::Arc::clone(&shared) })
                        .build()?;
                    ifw::Ok(Self { object, shared })
                }
            },
            quote! {
                /// The zones `availableZones()` reports: every zone but `""`, in the order given.
                pub fn zones(&self) -> ::std::vec::Vec<::std::string::String> {
                    self.shared.lock().iter().map(|(z, _)| z.clone()).filter(|z| !z.is_empty()).collect()
                }

                /// The values of `zone`.
                pub fn zone(&self, zone: &str) -> ifw::Option<#props_ty> {
                    self.shared.lock().iter().find(|(z, _)| z == zone).map(|(_, v)| v.clone())
                }
            },
            quote!(zones: ::std::sync::Mutex<::std::vec::Vec<(::std::string::String, #props_ty)>>,),
            quote! {
                impl #shared {
                    fn lock(&self) -> ::std::sync::MutexGuard<'_, ::std::vec::Vec<(::std::string::String, #props_ty)>> {
                        self.zones.lock().unwrap_or_else(::std::sync::PoisonError::into_inner)
                    }
                }
            },
        )
    } else {
        let values = bound.properties.iter().map(|p| {
            let f = super::ident(&p.snake);
            to_value(p, quote!(&properties.#f))
        });
        (
            quote! {
                /// A source of `service` with these initial property values.
                pub fn new<S: #service>(
                    service: S,
                    properties: #props_ty,
                ) -> ifw::Result<Self> {
                    let shared = ifw::Arc::new(#shared {
                        ids: ::std::default::Default::default(),
                    });
                    let object = ifw::SourceObject::builder(Self::definition())
                        .values(::std::vec![#(#values),*])
                        .signature(Self::SIGNATURE)
                        .handler(#handler { service: ifw::Arc::new(service), shared: ifw::Arc::clone(&shared) })
                        .build()?;
                    ifw::Ok(Self { object, shared })
                }
            },
            quote!(),
            quote!(),
            quote!(),
        )
    };
    let doc = format!(
        " The server side of `{lookup}`: its state (property values{}), signal emission, and the answers of a [`{service}`] to replicas. Cheap to clone; remote it on any number of hosts.\0Setters set a value here, even one replicas cannot write, and tell replicas if it changed; signal emitters emit to every replica.",
        if bound.zoned { " per zone" } else { "" }
    );
    let doc = super::doc_paragraphs(&doc);
    let handler_doc = format!(" Answers replicas of `{lookup}` with a [`{service}`].");
    let (args_binding, source_binding) = if arms.is_empty() {
        (quote!(_args), quote!(_src))
    } else {
        (quote!(args), quote!(src))
    };
    let uses_service =
        !bound.operations.is_empty() || bound.properties.iter().any(BoundProperty::writable);
    let service_binding = if uses_service {
        quote!(svc)
    } else {
        quote!(_svc)
    };
    let answer = format_ident!(
        "{}_answer",
        heck::ToSnakeCase::to_snake_case(&*bound.interface.name)
    );
    let answer_doc = format!(" Answers a call of method `method` by a replica of `{lookup}`.");
    let mut out = quote! {
        #doc
        #[derive(Clone)]
        pub struct #name {
            object: ifw::SourceObject,
            shared: ifw::Arc<#shared>,
        }

        struct #shared {
            ids: ifw::PendingIds,
            #shared_zones
        }

        #shared_init

        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#name)).field("object", &self.object).finish()
            }
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

            #constructor

            /// Remotes the source on `host` under [`Self::LOOKUP_NAME`].
            pub async fn enable_remoting(&self, host: &ifw::Host) -> ifw::Result<()> {
                self.enable_remoting_as(host, Self::LOOKUP_NAME).await
            }

            /// Remotes the source on `host` under another name.
            pub async fn enable_remoting_as(&self, host: &ifw::Host, name: &str) -> ifw::Result<()> {
                ifw::Ok(host.enable_remoting(name, ::std::clone::Clone::clone(&self.object)).await?)
            }

            /// The schema-free source underneath.
            pub fn object(&self) -> &ifw::SourceObject {
                &self.object
            }

            #zone_methods
    };
    out.extend(super::braced(quote!(impl #name), head, methods));
    out.extend(quote! {
        #[doc = #handler_doc]
        struct #handler<S> {
            service: ifw::Arc<S>,
            shared: ifw::Arc<#shared>,
        }

        impl<S: #service> ifw::SourceHandler for #handler<S> {
            fn call<'a>(
                &'a self,
                object: &'a ifw::SourceObject,
                method: usize,
                args: ::std::vec::Vec<ifw::Value>,
            ) -> ifw::BoxFuture<'a, ifw::Value> {
                let source = #name {
                    object: ::std::clone::Clone::clone(object),
                    shared: ifw::Arc::clone(&self.shared),
                };
                ::std::boxed::Box::pin(#answer(ifw::Arc::clone(&self.service), source, method, args))
            }

            fn write_property<'a>(
                &'a self,
                _object: &'a ifw::SourceObject,
                _property: usize,
                _value: ifw::Value,
            ) -> ifw::BoxFuture<'a, ()> {
                // Qt IF's properties are READPUSH: replicas ask through push methods instead.
                ::std::boxed::Box::pin(async {})
            }
        }

        #[doc = #answer_doc]
        async fn #answer<S: #service>(
            #service_binding: ifw::Arc<S>,
            #source_binding: #name,
            method: usize,
            #args_binding: ::std::vec::Vec<ifw::Value>,
        ) -> ifw::Value
    });
    arms.push(quote!(_ => ifw::Value::Invalid,));
    let matched = super::braced(quote!(match method), TokenStream::new(), arms);
    out.extend(super::braced(
        TokenStream::new(),
        TokenStream::new(),
        vec![matched],
    ));
    out
}
