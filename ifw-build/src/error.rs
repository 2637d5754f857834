//! The error type of ifw-build.

use std::path::PathBuf;

use crate::diagnostic::Diagnostics;

/// What can go wrong in ifw-build.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The inputs have errors; `Display` renders every one with its source snippet.
    #[error("{0}")]
    Diagnostics(Diagnostics),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}
