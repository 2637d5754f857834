//! QFace model → Rust source: the stage after the front end (and, for interfaces, after the
//! `.rep` schema). One pure function, [`generate`], gives the formatted Rust of one module;
//! `compile()`/`configure()` and the CLI are thin wrappers around it.
//!
//! The generated file defines one module named after the QFace module in snake case, the dots
//! included (`vehicle.climate` → `pub mod vehicle_climate`), and refers to another QFace module's
//! types as `super::<other_module>::Type`: include the files of every module where they sit beside
//! each other (`ifw_core::include_module!` at one place). Flat names keep two modules with a
//! common prefix (`vehicle.common`, `vehicle.climate`) from both defining `pub mod vehicle`.
//!
//! What is generated: the module's types (structs, enums, flags, `register_qtro_types`), and per
//! interface `Echo` (from its `.rep`, emitted, parsed and laid out by the Rust repc, so that wire
//! indexes and signature are repc's):
//!
//! - `EchoProperties`: every property value (one zone's, for a zoned interface);
//! - `EchoService`: the trait a server implements (operations, setter policy), with defaults;
//! - `EchoSource`: the QtRO source holding the state, answering replicas through the service;
//! - `EchoReplica`, `EchoEvent`, `EchoEvents`: the typed QtRO replica and its events.
//!
//! and prost messages for the structs (`proto::<Struct>`, with `to_proto`/`from_proto`/
//! `encode_proto`/`decode_proto`) that match the module's `.proto` file (see [`crate::proto`]).
//!
//! [`Options::build_source`] and [`Options::build_replica`] leave a side out. Runtime items are
//! named only through `::ifw_core::codegen::…` (interface code through a module-local
//! `use ::ifw_core::codegen as ifw;`, and leaves repeated logic to its helpers, so that each
//! generated method is a call). The output is deterministic: declaration order, no hashing, the
//! same text whether the interfaces are written on one thread or several.
//!
//! The output is in prettyplease's layout. The module's types are `quote!` tokens printed by
//! prettyplease; interface code, nearly all of the output, is written as text directly in that
//! layout by the writer in `codegen/text.rs` (ten times faster than building, parsing and printing tokens), and
//! any unit with a line it does not lay out is printed by prettyplease. The tests hold the whole
//! file equal to what prettyplease prints for it. [`generate_tokens`] gives the same code as one
//! token stream, for a proc macro or another printer.

mod compile;
mod interface;
mod proto;
mod repc;
mod replica;
mod service;
mod source;
mod text;
mod types;

pub use compile::{Builder, compile, compile_rep, configure};
pub use repc::{generate_rep, rep_module_name};

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::quote;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::error::Error;
use crate::model::{Module, Origin, System};

/// What to generate, beyond what the model says.
///
/// ```
/// let options = ifw_build::codegen::Options::default()
///     .type_attribute(".", "#[derive(Hash)]");
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
pub struct Options {
    type_attributes: Vec<(String, String)>,
    trait_attributes: Vec<(String, String)>,
    source: bool,
    replica: bool,
    extern_types: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            type_attributes: Vec::new(),
            trait_attributes: Vec::new(),
            source: true,
            replica: true,
            extern_types: Vec::new(),
        }
    }
}

impl Options {
    /// Whether to generate the server side of each interface: `<Interface>Service`,
    /// `<Interface>Source` and `<Interface>Properties` (default: yes).
    #[must_use]
    pub fn build_source(mut self, on: bool) -> Self {
        self.source = on;
        self
    }

    /// Whether to generate the client side of each interface: `<Interface>Replica`,
    /// `<Interface>Event` and `<Interface>Events` (default: yes).
    #[must_use]
    pub fn build_replica(mut self, on: bool) -> Self {
        self.replica = on;
        self
    }

