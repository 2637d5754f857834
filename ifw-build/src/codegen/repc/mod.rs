//! Hand-written Qt Remote Objects `.rep` files → Rust, for users of plain Qt Remote Objects (no
//! QFace): what [`compile_rep`](crate::compile_rep) writes.
//!
//! The file is parsed by the Rust repc ([`rep::parse`]); each class is laid out and signed by it
//! ([`rep::layout`], [`rep::signature`]), so wire indexes and signature are repc's. One file gives
//! one module, named after the file stem in snake case (`simpleswitch.rep` → `pub mod
//! simpleswitch`, `Car-Model.rep` → `car_model`; a stem that starts with a digit gets a `rep_`
//! prefix), holding:
//!
//! - the file's `POD`s, `ENUM`s and `FLAG`s (global, in PODs and in classes; a class's are named
//!   `<Class><Name>`) and `register_qtro_types` (see the type mapping in `types.rs`);
//! - per `class Foo`: `FooProperties`, `FooService`, `FooSource`, `FooReplica`, `FooEvent` and
//!   `FooEvents`, with repc's semantics (see `class.rs`): slots answer their declared type
//!   directly, property modifiers are honoured, defaults come from the `.rep`.
//!
//! What the generator cannot express is refused with the `.rep` position (`file:line:col`):
//! `MODEL` and `CLASS` entries, types outside the mapping, default values it cannot write in
//! Rust, and names that collide once in Rust case.

mod class;
mod items;
mod types;

use std::sync::Arc;

use heck::ToSnakeCase;
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{Options, ident};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::rep::{self, RepFile, Span};
use crate::source::SourceFile;

/// What the generators of one `.rep` file share.
pub(crate) struct RepContext<'a> {
    pub(crate) file: &'a RepFile,
    pub(crate) table: types::TypeTable,
    pub(crate) source: Arc<SourceFile>,
    pub(crate) options: &'a Options,
    /// The module name (the file stem in snake case), for attribute paths.
    pub(crate) module_name: String,
    /// The file name, for docs.
    pub(crate) file_name: String,
}

impl RepContext<'_> {
    /// An error at `span` of the `.rep` file.
    pub(crate) fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        let end = (span.offset + 1).min(self.source.text().len());
        Diagnostic::error(&self.source, span.offset..end.max(span.offset), message)
    }

    /// The configured type attributes for `<module>.<qt name>`.
    pub(crate) fn type_attrs(&self, qt: &str, span: Span) -> Result<TokenStream, Diagnostic> {
        let path = format!("{}.{}", self.module_name, qt.replace("::", "."));
        let attrs = self
            .options
            .attributes_for(&path)
            .map_err(|e| self.error(span, e))?;
        Ok(quote!(#(#attrs)*))
    }
}

/// An identifier for a name from the `.rep` file (raw for keywords), or why there is none.
pub(crate) fn rust_ident(name: &str) -> Result<Ident, String> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_";
    if valid {
        Ok(ident(name))
    } else {
        Err(format!("`{name}` is not a name Rust code can use"))
    }
}

/// The module name of a `.rep` file stem: snake case, `rep_` before a leading digit.
pub fn rep_module_name(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let snake = cleaned.to_snake_case();
    if snake.is_empty() {
        "rep".into()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("rep_{snake}")
    } else {
        snake
    }
}

