//! Annotations: `@` lines read as YAML 1.1 (as PyYAML reads them), the sidecar `<stem>.yaml`,
//! extra annotation files and import paths — on files of our own.

mod support;

use std::path::{Path, PathBuf};

use ifw_build::{Error, Frontend};
use serde_json::json;
use support::{errors, module};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("ifw-annotations-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn yaml_1_1_scalars_read_as_pyyaml_reads_them() {
    let m = module(
        "@t: { a: yes, b: off, c: 10., d: 017, e: 0x1F, f: ~, g: 1:20, h: 2001-12-14, i: 1e3 }\nmodule a 1.0",
    );
    assert_eq!(
        m["tags"]["t"],
        json!({"a": true, "b": false, "c": 10.0, "d": 15, "e": 31, "f": null, "g": 80, "h": "2001-12-14", "i": "1e3"})
    );
}

#[test]
fn tag_lines_join_into_one_document() {
    let m = module("module a 1.0\n@config:\n@    zoned: true\n@    ids: [1, 2]\ninterface I {}");
    assert_eq!(
        m["interfaces"][0]["tags"],
        json!({"config": {"zoned": true, "ids": [1, 2]}})
    );
}

#[test]
fn a_repeated_key_takes_the_last_value() {
    let m = module("@a: 1\n@a: 2\nmodule a 1.0");
    assert_eq!(m["tags"], json!({"a": 2}));
}

#[test]
fn tags_need_not_be_mappings() {
    let m =
        module("module a 1.0\n@singleton\ninterface I {}\n@- 1\n@- 2\nstruct S {}\n@\nenum E {}");
    assert_eq!(m["interfaces"][0]["tags"], json!("singleton"));
    assert_eq!(m["structs"][0]["tags"], json!([1, 2]));
    assert_eq!(m["enums"][0]["tags"], json!(null));
}

#[test]
fn a_tag_line_keeps_what_looks_like_a_comment() {
    let m = module("@a: 1 // x\nmodule a 1.0");
    assert_eq!(m["tags"], json!({"a": "1 // x"}));
}

#[test]
fn invalid_tag_yaml_is_an_error_at_its_line() {
    let all = errors("module a 1.0\n@config_simulator: { range:[0, 50] }\ninterface I {}");
    assert_eq!(all[0].0, 2, "{all:?}");
    assert!(all[0].1.contains("invalid YAML"), "{all:?}");
    let all = errors("module a 1.0\n@foo\n@bar: 1\ninterface I {}");
    assert_eq!(all[0].0, 3, "{all:?}");
}

#[test]
fn a_key_with_a_colon_is_an_error() {
    let all = errors("module a 1.0\n@a: {b:c: 1}\ninterface I {}");
    assert!(all[0].1.contains("contains `:`"), "{all:?}");
}

#[test]
fn the_sidecar_merges_mappings_and_replaces_the_rest() {
    let dir = TempDir::new("sidecar");
    let qface = dir.write(
        "car.qface",
        "module car 1.0\n@config: { zoned: true, id: old }\n@list: [1]\ninterface Seat { int height }\nenum Mode { A, B }",
    );
    dir.write(
        "car.yaml",
        "car.Seat:\n  config: { id: new, extra: 1 }\n  list: [2, 3]\ncar.Seat#height:\n  config_simulator: { default: 4 }\ncar.Mode#B: { note: b }\ncar:\n  config: { module: carmod }\nsystem:\n  built: yes\n",
    );
    let parsed = Frontend::new().parse_files(&[&qface]).expect("parses");
    let dump = ifw_build::model::json::dump(&parsed.system);
    let m = &dump["modules"][0];
    assert_eq!(
        m["interfaces"][0]["tags"],
        json!({"config": {"zoned": true, "id": "new", "extra": 1}, "list": [2, 3]})
    );
    assert_eq!(
        m["interfaces"][0]["properties"][0]["tags"],
        json!({"config_simulator": {"default": 4}})
    );
    assert_eq!(m["enums"][0]["members"][1]["tags"], json!({"note": "b"}));
    assert_eq!(m["tags"], json!({"config": {"module": "carmod"}}));
    assert_eq!(dump["tags"], json!({"built": true}));
    assert!(
        parsed.inputs.iter().any(|p| p.ends_with("car.yaml")),
        "{:?}",
        parsed.inputs
    );
}

#[test]
fn extra_annotation_files_merge_after_all_documents() {
    let dir = TempDir::new("extra");
    let one = dir.write("one.qface", "module one 1.0\ninterface A { int x }");
    let two = dir.write("two.qface", "module two 1.0\ninterface B { int y }");
    let extra = dir.write(
        "extra.yaml",
        "one.A: { from: extra }\ntwo.B#y: { from: extra }\n",
    );
    let parsed = Frontend::new()
        .annotation_file(&extra)
        .parse_files(&[&one, &two])
        .expect("parses");
    let dump = ifw_build::model::json::dump(&parsed.system);
    assert_eq!(
        dump["modules"][0]["interfaces"][0]["tags"],
        json!({"from": "extra"})
    );
    assert_eq!(
        dump["modules"][1]["interfaces"][0]["properties"][0]["tags"],
        json!({"from": "extra"})
    );
}

#[test]
fn every_unknown_symbol_in_an_annotation_file_is_an_error() {
    let dir = TempDir::new("unknown");
    let qface = dir.write("m.qface", "module m 1.0\ninterface A { int x }");
    let extra = dir.write(
        "extra.yaml",
        "m.Nope: { a: 1 }\nm.A#missing: { a: 1 }\nm.A: { a: 1 }\n",
    );
    let Err(Error::Diagnostics(d)) = Frontend::new()
        .annotation_file(&extra)
        .parse_files(&[&qface])
    else {
        panic!("expected errors");
    };
    let lines: Vec<usize> = d
        .iter()
        .filter_map(|x| x.line_col())
        .map(|(l, _)| l)
        .collect();
    assert_eq!(lines, [1, 2], "{d}");
    assert!(d.to_string().contains("unknown symbol `m.Nope`"), "{d}");
}

#[test]
fn import_paths_resolve_types_across_modules() {
    let dir = TempDir::new("imports");
    let main = dir.write(
        "main.qface",
        "module app 1.0\nimport lib.types 1.0\ninterface App { lib.types.Point origin }",
    );
    dir.write(
        "lib/types.qface",
        "module lib.types 1.0\nstruct Point { int x; int y }",
    );
    let parsed = Frontend::new()
        .import_path(dir.path().join("lib"))
        .parse_files(&[&main])
        .expect("parses");
    let dump = ifw_build::model::json::dump(&parsed.system);
    assert_eq!(
        dump["modules"][0]["interfaces"][0]["properties"][0]["type"]["ref"],
        json!({"qualified_name": "lib.types.Point", "kind": "struct"})
    );
    assert!(parsed.diagnostics.is_empty());
    assert!(parsed.inputs.iter().any(|p| p.ends_with("lib/types.qface")));
    let without = Frontend::new().parse_files(&[&main]).expect("parses");
    assert!(
        without
            .diagnostics
            .iter()
            .any(|d| d.message() == "unknown type `lib.types.Point`")
    );
}
