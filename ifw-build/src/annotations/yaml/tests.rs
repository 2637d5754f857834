//! Tests of the whole loader against PyYAML's results.

use super::*;

/// Expected result: the oracle's JSON text, or an error with PyYAML's 0-based
/// `problem_mark` (line, column) when it has one.
type Expected = Result<&'static str, Option<(usize, usize)>>;

/// Inputs with the result PyYAML 6.0.4 `CSafeLoader` + the oracle's `jsonable` give.
const CASES: &[(&str, Expected)] = &[
    // YAML 1.1 booleans
    (
        "a: yes\nb: No\nc: on\nd: OFF\ne: TRUE\nf: y\ng: n\nh: Yes",
        Ok(
            "{\"a\":true,\"b\":false,\"c\":true,\"d\":false,\"e\":true,\"f\":\"y\",\"g\":\"n\",\"h\":true}",
        ),
    ),
    // nulls
    (
        "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: nul",
        Ok("{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null,\"f\":\"nul\"}"),
    ),
    // binary, octal, hex, underscores
    (
        "[0b1010, 017, -0x1F, 1_000, +12, 0, -0, 0_, 09, 0o17]",
        Ok("[10,15,-31,1000,12,0,0,0,\"09\",\"0o17\"]"),
    ),
    // sexagesimal
    (
        "[1:20, -1:30, 190:20:30, 1:60, 1:20.5]",
        Ok("[80,-90,685230,\"1:60\",80.5]"),
    ),
    // floats need a dot
    (
        "[10., 1e3, 1.e+3, 1.0e3, .5, -.5, +1.5, 1_0.0_1]",
        Ok("[10.0,\"1e3\",1000.0,\"1.0e3\",0.5,\"-.5\",1.5,10.01]"),
    ),
    // special floats
    (
        "[.inf, -.Inf, +.INF, .NaN, .nan, +.nan]",
        Ok("[\".inf\",\"-.inf\",\".inf\",\".nan\",\".nan\",\"+.nan\"]"),
    ),
    // float repr
    (
        "[100000000000000000.0, 1.0e+20, 0.1, 1.e-5, 0.0001, 123.456, -0.0]",
        Ok("[1e+17,1e+20,0.1,1e-05,0.0001,123.456,-0.0]"),
    ),
    // dates
    (
        "[2001-12-14, 2001-1-2, 2000-02-29]",
        Ok("[\"2001-12-14\",\"2001-1-2\",\"2000-02-29\"]"),
    ),
    // datetimes
    (
        "- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10 -5\n- 2001-12-14 21:59:43.1234567Z\n- 2001-12-14 2:59:43\n- 2001-12-15T02:59:43+05:30",
        Ok(
            "[\"2001-12-14T21:59:43.100000-05:00\",\"2001-12-14T21:59:43.100000-05:00\",\"2001-12-14T21:59:43.123456+00:00\",\"2001-12-14T02:59:43\",\"2001-12-15T02:59:43+05:30\"]",
        ),
    ),
    // invalid date
    ("d: 2001-13-14", Err(None)),
    // explicit timestamp
    ("!!timestamp 2001-1-2", Ok("\"2001-01-02\"")),
    // quoted and block scalars are strings
    (
        "a: 'yes'\nb: \"1\"\nc: |\n  10.\nd: >-\n  ~\n",
        Ok("{\"a\":\"yes\",\"b\":\"1\",\"c\":\"10.\\n\",\"d\":\"~\"}"),
    ),
    // literal and folded
    (
        "a: |\n  x\n  y\nb: >\n  a\n  b\n\n  c\n",
        Ok("{\"a\":\"x\\ny\\n\",\"b\":\"a b\\nc\\n\"}"),
    ),
    // block scalar at end without line break
    ("a: |\n  x\n  y", Ok("{\"a\":\"x\\ny\"}")),
    // merge key
    (
        "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
        Ok("{\"base\":{\"x\":1,\"y\":2},\"d\":{\"x\":1,\"y\":3}}"),
    ),
    // merge list: first wins
    (
        "a: &a {n: 1}\nb: &b {n: 2}\nc: {<<: [*a, *b]}",
        Ok("{\"a\":{\"n\":1},\"b\":{\"n\":2},\"c\":{\"n\":1}}"),
    ),
    // merge list quirk: longer keys dedupe by node
    (
        "a: &a {name: 1}\nb: &b {name: 2}\nc: {<<: [*a, *b]}",
        Ok("{\"a\":{\"name\":1},\"b\":{\"name\":2},\"c\":{\"name\":2}}"),
    ),
    // merge needs mappings
    ("{<<: 1}", Err(Some((0, 5)))),
    // value key
    ("{=: 1}", Ok("{\"=\":1}")),
    // value tag has no constructor
    ("a: =", Err(Some((0, 3)))),
    // merge tag has no constructor
    ("a: <<", Err(Some((0, 3)))),
    // explicit scalar tags
    (
        "- !!str 1\n- !!int \"12\"\n- !!float 1\n- !!bool TRUE\n- !!null x\n- !!int 0o17",
        Ok("[\"1\",12,1.0,true,null,15]"),
    ),
    // binary
    (
        "- !!binary aGVsbG8=\n- !!binary \"aG Vs\\nbG8=\"\n- !!binary 6Q==",
        Ok("[\"hello\",\"hello\",\"é\"]"),
    ),
    // bad binary
    ("!!binary aGVsbG8", Err(Some((0, 0)))),
    // set
    ("!!set {b, a, c}", Ok("[\"a\",\"b\",\"c\"]")),
    // omap and pairs
    (
        "o: !!omap [a: 1, b: 2]\np: !!pairs [a: 1, a: 2]",
        Ok("{\"o\":[[\"a\",1],[\"b\",2]],\"p\":[[\"a\",1],[\"a\",2]]}"),
    ),
    // seq tag on a mapping
    ("!!seq {a: 1}", Err(Some((0, 0)))),
    // unknown tag
    ("!foo x", Err(Some((0, 0)))),
    // non-specific tag resolves
    ("[! 123, ! \"123\", ! a, !]", Err(Some((0, 23)))),
    // verbatim and %TAG
    (
        "%TAG !e! tag:yaml.org,2002:\n---\n[!e!int \"7\", !<tag:yaml.org,2002:str> 5]",
        Ok("[7,\"5\"]"),
    ),
    // python tags are refused
    ("!!python/str x", Err(Some((0, 0)))),
    // non-string keys
    (
        "{1: a, 1.5: b, ~: c, true: d, 2001-12-14: e, 1e3: f}",
        Ok("{\"1\":\"d\",\"1.5\":\"b\",\"null\":\"c\",\"\\\"2001-12-14\\\"\":\"e\",\"1e3\":\"f\"}"),
    ),
    // equal keys: 1, 1.0 and true
    ("{1: a, true: b, 1.0: c}", Ok("{\"1\":\"c\"}")),
    // unhashable key
    ("{[a]: 1}", Err(Some((0, 1)))),
    // duplicate keys: first position, last value
    ("{a: 1, b: 2, a: 3}", Ok("{\"a\":3,\"b\":2}")),
    // anchors and aliases
    ("[&x 1, *x, &y [*x], *y]", Ok("[1,1,[1],[1]]")),
    // undefined alias
    ("[a, *x]", Err(Some((0, 4)))),
    // duplicate anchor
    ("[&a 1, &a 2]", Err(Some((0, 7)))),
    // anchor name charset
    ("[&a.b 1]", Err(Some((0, 3)))),
    // flow ':' before '['
    ("{ range:[0, 50] }", Err(Some((0, 7)))),
    // flow ':' before ','
    ("{a:, b}", Err(Some((0, 2)))),
    // flow ':' before '?'
    ("{a:?b}", Err(Some((0, 2)))),
    // flow ':' inside a key
    ("{b:c: 1}", Ok("{\"b:c\":1}")),
    // flow empty key
    ("{a: 1, : b}", Err(Some((0, 7)))),
    // flow key spanning lines
    ("{a\n: 1}", Err(Some((1, 0)))),
    // tag lines '@foo' '@bar: 1'
    ("foo\nbar: 1", Err(Some((1, 3)))),
    // two documents
    ("a: 1\n---\nb: 2", Err(Some((1, 0)))),
    // empty stream
    ("", Ok("null")),
    // only a comment
    ("# nothing", Ok("null")),
    // explicit empty document
    ("---\n...", Ok("null")),
    // %YAML 1.1
    ("%YAML 1.1\n---\na: 1", Ok("{\"a\":1}")),
    // %YAML 2.0
    ("%YAML 2.0\n---\na: 1", Err(Some((0, 0)))),
    // unknown directive
    ("%FOO bar\n---\na", Err(Some((0, 4)))),
    // tab at line start
    ("\ta: 1", Err(Some((0, 0)))),
    // tab after key colon
    ("a:\tb", Ok("{\"a\":\"b\"}")),
    // tab after block entry
    ("-\tfoo", Err(Some((0, 1)))),
    // tab in flow
    ("a: [1,\n\t2]", Ok("{\"a\":[1,2]}")),
    // tab before a plain continuation
    ("a: b\n\tc", Err(Some((1, 0)))),
    // tab in quoted continuation
    ("a: \"x\n\ty\"", Ok("{\"a\":\"x y\"}")),
    // control character
    ("a: \u{1}", Err(None)),
    // anchor name ends at ':'
    ("{&id: x}", Ok("{\"null\":\"x\"}")),
    // '?' in flow is the key indicator
    ("{?a: 1}", Ok("{\"a\":1}")),
    // tab before content in a flow line
    ("config: {\n\t id: 1}", Ok("{\"config\":{\"id\":1}}")),
    // NEL is a line break
    ("a: 1\u{85}b: 2", Ok("{\"a\":1,\"b\":2}")),
    // tag must be followed by a blank
    ("[!!str]", Err(Some((0, 6)))),
    // comment right after a flow mapping
    ("a: {b: 1}#c", Ok("{\"a\":{\"b\":1}}")),
    // lone dash in flow
    ("[-, a]", Ok("[\"-\",\"a\"]")),
    // flow lines at column 0
    (
        "config: {a: 1,\nb: 2}",
        Ok("{\"config\":{\"a\":1,\"b\":2}}"),
    ),
    // quoted continuation at column 0
    ("a: 'x\ny'", Ok("{\"a\":\"x y\"}")),
    // big int
    (
        "123456789012345678901234567890",
        Ok("123456789012345678901234567890"),
    ),
    // real: simulator limits
    (
        "config_simulator: { minimum: 10., maximum: 30 }",
        Ok("{\"config_simulator\":{\"minimum\":10.0,\"maximum\":30}}"),
    ),
    // real: config
    (
        "config: {zoned: true, id: \"org.qt-project.Qt.Example\"}",
        Ok("{\"config\":{\"zoned\":true,\"id\":\"org.qt-project.Qt.Example\"}}"),
    ),
    // real: domain
    (
        "config_simulator: { domain: [\"a\", \"b\"] }",
        Ok("{\"config_simulator\":{\"domain\":[\"a\",\"b\"]}}"),
    ),
    // real: '@ a: 1 // x'
    (" a: 1 // x", Ok("{\"a\":\"1 // x\"}")),
    // real: several tag lines
    (
        "config: { zoned: true }\nconfig_simulator: { default: 15 }\ndesigner: { name: \"Climate Control\" }",
        Ok(
            "{\"config\":{\"zoned\":true},\"config_simulator\":{\"default\":15},\"designer\":{\"name\":\"Climate Control\"}}",
        ),
    ),
    // real: block YAML across lines
    (
        "config:\n  zoned: true\n  id: example.qtivi.ClimateControl/1.0\nasync: true",
        Ok(
            "{\"config\":{\"zoned\":true,\"id\":\"example.qtivi.ClimateControl/1.0\"},\"async\":true}",
        ),
    ),
    // real: sidecar file
    (
        "org.example.echo:\n    config:\n        disablePrivateIVI: true\norg.example.echo.Echo#intValue:\n    config_simulator:\n        range: [10, 33]\n        default: 11\n",
        Ok(
            "{\"org.example.echo\":{\"config\":{\"disablePrivateIVI\":true}},\"org.example.echo.Echo#intValue\":{\"config_simulator\":{\"range\":[10,33],\"default\":11}}}",
        ),
    ),
    // real: quoted URL
    (
        "config_simulator: { simulationFile: \"qrc:/simulation.qml\" }",
        Ok("{\"config_simulator\":{\"simulationFile\":\"qrc:/simulation.qml\"}}"),
    ),
    // real: getter
    (
        "config: { getter_name: \"isEchoEnabled\" }",
        Ok("{\"config\":{\"getter_name\":\"isEchoEnabled\"}}"),
    ),
];

