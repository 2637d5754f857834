//! `QVariant` reading and writing (`QVariant::save`/`load` as QtRO uses them).
//!
//! A variant is `u32 typeId; i8 isNull;` then, for user types (`typeId == 0x10000`), the type
//! name as a `const char*`, then the payload. An invalid variant has no payload. Typed
//! containers carry their elements "raw": the payload without a variant header.

use super::datastream::{ByteOrder, Reader, Writer};
use super::metatype::{MetaType, USER_TYPE_ID};
use super::types::{SOURCE_LOCATION_INFO, TypeExpr, TypeLookup};
use super::value::{
    Associative, FieldEncoding, Gadget, GadgetAssociative, GadgetSequence, Pair, RemoteObject,
    RemoteObjectKind, Sequence, SourceLocationInfo, Value,
};
use crate::error::{Error, Result};

/// How deeply values may nest before the decoder gives up (protects the stack).
pub const MAX_DEPTH: usize = 64;

/// The user type name of a sequence of gadgets.
pub const QSQ_TYPE: &str = "QRemoteObjectPackets::QSQ_";
/// The user type name of an associative container of gadgets.
pub const QAS_TYPE: &str = "QRemoteObjectPackets::QAS_";
/// The user type name of a child object or first-seen gadget.
pub const QRO_TYPE: &str = "QRemoteObjectPackets::QRO_";

/// The smallest encoded variant (an invalid one): a bound for count-based allocation.
const MIN_VARIANT_SIZE: usize = 5;

/// Reads one `QVariant`, looking user types up in `types`.
pub fn read_variant(r: &mut Reader<'_>, types: &dyn TypeLookup) -> Result<Value> {
    variant(r, types, 0)
}

/// Writes one `QVariant`.
pub fn write_variant(w: &mut Writer<'_>, value: &Value) -> Result<()> {
    write_variant_at(w, value, 0)
}

/// Reads one value of the named type without a variant header (a typed container element).
pub fn read_raw(r: &mut Reader<'_>, types: &dyn TypeLookup, type_name: &str) -> Result<Value> {
    raw(r, types, type_name, 0)
}

/// Writes one value as an element of the named type, without a variant header.
pub fn write_raw(w: &mut Writer<'_>, type_name: &str, value: &Value) -> Result<()> {
    write_raw_at(w, type_name, value, 0)
}

fn deeper(depth: usize) -> Result<usize> {
    if depth >= MAX_DEPTH {
        Err(Error::NestingTooDeep(MAX_DEPTH))
    } else {
        Ok(depth + 1)
    }
}

fn variant(r: &mut Reader<'_>, t: &dyn TypeLookup, depth: usize) -> Result<Value> {
    let depth = deeper(depth)?;
    let id = r.u32()?;
    let _is_null = r.i8()?;
    match id {
        0 => Ok(Value::Invalid),
        USER_TYPE_ID => {
            let name = r.c_string("user type name")?;
            user(r, t, &name, depth)
        }
        _ => match MetaType::from_id(id) {
            None => Err(Error::UnknownTypeId(id)),
            Some(MetaType::QVariant) => Ok(Value::Variant(Box::new(variant(r, t, depth)?))),
            Some(mt) => builtin(r, t, mt, depth),
        },
    }
}

