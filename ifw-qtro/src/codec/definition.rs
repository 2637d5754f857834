//! The class definition carried by an `InitDynamicPacket` (Qt's `serializeDefinition`): enums,
//! gadgets, signals, methods and properties of a remoted object, in the index order the source
//! uses on the wire.

use super::datastream::{Reader, Writer};
use super::types::{EnumDef, EnumKey, GadgetDef, GadgetField, TypeLookup, TypeRegistry};
use super::value::FieldEncoding;
use crate::error::Result;

/// A signal of a dynamic class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalDef {
    /// The normalized signature, for example `crashed(int,QString)`.
    pub signature: String,
    /// The parameter names (empty strings for unnamed parameters).
    pub parameter_names: Vec<String>,
}

/// A method (slot or invokable) of a dynamic class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodDef {
    /// The normalized signature, for example `add(int,int)`.
    pub signature: String,
    /// The return type name, `void` for none.
    pub return_type: String,
    /// The parameter names (empty strings for unnamed parameters).
    pub parameter_names: Vec<String>,
}

/// A property of a dynamic class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyDef {
    /// The property name.
    pub name: String,
    /// The type name: `Demo::Mode` for a class enum, `QObject*`/`QAbstractItemModel*` for
    /// children, `QtROSequentialContainer`/`QtROAssociativeContainer` for containers of gadgets.
    pub type_name: String,
    /// The notify signal's signature; `None` (a null byte array) when there is none.
    pub notify_signature: Option<String>,
}

/// The full class definition sent in an `InitDynamicPacket`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClassDefinition {
    /// The class name the replica takes; `None` (null) for a plain `QObject` source.
    pub type_name: Option<String>,
    /// The class's own enums; their full type names are `<type_name>::<enum name>`.
    pub enums: Vec<EnumDef>,
    /// Qt's own enums the API uses (`Qt::DateFormat`), registered by name only.
    pub qt_enums: Vec<String>,
    /// Gadgets (and enum-only metaobjects) the API uses.
    pub gadgets: Vec<GadgetDef>,
    /// Signals: notify signals first, in property order, then the other signals.
    pub signals: Vec<SignalDef>,
    /// Methods, in index order.
    pub methods: Vec<MethodDef>,
    /// Properties, in index order.
    pub properties: Vec<PropertyDef>,
}

impl ClassDefinition {
    /// Reads a definition.
    pub fn read(r: &mut Reader<'_>) -> Result<Self> {
        let type_name = r.string()?;
        let enums = read_list(r, read_enum)?;
        let qt_enums = read_list(r, |r| r.utf8_or_empty("Qt enum name"))?;
        let gadgets = read_list(r, |r| {
            Ok(GadgetDef {
                name: r.utf8_or_empty("gadget name")?,
                fields: read_list(r, |r| {
                    Ok(GadgetField {
                        name: r.utf8_or_empty("gadget field name")?,
                        type_name: r.utf8_or_empty("gadget field type")?,
                    })
                })?,
                enums: read_list(r, read_enum)?,
                // A dynamic definition describes repc-style gadgets: one variant per field.
                encoding: FieldEncoding::Variant,
            })
        })?;
        let signals = read_list(r, |r| {
            Ok(SignalDef {
                signature: r.utf8_or_empty("signal signature")?,
                parameter_names: read_names(r)?,
            })
        })?;
        let methods = read_list(r, |r| {
            Ok(MethodDef {
                signature: r.utf8_or_empty("method signature")?,
                return_type: r.utf8_or_empty("method return type")?,
                parameter_names: read_names(r)?,
            })
        })?;
        let properties = read_list(r, |r| {
            Ok(PropertyDef {
                name: r.c_string("property name")?,
                type_name: r.c_string("property type")?,
                notify_signature: r.utf8("notify signature")?,
            })
        })?;
        Ok(Self {
            type_name,
            enums,
            qt_enums,
            gadgets,
            signals,
            methods,
            properties,
        })
    }

