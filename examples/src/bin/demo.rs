//! The first-run demo: read the IDL in `idl/`, print what ifw understood, serve the `SmartPlug`
//! interface over Qt Remote Objects on a local socket and watch it from a replica, then show how
//! ifw reports a broken file (every error, with its position and snippet).
//!
//! Run it with `cargo run -p ifw-examples --bin demo`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use ifw_build::Frontend;
use ifw_build::model::{Interface, TypeKind};
use ifw_qtro::codec::{ClassDefinition, PropertyDef, SignalDef};
use ifw_qtro::{Host, Node, ReplicaEvent, SourceObject, Value};

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
    let module = &parsed.system.modules["home.plug"];
    let plug = &module.interfaces["SmartPlug"];
    match ifw_build::rep::emit_interface(&parsed.system, module, plug, "smartplug.qface") {
        Ok(rep) => println!(
            "\n== {} (what Qt's repc reads) ==\n{rep}",
            ifw_build::rep::rep_file_name(plug)
        ),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    if let Err(e) = serve_and_watch(plug) {
        eprintln!("Qt Remote Objects demo failed: {e}");
        return ExitCode::FAILURE;
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

/// The Qt Remote Objects class of an interface's properties (their Qt types and notify signals),
/// and the initial values.
fn class_of(interface: &Interface) -> (ClassDefinition, Vec<Value>) {
    let mut class = ClassDefinition {
        type_name: Some(interface.name.to_string()),
        ..ClassDefinition::default()
    };
    let mut values = Vec::new();
    for p in interface.properties.values() {
        let (qt, value) = match (&*p.ty.name, p.ty.kind) {
            ("bool", TypeKind::Primitive) => ("bool", Value::Bool(false)),
            ("int", TypeKind::Primitive) => ("int", Value::Int(0)),
            ("real", TypeKind::Primitive) => ("double", Value::Double(0.0)),
            _ => ("QString", Value::String(Some(String::new()))),
        };
        let notify = format!("{}Changed({qt})", p.name);
        class.signals.push(SignalDef {
            signature: notify.clone(),
            parameter_names: vec![p.name.to_string()],
        });
        class.properties.push(PropertyDef {
            name: p.name.to_string(),
            type_name: qt.to_string(),
            notify_signature: Some(notify),
        });
        values.push(value);
    }
    (class, values)
}

/// Serves `interface` from a Rust source on a local socket and watches it from a Rust replica,
/// the way a Qt HMI's dynamic replica would see it.
fn serve_and_watch(interface: &Interface) -> Result<(), ifw_qtro::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ifw_qtro::Error::Io)?;
    runtime.block_on(async {
        let (class, values) = class_of(interface);
        let source = SourceObject::new(class, values)?;
        let url = format!("local:ifw-demo-{}", std::process::id());
        let host = Host::listen(&url).await?;
        host.enable_remoting(&interface.name, source.clone())
            .await?;
        println!(
            "\n== {} served over Qt Remote Objects at {url} ==",
            interface.name
        );

        let node = Node::connect(&url).await?;
        let replica = node.acquire_dynamic(&interface.name);
        replica.wait_ready(Duration::from_secs(5)).await?;
        println!(
            "replica ready: on = {:?}, powerWatts = {:?}",
            replica.property("on")?,
            replica.property("powerWatts")?
        );

        let mut events = replica.subscribe();
        source.set("on", true).await?;
        source.set("powerWatts", Value::Double(42.5)).await?;
        for _ in 0..2 {
            match tokio::time::timeout(Duration::from_secs(5), events.recv()).await {
                Ok(Some(ReplicaEvent::PropertyChanged { name, value, .. })) => {
                    println!("replica saw {name} = {value:?}");
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        node.shutdown().await;
        host.shutdown().await;
        Ok(())
    })
}
