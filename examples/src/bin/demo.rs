//! The first-run demo: read the IDL in `idl/`, print what ifw understood, then show how ifw
//! reports a broken file (every error, with its position and snippet).
//!
//! Run it with `cargo run -p ifw-examples --bin demo`.

use std::path::Path;
use std::process::ExitCode;

use ifw_build::Frontend;

const BROKEN: &str = r#"module demo.broken 1.0

interface Lamp {
    int brightness = 5
    bool list;
}

/**/ interface Hidden { }

enum Mode { Low = 010, High }
strcut Settings { }
/* end of file */
"#;

fn main() -> ExitCode {
    let idl = Path::new(env!("CARGO_MANIFEST_DIR")).join("../idl");
    let files = [idl.join("climate.qface"), idl.join("smartplug.qface")];
    let parsed = match Frontend::new()
        .import_path(idl.join("common.qface"))
        .parse_files(&files)
    {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("== What ifw read from idl/ ==");
    for module in parsed.system.modules.values() {
        println!("module {} {}", module.name, module.version);
        for interface in module.interfaces.values() {
            println!(
                "  interface {}: {} properties, {} operations, {} signals, annotations {}",
                interface.name,
                interface.properties.len(),
                interface.operations.len(),
                interface.signals.len(),
                interface.tags.to_json()
            );
        }
        for s in module.structs.values() {
            println!("  struct {} ({} fields)", s.name, s.fields.len());
        }
        for e in module.enums.values() {
            let members: Vec<String> = e
                .members
                .values()
                .map(|m| format!("{}={}", m.name, m.value))
                .collect();
            let kind = if e.is_flag { "flag" } else { "enum" };
            println!("  {kind} {} {{ {} }}", e.name, members.join(", "));
        }
    }
    for warning in &parsed.diagnostics {
        println!("{warning}");
    }
    println!("\n== How ifw reports a broken file (the reference parser accepts it silently) ==");
    match Frontend::new().parse_str("broken.qface", BROKEN) {
        Ok(_) => {
            eprintln!("the broken example was accepted");
            ExitCode::FAILURE
        }
        Err(e) => {
            println!("{e}");
            ExitCode::SUCCESS
        }
    }
}
