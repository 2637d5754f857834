//! The Rust that `ifw_build::compile_rep` generates from `rep/parking.rep`; its test serves the
//! generated source to a replica Qt's repc generates from the same file.

ifw_core::include_module!("parking.rep");
