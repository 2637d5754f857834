//! The `build.rs` API, shaped like tonic-build: [`compile`] for the common case, [`configure`]
//! for options. Both run the front end, print Cargo directives, and write the generated files
//! into `OUT_DIR`.

use std::path::{Path, PathBuf};

use super::Options;
use crate::diagnostic::Diagnostics;
use crate::error::Error;
use crate::frontend::{Frontend, Parsed};
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

/// Generates Rust for a hand-written Qt Remote Objects `.rep` file into `OUT_DIR`, from
/// `build.rs`: `<stem>.rep.rs`, holding `pub mod <stem in snake case>` with the file's PODs,
/// enums and flags and, per class, a service trait, source, replica and event enum (see
/// [`generate_rep`](super::generate_rep)). For options, see [`Builder::compile_rep`].
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), ifw_build::Error> {
///     ifw_build::compile_rep("rep/simpleswitch.rep")
/// }
/// ```
///
/// ```ignore
/// // src/lib.rs
/// ifw_core::include_module!("simpleswitch.rep");
/// use simpleswitch::{SimpleSwitchReplica, SimpleSwitchSource};
/// ```
pub fn compile_rep(path: impl AsRef<Path>) -> Result<(), Error> {
    configure().compile_rep(&[path])
}

/// A [`Builder`] with the defaults: output to `OUT_DIR`, no import paths, no extra annotation
/// files, no `.rep` files, a `.proto` file per module.
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
    /// `.proto` files are written unless this is set.
    skip_proto: bool,
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

    /// Whether to write each module's `<module>.proto` (proto3, see [`crate::proto`]), which
    /// declares what the generated prost messages encode, for clients in other languages; on by
    /// default.
    pub fn emit_proto(mut self, on: bool) -> Self {
        self.skip_proto = !on;
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

    /// For [`compile_rep`](Self::compile_rep): maps a C++ type the `.rep` uses but does not define
    /// to a Rust type (see [`Options::extern_type`]).
    pub fn extern_type(mut self, cpp: impl Into<String>, rust: impl Into<String>) -> Self {
        self.options = self.options.extern_type(cpp, rust);
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
    /// the import paths) into the output directory, with `<module>.proto` unless turned off and
    /// the `.rep` files if asked. A file whose content would not change is not rewritten.
    pub fn compile<P: AsRef<Path>>(self, files: &[P]) -> Result<(), Error> {
        let parsed = self.parse(files)?;
        parsed.print_cargo_directives();
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        let outputs = self.generate(&parsed)?;
        write_all(&out_dir, &outputs)
    }

    /// The front end step of [`compile`](Self::compile): reads `files` with the import paths and
    /// annotation files.
    pub fn parse<P: AsRef<Path>>(&self, files: &[P]) -> Result<Parsed, Error> {
        let mut frontend = Frontend::new();
        for path in &self.import_paths {
            frontend = frontend.import_path(path);
        }
        for path in &self.annotation_files {
            frontend = frontend.annotation_file(path);
        }
        frontend.parse_files(files)
    }

    /// The files [`compile`](Self::compile) writes for `parsed`, as (file name, content) in a
    /// fixed order, without writing them (the `ifw gen` command line writes these same bytes).
    ///
    /// ```
    /// let builder = ifw_build::configure();
    /// let parsed = ifw_build::Frontend::new()
    ///     .parse_str("demo.qface", "module org.demo 1.0\nstruct Point { int x; int y }")?;
    /// let files = builder.generate(&parsed)?;
    /// let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    /// assert_eq!(names, ["org.demo.rs", "org.demo.proto"]);
    /// # Ok::<(), ifw_build::Error>(())
    /// ```
    pub fn generate(&self, parsed: &Parsed) -> Result<Vec<(String, String)>, Error> {
        let system = &parsed.system;
        let mut diagnostics = Diagnostics::default();
        let mut outputs = Vec::new();
        for module in system.modules.values() {
            match super::generate(system, module, &self.options) {
                Ok(rust) => outputs.push((format!("{}.rs", module.name), rust)),
                Err(Error::Diagnostics(d)) => diagnostics.extend(d),
                Err(e) => return Err(e),
            }
            let source = system.file_name_of(module);
            if !self.skip_proto {
                match crate::proto::emit_module(system, module, &source) {
                    Ok(text) => outputs.push((crate::proto::proto_file_name(module), text)),
                    Err(d) => diagnostics.push(d),
                }
            }
            if !self.emit_rep {
                continue;
            }
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
        Ok(outputs)
    }
}

impl Builder {
    /// Reads hand-written Qt Remote Objects `.rep` files and writes `<stem>.rep.rs` for each into
    /// the output directory (include it with `ifw_core::include_module!("<stem>.rep")`). The type
    /// and trait attributes, [`build_source`](Self::build_source) and
    /// [`build_replica`](Self::build_replica) apply, with paths `<module>.<Type>` (`<module>` the
    /// stem in snake case, a class's enum `<module>.<Class>.<Enum>`); import paths, annotation
    /// files and `.rep` emission are for QFace files and do not. Every file is printed as
    /// `cargo:rerun-if-changed=`; errors carry the `.rep` position.
    pub fn compile_rep<P: AsRef<Path>>(self, files: &[P]) -> Result<(), Error> {
        let out_dir = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        let mut diagnostics = Diagnostics::default();
        let mut outputs = Vec::new();
        for path in files {
            let path = path.as_ref();
            println!("cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let stem = path
                .file_stem()
                .map_or_else(|| "rep".into(), |s| s.to_string_lossy().into_owned());
            match super::generate_rep(path, &text, &self.options) {
                Ok(rust) => outputs.push((format!("{stem}.rep.rs"), rust)),
                Err(Error::Diagnostics(d)) => diagnostics.extend(d),
                Err(e) => return Err(e),
            }
        }
        if diagnostics.has_errors() {
            return Err(Error::Diagnostics(diagnostics));
        }
        write_all(&out_dir, &outputs)
    }
}

/// Creates `dir` and writes every file into it (unless unchanged, see [`write_if_changed`]).
fn write_all(dir: &Path, files: &[(String, String)]) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, text) in files {
        write_if_changed(&dir.join(name), text)?;
    }
    Ok(())
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
