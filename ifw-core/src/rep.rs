//! What code generated from hand-written `.rep` files (plain Qt Remote Objects, no QFace) needs
//! beyond the QFace runtime: the fixed-width integers and `float` of repc's type system, and
//! containers shaped as QtRO sends them.
//!
//! A repc source sends every value through QtRO's `encodeVariant`: builtin types as themselves
//! (`quint8` a `uchar`, `QList<QString>` a `QStringList`), other `QList<T>` and `QMap<K,V>` as
//! typed user types whose elements travel raw, containers of PODs as `QSQ_`/`QAS_` wrappers, and
//! enums as integers of their size. The helpers here build and read those shapes; the generator
//! chooses which one from the `.rep` type.

use ifw_qtro::Value;
use ifw_qtro::codec::{Associative, GadgetAssociative, GadgetSequence, Sequence};

use crate::{Error, FromQtro, ToQtro};

fn unexpected<T>(expected: &'static str, found: &Value) -> Result<T, Error> {
    Err(Error::UnexpectedValue {
        expected,
        found: found.kind(),
    })
}

macro_rules! integer {
    ($($t:ty => $variant:ident, $what:literal;)*) => {$(
        impl ToQtro for $t {
            fn to_qtro(&self) -> Value {
                Value::$variant(*self)
            }
        }

        impl FromQtro for $t {
            /// Any integer kind whose value fits.
            fn from_qtro(value: &Value) -> Result<Self, Error> {
                let wide = match value {
                    Value::ULongLong(v) => i128::from(*v),
                    other => match other.as_i64() {
                        Some(v) => i128::from(v),
                        None => return unexpected($what, value),
                    },
                };
                <$t>::try_from(wide).or_else(|_| unexpected($what, value))
            }
        }
    )*};
}

integer! {
    i8 => SChar, "a qint8";
    u8 => UChar, "a quint8";
    i16 => Short, "a qint16";
    u16 => UShort, "a quint16";
    u32 => UInt, "a quint32";
    i64 => LongLong, "a qint64";
    u64 => ULongLong, "a quint64";
}

impl ToQtro for f32 {
    fn to_qtro(&self) -> Value {
        Value::Float(*self)
    }
}

impl FromQtro for f32 {
    /// A `float`, or a `double` narrowed as C++ narrows it.
    fn from_qtro(value: &Value) -> Result<Self, Error> {
        match value {
            Value::Float(v) => Ok(*v),
            // Narrowing is what a C++ `float` property does with a double.
            #[allow(clippy::cast_possible_truncation)]
            other => f64::from_qtro(other).map(|v| v as f32),
        }
    }
}

/// A `QByteArray` (a null one reads as empty).
///
/// ```
/// use ifw_core::codegen::{Value, rep_bytes};
///
/// assert_eq!(rep_bytes(&Value::ByteArray(Some(vec![1, 2])))?, [1, 2]);
/// assert!(rep_bytes(&Value::Int(1)).is_err());
/// # Ok::<(), ifw_core::Error>(())
/// ```
pub fn rep_bytes(value: &Value) -> Result<Vec<u8>, Error> {
    match value {
        Value::ByteArray(b) => Ok(b.clone().unwrap_or_default()),
        _ => unexpected("a QByteArray", value),
    }
}

/// A `QVariant` property, argument or field, as it came (one wrapper level removed).
pub fn rep_variant(value: &Value) -> Value {
    match value {
        Value::Variant(inner) => (**inner).clone(),
        other => other.clone(),
    }
}

/// A `QList<element>` named `type_name` (normalized, `QList<int>`) as QtRO sends it:
/// `QVariantList`, `QStringList` or `QByteArrayList` for those element types, a `QSQ_` sequence
/// for PODs (`gadget`), otherwise a typed sequence whose elements travel raw.
///
/// ```
/// use ifw_core::codegen::{Value, rep_list};
///
/// let v = rep_list("QList<QString>", "QString", false, vec![Value::from("a")]);
/// assert_eq!(v, Value::StringList(vec![Some("a".into())]));
/// ```
pub fn rep_list(type_name: &str, element: &str, gadget: bool, items: Vec<Value>) -> Value {
    match element {
        "QVariant" => Value::List(items),
        "QString" => Value::StringList(
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    _ => None,
                })
                .collect(),
        ),
        "QByteArray" => Value::ByteArrayList(
            items
                .into_iter()
                .map(|v| match v {
                    Value::ByteArray(b) => b,
                    _ => None,
                })
                .collect(),
        ),
        _ if gadget => Value::GadgetSequence(GadgetSequence {
            type_name: type_name.to_owned(),
            value_type_name: element.to_owned(),
            items,
        }),
        _ => Value::Sequence(Sequence {
            type_name: type_name.to_owned(),
            items,
        }),
    }
}

/// The elements of any list QtRO can send.
///
/// ```
/// use ifw_core::codegen::{Value, rep_items};
///
/// let items = rep_items(&Value::StringList(vec![Some("a".into())]))?;
/// assert_eq!(items, [Value::from("a")]);
/// # Ok::<(), ifw_core::Error>(())
/// ```
pub fn rep_items(value: &Value) -> Result<Vec<Value>, Error> {
    match value {
        Value::List(items) => Ok(items.clone()),
        Value::Sequence(s) => Ok(s.items.clone()),
        Value::GadgetSequence(s) => Ok(s.items.clone()),
        Value::StringList(items) => Ok(items.iter().cloned().map(Value::String).collect()),
        Value::ByteArrayList(items) => Ok(items.iter().cloned().map(Value::ByteArray).collect()),
        Value::Variant(inner) => rep_items(inner),
        _ => unexpected("a list", value),
    }
}