    /// For hand-written `.rep` files ([`generate_rep`]): maps a C++ type the file uses but does not
    /// define (one from an `#include`d header, such as `Temperature`) to a Rust type path (such as
    /// `crate::Temperature`). The Rust type must implement `ifw_core::ToQtro`, `ifw_core::FromQtro`,
    /// `Debug`, `Clone`, `PartialEq` and `Default`, and produce the value Qt sends for the C++ type.
    ///
    /// ```
    /// let options = ifw_build::codegen::Options::default().extern_type("Temperature", "crate::Temperature");
    /// let rust = ifw_build::codegen::generate_rep(
    ///     "engine.rep",
    ///     "class Engine\n{\n    PROP(Temperature temperature)\n};\n",
    ///     &options,
    /// )?;
    /// assert!(rust.contains("pub temperature: crate::Temperature,"));
    /// # Ok::<(), ifw_build::Error>(())
    /// ```
    #[must_use]
    pub fn extern_type(mut self, cpp: impl Into<String>, rust: impl Into<String>) -> Self {
        self.extern_types.push((cpp.into(), rust.into()));
        self
    }

    /// Adds an attribute to the `<Interface>Service` traits `path` selects (`.` for all, a module
    /// name, or a qualified interface name), for example `#[mockall::automock]`.
    #[must_use]
    pub fn trait_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.trait_attributes.push((path.into(), attribute.into()));
        self
    }

    /// The trait attributes for the interface with this qualified name.
    fn trait_attributes_for(&self, qualified: &str) -> Result<Vec<TokenStream>, String> {
        select_attributes(&self.trait_attributes, qualified, "trait")
    }

    /// The trait attributes for the interface with this qualified name, as prettyplease prints
    /// them (one entry per line).
    fn trait_attribute_text_for(&self, qualified: &str) -> Result<Vec<String>, String> {
        let mut lines = Vec::new();
        for tokens in self.trait_attributes_for(qualified)? {
            let file: syn::File = syn::parse2(quote!(#tokens trait T {}))
                .map_err(|e| format!("trait attribute `{tokens}` is not an attribute: {e}"))?;
            let printed = prettyplease::unparse(&file);
            lines.extend(
                printed
                    .lines()
                    .take_while(|l| !l.starts_with("trait T"))
                    .map(str::to_string),
            );
        }
        Ok(lines)
    }

    /// Adds an attribute to the generated types that `path` selects: `.` for every type, a module
    /// name (`vehicle.climate`) for its types, or a qualified type name
    /// (`vehicle.climate.TemperatureRange`). A leading dot is ignored, as in prost-build.
    #[must_use]
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.type_attributes.push((path.into(), attribute.into()));
        self
    }

    /// The attributes for the type with this qualified name, in the order they were added.
    fn attributes_for(&self, qualified: &str) -> Result<Vec<TokenStream>, String> {
        select_attributes(&self.type_attributes, qualified, "type")
    }
}

/// The attributes of `list` whose path selects `qualified`, in the order they were added.
fn select_attributes(
    list: &[(String, String)],
    qualified: &str,
    what: &str,
) -> Result<Vec<TokenStream>, String> {
    let mut out = Vec::new();
    for (path, attribute) in list {
        let path = if path == "." {
            ""
        } else {
            path.trim_start_matches('.')
        };
        let selected = path.is_empty()
            || qualified == path
            || qualified
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('.'));
        if selected {
            let tokens = attribute
                .parse::<TokenStream>()
                .map_err(|e| format!("{what} attribute `{attribute}` is not valid Rust: {e}"))?;
            out.push(tokens);
        }
    }
    Ok(out)
}

