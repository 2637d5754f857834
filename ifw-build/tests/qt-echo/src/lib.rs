//! The Rust half of the end-to-end test with Qt: the echo module that `build.rs` generated from
//! Qt IF's `org.example.echo.qface`, the C++ headers its `.rep` includes ([`cpp`]), the
//! schema-free class of the `.rep` ([`class`]) and the scripted values both sides check
//! ([`script`]). The tests are `tests/schema_free.rs` and `tests/generated.rs`.

// Qt IF's IDL names a signal parameter `foo` (`signal foobar(string foo)`), which the generated
// event variant keeps.
#![allow(clippy::disallowed_names)]

pub mod class;
pub mod cpp;
pub mod script;

ifw_core::include_module!("org.example.echomodule");

/// The `.rep` ifw emitted for interface `Echo`.
pub const ECHO_REP: &str = include_str!(concat!(env!("OUT_DIR"), "/echo.rep"));

/// The model of the corpus file, read again (the build script generated from the same file).
pub fn echo_model() -> Result<ifw_build::System, ifw_build::Error> {
    Ok(ifw_build::Frontend::new()
        .parse_files(&[env!("IFW_ECHO_QFACE")])?
        .system)
}
