//! Helpers for the capture tests: reading the proxy logs and rendering decoded packets the way
//! the Python reference decoder prints them (`shared/qtro/reference/decode_log.py`).

use std::fmt::Write as _;
use std::path::PathBuf;

use ifw_qtro::codec::{ClassDefinition, EnumDef, Value};
use ifw_qtro::{Call, Packet};

/// The captures folder: `$IFW_SHARED/qtro/captures`, or `shared/qtro/captures` beside the
/// workspace. Panics with a clear message when it is missing: the capture tests must never pass
/// on no data.
pub(crate) fn captures_dir() -> PathBuf {
    let shared = std::env::var_os("IFW_SHARED").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared")),
        PathBuf::from,
    );
    let dir = shared.join("qtro/captures");
    assert!(
        dir.is_dir(),
        "QtRO captures not found at {}: the golden-byte tests need shared/qtro/captures \
         next to the workspace (CI provides it)",
        dir.display()
    );
    dir
}

/// One TCP chunk of a capture log.
pub(crate) struct Chunk {
    /// `S2C` (source → replica) or `C2S`.
    pub(crate) direction: String,
    /// The connection number.
    pub(crate) connection: u32,
    /// The bytes.
    pub(crate) bytes: Vec<u8>,
}

/// Parses a `*.log` file: `DIR CONN t_us HEX` lines, `#` comments.
pub(crate) fn read_log(text: &str) -> Vec<Chunk> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(fields.len(), 4, "bad log line: {line}");
            Chunk {
                direction: fields[0].to_owned(),
                connection: fields[1].parse().expect("connection number"),
                bytes: hex(fields[3]),
            }
        })
        .collect()
}

/// Decodes a hex string (whitespace ignored).
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// One packet of a `*.decoded.txt`: its type name and its `decoded:` line.
pub(crate) struct Decoded {
    /// The packet type name, or `UNDECODED`.
    pub(crate) type_name: String,
    /// What follows `decoded: `.
    pub(crate) fields: String,
}

/// Parses a `*.decoded.txt` file.
pub(crate) fn read_decoded(text: &str) -> Vec<Decoded> {
    let mut out = Vec::new();
    let mut type_name = None;
    for line in text.lines() {
        if line.starts_with('[') {
            type_name = line.split_whitespace().nth(4).map(str::to_owned);
        } else if let Some(fields) = line.trim_start().strip_prefix("decoded: ") {
            out.push(Decoded {
                type_name: type_name.take().expect("decoded line without header"),
                fields: fields.to_owned(),
            });
        }
    }
    out
}

/// Python's `repr` of a string.
fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn py_opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "None".to_owned(), py_str)
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

fn py_bytes(b: Option<&[u8]>) -> String {
    match b {
        None => "None".to_owned(),
        Some(b) => format!("b{}", py_str(&String::from_utf8_lossy(b))),
    }
}

fn py_list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    format!("[{}]", items.iter().map(f).collect::<Vec<_>>().join(", "))
}

/// Renders a value as the reference decoder's `QV.__repr__` does.
pub(crate) fn py_variant(v: &Value) -> String {
    let (type_name, payload) = match v {
        Value::Invalid => return "QVariant<0>(None)".to_owned(),
        Value::Bool(b) => ("bool".to_owned(), py_bool(*b).to_owned()),
        Value::Int(i) => ("int".to_owned(), i.to_string()),
        Value::Double(d) => ("double".to_owned(), format!("{d:?}")),
        Value::String(s) => ("QString".to_owned(), py_opt_str(s.as_deref())),
        Value::List(items) => ("QVariantList".to_owned(), py_list(items, py_variant)),
        Value::Gadget(g) => {
            let fields: Vec<String> = g
                .fields
                .iter()
                .map(|(n, v)| format!("{}: {}", py_str(n), py_variant(v)))
                .collect();
            (
                g.type_name.clone(),
                format!(
                    "{{'gadget': {}, 'fields': {{{}}}}}",
                    py_str(&g.type_name),
                    fields.join(", ")
                ),
            )
        }
        Value::Pair(p) => (
            p.type_name.clone(),
            format!("({}, {})", py_raw(&p.first), py_raw(&p.second)),
        ),
        Value::Associative(a) => {
            let entries: Vec<String> = a
                .entries
                .iter()
                .map(|(k, v)| format!("{}: {}", py_raw(k), py_raw(v)))
                .collect();
            (a.type_name.clone(), format!("{{{}}}", entries.join(", ")))
        }
        other => panic!("no Python rendering for {other:?}"),
    };
    format!("QVariant<{type_name}>({payload})")
}

