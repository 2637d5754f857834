//! Constructor: Python's `int()`/`float()`, `!!binary`, and plain scalars on their own.

use super::resolve::{
    TAG_BOOL, TAG_FLOAT, TAG_INT, TAG_NULL, TAG_STR, TAG_TIMESTAMP, resolve_implicit,
};
use super::timestamp::Timestamp;
use super::value::Value;

/// Python's `int(text)` (base 10) or `int(text, base)`: surrounding whitespace, one sign, and
/// the matching `0b`/`0o`/`0x` prefix for bases 2, 8 and 16. `negate` multiplies by -1 (the
/// constructor's own sign), so that `i128::MIN` still fits.
fn py_int(text: &str, base: u32, negate: bool) -> Result<i128, String> {
    let invalid = || format!("invalid literal for int() with base {base}: {text:?}");
    let trimmed = text.trim();
    let (minus, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let negative = minus != negate;
    let prefix = match base {
        2 => Some(["0b", "0B"]),
        8 => Some(["0o", "0O"]),
        16 => Some(["0x", "0X"]),
        _ => None,
    };
    let digits = prefix
        .and_then(|p| p.iter().find_map(|p| digits.strip_prefix(p)))
        .unwrap_or(digits);
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return Err(invalid());
    }
    let mut value: i128 = 0;
    for c in digits.chars() {
        let digit = i128::from(c.to_digit(base).unwrap_or(0));
        value = value
            .checked_mul(i128::from(base))
            .and_then(|v| {
                if negative {
                    v.checked_sub(digit)
                } else {
                    v.checked_add(digit)
                }
            })
            .ok_or_else(|| format!("integer {text} does not fit in 128 bits"))?;
    }
    Ok(value)
}

/// `construct_yaml_int`.
pub(super) fn construct_int(text: &str) -> Result<i128, String> {
    let value: String = text.chars().filter(|&c| c != '_').collect();
    let negative = value.starts_with('-');
    let body = value.strip_prefix(['-', '+']).unwrap_or(&value);
    if value.is_empty() {
        return Err("invalid integer: empty value".to_string());
    }
    if body == "0" {
        Ok(0)
    } else if let Some(bin) = body.strip_prefix("0b") {
        py_int(bin, 2, negative)
    } else if let Some(hex) = body.strip_prefix("0x") {
        py_int(hex, 16, negative)
    } else if body.starts_with('0') {
        py_int(body, 8, negative)
    } else if body.contains(':') {
        // Sexagesimal: `1:20` is 1*60 + 20.
        let too_large = || format!("integer {text} does not fit in 128 bits");
        let mut total: i128 = 0;
        let mut base: i128 = 1;
        for part in body.split(':').rev() {
            let digit = py_int(part, 10, negative)?;
            total = digit
                .checked_mul(base)
                .and_then(|d| total.checked_add(d))
                .ok_or_else(too_large)?;
            base = base.checked_mul(60).unwrap_or(i128::MAX);
        }
        Ok(total)
    } else {
        py_int(body, 10, negative)
    }
}

/// Python's `float(text)`: surrounding whitespace, decimal or `inf`/`infinity`/`nan`.
fn py_float(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let body = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    let special = matches!(
        body.to_ascii_lowercase().as_str(),
        "inf" | "infinity" | "nan"
    );
    let numeric = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    if !special && !numeric {
        return Err(format!("could not convert string to float: {text:?}"));
    }
    trimmed
        .parse::<f64>()
        .map_err(|_| format!("could not convert string to float: {text:?}"))
}

/// `construct_yaml_float`.
pub(super) fn construct_float(text: &str) -> Result<f64, String> {
    let value: String = text
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_lowercase();
    let sign = if value.starts_with('-') { -1.0 } else { 1.0 };
    let body = value.strip_prefix(['-', '+']).unwrap_or(&value);
    if value.is_empty() {
        return Err("invalid float: empty value".to_string());
    }
    if body == ".inf" {
        Ok(sign * f64::INFINITY)
    } else if body == ".nan" {
        Ok(f64::NAN)
    } else if body.contains(':') {
        let mut total = 0.0;
        let mut base = 1.0;
        for part in body.split(':').rev() {
            total += py_float(part)? * base;
            base *= 60.0;
        }
        Ok(sign * total)
    } else {
        Ok(sign * py_float(body)?)
    }
}

/// `construct_yaml_binary`: ASCII only, then `base64.decodebytes`, i.e. binascii's
/// non-strict `a2b_base64`: characters outside the alphabet are skipped, and a complete pad
/// ends the data.
pub(super) fn construct_binary(text: &str) -> Result<Vec<u8>, String> {
    if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
        return Err(format!(
            "failed to convert base64 data into ascii: {c:?} is not ASCII"
        ));
    }
    let sextet = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut quad, mut pads, mut left) = (0u8, 0u8, 0u8);
    let mut data_chars = 0usize;
    for c in text.bytes() {
        if c == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = sextet(c) else { continue };
        pads = 0;
        data_chars += 1;
        match quad {
            0 => left = v,
            1 => {
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => out.push((left << 6) | v),
        }
        quad = (quad + 1) % 4;
    }
    match quad {
        0 => Ok(out),
        1 => Err(format!(
            "failed to decode base64 data: Invalid base64-encoded string: number of data characters ({data_chars}) cannot be 1 more than a multiple of 4"
        )),
        _ => Err("failed to decode base64 data: Incorrect padding".to_string()),
    }
}

/// The value of a plain (unquoted, untagged) scalar as PyYAML resolves and constructs it; `None`
/// for the forms that need the full loader (merge keys, `=`, YAML tags) or fail to construct.
pub(crate) fn plain_scalar(text: &str) -> Option<Value> {
    // Shortcuts for the commonest scalars; `resolve_implicit` decides everything else. No
    // implicit resolver starts with a letter outside `yYnNtTfFoO`, so such words are strings.
    let first = text.as_bytes().first().copied().unwrap_or(b'~');
    if first.is_ascii_alphabetic() && !b"yYnNtTfFoO".contains(&first) || first == b'_' {
        return Some(Value::Str(text.to_string()));
    }
    if first != b'0'
        && text.bytes().all(|b| b.is_ascii_digit())
        && let Ok(v) = text.parse::<i128>()
    {
        return Some(Value::Int(v));
    }
    match resolve_implicit(text) {
        TAG_NULL => Some(Value::Null),
        TAG_BOOL => match text.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" => Some(Value::Bool(true)),
            "no" | "false" | "off" => Some(Value::Bool(false)),
            _ => None,
        },
        TAG_INT => construct_int(text).ok().map(Value::Int),
        TAG_FLOAT => construct_float(text).ok().map(Value::Float),
        TAG_TIMESTAMP => Timestamp::parse(text, false)?
            .isoformat()
            .ok()
            .map(Value::Timestamp),
        TAG_STR => Some(Value::Str(text.to_string())),
        _ => None,
    }
}
