//! The `ifw` command-line tool.
fn main() {}
