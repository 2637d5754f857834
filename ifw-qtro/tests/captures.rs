//! Golden bytes from real Qt peers (`shared/qtro/captures`, see its README): every captured
//! packet frames, decodes, re-encodes to the very same bytes, and decodes to what the reference
//! decoder printed.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use bytes::BytesMut;
use ifw_qtro::codec::{GadgetDef, TypeRegistry, Value};
use ifw_qtro::{Error, FrameCodec, Gadget, Packet, PacketType};
use support::{Decoded, captures_dir, py_packet, read_decoded, read_log};
use tokio_util::codec::Decoder;

/// Captures whose replicas are static: both sides know the `Pos` POD from `car.rep`.
const STATIC_CAPTURES: [&str; 3] = [
    "car_static",
    "pysource_pyside_static",
    "cpp_replica_pysource",
];

/// A decoded capture packet, with its frame bytes.
struct Captured {
    frame: Vec<u8>,
    packet: Result<Packet, Error>,
}

/// Frames and decodes one capture the way a node or host would: per connection, with the
/// types a static peer knows and those learned from InitDynamicPackets.
fn decode_capture(stem: &str) -> Vec<Captured> {
    let text = fs::read_to_string(captures_dir().join(format!("{stem}.log"))).unwrap();
    let mut streams: BTreeMap<(String, u32), BytesMut> = BTreeMap::new();
    let mut types: BTreeMap<u32, TypeRegistry> = BTreeMap::new();
    let mut out = Vec::new();
    for chunk in read_log(&text) {
        let registry = types.entry(chunk.connection).or_insert_with(|| {
            let mut t = TypeRegistry::new();
            if STATIC_CAPTURES.contains(&stem) {
                t.register_gadget(GadgetDef::new("Pos", [("x", "int"), ("y", "int")]));
            }
            t
        });
        let buf = streams
            .entry((chunk.direction.clone(), chunk.connection))
            .or_default();
        buf.extend_from_slice(&chunk.bytes);
        while let Some(frame) = FrameCodec::new().decode(buf).unwrap() {
            let packet = frame.decode(registry);
            if let Ok(Packet::InitDynamic { definition, .. }) = &packet {
                definition.register_types(registry);
            }
            out.push(Captured {
                frame: frame.to_bytes().unwrap().to_vec(),
                packet,
            });
        }
    }
    for ((dir, conn), rest) in streams {
        assert!(rest.is_empty(), "{stem}: {dir} conn {conn} ends mid-frame");
    }
    out
}

fn capture_stems() -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(captures_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".log").map(str::to_owned)
        })
        .collect();
    stems.sort();
    assert!(
        stems.len() >= 10,
        "expected the 10 capture logs, found {stems:?}"
    );
    stems
}

#[test]
fn every_captured_packet_decodes_and_re_encodes_to_the_same_bytes() {
    let mut seen_types = BTreeSet::new();
    let mut total = 0;
    let mut undecodable = Vec::new();
    for stem in capture_stems() {
        for (i, c) in decode_capture(&stem).into_iter().enumerate() {
            total += 1;
            match c.packet {
                Ok(packet) => {
                    seen_types.insert(packet.packet_type() as u16);
                    let again = packet.to_bytes().unwrap();
                    assert_eq!(
                        &again[..],
                        &c.frame[..],
                        "{stem} packet {}: re-encoding differs",
                        i + 1
                    );
                }
                Err(e) => undecodable.push(format!("{stem} packet {}: {e}", i + 1)),
            }
        }
    }
    // The one known bad packet: PySide6 sends a POD slot argument as an unregistered wrapper
    // type (captures README); it must be a clean error.
    assert_eq!(
        undecodable,
        [
            "pysource_pyside_static packet 8: unknown user type `PySide::PyObjectWrapper`: \
          its definition is not registered"
        ]
    );
    assert_eq!(total, 119, "packet count of all captures");
    let all: BTreeSet<u16> = (1..=11).collect();
    assert_eq!(
        seen_types, all,
        "all 11 packet types appear in the captures"
    );
}

