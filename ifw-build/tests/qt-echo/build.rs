//! Generates the Rust of Qt Interface Framework's `org.example.echo.qface` (and its `.rep` files)
//! from the shared corpus, exactly as a user's `build.rs` would, and tells the crate where the
//! `.qface` file is (`IFW_ECHO_QFACE`) so the harness can read the same model for the C++ side.

use std::path::PathBuf;

/// The echo module's place in the shared corpus.
const ECHO: &str =
    "corpus/qface/qt+qtinterfaceframework/tests/auto/core/ifcodegen/org.example.echo.qface";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-env-changed=IFW_SHARED");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let shared = match std::env::var_os("IFW_SHARED") {
        Some(dir) => PathBuf::from(dir),
        // The repository's `../shared`: this crate is `ifw-build/tests/qt-echo`.
        None => manifest.join("../../../../shared"),
    };
    let shared = shared.canonicalize().map_err(|e| {
        format!(
            "no shared corpus at {} (set IFW_SHARED): {e}",
            shared.display()
        )
    })?;
    let echo = shared.join(ECHO);
    ifw_build::configure().emit_rep(true).compile(&[&echo])?;
    println!("cargo:rustc-env=IFW_ECHO_QFACE={}", echo.display());
    Ok(())
}
