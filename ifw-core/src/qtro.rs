//! Conversion of generated types to and from the Qt Remote Objects [`Value`].
//!
//! The mapping is the one Qt Interface Framework's generated frontend uses on the wire: `int` →
//! `int`, `real` → `double`, `bool`, `string` → `QString`, `var` → `QVariant`, `list<T>` →
//! `QVariantList`, a struct → a gadget named as Qt registers it with its fields in declaration
//! order, an enum or flag → `quint32`.
//!
//! Structs are typed gadgets: each field is written with its own `QDataStream` operator, as Qt
//! IF's generated `operator<<` writes it. Sent on their own (a property, an argument, a result),
//! enums and flags become an `int`, as QtRO's `encodeVariant` sends them
//! ([`to_wire`](crate::codegen::to_wire)). Not yet byte-exact: an enum inside a `list<…>` travels
//! as a `uint` `QVariant` where Qt IF sends a `QVariant` of the enum's user type.

use std::collections::BTreeMap;

use ifw_qtro::Value;

use crate::{Error, Variant};

/// A Rust value that can be sent over Qt Remote Objects.
///
/// ```
/// use ifw_core::ToQtro;
/// use ifw_qtro::Value;
///
/// assert_eq!(vec![1, 2].to_qtro(), Value::List(vec![Value::Int(1), Value::Int(2)]));
/// ```
pub trait ToQtro {
    /// The value as a QtRO value.
    fn to_qtro(&self) -> Value;
}

/// A Rust value that can be read from a Qt Remote Objects value.
///
/// Reading never panics: a value of the wrong kind is an [`Error`].
///
/// ```
/// use ifw_core::FromQtro;
/// use ifw_qtro::Value;
///
/// assert_eq!(String::from_qtro(&Value::from("hi"))?, "hi");
/// assert!(i32::from_qtro(&Value::from("hi")).is_err());
/// # Ok::<(), ifw_core::Error>(())
/// ```
pub trait FromQtro: Sized {
    /// Reads the value.
    fn from_qtro(value: &Value) -> Result<Self, Error>;
}

fn unexpected<T>(expected: &'static str, found: &Value) -> Result<T, Error> {
    Err(Error::UnexpectedValue {
        expected,
        found: found.kind(),
    })
}

impl ToQtro for i32 {
    fn to_qtro(&self) -> Value {
        Value::Int(*self)
    }
}

impl FromQtro for i32 {
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        match value.as_i64().map(i32::try_from) {
            Some(Ok(v)) => Ok(v),
            _ => unexpected("an int", value),
        }
    }
}

impl ToQtro for f64 {
    fn to_qtro(&self) -> Value {
        Value::Double(*self)
    }
}

impl FromQtro for f64 {
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        match (value.as_f64(), value.as_i64()) {
            (Some(v), _) => Ok(v),
            // QVariant converts integers to real numbers; so does ifw. Precision loss is only
            // possible above 2^53, where Qt loses it too.
            #[allow(clippy::cast_precision_loss)]
            (None, Some(v)) => Ok(v as f64),
            _ => unexpected("a real number", value),
        }
    }
}

impl ToQtro for bool {
    fn to_qtro(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromQtro for bool {
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        value
            .as_bool()
            .map_or_else(|| unexpected("a bool", value), Ok)
    }
}

impl ToQtro for String {
    fn to_qtro(&self) -> Value {
        Value::String(Some(self.clone()))
    }
}

impl FromQtro for String {
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        match value {
            Value::String(s) => Ok(s.clone().unwrap_or_default()),
            _ => unexpected("a string", value),
        }
    }
}

impl<T: ToQtro> ToQtro for Vec<T> {
    fn to_qtro(&self) -> Value {
        Value::List(self.iter().map(ToQtro::to_qtro).collect())
    }
}

impl<T: FromQtro> FromQtro for Vec<T> {
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        match value {
            Value::List(items) => items.iter().map(T::from_qtro).collect(),
            Value::StringList(items) => items
                .iter()
                .map(|s| T::from_qtro(&Value::String(s.clone())))
                .collect(),
            Value::Sequence(s) => s.items.iter().map(T::from_qtro).collect(),
            Value::GadgetSequence(s) => s.items.iter().map(T::from_qtro).collect(),
            _ => unexpected("a list", value),
        }
    }
}