/// A `QMap<key,value>` or `QHash<key,value>` named `type_name` as QtRO sends it: `QVariantMap`
/// or `QVariantHash` for string keys and `QVariant` values, a `QAS_` container for POD values
/// (`gadget`), otherwise a typed associative container whose entries travel raw.
pub fn rep_map(
    type_name: &str,
    key: &str,
    value: &str,
    gadget: bool,
    entries: Vec<(Value, Value)>,
) -> Value {
    let hash = type_name.starts_with("QHash");
    if key == "QString" && value == "QVariant" {
        let entries = entries
            .into_iter()
            .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), v))
            .collect();
        return if hash {
            Value::Hash(entries)
        } else {
            Value::Map(entries)
        };
    }
    if gadget {
        return Value::GadgetAssociative(GadgetAssociative {
            type_name: type_name.to_owned(),
            key_type_name: key.to_owned(),
            value_type_name: value.to_owned(),
            entries,
        });
    }
    Value::Associative(Associative {
        type_name: type_name.to_owned(),
        entries,
    })
}

/// The entries of any map QtRO can send (string keys become `QString` values).
pub fn rep_entries(value: &Value) -> Result<Vec<(Value, Value)>, Error> {
    match value {
        Value::Map(entries) | Value::Hash(entries) => Ok(entries
            .iter()
            .map(|(k, v)| (Value::from(k.as_str()), v.clone()))
            .collect()),
        Value::Associative(a) => Ok(a.entries.clone()),
        Value::GadgetAssociative(a) => Ok(a.entries.clone()),
        Value::Variant(inner) => rep_entries(inner),
        _ => unexpected("a map", value),
    }
}

/// A POD's `N` fields, each one `QVariant` (one wrapper level removed), if `value` is the gadget
/// `type_name` with that many fields.
pub fn rep_fields<const N: usize>(
    value: &Value,
    type_name: &'static str,
) -> Result<[Value; N], Error> {
    let fields = crate::codegen::gadget_fields::<N>(value, type_name)?;
    Ok(std::array::from_fn(|i| rep_variant(&fields[i].1)))
}

/// The cached value of property `index` of a replica: [`ifw_qtro::Error::NotReady`] before the
/// replica was first initialized.
pub fn rep_cached(replica: &ifw_qtro::Replica, index: usize) -> Result<Value, Error> {
    replica
        .property_at(index)
        .ok_or_else(|| Error::Qtro(ifw_qtro::Error::NotReady(replica.name().to_owned())))
}

/// Argument `index` of a call or signal; an invalid value when the sender gave fewer.
pub fn rep_argument(args: &[Value], index: usize) -> &Value {
    static INVALID: Value = Value::Invalid;
    args.get(index).unwrap_or(&INVALID)
}

/// The answer of a slot: the service's value, or an invalid one (logged) when it failed, as a
/// repc source whose slot cannot answer.
pub fn rep_answer(slot: &'static str, result: Result<Value, Error>) -> Value {
    result.unwrap_or_else(|error| {
        tracing::warn!(slot, %error, "slot failed; answering an invalid value");
        Value::Invalid
    })
}

/// Logs a replica's write of a property that is not `READWRITE` (ignored, as repc's sources
/// have no way to accept it).
pub fn rep_refuse_write(class: &'static str, property: usize) {
    tracing::warn!(
        class,
        property,
        "WriteProperty of a property that is not READWRITE ignored"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_accept_any_kind_that_fits() {
        assert_eq!(u8::from_qtro(&Value::Int(200)).ok(), Some(200));
        assert!(u8::from_qtro(&Value::Int(256)).is_err());
        assert_eq!(
            u64::from_qtro(&Value::ULongLong(u64::MAX)).ok(),
            Some(u64::MAX)
        );
        assert_eq!(i8::from_qtro(&Value::SChar(-3)).ok(), Some(-3));
        assert_eq!(7u16.to_qtro(), Value::UShort(7));
        assert_eq!(f32::from_qtro(&Value::Double(0.5)).ok(), Some(0.5));
    }

    #[test]
    fn containers_round_trip() -> Result<(), Error> {
        let list = rep_list("QList<int>", "int", false, vec![Value::Int(1)]);
        assert!(matches!(list, Value::Sequence(_)));
        assert_eq!(rep_items(&list)?, [Value::Int(1)]);
        let map = rep_map(
            "QMap<QString,QVariant>",
            "QString",
            "QVariant",
            false,
            vec![(Value::from("k"), Value::Int(1))],
        );
        assert_eq!(map, Value::Map(vec![("k".into(), Value::Int(1))]));
        assert_eq!(rep_entries(&map)?, [(Value::from("k"), Value::Int(1))]);
        let typed = rep_map(
            "QHash<int,QString>",
            "int",
            "QString",
            false,
            vec![(Value::Int(1), Value::from("a"))],
        );
        assert!(matches!(typed, Value::Associative(_)));
        Ok(())
    }
}
