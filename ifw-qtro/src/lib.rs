//! Qt Remote Objects 2.0 for ifw: the QDataStream/QVariant codec, the packets, the host (source
//! side), the node (replica side) and the registry, byte-compatible with Qt 6.
//!
//! The layers, bottom up:
//!
//! - [`codec`]: QDataStream (`Qt_6_2`, little-endian on the wire) and `QVariant` encoding of a
//!   schema-free [`Value`]; gadget and enum knowledge in a [`TypeRegistry`].
//! - [`frame`]: the tokio-util [`FrameCodec`] that cuts a stream into [`Frame`]s, with a bound
//!   on their size.
//! - [`packet`]: the eleven QtRO packets ([`Packet`]) and their encoding.
//! - [`url`] and [`transport`]: `tcp://`, `local:` and `localabstract:` addresses ([`Url`]),
//!   the host's [`Listener`] and the node's [`connect`].
//! - [`source`]: the schema-free [`SourceObject`] (class definition, property values, a
//!   [`SourceHandler`] for calls and writes).
//! - [`host`]: the source side, a [`Host`] that remotes sources to every connected node.
//! - [`replica`] and [`node`]: the replica side, a [`Node`] that connects (and reconnects) to a
//!   host and serves [`Replica`]s with a property cache, calls, writes and [`ReplicaEvent`]s.
//! - [`registry`]: the `Registry` of source locations: its host ([`RegistryHost`]), hosts that
//!   register with it, and clients ([`Registry`]) that acquire objects wherever they are.
//! - [`error`]: the crate's [`Error`].
//!
//! Nothing here panics on input from the wire: every malformed byte sequence is an [`Error`].

pub mod codec;
pub mod error;
pub mod frame;
pub mod host;
mod link;
pub mod node;
pub mod packet;
pub mod registry;
pub mod replica;
pub mod source;
pub mod transport;
pub mod url;

pub use codec::{ClassDefinition, Gadget, TypeLookup, TypeRegistry, Value};
pub use error::{Error, Result};
pub use frame::{DEFAULT_MAX_FRAME_LENGTH, Frame, FrameCodec};
pub use host::{Host, HostOptions};
pub use node::{Node, NodeOptions};
pub use packet::{Call, Invoke, ObjectInfo, PROTOCOL_VERSION, Packet, PacketType};
pub use registry::{Registry, RegistryHost, SourceLocation};
pub use replica::{Replica, ReplicaEvent, ReplicaEvents, ReplicaState};
pub use source::{BoxFuture, DefaultHandler, SourceBuilder, SourceHandler, SourceObject};
pub use transport::{Listener, Stream, connect};
pub use url::Url;
