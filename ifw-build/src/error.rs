//! The error type of ifw-build.

use std::path::PathBuf;

use crate::diagnostic::Diagnostics;

/// What can go wrong in ifw-build.
///
/// `Debug` shows the same text as `Display` (every diagnostic with its snippet), so that a
/// `build.rs` whose `main` returns `Result<(), ifw_build::Error>` prints readable errors.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The inputs have errors; `Display` renders every one with its source snippet.
    #[error("{0}")]
    Diagnostics(Diagnostics),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No output directory: `OUT_DIR` is not set (not running as a build script) and none was
    /// given with `Builder::out_dir`.
    #[error("OUT_DIR is not set: run from build.rs or give an output directory with out_dir()")]
    NoOutDir,
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