/// The formatted Rust for a hand-written `.rep` file: a header comment, then `pub mod <stem in
/// snake case> { … }` (see [`Builder::compile_rep`](crate::Builder::compile_rep)). `path` names
/// the file in errors and gives the module its name.
///
/// ```
/// let rust = ifw_build::codegen::generate_rep(
///     "switch.rep",
///     "class Switch\n{\n    PROP(bool on = true)\n    SLOT(int flips())\n};\n",
///     &Default::default(),
/// )?;
/// assert!(rust.contains("pub mod switch {"));
/// assert!(rust.contains("pub struct SwitchReplica"));
///
/// let err = ifw_build::codegen::generate_rep("m.rep", "class Mo\n{\n    MODEL rows(display)\n};\n", &Default::default())
///     .unwrap_err();
/// assert!(err.to_string().contains("m.rep:3:5"), "{err}");
/// # Ok::<(), ifw_build::Error>(())
/// ```
pub fn generate_rep(
    path: impl AsRef<std::path::Path>,
    text: &str,
    options: &Options,
) -> Result<String, Error> {
    let path = path.as_ref();
    let source = SourceFile::new(path, text);
    let file_name = path
        .file_name()
        .map_or_else(|| "<memory>".into(), |n| n.to_string_lossy().into_owned());
    let stem = path
        .file_stem()
        .map_or_else(|| "rep".into(), |n| n.to_string_lossy().into_owned());
    let fail = |d: Diagnostic| {
        let mut all = Diagnostics::default();
        all.push(d);
        Error::Diagnostics(all)
    };
    let file = rep::parse(text).map_err(|e| {
        let end = (e.span.offset + 1).min(text.len());
        fail(Diagnostic::error(
            &source,
            e.span.offset..end.max(e.span.offset),
            format!("repc would reject this file: {}", e.kind),
        ))
    })?;
    let module_name = rep_module_name(&stem);
    let table = types::TypeTable::new(&file, &options.extern_types)
        .map_err(|e| fail(Diagnostic::global(crate::diagnostic::Severity::Error, e)))?;
    let cx = RepContext {
        table,
        file: &file,
        source: source.clone(),
        options,
        module_name: module_name.clone(),
        file_name: file_name.clone(),
    };
    let tokens = module_tokens(&cx).map_err(Error::Diagnostics)?;
    let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
        fail(Diagnostic::global(
            crate::diagnostic::Severity::Error,
            format!(
                "ifw-build generated Rust it cannot parse for {file_name} (a bug in ifw-build): {e}"
            ),
        ))
    })?;
    Ok(format!(
        "// Generated by ifw-build {} from '{file_name}' (Qt Remote Objects .rep).\n// Do not edit: the build regenerates it.\n\n{}",
        env!("CARGO_PKG_VERSION"),
        prettyplease::unparse(&parsed)
    ))
}

fn module_tokens(cx: &RepContext<'_>) -> Result<TokenStream, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let mut items = Vec::new();
    let mut push = |r: Result<TokenStream, Diagnostic>| match r {
        Ok(t) => items.push(t),
        Err(d) => diagnostics.push(d),
    };
    let enum_item = |e: &rep::Enum, key: &str| match cx.table.get(key) {
        Some(n) => items::enumeration(cx, e, n),
        None => Err(cx.error(
            e.span,
            format!("enum `{key}` is not in the type table (a bug in ifw-build)"),
        )),
    };
    let flag_item = |f: &rep::Flag, key: &str| match cx.table.get(key) {
        Some(n) => items::flag(cx, f, n),
        None => Err(cx.error(
            f.span,
            format!("flag `{key}` is not in the type table (a bug in ifw-build)"),
        )),
    };
    for e in &cx.file.enums {
        push(enum_item(e, &e.name));
    }
    for pod in &cx.file.pods {
        for e in &pod.enums {
            push(enum_item(e, &e.name));
        }
        for f in &pod.flags {
            push(flag_item(f, &format!("{}::{}", pod.name, f.name)));
        }
    }
    for f in &cx.file.flags {
        push(flag_item(f, &f.name));
    }
    for class in &cx.file.classes {
        for e in &class.enums {
            push(enum_item(e, &format!("{}::{}", class.name, e.name)));
        }
        for f in &class.flags {
            push(flag_item(f, &format!("{}::{}", class.name, f.name)));
        }
    }
    for pod in &cx.file.pods {
        push(items::pod(cx, pod));
    }
    push(Ok(items::registration(cx)));
    for class in &cx.file.classes {
        push(class::class(cx, class));
    }
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let name = ident(&cx.module_name);
    let doc = format!(
        " The Rust of the Qt Remote Objects file `{}`: its PODs, enums and flags, and per class a service, source and replica.",
        cx.file_name
    );
    Ok(quote! {
        #[doc = #doc]
        #[allow(clippy::disallowed_names, reason = "the names are the .rep file's")]
        pub mod #name {
            #(#items)*
        }
    })
}
