//! Property tests: any [`Value`] and any [`Packet`] survive encode → frame → decode unchanged.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

use bytes::BytesMut;
use ifw_qtro::codec::{
    Associative, ByteOrder, GadgetAssociative, GadgetDef, GadgetSequence, Pair, Reader,
    RemoteObject, RemoteObjectKind, Sequence, SourceLocationInfo, TypeRegistry, Writer,
    read_variant, write_variant,
};
use ifw_qtro::{Call, FrameCodec, Gadget, Invoke, ObjectInfo, Packet, Value};
use proptest::prelude::*;
use tokio_util::codec::{Decoder, Encoder};

/// The types the generated values use: two gadgets and a 2-byte enum.
fn registry() -> TypeRegistry {
    let mut t = TypeRegistry::new();
    t.register_gadget(GadgetDef::new("Pos", [("x", "int"), ("y", "int")]))
        .register_gadget(GadgetDef::new(
            "Item",
            [("name", "QString"), ("payload", "QVariant"), ("on", "bool")],
        ))
        .register_enum("Demo::Mode", 2);
    t
}

fn not_nan_f64() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("NaN is never equal to itself", |f| !f.is_nan())
}

fn not_nan_f32() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("NaN is never equal to itself", |f| !f.is_nan())
}

fn opt_string() -> impl Strategy<Value = Option<String>> {
    prop::option::of(".{0,12}")
}

fn opt_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop::option::of(prop::collection::vec(any::<u8>(), 0..16))
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Invalid),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::Int),
        any::<u32>().prop_map(Value::UInt),
        any::<i64>().prop_map(Value::LongLong),
        any::<u64>().prop_map(Value::ULongLong),
        any::<i16>().prop_map(Value::Short),
        any::<u16>().prop_map(Value::UShort),
        any::<i8>().prop_map(Value::Char),
        any::<i8>().prop_map(Value::SChar),
        any::<u8>().prop_map(Value::UChar),
        not_nan_f64().prop_map(Value::Double),
        not_nan_f32().prop_map(Value::Float),
        any::<u16>().prop_map(Value::QChar),
        opt_string().prop_map(Value::String),
        opt_bytes().prop_map(Value::ByteArray),
        prop::collection::vec(opt_string(), 0..4).prop_map(Value::StringList),
        prop::collection::vec(opt_bytes(), 0..4).prop_map(Value::ByteArrayList),
        opt_string().prop_map(Value::Url),
        (any::<i32>(), any::<i32>()).prop_map(|(x, y)| Value::Point { x, y }),
        (not_nan_f64(), not_nan_f64()).prop_map(|(x, y)| Value::PointF { x, y }),
        (any::<i32>(), any::<i32>()).prop_map(|(width, height)| Value::Size { width, height }),
        (not_nan_f64(), not_nan_f64()).prop_map(|(width, height)| Value::SizeF { width, height }),
        any::<[i32; 4]>().prop_map(|[left, top, right, bottom]| Value::Rect {
            left,
            top,
            right,
            bottom
        }),
        (not_nan_f64(), not_nan_f64(), not_nan_f64(), not_nan_f64()).prop_map(
            |(x, y, width, height)| Value::RectF {
                x,
                y,
                width,
                height
            }
        ),
        (opt_string(), opt_string()).prop_map(|(type_name, host_url)| Value::SourceLocationInfo(
            SourceLocationInfo {
                type_name,
                host_url
            }
        )),
        (
            opt_string(),
            opt_string(),
            0u8..5,
            opt_bytes(),
            any::<bool>(),
            opt_bytes()
        )
            .prop_map(
                |(name, type_name, kind, class_definition, is_null, parameters)| {
                    Value::RemoteObject(RemoteObject {
                        name,
                        type_name,
                        kind: RemoteObjectKind::from_byte(kind),
                        class_definition,
                        is_null,
                        parameters: if is_null { None } else { parameters },
                    })
                }
            ),
    ]
}

fn pos(inner: impl Strategy<Value = Value> + Clone) -> impl Strategy<Value = Gadget> {
    (inner.clone(), inner).prop_map(|(x, y)| Gadget::new("Pos", [("x", x), ("y", y)]))
}

fn sequence(type_name: &str, items: Vec<Value>) -> Value {
    Value::Sequence(Sequence {
        type_name: type_name.to_owned(),
        items,
    })
}

