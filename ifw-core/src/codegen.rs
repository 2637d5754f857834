//! Everything generated code uses, re-exported in one place (in the manner of `tonic::codegen`).
//!
//! Generated code names runtime items only as `::ifw_core::codegen::…`, so a user crate depends on
//! `ifw-core` alone, and this module is the runtime's one stable surface towards the generator.
//! The helpers here exist for generated code; applications have no reason to call them.

pub use ifw_qtro::codec::{
    ClassDefinition, EnumDef, EnumKey, FieldEncoding, GadgetDef, GadgetField, MethodDef,
    PropertyDef, SignalDef,
};
pub use ifw_qtro::{
    BoxFuture, Gadget, Host, Node, Replica, ReplicaEvent, ReplicaState, SourceHandler,
    SourceObject, TypeRegistry, Value,
};
pub use {prost, prost_types, serde};

pub use crate::paging::{PagingModelReplica, PagingModelSource};
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
    PendingIds, Zones, answer, argument, debug_source, log_refused, property, push, set_property,
    zone_names, zoned_args, zoned_push,
};
pub use crate::{Error, FromQtro, PendingResult, ToQtro, Variant};
pub use std::future::Future;
pub use std::iter::IntoIterator;
pub use std::marker::{Send, Sync};
pub use std::option::Option::{self, None, Some};
pub use std::result::Result::{Err, Ok};
pub use std::string::String;
pub use std::sync::Arc;
pub use std::time::Duration;
pub use std::vec::Vec;

/// The result of everything generated code does: `Result<T, ifw_core::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Builds a [`ClassDefinition`] member by member, in repc's index order: a generated
/// `<iface>_class_definition()` function is one statement per signal, method, property and
/// gadget row.
///
/// ```
/// use ifw_core::codegen::ClassBuilder;
///
/// let mut c = ClassBuilder::new("Echo");
/// c.gadget("Point");
/// c.field("x", "int");
/// c.signal("textChanged(QString)", &["text"]);
/// c.method("pushText(QString)", "void", &["text"]);
/// c.property("text", "QString", Some("textChanged(QString)"));
/// let d = c.build();
/// assert_eq!(d.type_name.as_deref(), Some("Echo"));
/// assert_eq!(d.gadgets[0].fields[0].type_name, "int");
/// assert_eq!(d.signals[0].parameter_names, ["text"]);
/// assert_eq!(d.methods[0].return_type, "void");
/// assert_eq!(d.properties[0].notify_signature.as_deref(), Some("textChanged(QString)"));
/// ```
#[derive(Debug)]
pub struct ClassBuilder {
    definition: ClassDefinition,
    /// Where [`ClassBuilder::key`] adds: the last enum of the last gadget, or of the class.
    keys_to_gadget: bool,
}

impl ClassBuilder {
    /// An empty definition of class `type_name`.
    pub fn new(type_name: &str) -> Self {
        Self {
            definition: ClassDefinition {
                type_name: Some(type_name.to_owned()),
                enums: Vec::new(),
                qt_enums: Vec::new(),
                gadgets: Vec::new(),
                signals: Vec::new(),
                methods: Vec::new(),
                properties: Vec::new(),
            },
            keys_to_gadget: false,
        }
    }

    /// A signal: signature and parameter names.
    pub fn signal(&mut self, signature: &str, parameter_names: &[&str]) {
        self.definition.signals.push(SignalDef {
            signature: signature.to_owned(),
            parameter_names: names(parameter_names),
        });
    }

    /// A method: signature, return type and parameter names.
    pub fn method(&mut self, signature: &str, return_type: &str, parameter_names: &[&str]) {
        self.definition.methods.push(MethodDef {
            signature: signature.to_owned(),
            return_type: return_type.to_owned(),
            parameter_names: names(parameter_names),
        });
    }

    /// A property: name, type name and notify signal signature.
    pub fn property(&mut self, name: &str, type_name: &str, notify: Option<&str>) {
        self.definition.properties.push(PropertyDef {
            name: name.to_owned(),
            type_name: type_name.to_owned(),
            notify_signature: notify.map(str::to_owned),
        });
    }

    /// A gadget whose fields travel with their own typed operators (a Qt IF struct); its
    /// fields follow with [`ClassBuilder::field`].
    pub fn gadget(&mut self, name: &str) {
        self.gadget_def(GadgetDef::typed(name, []));
    }

    /// A field of the last gadget.
    pub fn field(&mut self, name: &str, type_name: &str) {
        if let Some(g) = self.definition.gadgets.last_mut() {
            g.fields.push(GadgetField {
                name: name.to_owned(),
                type_name: type_name.to_owned(),
            });
        }
    }

    /// A gadget as it is.
    pub fn gadget_def(&mut self, gadget: GadgetDef) {
        self.definition.gadgets.push(gadget);
    }

    /// A gadget that only holds enums (Qt IF's per-module enum class), which follow with
    /// [`ClassBuilder::gadget_enum`].
    pub fn enum_gadget(&mut self, name: &str) {
        self.gadget_def(GadgetDef::new(name, []));
    }

    /// An unscoped, 4-byte enum (or flag) of the last gadget; its keys follow with
    /// [`ClassBuilder::key`].
    pub fn gadget_enum(&mut self, name: &str, is_flag: bool) {
        if let Some(g) = self.definition.gadgets.last_mut() {
            g.enums.push(enum_def(name, is_flag, false, 4));
            self.keys_to_gadget = true;
        }
    }

    /// An enum of the class itself (`size` bytes on the wire); its keys follow with
    /// [`ClassBuilder::key`].
    pub fn class_enum(&mut self, name: &str, is_scoped: bool, size: u32) {
        self.definition
            .enums
            .push(enum_def(name, false, is_scoped, size));
        self.keys_to_gadget = false;
    }

    /// A key of the last enum.
    pub fn key(&mut self, name: &str, value: i32) {
        let target = if self.keys_to_gadget {
            self.definition
                .gadgets
                .last_mut()
                .and_then(|g| g.enums.last_mut())
        } else {
            self.definition.enums.last_mut()
        };
        if let Some(e) = target {
            e.keys.push(EnumKey {
                name: name.to_owned(),
                value,
            });
        }
    }

    /// The definition.
    pub fn build(self) -> ClassDefinition {
        self.definition
    }
}

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

fn enum_def(name: &str, is_flag: bool, is_scoped: bool, size: u32) -> EnumDef {
    EnumDef {
        name: name.to_owned(),
        is_flag,
        is_scoped,
        size,
        keys: Vec::new(),
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
