//! The eleven QtRO 2.0 packets and their bodies.
//!
//! On the wire a packet is a frame: `u32 length` (bytes after itself), `u16 type`, body. Every
//! body but ObjectList's starts with the object name as a `QString`.

use bytes::{BufMut, BytesMut};

use crate::codec::types::Overlay;
use crate::codec::{
    ByteOrder, ClassDefinition, Reader, TypeLookup, Value, Writer, read_variant, write_variant,
};
use crate::error::{Error, Result};

/// The protocol version a host announces in its Handshake.
pub const PROTOCOL_VERSION: &str = "QtRO 2.0";

/// A packet type id (`QRemoteObjectPacketTypeEnum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum PacketType {
    /// Host → node: the protocol version, first on every connection.
    Handshake = 1,
    /// Host → node: property values of a statically acquired object.
    InitPacket = 2,
    /// Host → node: class definition and property values of a dynamically acquired object.
    InitDynamicPacket = 3,
    /// Node → host: acquire an object.
    AddObject = 4,
    /// Either way: an object (node side: replica, host side: source) went away.
    RemoveObject = 5,
    /// Either way: a method call, property write or signal.
    InvokePacket = 6,
    /// Host → node: the return value of a call.
    InvokeReplyPacket = 7,
    /// Host → node: a property's new value.
    PropertyChangePacket = 8,
    /// Host → node: the objects the host remotes.
    ObjectList = 9,
    /// Node → host: heartbeat.
    Ping = 10,
    /// Host → node: heartbeat answer.
    Pong = 11,
}

impl PacketType {
    /// The type with this id, if QtRO 2.0 defines it.
    pub fn from_u16(id: u16) -> Option<Self> {
        Some(match id {
            1 => Self::Handshake,
            2 => Self::InitPacket,
            3 => Self::InitDynamicPacket,
            4 => Self::AddObject,
            5 => Self::RemoveObject,
            6 => Self::InvokePacket,
            7 => Self::InvokeReplyPacket,
            8 => Self::PropertyChangePacket,
            9 => Self::ObjectList,
            10 => Self::Ping,
            11 => Self::Pong,
            _ => return None,
        })
    }

    /// Qt's name for the packet type.
    pub fn name(self) -> &'static str {
        match self {
            Self::Handshake => "Handshake",
            Self::InitPacket => "InitPacket",
            Self::InitDynamicPacket => "InitDynamicPacket",
            Self::AddObject => "AddObject",
            Self::RemoveObject => "RemoveObject",
            Self::InvokePacket => "InvokePacket",
            Self::InvokeReplyPacket => "InvokeReplyPacket",
            Self::PropertyChangePacket => "PropertyChangePacket",
            Self::ObjectList => "ObjectList",
            Self::Ping => "Ping",
            Self::Pong => "Pong",
        }
    }
}

/// The `QMetaObject::Call` of an InvokePacket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// Call a method, or (host → node) emit a signal: `QMetaObject::InvokeMetaMethod` (0).
    InvokeMetaMethod,
    /// Write a property: `QMetaObject::WriteProperty` (2).
    WriteProperty,
    /// Any other value, kept as sent.
    Other(i32),
}

impl Call {
    /// The call for its wire value.
    pub fn from_i32(v: i32) -> Self {
        match v {
            0 => Self::InvokeMetaMethod,
            2 => Self::WriteProperty,
            other => Self::Other(other),
        }
    }

    /// The wire value.
    pub fn to_i32(self) -> i32 {
        match self {
            Self::InvokeMetaMethod => 0,
            Self::WriteProperty => 2,
            Self::Other(v) => v,
        }
    }
}

/// One entry of an ObjectList.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The object's name, what AddObject asks for.
    pub name: String,
    /// Its type name (`Q_CLASSINFO("RemoteObject Type")`); null for a plain `QObject`.
    pub type_name: Option<String>,
    /// repc's lowercase hex SHA1 of the class; null or empty when the source has none.
    pub signature: Option<Vec<u8>>,
}

/// A method call, property write or signal emission.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoke {
    /// The object name.
    pub name: String,
    /// What kind of call.
    pub call: Call,
    /// The method, signal or property index (see the index layout rules).
    pub index: i32,
    /// The arguments (enums as integers of their size).
    pub args: Vec<Value>,
    /// The serial id a reply must carry; −1 when no reply is wanted, 0 is the heartbeat's.
    pub serial_id: i32,
    /// For a notify signal, the index of the property that changed; otherwise −1.
    pub property_index: i32,
}

