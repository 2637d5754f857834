//! Runtime shared by all code that `ifw-build` generates.
//!
//! Generated code reaches this crate only through [`codegen`], one re-export module in the manner
//! of `tonic::codegen`, so a user crate needs no direct dependency on serde or ifw-qtro and the
//! runtime keeps one stable surface. What exists so far:
//!
//! - [`Variant`]: the Rust type of QFace `var`.
//! - [`ToQtro`]/[`FromQtro`]: conversion of generated types to and from the Qt Remote Objects
//!   [`Value`](ifw_qtro::Value), as Qt Interface Framework's generated frontend streams them.
//! - protobuf: the prost messages `ifw_build` generates for QFace structs convert through the
//!   helpers of [`codegen`] (`var` as `google.protobuf.Value`).
//! - [`Error`]: what can go wrong at run time.
//! - [`PendingResult`]: Qt IF's answer to an operation whose result comes later.
//! - [`source`] and [`replica`]: what generated `<Interface>Source` and `<Interface>Replica`
//!   types are built on (operations answered and awaited the way Qt IF's QtRO helpers do it,
//!   typed property reads, typed event streams).
//! - [`include_module!`]: includes the Rust code `ifw_build` wrote for a QFace module.
//!
//! Service settings, the frontend over several backends and the simulation engine are still to
//! come.

pub mod codegen;
mod error;
pub mod paging;
mod pending;
mod proto;
mod qtro;
mod rep;
pub mod replica;
pub mod source;
mod variant;

pub use error::Error;
pub use pending::PendingResult;
pub use qtro::{FromQtro, ToQtro};
pub use variant::Variant;

/// Locks `m`, also when a panic elsewhere poisoned it (the data stays consistent: every holder
/// only swaps whole values).
pub(crate) fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Includes the Rust code `ifw_build` generated for a QFace module, by its dotted name.
///
/// `ifw_core::include_module!("org.example.echo")` expands to
/// `include!(concat!(env!("OUT_DIR"), "/org.example.echo.rs"))`. The file defines one module
/// named after the QFace module in snake case (`pub mod org_example_echo {…}`). A module that
/// uses types of another module refers to them as `super::<other_module>::Type`: include every
/// module it imports beside it (all at the crate root, or all inside one module of yours).
///
/// ```ignore
/// // src/lib.rs of a crate whose build.rs called ifw_build::compile("idl/climate.qface")
/// ifw_core::include_module!("vehicle.common");
/// ifw_core::include_module!("vehicle.climate");
///
/// let range = vehicle_climate::TemperatureRange::default();
/// ```
#[macro_export]
macro_rules! include_module {
    ($module:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $module, ".rs"));
    };
}