fn builtin(r: &mut Reader<'_>, t: &dyn TypeLookup, mt: MetaType, depth: usize) -> Result<Value> {
    Ok(match mt {
        MetaType::Bool => Value::Bool(r.bool()?),
        MetaType::Int => Value::Int(r.i32()?),
        MetaType::UInt => Value::UInt(r.u32()?),
        MetaType::LongLong => Value::LongLong(r.i64()?),
        MetaType::ULongLong => Value::ULongLong(r.u64()?),
        MetaType::Short => Value::Short(r.i16()?),
        MetaType::UShort => Value::UShort(r.u16()?),
        MetaType::Char => Value::Char(r.i8()?),
        MetaType::SChar => Value::SChar(r.i8()?),
        MetaType::UChar => Value::UChar(r.u8()?),
        MetaType::Double => Value::Double(r.f64()?),
        // Qt writes a float as a double (DoublePrecision); reading it back is exact.
        #[allow(clippy::cast_possible_truncation)]
        MetaType::Float => Value::Float(r.f64()? as f32),
        MetaType::QChar => Value::QChar(r.u16()?),
        MetaType::QString => Value::String(r.string()?),
        MetaType::QByteArray => Value::ByteArray(r.byte_array()?.map(<[u8]>::to_vec)),
        MetaType::QUrl => Value::Url(r.utf8("QUrl")?),
        MetaType::QUuid => {
            // Qt streams the three leading fields in the stream's byte order, then 8 raw bytes.
            let mut id = [0; 16];
            id[..4].copy_from_slice(&r.u32()?.to_be_bytes());
            id[4..6].copy_from_slice(&r.u16()?.to_be_bytes());
            id[6..8].copy_from_slice(&r.u16()?.to_be_bytes());
            id[8..].copy_from_slice(r.take(8)?);
            Value::Uuid(id)
        }
        MetaType::QStringList => {
            let n = r.count()?;
            let mut items = Vec::with_capacity(r.capacity_hint(n, 4));
            for _ in 0..n {
                items.push(r.string()?);
            }
            Value::StringList(items)
        }
        MetaType::QByteArrayList => {
            let n = r.count()?;
            let mut items = Vec::with_capacity(r.capacity_hint(n, 4));
            for _ in 0..n {
                items.push(r.byte_array()?.map(<[u8]>::to_vec));
            }
            Value::ByteArrayList(items)
        }
        MetaType::QVariantList => {
            let n = r.count()?;
            let mut items = Vec::with_capacity(r.capacity_hint(n, MIN_VARIANT_SIZE));
            for _ in 0..n {
                items.push(variant(r, t, depth)?);
            }
            Value::List(items)
        }
        MetaType::QVariantMap | MetaType::QVariantHash => {
            let n = r.count()?;
            let mut entries = Vec::with_capacity(r.capacity_hint(n, 4 + MIN_VARIANT_SIZE));
            for _ in 0..n {
                let key = r.string_or_empty()?;
                entries.push((key, variant(r, t, depth)?));
            }
            if mt == MetaType::QVariantMap {
                Value::Map(entries)
            } else {
                Value::Hash(entries)
            }
        }
        MetaType::QPoint => Value::Point {
            x: r.i32()?,
            y: r.i32()?,
        },
        MetaType::QPointF => Value::PointF {
            x: r.f64()?,
            y: r.f64()?,
        },
        MetaType::QSize => Value::Size {
            width: r.i32()?,
            height: r.i32()?,
        },
        MetaType::QSizeF => Value::SizeF {
            width: r.f64()?,
            height: r.f64()?,
        },
        MetaType::QRect => Value::Rect {
            left: r.i32()?,
            top: r.i32()?,
            right: r.i32()?,
            bottom: r.i32()?,
        },
        MetaType::QRectF => Value::RectF {
            x: r.f64()?,
            y: r.f64()?,
            width: r.f64()?,
            height: r.f64()?,
        },
        MetaType::QVariant => variant(r, t, depth)?,
    })
}

fn user(r: &mut Reader<'_>, t: &dyn TypeLookup, name: &str, depth: usize) -> Result<Value> {
    match name {
        QSQ_TYPE => gadget_sequence(r, t, depth),
        QAS_TYPE => gadget_associative(r, t, depth),
        QRO_TYPE => remote_object(r),
        _ => raw(r, t, name, depth),
    }
}

