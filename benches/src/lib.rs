//! Benchmark inputs and helpers shared by the `cargo bench -p ifw-benches` targets.
