//! Framing: a tokio-util [`Decoder`]/[`Encoder`] that cuts a byte stream into frames of
//! `u32 length` (little-endian, counting the bytes after itself) + `u16 packet type` + body.
//!
//! The decoder only frames; turning a body into a [`Packet`] needs the connection's type
//! knowledge ([`Frame::decode`]). So a packet that cannot be decoded can be skipped without
//! losing the stream.

use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::codec::TypeLookup;
use crate::error::{Error, Result};
use crate::packet::{Packet, PacketType};

/// The default bound on a frame's length field: 16 MiB.
pub const DEFAULT_MAX_FRAME_LENGTH: usize = 16 * 1024 * 1024;

/// Bytes of the length field.
const LENGTH_SIZE: usize = 4;
/// Bytes of the packet type.
const TYPE_SIZE: usize = 2;

/// One frame: its packet type and undecoded body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The packet type.
    pub packet_type: PacketType,
    /// The body after the type.
    pub body: Bytes,
}

impl Frame {
    /// Decodes the body into a packet, looking user types up in `types`.
    pub fn decode(&self, types: &dyn TypeLookup) -> Result<Packet> {
        Packet::decode(self.packet_type, &self.body, types)
    }

    /// The frame's bytes as they travel: length, type, body.
    pub fn to_bytes(&self) -> Result<BytesMut> {
        let mut out = BytesMut::new();
        self.encode(&mut out)?;
        Ok(out)
    }

    fn encode(&self, dst: &mut BytesMut) -> Result<()> {
        let len = self.body.len() + TYPE_SIZE;
        let len32 = u32::try_from(len).map_err(|_| Error::TooLong(len))?;
        dst.reserve(LENGTH_SIZE + len);
        dst.extend_from_slice(&len32.to_le_bytes());
        dst.extend_from_slice(&(self.packet_type as u16).to_le_bytes());
        dst.extend_from_slice(&self.body);
        Ok(())
    }
}

/// The QtRO frame codec, with a bound on the frame length.
#[derive(Debug, Clone, Copy)]
pub struct FrameCodec {
    max_frame_length: usize,
}

impl Default for FrameCodec {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameCodec {
    /// A codec accepting frames up to [`DEFAULT_MAX_FRAME_LENGTH`].
    pub fn new() -> Self {
        Self {
            max_frame_length: DEFAULT_MAX_FRAME_LENGTH,
        }
    }

    /// A codec accepting frames whose length field is at most `max`.
    pub fn with_max_frame_length(max: usize) -> Self {
        Self {
            max_frame_length: max,
        }
    }

    /// The largest length field accepted (and produced).
    pub fn max_frame_length(&self) -> usize {
        self.max_frame_length
    }

    fn check_length(&self, len: usize) -> Result<()> {
        if len > self.max_frame_length {
            return Err(Error::FrameTooLarge {
                len,
                max: self.max_frame_length,
            });
        }
        Ok(())
    }
}

impl Decoder for FrameCodec {
    type Item = Frame;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>> {
        let Some(header) = src.get(..LENGTH_SIZE) else {
            return Ok(None);
        };
        let len32 = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
        let len = len32 as usize;
        if len < TYPE_SIZE {
            return Err(Error::FrameTooShort(len32));
        }
        self.check_length(len)?;
        // The type is checked as soon as it arrives, not after the whole body.
        let packet_type = match src.get(LENGTH_SIZE..LENGTH_SIZE + TYPE_SIZE) {
            Some(t) => {
                let id = u16::from_le_bytes([t[0], t[1]]);
                PacketType::from_u16(id).ok_or(Error::UnknownPacketType(id))?
            }
            None => return Ok(None),
        };
        let total = LENGTH_SIZE + len;
        if src.len() < total {
            src.reserve(total - src.len());
            return Ok(None);
        }
        src.advance(LENGTH_SIZE + TYPE_SIZE);
        let body = src.split_to(len - TYPE_SIZE).freeze();
        Ok(Some(Frame { packet_type, body }))
    }

    /// At the end of the stream, a partial frame is a [`Error::Truncated`].
    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Frame>> {
        match self.decode(src)? {
            Some(frame) => Ok(Some(frame)),
            None if src.is_empty() => Ok(None),
            None => {
                let wanted = match src.get(..LENGTH_SIZE) {
                    Some(h) => LENGTH_SIZE + u32::from_le_bytes([h[0], h[1], h[2], h[3]]) as usize,
                    None => LENGTH_SIZE + TYPE_SIZE,
                };
                Err(Error::Truncated {
                    needed: wanted.saturating_sub(src.len()),
                    offset: 0,
                })
            }
        }
    }
}

impl Encoder<&Packet> for FrameCodec {
    type Error = Error;

