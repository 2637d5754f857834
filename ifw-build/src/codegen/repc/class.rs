//! Per `class` of a `.rep` file: `<Class>Properties`, `<Class>Service`, `<Class>Source`,
//! `<Class>Event`/`<Class>Events` and `<Class>Replica`, bound to repc's layout and signature.
//!
//! Plain repc semantics, not Qt Interface Framework's:
//!
//! - A `SLOT` answers its declared type directly (the service's value, or an invalid `QVariant`
//!   when the service fails, which the replica reports as an error reading the answer). There is
//!   no `PendingResult`/`pendingResultAvailable` protocol; a class that declares such a signal
//!   gets it as an ordinary signal.
//! - `PROP` modifiers: `CONSTANT` (no change signal, no setter after construction), `READONLY`
//!   and `SOURCEONLYSETTER` (only the source sets it), `READPUSH` (the default: the replica's
//!   setter calls `push<Prop>`, the service's setter policy decides), `READWRITE` (the replica's
//!   setter writes the property with a `WriteProperty`, the same policy decides).
//! - Property defaults come from the `.rep` (`PROP(int x = 5)`); the source and replica use the
//!   class name as the name to remote and acquire (what a repc `enableRemoting(&source)` does).
//! - `MODEL` and `CLASS` entries are refused (with their position): they need child objects.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::{CppType, Named};
use super::{RepContext, rust_ident};
use crate::codegen::interface::Statement;
use crate::diagnostic::Diagnostic;
use crate::rep::{self, Modifier, PropertyKind};

struct Prop<'a> {
    p: &'a rep::Property,
    ty: CppType,
    field: Ident,
    index: usize,
    changed: Option<usize>,
    push: Option<usize>,
    default: TokenStream,
}

impl Prop<'_> {
    fn writable(&self) -> bool {
        matches!(self.p.modifier, Modifier::ReadPush | Modifier::ReadWrite)
    }
}

struct Func<'a> {
    f: &'a rep::Function,
    index: usize,
    name: Ident,
    params: Vec<(Ident, CppType, String)>,
    ret: Option<CppType>,
}

/// Checks that generated names of one kind (methods of one impl, variants) are unique.
struct Names<'c, 'a> {
    cx: &'c RepContext<'a>,
    what: &'static str,
    seen: HashSet<String>,
}

