//! One test per rule of the QFace grammar (`shared/reference/qface-grammar.md` §1–3), on inputs
//! of our own.

mod support;

use serde_json::json;
use support::{module, parse, warnings};

#[test]
fn module_with_version_and_optional_semicolon() {
    assert_eq!(module("module a.b.c 1.0")["name"], "a.b.c");
    assert_eq!(module("module a 2.3;")["version"], "2.3");
}

#[test]
fn imports_keep_their_versions_and_a_repeat_takes_the_last_version() {
    let m = module("module a 1.0\nimport b.c 1.0; import d 2.1\nimport b.c 1.5");
    assert_eq!(
        m["imports"],
        json!([{"name": "b.c", "version": "1.5"}, {"name": "d", "version": "2.1"}])
    );
}

#[test]
fn interface_extends_a_dotted_name_verbatim() {
    let m = module("module a 1.0\ninterface I extends other.mod.Base { }");
    assert_eq!(m["interfaces"][0]["extends"], "other.mod.Base");
    assert_eq!(m["interfaces"][0]["qualified_name"], "a.I");
}

#[test]
fn properties_with_modifiers_and_string_defaults() {
    let m = module(
        "module a 1.0\ninterface I { readonly int r; const bool c; string s = \"x\\ty\"; real q = '1.5'; int plain }",
    );
    let p = &m["interfaces"][0]["properties"];
    assert_eq!(
        (p[0]["readonly"].clone(), p[0]["const"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(
        (p[1]["readonly"].clone(), p[1]["const"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(p[2]["value"], "x\ty");
    assert_eq!(p[3]["value"], "1.5");
    assert_eq!(p[4]["value"], json!(null));
}

#[test]
fn default_values_may_span_lines_and_keep_unknown_escapes() {
    let m = module("module a 1.0\nstruct S { string s = \"one\ntwo\\/\" }");
    assert_eq!(m["structs"][0]["fields"][0]["value"], "one\ntwo\\/");
}

#[test]
fn operations_void_const_parameters_with_optional_commas() {
    let m = module(
        "module a 1.0\ninterface I { void f(int a, string b,) const; int g(bool x real y) }",
    );
    let ops = &m["interfaces"][0]["operations"];
    assert_eq!(ops[0]["type"], json!({"name": "void", "kind": "void"}));
    assert_eq!(ops[0]["const"], true);
    assert_eq!(ops[0]["parameters"].as_array().map(Vec::len), Some(2));
    assert_eq!(ops[1]["parameters"][1]["name"], "y");
    assert_eq!(ops[1]["const"], false);
}

#[test]
fn signals_with_parameters() {
    let m = module(
        "module a 1.0\ninterface I { signal changed(int value, string why); signal ping() }",
    );
    let s = &m["interfaces"][0]["signals"];
    assert_eq!(s[0]["parameters"][1]["type"]["name"], "string");
    assert_eq!(s[1]["parameters"], json!([]));
}

#[test]
fn members_need_no_separators_at_all() {
    let m = module("module a 1.0 interface I { int a int b void f() signal s() }");
    let i = &m["interfaces"][0];
    assert_eq!(i["properties"].as_array().map(Vec::len), Some(2));
    assert_eq!(i["operations"][0]["name"], "f");
    assert_eq!(i["signals"][0]["name"], "s");
}

#[test]
fn tokens_may_be_glued() {
    let m = module("module p 1.0interface A{int a;}struct S{int x}");
    assert_eq!(m["interfaces"][0]["name"], "A");
    assert_eq!(m["structs"][0]["name"], "S");
}

#[test]
fn nested_containers_and_spaces_inside_angle_brackets() {
    let m = module("module a 1.0\ninterface I { model<list<map<int>>> deep; list < Point > pts }");
    let deep = &m["interfaces"][0]["properties"][0]["type"];
    assert_eq!(deep["name"], "model");
    assert_eq!(deep["nested"]["name"], "list");
    assert_eq!(deep["nested"]["nested"]["kind"], "map");
    assert_eq!(
        deep["nested"]["nested"]["nested"],
        json!({"name": "int", "kind": "primitive"})
    );
    assert_eq!(
        m["interfaces"][0]["properties"][1]["type"]["nested"]["kind"],
        "complex"
    );
}

#[test]
fn every_primitive_type() {
    let m = module("module a 1.0\nstruct S { bool b; int i; real r; string s; var v }");
    let kinds: Vec<_> = (0..5)
        .map(|i| m["structs"][0]["fields"][i]["type"]["kind"].clone())
        .collect();
    assert!(kinds.iter().all(|k| k == "primitive"));
}

#[test]
fn complex_types_resolve_locally_then_by_qualified_name() {
    let text = "module a 1.0\nimport b 1.0\nstruct P { int x }\ninterface I { P local; b.Q remote; Missing gone; Int capital }";
    let m = module(text);
    let p = &m["interfaces"][0]["properties"];
    assert_eq!(
        p[0]["type"]["ref"],
        json!({"qualified_name": "a.P", "kind": "struct"})
    );
    assert_eq!(p[1]["type"]["ref"], json!(null));
    assert_eq!(p[2]["type"]["ref"], json!(null));
    assert_eq!(p[3]["type"]["kind"], "complex");
}

#[test]
fn keyword_prefixed_words_are_names() {
    let m = module("module a 1.0\ninterface I { int listing; string signals; bool int.foo }");
    let names: Vec<_> = (0..3)
        .map(|i| m["interfaces"][0]["properties"][i]["name"].clone())
        .collect();
    assert_eq!(
        names,
        [json!("listing"), json!("signals"), json!("int.foo")]
    );
}

#[test]
fn enum_counter_ignores_explicit_values() {
    let m = module("module a 1.0\nenum E { A = 5, B, C = 10, D }\nflag F { X = 8, Y, Z }");
    let values = |e: usize| -> Vec<i64> {
        m["enums"][e]["members"]
            .as_array()
            .map(|ms| ms.iter().filter_map(|x| x["value"].as_i64()).collect())
            .unwrap_or_default()
    };
    assert_eq!(values(0), [5, 1, 10, 3]);
    assert_eq!(values(1), [8, 2, 4]);
    assert_eq!(m["enums"][1]["kind"], "flag");
}

#[test]
fn enum_values_signed_hex_and_big() {
    let m = module(
        "module a 1.0\nenum E { A = -1, B = +2, C = 0x1F, D = 00, E = 0xFFFFFFFFFFFFFFFFFFFF }",
    );
    let ms = &m["enums"][0]["members"];
    assert_eq!(ms[0]["value"], -1);
    assert_eq!(ms[1]["value"], 2);
    assert_eq!(ms[2]["value"], 31);
    assert_eq!(ms[3]["value"], 0);
    assert_eq!(ms[4]["value"].to_string(), "1208925819614629174706175");
}

#[test]
fn empty_bodies_and_trailing_semicolons() {
    let m = module("module a 1.0\ninterface I {};\nenum E {}\nstruct S {};");
    assert_eq!(m["interfaces"][0]["properties"], json!([]));
    assert_eq!(m["enums"][0]["members"], json!([]));
    assert_eq!(m["structs"][0]["fields"], json!([]));
}

#[test]
fn a_module_without_definitions() {
    assert_eq!(module("module lonely 1.0")["interfaces"], json!([]));
}

#[test]
fn doc_comments_are_kept_raw_on_every_symbol() {
    let m = module(
        "/** m */\nmodule a 1.0\n/** i */\ninterface I {\n/** p */ int p\n}\n/** e */ enum E { /** x */ X }",
    );
    assert_eq!(m["comment"], "/** m */");
    assert_eq!(m["interfaces"][0]["comment"], "/** i */");
    assert_eq!(m["interfaces"][0]["properties"][0]["comment"], "/** p */");
    assert_eq!(m["enums"][0]["members"][0]["comment"], "/** x */");
}

#[test]
fn line_and_block_comments_are_skipped() {
    let m =
        module("module a 1.0 // the module\n/* a\n block */ interface I { int a /* inline */ }");
    assert_eq!(m["interfaces"][0]["properties"][0]["name"], "a");
    assert_eq!(m["interfaces"][0]["comment"], json!(null));
}

#[test]
fn crlf_line_ends() {
    let m = module("module a 1.0\r\ninterface I {\r\n    int a;\r\n}\r\n");
    assert_eq!(m["interfaces"][0]["properties"][0]["name"], "a");
}

#[test]
fn a_repeated_name_keeps_the_first_position_and_the_last_content() {
    let text = "module a 1.0\ninterface I { int a; string b; bool a }\nenum E { X = 1, X = 2 }";
    let m = module(text);
    let p = &m["interfaces"][0]["properties"];
    assert_eq!(p[0]["name"], "a");
    assert_eq!(p[0]["type"]["name"], "bool");
    assert_eq!(p[1]["name"], "b");
    assert_eq!(
        m["enums"][0]["members"],
        json!([{"name": "X", "value": 2, "comment": null, "tags": {}}])
    );
    let w = warnings(text);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("property `a` is declared twice"), "{w:?}");
}

#[test]
fn properties_operations_and_signals_may_share_a_name() {
    let parsed = parse("module a 1.0\ninterface I { int x; void x(); signal x() }");
    assert!(parsed.diagnostics.is_empty());
    let i = &parsed.system.modules["a"].interfaces["I"];
    assert_eq!(
        (i.properties.len(), i.operations.len(), i.signals.len()),
        (1, 1, 1)
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    assert_eq!(module("\u{feff}module a 1.0")["name"], "a");
}

#[test]
fn unknown_types_are_warnings_not_errors() {
    let w = warnings("module a 1.0\ninterface I { Nowhere n; x.Y q }");
    assert_eq!(w, ["unknown type `Nowhere`", "unknown type `x.Y`"]);
}
