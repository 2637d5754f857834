//! # ifw-build
//!
//! The build-time half of ifw: the QFace front end (lexer, parser, annotations, model and
//! diagnostics) that reads `.qface` IDL files exactly as the reference parser does, and reports
//! what the reference silently drops with file, line, column and a source snippet.
//!
//! From `build.rs`, [`compile`] (or [`configure`] for options) turns `.qface` files into Rust in
//! `OUT_DIR` (see [`codegen`]), which `ifw_core::include_module!` includes:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), ifw_build::Error> {
//!     ifw_build::configure()
//!         .import_path("idl/common.qface")
//!         .compile(&["idl/climate.qface"])
//! }
//! ```
//!
//! The front end alone:
//!
//! ```
//! let parsed = ifw_build::Frontend::new()
//!     .parse_str("climate.qface", "module climate 1.0\ninterface Climate { int temperature }")?;
//! let climate = &parsed.system.modules["climate"];
//! assert_eq!(&*climate.name, "climate");
//! assert_eq!(&*climate.interfaces[0].properties[0].name, "temperature");
//! # Ok::<(), ifw_build::Error>(())
//! ```

pub mod annotations;
pub mod codegen;
pub mod diagnostic;
mod error;
mod frontend;
pub mod idl;
pub mod model;
pub mod proto;
pub mod rep;
pub mod source;

pub use codegen::{Builder, compile, compile_rep, configure};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use error::Error;
pub use frontend::{Frontend, Parsed};
pub use model::System;