fn raw(r: &mut Reader<'_>, t: &dyn TypeLookup, type_name: &str, depth: usize) -> Result<Value> {
    let depth = deeper(depth)?;
    match TypeExpr::parse(type_name)? {
        TypeExpr::Builtin(mt) => builtin(r, t, mt, depth),
        TypeExpr::List(element) => {
            let n = r.count()?;
            let mut items = Vec::with_capacity(r.capacity_hint(n, 1));
            for _ in 0..n {
                items.push(raw(r, t, element, depth)?);
            }
            Ok(Value::Sequence(Sequence {
                type_name: type_name.to_owned(),
                items,
            }))
        }
        TypeExpr::Assoc(key, value) => {
            let n = r.count()?;
            let mut entries = Vec::with_capacity(r.capacity_hint(n, 2));
            for _ in 0..n {
                let k = raw(r, t, key, depth)?;
                entries.push((k, raw(r, t, value, depth)?));
            }
            Ok(Value::Associative(Associative {
                type_name: type_name.to_owned(),
                entries,
            }))
        }
        TypeExpr::Pair(a, b) => {
            let first = Box::new(raw(r, t, a, depth)?);
            let second = Box::new(raw(r, t, b, depth)?);
            Ok(Value::Pair(Pair {
                type_name: type_name.to_owned(),
                first,
                second,
            }))
        }
        TypeExpr::Named(SOURCE_LOCATION_INFO) => {
            Ok(Value::SourceLocationInfo(SourceLocationInfo {
                type_name: r.string()?,
                host_url: r.utf8("QUrl")?,
            }))
        }
        TypeExpr::Named(name) => {
            if let Some(gadget) = t.gadget(name) {
                let mut fields = Vec::with_capacity(gadget.fields.len());
                for field in &gadget.fields {
                    let value = match gadget.encoding {
                        FieldEncoding::Variant => variant(r, t, depth)?,
                        FieldEncoding::Typed if field.type_name == "QVariant" => {
                            Value::Variant(Box::new(variant(r, t, depth)?))
                        }
                        FieldEncoding::Typed => raw(r, t, &field.type_name, depth)?,
                    };
                    fields.push((field.name.clone(), value));
                }
                Ok(Value::Gadget(Gadget {
                    type_name: name.to_owned(),
                    fields,
                    encoding: gadget.encoding,
                }))
            } else if let Some(size) = t.enum_size(name) {
                match size {
                    1 => Ok(Value::SChar(r.i8()?)),
                    2 => Ok(Value::Short(r.i16()?)),
                    4 => Ok(Value::Int(r.i32()?)),
                    8 => Ok(Value::LongLong(r.i64()?)),
                    _ => Err(Error::Malformed("enum size is not 1, 2, 4 or 8 bytes")),
                }
            } else {
                Err(Error::UnknownUserType(name.to_owned()))
            }
        }
    }
}

/// Reads a nested big-endian blob (a `QByteArray` holding a fresh QDataStream's output).
fn nested<'a>(r: &mut Reader<'a>) -> Result<Reader<'a>> {
    let blob = r
        .byte_array()?
        .ok_or(Error::Malformed("null container payload"))?;
    Ok(Reader::new(blob, ByteOrder::Big))
}

fn gadget_sequence(r: &mut Reader<'_>, t: &dyn TypeLookup, depth: usize) -> Result<Value> {
    let type_name = r.utf8_or_empty("QSQ_ type name")?;
    let value_type_name = r.utf8_or_empty("QSQ_ value type name")?;
    let mut inner = nested(r)?;
    if inner.utf8_or_empty("QSQ_ value type name")? != value_type_name {
        return Err(Error::Malformed("QSQ_ value type names disagree"));
    }
    let n = inner.count()?;
    let mut items = Vec::with_capacity(inner.capacity_hint(n, 1));
    for _ in 0..n {
        items.push(raw(&mut inner, t, &value_type_name, depth)?);
    }
    inner.finish("QSQ_")?;
    Ok(Value::GadgetSequence(GadgetSequence {
        type_name,
        value_type_name,
        items,
    }))
}

