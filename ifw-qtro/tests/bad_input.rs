//! Bad input from the wire ends in a clean [`Error`], never a panic: oversize and truncated
//! frames, unknown packet and variant types, unknown user types, a wrong handshake, garbage.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "a failing test should fail loudly"
)]

use bytes::BytesMut;
use futures_util::StreamExt;
use ifw_qtro::codec::TypeRegistry;
use ifw_qtro::{Error, FrameCodec, Packet, PacketType, Value};
use proptest::prelude::*;
use tokio::io::AsyncWriteExt;
use tokio_util::codec::{Decoder, FramedRead};

fn ping(name: &str) -> Vec<u8> {
    Packet::Ping { name: name.into() }
        .to_bytes()
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn oversize_length_ends_the_stream_with_an_error() {
    let mut bytes = ping("ok");
    bytes.extend_from_slice(&[0x00, 0x00, 0x00, 0x10, 0x0a, 0x00]); // 256 MiB + …
    let mut frames = FramedRead::new(&bytes[..], FrameCodec::with_max_frame_length(1024));
    assert!(matches!(frames.next().await, Some(Ok(f)) if f.packet_type == PacketType::Ping));
    assert!(matches!(
        frames.next().await,
        Some(Err(Error::FrameTooLarge {
            len: 0x1000_0000,
            max: 1024
        }))
    ));
}

#[tokio::test]
async fn a_qt5_peer_is_refused_cleanly() {
    // QtRO 1.3 (Qt 5) writes big-endian: its Handshake length reads as a huge little-endian one.
    let qt5_handshake = [0x00, 0x00, 0x00, 0x16, 0x00, 0x01];
    let mut frames = FramedRead::new(&qt5_handshake[..], FrameCodec::new());
    assert!(matches!(
        frames.next().await,
        Some(Err(Error::FrameTooLarge { .. }))
    ));
}

#[tokio::test]
async fn a_truncated_frame_waits_for_the_rest() {
    let whole = ping("Car");
    let (mut tx, rx) = tokio::io::duplex(64);
    let mut frames = FramedRead::new(rx, FrameCodec::new());
    tx.write_all(&whole[..7]).await.unwrap();
    let early = tokio::time::timeout(std::time::Duration::from_millis(50), frames.next()).await;
    assert!(early.is_err(), "no frame may come out of half a frame");
    tx.write_all(&whole[7..]).await.unwrap();
    let frame = frames.next().await.unwrap().unwrap();
    assert_eq!(
        frame.decode(&TypeRegistry::new()).unwrap(),
        Packet::Ping { name: "Car".into() }
    );
}

#[tokio::test]
async fn a_stream_ending_mid_frame_is_an_error() {
    let whole = ping("Car");
    let mut frames = FramedRead::new(&whole[..whole.len() - 1], FrameCodec::new());
    assert!(matches!(
        frames.next().await,
        Some(Err(Error::Truncated { needed: 1, .. }))
    ));
}

#[test]
fn unknown_packet_type_is_an_error() {
    let mut src = BytesMut::from(&[6, 0, 0, 0, 0x2a, 0, 1, 2, 3, 4][..]);
    assert!(matches!(
        FrameCodec::new().decode(&mut src),
        Err(Error::UnknownPacketType(42))
    ));
}

#[test]
fn an_unknown_user_type_spoils_one_packet_not_the_stream() {
    let bad = Packet::PropertyChange {
        name: "Car".into(),
        index: 3,
        value: Value::Gadget(ifw_qtro::Gadget::new("Pos", [("x", Value::Int(1))])),
    };
    let mut src = BytesMut::new();
    src.extend_from_slice(&bad.to_bytes().unwrap());
    src.extend_from_slice(&ping("after"));
    let mut codec = FrameCodec::new();
    let types = TypeRegistry::new();
    let first = codec.decode(&mut src).unwrap().unwrap();
    assert!(matches!(first.decode(&types), Err(Error::UnknownUserType(n)) if n == "Pos"));
    let second = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(
        second.decode(&types).unwrap(),
        Packet::Ping {
            name: "after".into()
        }
    );
}

#[test]
fn unknown_variant_type_id_is_an_error() {
    // PropertyChange: name "C", index 0, a QVariant of type 0x1003 (QColor, a Gui type).
    let body = [2, 0, 0, 0, b'C', 0, 0, 0, 0, 0, 0x03, 0x10, 0, 0, 0];
    assert!(matches!(
        Packet::decode(
            PacketType::PropertyChangePacket,
            &body,
            &TypeRegistry::new()
        ),
        Err(Error::UnknownTypeId(0x1003))
    ));
}

#[test]
fn wrong_handshake_content_is_refused() {
    let qt5 = Packet::Handshake {
        version: "QtRO 1.3".into(),
    };
    let bytes = qt5.to_bytes().unwrap();
    let frame = FrameCodec::new()
        .decode(&mut BytesMut::from(&bytes[..]))
        .unwrap()
        .unwrap();
    let packet = frame.decode(&TypeRegistry::new()).unwrap();
    assert!(matches!(
        packet.check_handshake(),
        Err(Error::ProtocolMismatch(v)) if v == "QtRO 1.3"
    ));
    let first = Packet::ObjectList(vec![]);
    assert!(matches!(
        first.check_handshake(),
        Err(Error::MissingHandshake("ObjectList"))
    ));
    // A Handshake whose "string" is not UTF-16 at all.
    let garbage = [3, 0, 0, 0, 0xff, 0xfe, 0x00];
    assert!(Packet::decode(PacketType::Handshake, &garbage, &TypeRegistry::new()).is_err());
}

/// Feeds bytes through the frame decoder and decodes every frame; returns how many decoded.
fn chew(bytes: &[u8]) -> usize {
    let mut codec = FrameCodec::with_max_frame_length(1 << 16);
    let mut src = BytesMut::from(bytes);
    let types = TypeRegistry::new();
    let mut ok = 0;
    while let Ok(Some(frame)) = codec.decode(&mut src) {
        if let Ok(packet) = frame.decode(&types) {
            let again = packet.to_bytes().unwrap();
            let reframed = FrameCodec::new()
                .decode(&mut again.clone())
                .unwrap()
                .unwrap();
            assert_eq!(
                reframed.decode(&types).unwrap().to_bytes().unwrap(),
                again,
                "re-encoding is stable"
            );
            ok += 1;
        }
    }
    ok
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        chew(&bytes);
    }

    #[test]
    fn plausible_garbage_never_panics(
        ty in 1u16..=11,
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut bytes = u32::try_from(body.len() + 2).unwrap().to_le_bytes().to_vec();
        bytes.extend_from_slice(&ty.to_le_bytes());
        bytes.extend_from_slice(&body);
        chew(&bytes);
    }

    #[test]
    fn corrupted_real_packets_never_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let good = Packet::Invoke(ifw_qtro::Invoke {
            name: "Car".into(),
            call: ifw_qtro::Call::InvokeMetaMethod,
            index: 2,
            args: vec![
                Value::Int(2),
                Value::from("two"),
                Value::List(vec![Value::Double(3.0), Value::Map(vec![("k".into(), Value::Bool(true))])]),
            ],
            serial_id: 1,
            property_index: -1,
        });
        let mut bytes = good.to_bytes().unwrap().to_vec();
        for (at, byte) in flips {
            let i = 6 + at.index(bytes.len() - 6);
            bytes[i] = byte;
        }
        chew(&bytes);
    }
}
