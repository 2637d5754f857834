//! Protobuf (prost) conversions used by generated code: QFace `var` as `google.protobuf.Value`,
//! and the `google.protobuf.Value` fallback for types protobuf cannot express (nested containers
//! such as `list<list<int>>`), which carries the value's serde (JSON) form.

use prost_types::value::Kind;
use prost_types::{ListValue, Struct, Value};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Variant};

/// A JSON value as a `google.protobuf.Value`. Numbers become `double`s (so integers beyond 2^53
/// lose precision, as in protobuf's own JSON mapping).
fn json_to_value(json: &serde_json::Value) -> Value {
    let kind = match json {
        serde_json::Value::Null => Kind::NullValue(0),
        serde_json::Value::Bool(b) => Kind::BoolValue(*b),
        serde_json::Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Kind::StringValue(s.clone()),
        serde_json::Value::Array(items) => Kind::ListValue(ListValue {
            values: items.iter().map(json_to_value).collect(),
        }),
        serde_json::Value::Object(fields) => Kind::StructValue(Struct {
            fields: fields
                .iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect(),
        }),
    };
    Value { kind: Some(kind) }
}

/// A `google.protobuf.Value` as JSON: a whole number in `i64` range becomes an integer again,
/// a non-finite number `null` (JSON has none).
fn value_to_json(value: Value) -> serde_json::Value {
    match value.kind {
        None | Some(Kind::NullValue(_)) => serde_json::Value::Null,
        Some(Kind::BoolValue(b)) => serde_json::Value::Bool(b),
        Some(Kind::NumberValue(n)) => number(n),
        Some(Kind::StringValue(s)) => serde_json::Value::String(s),
        Some(Kind::ListValue(list)) => {
            serde_json::Value::Array(list.values.into_iter().map(value_to_json).collect())
        }
        Some(Kind::StructValue(s)) => serde_json::Value::Object(
            s.fields
                .into_iter()
                .map(|(k, v)| (k, value_to_json(v)))
                .collect(),
        ),
    }
}

fn number(n: f64) -> serde_json::Value {
    // 2^63 as f64: whole numbers in [-2^63, 2^63) convert to i64 exactly.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if n.fract() == 0.0 && (-LIMIT..LIMIT).contains(&n) {
        // In range and whole: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        return serde_json::Value::from(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// A `var` as the `google.protobuf.Value` of its protobuf message field.
///
/// ```
/// use ifw_core::Variant;
/// use ifw_core::codegen::{variant_from_proto, variant_to_proto};
///
/// let v = Variant::from(serde_json::json!({ "level": 3, "zones": ["FrontLeft"] }));
/// assert_eq!(variant_from_proto(Some(variant_to_proto(&v))), v);
/// assert_eq!(variant_from_proto(None), Variant::null());
/// ```
pub fn variant_to_proto(variant: &Variant) -> Value {
    json_to_value(variant.as_json())
}

/// The `var` of a protobuf message field (`None`, an unset field, is the null variant).
pub fn variant_from_proto(value: Option<Value>) -> Variant {
    value.map_or_else(Variant::null, |v| Variant::from(value_to_json(v)))
}

/// A value of a type protobuf cannot express (a nested container) as a `google.protobuf.Value`
/// holding its serde form.
///
/// ```
/// use ifw_core::codegen::{from_proto_value, to_proto_value};
///
/// let nested = vec![vec![1, 2], vec![3]];
/// let back: Vec<Vec<i32>> = from_proto_value(Some(to_proto_value(&nested)))?;
/// assert_eq!(back, nested);
/// # Ok::<(), ifw_core::Error>(())
/// ```
pub fn to_proto_value<T: Serialize>(value: &T) -> Value {
    json_to_value(&serde_json::to_value(value).unwrap_or(serde_json::Value::Null))
}

/// The value of [`to_proto_value`] back (an unset field is the type's default).
pub fn from_proto_value<T: DeserializeOwned + Default>(value: Option<Value>) -> Result<T, Error> {
    match value {
        None => Ok(T::default()),
        Some(v) => serde_json::from_value(value_to_json(v)).map_err(Error::ProtoValue),
    }
}

/// Decodes a protobuf message, with ifw's error.
pub fn decode_message<M: prost::Message + Default>(bytes: &[u8]) -> Result<M, Error> {
    Ok(M::decode(bytes)?)
}