#[test]
fn matches_pyyaml() {
    let mut failures = Vec::new();
    for (text, expected) in CASES {
        let got = load(text);
        let ok = match (&got, expected) {
            (Ok(value), Ok(json)) => {
                serde_json::from_str::<serde_json::Value>(json).ok() == Some(value.to_json())
            }
            (Err(err), Err(Some((line, column)))) => err.line == *line && err.column == *column,
            (Err(_), Err(None)) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!("{text:?}: got {got:?}, expected {expected:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn map(entries: &[(Key, Value)]) -> Value {
    Value::Map(entries.iter().cloned().collect())
}

#[test]
fn builds_python_types() {
    let value = load("a: 1\nb: 2.5\nc: 2001-12-14\nd: !!binary 6Q==\ne: !!set {x}\n1: ~").ok();
    let expected = map(&[
        (Key::Str("a".into()), Value::Int(1)),
        (Key::Str("b".into()), Value::Float(2.5)),
        (Key::Str("c".into()), Value::Timestamp("2001-12-14".into())),
        (Key::Str("d".into()), Value::Bytes(vec![0xe9])),
        (
            Key::Str("e".into()),
            Value::Set(vec![Value::Str("x".into())]),
        ),
        (Key::Other("1".into()), Value::Null),
    ]);
    assert_eq!(value, Some(expected));
}

#[test]
fn non_string_keys_are_json_text() {
    let value = load("{2001-12-14: a, 1.5: b, ~: c, true: d, 1e16: e, !!float 1e16: f, .nan: g}");
    let keys: Vec<Key> = match value {
        Ok(Value::Map(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let other = |s: &str| Key::Other(s.to_string());
    let expected = vec![
        other("\"2001-12-14\""),
        other("1.5"),
        other("null"),
        other("true"),
        Key::Str("1e16".into()),
        other("1e+16"),
        other("\".nan\""),
    ];
    assert_eq!(keys, expected);
}

#[test]
fn empty_streams_are_null() {
    for text in ["", "\n", "# c", "---", "--- \n...\n"] {
        assert_eq!(load(text).ok(), Some(Value::Null), "{text:?}");
    }
}

#[test]
fn errors_point_into_the_text() {
    let err = load("config: { range:[0, 50] }").err();
    let err = err
        .as_ref()
        .map(|e| (e.line, e.column, e.message.contains("found unexpected ':'")));
    assert_eq!(err, Some((0, 15, true)));
    let err = load("a: 1\nb: [1,\n  2\nc: 3")
        .err()
        .map(|e| (e.line, e.column));
    assert!(err.is_some_and(|(line, _)| line >= 2), "{err:?}");
    let shown = load("a: b: c")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(shown.contains("(line 1, column 5)"), "{shown}");
}

#[test]
fn ints_use_the_full_i128_range() {
    assert_eq!(
        load("-170141183460469231731687303715884105728").ok(),
        Some(Value::Int(i128::MIN))
    );
    assert!(load("170141183460469231731687303715884105728").is_err());
    assert_eq!(
        load("123456789012345678901234567890")
            .ok()
            .map(|v| v.to_json().to_string()),
        Some("123456789012345678901234567890".to_string())
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut text = String::from("a0: &a0 [x]\n");
    for i in 1..700 {
        text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    assert!(load(&text).is_err());
    let brackets = format!("{}{}", "[".repeat(2000), "]".repeat(2000));
    assert!(load(&brackets).is_err());
    assert!(load("&r [1, *r]").is_err());
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..8 {
        let items = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    let message = load(&text).err().map(|e| e.message).unwrap_or_default();
    assert!(message.contains("too large"), "{message}");
}

/// Every prefix and a few corruptions of a text using most of the syntax: any result, but
/// no panic.
#[test]
fn never_panics() {
    let text = "%YAML 1.1\n--- !!map\nbase: &b {x: 1, 'y': \"2\\n\"}\nd:\n  <<: [*b]\n  ? [k]\n  : |+\n    lit\n  f: >-\n    a\n  s: !!set {a, b}\n  t: 2001-12-14 1:2:03.5 +1\n  - x\n\t{a:[b,]}\n...\n";
    let chars: Vec<char> = text.chars().collect();
    for end in 0..=chars.len() {
        let prefix: String = chars.iter().take(end).collect();
        let _ = load(&prefix);
        for insert in [
            '\t', ':', '?', '-', '#', '&', '*', '!', '|', '"', '\'', '[', '}', '\n', '\u{85}',
        ] {
            let mut changed = chars.clone();
            changed.insert(end, insert);
            let changed: String = changed.into_iter().collect();
            let _ = load(&changed);
        }
    }
}
