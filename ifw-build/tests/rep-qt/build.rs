//! The one `build.rs` call of a plain Qt Remote Objects user.

fn main() -> Result<(), ifw_build::Error> {
    ifw_build::compile_rep("rep/parking.rep")
}