/// Renders a raw (header-less) container element as the reference decoder's plain values.
fn py_raw(v: &Value) -> String {
    match v {
        Value::String(s) => py_opt_str(s.as_deref()),
        Value::Int(i) => i.to_string(),
        Value::SourceLocationInfo(info) => format!(
            "{{'typeName': {}, 'hostUrl': {}}}",
            py_opt_str(info.type_name.as_deref()),
            py_opt_str(info.host_url.as_deref())
        ),
        other => panic!("no raw Python rendering for {other:?}"),
    }
}

fn py_enum(e: &EnumDef) -> String {
    format!(
        "{{'name': {}, 'isFlag': {}, 'isScoped': {}, 'size': {}, 'keys': {}}}",
        py_str(&e.name),
        py_bool(e.is_flag),
        py_bool(e.is_scoped),
        e.size,
        py_list(&e.keys, |k| format!("({}, {})", py_str(&k.name), k.value))
    )
}

fn py_definition(d: &ClassDefinition) -> String {
    let names = |ns: &[String]| py_list(ns, |n| py_str(n));
    let mut s = String::new();
    let _ = write!(
        s,
        "{{'typeName': {}, 'enums': {}, 'qtEnums': {}, 'gadgets': {}, ",
        py_opt_str(d.type_name.as_deref()),
        py_list(&d.enums, py_enum),
        names(&d.qt_enums),
        py_list(&d.gadgets, |g| format!(
            "{{'name': {}, 'props': {}, 'enums': {}}}",
            py_str(&g.name),
            py_list(&g.fields, |f| format!(
                "({}, {})",
                py_str(&f.name),
                py_str(&f.type_name)
            )),
            py_list(&g.enums, py_enum)
        )),
    );
    let _ = write!(
        s,
        "'signals': {}, 'methods': {}, 'properties': {}}}",
        py_list(&d.signals, |x| format!(
            "({}, {})",
            py_str(&x.signature),
            names(&x.parameter_names)
        )),
        py_list(&d.methods, |m| format!(
            "({}, {}, {})",
            py_str(&m.signature),
            py_str(&m.return_type),
            names(&m.parameter_names)
        )),
        py_list(&d.properties, |p| format!(
            "({}, {}, {})",
            py_str(&p.name),
            py_str(&p.type_name),
            py_str(p.notify_signature.as_deref().unwrap_or_default())
        )),
    );
    s
}

/// Renders a packet as the reference decoder's `decoded:` dict.
pub(crate) fn py_packet(p: &Packet) -> String {
    let values = |vs: &[Value]| py_list(vs, py_variant);
    match p {
        Packet::Handshake { version } => format!("{{'name': {}}}", py_str(version)),
        Packet::RemoveObject { name } | Packet::Ping { name } | Packet::Pong { name } => {
            format!("{{'name': {}}}", py_str(name))
        }
        Packet::Init { name, properties } => format!(
            "{{'name': {}, 'properties': {}}}",
            py_str(name),
            values(properties)
        ),
        Packet::InitDynamic {
            name,
            definition,
            properties,
        } => format!(
            "{{'name': {}, 'definition': {}, 'properties': {}}}",
            py_str(name),
            py_definition(definition),
            values(properties)
        ),
        Packet::AddObject { name, is_dynamic } => format!(
            "{{'name': {}, 'isDynamic': {}}}",
            py_str(name),
            py_bool(*is_dynamic)
        ),
        Packet::Invoke(i) => {
            let call = match i.call {
                Call::InvokeMetaMethod => 0,
                Call::WriteProperty => 2,
                Call::Other(c) => c,
            };
            format!(
                "{{'name': {}, 'call': {call}, 'index': {}, 'args': {}, 'serialId': {}, \
                 'propertyIndex': {}}}",
                py_str(&i.name),
                i.index,
                values(&i.args),
                i.serial_id,
                i.property_index
            )
        }
        Packet::InvokeReply {
            name,
            acked_serial_id,
            value,
        } => format!(
            "{{'name': {}, 'ackedSerialId': {acked_serial_id}, 'value': {}}}",
            py_str(name),
            py_variant(value)
        ),
        Packet::PropertyChange { name, index, value } => format!(
            "{{'name': {}, 'index': {index}, 'value': {}}}",
            py_str(name),
            py_variant(value)
        ),
        Packet::ObjectList(objects) => format!(
            "{{'objects': {}}}",
            py_list(objects, |o| format!(
                "{{'name': {}, 'typeName': {}, 'signature': {}}}",
                py_str(&o.name),
                py_opt_str(o.type_name.as_deref()),
                py_bytes(o.signature.as_deref())
            ))
        ),
    }
}
