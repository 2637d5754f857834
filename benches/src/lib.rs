//! Helpers for the `cargo bench -p ifw-benches` targets: synthetic QFace files of the sizes the
//! reference parser was measured on (`shared/reference/qface-grammar.md` §8), and the build of
//! the C++ Qt programs the transport benchmarks measure against ([`qt`]), and the Python
//! baselines ([`PythonBaseline`]).

mod baseline;
/// Building the C++ Qt pair (from `ifw-testkit`).
pub use ifw_testkit::qt;

pub use baseline::PythonBaseline;

use std::fmt::Write as _;

/// 500 interfaces × 20 properties, nothing else (about 230 KB).
pub fn synth_plain() -> String {
    let mut s = String::from("module synth.plain 1.0\n\n");
    for i in 0..500 {
        let _ = writeln!(s, "interface Iface{i} {{");
        for p in 0..20 {
            let ty = ["int", "string", "bool", "real"][p % 4];
            let _ = writeln!(s, "    {ty} propertyNo{p};");
        }
        s.push_str("}\n\n");
    }
    s
}

/// The rich file (about 900 KB): 500 interfaces with 20 properties, 5 operations and 3 signals,
/// 200 structs × 10 fields and 200 enums × 10 members, with a doc comment and an annotation on
/// every symbol and member.
pub fn synth_rich() -> String {
    let mut s = String::from(
        "/**\n * A synthetic module for benchmarks.\n */\n@config: { version: \"1.0\" }\nmodule synth.rich 1.0\n\n",
    );
    for e in 0..200 {
        let _ = writeln!(
            s,
            "/** Enum number {e}. */\n@config: {{ qml_name: \"Enum{e}\" }}\nenum Enum{e} {{"
        );
        for m in 0..10 {
            let _ = writeln!(s, "    /** m{m} */ @d: {m}\n    Member{m} = {},", m * 2);
        }
        s.push_str("}\n\n");
    }
    for st in 0..200 {
        let _ = writeln!(
            s,
            "/** Struct number {st}. */\n@config: {{ serializable: true }}\nstruct Struct{st} {{"
        );
        for f in 0..10 {
            let ty = ["int", "string", "bool", "real", "list<int>"][f % 5];
            let _ = writeln!(s, "    /** f{f} */ @d: {f}\n    {ty} field{f};");
        }
        s.push_str("}\n\n");
    }
    for i in 0..500 {
        let _ = writeln!(
            s,
            "/** Interface {i}. */\n@config: {{ zoned: true }}\ninterface Iface{i} {{"
        );
        for p in 0..20 {
            let ty = [
                "int",
                "string",
                "bool",
                "real",
                "Struct7",
                "Enum3",
                "list<Struct1>",
                "model<string>",
            ][p % 8];
            let _ = writeln!(
                s,
                "    /** p{p} */ @s: {{ default: {p} }}\n    {ty} prop{p};"
            );
        }
        for o in 0..5 {
            let _ = writeln!(
                s,
                "    /** o{o} */ @async: true\n    string op{o}(int a, Struct{o} c);"
            );
        }
        for g in 0..3 {
            let _ = writeln!(s, "    /** s{g} */ @n: 1\n    signal sig{g}(Enum{g} k);");
        }
        s.push_str("}\n\n");
    }
    s
}

/// The code generator's input (about 310 KB): 500 interfaces with 20 properties (every kind of
/// type: primitives, `var`, a struct, an enum, a flag, `list`, `map`; some read-only), an operation
/// and a signal each, 20 structs × 6 fields and 20 enums, and one flag.
pub fn synth_codegen() -> String {
    let mut s = String::from(
        "/** Synthetic input of the code generator benchmark. */\nmodule synth.codegen 1.0\n\n",
    );
    s.push_str("flag Direction { Up = 1, Down = 2, Left = 4, Right = 8 }\n\n");
    for e in 0..20 {
        let _ = writeln!(
            s,
            "/** Mode {e}. */\nenum Mode{e} {{ Off, On, Auto, Eco = 8 }}\n"
        );
    }
    for st in 0..20 {
        let _ = writeln!(
            s,
            "/** Point {st}. */\nstruct Point{st} {{\n    int x;\n    real y;\n    string label;\n    Mode{st} mode;\n    list<int> values;\n    map<real> weights;\n}}\n"
        );
    }
    for i in 0..500 {
        let k = i % 20;
        let _ = writeln!(s, "/** Interface {i}. */\ninterface Iface{i} {{");
        for p in 0..20 {
            let ty = match p % 10 {
                0 => "int".to_string(),
                1 => "string".to_string(),
                2 => "bool".to_string(),
                3 => "real".to_string(),
                4 => format!("Point{k}"),
                5 => format!("Mode{k}"),
                6 => "list<int>".to_string(),
                7 => "map<string>".to_string(),
                8 => "Direction".to_string(),
                _ => "var".to_string(),
            };
            let readonly = if p % 7 == 3 { "readonly " } else { "" };
            let _ = writeln!(s, "    {readonly}{ty} property{p};");
        }
        let _ = writeln!(s, "    string apply(int level, Point{k} point);");
        let _ = writeln!(s, "    signal changed(Mode{k} mode, real value);");
        s.push_str("}\n\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_the_reference_measurements() {
        let plain = synth_plain().len();
        let rich = synth_rich().len();
        assert!(
            (200_000..260_000).contains(&plain),
            "plain is {plain} bytes"
        );
        assert!((850_000..1_000_000).contains(&rich), "rich is {rich} bytes");
        let codegen = synth_codegen().len();
        assert!(
            (250_000..500_000).contains(&codegen),
            "codegen is {codegen} bytes"
        );
    }
}
