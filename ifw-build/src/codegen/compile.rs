//! The `build.rs` API, shaped like tonic-build: [`compile`] for the common case, [`configure`]
//! for options. Both run the front end, print Cargo directives, and write the generated files
//! into `OUT_DIR`.

use std::path::{Path, PathBuf};

use super::Options;
use crate::diagnostic::Diagnostics;
use crate::error::Error;
use crate::frontend::Frontend;
use crate::rep;

/// Generates Rust for a `.qface` file (and the modules it sees) into `OUT_DIR`, from `build.rs`.
///
/// The sibling `<stem>.yaml` is merged; every file read is printed as `cargo:rerun-if-changed=`
/// and every warning as `cargo:warning=`. For import paths and other options, see [`configure`].
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), ifw_build::Error> {
///     ifw_build::compile("idl/smartplug.qface")
/// }
/// ```
///
/// ```ignore
/// // src/lib.rs
/// ifw_core::include_module!("home.plug");
/// ```
pub fn compile(path: impl AsRef<Path>) -> Result<(), Error> {
    configure().compile(&[path])
}

/// A [`Builder`] with the defaults: output to `OUT_DIR`, no import paths, no extra annotation
/// files, no `.rep` files.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), ifw_build::Error> {
///     ifw_build::configure()
///         .import_path("idl/common.qface")
///         .annotation_file("idl/simulation.yaml")
///         .type_attribute(".", "#[derive(Hash)]")
///         .emit_rep(true)
///         .compile(&["idl/climate.qface"])
/// }
/// ```
pub fn configure() -> Builder {
    Builder::default()
}

/// Options for generating code from `build.rs` (see [`configure`]).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Builder {
    out_dir: Option<PathBuf>,
    import_paths: Vec<PathBuf>,
    annotation_files: Vec<PathBuf>,
    emit_rep: bool,
    rep_mode: rep::RepMode,
    options: Options,
}

impl Builder {
    /// Where to write the files (default: the `OUT_DIR` Cargo gives a build script).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Adds an import path: a directory whose `.qface` files (recursively) join the system, or one
    /// file (Qt's generator's `-I`).
    pub fn import_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.import_paths.push(path.into());
        self
    }

    /// Adds an annotation file, merged after all documents (Qt's generator's `-A`).
    pub fn annotation_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.annotation_files.push(path.into());
        self
    }

    /// Whether to also write each interface's `.rep` file (`<interface lower>.rep`, as Qt IF's
    /// generator names it); off by default.
    pub fn emit_rep(mut self, on: bool) -> Self {
        self.emit_rep = on;
        self
    }

    /// How the `.rep` files are written (with [`emit_rep`](Self::emit_rep)): Qt Interface
    /// Framework's text (the default), or self-contained for plain Qt Remote Objects users, the
    /// enums, flags and structs declared in the file (see [`rep`](crate::rep::emit_self_contained)).
    pub fn rep_mode(mut self, mode: rep::RepMode) -> Self {
        self.rep_mode = mode;
        self
    }

    /// Adds an attribute to the generated types `path` selects (see
    /// [`Options::type_attribute`]).
    pub fn type_attribute(mut self, path: impl Into<String>, attribute: impl Into<String>) -> Self {
        self.options = self.options.type_attribute(path, attribute);
        self
    }

    /// Whether to generate each interface's server side (`<Interface>Service`,
    /// `<Interface>Source`); default yes.
    pub fn build_source(mut self, on: bool) -> Self {
        self.options = self.options.build_source(on);
        self
    }

    /// Whether to generate each interface's client side (`<Interface>Replica`); default yes.
    pub fn build_replica(mut self, on: bool) -> Self {
        self.options = self.options.build_replica(on);
        self
    }

    /// Adds an attribute to the `<Interface>Service` traits `path` selects (see
    /// [`Options::trait_attribute`]), for example `#[mockall::automock]`.
    pub fn trait_attribute(
        mut self,
        path: impl Into<String>,
        attribute: impl Into<String>,
    ) -> Self {
        self.options = self.options.trait_attribute(path, attribute);
        self
    }

    /// Reads `files` (and the import paths and annotation files), prints the Cargo directives,
    /// and writes `<module>.rs` for every module of the system (the files' own and those found on
    /// the import paths) into the output directory, plus the `.rep` files if asked. A file whose
    /// content would not change is not rewritten.
    pub fn compile<P: AsRef<Path>>(self, files: &[P]) -> Result<(), Error> {
        let mut frontend = Frontend::new();
        for path in &self.import_paths {
            frontend = frontend.import_path(path);
        }
        for path in &self.annotation_files {
            frontend = frontend.annotation_file(path);
        }
        let parsed = frontend.parse_files(files)?;
        parsed.print_cargo_directives();
        let out_dir = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        let system = &parsed.system;
        let mut diagnostics = Diagnostics::default();
        let mut outputs = Vec::new();
        for module in system.modules.values() {
            match super::generate(system, module, &self.options) {
                Ok(rust) => outputs.push((format!("{}.rs", module.name), rust)),
                Err(Error::Diagnostics(d)) => diagnostics.extend(d),
                Err(e) => return Err(e),
            }
            if !self.emit_rep {
                continue;
            }
            let source = system
                .files
                .get(module.origin.file())
                .and_then(|f| f.path().file_name())
                .map_or_else(|| "<memory>".into(), |n| n.to_string_lossy().into_owned());
            for interface in module.interfaces.values() {
                match rep::emit_interface_in(self.rep_mode, system, module, interface, &source) {
                    Ok(text) => outputs.push((rep::rep_file_name(interface), text)),
                    Err(d) => diagnostics.push(d),
                }
            }
        }
        if diagnostics.has_errors() {
            return Err(Error::Diagnostics(diagnostics));
        }
        std::fs::create_dir_all(&out_dir).map_err(|source| Error::Write {
            path: out_dir.clone(),
            source,
        })?;
        for (name, text) in outputs {
            write_if_changed(&out_dir.join(name), &text)?;
        }
        Ok(())
    }
}

/// Writes `text` to `path` unless the file already holds it (so its mtime stays).
fn write_if_changed(path: &Path, text: &str) -> Result<(), Error> {
    if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}
