//! `compile_rep`'s generator on hand-written Qt Remote Objects `.rep` files: the Rust for the
//! compile-crate fixture's `garage.rep` (snapshot; the fixture crate compiles and runs it, see
//! `compile_crate.rs`), and the positioned refusals.

#![allow(clippy::panic, reason = "a failing test should fail loudly")]

use ifw_build::codegen::{Options, generate_rep, rep_module_name};

const GARAGE: &str = include_str!("fixtures/compile-crate/rep/garage.rep");

/// The options of the fixture's `build.rs`.
fn garage_options() -> Options {
    Options::default().extern_type("Celsius", "crate::Celsius")
}

#[test]
fn garage_rep_generates_this_rust() {
    let rust = generate_rep("garage.rep", GARAGE, &garage_options()).expect("garage.rep generates");
    insta::assert_snapshot!(rust);
}

#[test]
fn generated_rust_is_deterministic() {
    let a = generate_rep("garage.rep", GARAGE, &garage_options()).expect("generates");
    let b = generate_rep("garage.rep", GARAGE, &garage_options()).expect("generates");
    assert_eq!(a, b);
}

fn refusal(text: &str) -> String {
    match generate_rep("bad.rep", text, &Options::default()) {
        Ok(rust) => panic!("accepted:\n{rust}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unsupported_things_are_refused_with_their_position() {
    let cases = [
        (
            "class Door\n{\n    MODEL rows(display)\n};\n",
            "bad.rep:3:5",
            "MODEL `rows`",
        ),
        (
            "class Child\n{\n};\nclass Door\n{\n    CLASS child(Child)\n};\n",
            "bad.rep:6:5",
            "CLASS `child`",
        ),
        (
            "class Door\n{\n    PROP(QDateTime when)\n};\n",
            "bad.rep:3:5",
            "unsupported type `QDateTime`",
        ),
        (
            "class Door\n{\n    SLOT(void go(QPoint p))\n};\n",
            "bad.rep:3:5",
            "unsupported type `QPoint`",
        ),
        (
            "class Door\n{\n    PROP(int x = someVariable)\n};\n",
            "bad.rep:3:5",
            "default value `someVariable`",
        ),
        (
            "class Door\n{\n    PROP(int x)\n    SLOT(void setX(int x))\n};\n",
            "bad.rep:4:5",
            "`set_x`",
        ),
        (
            "class Door\n{\n    PROP(QMap<double, int> m)\n};\n",
            "bad.rep:3:5",
            "BTreeMap",
        ),
        (
            "class Door\n{\n    PROP(Celsius c)\n};\n",
            "bad.rep:3:5",
            "map others with `extern_type`",
        ),
        (
            "class Door\n{\n    PROP(int x\n};\n",
            "bad.rep:",
            "repc would reject",
        ),
    ];
    for (text, position, message) in cases {
        let error = refusal(text);
        assert!(
            error.contains(position),
            "{position} missing from:\n{error}"
        );
        assert!(error.contains(message), "{message} missing from:\n{error}");
    }
}

#[test]
fn module_names_come_from_the_stem() {
    assert_eq!(rep_module_name("simpleswitch"), "simpleswitch");
    assert_eq!(rep_module_name("SimpleSwitch"), "simple_switch");
    assert_eq!(rep_module_name("car-model"), "car_model");
    assert_eq!(rep_module_name("3d"), "rep_3d");
    let rust = generate_rep(
        "dir/My Objects.rep",
        "class Door\n{\n};\n",
        &Options::default(),
    )
    .expect("generates");
    assert!(rust.contains("pub mod my_objects {"), "{rust}");
}

#[test]
fn options_select_sides_and_add_attributes() {
    let options = garage_options()
        .build_replica(false)
        .type_attribute("garage.Slot", "#[derive(PartialOrd)]")
        .type_attribute("garage.GarageDoor.Motor", "#[doc(alias = \"engine\")]")
        .trait_attribute("garage.GarageDoor", "#[doc(alias = \"door\")]");
    let rust = generate_rep("garage.rep", GARAGE, &options).expect("generates");
    assert!(rust.contains("pub struct GarageDoorSource"));
    assert!(!rust.contains("GarageDoorReplica"));
    assert!(rust.contains("#[derive(PartialOrd)]\n    #[derive(Debug, Clone, PartialEq, Default)]\n    pub struct Slot"), "{rust}");
    assert!(rust.contains("#[doc(alias = \"engine\")]"));
    assert!(
        rust.contains("#[doc(alias = \"door\")]\n    pub trait GarageDoorService"),
        "{rust}"
    );
}
