//! What ifw's tests and benchmarks need to run real peers (not part of ifw's API).
//!
//! [`qt::build`] builds a small Qt Remote Objects C++ program (`.rep` files, headers, `.cpp`
//! files) with Debian's Qt 6 `repc`, `moc` and `g++`, for the interop tests of `ifw-qtro`, the
//! end-to-end crates under `ifw-build/tests/` and the Qt pair of the QtRO benchmark;
//! [`peer::LinePeer`] runs such a program and talks to it line by line. (Besides std it needs only
//! Tokio, so the test crates with their own `Cargo.lock` can depend on it too.)

pub mod peer;
pub mod qt;