#[test]
fn every_captured_packet_decodes_as_the_reference_decoder_printed() {
    for stem in capture_stems() {
        let text = fs::read_to_string(captures_dir().join(format!("{stem}.decoded.txt"))).unwrap();
        let expected: Vec<Decoded> = read_decoded(&text);
        let ours = decode_capture(&stem);
        assert_eq!(ours.len(), expected.len(), "{stem}: packet count");
        for (i, (c, want)) in ours.iter().zip(&expected).enumerate() {
            match &c.packet {
                Ok(p) => {
                    assert_eq!(
                        PacketType::from_u16(c.frame[4].into()).map(PacketType::name),
                        Some(want.type_name.as_str())
                    );
                    assert_eq!(py_packet(p), want.fields, "{stem} packet {}", i + 1);
                }
                Err(Error::UnknownUserType(name)) => {
                    assert_eq!(want.type_name, "UNDECODED", "{stem} packet {}", i + 1);
                    assert!(want.fields.contains(name.as_str()));
                }
                Err(e) => panic!("{stem} packet {}: {e}", i + 1),
            }
        }
    }
}

/// A few decoded values spelled out, so the expectations are visible here too.
#[test]
fn selected_values() {
    let pos = |x, y| {
        Value::Gadget(Gadget::new(
            "Pos",
            [("x", Value::Int(x)), ("y", Value::Int(y))],
        ))
    };

    // A static InitPacket: int, QString, int and a POD.
    let car = decode_capture("car_static");
    let Ok(Packet::Init { name, properties }) = &car[3].packet else {
        panic!("car_static packet 4 is not an InitPacket");
    };
    assert_eq!(name, "Car");
    assert_eq!(
        properties,
        &[Value::Int(0), Value::from("car"), Value::Int(0), pos(3, 4)]
    );
    // WriteProperty with a null QString, then the empty string coming back.
    let Ok(Packet::Invoke(write)) = &car[8].packet else {
        panic!("car_static packet 9 is not an Invoke");
    };
    assert_eq!(write.args, [Value::String(None)]);
    let Ok(Packet::PropertyChange { value, .. }) = &car[12].packet else {
        panic!("car_static packet 13 is not a PropertyChange");
    };
    assert_eq!(value, &Value::String(Some(String::new())));

    // A dynamic definition with an enum, a gadget, and values of every common kind.
    let demo = decode_capture("pysource_pyside_dyn");
    let Some(Packet::InitDynamic {
        definition,
        properties,
        ..
    }) = demo.iter().find_map(|c| match &c.packet {
        Ok(p @ Packet::InitDynamic { .. }) => Some(p),
        _ => None,
    })
    else {
        panic!("no InitDynamicPacket in pysource_pyside_dyn");
    };
    let mode = &definition.enums[0];
    assert_eq!(
        (mode.name.as_str(), mode.size, mode.keys.len()),
        ("Mode", 4, 3)
    );
    assert_eq!(definition.properties[4].type_name, "Demo::Mode");
    assert_eq!(
        properties,
        &[
            Value::Int(7),
            Value::from("hello"),
            Value::Double(21.5),
            Value::Bool(true),
            Value::Int(5), // the enum property, Sport = 5, as an int of the enum's size
            pos(1, 2),
            Value::List(vec![Value::Int(1), Value::from("two"), Value::Double(3.0)]),
        ]
    );
}

#[test]
fn static_pod_without_registration_is_a_clean_error() {
    let text = fs::read_to_string(captures_dir().join("car_static.log")).unwrap();
    let mut buf = BytesMut::new();
    let mut errors = 0;
    for chunk in read_log(&text).into_iter().filter(|c| c.direction == "S2C") {
        buf.extend_from_slice(&chunk.bytes);
        while let Some(frame) = FrameCodec::new().decode(&mut buf).unwrap() {
            if let Err(e) = frame.decode(&TypeRegistry::new()) {
                assert!(matches!(&e, Error::UnknownUserType(n) if n == "Pos"), "{e}");
                errors += 1;
            }
        }
    }
    assert_eq!(
        errors, 1,
        "only the InitPacket carries a Pos in car_static S2C"
    );
}
