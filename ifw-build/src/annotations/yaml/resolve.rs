//! Composer and resolver: the YAML 1.1 tag names and PyYAML's implicit resolvers
//! (`yaml/resolver.py`), their regexps written as functions.

use super::timestamp::Timestamp;

pub(super) const TAG_NULL: &str = "tag:yaml.org,2002:null";
pub(super) const TAG_BOOL: &str = "tag:yaml.org,2002:bool";
pub(super) const TAG_INT: &str = "tag:yaml.org,2002:int";
pub(super) const TAG_FLOAT: &str = "tag:yaml.org,2002:float";
pub(super) const TAG_BINARY: &str = "tag:yaml.org,2002:binary";
pub(super) const TAG_TIMESTAMP: &str = "tag:yaml.org,2002:timestamp";
pub(super) const TAG_OMAP: &str = "tag:yaml.org,2002:omap";
pub(super) const TAG_PAIRS: &str = "tag:yaml.org,2002:pairs";
pub(super) const TAG_SET: &str = "tag:yaml.org,2002:set";
pub(super) const TAG_STR: &str = "tag:yaml.org,2002:str";
pub(super) const TAG_SEQ: &str = "tag:yaml.org,2002:seq";
pub(super) const TAG_MAP: &str = "tag:yaml.org,2002:map";
pub(super) const TAG_MERGE: &str = "tag:yaml.org,2002:merge";
pub(super) const TAG_VALUE: &str = "tag:yaml.org,2002:value";
const TAG_YAML: &str = "tag:yaml.org,2002:yaml";

/// A resolver regexp, as a function.
type Matcher = fn(&str) -> bool;

/// PyYAML's `Resolver.resolve` for a plain scalar: the implicit resolvers registered for the
/// value's first character, in registration order (bool, float, int, merge, null, timestamp,
/// value, yaml). Python's `$` also matches before one final `\n`.
pub(super) fn resolve_implicit(value: &str) -> &'static str {
    let body = value.strip_suffix('\n').unwrap_or(value);
    let test = |f: fn(&str) -> bool| f(value) || (body.len() != value.len() && f(body));
    let first = value.chars().next();
    let mut candidates: Vec<(&'static str, Matcher)> = Vec::new();
    match first {
        None => candidates.push((TAG_NULL, is_null)),
        Some(c) => {
            if "yYnNtTfFoO".contains(c) {
                candidates.push((TAG_BOOL, is_bool));
            }
            if "-+0123456789.".contains(c) {
                candidates.push((TAG_FLOAT, is_float));
            }
            if "-+0123456789".contains(c) {
                candidates.push((TAG_INT, is_int));
            }
            if c == '<' {
                candidates.push((TAG_MERGE, |v| v == "<<"));
            }
            if "~nN".contains(c) {
                candidates.push((TAG_NULL, is_null));
            }
            if c.is_ascii_digit() {
                candidates.push((TAG_TIMESTAMP, |v| Timestamp::parse(v, true).is_some()));
            }
            if c == '=' {
                candidates.push((TAG_VALUE, |v| v == "="));
            }
            if "!&*".contains(c) {
                candidates.push((TAG_YAML, |v| matches!(v, "!" | "&" | "*")));
            }
        }
    }
    candidates
        .into_iter()
        .find(|(_, f)| test(*f))
        .map_or(TAG_STR, |(tag, _)| tag)
}

/// `^(?:~|null|Null|NULL|)$`
fn is_null(v: &str) -> bool {
    matches!(v, "~" | "null" | "Null" | "NULL" | "")
}

/// `^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`
/// (YAML 1.1: `y` and `n` are strings in PyYAML).
fn is_bool(v: &str) -> bool {
    matches!(
        v,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

fn strip_sign(v: &str) -> &str {
    v.strip_prefix(['-', '+']).unwrap_or(v)
}

fn all_in(v: &str, f: impl Fn(char) -> bool) -> bool {
    v.chars().all(f)
}

fn is_digit_or_underscore(c: char) -> bool {
    c.is_ascii_digit() || c == '_'
}

/// The sexagesimal tail `(?::[0-5]?[0-9])+` up to the end of `v`: each group is one digit or
/// two digits starting with 0-5. Returns false when `v` is empty.
fn is_sexagesimal_tail(v: &str) -> bool {
    let Some(rest) = v.strip_prefix(':') else {
        return false;
    };
    rest.split(':').all(|group| {
        let b = group.as_bytes();
        match b {
            [d] => d.is_ascii_digit(),
            [d0, d1] => (b'0'..=b'5').contains(d0) && d1.is_ascii_digit(),
            _ => false,
        }
    })
}

/// PyYAML's int resolver:
/// `^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
///  |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`
fn is_int(v: &str) -> bool {
    let r = strip_sign(v);
    if let Some(bin) = r.strip_prefix("0b") {
        return !bin.is_empty() && all_in(bin, |c| matches!(c, '0' | '1' | '_'));
    }
    if let Some(hex) = r.strip_prefix("0x") {
        return !hex.is_empty() && all_in(hex, |c| c.is_ascii_hexdigit() || c == '_');
    }
    if let Some(oct) = r.strip_prefix('0') {
        return oct.is_empty() || all_in(oct, |c| matches!(c, '0'..='7' | '_'));
    }
    if !r.starts_with(|c: char| ('1'..='9').contains(&c)) {
        return false;
    }
    let head_len = r
        .find(|c: char| !is_digit_or_underscore(c))
        .unwrap_or(r.len());
    let tail = r.get(head_len..).unwrap_or("");
    tail.is_empty() || is_sexagesimal_tail(tail)
}

/// PyYAML's float resolver:
/// `^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
///  |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`
/// So `1e3` is a string (no dot), `1.e+3` a float, `-.5` a string (no sign before `.digits`).
fn is_float(v: &str) -> bool {
    if matches!(v, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let r = strip_sign(v);
    if matches!(r, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    if let Some(fraction) = v.strip_prefix('.') {
        // `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?` (no sign)
        return fraction.starts_with(|c: char| c.is_ascii_digit())
            && is_fraction_exponent(fraction);
    }
    if !r.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let head_len = r
        .find(|c: char| !is_digit_or_underscore(c))
        .unwrap_or(r.len());
    let rest = r.get(head_len..).unwrap_or("");
    if let Some(fraction) = rest.strip_prefix('.') {
        return is_fraction_exponent(fraction);
    }
    // Sexagesimal: `(?::[0-5]?[0-9])+\.[0-9_]*`
    match rest.find('.') {
        Some(dot) => {
            let (groups, fraction) = rest.split_at(dot);
            is_sexagesimal_tail(groups)
                && all_in(fraction.get(1..).unwrap_or(""), is_digit_or_underscore)
        }
        None => false,
    }
}

/// `[0-9_]*(?:[eE][-+][0-9]+)?` to the end.
fn is_fraction_exponent(v: &str) -> bool {
    let digits = v
        .find(|c: char| !is_digit_or_underscore(c))
        .unwrap_or(v.len());
    let exponent = v.get(digits..).unwrap_or("");
    if exponent.is_empty() {
        return true;
    }
    let Some(exponent) = exponent.strip_prefix(['e', 'E']) else {
        return false;
    };
    let Some(exponent) = exponent.strip_prefix(['-', '+']) else {
        return false;
    };
    !exponent.is_empty() && all_in(exponent, |c| c.is_ascii_digit())
}