fn vec<S: Strategy>(element: S) -> prop::collection::VecStrategy<S> {
    prop::collection::vec(element, 0..5)
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone()).prop_map(Value::List),
            vec((".{0,6}", inner.clone())).prop_map(Value::Map),
            vec((".{0,6}", inner.clone())).prop_map(Value::Hash),
            pos(inner.clone()).prop_map(Value::Gadget),
            (opt_string(), inner.clone(), any::<bool>()).prop_map(|(name, payload, on)| {
                Value::Gadget(Gadget::new(
                    "Item",
                    [
                        ("name", Value::String(name)),
                        ("payload", payload),
                        ("on", Value::Bool(on)),
                    ],
                ))
            }),
            vec(any::<i32>().prop_map(Value::Int)).prop_map(|v| sequence("QList<int>", v)),
            vec(not_nan_f64().prop_map(Value::Double)).prop_map(|v| sequence("QVector<double>", v)),
            vec(any::<i16>().prop_map(Value::Short)).prop_map(|v| sequence("QList<Demo::Mode>", v)),
            vec(pos(inner.clone()).prop_map(Value::Gadget)).prop_map(|v| sequence("QList<Pos>", v)),
            vec(vec(any::<u8>().prop_map(Value::UChar)).prop_map(|v| sequence("QList<uchar>", v)))
                .prop_map(|v| sequence("QList<QList<uchar>>", v)),
            vec((any::<i32>(), opt_string())).prop_map(|entries| {
                Value::Associative(Associative {
                    type_name: "QMap<int,QString>".into(),
                    entries: entries
                        .into_iter()
                        .map(|(k, v)| (Value::Int(k), Value::String(v)))
                        .collect(),
                })
            }),
            vec((opt_string(), vec(inner.clone()))).prop_map(|entries| {
                Value::Associative(Associative {
                    type_name: "QHash<QString,QVariantList>".into(),
                    entries: entries
                        .into_iter()
                        .map(|(k, v)| (Value::String(k), Value::List(v)))
                        .collect(),
                })
            }),
            (any::<i32>(), inner.clone()).prop_map(|(a, b)| {
                Value::Pair(Pair {
                    type_name: "std::pair<int,QVariant>".into(),
                    first: Box::new(Value::Int(a)),
                    second: Box::new(b),
                })
            }),
            vec(pos(inner.clone()).prop_map(Value::Gadget)).prop_map(|items| {
                Value::GadgetSequence(GadgetSequence {
                    type_name: "QList<Pos>".into(),
                    value_type_name: "Pos".into(),
                    items,
                })
            }),
            vec((any::<i16>(), pos(inner))).prop_map(|entries| {
                Value::GadgetAssociative(GadgetAssociative {
                    type_name: "QMap<Demo::Mode,Pos>".into(),
                    key_type_name: "Demo::Mode".into(),
                    value_type_name: "Pos".into(),
                    entries: entries
                        .into_iter()
                        .map(|(k, g)| (Value::Short(k), Value::Gadget(g)))
                        .collect(),
                })
            }),
        ]
    })
}

fn packet() -> impl Strategy<Value = Packet> {
    let name = || ".{0,10}";
    let values = || prop::collection::vec(value(), 0..4);
    prop_oneof![
        name().prop_map(|version| Packet::Handshake { version }),
        (name(), values()).prop_map(|(name, properties)| Packet::Init { name, properties }),
        (name(), any::<bool>())
            .prop_map(|(name, is_dynamic)| Packet::AddObject { name, is_dynamic }),
        name().prop_map(|name| Packet::RemoveObject { name }),
        (
            name(),
            prop_oneof![Just(0), Just(2), any::<i32>()],
            any::<i32>(),
            values(),
            any::<i32>(),
            any::<i32>()
        )
            .prop_map(|(name, call, index, args, serial_id, property_index)| {
                Packet::Invoke(Invoke {
                    name,
                    call: Call::from_i32(call),
                    index,
                    args,
                    serial_id,
                    property_index,
                })
            }),
        (name(), any::<i32>(), value()).prop_map(|(name, acked_serial_id, value)| {
            Packet::InvokeReply {
                name,
                acked_serial_id,
                value,
            }
        }),
        (name(), any::<i32>(), value()).prop_map(|(name, index, value)| Packet::PropertyChange {
            name,
            index,
            value
        }),
        prop::collection::vec((name(), opt_string(), opt_bytes()), 0..4).prop_map(|objects| {
            Packet::ObjectList(
                objects
                    .into_iter()
                    .map(|(name, type_name, signature)| ObjectInfo {
                        name,
                        type_name,
                        signature,
                    })
                    .collect(),
            )
        }),
        name().prop_map(|name| Packet::Ping { name }),
        name().prop_map(|name| Packet::Pong { name }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn values_round_trip(v in value()) {
        for order in [ByteOrder::Little, ByteOrder::Big] {
            let mut buf = BytesMut::new();
            write_variant(&mut Writer::new(&mut buf, order), &v).unwrap();
            let mut r = Reader::new(&buf, order);
            let back = read_variant(&mut r, &registry()).unwrap();
            prop_assert_eq!(r.remaining(), 0);
            prop_assert_eq!(&back, &v);
        }
    }

    #[test]
    fn packets_round_trip_through_the_frame_codec(p in packet()) {
        let mut codec = FrameCodec::new();
        let mut buf = BytesMut::new();
        codec.encode(&p, &mut buf).unwrap();
        let frame = codec.decode(&mut buf).unwrap().unwrap();
        prop_assert!(buf.is_empty());
        prop_assert_eq!(frame.decode(&registry()).unwrap(), p);
    }

    /// Whatever decodes re-encodes to bytes that decode to the same thing (NaN-proof: compares
    /// bytes). Truncating a valid frame anywhere gives a clean error.
    #[test]
    fn decoding_is_stable_and_truncation_is_clean(p in packet(), cut in any::<prop::sample::Index>()) {
        let bytes = p.to_bytes().unwrap();
        let body = &bytes[6..];
        let decoded = Packet::decode(p.packet_type(), body, &registry()).unwrap();
        prop_assert_eq!(decoded.to_bytes().unwrap(), bytes.clone());
        let cut = cut.index(body.len().max(1));
        if cut < body.len() {
            prop_assert!(Packet::decode(p.packet_type(), &body[..cut], &registry()).is_err());
        }
    }
}