fn gadget_associative(r: &mut Reader<'_>, t: &dyn TypeLookup, depth: usize) -> Result<Value> {
    let type_name = r.utf8_or_empty("QAS_ type name")?;
    let key_type_name = r.utf8_or_empty("QAS_ key type name")?;
    let value_type_name = r.utf8_or_empty("QAS_ value type name")?;
    let mut inner = nested(r)?;
    if inner.utf8_or_empty("QAS_ key type name")? != key_type_name
        || inner.utf8_or_empty("QAS_ value type name")? != value_type_name
    {
        return Err(Error::Malformed("QAS_ key or value type names disagree"));
    }
    let n = inner.count()?;
    let mut entries = Vec::with_capacity(inner.capacity_hint(n, 2));
    for _ in 0..n {
        let key = raw(&mut inner, t, &key_type_name, depth)?;
        entries.push((key, raw(&mut inner, t, &value_type_name, depth)?));
    }
    inner.finish("QAS_")?;
    Ok(Value::GadgetAssociative(GadgetAssociative {
        type_name,
        key_type_name,
        value_type_name,
        entries,
    }))
}

fn remote_object(r: &mut Reader<'_>) -> Result<Value> {
    let name = r.string()?;
    let type_name = r.string()?;
    let kind = RemoteObjectKind::from_byte(r.u8()?);
    let class_definition = r.byte_array()?.map(<[u8]>::to_vec);
    let is_null = r.bool()?;
    let parameters = if is_null {
        None
    } else {
        r.byte_array()?.map(<[u8]>::to_vec)
    };
    Ok(Value::RemoteObject(RemoteObject {
        name,
        type_name,
        kind,
        class_definition,
        is_null,
        parameters,
    }))
}

/// The builtin metatype of a value, `None` for user types and invalid values.
fn builtin_type(value: &Value) -> Option<MetaType> {
    Some(match value {
        Value::Bool(_) => MetaType::Bool,
        Value::Int(_) => MetaType::Int,
        Value::UInt(_) => MetaType::UInt,
        Value::LongLong(_) => MetaType::LongLong,
        Value::ULongLong(_) => MetaType::ULongLong,
        Value::Short(_) => MetaType::Short,
        Value::UShort(_) => MetaType::UShort,
        Value::Char(_) => MetaType::Char,
        Value::SChar(_) => MetaType::SChar,
        Value::UChar(_) => MetaType::UChar,
        Value::Double(_) => MetaType::Double,
        Value::Float(_) => MetaType::Float,
        Value::QChar(_) => MetaType::QChar,
        Value::String(_) => MetaType::QString,
        Value::ByteArray(_) => MetaType::QByteArray,
        Value::StringList(_) => MetaType::QStringList,
        Value::ByteArrayList(_) => MetaType::QByteArrayList,
        Value::List(_) => MetaType::QVariantList,
        Value::Map(_) => MetaType::QVariantMap,
        Value::Hash(_) => MetaType::QVariantHash,
        Value::Url(_) => MetaType::QUrl,
        Value::Uuid(_) => MetaType::QUuid,
        Value::Point { .. } => MetaType::QPoint,
        Value::PointF { .. } => MetaType::QPointF,
        Value::Size { .. } => MetaType::QSize,
        Value::SizeF { .. } => MetaType::QSizeF,
        Value::Rect { .. } => MetaType::QRect,
        Value::RectF { .. } => MetaType::QRectF,
        Value::Variant(_) => MetaType::QVariant,
        Value::Invalid
        | Value::Gadget(_)
        | Value::Sequence(_)
        | Value::Associative(_)
        | Value::Pair(_)
        | Value::GadgetSequence(_)
        | Value::GadgetAssociative(_)
        | Value::RemoteObject(_)
        | Value::SourceLocationInfo(_) => return None,
    })
}

/// The user type name written in the variant header of a user-type value.
fn user_type_name(value: &Value) -> Option<&str> {
    match value {
        Value::Gadget(g) => Some(&g.type_name),
        Value::Sequence(s) => Some(&s.type_name),
        Value::Associative(a) => Some(&a.type_name),
        Value::Pair(p) => Some(&p.type_name),
        Value::GadgetSequence(_) => Some(QSQ_TYPE),
        Value::GadgetAssociative(_) => Some(QAS_TYPE),
        Value::RemoteObject(_) => Some(QRO_TYPE),
        Value::SourceLocationInfo(_) => Some(SOURCE_LOCATION_INFO),
        _ => None,
    }
}

