//! Property tests: a generated document parses to the model it describes, however it is laid out
//! (separators or none, comments, CRLF), and enum numbering follows the reference's counter rule.

mod support;

use proptest::prelude::*;
use serde_json::Value;

#[derive(Debug, Clone)]
enum Ty {
    Prim(&'static str),
    Named(String),
    Container(&'static str, Box<Ty>),
}

impl Ty {
    fn text(&self) -> String {
        match self {
            Ty::Prim(p) => (*p).to_string(),
            Ty::Named(n) => n.clone(),
            Ty::Container(c, inner) => format!("{c}<{}>", inner.text()),
        }
    }
}

fn ty() -> impl Strategy<Value = Ty> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["bool", "int", "real", "string", "var"]).prop_map(Ty::Prim),
        "[A-Z][a-z]{0,4}(\\.[A-Z][a-z]{0,3})?".prop_map(Ty::Named),
    ];
    leaf.prop_recursive(3, 8, 1, |inner| {
        (prop::sample::select(vec!["list", "map", "model"]), inner)
            .prop_map(|(c, t)| Ty::Container(c, Box::new(t)))
    })
}

#[derive(Debug, Clone)]
struct Doc {
    props: Vec<(Option<&'static str>, Ty, Option<String>)>,
    ops: Vec<(Option<Ty>, Vec<Ty>, bool)>,
    signals: Vec<Vec<Ty>>,
    enums: Vec<(bool, Vec<Option<i64>>)>,
    fields: Vec<Ty>,
}

fn doc() -> impl Strategy<Value = Doc> {
    let prop = (
        prop::option::of(prop::sample::select(vec!["readonly", "const"])),
        ty(),
        prop::option::of("[a-z 0-9]{0,6}"),
    );
    let op = (
        prop::option::of(ty()),
        prop::collection::vec(ty(), 0..4),
        any::<bool>(),
    );
    let enumeration = (
        any::<bool>(),
        prop::collection::vec(prop::option::of(-1000i64..1000), 0..6),
    );
    (
        prop::collection::vec(prop, 0..6),
        prop::collection::vec(op, 0..4),
        prop::collection::vec(prop::collection::vec(ty(), 0..3), 0..3),
        prop::collection::vec(enumeration, 0..3),
        prop::collection::vec(ty(), 0..4),
    )
        .prop_map(|(props, ops, signals, enums, fields)| Doc {
            props,
            ops,
            signals,
            enums,
            fields,
        })
}

/// Lays the document out; `noisy` adds comments, separators and CRLF, otherwise it is as terse
/// as the grammar allows.
fn render(d: &Doc, noisy: bool) -> String {
    let (sep, comma, nl, comment) = if noisy {
        (";", ",", "\r\n", " /* c */ ")
    } else {
        ("", "", " ", " ")
    };
    let params = |ps: &[Ty]| {
        ps.iter()
            .enumerate()
            .map(|(i, t)| format!("{} a{i}{comma}", t.text()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut s = format!("module round.trip 1.0{sep}{nl}");
    if noisy {
        s.push_str("// a line comment\r\n");
    }
    s.push_str(&format!("interface I{comment}{{{nl}"));
    for (i, (modifier, t, default)) in d.props.iter().enumerate() {
        let m = modifier.map(|m| format!("{m} ")).unwrap_or_default();
        let v = default
            .as_ref()
            .map(|v| format!(" = \"{v}\""))
            .unwrap_or_default();
        s.push_str(&format!("{m}{} p{i}{v}{sep}{nl}", t.text()));
    }
    for (i, (ret, ps, is_const)) in d.ops.iter().enumerate() {
        let r = ret.as_ref().map_or("void".to_string(), Ty::text);
        let c = if *is_const { " const" } else { "" };
        s.push_str(&format!("{r} o{i}({}){c}{sep}{nl}", params(ps)));
    }
    for (i, ps) in d.signals.iter().enumerate() {
        s.push_str(&format!("signal s{i}({}){sep}{nl}", params(ps)));
    }
    s.push_str(&format!("}}{sep}{nl}"));
    for (e, (is_flag, members)) in d.enums.iter().enumerate() {
        let kw = if *is_flag { "flag" } else { "enum" };
        s.push_str(&format!("{kw} E{e}{comment}{{{nl}"));
        for (i, v) in members.iter().enumerate() {
            let v = v.map(|v| format!(" = {v}")).unwrap_or_default();
            s.push_str(&format!("M{i}{v}{comma}{nl}"));
        }
        s.push_str(&format!("}}{nl}"));
    }
    s.push_str(&format!("struct S{comment}{{{nl}"));
    for (i, t) in d.fields.iter().enumerate() {
        s.push_str(&format!("{} f{i}{sep}{nl}", t.text()));
    }
    s.push_str("}\n");
    s
}

fn type_text(v: &Value) -> String {
    let name = v["name"].as_str().unwrap_or_default();
    match v.get("nested") {
        Some(n) => format!("{name}<{}>", type_text(n)),
        None => name.to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn layout_does_not_change_the_model(d in doc()) {
        let terse = support::module(&render(&d, false));
        let noisy = support::module(&render(&d, true));
        prop_assert_eq!(&terse, &noisy);

        let props = &terse["interfaces"][0]["properties"];
        for (i, (modifier, t, default)) in d.props.iter().enumerate() {
            prop_assert_eq!(type_text(&props[i]["type"]), t.text());
            prop_assert_eq!(props[i]["readonly"].as_bool(), Some(*modifier == Some("readonly")));
            prop_assert_eq!(props[i]["const"].as_bool(), Some(*modifier == Some("const")));
            prop_assert_eq!(props[i]["value"].as_str(), default.as_deref());
        }
        let ops = &terse["interfaces"][0]["operations"];
        for (i, (ret, ps, is_const)) in d.ops.iter().enumerate() {
            prop_assert_eq!(type_text(&ops[i]["type"]), ret.as_ref().map_or("void".to_string(), Ty::text));
            prop_assert_eq!(ops[i]["parameters"].as_array().map(Vec::len), Some(ps.len()));
            prop_assert_eq!(ops[i]["const"].as_bool(), Some(*is_const));
        }
        for (e, (is_flag, members)) in d.enums.iter().enumerate() {
            let mut counter: i64 = i64::from(*is_flag);
            for (i, v) in members.iter().enumerate() {
                let expected = v.unwrap_or(counter);
                prop_assert_eq!(terse["enums"][e]["members"][i]["value"].as_i64(), Some(expected));
                counter = if *is_flag { counter * 2 } else { counter + 1 };
            }
        }
        let fields = &terse["structs"][0]["fields"];
        prop_assert_eq!(fields.as_array().map(Vec::len), Some(d.fields.len()));
    }
}
