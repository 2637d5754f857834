//! The one `build.rs` call an ifw user writes: the demo's typed `SmartPlug` source and replica are
//! generated from `../idl/smartplug.qface` into `OUT_DIR`.

fn main() -> Result<(), ifw_build::Error> {
    ifw_build::compile("../idl/smartplug.qface")
}
