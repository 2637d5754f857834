//! The `.proto` files ifw writes: snapshots for the project's IDL, and every one compiles with a
//! pure-Rust protobuf compiler (protox, no protoc) into the descriptors the prost messages assume
//! (field numbers in declaration order, enums with a zero value, imports of other modules).
//! That the prost messages encode what these descriptors decode is checked where the generated
//! Rust is compiled: `tests/fixtures/compile-crate` (see `tests/compile_crate.rs`).

#![allow(clippy::panic, reason = "a failing test should fail loudly")]

use std::path::{Path, PathBuf};

use ifw_build::proto::{emit_module, proto_file_name};
use ifw_build::{Frontend, Parsed};
use prost_reflect::{DescriptorPool, Kind};

fn idl(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../idl")
        .join(name)
}

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compile-crate/idl/fixture.qface")
}

/// Every module of the project's IDL and the fixture, parsed together.
fn system() -> Parsed {
    Frontend::new()
        .parse_files(&[
            idl("common.qface"),
            idl("climate.qface"),
            idl("smartplug.qface"),
            idl("mediaplayer.qface"),
            fixture(),
        ])
        .expect("the project's IDL is valid")
}

/// A fresh directory under the temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ifw-proto-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes every module's `.proto` into `dir` and compiles them with protox.
fn compile_all(parsed: &Parsed, dir: &Path) -> DescriptorPool {
    let mut names = Vec::new();
    for module in parsed.system.modules.values() {
        let text = emit_module(&parsed.system, module, "test").expect("emits");
        let name = proto_file_name(module);
        std::fs::write(dir.join(&name), text).expect("write");
        names.push(name);
    }
    let mut compiler = protox::Compiler::new([dir]).expect("compiler");
    for name in &names {
        if let Err(e) = compiler.open_file(name) {
            let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            panic!("protox refuses {name}: {e:?}\n{text}");
        }
    }
    compiler.descriptor_pool()
}

#[test]
fn snapshots() {
    let parsed = system();
    for module in parsed.system.modules.values() {
        let text = emit_module(&parsed.system, module, "test.qface").expect("emits");
        insta::assert_snapshot!(proto_file_name(module), text);
    }
}

#[test]
fn protox_compiles_every_module() {
    let dir = TempDir::new("compile");
    let pool = compile_all(&system(), &dir.0);

    let everything = pool
        .get_message_by_name("fixture.extra.Everything")
        .expect("Everything");
    let fields: Vec<(u32, String)> = everything
        .fields()
        .map(|f| (f.number(), f.name().to_string()))
        .collect();
    let expected = [
        "count",
        "ratio",
        "enabled",
        "label",
        "extra",
        "numbers",
        "names",
        "history",
        "status",
        "unit",
        "level",
        "permissions",
        "type",
        "inners",
    ];
    assert_eq!(
        fields,
        expected
            .iter()
            .enumerate()
            .map(|(i, n)| (u32::try_from(i + 1).expect("small"), n.to_string()))
            .collect::<Vec<_>>()
    );
    let kind = |name: &str| everything.get_field_by_name(name).expect(name).kind();
    assert!(matches!(kind("status"), Kind::Message(m) if m.full_name() == "vehicle.common.Status"));
    assert!(matches!(kind("unit"), Kind::Enum(e) if e.full_name() == "vehicle.common.Unit"));
    assert!(matches!(kind("extra"), Kind::Message(m) if m.full_name() == "google.protobuf.Value"));
    assert_eq!(kind("permissions"), Kind::Uint32);
    assert!(
        everything
            .get_field_by_name("names")
            .expect("names")
            .is_map()
    );
    assert!(
        everything
            .get_field_by_name("inners")
            .expect("inners")
            .is_list()
    );

    let level = pool.get_enum_by_name("fixture.extra.Level").expect("Level");
    // The zero value comes first in the file (the snapshot shows it); prost-reflect lists them
    // by number.
    let values: Vec<(String, i32)> = level
        .values()
        .map(|v| (v.name().to_string(), v.number()))
        .collect();
    assert_eq!(
        values,
        [
            ("LEVEL_LOW".to_string(), -1),
            ("LEVEL_MEDIUM".to_string(), 0),
            ("LEVEL_HIGH".to_string(), 16)
        ]
    );
    let flag = pool
        .get_enum_by_name("fixture.extra.Permissions")
        .expect("Permissions");
    assert_eq!(
        flag.values().next().map(|v| v.number()),
        Some(0),
        "a zero value first"
    );
}

#[test]
fn nested_containers_are_json_values() {
    let parsed = Frontend::new()
        .parse_str(
            "n.qface",
            "module n 1.0\nenum E { A = 1, B = 2 }\nstruct S { list<list<int>> grid; map<list<string>> tags; list<E> es; map<E> byName }",
        )
        .expect("valid QFace");
    let dir = TempDir::new("nested");
    let pool = compile_all(&parsed, &dir.0);
    let s = pool.get_message_by_name("n.S").expect("S");
    for name in ["grid", "tags"] {
        let field = s.get_field_by_name(name).expect(name);
        assert!(
            matches!(field.kind(), Kind::Message(m) if m.full_name() == "google.protobuf.Value"),
            "{name}"
        );
        assert!(!field.is_list() && !field.is_map(), "{name}");
    }
    let e = pool.get_enum_by_name("n.E").expect("E");
    assert_eq!(
        e.values().map(|v| v.name().to_string()).collect::<Vec<_>>(),
        ["E_UNSPECIFIED", "E_A", "E_B"]
    );
}