/// The formatted Rust source for `module` of `system`: a header comment saying what it was
/// generated from, then `pub mod <module_snake_case> { … }`. The interfaces are built and formatted
/// on up to 8 threads (the text is the same for any number).
///
/// ```
/// let parsed = ifw_build::Frontend::new().parse_str(
///     "demo.qface",
///     "module org.demo 1.0\n/** A point. */\nstruct Point { int x; int y }",
/// )?;
/// let module = &parsed.system.modules["org.demo"];
/// let rust = ifw_build::codegen::generate(&parsed.system, module, &Default::default())?;
/// assert!(rust.contains("pub mod org_demo {"));
/// assert!(rust.contains("pub struct Point {"));
/// # Ok::<(), ifw_build::Error>(())
/// ```
pub fn generate(system: &System, module: &Module, options: &Options) -> Result<String, Error> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    generate_with(system, module, options, threads.min(8))
}

/// [`generate`] on at most `threads` threads: the module's types (as tokens, formatted by
/// prettyplease) on this one, the interfaces in contiguous runs on the others. Interface code is
/// written as text in prettyplease's layout ([`text`]), inside the `pub mod`, and spliced in in
/// declaration order, so the text is the same for any number of threads.
fn generate_with(
    system: &System,
    module: &Module,
    options: &Options,
    threads: usize,
) -> Result<String, Error> {
    let cx = Context {
        system,
        module,
        options,
    };
    let head = head_items(&cx)?;
    let doc = module_doc(module);
    let ident = module_ident(&module.name);
    let head = quote! {
        #doc
        #[allow(clippy::disallowed_names, reason = "the names are the IDL's")]
        pub mod #ident {
            #(#head)*
        }
    };
    let head = format_tokens(module, head)?;
    let head = head
        .strip_suffix("}\n")
        .ok_or_else(|| bug(module, "no closing brace"))?;

    let interfaces: Vec<&crate::model::Interface> = module.interfaces.values().collect();
    let run = interfaces.len().div_ceil(threads.max(1)).max(1);
    let write_run = |part: &[&crate::model::Interface]| -> Result<String, Error> {
        let mut diagnostics = Diagnostics::default();
        let mut text = String::new();
        for interface in part {
            match interface_text(&cx, interface) {
                Ok(t) => text.push_str(&t),
                Err(d) => diagnostics.push(d),
            }
        }
        if diagnostics.has_errors() {
            return Err(Error::Diagnostics(diagnostics));
        }
        Ok(text)
    };
    let runs: Vec<Result<String, Error>> = if interfaces.len() <= run {
        vec![write_run(&interfaces)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = interfaces
                .chunks(run)
                .map(|part| scope.spawn(|| write_run(part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut body = String::with_capacity(head.len());
    body.push_str(head);
    let mut diagnostics = Diagnostics::default();
    for r in runs {
        match r {
            Ok(text) => body.push_str(&text),
            Err(Error::Diagnostics(d)) => diagnostics.extend(d),
            Err(e) => return Err(e),
        }
    }
    if diagnostics.has_errors() {
        return Err(Error::Diagnostics(diagnostics));
    }
    body.push_str("}\n");

    let source = system.file_name_of(module);
    Ok(format!(
        "// Generated by ifw-build {} from '{source}': module {} {}.\n// Do not edit: the build regenerates it.\n\n{body}",
        env!("CARGO_PKG_VERSION"),
        module.name,
        module.version,
    ))
}

/// Tokens as prettyplease formats them.
fn format_tokens(module: &Module, tokens: TokenStream) -> Result<String, Error> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| bug(module, &e.to_string()))?;
    Ok(prettyplease::unparse(&file))
}

/// An error for Rust ifw-build cannot format.
fn bug(module: &Module, e: &str) -> Error {
    single(Diagnostic::global(
        Severity::Error,
        format!(
            "ifw-build generated Rust it cannot parse for module {} (a bug in ifw-build): {e}",
            module.name
        ),
    ))
}

/// The unformatted tokens of [`generate`].
pub fn generate_tokens(
    system: &System,
    module: &Module,
    options: &Options,
) -> Result<TokenStream, Error> {
    let cx = Context {
        system,
        module,
        options,
    };
    let mut items = head_items(&cx)?;
    let mut diagnostics = Diagnostics::default();
    for interface in module.interfaces.values() {
        let tokens = interface_text(&cx, interface).and_then(|text| {
            text.parse::<TokenStream>().map_err(|e| {
                cx.error(
                    interface.origin,
                    format!("ifw-build wrote Rust it cannot read (a bug in ifw-build): {e}"),
                )
            })
        });
        match tokens {
            Ok(tokens) => items.push(tokens),
            Err(d) => diagnostics.push(d),
        }
    }
    if diagnostics.has_errors() {
        return Err(Error::Diagnostics(diagnostics));
    }
    let name = module_ident(&module.name);
    let doc = module_doc(module);
    let prefix = quote! {
        #doc
        #[allow(clippy::disallowed_names, reason = "the names are the IDL's")]
        pub mod #name
    };
    Ok(braced(prefix, TokenStream::new(), items))
}

/// The module's doc attributes.
fn module_doc(module: &Module) -> TokenStream {
    doc_attrs(module.comment.as_deref()).unwrap_or_else(|| {
        let line = format!(" The types of the `{}` module.", module.name);
        quote!(#[doc = #line])
    })
}

/// The items before the interfaces: types, prost messages, registration, the runtime alias.
fn head_items(cx: &Context<'_>) -> Result<Vec<TokenStream>, Error> {
    let module = cx.module;
    let options = cx.options;
    let mut diagnostics = Diagnostics::default();
    let mut items = Vec::new();
    for e in module.enums.values() {
        match types::enumeration(cx, e) {
            Ok(tokens) => items.push(tokens),
            Err(d) => diagnostics.push(d),
        }
    }
    for s in module.structs.values() {
        match types::structure(cx, s) {
            Ok(tokens) => items.push(tokens),
            Err(d) => diagnostics.push(d),
        }
    }
    match proto::items(cx) {
        Ok(tokens) => items.extend(tokens),
        Err(d) => diagnostics.push(d),
    }
    if diagnostics.has_errors() {
        return Err(Error::Diagnostics(diagnostics));
    }
    items.push(types::registration(cx));
    if !module.interfaces.is_empty() && (options.source || options.replica) {
        // The interface code's one short name for the runtime.
        items.push(quote!(
            use ::ifw_core::codegen as ifw;
        ));
    }
    Ok(items)
}

/// Everything generated for one interface, from its `.rep` layout, as text standing inside the
/// module.
fn interface_text(
    cx: &Context<'_>,
    interface: &crate::model::Interface,
) -> Result<String, Diagnostic> {
    let bound = interface::Bound::new(cx, interface)?;
    if !cx.options.source && !cx.options.replica {
        return Ok(String::new());
    }
    let mut code = text::Code::at(1);
    bound.write_definition(&mut code);
    if cx.options.source {
        source::properties(&bound, &mut code);
        service::service(cx, &bound, &mut code)?;
        source::source(&bound, &mut code);
    }
    if cx.options.replica {
        replica::replica(&bound, &mut code);
    }
    code.finish().map_err(|e| {
        cx.error(
            interface.origin,
            format!(
                "ifw-build cannot format the code of `{}` (a bug in ifw-build): {e}",
                interface.name
            ),
        )
    })
}

/// `prefix { head rest… }`, moving the tokens of `rest` rather than copying them (interpolating a
/// stream into `quote!` copies every token).
pub(crate) fn braced(
    prefix: TokenStream,
    head: TokenStream,
    rest: Vec<TokenStream>,
) -> TokenStream {
    let mut body = head;
    body.extend(rest);
    let mut out = prefix;
    out.extend([TokenTree::Group(Group::new(Delimiter::Brace, body))]);
    out
}

/// The generator's view of one module.
pub(crate) struct Context<'a> {
    pub(crate) system: &'a System,
    pub(crate) module: &'a Module,
    pub(crate) options: &'a Options,
}

impl Context<'_> {
    /// An error at `origin`.
    pub(crate) fn error(&self, origin: Origin, message: impl Into<String>) -> Diagnostic {
        match self.system.files.get(origin.file()) {
            Some(file) => Diagnostic::error(file, origin.span(), message),
            None => Diagnostic::global(Severity::Error, message),
        }
    }
}

fn single(d: Diagnostic) -> Error {
    let mut all = Diagnostics::default();
    all.push(d);
    Error::Diagnostics(all)
}

/// The Rust module name of a QFace module: `vehicle.climate` → `vehicle_climate`.
pub(crate) fn module_ident(name: &str) -> Ident {
    ident(&heck::ToSnakeCase::to_snake_case(
        name.replace('.', "_").as_str(),
    ))
}

/// An identifier, raw when it is a keyword (`type` → `r#type`); the four keywords that cannot be
/// raw (`self`, `Self`, `super`, `crate`) get a trailing underscore.
pub(crate) fn ident(name: &str) -> Ident {
    match name {
        "self" | "Self" | "super" | "crate" | "_" => {
            Ident::new(&format!("{name}_"), Span::call_site())
        }
        _ if is_keyword(name) => Ident::new_raw(name, Span::call_site()),
        _ => Ident::new(name, Span::call_site()),
    }
}

fn is_keyword(name: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do",
        "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in",
        "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
        "return", "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe",
        "unsized", "use", "virtual", "where", "while", "yield",
    ];
    KEYWORDS.contains(&name)
}