impl<'c, 'a> Names<'c, 'a> {
    fn new(cx: &'c RepContext<'a>, what: &'static str, fixed: &[&str]) -> Self {
        Self {
            cx,
            what,
            seen: fixed.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    fn add(&mut self, name: &str, from: &str, span: rep::Span) -> Result<(), Diagnostic> {
        if self.seen.insert(name.to_string()) {
            Ok(())
        } else {
            Err(self.cx.error(
                span,
                format!(
                    "`{from}` gives the {} `{name}` in Rust, which another member (or a generated one) already has",
                    self.what
                ),
            ))
        }
    }
}

/// Everything generated for `class`.
pub(crate) fn class(cx: &RepContext<'_>, class: &rep::Class) -> Result<TokenStream, Diagnostic> {
    let scope = class.name.as_str();
    for p in &class.properties {
        match p.kind {
            PropertyKind::Value => {}
            PropertyKind::Model => {
                return Err(cx.error(
                    p.span,
                    format!("MODEL `{}`: models (child QAbstractItemModel objects) are not supported by ifw-build's Rust code", p.name),
                ));
            }
            PropertyKind::Class => {
                return Err(cx.error(
                    p.span,
                    format!(
                        "CLASS `{}`: child objects are not supported by ifw-build's Rust code",
                        p.name
                    ),
                ));
            }
        }
    }
    let layout = rep::layout(class);
    let signature = rep::signature(class, cx.file);
    let mut props = Vec::new();
    let mut field_names = Names::new(cx, "property name", &[]);
    for (index, p) in class.properties.iter().enumerate() {
        let ty = cx
            .table
            .resolve(&p.type_name, Some(scope))
            .map_err(|e| cx.error(p.span, format!("PROP `{}`: {e}", p.name)))?;
        let snake = p.name.to_snake_case();
        field_names.add(&snake, &p.name, p.span)?;
        let field = rust_ident(&snake).map_err(|e| cx.error(p.span, e))?;
        let default = match &p.default_value {
            Some(text) => ty.literal(text).ok_or_else(|| {
                cx.error(
                    p.span,
                    format!(
                        "PROP `{}`: the default value `{text}` is not one ifw-build can write in Rust (number, bool, string or enum member literals)",
                        p.name
                    ),
                )
            })?,
            None => ty.default_value(),
        };
        props.push(Prop {
            p,
            ty,
            field,
            index,
            changed: layout
                .signals
                .iter()
                .position(|s| s.notifies == Some(index)),
            push: layout.methods.iter().position(|m| m.pushes == Some(index)),
            default,
        });
    }
    let notify_count = layout
        .signals
        .iter()
        .filter(|s| s.notifies.is_some())
        .count();
    let push_count = layout.methods.iter().filter(|m| m.pushes.is_some()).count();
    let signals = functions(cx, scope, &class.signals, notify_count)?;
    let slots = functions(cx, scope, &class.slots, push_count)?;

    // Names of the generated methods, per impl.
    let mut service_names = Names::new(cx, "service method", &[]);
    let mut source_names = Names::new(
        cx,
        "source method",
        &[
            "new",
            "definition",
            "enable_remoting",
            "enable_remoting_as",
            "object",
        ],
    );
    let mut replica_names = Names::new(
        cx,
        "replica method",
        &[
            "acquire",
            "acquire_as",
            "definition",
            "replica",
            "replica_state",
            "wait_ready",
            "subscribe",
        ],
    );
    let mut variant_names = Names::new(cx, "event", &[]);
    for p in &props {
        let snake = p.field.to_string();
        source_names.add(&snake, &p.p.name, p.p.span)?;
        replica_names.add(&snake, &p.p.name, p.p.span)?;
        let setter = format!("set_{}", snake.trim_start_matches("r#"));
        if p.p.modifier != Modifier::Constant {
            source_names.add(&setter, &p.p.name, p.p.span)?;
        }
        if p.writable() {
            service_names.add(&setter, &p.p.name, p.p.span)?;
            replica_names.add(&setter, &p.p.name, p.p.span)?;
        }
        if p.changed.is_some() {
            variant_names.add(
                &format!("{}Changed", p.p.name.to_upper_camel_case()),
                &p.p.name,
                p.p.span,
            )?;
        }
    }
    for s in &slots {
        service_names.add(&s.name.to_string(), &s.f.name, s.f.span)?;
        replica_names.add(&s.name.to_string(), &s.f.name, s.f.span)?;
    }
    for s in &signals {
        source_names.add(&format!("emit_{}", s.name), &s.f.name, s.f.span)?;
        variant_names.add(&s.f.name.to_upper_camel_case(), &s.f.name, s.f.span)?;
    }

    let parts = Parts {
        names: Idents::new(&class.name),
        class,
        props: &props,
        slots: &slots,
        signals: &signals,
        signature: &signature,
    };
    let mut out = TokenStream::new();
    if cx.options.source || cx.options.replica {
        out.extend(definition(cx, class, &layout));
    }
    if cx.options.source {
        out.extend(properties_struct(&parts.names, class, &props));
        out.extend(service(cx, &parts.names, class, &props, &slots)?);
        out.extend(source(&parts));
    }
    if cx.options.replica {
        out.extend(replica(&parts));
    }
    Ok(out)
}

/// What the source and the replica of one class are generated from.
struct Parts<'a> {
    names: Idents,
    class: &'a rep::Class,
    props: &'a [Prop<'a>],
    slots: &'a [Func<'a>],
    signals: &'a [Func<'a>],
    /// repc's signature of the class.
    signature: &'a str,
}

/// The Rust names of one class.
struct Idents {
    properties: Ident,
    service: Ident,
    source: Ident,
    handler: Ident,
    replica: Ident,
    event: Ident,
    events: Ident,
    definition: Ident,
    convert: Ident,
}

impl Idents {
    fn new(class: &str) -> Self {
        let camel = class.to_upper_camel_case();
        let snake = class.to_snake_case();
        Self {
            properties: format_ident!("{camel}Properties"),
            service: format_ident!("{camel}Service"),
            source: format_ident!("{camel}Source"),
            handler: format_ident!("{camel}SourceHandler"),
            replica: format_ident!("{camel}Replica"),
            event: format_ident!("{camel}Event"),
            events: format_ident!("{camel}Events"),
            definition: format_ident!("{snake}_class_definition"),
            convert: format_ident!("{snake}_event"),
        }
    }
}