    fn encode(&mut self, packet: &Packet, dst: &mut BytesMut) -> Result<()> {
        let start = dst.len();
        packet.encode(dst)?;
        let len = dst.len() - start - LENGTH_SIZE;
        if let Err(e) = self.check_length(len) {
            dst.truncate(start);
            return Err(e);
        }
        Ok(())
    }
}

impl Encoder<Packet> for FrameCodec {
    type Error = Error;

    fn encode(&mut self, packet: Packet, dst: &mut BytesMut) -> Result<()> {
        Encoder::<&Packet>::encode(self, &packet, dst)
    }
}

impl Encoder<&Frame> for FrameCodec {
    type Error = Error;

    fn encode(&mut self, frame: &Frame, dst: &mut BytesMut) -> Result<()> {
        self.check_length(frame.body.len() + TYPE_SIZE)?;
        frame.encode(dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::TypeRegistry;

    fn ping_bytes() -> BytesMut {
        Packet::Ping { name: "Car".into() }.to_bytes().unwrap()
    }

    #[test]
    fn waits_for_a_whole_frame_then_yields_it() {
        let whole = ping_bytes();
        let mut codec = FrameCodec::new();
        let mut src = BytesMut::new();
        for (i, byte) in whole.iter().enumerate() {
            assert_eq!(codec.decode(&mut src).unwrap(), None, "after {i} bytes");
            src.extend_from_slice(&[*byte]);
        }
        let frame = codec.decode(&mut src).unwrap().unwrap();
        assert!(src.is_empty());
        assert_eq!(frame.packet_type, PacketType::Ping);
        assert_eq!(
            frame.decode(&TypeRegistry::new()).unwrap(),
            Packet::Ping { name: "Car".into() }
        );
        assert_eq!(frame.to_bytes().unwrap(), whole);
    }

    #[test]
    fn several_frames_in_one_read() {
        let mut src = ping_bytes();
        src.extend_from_slice(&Packet::Pong { name: "Car".into() }.to_bytes().unwrap());
        let mut codec = FrameCodec::new();
        let a = codec.decode(&mut src).unwrap().unwrap();
        let b = codec.decode(&mut src).unwrap().unwrap();
        assert_eq!(
            (a.packet_type, b.packet_type),
            (PacketType::Ping, PacketType::Pong)
        );
        assert_eq!(codec.decode(&mut src).unwrap(), None);
    }

    #[test]
    fn oversize_length_is_refused_before_buffering() {
        let mut codec = FrameCodec::with_max_frame_length(64);
        let mut src = BytesMut::from(&[0x41, 0, 0, 0][..]);
        assert!(matches!(
            codec.decode(&mut src),
            Err(Error::FrameTooLarge { len: 65, max: 64 })
        ));
        let mut src = BytesMut::from(&[0xff, 0xff, 0xff, 0xff, 0x0a, 0x00][..]);
        assert!(matches!(
            FrameCodec::new().decode(&mut src),
            Err(Error::FrameTooLarge { .. })
        ));
    }

    #[test]
    fn too_short_and_unknown_types_are_refused() {
        let mut src = BytesMut::from(&[1, 0, 0, 0, 9][..]);
        assert!(matches!(
            FrameCodec::new().decode(&mut src),
            Err(Error::FrameTooShort(1))
        ));
        for id in [0u16, 12, 0xffff] {
            let mut src = BytesMut::from(&[2, 0, 0, 0][..]);
            src.extend_from_slice(&id.to_le_bytes());
            assert!(matches!(
                FrameCodec::new().decode(&mut src),
                Err(Error::UnknownPacketType(got)) if got == id
            ));
        }
    }

    #[test]
    fn encoder_respects_the_maximum() {
        let mut codec = FrameCodec::with_max_frame_length(8);
        let mut dst = BytesMut::new();
        let long = Packet::Ping {
            name: "far too long".into(),
        };
        assert!(matches!(
            codec.encode(&long, &mut dst),
            Err(Error::FrameTooLarge { .. })
        ));
        assert!(dst.is_empty());
        let mut codec = FrameCodec::new();
        codec.encode(long.clone(), &mut dst).unwrap();
        assert_eq!(dst, long.to_bytes().unwrap());
    }
}