impl<T: ToQtro> ToQtro for BTreeMap<String, T> {
    fn to_qtro(&self) -> Value {
        Value::Map(self.iter().map(|(k, v)| (k.clone(), v.to_qtro())).collect())
    }
}

impl<T: FromQtro> FromQtro for BTreeMap<String, T> {
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Map(entries) | Value::Hash(entries) => entries
                .iter()
                .map(|(k, v)| Ok((k.clone(), T::from_qtro(v)?)))
                .collect(),
            _ => unexpected("a string-keyed map", value),
        }
    }
}

impl ToQtro for Variant {
    /// JSON to `QVariant`: null → invalid, integers → `int` when they fit (else `qlonglong` or
    /// `qulonglong`), other numbers → `double`, arrays → `QVariantList`, objects →
    /// `QVariantMap`.
    fn to_qtro(&self) -> Value {
        json_to_qtro(self.as_json())
    }
}

impl FromQtro for Variant {
    /// `QVariant` to JSON; gadgets become objects of their fields, typed sequences arrays.
    /// Kinds JSON has no natural form for (byte arrays, geometry, child objects) are refused.
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        qtro_to_json(value).map(Variant::from)
    }
}

fn json_to_qtro(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::Invalid,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                i32::try_from(i).map_or(Value::LongLong(i), Value::Int)
            } else if let Some(u) = n.as_u64() {
                Value::ULongLong(u)
            } else {
                Value::Double(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        J::String(s) => Value::String(Some(s.clone())),
        J::Array(items) => Value::List(items.iter().map(json_to_qtro).collect()),
        J::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), json_to_qtro(v)))
                .collect(),
        ),
    }
}

fn qtro_to_json(v: &Value) -> Result<serde_json::Value, Error> {
    use serde_json::Value as J;
    let list = |items: &[Value]| {
        items
            .iter()
            .map(qtro_to_json)
            .collect::<Result<Vec<_>, _>>()
    };
    let object = |entries: &[(String, Value)]| {
        entries
            .iter()
            .map(|(k, v)| Ok((k.clone(), qtro_to_json(v)?)))
            .collect::<Result<serde_json::Map<_, _>, Error>>()
    };
    Ok(match v {
        Value::Invalid => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Double(_) | Value::Float(_) => v
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(J::Null, J::Number),
        Value::ULongLong(u) => J::from(*u),
        Value::String(s) | Value::Url(s) => J::String(s.clone().unwrap_or_default()),
        Value::StringList(items) => J::Array(
            items
                .iter()
                .map(|s| J::String(s.clone().unwrap_or_default()))
                .collect(),
        ),
        Value::List(items) => J::Array(list(items)?),
        Value::Sequence(s) => J::Array(list(&s.items)?),
        Value::GadgetSequence(s) => J::Array(list(&s.items)?),
        Value::Map(entries) | Value::Hash(entries) => J::Object(object(entries)?),
        Value::Gadget(g) => J::Object(object(&g.fields)?),
        // A variant wrapped once more (a typed struct's `var` field, Qt IF's `var` property).
        Value::Variant(inner) => qtro_to_json(inner)?,
        other => match other.as_i64() {
            Some(i) => J::from(i),
            None => return unexpected("a value JSON can hold", other),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn variant_round_trips_through_qtro() {
        let v =
            Variant::from(json!({"a": [1, 2.5, "x", null, true], "b": {"c": 9_000_000_000_i64}}));
        let q = v.to_qtro();
        assert_eq!(Variant::from_qtro(&q).ok(), Some(v));
    }

    #[test]
    fn wrong_kinds_are_errors() {
        assert!(bool::from_qtro(&Value::Int(1)).is_err());
        assert!(i32::from_qtro(&Value::LongLong(1 << 40)).is_err());
        assert!(Variant::from_qtro(&Value::ByteArray(None)).is_err());
        assert!(Vec::<i32>::from_qtro(&Value::List(vec![Value::Bool(true)])).is_err());
    }

    #[test]
    fn maps_and_lists() {
        let m: BTreeMap<String, i32> = [("b".to_string(), 2), ("a".to_string(), 1)].into();
        assert_eq!(
            m.to_qtro(),
            Value::Map(vec![
                ("a".into(), Value::Int(1)),
                ("b".into(), Value::Int(2))
            ])
        );
        assert_eq!(BTreeMap::from_qtro(&m.to_qtro()).ok(), Some(m));
        assert_eq!(f64::from_qtro(&Value::Int(3)).ok(), Some(3.0));
    }
}