fn functions<'a>(
    cx: &RepContext<'_>,
    scope: &str,
    list: &'a [rep::Function],
    first_index: usize,
) -> Result<Vec<Func<'a>>, Diagnostic> {
    let mut out = Vec::new();
    for (k, f) in list.iter().enumerate() {
        let err = |m: String| cx.error(f.span, m);
        let name = rust_ident(&f.name.to_snake_case()).map_err(err)?;
        let mut params = Vec::new();
        let mut seen = HashSet::new();
        for (i, p) in f.params.iter().enumerate() {
            let plain = p.plain_name();
            let rust = if plain.is_empty() || plain.starts_with("__repc_variable") {
                format!("arg{i}")
            } else {
                plain.to_snake_case()
            };
            if !seen.insert(rust.clone()) || rust == "source" {
                return Err(err(format!(
                    "`{}`: parameter `{plain}` becomes `{rust}` in Rust, which is taken",
                    f.name
                )));
            }
            let ident = rust_ident(&rust).map_err(err)?;
            let ty = cx
                .table
                .resolve(&p.type_name, Some(scope))
                .map_err(|e| err(format!("`{}`, parameter `{plain}`: {e}", f.name)))?;
            params.push((ident, ty, plain.to_string()));
        }
        let ret = match f.return_type.trim() {
            "void" | "" => None,
            other => Some(
                cx.table
                    .resolve(other, Some(scope))
                    .map_err(|e| err(format!("`{}` returns {e}", f.name)))?,
            ),
        };
        out.push(Func {
            f,
            index: first_index + k,
            name,
            params,
            ret,
        });
    }
    Ok(out)
}

/// The class definition function, in repc's index order, with the file's PODs as gadgets and
/// the class's enums and flags.
fn definition(cx: &RepContext<'_>, class: &rep::Class, layout: &rep::Layout) -> TokenStream {
    let scope = &class.name;
    let name = Idents::new(scope).definition;
    let rows = crate::codegen::interface::class_rows(class, layout, |type_name| {
        if class.is_class_enum(type_name) {
            format!("{scope}::{type_name}")
        } else {
            type_name.to_owned()
        }
    });
    let mut statements = vec![format!(
        "let mut c = ::ifw_core::codegen::ClassBuilder::new({});",
        crate::codegen::text::string_literal(scope)
    )];
    for gadget in super::items::gadget_defs(cx) {
        statements.push(format!("c.gadget_def({gadget});"));
    }
    let mut rows_statements = Vec::new();
    for e in &class.enums {
        let key = format!("{scope}::{}", e.name);
        let size = match cx
            .table
            .all()
            .find(|n| matches!(n, Named::Enum { qt, .. } if *qt == key))
        {
            Some(Named::Enum { size, .. }) => *size,
            _ => 4,
        };
        statements.push(format!(
            "c.class_enum({}, {}, {size});",
            crate::codegen::text::string_literal(&e.name),
            e.scoped
        ));
        for v in &e.values {
            statements.push(format!(
                "c.key({}, {});",
                crate::codegen::text::string_literal(&v.name),
                v.value
            ));
        }
    }
    rows.statements(&mut rows_statements, "::ifw_core::codegen");
    statements.extend(rows_statements.iter().map(Statement::text));
    statements.push("c.build()".to_string());
    let body: TokenStream = statements.concat().parse().unwrap_or_else(|e| {
        let message = format!("ifw-build wrote a class definition it cannot read (a bug): {e}");
        quote!(::std::compile_error!(#message))
    });
    let doc = format!(" The class definition of `{scope}`, in repc's index order.");
    quote! {
        #[doc = #doc]
        fn #name() -> ::ifw_core::codegen::ClassDefinition {
            #body
        }
    }
}

fn prop_doc(p: &rep::Property) -> String {
    let modifier = match p.modifier {
        Modifier::Constant => "CONSTANT",
        Modifier::ReadOnly => "READONLY",
        Modifier::ReadPush => "READPUSH",
        Modifier::ReadWrite => "READWRITE",
        Modifier::SourceOnlySetter => "SOURCEONLYSETTER",
    };
    match &p.default_value {
        Some(d) => format!(" `{} {}` ({modifier}, default `{d}`).", p.type_name, p.name),
        None => format!(" `{} {}` ({modifier}).", p.type_name, p.name),
    }
}

fn properties_struct(names: &Idents, class: &rep::Class, props: &[Prop<'_>]) -> TokenStream {
    let name = &names.properties;
    let fields = props.iter().map(|p| {
        let doc = prop_doc(p.p);
        let f = &p.field;
        let ty = p.ty.rust();
        quote!(#[doc = #doc] pub #f: #ty,)
    });
    let defaults = props.iter().map(|p| {
        let f = &p.field;
        let d = &p.default;
        quote!(#f: #d,)
    });
    let doc = format!(
        " The property values of `{}`; the default is the `.rep`'s defaults.",
        class.name
    );
    if props
        .iter()
        .all(|p| p.p.default_value.is_none() && p.ty.derives_default())
    {
        return quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq, Default)]
            pub struct #name {
                #(#fields)*
            }
        };
    }
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        #[allow(clippy::derivable_impls, reason = "the defaults are the .rep's")]
        impl ::std::default::Default for #name {
            fn default() -> Self {
                Self { #(#defaults)* }
            }
        }
    }
}

