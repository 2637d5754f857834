//! The front end as one call: read a set of `.qface` files (and their annotations) into a checked
//! [`System`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::annotations::{self, merge};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::error::Error;
use crate::idl::{lexer, parser};
use crate::model::{Interner, ModelBuilder, Module, OwnedSymbol, System, TypeKind, TypeRef};
use crate::source::SourceFile;

/// Options for reading QFace files: import search paths and extra annotation files.
///
/// ```no_run
/// let parsed = ifw_build::Frontend::new()
///     .import_path("idl/common")
///     .annotation_file("idl/backends/simulation.yaml")
///     .parse_files(&["idl/climate.qface"])?;
/// for warning in &parsed.diagnostics {
///     println!("cargo:warning={}", warning.short());
/// }
/// # Ok::<(), ifw_build::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Frontend {
    import_paths: Vec<PathBuf>,
    annotation_files: Vec<PathBuf>,
    sidecar_yaml: bool,
}

impl Default for Frontend {
    fn default() -> Self {
        Self::new()
    }
}

/// The result of a successful run: the model, the warnings, and every file that was read.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The model.
    pub system: System,
    /// Warnings (a run with errors returns [`Error::Diagnostics`] instead).
    pub diagnostics: Diagnostics,
    /// Every file read: documents, sidecar `.yaml` files, imported files, annotation files.
    pub inputs: Vec<PathBuf>,
}

impl Parsed {
    /// For `build.rs`: prints each warning as `cargo:warning=` (one line each, with its position)
    /// and `cargo:rerun-if-changed=` for every file read, so Cargo rebuilds exactly when an input
    /// changes.
    ///
    /// ```no_run
    /// // build.rs
    /// fn main() -> Result<(), ifw_build::Error> {
    ///     let parsed = ifw_build::Frontend::new().parse_files(&["idl/climate.qface"])?;
    ///     parsed.print_cargo_directives();
    ///     Ok(())
    /// }
    /// ```
    pub fn print_cargo_directives(&self) {
        for d in &self.diagnostics {
            println!("cargo:warning={}", d.short());
        }
        for input in &self.inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
    }
}

impl Frontend {
    /// The defaults: no import paths, no extra annotation files, sidecar `.yaml` files merged.
    pub fn new() -> Self {
        Self {
            import_paths: Vec::new(),
            annotation_files: Vec::new(),
            sidecar_yaml: true,
        }
    }

    /// Adds an import search path: a directory whose `.qface` files (recursively) are read into
    /// the same system, as Qt's generator does with `-I`, or a single file.
    #[must_use]
    pub fn import_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.import_paths.push(path.into());
        self
    }

    /// Adds an annotation file, merged after all documents (Qt's generator's `-A`).
    #[must_use]
    pub fn annotation_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.annotation_files.push(path.into());
        self
    }

    /// Whether to merge the `<stem>.yaml` beside each `.qface` file (on by default).
    #[must_use]
    pub fn sidecar_yaml(mut self, on: bool) -> Self {
        self.sidecar_yaml = on;
        self
    }

    /// Reads `files`, then the files found on the import paths, into one system.
    pub fn parse_files<P: AsRef<Path>>(&self, files: &[P]) -> Result<Parsed, Error> {
        let mut run = Run::default();
        let mut documents: Vec<PathBuf> = files.iter().map(|f| f.as_ref().to_path_buf()).collect();
        for path in &self.import_paths {
            documents.extend(qface_files_in(path, &mut run.diagnostics));
        }
        for path in documents {
            match read(&path, &mut run) {
                Some(file) => self.add(&mut run, &file),
                None => continue,
            }
        }
        for path in &self.annotation_files {
            if let Some(file) = read(path, &mut run) {
                run.merge_annotation_file(&file);
            }
        }
        run.finish()
    }

    /// Reads one document from memory (no sidecar file, no import paths).
    pub fn parse_str(&self, name: &str, text: &str) -> Result<Parsed, Error> {
        let mut run = Run::default();
        let file = SourceFile::new(name, text);
        parse_document(&mut run, &file);
        run.finish()
    }

    fn add(&self, run: &mut Run, file: &Arc<SourceFile>) {
        parse_document(run, file);
        if self.sidecar_yaml {
            let yaml = file.path().with_extension("yaml");
            if yaml.is_file()
                && let Some(yaml) = read(&yaml, run)
            {
                run.merge_annotation_file(&yaml);
            }
        }
    }
}

/// The state of one run.
#[derive(Default)]
struct Run {
    system: System,
    interner: Interner,
    diagnostics: Diagnostics,
    inputs: Vec<PathBuf>,
}