/// A QtRO 2.0 packet.
///
/// ```
/// use bytes::BytesMut;
/// use ifw_qtro::{FrameCodec, Packet, TypeRegistry, Value};
/// use tokio_util::codec::Decoder;
///
/// // The reply to `add(2, 40)` from the `car_static` capture.
/// let reply = Packet::InvokeReply { name: "Car".into(), acked_serial_id: 1, value: Value::Int(42) };
/// let mut wire = reply.to_bytes()?;
/// assert_eq!(wire[..6], [0x19, 0, 0, 0, 7, 0]); // length 25, type 7
///
/// let frame = FrameCodec::new().decode(&mut wire)?.expect("a whole frame");
/// assert_eq!(frame.decode(&TypeRegistry::new())?, reply);
/// # Ok::<(), ifw_qtro::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Packet {
    /// The host's protocol announcement (normally [`PROTOCOL_VERSION`]).
    Handshake {
        /// The announced protocol, carried in the name slot.
        version: String,
    },
    /// Property values of a statically acquired object, in property index order.
    Init {
        /// The object name.
        name: String,
        /// The property values.
        properties: Vec<Value>,
    },
    /// Class definition and property values of a dynamically acquired object.
    InitDynamic {
        /// The object name.
        name: String,
        /// The class definition.
        definition: ClassDefinition,
        /// The property values, in the definition's property order.
        properties: Vec<Value>,
    },
    /// A node asks for an object.
    AddObject {
        /// The object name.
        name: String,
        /// Whether the node wants the class definition (InitDynamicPacket).
        is_dynamic: bool,
    },
    /// An object went away (or a node released it).
    RemoveObject {
        /// The object name.
        name: String,
    },
    /// A call, property write or signal.
    Invoke(Invoke),
    /// The return value of a call.
    InvokeReply {
        /// The object name.
        name: String,
        /// The serial id of the call answered.
        acked_serial_id: i32,
        /// The return value.
        value: Value,
    },
    /// A property's new value; the notify signal follows as an Invoke.
    PropertyChange {
        /// The object name.
        name: String,
        /// The property index.
        index: i32,
        /// The new value.
        value: Value,
    },
    /// The objects a host remotes (all of them on connect, new ones later).
    ObjectList(Vec<ObjectInfo>),
    /// A node's heartbeat.
    Ping {
        /// The replica's object name.
        name: String,
    },
    /// The host's answer to a Ping, echoing the name.
    Pong {
        /// The name from the Ping.
        name: String,
    },
}

impl Packet {
    /// The Handshake a host sends first.
    pub fn handshake() -> Self {
        Self::Handshake {
            version: PROTOCOL_VERSION.to_owned(),
        }
    }

    /// The packet's type.
    pub fn packet_type(&self) -> PacketType {
        match self {
            Self::Handshake { .. } => PacketType::Handshake,
            Self::Init { .. } => PacketType::InitPacket,
            Self::InitDynamic { .. } => PacketType::InitDynamicPacket,
            Self::AddObject { .. } => PacketType::AddObject,
            Self::RemoveObject { .. } => PacketType::RemoveObject,
            Self::Invoke(_) => PacketType::InvokePacket,
            Self::InvokeReply { .. } => PacketType::InvokeReplyPacket,
            Self::PropertyChange { .. } => PacketType::PropertyChangePacket,
            Self::ObjectList(_) => PacketType::ObjectList,
            Self::Ping { .. } => PacketType::Ping,
            Self::Pong { .. } => PacketType::Pong,
        }
    }

    /// Checks that this is the Handshake of a QtRO 2.0 host, as a node must before anything else.
    pub fn check_handshake(&self) -> Result<()> {
        match self {
            Self::Handshake { version } if version == PROTOCOL_VERSION => Ok(()),
            Self::Handshake { version } => Err(Error::ProtocolMismatch(version.clone())),
            other => Err(Error::MissingHandshake(other.packet_type().name())),
        }
    }

