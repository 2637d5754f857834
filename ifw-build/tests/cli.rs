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
