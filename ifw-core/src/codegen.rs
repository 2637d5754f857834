//! Everything generated code uses, re-exported in one place (in the manner of `tonic::codegen`).
//!
//! Generated code names runtime items only as `::ifw_core::codegen::…`, so a user crate depends on
//! `ifw-core` alone, and this module is the runtime's one stable surface towards the generator.
//! The helpers here exist for generated code; applications have no reason to call them.

pub use ifw_qtro::codec::{
    ClassDefinition, EnumDef, EnumKey, FieldEncoding, GadgetDef, MethodDef, PropertyDef, SignalDef,
};
pub use ifw_qtro::{
    BoxFuture, Gadget, Host, Node, Replica, ReplicaEvent, ReplicaState, SourceHandler,
    SourceObject, TypeRegistry, Value,
};
pub use {prost, prost_types, serde};

pub use crate::proto::{
    decode_message, from_proto_value, to_proto_value, variant_from_proto, variant_to_proto,
};
pub use crate::rep::{
    rep_answer, rep_argument, rep_bytes, rep_cached, rep_entries, rep_fields, rep_items, rep_list,
    rep_map, rep_refuse_write, rep_variant,
};
pub use crate::replica::{
    DEFAULT_RESULT_TIMEOUT, Operations, TypedEvents, cached, signal_argument,
};
pub use crate::replica::{changed, push_value};
pub use crate::source::{
    PendingIds, answer, argument, log_refused, property, push, set_property, zoned_push,
    zoned_value,
};
pub use crate::{Error, FromQtro, PendingResult, ToQtro, Variant};
pub use std::future::Future;
pub use std::marker::{Send, Sync};
pub use std::option::Option::{self, None, Some};
pub use std::result::Result::{Err, Ok};
pub use std::sync::Arc;

/// The result of everything generated code does: `Result<T, ifw_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A signal of a class table: signature and parameter names.
pub type SignalRow<'a> = (&'a str, &'a [&'a str]);
/// A method of a class table: signature, return type and parameter names.
pub type MethodRow<'a> = (&'a str, &'a str, &'a [&'a str]);
/// A property of a class table: name, type name and notify signature.
pub type PropertyRow<'a> = (&'a str, &'a str, Option<&'a str>);