    /// Writes the definition.
    pub fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        w.string(self.type_name.as_deref())?;
        write_list(w, &self.enums, write_enum)?;
        write_list(w, &self.qt_enums, |w, e| text(w, e))?;
        write_list(w, &self.gadgets, |w, g| {
            text(w, &g.name)?;
            write_list(w, &g.fields, |w, f| {
                text(w, &f.name)?;
                text(w, &f.type_name)
            })?;
            write_list(w, &g.enums, write_enum)
        })?;
        write_list(w, &self.signals, |w, s| {
            text(w, &s.signature)?;
            write_list(w, &s.parameter_names, |w, n| text(w, n))
        })?;
        write_list(w, &self.methods, |w, m| {
            text(w, &m.signature)?;
            text(w, &m.return_type)?;
            write_list(w, &m.parameter_names, |w, n| text(w, n))
        })?;
        write_list(w, &self.properties, |w, p| {
            w.c_string(&p.name)?;
            w.c_string(&p.type_name)?;
            w.byte_array(p.notify_signature.as_deref().map(str::as_bytes))
        })
    }

    /// The full type name of a class enum, as property and parameter types spell it.
    pub fn enum_type_name(&self, e: &EnumDef) -> String {
        format!(
            "{}::{}",
            self.type_name.as_deref().unwrap_or_default(),
            e.name
        )
    }

    /// Registers this definition's gadgets and enums into `registry`, as a dynamic replica does.
    pub fn register_types(&self, registry: &mut TypeRegistry) {
        for e in &self.enums {
            registry.register_enum(&self.enum_type_name(e), e.size);
        }
        for g in &self.gadgets {
            registry.register_gadget(g.clone());
        }
    }
}

impl TypeLookup for ClassDefinition {
    fn gadget(&self, name: &str) -> Option<&GadgetDef> {
        self.gadgets.iter().find(|g| g.name == name)
    }

    fn enum_size(&self, name: &str) -> Option<u32> {
        let (scope, enum_name) = name.rsplit_once("::")?;
        let in_class = (self.type_name.as_deref().unwrap_or_default() == scope)
            .then(|| self.enums.iter().find(|e| e.name == enum_name))
            .flatten();
        in_class
            .or_else(|| {
                self.gadget(scope)
                    .and_then(|g| g.enums.iter().find(|e| e.name == enum_name))
            })
            .map(|e| e.size)
    }
}

fn read_list<T>(
    r: &mut Reader<'_>,
    mut item: impl FnMut(&mut Reader<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let n = r.count()?;
    let mut out = Vec::with_capacity(r.capacity_hint(n, 4));
    for _ in 0..n {
        out.push(item(r)?);
    }
    Ok(out)
}

fn write_list<T>(
    w: &mut Writer<'_>,
    items: &[T],
    mut item: impl FnMut(&mut Writer<'_>, &T) -> Result<()>,
) -> Result<()> {
    w.count(items.len())?;
    items.iter().try_for_each(|i| item(w, i))
}

fn read_names(r: &mut Reader<'_>) -> Result<Vec<String>> {
    read_list(r, |r| r.utf8_or_empty("parameter name"))
}

fn text(w: &mut Writer<'_>, s: &str) -> Result<()> {
    w.byte_array(Some(s.as_bytes()))
}

fn read_enum(r: &mut Reader<'_>) -> Result<EnumDef> {
    Ok(EnumDef {
        name: r.utf8_or_empty("enum name")?,
        is_flag: r.bool()?,
        is_scoped: r.bool()?,
        size: r.u32()?,
        keys: read_list(r, |r| {
            Ok(EnumKey {
                name: r.utf8_or_empty("enum key")?,
                value: r.i32()?,
            })
        })?,
    })
}

fn write_enum(w: &mut Writer<'_>, e: &EnumDef) -> Result<()> {
    text(w, &e.name)?;
    w.bool(e.is_flag);
    w.bool(e.is_scoped);
    w.u32(e.size);
    write_list(w, &e.keys, |w, k| {
        text(w, &k.name)?;
        w.i32(k.value);
        Ok(())
    })
}
