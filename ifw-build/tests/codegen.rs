//! Snapshots of the Rust that `ifw_build::codegen` generates for the project's own IDL, and its
//! determinism. (`tests/compile_crate.rs` compiles and runs this same code.)

use std::path::PathBuf;

use ifw_build::codegen::{Options, generate};
use ifw_build::{Frontend, Parsed};

fn idl(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../idl")
        .join(name)
}

fn climate() -> Parsed {
    Frontend::new()
        .import_path(idl("common.qface"))
        .parse_files(&[idl("climate.qface")])
        .expect("the project's IDL is valid")
}

mod support;

fn rust_of(parsed: &Parsed, module: &str) -> String {
    let text = generate(
        &parsed.system,
        &parsed.system.modules[module],
        &Options::default(),
    )
    .expect("the project's IDL generates");
    assert_formatted(&text);
    text
}

#[track_caller]
fn assert_formatted(text: &str) {
    assert_eq!(support::prettyplease_layout(text), Ok(()));
}

#[test]
fn climate_types() {
    insta::assert_snapshot!("vehicle.climate", rust_of(&climate(), "vehicle.climate"));
}

#[test]
fn common_types() {
    insta::assert_snapshot!("vehicle.common", rust_of(&climate(), "vehicle.common"));
}

#[test]
fn smartplug_types() {
    let parsed = Frontend::new()
        .parse_files(&[idl("smartplug.qface")])
        .expect("the project's IDL is valid");
    insta::assert_snapshot!("home.plug", rust_of(&parsed, "home.plug"));
}

#[test]
fn same_input_same_bytes() {
    let first = rust_of(&climate(), "vehicle.climate");
    for _ in 0..3 {
        assert_eq!(rust_of(&climate(), "vehicle.climate"), first);
    }
}

#[test]
fn type_attributes_select_by_path() {
    let parsed = climate();
    let module = &parsed.system.modules["vehicle.climate"];
    let options = Options::default()
        .type_attribute("vehicle.climate.TemperatureRange", "#[derive(Copy)]")
        .type_attribute(".vehicle.common", "#[non_exhaustive]");
    let rust = generate(&parsed.system, module, &options).expect("generates");
    assert_eq!(rust.matches("#[derive(Copy)]").count(), 1, "{rust}");
    assert!(!rust.contains("non_exhaustive"), "{rust}");
    let bad = Options::default().type_attribute(".", "#[derive(");
    let err = generate(&parsed.system, module, &bad).expect_err("invalid attribute");
    assert!(err.to_string().contains("not valid Rust"), "{err}");
}

#[test]
fn unknown_types_are_errors_here() {
    let parsed = Frontend::new()
        .parse_str("t.qface", "module t 1.0\nstruct S { Missing m }")
        .expect("an unknown type is only a warning in the front end");
    let err = generate(
        &parsed.system,
        &parsed.system.modules["t"],
        &Options::default(),
    )
    .expect_err("the generator cannot name it");
    assert!(err.to_string().contains("unknown type `Missing`"), "{err}");
}

#[test]
fn keywords_and_case_collisions() {
    let parsed = Frontend::new()
        .parse_str(
            "t.qface",
            "module t 1.0\nstruct S { int type; string self }\nenum E { on, On }",
        )
        .expect("valid QFace");
    let err = generate(
        &parsed.system,
        &parsed.system.modules["t"],
        &Options::default(),
    )
    .expect_err("`on` and `On` collide");
    assert!(err.to_string().contains("becomes `On`"), "{err}");
    let parsed = Frontend::new()
        .parse_str(
            "t.qface",
            "module t 1.0\nstruct S { int type; string self }",
        )
        .expect("valid QFace");
    let rust = rust_of(&parsed, "t");
    assert!(rust.contains("pub r#type: i32"), "{rust}");
    assert!(rust.contains("pub self_: ::std::string::String"), "{rust}");
}