/// The [`ClassDefinition`] of class `type_name` from compact tables, in repc's index order (the
/// generated `<iface>_class_definition()` functions are one call of this).
///
/// ```
/// use ifw_core::codegen::class_definition;
///
/// let d = class_definition(
///     "Echo",
///     Vec::new(),
///     &[("textChanged(QString)", &["text"])],
///     &[("pushText(QString)", "void", &["text"])],
///     &[("text", "QString", Some("textChanged(QString)"))],
/// );
/// assert_eq!(d.type_name.as_deref(), Some("Echo"));
/// assert_eq!(d.signals[0].parameter_names, ["text"]);
/// assert_eq!(d.methods[0].return_type, "void");
/// assert_eq!(d.properties[0].notify_signature.as_deref(), Some("textChanged(QString)"));
/// ```
pub fn class_definition(
    type_name: &str,
    gadgets: Vec<GadgetDef>,
    signals: &[SignalRow<'_>],
    methods: &[MethodRow<'_>],
    properties: &[PropertyRow<'_>],
) -> ClassDefinition {
    let names = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
    ClassDefinition {
        type_name: Some(type_name.to_owned()),
        enums: Vec::new(),
        qt_enums: Vec::new(),
        gadgets,
        signals: signals
            .iter()
            .map(|(signature, params)| SignalDef {
                signature: (*signature).to_owned(),
                parameter_names: names(params),
            })
            .collect(),
        methods: methods
            .iter()
            .map(|(signature, return_type, params)| MethodDef {
                signature: (*signature).to_owned(),
                return_type: (*return_type).to_owned(),
                parameter_names: names(params),
            })
            .collect(),
        properties: properties
            .iter()
            .map(|(name, type_name, notify)| PropertyDef {
                name: (*name).to_owned(),
                type_name: (*type_name).to_owned(),
                notify_signature: notify.map(str::to_owned),
            })
            .collect(),
    }
}

/// `std::collections::BTreeMap`, the Rust type of QFace `map<T>` (string keys, sorted, so output
/// is deterministic).
pub type Map<T> = std::collections::BTreeMap<String, T>;

/// The `N` fields of a struct that arrived as a gadget named `type_name`.
///
/// ```
/// use ifw_core::codegen::{Gadget, Value, gadget_fields};
///
/// let v = Value::Gadget(Gadget::new("Status", [("ok", Value::Bool(true))]));
/// let [(_, ok)] = gadget_fields(&v, "Status")?;
/// assert_eq!(ok, &Value::Bool(true));
/// assert!(gadget_fields::<1>(&v, "Other").is_err());
/// assert!(gadget_fields::<2>(&v, "Status").is_err());
/// # Ok::<(), ifw_core::Error>(())
/// ```
pub fn gadget_fields<'a, const N: usize>(
    value: &'a Value,
    type_name: &'static str,
) -> Result<&'a [(String, Value); N], Error> {
    let Value::Gadget(gadget) = value else {
        return Err(Error::UnexpectedValue {
            expected: "a struct (gadget)",
            found: value.kind(),
        });
    };
    if gadget.type_name != type_name {
        return Err(Error::TypeName {
            expected: type_name,
            found: gadget.type_name.clone(),
        });
    }
    gadget
        .fields
        .as_slice()
        .try_into()
        .map_err(|_| Error::FieldCount {
            type_name,
            expected: N,
            found: gadget.fields.len(),
        })
}

/// The integer an enum or flag of type `type_name` arrived as (Qt IF sends `quint32`; any
/// integer kind is accepted).
///
/// ```
/// use ifw_core::codegen::{Value, enum_value};
///
/// assert_eq!(enum_value(&Value::UInt(2), "Mode")?, 2);
/// assert!(enum_value(&Value::from("On"), "Mode").is_err());
/// # Ok::<(), ifw_core::Error>(())
/// ```
pub fn enum_value(value: &Value, type_name: &'static str) -> Result<i64, Error> {
    value.as_i64().ok_or(Error::UnexpectedValue {
        expected: type_name,
        found: value.kind(),
    })
}

/// The `quint32` an enum or flag travels as.
///
/// ```
/// assert_eq!(ifw_core::codegen::enum_to_qtro(-1), ifw_core::codegen::Value::UInt(u32::MAX));
/// ```
pub fn enum_to_qtro(value: i32) -> Value {
    // Qt IF writes `quint32(var)`: a negative enum value wraps, as in C++.
    #[allow(clippy::cast_sign_loss)]
    Value::UInt(value as u32)
}

/// A value as Qt Remote Objects sends it on its own (a property, an argument, a return value):
/// [`ToQtro`], except that an enum or flag, which Qt IF's structs stream as a `quint32`, travels as
/// an `int`, because QtRO's `encodeVariant` turns every 4-byte enum into one (checked against
/// Qt 6.4 by `ifw-build/tests/qt-echo`). QFace has no unsigned type, so a top-level
/// [`Value::UInt`] can only be an enum or flag.
///
/// ```
/// use ifw_core::codegen::{Value, to_wire};
///
/// struct Mode(u32);
/// impl ifw_core::ToQtro for Mode {
///     fn to_qtro(&self) -> Value {
///         Value::UInt(self.0)
///     }
/// }
/// assert_eq!(to_wire(&Mode(2)), Value::Int(2));
/// assert_eq!(to_wire(&"text".to_string()), Value::from("text"));
/// ```
pub fn to_wire<T: ToQtro + ?Sized>(value: &T) -> Value {
    match value.to_qtro() {
        // The enum's bits, as C++ converts them: a flag with the top bit set wraps.
        #[allow(clippy::cast_possible_wrap)]
        Value::UInt(bits) => Value::Int(bits as i32),
        other => other,
    }
}