fn write_variant_at(w: &mut Writer<'_>, value: &Value, depth: usize) -> Result<()> {
    let depth = deeper(depth)?;
    if let Value::Invalid = value {
        w.u32(0);
        w.i8(1);
        return Ok(());
    }
    if let Some(mt) = builtin_type(value) {
        w.u32(mt.id());
        w.i8(0);
    } else if let Some(name) = user_type_name(value) {
        w.u32(USER_TYPE_ID);
        w.i8(0);
        w.c_string(name)?;
    }
    write_payload(w, value, depth)
}

/// Whether `value` can be written as a raw element of the declared type.
fn fits(declared: TypeExpr<'_>, value: &Value) -> bool {
    match (declared, value) {
        (TypeExpr::Builtin(mt), v) => builtin_type(v) == Some(mt),
        (TypeExpr::List(_), Value::Sequence(_))
        | (TypeExpr::Assoc(..), Value::Associative(_))
        | (TypeExpr::Pair(..), Value::Pair(_))
        | (TypeExpr::Named(SOURCE_LOCATION_INFO), Value::SourceLocationInfo(_)) => true,
        (TypeExpr::Named(name), Value::Gadget(g)) => g.type_name == name,
        // An enum element travels as an integer of the enum's size.
        (TypeExpr::Named(_), v) => {
            matches!(
                v,
                Value::Int(_) | Value::Short(_) | Value::SChar(_) | Value::LongLong(_)
            )
        }
        _ => false,
    }
}

fn write_raw_at(w: &mut Writer<'_>, type_name: &str, value: &Value, depth: usize) -> Result<()> {
    let depth = deeper(depth)?;
    let declared = TypeExpr::parse(type_name)?;
    if declared == TypeExpr::Builtin(MetaType::QVariant) {
        // A `QVariant` element is a whole variant; `Value::Variant` is one spelled out.
        let inner = match value {
            Value::Variant(inner) => inner,
            other => other,
        };
        return write_variant_at(w, inner, depth);
    }
    if !fits(declared, value) {
        return Err(Error::TypeMismatch {
            container: type_name.to_owned(),
            found: value.kind(),
        });
    }
    write_payload(w, value, depth)
}