impl Run {
    /// Merges an annotation file: for each `symbol: {annotations}` entry, the symbol's
    /// annotations are merged with these. Every entry that cannot be applied is an error (the
    /// reference stops at the first and keeps what it merged before).
    fn merge_annotation_file(&mut self, file: &Arc<SourceFile>) {
        let entries = match annotations::load_annotation_file(file.text()) {
            Ok(Some(entries)) => entries,
            Ok(None) => return,
            Err(e) => {
                let at = file.line_start(e.line) + e.column;
                self.diagnostics
                    .push(Diagnostic::error(file, at..at, e.message));
                return;
            }
        };
        for (name, data) in entries {
            let span = key_span(file, &name);
            let symbol = match self.system.lookup(&name) {
                Ok(symbol) => OwnedSymbol::from(symbol),
                Err(message) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            file,
                            span,
                            format!("unknown symbol `{name}` in annotation file: {message}"),
                        )
                        .with_note(
                            "keys are `module`, `module.Type`, `module.Type#member` or `system`",
                        ),
                    );
                    continue;
                }
            };
            let Some(tags) = self.system.tags_mut(&symbol) else {
                continue;
            };
            if let Err(message) = merge(tags, &data) {
                self.diagnostics.push(Diagnostic::error(
                    file,
                    span,
                    format!("cannot merge the annotations of `{name}`: {message}"),
                ));
            }
        }
    }

    fn finish(mut self) -> Result<Parsed, Error> {
        check_types(&self.system, &mut self.diagnostics);
        check_zoned_parameters(&self.system, &mut self.diagnostics);
        self.diagnostics.sort_by_position();
        if self.diagnostics.has_errors() {
            return Err(Error::Diagnostics(self.diagnostics));
        }
        Ok(Parsed {
            system: self.system,
            diagnostics: self.diagnostics,
            inputs: self.inputs,
        })
    }
}

/// Lexes, parses and adds one document; every problem becomes a diagnostic.
fn parse_document(run: &mut Run, file: &Arc<SourceFile>) {
    let (tokens, lex_errors) = lexer::lex(file.text());
    // The lines each lexer error covers, from its first to its last.
    let lex_lines: Vec<(usize, usize)> = lex_errors
        .iter()
        .map(|e| {
            (
                file.line_col(e.span.start).0,
                file.line_col(e.span.end.max(e.span.start)).0,
            )
        })
        .collect();
    for e in lex_errors {
        run.diagnostics.push(lex_diagnostic(file, e));
    }
    let mut parser = parser::Parser::new(file.text(), &tokens);
    if let Some((module, imports)) = parser.header() {
        ModelBuilder {
            system: &mut run.system,
            diagnostics: &mut run.diagnostics,
            interner: &mut run.interner,
        }
        .add_document(
            file,
            &module,
            &imports,
            std::iter::from_fn(|| parser.next_definition()),
        );
    } else {
        while parser.next_definition().is_some() {}
    }
    // A syntax error on the lines of a lexer error is its echo (the skipped character or the
    // swallowed text left the tokens around it out of place): the lexer error says it better.
    let syntax_errors = parser.into_errors().into_iter().filter(|e| {
        let line = file.line_col(e.span.start).0;
        !lex_lines
            .iter()
            .any(|&(first, last)| (first..=last).contains(&line))
    });
    for e in syntax_errors {
        let mut d = Diagnostic::error(file, e.span, e.message);
        if let Some(note) = e.note {
            d = d.with_note(note);
        }
        run.diagnostics.push(d);
    }
}

fn lex_diagnostic(file: &Arc<SourceFile>, e: lexer::LexError) -> Diagnostic {
    use lexer::LexErrorKind::*;
    let skipped = "the reference parser skips it with only a console warning";
    let swallowed = "the reference parser silently ignores the rest of the file";
    let span = e.span;
    match e.kind {
        UnexpectedChar(c) => Diagnostic::error(file, span, format!("unexpected character {c:?}"))
            .with_note(skipped),
        UnterminatedComment => Diagnostic::error(file, span.start..span.start + 2, "this `/*` comment is never closed")
            .with_note(swallowed),
        UnterminatedDocComment => Diagnostic::error(file, span.start..span.start + 3, "this `/**` doc comment is never closed")
            .with_note(swallowed),
        UnterminatedString => Diagnostic::error(file, span.start..span.start + 1, "this string is never closed")
            .with_note(swallowed),
        InvalidEscape(c) => Diagnostic::error(file, span, format!("unknown escape `\\{c}` in a string"))
            .with_note("strings know only \\\" \\\\ \\/ \\b \\f \\n \\r \\t"),
        TooLarge => Diagnostic::error(file, span, "the file is 4 GiB or larger"),
        SwallowingDocComment => Diagnostic::error(file, span, "`/**/` opens a doc comment that runs on to the next `*/`, swallowing the code in between")
            .with_label("all of this is one doc comment")
            .with_note("write `/* */` for an empty comment; the reference parser silently drops the swallowed code"),
    }
}