    /// Decodes a packet body (the bytes after the `u16` type), looking user types up in `types`.
    ///
    /// The whole body must be consumed. For an InitDynamicPacket the types its definition
    /// declares are found before those of `types`.
    pub fn decode(packet_type: PacketType, body: &[u8], types: &dyn TypeLookup) -> Result<Self> {
        let mut r = Reader::new(body, ByteOrder::Little);
        let packet = match packet_type {
            PacketType::ObjectList => {
                let n = r.count()?;
                let mut objects = Vec::with_capacity(r.capacity_hint(n, 12));
                for _ in 0..n {
                    objects.push(ObjectInfo {
                        name: r.string_or_empty()?,
                        type_name: r.string()?,
                        signature: r.byte_array()?.map(<[u8]>::to_vec),
                    });
                }
                Self::ObjectList(objects)
            }
            _ => {
                let name = r.string_or_empty()?;
                Self::decode_named(packet_type, name, &mut r, types)?
            }
        };
        r.finish(packet_type.name())?;
        Ok(packet)
    }

    fn decode_named(
        packet_type: PacketType,
        name: String,
        r: &mut Reader<'_>,
        types: &dyn TypeLookup,
    ) -> Result<Self> {
        Ok(match packet_type {
            PacketType::Handshake => Self::Handshake { version: name },
            PacketType::InitPacket => Self::Init {
                name,
                properties: read_values(r, types)?,
            },
            PacketType::InitDynamicPacket => {
                let definition = ClassDefinition::read(r)?;
                let types = Overlay {
                    first: &definition,
                    then: types,
                };
                let properties = read_values(r, &types)?;
                Self::InitDynamic {
                    name,
                    definition,
                    properties,
                }
            }
            PacketType::AddObject => Self::AddObject {
                name,
                is_dynamic: r.bool()?,
            },
            PacketType::RemoveObject => Self::RemoveObject { name },
            PacketType::InvokePacket => Self::Invoke(Invoke {
                name,
                call: Call::from_i32(r.i32()?),
                index: r.i32()?,
                args: read_values(r, types)?,
                serial_id: r.i32()?,
                property_index: r.i32()?,
            }),
            PacketType::InvokeReplyPacket => Self::InvokeReply {
                name,
                acked_serial_id: r.i32()?,
                value: read_variant(r, types)?,
            },
            PacketType::PropertyChangePacket => Self::PropertyChange {
                name,
                index: r.i32()?,
                value: read_variant(r, types)?,
            },
            PacketType::Ping => Self::Ping { name },
            PacketType::Pong => Self::Pong { name },
            PacketType::ObjectList => return Err(Error::Malformed("ObjectList has no name")),
        })
    }

    /// Appends the whole frame (length, type, body) to `dst`. On error `dst` is left as it was.
    pub fn encode(&self, dst: &mut BytesMut) -> Result<()> {
        let start = dst.len();
        let result = self.encode_frame(dst);
        if result.is_err() {
            dst.truncate(start);
        }
        result
    }

    /// The whole frame as bytes.
    pub fn to_bytes(&self) -> Result<BytesMut> {
        let mut buf = BytesMut::new();
        self.encode(&mut buf)?;
        Ok(buf)
    }

    fn encode_frame(&self, dst: &mut BytesMut) -> Result<()> {
        let start = dst.len();
        dst.put_u32_le(0);
        dst.put_u16_le(self.packet_type() as u16);
        self.encode_body(&mut Writer::new(dst, ByteOrder::Little))?;
        let len = dst.len() - start - 4;
        let len = u32::try_from(len).map_err(|_| Error::TooLong(len))?;
        dst[start..start + 4].copy_from_slice(&len.to_le_bytes());
        Ok(())
    }