/// `#[doc]` attributes from a raw QFace doc comment (`/** … */`, leading `*` stripped), or `None`
/// when there is no comment or it is empty.
pub(crate) fn doc_attrs(comment: Option<&str>) -> Option<TokenStream> {
    let lines = doc_lines(comment?);
    if lines.is_empty() {
        return None;
    }
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    Some(quote!(#(#[doc = #lines])*))
}

/// The text lines of a raw QFace doc comment.
pub(crate) fn doc_lines(comment: &str) -> Vec<String> {
    let body = comment.trim();
    let body = body.strip_prefix("/**").unwrap_or(body);
    let body = body.strip_suffix("*/").unwrap_or(body);
    let mut lines: Vec<String> = body
        .lines()
        .map(|line| {
            let line = line.trim();
            let line = line.strip_prefix('*').unwrap_or(line);
            line.strip_prefix(' ')
                .unwrap_or(line)
                .trim_end()
                .to_string()
        })
        .collect();
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments_lose_their_frame() {
        assert_eq!(doc_lines("/** One line. */"), ["One line."]);
        assert_eq!(
            doc_lines("/**\n * First.\n *\n * Second.\n */"),
            ["First.", "", "Second."]
        );
        assert!(doc_lines("/** */").is_empty());
    }

    #[test]
    fn formatting_on_threads_gives_the_same_text() {
        let mut text = String::from("module org.demo 1.0\nstruct P { int x }\n");
        for i in 0..7 {
            text.push_str(&format!(
                "/** I{i}. */\ninterface I{i} {{\n    int a;\n    readonly P p;\n    string op(int x);\n    signal s(P p);\n}}\n"
            ));
        }
        let parsed = crate::Frontend::new()
            .parse_str("demo.qface", &text)
            .expect("the test input parses");
        let module = &parsed.system.modules["org.demo"];
        let options = Options::default();
        let tokens = generate_tokens(&parsed.system, module, &options).expect("tokens");
        let whole = prettyplease::unparse(&syn::parse2(tokens).expect("parses"));
        for threads in 1..=8 {
            let text = generate_with(&parsed.system, module, &options, threads).expect("Rust");
            let body = text.split_once("\n\n").map(|(_, b)| b);
            assert_eq!(body, Some(whole.as_str()), "{threads} threads");
        }
    }

    #[test]
    fn identifiers() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(
            module_ident("org.example.echo").to_string(),
            "org_example_echo"
        );
        assert_eq!(module_ident("vehicle.HVAC").to_string(), "vehicle_hvac");
    }
}
