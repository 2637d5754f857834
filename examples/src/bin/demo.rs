//! The first-run demo: read the IDL in `idl/`, print what ifw understood and the `.rep` Qt's repc
//! would read, serve the `SmartPlug` interface over Qt Remote Objects on a local socket with the
//! typed source that `build.rs` generated, use it from the generated typed replica (properties,
//! pushes, a signal, an immediate and a deferred operation), then show how ifw reports a broken
//! file (every error, with its position and snippet).
//!
//! Run it with `cargo run -p ifw-examples --bin demo`.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use ifw_build::Frontend;
use ifw_core::Error;
use ifw_qtro::{Host, Node};

ifw_core::include_module!("home.plug");

use home_plug::{
    SmartPlugEvent, SmartPlugEvents, SmartPlugProperties, SmartPlugReplica, SmartPlugService,
    SmartPlugSource,
};

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
    if let Err(e) = serve_and_use() {
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

/// The demo's plug: what a service author writes (the rest is generated).
struct Plug;

impl SmartPlugService for Plug {
    /// Deferred: the replica gets a pending result at once and the value when the pulse ends.
    async fn pulse(&self, source: &SmartPlugSource, seconds: i32) -> Result<(), Error> {
        source.set_on(true).await?;
        // A demo second lasts 10 ms.
        let millis = 10 * u64::try_from(seconds).unwrap_or(0);
        tokio::time::sleep(Duration::from_millis(millis)).await;
        source.set_on(false).await
    }

    /// Immediate: answered in the reply to the call.
    async fn reset_energy_counter(&self, source: &SmartPlugSource) -> Result<f64, Error> {
        let used = source.energy_kwh().await;
        source.set_energy_kwh(0.0).await?;
        Ok(used)
    }

    /// Refuses auto-off times the plug cannot do; the replica's call fails with the reason.
    async fn set_auto_off_seconds(
        &self,
        source: &SmartPlugSource,
        value: i32,
    ) -> Result<(), Error> {
        if (0..=3600).contains(&value) {
            source.set_auto_off_seconds(value).await
        } else {
            Err(Error::rejected(format!("{value} s is not in 0..=3600")))
        }
    }
}

/// The replica's next event, at most five seconds away.
async fn next(events: &mut SmartPlugEvents) -> Result<SmartPlugEvent, Error> {
    match tokio::time::timeout(Duration::from_secs(5), events.recv()).await {
        Ok(Some(event)) => event,
        Ok(None) => Err(Error::from(ifw_qtro::Error::Disconnected)),
        Err(_) => Err(Error::from(ifw_qtro::Error::Timeout(
            "the next replica event",
        ))),
    }
}

/// Serves the generated `SmartPlugSource` on a local socket and uses it through the generated
/// `SmartPlugReplica`, as a Qt HMI's `backend_qtro` plugin would.
fn serve_and_use() -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::from(ifw_qtro::Error::Io(e)))?;
    runtime.block_on(async {
        let source = SmartPlugSource::new(
            Plug,
            SmartPlugProperties {
                power_watts: 3.5,
                energy_kwh: 12.25,
                ..SmartPlugProperties::default()
            },
        )?;
        let url = format!("local:ifw-demo-{}", std::process::id());
        let host = Host::listen(&url).await?;
        source.enable_remoting(&host).await?;
        println!(
            "\n== SmartPlug served over Qt Remote Objects at {url} as {} ==",
            SmartPlugSource::LOOKUP_NAME
        );

        let node = Node::connect(&url).await?;
        let replica = SmartPlugReplica::acquire(&node);
        replica.wait_ready(Duration::from_secs(5)).await?;
        println!(
            "replica ready (signature {}): on = {}, powerWatts = {} W, energyKwh = {} kWh",
            SmartPlugSource::SIGNATURE,
            replica.on()?,
            replica.power_watts()?,
            replica.energy_kwh()?
        );

        let mut events = replica.subscribe();
        replica.set_on(true).await?;
        println!(
            "replica pushed on = true; it saw {:?}",
            next(&mut events).await?
        );
        source.set_power_watts(1800.5).await?;
        println!(
            "source set powerWatts; replica saw {:?}",
            next(&mut events).await?
        );
        source.emit_overload(3650.0).await?;
        println!(
            "source emitted overload; replica saw {:?}",
            next(&mut events).await?
        );
        // A push has no answer in Qt Remote Objects: the service's refusal shows as no change.
        replica.set_auto_off_seconds(7200).await?;
        println!(
            "replica pushed autoOffSeconds = 7200; the service refused it, the source keeps {}",
            source.auto_off_seconds().await
        );
        println!(
            "resetEnergyCounter() -> {} kWh (immediate answer)",
            replica.reset_energy_counter().await?
        );
        replica.pulse(3).await?;
        println!("pulse(3) done (deferred: answered through pendingResultAvailable)");
        node.shutdown().await;
        host.shutdown().await;
        Ok(())
    })
}
