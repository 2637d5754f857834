//! JSON (the oracle's `jsonable`).

use std::fmt::Write as _;

use super::value::{Key, Value};

impl Value {
    /// The JSON form the reference oracle prints (shared/oracle/dump.py `jsonable`):
    /// timestamps → their string, NaN/inf → ".nan"/".inf"/"-.inf", sets → sorted list,
    /// bytes → latin-1 string, `Key::Other` → its JSON text as the key. Numbers carry Python's
    /// text (`1e+16`, ints of any size) when serde_json has `arbitrary_precision`.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => number(&i.to_string()),
            Value::Float(f) if f.is_nan() => J::String(".nan".to_string()),
            Value::Float(f) if f.is_infinite() => {
                J::String(if *f > 0.0 { ".inf" } else { "-.inf" }.to_string())
            }
            Value::Float(f) => number(&py_float_repr(*f)),
            Value::Str(s) | Value::Timestamp(s) => J::String(s.clone()),
            Value::Bytes(bytes) => J::String(bytes.iter().map(|&b| char::from(b)).collect()),
            Value::Seq(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Set(items) => {
                let mut items: Vec<J> = items.iter().map(Value::to_json).collect();
                items.sort_by(py_order);
                J::Array(items)
            }
            Value::Map(map) => J::Object(
                map.iter()
                    .map(|(key, value)| {
                        let key = match key {
                            Key::Str(s) | Key::Other(s) => s.clone(),
                        };
                        (key, value.to_json())
                    })
                    .collect(),
            ),
        }
    }
}

/// A JSON number from its text (exact with serde_json's `arbitrary_precision`).
pub(super) fn number(text: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Number>(text)
        .map(serde_json::Value::Number)
        .unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}

/// Python's `sorted()` order for the JSON forms of set elements: numbers (and bools) by value,
/// strings by code point. Python refuses mixed types; here they sort by kind.
fn py_order(a: &serde_json::Value, b: &serde_json::Value) -> std::cmp::Ordering {
    use serde_json::Value as J;
    let numeric = |v: &J| match v {
        J::Bool(b) => Some(f64::from(u8::from(*b))),
        J::Number(n) => n.as_f64(),
        _ => None,
    };
    let rank = |v: &J| match v {
        J::Null => 0,
        J::Bool(_) | J::Number(_) => 1,
        J::String(_) => 2,
        _ => 3,
    };
    match (a, b) {
        (J::String(x), J::String(y)) => x.cmp(y),
        _ => match (numeric(a), numeric(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            _ => rank(a).cmp(&rank(b)),
        },
    }
}

/// Python's `repr(float)` for a finite float: the shortest round-trip digits, positional for
/// exponents -4..16, otherwise `d.ddde+XX`.
pub(super) fn py_float_repr(f: f64) -> String {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let point = exponent + 1; // digits before the decimal point
    if !(-4 < point && point <= 16) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{rest}e{esign}{:02}", exponent.abs());
    }
    if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        return format!("{sign}0.{zeros}{digits}");
    }
    let point = point as usize;
    if digits.len() <= point {
        let zeros = "0".repeat(point - digits.len());
        format!("{sign}{digits}{zeros}.0")
    } else {
        let (int, frac) = digits.split_at(point);
        format!("{sign}{int}.{frac}")
    }
}

/// `json.dumps` of a string with Python's default `ensure_ascii`.
pub(super) fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::py_float_repr;

    #[test]
    fn python_float_repr() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (10.0, "10.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.5e300, "1.5e+300"),
            (123.456, "123.456"),
            (5e-324, "5e-324"),
        ];
        for (value, text) in cases {
            assert_eq!(py_float_repr(value), text);
        }
    }
}