    fn encode_body(&self, w: &mut Writer<'_>) -> Result<()> {
        match self {
            Self::ObjectList(objects) => {
                w.count(objects.len())?;
                for o in objects {
                    w.string(Some(&o.name))?;
                    w.string(o.type_name.as_deref())?;
                    w.byte_array(o.signature.as_deref())?;
                }
            }
            Self::Handshake { version } => w.string(Some(version))?,
            Self::Init { name, properties } => {
                w.string(Some(name))?;
                write_values(w, properties)?;
            }
            Self::InitDynamic {
                name,
                definition,
                properties,
            } => {
                w.string(Some(name))?;
                definition.write(w)?;
                write_values(w, properties)?;
            }
            Self::AddObject { name, is_dynamic } => {
                w.string(Some(name))?;
                w.bool(*is_dynamic);
            }
            Self::RemoveObject { name } | Self::Ping { name } | Self::Pong { name } => {
                w.string(Some(name))?;
            }
            Self::Invoke(i) => write_invoke(
                w,
                &i.name,
                i.call,
                i.index,
                &i.args,
                i.serial_id,
                i.property_index,
            )?,
            Self::InvokeReply {
                name,
                acked_serial_id,
                value,
            } => {
                w.string(Some(name))?;
                w.i32(*acked_serial_id);
                write_variant(w, value)?;
            }
            Self::PropertyChange { name, index, value } => {
                write_property_change(w, name, *index, value)?;
            }
        }
        Ok(())
    }
}