fn ret_type(f: &Func<'_>) -> TokenStream {
    match &f.ret {
        Some(t) => t.rust(),
        None => quote!(()),
    }
}

fn service(
    cx: &RepContext<'_>,
    names: &Idents,
    class: &rep::Class,
    props: &[Prop<'_>],
    slots: &[Func<'_>],
) -> Result<TokenStream, Diagnostic> {
    let name = &names.service;
    let source = &names.source;
    let attributes = cx
        .options
        .trait_attributes_for(&format!("{}.{}", cx.module_name, class.name))
        .map_err(|e| cx.error(class.span, e))?;
    let mut methods = Vec::new();
    for s in slots {
        let fname = &s.name;
        let params = s.params.iter().map(|(n, t, _)| {
            let t = t.rust();
            quote!(#n: #t)
        });
        let args: Vec<_> = s.params.iter().map(|(n, ..)| n).collect();
        let ret = ret_type(s);
        let line = format!(" The `{}` slot.", s.f.name);
        let operation = s.f.name.clone();
        methods.push(quote! {
            #[doc = #line]
            #[doc = ""]
            #[doc = " Default: fails with `Error::NotImplemented` (the replica then gets an invalid answer)."]
            fn #fname(
                &self,
                source: &#source,
                #(#params,)*
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<#ret, ::ifw_core::codegen::Error>,
            > + ::std::marker::Send {
                let _ = (source, #(#args,)*);
                async {
                    ::std::result::Result::Err(::ifw_core::codegen::Error::NotImplemented {
                        operation: #operation,
                    })
                }
            }
        });
    }
    for p in props.iter().filter(|p| p.writable()) {
        let setter = format_ident!("set_{}", p.field.to_string().trim_start_matches("r#"));
        let ty = p.ty.rust();
        let how = if p.p.modifier == Modifier::ReadWrite {
            "writes"
        } else {
            "pushes"
        };
        let line = format!(
            " Whether and how `{}` changes when a replica {how} `value`.",
            p.p.name
        );
        methods.push(quote! {
            #[doc = #line]
            #[doc = ""]
            #[doc = " Default: stores it through the source, which tells every replica if it changed."]
            fn #setter(
                &self,
                source: &#source,
                value: #ty,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<(), ::ifw_core::codegen::Error>,
            > + ::std::marker::Send {
                source.#setter(value)
            }
        });
    }
    let doc = format!(
        " What a server of `{}` implements: its slots, and the policy for property changes replicas ask for. Every method has a default; serve it with [`{source}`].",
        class.name
    );
    Ok(quote! {
        #[doc = #doc]
        #(#attributes)*
        pub trait #name: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }
    })
}

fn source(parts: &Parts<'_>) -> TokenStream {
    let names = &parts.names;
    let (class, props, slots, signals, signature) = (
        parts.class,
        parts.props,
        parts.slots,
        parts.signals,
        parts.signature,
    );
    let Idents {
        properties: props_ty,
        service,
        source: name,
        handler,
        definition,
        ..
    } = names;
    let lookup = &class.name;
    let mut methods = Vec::new();
    let mut arms = Vec::new();
    let mut write_arms = Vec::new();
    for p in props {
        let f = &p.field;
        let setter = format_ident!("set_{}", f.to_string().trim_start_matches("r#"));
        let ty = p.ty.rust();
        let index = p.index;
        let doc = prop_doc(p.p);
        let read = p.ty.read_wire(&quote!(&value));
        methods.push(quote! {
            #[doc = #doc]
            pub async fn #f(&self) -> ::std::result::Result<#ty, ::ifw_core::codegen::Error> {
                let value = self.object.property(#index).await.unwrap_or(::ifw_core::codegen::Value::Invalid);
                #read
            }
        });
        if p.p.modifier != Modifier::Constant {
            let set_doc = format!(" Sets `{}`; replicas are told if it changed.", p.p.name);
            let wire = p.ty.write_wire(&quote!(&value));
            methods.push(quote! {
                #[doc = #set_doc]
                pub async fn #setter(&self, value: #ty) -> ::std::result::Result<(), ::ifw_core::codegen::Error> {
                    ::std::result::Result::Ok(self.object.set_property(#index, #wire).await?)
                }
            });
        }
        let qname = p.p.name.clone();
        let read_arg = p.ty.read_wire(&quote!(value));
        let apply = quote! {
            let result = match #read_arg {
                ::std::result::Result::Ok(value) => service.#setter(&source, value).await,
                ::std::result::Result::Err(e) => ::std::result::Result::Err(e),
            };
            ::ifw_core::codegen::log_refused(#qname, result);
        };
        if let Some(push) = p.push {
            arms.push(quote! {
                #push => {
                    let value = ::ifw_core::codegen::rep_argument(&args, 0);
                    #apply
                    ::ifw_core::codegen::Value::Invalid
                }
            });
        }
        if p.p.modifier == Modifier::ReadWrite {
            write_arms.push(quote! {
                #index => {
                    let value = &value;
                    #apply
                }
            });
        }
    }
    for s in slots {
        let method = s.index;
        let fname = &s.name;
        let operation = s.f.name.clone();
        let reads = s.params.iter().enumerate().map(|(i, (n, t, _))| {
            let read = t.read_wire(&quote!(::ifw_core::codegen::rep_argument(&args, #i)));
            quote!(let #n = #read?;)
        });
        let args_names = s.params.iter().map(|(n, ..)| n);
        let answer = match &s.ret {
            Some(t) => {
                let wire = t.write_wire(&quote!(&value));
                quote!(.map(|value| #wire))
            }
            None => quote!(.map(|()| ::ifw_core::codegen::Value::Invalid)),
        };
        arms.push(quote! {
            #method => {
                let result = async {
                    #(#reads)*
                    service.#fname(&source, #(#args_names,)*).await #answer
                }
                .await;
                ::ifw_core::codegen::rep_answer(#operation, result)
            }
        });
    }
    for s in signals {
        let index = s.index;
        let fname = format_ident!("emit_{}", s.name.to_string().trim_start_matches("r#"));
        let doc = format!(" Emits `{}` to every replica.", s.f.name);
        let params = s.params.iter().map(|(n, t, _)| {
            let t = t.rust();
            quote!(#n: #t)
        });
        let values = s.params.iter().map(|(n, t, _)| t.write_wire(&quote!(&#n)));
        methods.push(quote! {
            #[doc = #doc]
            pub async fn #fname(&self, #(#params),*) -> ::std::result::Result<(), ::ifw_core::codegen::Error> {
                ::std::result::Result::Ok(self.object.emit(#index, ::std::vec![#(#values),*]).await?)
            }
        });
    }
    let values = props.iter().map(|p| {
        let f = &p.field;
        p.ty.write_wire(&quote!(&properties.#f))
    });
    let (method_binding, dispatch) = if arms.is_empty() {
        (quote!(_method), quote!(::ifw_core::codegen::Value::Invalid))
    } else {
        (
            quote!(method),
            quote! {
                match method {
                    #(#arms)*
                    _ => ::ifw_core::codegen::Value::Invalid,
                }
            },
        )
    };
    let properties_binding = if props.is_empty() {
        quote!(_properties)
    } else {
        quote!(properties)
    };
    let (args_binding, source_binding) = if arms.is_empty() {
        (quote!(_args), quote!(_source))
    } else {
        (quote!(args), quote!(source))
    };
    let service_binding = if arms.is_empty() {
        quote!()
    } else {
        quote!(let service = ::std::sync::Arc::clone(&self.service);)
    };
    let write = if write_arms.is_empty() {
        quote! {
            fn write_property<'a>(
                &'a self,
                _object: &'a ::ifw_core::codegen::SourceObject,
                property: usize,
                _value: ::ifw_core::codegen::Value,
            ) -> ::ifw_core::codegen::BoxFuture<'a, ()> {
                ::std::boxed::Box::pin(async move {
                    ::ifw_core::codegen::rep_refuse_write(#lookup, property);
                })
            }
        }
    } else {
        quote! {
            fn write_property<'a>(
                &'a self,
                object: &'a ::ifw_core::codegen::SourceObject,
                property: usize,
                value: ::ifw_core::codegen::Value,
            ) -> ::ifw_core::codegen::BoxFuture<'a, ()> {
                let source = #name { object: ::std::clone::Clone::clone(object) };
                let service = ::std::sync::Arc::clone(&self.service);
                ::std::boxed::Box::pin(async move {
                    match property {
                        #(#write_arms)*
                        _ => ::ifw_core::codegen::rep_refuse_write(#lookup, property),
                    }
                })
            }
        }
    };
    let doc = format!(
        " The server side of `{lookup}`: its property values, signal emission, and the answers of a [`{service}`] to replicas. Cheap to clone; remote it on any number of hosts."
    );
    let handler_doc = format!(" Answers replicas of `{lookup}` with a [`{service}`].");
    let constants = constants(
        " The name repc's sources are remoted under by default: the class name.",
        lookup,
        signature,
        definition,
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            object: ::ifw_core::codegen::SourceObject,
        }

        impl #name {
            #constants

            /// A source of `service` with these initial property values.
            pub fn new<S: #service>(
                service: S,
                #properties_binding: #props_ty,
            ) -> ::std::result::Result<Self, ::ifw_core::codegen::Error> {
                let object = ::ifw_core::codegen::SourceObject::builder(Self::definition())
                    .values(::std::vec![#(#values),*])
                    .signature(Self::SIGNATURE)
                    .handler(#handler { service: ::std::sync::Arc::new(service) })
                    .build()?;
                ::std::result::Result::Ok(Self { object })
            }

            /// Remotes the source on `host` under [`Self::LOOKUP_NAME`].
            pub async fn enable_remoting(&self, host: &::ifw_core::codegen::Host) -> ::std::result::Result<(), ::ifw_core::codegen::Error> {
                self.enable_remoting_as(host, Self::LOOKUP_NAME).await
            }

            /// Remotes the source on `host` under another name.
            pub async fn enable_remoting_as(&self, host: &::ifw_core::codegen::Host, name: &str) -> ::std::result::Result<(), ::ifw_core::codegen::Error> {
                ::std::result::Result::Ok(host.enable_remoting(name, ::std::clone::Clone::clone(&self.object)).await?)
            }

            /// The schema-free source underneath.
            pub fn object(&self) -> &::ifw_core::codegen::SourceObject {
                &self.object
            }

            #(#methods)*
        }

        #[doc = #handler_doc]
        struct #handler<S> {
            service: ::std::sync::Arc<S>,
        }

        impl<S: #service> ::ifw_core::codegen::SourceHandler for #handler<S> {
            fn call<'a>(
                &'a self,
                object: &'a ::ifw_core::codegen::SourceObject,
                #method_binding: usize,
                #args_binding: ::std::vec::Vec<::ifw_core::codegen::Value>,
            ) -> ::ifw_core::codegen::BoxFuture<'a, ::ifw_core::codegen::Value> {
                let #source_binding = #name { object: ::std::clone::Clone::clone(object) };
                #service_binding
                ::std::boxed::Box::pin(async move { #dispatch })
            }

            #write
        }
    }
}

fn replica(parts: &Parts<'_>) -> TokenStream {
    let names = &parts.names;
    let (class, props, slots, signals, signature) = (
        parts.class,
        parts.props,
        parts.slots,
        parts.signals,
        parts.signature,
    );
    let Idents {
        replica: name,
        event,
        events,
        definition,
        convert,
        ..
    } = names;
    let lookup = &class.name;
    let mut methods = Vec::new();
    let mut variants = Vec::new();
    let mut change_arms = Vec::new();
    let mut signal_arms = Vec::new();
    let mut signal_fns = Vec::new();
    for p in props {
        let f = &p.field;
        let ty = p.ty.rust();
        let index = p.index;
        let doc = prop_doc(p.p);
        let read = p.ty.read_wire(&quote!(&value));
        methods.push(quote! {
            #[doc = #doc]
            #[doc = ""]
            #[doc = " The cached value (an error before the replica was first initialized)."]
            pub fn #f(&self) -> ::std::result::Result<#ty, ::ifw_core::codegen::Error> {
                let value = ::ifw_core::codegen::rep_cached(&self.replica, #index)?;
                #read
            }
        });
        let setter = format_ident!("set_{}", f.to_string().trim_start_matches("r#"));
        let wire = p.ty.write_wire(&quote!(&value));
        if let Some(push) = p.push {
            let doc = format!(
                " Asks the source to set `{}` (`push{}`); the cached value changes when the source reports the change.",
                p.p.name,
                upper_first(&p.p.name)
            );
            methods.push(quote! {
                #[doc = #doc]
                pub async fn #setter(&self, value: #ty) -> ::std::result::Result<(), ::ifw_core::codegen::Error> {
                    self.replica.call_at(#push, ::std::vec![#wire]).await?;
                    ::std::result::Result::Ok(())
                }
            });
        } else if p.p.modifier == Modifier::ReadWrite {
            let qname = &p.p.name;
            let doc = format!(
                " Writes `{qname}` (a `WriteProperty`); the cached value changes when the source reports the change."
            );
            methods.push(quote! {
                #[doc = #doc]
                pub async fn #setter(&self, value: #ty) -> ::std::result::Result<(), ::ifw_core::codegen::Error> {
                    ::std::result::Result::Ok(self.replica.set_property(#qname, #wire).await?)
                }
            });
        }
        if p.changed.is_some() {
            let variant = format_ident!("{}Changed", p.p.name.to_upper_camel_case());
            let doc = format!(" `{}` changed.", p.p.name);
            variants.push(quote!(#[doc = #doc] #variant(#ty),));
            let read = p.ty.read_wire(&quote!(&value));
            change_arms.push(quote! {
                #index => ::std::option::Option::Some(#read.map(#event::#variant)),
            });
        }
    }
    for s in slots {
        let fname = &s.name;
        let method = s.index;
        let doc = format!(" Calls the `{}` slot.", s.f.name);
        let params = s.params.iter().map(|(n, t, _)| {
            let t = t.rust();
            quote!(#n: #t)
        });
        let values = s.params.iter().map(|(n, t, _)| t.write_wire(&quote!(&#n)));
        let ret = ret_type(s);
        let finish = match &s.ret {
            Some(t) => t.read_wire(&quote!(&value)),
            None => quote! {{
                let _ = value;
                ::std::result::Result::Ok(())
            }},
        };
        methods.push(quote! {
            #[doc = #doc]
            pub async fn #fname(&self, #(#params),*) -> ::std::result::Result<#ret, ::ifw_core::codegen::Error> {
                let value = self.replica.call_at(#method, ::std::vec![#(#values),*]).await?;
                #finish
            }
        });
    }
    for s in signals {
        let variant = format_ident!("{}", s.f.name.to_upper_camel_case());
        let doc = format!(" The `{}` signal.", s.f.name);
        let index = s.index;
        if s.params.is_empty() {
            variants.push(quote!(#[doc = #doc] #variant,));
            signal_arms.push(quote! {
                #index => ::std::option::Option::Some(::std::result::Result::Ok(#event::#variant)),
            });
            continue;
        }
        let fields = s.params.iter().map(|(n, t, plain)| {
            let t = t.rust();
            let line = format!(" `{plain}`.");
            quote!(#[doc = #line] #n: #t,)
        });
        let reads = s.params.iter().enumerate().map(|(i, (n, t, _))| {
            let read = t.read_wire(&quote!(::ifw_core::codegen::rep_argument(args, #i)));
            quote!(#n: #read?,)
        });
        variants.push(quote!(#[doc = #doc] #variant { #(#fields)* },));
        let fname = format_ident!("signal_{}", s.name.to_string().trim_start_matches("r#"));
        signal_fns.push(quote! {
            fn #fname(args: &[::ifw_core::codegen::Value]) -> ::std::result::Result<#event, ::ifw_core::codegen::Error> {
                ::std::result::Result::Ok(#event::#variant { #(#reads)* })
            }
        });
        signal_arms.push(quote! {
            #index => ::std::option::Option::Some(#fname(&args)),
        });
    }
    let change_arm = if change_arms.is_empty() {
        quote!()
    } else {
        quote! {
            ::ifw_core::codegen::ReplicaEvent::PropertyChanged { index, value, .. } => match index {
                #(#change_arms)*
                _ => ::std::option::Option::None,
            },
        }
    };
    let signal_arm = if signal_arms.is_empty() {
        quote!()
    } else {
        quote! {
            ::ifw_core::codegen::ReplicaEvent::Signal { index, args, .. } => match index {
                #(#signal_arms)*
                _ => ::std::option::Option::None,
            },
        }
    };
    let event_binding = if change_arms.is_empty() && signal_arms.is_empty() {
        quote!(_event)
    } else {
        quote!(event)
    };
    let event_match = if change_arms.is_empty() && signal_arms.is_empty() {
        quote!(::std::option::Option::None)
    } else {
        quote! {
            match event {
                #change_arm
                #signal_arm
                _ => ::std::option::Option::None,
            }
        }
    };
    let event_doc =
        format!(" A change seen by a replica of `{lookup}`: a property change or a signal.");
    let events_doc = format!(" The stream of [`{event}`]s of a [`{name}`].");
    let replica_doc =
        format!(" A typed replica of `{lookup}` (repc's layout and signature). Cheap to clone.");
    let constants = constants(
        " The name repc's replicas are acquired under by default: the class name.",
        lookup,
        signature,
        definition,
    );
    quote! {
        #[doc = #event_doc]
        #[derive(Debug, Clone, PartialEq)]
        pub enum #event {
            #(#variants)*
        }

        #[doc = #events_doc]
        pub type #events = ::ifw_core::codegen::TypedEvents<#event>;

        /// A replica event as the class's event; `None` for what is not one.
        #[allow(clippy::collapsible_match, reason = "one arm per member, however many there are")]
        fn #convert(
            #event_binding: ::ifw_core::codegen::ReplicaEvent,
        ) -> ::std::option::Option<::std::result::Result<#event, ::ifw_core::codegen::Error>> {
            #(#signal_fns)*
            #event_match
        }

        #[doc = #replica_doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            replica: ::ifw_core::codegen::Replica,
        }

        impl #name {
            #constants

            /// Acquires the object from `node` under [`Self::LOOKUP_NAME`].
            pub fn acquire(node: &::ifw_core::codegen::Node) -> Self {
                Self::acquire_as(node, Self::LOOKUP_NAME)
            }

            /// Acquires the object from `node` under another name.
            pub fn acquire_as(node: &::ifw_core::codegen::Node, name: &str) -> Self {
                Self {
                    replica: node.acquire(name, Self::definition(), ::std::option::Option::Some(Self::SIGNATURE)),
                }
            }

            /// The schema-free replica underneath.
            pub fn replica(&self) -> &::ifw_core::codegen::Replica {
                &self.replica
            }

            /// Where the replica stands (not `state()`, a common property name in `.rep` files).
            pub fn replica_state(&self) -> ::ifw_core::codegen::ReplicaState {
                self.replica.state()
            }

            /// Waits until the replica is initialized, at most `timeout`.
            pub async fn wait_ready(&self, timeout: ::std::time::Duration) -> ::std::result::Result<(), ::ifw_core::codegen::Error> {
                ::std::result::Result::Ok(self.replica.wait_ready(timeout).await?)
            }

            /// Property changes and signals from now on.
            pub fn subscribe(&self) -> #events {
                ::ifw_core::codegen::TypedEvents::new(&self.replica, #convert)
            }

            #(#methods)*
        }
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The constants and `definition()` a source and a replica both have; `lookup_doc` says what
/// the lookup name is used for.
fn constants(lookup_doc: &str, lookup: &str, signature: &str, definition: &Ident) -> TokenStream {
    quote! {
        #[doc = #lookup_doc]
        pub const LOOKUP_NAME: &'static str = #lookup;
        /// repc's signature of the class.
        pub const SIGNATURE: &'static str = #signature;

        /// The class definition, in repc's index order.
        pub fn definition() -> ::ifw_core::codegen::ClassDefinition {
            #definition()
        }
    }
}