/// Warns about types that name nothing, and about qualified types whose module is not imported.
fn check_types(system: &System, diagnostics: &mut Diagnostics) {
    for module in system.modules.values() {
        let file = &system.files[module.origin.file()];
        let mut check = |ty: &TypeRef, span: &std::ops::Range<usize>| {
            check_type(system, module, file, ty, span, diagnostics);
        };
        for i in module.interfaces.values() {
            for p in i.properties.values() {
                check(&p.ty, &p.origin.span());
            }
            for o in i.operations.values() {
                check(&o.ty, &o.origin.span());
                for p in o.parameters.values() {
                    check(&p.ty, &o.origin.span());
                }
            }
            for s in i.signals.values() {
                for p in s.parameters.values() {
                    check(&p.ty, &s.origin.span());
                }
            }
        }
        for s in module.structs.values() {
            for f in s.fields.values() {
                check(&f.ty, &f.origin.span());
            }
        }
    }
}

/// Warns about a parameter named `zone` in a zoned interface: zoning (`@config: {zoned: true}`)
/// adds a `zone` parameter to every operation and signal, so Qt IF's `.rep` repeats the name and
/// the C++ repc generates from it does not compile.
fn check_zoned_parameters(system: &System, diagnostics: &mut Diagnostics) {
    for module in system.modules.values() {
        let file = &system.files[module.origin.file()];
        for i in module.interfaces.values() {
            if i.tags.attribute("config", "zoned") != Some(serde_json::Value::Bool(true)) {
                continue;
            }
            let members = i
                .operations
                .values()
                .map(|o| ("operation", &o.name, &o.parameters, o.origin))
                .chain(
                    i.signals
                        .values()
                        .map(|s| ("signal", &s.name, &s.parameters, s.origin)),
                );
            for (what, name, parameters, origin) in members {
                if parameters.contains_key("zone") {
                    diagnostics.push(
                        Diagnostic::warning(
                            file,
                            origin.span(),
                            format!(
                                "{what} `{name}` of zoned interface `{}` has a parameter `zone`, like the one zoning adds",
                                i.name
                            ),
                        )
                        .with_note(
                            "the .rep then names two parameters `zone`: repc accepts it, the C++ it generates does not compile; ifw's Rust calls the added one `in_zone`",
                        ),
                    );
                }
            }
        }
    }
}

fn check_type(
    system: &System,
    module: &Module,
    file: &Arc<SourceFile>,
    ty: &TypeRef,
    span: &std::ops::Range<usize>,
    diagnostics: &mut Diagnostics,
) {
    if let Some(nested) = &ty.nested {
        return check_type(system, module, file, nested, span, diagnostics);
    }
    if ty.kind != TypeKind::Complex {
        return;
    }
    let qualifier = ty.name.rsplit_once('.').map(|(m, _)| m);
    if system.resolve_type(module, &ty.name).is_none() {
        let mut d = Diagnostic::warning(file, span.clone(), format!("unknown type `{}`", ty.name));
        if let Some(m) = qualifier.filter(|m| !module.imports.contains_key(*m)) {
            d = d.with_note(format!(
                "module `{m}` is not imported; is an import or an import path missing?"
            ));
        }
        diagnostics.push(d);
    }
}

/// Reads a file into a [`SourceFile`], or records why it cannot be read.
fn read(path: &Path, run: &mut Run) -> Option<Arc<SourceFile>> {
    run.inputs.push(path.to_path_buf());
    match std::fs::read_to_string(path) {
        Ok(text) => Some(SourceFile::new(path, text)),
        Err(e) => {
            run.diagnostics.push(Diagnostic::global(
                Severity::Error,
                format!("cannot read {}: {e}", path.display()),
            ));
            None
        }
    }
}

/// The `.qface` files under an import path, sorted; the path itself if it is a file.
fn qface_files_in(path: &Path, diagnostics: &mut Diagnostics) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut found = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                diagnostics.push(Diagnostic::global(
                    Severity::Error,
                    format!("cannot read import path {}: {e}", dir.display()),
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "qface") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
}

/// Where a top-level key stands in an annotation file (for diagnostics).
fn key_span(file: &SourceFile, key: &str) -> std::ops::Range<usize> {
    let text = file.text();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(['"', '\'']);
        if trimmed.starts_with(key) && !line.starts_with([' ', '\t']) {
            let start = offset + (line.len() - trimmed.len());
            return start..start + key.len();
        }
        offset += line.len();
    }
    0..0
}