fn write_payload(w: &mut Writer<'_>, value: &Value, depth: usize) -> Result<()> {
    match value {
        Value::Invalid => {}
        Value::Bool(v) => w.bool(*v),
        Value::Int(v) => w.i32(*v),
        Value::UInt(v) => w.u32(*v),
        Value::LongLong(v) => w.i64(*v),
        Value::ULongLong(v) => w.u64(*v),
        Value::Short(v) => w.i16(*v),
        Value::UShort(v) => w.u16(*v),
        Value::Char(v) | Value::SChar(v) => w.i8(*v),
        Value::UChar(v) => w.u8(*v),
        Value::Double(v) => w.f64(*v),
        Value::Float(v) => w.f64(f64::from(*v)),
        Value::QChar(v) => w.u16(*v),
        Value::String(s) => w.string(s.as_deref())?,
        Value::ByteArray(b) => w.byte_array(b.as_deref())?,
        Value::Url(u) => w.byte_array(u.as_deref().map(str::as_bytes))?,
        Value::Uuid(id) => {
            w.u32(u32::from_be_bytes([id[0], id[1], id[2], id[3]]));
            w.u16(u16::from_be_bytes([id[4], id[5]]));
            w.u16(u16::from_be_bytes([id[6], id[7]]));
            w.raw(&id[8..]);
        }
        Value::StringList(items) => {
            w.count(items.len())?;
            for s in items {
                w.string(s.as_deref())?;
            }
        }
        Value::ByteArrayList(items) => {
            w.count(items.len())?;
            for b in items {
                w.byte_array(b.as_deref())?;
            }
        }
        Value::List(items) => {
            w.count(items.len())?;
            for v in items {
                write_variant_at(w, v, depth)?;
            }
        }
        Value::Map(entries) | Value::Hash(entries) => {
            w.count(entries.len())?;
            for (k, v) in entries {
                w.string(Some(k))?;
                write_variant_at(w, v, depth)?;
            }
        }
        Value::Point { x, y } => {
            w.i32(*x);
            w.i32(*y);
        }
        Value::PointF { x, y } => {
            w.f64(*x);
            w.f64(*y);
        }
        Value::Size { width, height } => {
            w.i32(*width);
            w.i32(*height);
        }
        Value::SizeF { width, height } => {
            w.f64(*width);
            w.f64(*height);
        }
        Value::Rect {
            left,
            top,
            right,
            bottom,
        } => {
            for v in [left, top, right, bottom] {
                w.i32(*v);
            }
        }
        Value::RectF {
            x,
            y,
            width,
            height,
        } => {
            for v in [x, y, width, height] {
                w.f64(*v);
            }
        }
        Value::Gadget(g) => {
            for (_, v) in &g.fields {
                match g.encoding {
                    FieldEncoding::Variant => write_variant_at(w, v, depth)?,
                    FieldEncoding::Typed => write_payload(w, v, deeper(depth)?)?,
                }
            }
        }
        Value::Variant(inner) => write_variant_at(w, inner, depth)?,
        Value::Sequence(s) => {
            let TypeExpr::List(element) = TypeExpr::parse(&s.type_name)? else {
                return Err(Error::InvalidTypeName(s.type_name.clone()));
            };
            w.count(s.items.len())?;
            for item in &s.items {
                write_raw_at(w, element, item, depth)?;
            }
        }
        Value::Associative(a) => {
            let TypeExpr::Assoc(key, val) = TypeExpr::parse(&a.type_name)? else {
                return Err(Error::InvalidTypeName(a.type_name.clone()));
            };
            w.count(a.entries.len())?;
            for (k, v) in &a.entries {
                write_raw_at(w, key, k, depth)?;
                write_raw_at(w, val, v, depth)?;
            }
        }
        Value::Pair(p) => {
            let TypeExpr::Pair(a, b) = TypeExpr::parse(&p.type_name)? else {
                return Err(Error::InvalidTypeName(p.type_name.clone()));
            };
            write_raw_at(w, a, &p.first, depth)?;
            write_raw_at(w, b, &p.second, depth)?;
        }
        Value::GadgetSequence(s) => {
            w.byte_array(Some(s.type_name.as_bytes()))?;
            w.byte_array(Some(s.value_type_name.as_bytes()))?;
            w.nested(ByteOrder::Big, |inner| {
                inner.byte_array(Some(s.value_type_name.as_bytes()))?;
                inner.count(s.items.len())?;
                for item in &s.items {
                    write_raw_at(inner, &s.value_type_name, item, depth)?;
                }
                Ok(())
            })?;
        }
        Value::GadgetAssociative(a) => {
            w.byte_array(Some(a.type_name.as_bytes()))?;
            w.byte_array(Some(a.key_type_name.as_bytes()))?;
            w.byte_array(Some(a.value_type_name.as_bytes()))?;
            w.nested(ByteOrder::Big, |inner| {
                inner.byte_array(Some(a.key_type_name.as_bytes()))?;
                inner.byte_array(Some(a.value_type_name.as_bytes()))?;
                inner.count(a.entries.len())?;
                for (k, v) in &a.entries {
                    write_raw_at(inner, &a.key_type_name, k, depth)?;
                    write_raw_at(inner, &a.value_type_name, v, depth)?;
                }
                Ok(())
            })?;
        }
        Value::RemoteObject(o) => {
            w.string(o.name.as_deref())?;
            w.string(o.type_name.as_deref())?;
            w.u8(o.kind.to_byte());
            w.byte_array(o.class_definition.as_deref())?;
            w.bool(o.is_null);
            if !o.is_null {
                w.byte_array(o.parameters.as_deref())?;
            }
        }
        Value::SourceLocationInfo(info) => {
            w.string(info.type_name.as_deref())?;
            w.byte_array(info.host_url.as_deref().map(str::as_bytes))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;
    use crate::codec::types::{GadgetDef, TypeRegistry};

    fn encode(v: &Value) -> Vec<u8> {
        let mut buf = BytesMut::new();
        write_variant(&mut Writer::new(&mut buf, ByteOrder::Little), v).unwrap();
        buf.to_vec()
    }

    fn decode(bytes: &[u8], types: &TypeRegistry) -> Result<Value> {
        let mut r = Reader::new(bytes, ByteOrder::Little);
        let v = read_variant(&mut r, types)?;
        r.finish("variant")?;
        Ok(v)
    }

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn pos() -> TypeRegistry {
        let mut t = TypeRegistry::new();
        t.register_gadget(GadgetDef::new("Pos", [("x", "int"), ("y", "int")]));
        t
    }

    #[test]
    fn protocol_doc_examples() {
        let cases = [
            (Value::Bool(true), "01000000 00 01"),
            (Value::Int(7), "02000000 00 07000000"),
            (Value::Double(21.5), "06000000 00 0000000000803540"),
            (Value::from("car"), "0a000000 00 06000000 630061007200"),
            (Value::String(None), "0a000000 00 ffffffff"),
            (Value::Invalid, "00000000 01"),
            // {67c8770b-44f1-410a-ab9a-f9b5446f13ee}: the three leading fields little-endian.
            (
                Value::Uuid([
                    0x67, 0xc8, 0x77, 0x0b, 0x44, 0xf1, 0x41, 0x0a, 0xab, 0x9a, 0xf9, 0xb5, 0x44,
                    0x6f, 0x13, 0xee,
                ]),
                "1e000000 00 0b77c867 f144 0a41 ab9af9b5446f13ee",
            ),
            (
                Value::Gadget(Gadget::new(
                    "Pos",
                    [("x", Value::Int(3)), ("y", Value::Int(4))],
                )),
                "00000100 00 04000000 506f7300 02000000 00 03000000 02000000 00 04000000",
            ),
        ];
        for (value, bytes) in cases {
            assert_eq!(encode(&value), hex(bytes), "{value:?}");
            assert_eq!(decode(&hex(bytes), &pos()).unwrap(), value);
        }
    }

    #[test]
    fn typed_gadgets_stream_each_field_with_its_own_operator() {
        // A Qt IF struct `Contact { string name; int age; bool married; var data; Kind kind;
        // Combo combo }`, as its generated `operator<<` writes it.
        let mut t = TypeRegistry::new();
        t.register_gadget(GadgetDef::typed("Inner", [("x", "int")]));
        t.register_gadget(GadgetDef::typed(
            "Contact",
            [
                ("name", "QString"),
                ("age", "int"),
                ("married", "bool"),
                ("data", "QVariant"),
                ("kind", "quint32"),
                ("inner", "Inner"),
            ],
        ));
        let v = Value::Gadget(Gadget::typed(
            "Contact",
            [
                ("name", Value::from("Ada")),
                ("age", Value::Int(36)),
                ("married", Value::Bool(true)),
                ("data", Value::Variant(Box::new(Value::Int(5)))),
                ("kind", Value::UInt(2)),
                (
                    "inner",
                    Value::Gadget(Gadget::typed("Inner", [("x", Value::Int(-1))])),
                ),
            ],
        ));
        let bytes = encode(&v);
        assert_eq!(
            bytes,
            hex("00000100 00 08000000 436f6e7461637400 \
                 06000000 410064006100 24000000 01 02000000 00 05000000 02000000 ffffffff")
        );
        assert_eq!(decode(&bytes, &t).unwrap(), v);
    }

    #[test]
    fn a_variant_can_hold_a_variant() {
        let v = Value::Variant(Box::new(Value::Int(7)));
        let bytes = encode(&v);
        assert_eq!(bytes, hex("29000000 00 02000000 00 07000000"));
        assert_eq!(decode(&bytes, &TypeRegistry::new()).unwrap(), v);
        // As a `QVariant` element of a typed container it is written as the variant it holds.
        let mut buf = BytesMut::new();
        write_raw(
            &mut Writer::new(&mut buf, ByteOrder::Little),
            "QVariant",
            &v,
        )
        .unwrap();
        assert_eq!(buf.to_vec(), hex("02000000 00 07000000"));
    }

    #[test]
    fn float_travels_as_double() {
        let bytes = encode(&Value::Float(1.5));
        assert_eq!(bytes, hex("26000000 00 000000000000f83f"));
    }

    #[test]
    fn typed_containers_are_raw() {
        let v = Value::Sequence(Sequence {
            type_name: "QList<int>".into(),
            items: vec![Value::Int(1), Value::Int(2)],
        });
        let bytes = encode(&v);
        assert_eq!(
            bytes,
            hex("00000100 00 0b000000 514c6973743c696e743e00 02000000 01000000 02000000")
        );
        assert_eq!(decode(&bytes, &TypeRegistry::new()).unwrap(), v);
    }

    #[test]
    fn qsq_payload_is_big_endian() {
        let v = Value::GadgetSequence(GadgetSequence {
            type_name: "QList<Pos>".into(),
            value_type_name: "Pos".into(),
            items: vec![Value::Gadget(Gadget::new(
                "Pos",
                [("x", Value::Int(1)), ("y", Value::Int(2))],
            ))],
        });
        let bytes = encode(&v);
        let tail = hex("1d000000 00000003 506f73 00000001 \
             00000002 00 00000001 00000002 00 00000002");
        assert!(bytes.ends_with(&tail), "{bytes:02x?}");
        assert_eq!(decode(&bytes, &pos()).unwrap(), v);
    }

    #[test]
    fn enum_elements_use_their_size() {
        let mut t = TypeRegistry::new();
        t.register_enum("Demo::Mode", 1);
        let v = Value::Sequence(Sequence {
            type_name: "QList<Demo::Mode>".into(),
            items: vec![Value::SChar(5), Value::SChar(-1)],
        });
        let bytes = encode(&v);
        assert!(bytes.ends_with(&hex("02000000 05 ff")));
        assert_eq!(decode(&bytes, &t).unwrap(), v);
    }

    #[test]
    fn unknown_user_type_is_an_error() {
        let bytes = encode(&Value::Gadget(Gadget::new("Pos", [("x", Value::Int(1))])));
        assert!(matches!(
            decode(&bytes, &TypeRegistry::new()),
            Err(Error::UnknownUserType(name)) if name == "Pos"
        ));
        assert!(matches!(
            decode(&hex("63000000 00"), &TypeRegistry::new()),
            Err(Error::UnknownTypeId(0x63))
        ));
    }

    #[test]
    fn mismatched_elements_are_refused() {
        let v = Value::Sequence(Sequence {
            type_name: "QList<int>".into(),
            items: vec![Value::from("no")],
        });
        let mut buf = BytesMut::new();
        let err = write_variant(&mut Writer::new(&mut buf, ByteOrder::Little), &v);
        assert!(matches!(err, Err(Error::TypeMismatch { .. })));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut bytes = Vec::new();
        for _ in 0..100_000 {
            bytes.extend_from_slice(&hex("09000000 00 01000000"));
        }
        assert!(matches!(
            decode(&bytes, &TypeRegistry::new()),
            Err(Error::NestingTooDeep(_))
        ));
    }

    #[test]
    fn huge_counts_do_not_allocate() {
        let bytes = hex("09000000 00 fffffffe");
        assert!(matches!(
            decode(&bytes, &TypeRegistry::new()),
            Err(Error::Truncated { .. })
        ));
    }
}
