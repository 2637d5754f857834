//! Arbitrary bytes through the frame decoder and the packet decoder, as a host or node reads
//! them from a socket: nothing may panic, and whatever decodes must re-encode stably.

#![no_main]

use bytes::BytesMut;
use ifw_qtro::{FrameCodec, Packet, TypeRegistry};
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::Decoder;

fuzz_target!(|data: &[u8]| {
    let mut codec = FrameCodec::with_max_frame_length(1 << 20);
    let mut src = BytesMut::from(data);
    // Types learned from InitDynamicPackets persist for the connection, as in a node.
    let mut types = TypeRegistry::new();
    while let Ok(Some(frame)) = codec.decode_eof(&mut src) {
        let Ok(packet) = frame.decode(&types) else {
            continue;
        };
        if let Packet::InitDynamic { definition, .. } = &packet {
            definition.register_types(&mut types);
        }
        let Ok(bytes) = packet.to_bytes() else {
            panic!("a decoded packet must encode: {packet:?}");
        };
        let mut again = bytes.clone();
        let reframed = match codec.decode(&mut again) {
            Ok(Some(f)) => f,
            other => panic!("re-encoded packet does not frame: {other:?}"),
        };
        match reframed.decode(&types).map(|p| p.to_bytes()) {
            Ok(Ok(second)) => assert_eq!(second, bytes, "re-encoding is not stable"),
            other => panic!("re-encoded packet does not decode: {other:?}"),
        }
    }
});