/// Appends one whole frame of `packet_type` whose body `body` writes. On error `dst` is left as
/// it was.
fn encode_frame_with(
    dst: &mut BytesMut,
    packet_type: PacketType,
    body: impl FnOnce(&mut Writer<'_>) -> Result<()>,
) -> Result<()> {
    let start = dst.len();
    let result = (|| {
        dst.put_u32_le(0);
        dst.put_u16_le(packet_type as u16);
        body(&mut Writer::new(dst, ByteOrder::Little))?;
        let len = dst.len() - start - 4;
        let len = u32::try_from(len).map_err(|_| Error::TooLong(len))?;
        dst[start..start + 4].copy_from_slice(&len.to_le_bytes());
        Ok(())
    })();
    if result.is_err() {
        dst.truncate(start);
    }
    result
}

/// Appends the frame of `Packet::PropertyChange { name, index, value }` without building it.
pub(crate) fn encode_property_change(
    dst: &mut BytesMut,
    name: &str,
    index: i32,
    value: &Value,
) -> Result<()> {
    encode_frame_with(dst, PacketType::PropertyChangePacket, |w| {
        write_property_change(w, name, index, value)
    })
}

/// Appends the frame of a signal emission (`Packet::Invoke` with `InvokeMetaMethod` and serial
/// id −1) without building it.
pub(crate) fn encode_signal(
    dst: &mut BytesMut,
    name: &str,
    index: i32,
    args: &[Value],
    property_index: i32,
) -> Result<()> {
    encode_frame_with(dst, PacketType::InvokePacket, |w| {
        write_invoke(
            w,
            name,
            Call::InvokeMetaMethod,
            index,
            args,
            -1,
            property_index,
        )
    })
}

fn write_property_change(w: &mut Writer<'_>, name: &str, index: i32, value: &Value) -> Result<()> {
    w.string(Some(name))?;
    w.i32(index);
    write_variant(w, value)
}

fn write_invoke(
    w: &mut Writer<'_>,
    name: &str,
    call: Call,
    index: i32,
    args: &[Value],
    serial_id: i32,
    property_index: i32,
) -> Result<()> {
    w.string(Some(name))?;
    w.i32(call.to_i32());
    w.i32(index);
    write_values(w, args)?;
    w.i32(serial_id);
    w.i32(property_index);
    Ok(())
}

pub(crate) fn read_values(r: &mut Reader<'_>, types: &dyn TypeLookup) -> Result<Vec<Value>> {
    let n = r.count()?;
    let mut values = Vec::with_capacity(r.capacity_hint(n, 5));
    for _ in 0..n {
        values.push(read_variant(r, types)?);
    }
    Ok(values)
}

fn write_values(w: &mut Writer<'_>, values: &[Value]) -> Result<()> {
    w.count(values.len())?;
    values.iter().try_for_each(|v| write_variant(w, v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::TypeRegistry;

    fn round_trip(p: &Packet) -> Packet {
        let bytes = p.to_bytes().unwrap();
        let len = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        assert_eq!(len, bytes.len() - 4);
        let ty = PacketType::from_u16(u16::from_le_bytes([bytes[4], bytes[5]])).unwrap();
        Packet::decode(ty, &bytes[6..], &TypeRegistry::new()).unwrap()
    }

    #[test]
    fn handshake_bytes_match_the_protocol_doc() {
        let bytes = Packet::handshake().to_bytes().unwrap();
        let doc = "16 00 00 00 01 00 10 00 00 00 51 00 74 00 52 00 4f 00 20 00 32 00 2e 00 30 00";
        let expected: Vec<u8> = doc
            .split(' ')
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect();
        assert_eq!(&bytes[..], &expected[..]);
    }

    #[test]
    fn every_packet_round_trips() {
        let packets = [
            Packet::handshake(),
            Packet::Init {
                name: "Car".into(),
                properties: vec![Value::Int(1), Value::from("x")],
            },
            Packet::InitDynamic {
                name: "Demo".into(),
                definition: ClassDefinition {
                    type_name: Some("Demo".into()),
                    ..ClassDefinition::default()
                },
                properties: vec![],
            },
            Packet::AddObject {
                name: "Car".into(),
                is_dynamic: true,
            },
            Packet::RemoveObject { name: "Car".into() },
            Packet::Invoke(Invoke {
                name: "Car".into(),
                call: Call::WriteProperty,
                index: 1,
                args: vec![Value::String(None)],
                serial_id: -1,
                property_index: -1,
            }),
            Packet::InvokeReply {
                name: "Car".into(),
                acked_serial_id: 1,
                value: Value::Int(42),
            },
            Packet::PropertyChange {
                name: "Car".into(),
                index: 2,
                value: Value::Int(3),
            },
            Packet::ObjectList(vec![ObjectInfo {
                name: "Car".into(),
                type_name: None,
                signature: Some(vec![]),
            }]),
            Packet::Ping { name: "Car".into() },
            Packet::Pong { name: "Car".into() },
        ];
        for p in &packets {
            assert_eq!(&round_trip(p), p);
        }
    }

    #[test]
    fn handshake_check() {
        assert!(Packet::handshake().check_handshake().is_ok());
        let old = Packet::Handshake {
            version: "QtRO 1.3".into(),
        };
        assert!(
            matches!(old.check_handshake(), Err(Error::ProtocolMismatch(v)) if v == "QtRO 1.3")
        );
        let ping = Packet::Ping { name: "x".into() };
        assert!(matches!(
            ping.check_handshake(),
            Err(Error::MissingHandshake("Ping"))
        ));
    }

    #[test]
    fn trailing_bytes_are_an_error() {
        let body = b"\x02\0\0\0x\0\x01\x07";
        assert!(matches!(
            Packet::decode(PacketType::AddObject, body, &TypeRegistry::new()),
            Err(Error::TrailingBytes { count: 1, .. })
        ));
    }

    #[test]
    fn failed_encode_leaves_the_buffer_alone() {
        let bad = Packet::PropertyChange {
            name: "x".into(),
            index: 0,
            value: Value::Sequence(crate::codec::Sequence {
                type_name: "QList<int>".into(),
                items: vec![Value::Bool(true)],
            }),
        };
        let mut buf = BytesMut::from(&b"keep"[..]);
        assert!(bad.encode(&mut buf).is_err());
        assert_eq!(&buf[..], b"keep");
    }

    #[test]
    fn pre_encoded_frames_match_the_packets() {
        let value = Value::String(Some("hi".into()));
        let mut buf = BytesMut::new();
        encode_property_change(&mut buf, "Car", 3, &value).unwrap();
        let change = Packet::PropertyChange {
            name: "Car".into(),
            index: 3,
            value: value.clone(),
        };
        assert_eq!(buf, change.to_bytes().unwrap());

        let mut buf = BytesMut::from(&b"keep"[..]);
        encode_signal(&mut buf, "Car", 2, std::slice::from_ref(&value), 3).unwrap();
        let signal = Packet::Invoke(Invoke {
            name: "Car".into(),
            call: Call::InvokeMetaMethod,
            index: 2,
            args: vec![value],
            serial_id: -1,
            property_index: 3,
        });
        assert_eq!(&buf[..4], b"keep");
        assert_eq!(buf[4..], signal.to_bytes().unwrap()[..]);

        let bad = Value::Sequence(crate::codec::Sequence {
            type_name: "QList<int>".into(),
            items: vec![Value::Bool(true)],
        });
        let mut buf = BytesMut::from(&b"keep"[..]);
        assert!(encode_property_change(&mut buf, "x", 0, &bad).is_err());
        assert!(encode_signal(&mut buf, "x", 0, &[bad], -1).is_err());
        assert_eq!(&buf[..], b"keep");
    }
}