#[test]
fn fixture_types() {
    // Every mapping: var, list, map, model, cross-module struct and enum, keywords, negative
    // enum values, an empty struct. `tests/compile_crate.rs` compiles this same file.
    let parsed = Frontend::new()
        .import_path(idl("common.qface"))
        .parse_files(&[PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/compile-crate/idl/fixture.qface")])
        .expect("the fixture's IDL is valid");
    insta::assert_snapshot!("fixture.extra", rust_of(&parsed, "fixture.extra"));
}

#[test]
fn mediaplayer_interface() {
    // Service, Source, Replica and events of an unzoned interface with every member kind.
    let parsed = Frontend::new()
        .parse_files(&[idl("mediaplayer.qface")])
        .expect("the project's IDL is valid");
    insta::assert_snapshot!("media.player", rust_of(&parsed, "media.player"));
}

#[test]
fn sides_can_be_left_out() {
    let parsed = Frontend::new()
        .parse_files(&[idl("mediaplayer.qface")])
        .expect("the project's IDL is valid");
    let module = &parsed.system.modules["media.player"];
    let replica_only = generate(
        &parsed.system,
        module,
        &Options::default().build_source(false),
    )
    .expect("generates");
    assert!(
        replica_only.contains("pub struct PlayerReplica"),
        "{replica_only}"
    );
    assert!(!replica_only.contains("PlayerSource"), "{replica_only}");
    assert!(!replica_only.contains("PlayerService"), "{replica_only}");
    let source_only = generate(
        &parsed.system,
        module,
        &Options::default()
            .build_replica(false)
            .trait_attribute("media.player.Player", "#[allow(unused)]"),
    )
    .expect("generates");
    assert!(
        source_only.contains("pub trait PlayerService"),
        "{source_only}"
    );
    assert!(
        source_only.contains("#[allow(unused)]\n    pub trait PlayerService"),
        "{source_only}"
    );
    assert!(!source_only.contains("PlayerReplica"), "{source_only}");
    assert_formatted(&replica_only);
    assert_formatted(&source_only);
    // A user's attribute written loosely is printed as prettyplease prints it.
    let loose = generate(
        &parsed.system,
        module,
        &Options::default().trait_attribute(".", "#[ allow ( unused ) ]"),
    )
    .expect("generates");
    assert!(loose.contains("#[allow(unused)]\n    pub trait PlayerService"));
    assert_formatted(&loose);
}

#[test]
fn long_names_keep_prettyplease_layout() {
    // Names long enough that signatures, calls, arms and struct expressions no longer fit in a
    // line, zoned and not, and an interface without members: the writer's own layout and
    // prettyplease's (for units with an overlong line) must both hold. (Not longer: with a
    // 50-character method name prettyplease's own output is no longer a fixed point of
    // prettyplease.)
    let long = "aLongPropertyNameForLayout";
    let text = format!(
        "module org.long 1.0\n\
         struct AVeryLongStructureNameForTesting {{ map<list<string>> {long}; }}\n\
         interface Empty {{ }}\n\
         interface AnInterfaceWithAnExceedinglyLongNameForLayout {{\n\
             map<AVeryLongStructureNameForTesting> {long};\n\
             readonly list<AVeryLongStructureNameForTesting> second{long};\n\
             AVeryLongStructureNameForTesting anOperationWithManyParameters(int {long}, string second{long}, AVeryLongStructureNameForTesting third);\n\
             signal aSignalWithALongName(AVeryLongStructureNameForTesting {long}, int second{long});\n\
             signal bare();\n\
         }}\n\
         @config: {{ zoned: true }}\n\
         interface AZonedInterfaceWithAnExceedinglyLongNameForLayout {{\n\
             map<AVeryLongStructureNameForTesting> {long};\n\
             void op(string zone);\n\
             signal aSignalWithALongName(AVeryLongStructureNameForTesting {long}, string zone);\n\
         }}\n"
    );
    let parsed = Frontend::new()
        .parse_str("long.qface", &text)
        .expect("valid QFace");
    let rust = rust_of(&parsed, "org.long");
    assert!(rust.contains("pub trait EmptyService: ifw::Send + ifw::Sync + 'static {}"));
    assert!(rust.contains("pub async fn set_a_long_property_name_for_layout(\n"));
}
