//! The `ifw` command line as a user runs it: exit codes, diagnostics on stderr, JSON on stdout.

use std::process::Command;

fn ifw(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ifw"))
        .args(args)
        .output()
        .expect("runs ifw");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn idl(name: &str) -> String {
    format!("{}/../idl/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_accepts_good_files_and_prints_warnings() {
    let (code, _, err) = ifw(&["check", &idl("climate.qface")]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unknown type `vehicle.common.Unit`"), "{err}");
    let (code, _, err) = ifw(&["check", &idl("climate.qface"), "-I", &idl("common.qface")]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("unknown type"), "{err}");
}

#[test]
fn check_exits_1_with_every_error_rendered() {
    let dir = std::env::temp_dir().join(format!("ifw-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("bad.qface");
    std::fs::write(
        &bad,
        "module m 1.0\ninterface A { int x = 5 }\nstrcut B {}\n",
    )
    .expect("write");
    let (code, out, err) = ifw(&["check", bad.to_str().unwrap_or_default()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("bad.qface:2:23"), "{err}");
    assert!(err.contains("bad.qface:3:1"), "{err}");
    assert!(err.contains("2 error(s)"), "{err}");
}

#[test]
fn dump_prints_the_canonical_json() {
    let (code, out, err) = ifw(&["dump", "--json", &idl("smartplug.qface")]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["modules"][0]["name"], "home.plug");
    assert_eq!(
        v["modules"][0]["tags"]["config_mqtt"]["topic_prefix"],
        "home/plug/"
    );
    assert_eq!(v["tags"], serde_json::json!({}));
}

/// A fresh directory under the temp dir, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ifw-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    /// The files in it: name → bytes.
    fn files(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(&self.0)
            .expect("dir")
            .map(|e| {
                let e = e.expect("entry");
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).expect("read"),
                )
            })
            .collect()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `ifw rep` on the project's climate IDL into `dir`, with `extra` arguments.
fn rep_of_climate(dir: &str, extra: &[&str]) -> (i32, String, String) {
    let (climate, common) = (idl("climate.qface"), idl("common.qface"));
    let mut args = vec!["rep", &climate, "-I", &common, "-o", dir];
    args.extend_from_slice(extra);
    ifw(&args)
}

#[test]
fn rep_writes_one_file_per_interface_in_both_modes() {
    let out = TempDir::new("rep");
    let dir = out.path("qtif");
    let (code, stdout, err) = rep_of_climate(&dir, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout.trim(), format!("{dir}/climatecontrol.rep"));
    let rep = std::fs::read_to_string(format!("{dir}/climatecontrol.rep")).expect("written");
    assert!(rep.contains("#include \"climate.h\""), "{rep}");
    assert!(
        rep.contains("SLOT(QVariantMap presets(const QString &zone))"),
        "{rep}"
    );
    // The same text as the library's.
    let parsed = ifw_build::Frontend::new()
        .import_path(idl("common.qface"))
        .parse_files(&[idl("climate.qface")])
        .expect("parses");
    let module = &parsed.system.modules["vehicle.climate"];
    let expected = ifw_build::rep::emit_interface(
        &parsed.system,
        module,
        &module.interfaces["ClimateControl"],
        "climate.qface",
    )
    .expect("emits");
    assert_eq!(rep, expected);

    let dir = out.path("self");
    let (code, _, err) = rep_of_climate(&dir, &["--self-contained"]);
    assert_eq!(code, 0, "{err}");
    let rep = std::fs::read_to_string(format!("{dir}/climatecontrol.rep")).expect("written");
    assert!(!rep.contains("#include"), "{rep}");
    assert!(rep.contains("ENUM Unit {Celsius=0, Fahrenheit=1}"), "{rep}");
    assert!(
        rep.contains("FLAG(AirflowDirections AirflowDirection)"),
        "{rep}"
    );
    assert!(
        rep.contains("POD Status(bool ok, QString message, int errorCode)"),
        "{rep}"
    );
    ifw_build::rep::parse(&rep).expect("ifw's repc accepts it");
}

#[test]
fn rep_refuses_interface_typed_members() {
    let out = TempDir::new("rep-bad");
    let bad = out.path("bad.qface");
    std::fs::write(
        &bad,
        "module m 1.0\ninterface Aa { Bb b; }\ninterface Bb {}\n",
    )
    .expect("write");
    let (code, stdout, err) = ifw(&["rep", &bad, "-o", &out.path("out")]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(err.contains("of type 'interface' (`Bb`)"), "{err}");
    assert!(err.contains("bad.qface:2:19"), "{err}");
}

#[test]
fn gen_writes_what_compile_writes() {
    let out = TempDir::new("gen");
    let (code, stdout, err) = ifw(&[
        "gen",
        &idl("climate.qface"),
        "-I",
        &idl("common.qface"),
        "-o",
        &out.path("cli"),
        "--rep",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
    let built = TempDir::new("gen-build");
    ifw_build::configure()
        .out_dir(&built.0)
        .import_path(idl("common.qface"))
        .emit_rep(true)
        .compile(&[idl("climate.qface")])
        .expect("compiles");
    let cli = TempDir(out.0.join("cli"));
    let (cli_files, built_files) = (cli.files(), built.files());
    assert_eq!(
        cli_files.keys().collect::<Vec<_>>(),
        [
            "climatecontrol.rep",
            "vehicle.climate.proto",
            "vehicle.climate.rs",
            "vehicle.common.proto",
            "vehicle.common.rs"
        ]
    );
    assert!(
        cli_files == built_files,
        "ifw gen and compile() write the same bytes"
    );

    let (code, _, err) = ifw(&[
        "gen",
        &idl("smartplug.qface"),
        "-o",
        &out.path("plain"),
        "--no-proto",
    ]);
    assert_eq!(code, 0, "{err}");
    let plain = TempDir(out.0.join("plain"));
    assert_eq!(plain.files().keys().collect::<Vec<_>>(), ["home.plug.rs"]);
}
