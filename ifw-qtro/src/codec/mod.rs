//! The QDataStream (`Qt_6_2`) and `QVariant` codec QtRO 2.0 is built on.
//!
//! - [`datastream`]: primitives, `QString`, `QByteArray`, in either byte order.
//! - [`value`]: the schema-free [`Value`] model of a `QVariant`.
//! - [`variant`]: reading and writing `QVariant`s and raw typed-container elements.
//! - [`types`]: gadget and enum definitions the decoder needs ([`TypeRegistry`]).
//! - [`definition`]: the class definition of an `InitDynamicPacket`.
//! - [`metatype`]: the builtin Qt metatypes, by id and name.

pub mod datastream;
pub mod definition;
pub mod metatype;
pub mod types;
pub mod value;
pub mod variant;

pub use datastream::{ByteOrder, Reader, Writer};
pub use definition::{ClassDefinition, MethodDef, PropertyDef, SignalDef};
pub use metatype::MetaType;
pub use types::{EnumDef, EnumKey, GadgetDef, GadgetField, TypeLookup, TypeRegistry};
pub use value::{
    Associative, FieldEncoding, Gadget, GadgetAssociative, GadgetSequence, Pair, RemoteObject,
    RemoteObjectKind, Sequence, SourceLocationInfo, Value,
};
pub use variant::{read_raw, read_variant, write_raw, write_variant};
