//! repc's static index layout of a class: the order in which a `<Class>SourceAPI` puts
//! properties, signals and methods on the wire, with the signatures it reports for them.
//!
//! - properties: `PROP`, `MODEL` and `CLASS` entries in `.rep` order;
//! - signals: `<prop>Changed` for every property that is not `CONSTANT`, then the `SIGNAL`s;
//! - methods: `push<Prop>` for every `READPUSH` property, then the `SLOT`s.
//!
//! Where repc's generated code asks the source object at run time for the name of a class enum
//! (`qtro_enum_signature`), the signature holds a [`SignaturePart::ClassEnum`] placeholder;
//! [`ApiSignature::resolve`] fills it in.

use std::fmt;

use super::normalize::normalize_type;
use super::schema::{Class, Function, Modifier, PropertyKind};

/// The static API of a class, in wire index order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    /// Property index → property.
    pub properties: Vec<LayoutProperty>,
    /// Signal index → signal.
    pub signals: Vec<LayoutSignal>,
    /// Method index → method.
    pub methods: Vec<LayoutMethod>,
}

/// A property of the static API.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LayoutProperty {
    /// The type as the source API casts it: the `.rep` type, `<Child>Source*` for a `CLASS`,
    /// `QAbstractItemModel*` for a `MODEL`.
    pub type_name: String,
    /// The property name.
    pub name: String,
}

impl fmt::Display for LayoutProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.type_name, self.name)
    }
}

/// A signal of the static API.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LayoutSignal {
    /// `signalSignature(i)`, e.g. `speedChanged(int)`.
    pub signature: ApiSignature,
    /// For a `<prop>Changed` signal, the index of its property.
    pub notifies: Option<usize>,
}

/// A method (slot) of the static API.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LayoutMethod {
    /// `methodSignature(i)`, e.g. `pushGear(int)`.
    pub signature: ApiSignature,
    /// `typeName(i)`: the return type as written in the `.rep` (`void` for `push` methods).
    pub return_type: ApiSignature,
    /// For a `push<Prop>` method, the index of its property.
    pub pushes: Option<usize>,
}

/// A signature or type name that may contain class-enum placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiSignature {
    /// Text and placeholders, in order.
    pub parts: Vec<SignaturePart>,
}

/// A piece of an [`ApiSignature`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignaturePart {
    /// Literal text.
    Text(String),
    /// A class enum whose scoped name the source object supplies at run time
    /// (`qtro_enum_signature<ObjectType>("Name")` in repc's code); holds the name as written.
    ClassEnum(String),
}

impl ApiSignature {
    fn text(text: impl Into<String>) -> Self {
        Self {
            parts: vec![SignaturePart::Text(text.into())],
        }
    }

    /// The signature with each class enum written as `<scope>::<Enum>`, the way the source
    /// object's `QMetaEnum` names it (the scope is the class name of the object remoted).
    pub fn resolve(&self, scope: &str) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                SignaturePart::Text(text) => text.clone(),
                SignaturePart::ClassEnum(name) => format!("{scope}::{name}"),
            })
            .collect()
    }

    /// Whether the signature has no class-enum placeholder (it is the same for every source).
    pub fn is_fixed(&self) -> bool {
        self.parts
            .iter()
            .all(|p| matches!(p, SignaturePart::Text(_)))
    }
}

/// Class enums are shown as `<enum Name>`.
impl fmt::Display for ApiSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                SignaturePart::Text(text) => f.write_str(text)?,
                SignaturePart::ClassEnum(name) => write!(f, "<enum {name}>")?,
            }
        }
        Ok(())
    }
}

/// The static API layout repc generates for `class` (`<Class>SourceAPI`).
///
/// ```
/// let file = ifw_build::rep::parse("class Car\n{\n    PROP(int speed READONLY)\n    PROP(int gear)\n    SIGNAL(crashed())\n    SLOT(void honk())\n}\n")?;
/// let layout = ifw_build::rep::layout(&file.classes[0]);
/// let signals: Vec<String> = layout.signals.iter().map(|s| s.signature.to_string()).collect();
/// assert_eq!(signals, ["speedChanged(int)", "gearChanged(int)", "crashed()"]);
/// let methods: Vec<String> = layout.methods.iter().map(|m| m.signature.to_string()).collect();
/// assert_eq!(methods, ["pushGear(int)", "honk()"]);
/// # Ok::<(), ifw_build::rep::RepError>(())
/// ```
pub fn layout(class: &Class) -> Layout {
    let properties = class
        .properties
        .iter()
        .map(|p| LayoutProperty {
            type_name: source_type(&p.type_name, p.kind),
            name: p.name.clone(),
        })
        .collect();

    let mut signals = Vec::new();
    for (index, p) in class.properties.iter().enumerate() {
        if p.modifier == Modifier::Constant {
            continue;
        }
        let signature = if class.is_class_enum(&p.type_name) {
            ApiSignature {
                parts: vec![
                    SignaturePart::Text(format!("{}Changed(", p.name)),
                    SignaturePart::ClassEnum(p.type_name.clone()),
                    SignaturePart::Text(")".into()),
                ],
            }
        } else {
            ApiSignature::text(format!(
                "{}Changed({})",
                p.name,
                source_type(&p.type_name, p.kind)
            ))
        };
        signals.push(LayoutSignal {
            signature,
            notifies: Some(index),
        });
    }
    signals.extend(class.signals.iter().map(|s| LayoutSignal {
        signature: function_signature(class, s),
        notifies: None,
    }));

    let mut methods = Vec::new();
    for (index, p) in class.properties.iter().enumerate() {
        if p.modifier != Modifier::ReadPush {
            continue;
        }
        // repc does not capitalise the name when the type is a class enum (`pushengineType`).
        let signature = if class.is_class_enum(&p.type_name) {
            ApiSignature {
                parts: vec![
                    SignaturePart::Text(format!("push{}(", p.name)),
                    SignaturePart::ClassEnum(p.type_name.clone()),
                    SignaturePart::Text(")".into()),
                ],
            }
        } else {
            ApiSignature::text(format!("push{}({})", capitalise(&p.name), p.type_name))
        };
        methods.push(LayoutMethod {
            signature,
            return_type: ApiSignature::text("void"),
            pushes: Some(index),
        });
    }
    methods.extend(class.slots.iter().map(|s| LayoutMethod {
        signature: function_signature(class, s),
        return_type: if class.is_class_enum(&s.return_type) {
            ApiSignature {
                parts: vec![SignaturePart::ClassEnum(s.return_type.clone())],
            }
        } else {
            ApiSignature::text(s.return_type.clone())
        },
        pushes: None,
    }));

    Layout {
        properties,
        signals,
        methods,
    }
}

/// repc's `typeForMode(property, SOURCE)`.
fn source_type(type_name: &str, kind: PropertyKind) -> String {
    match kind {
        PropertyKind::Value => type_name.to_owned(),
        PropertyKind::Model | PropertyKind::Class
            if type_name.starts_with("QAbstractItemModel") =>
        {
            format!("{type_name}*")
        }
        PropertyKind::Model | PropertyKind::Class => format!("{type_name}Source*"),
    }
}

/// `QChar::toUpper` on the first character.
fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut upper = first.to_uppercase();
    let first = match (upper.next(), upper.next()) {
        (Some(single), None) => single,
        _ => first,
    };
    std::iter::once(first).chain(chars).collect()
}

/// `name(T1,T2)` with normalised parameter types, and class enums made placeholders the way
/// repc does it: each parameter that is a class enum is replaced, at its first occurrence in
/// the parameter text, by `$N`, and `$0`, `$1`, … are then substituted in turn.
fn function_signature(class: &Class, function: &Function) -> ApiSignature {
    let params: Vec<String> = function
        .params
        .iter()
        .map(|p| {
            let mut text = String::new();
            if p.is_const {
                text.push_str("const ");
            }
            text.push_str(&p.type_name);
            if p.is_reference {
                text.push_str(" &");
            }
            normalize_type(&text)
        })
        .collect();
    let joined = params.join(",");
    let mut text = joined.clone();
    let mut enums = Vec::new();
    for piece in joined.split(',') {
        if class.is_class_enum(piece) {
            if let Some(at) = text.find(piece) {
                text.replace_range(at..at + piece.len(), &format!("${}", enums.len()));
            }
            enums.push(piece.to_owned());
        }
    }
    let mut parts = vec![SignaturePart::Text(format!("{}({text})", function.name))];
    for (index, name) in enums.iter().enumerate() {
        let placeholder = format!("${index}");
        parts = parts
            .into_iter()
            .flat_map(|part| match part {
                SignaturePart::Text(text) if text.contains(&placeholder) => {
                    let mut split = Vec::new();
                    for (i, piece) in text.split(&placeholder).enumerate() {
                        if i > 0 {
                            split.push(SignaturePart::ClassEnum(name.clone()));
                        }
                        if !piece.is_empty() {
                            split.push(SignaturePart::Text(piece.to_owned()));
                        }
                    }
                    split
                }
                other => vec![other],
            })
            .collect();
    }
    ApiSignature { parts }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    #[test]
    fn class_enum_placeholders() -> Result<(), super::super::RepError> {
        let file = parse(
            "class Cl\n{\n    ENUM MyEnum {A, B}\n    PROP(MyEnum e)\n    SIGNAL(two(MyEnum a, const MyEnum &b))\n    SLOT(MyEnum get(QPoint p, MyEnum e))\n}\n",
        )?;
        let layout = layout(&file.classes[0]);
        let signals: Vec<String> = layout
            .signals
            .iter()
            .map(|s| s.signature.to_string())
            .collect();
        assert_eq!(
            signals,
            [
                "eChanged(<enum MyEnum>)",
                "two(<enum MyEnum>,<enum MyEnum>)"
            ]
        );
        let methods: Vec<String> = layout
            .methods
            .iter()
            .map(|m| m.signature.to_string())
            .collect();
        assert_eq!(
            methods,
            ["pushe(<enum MyEnum>)", "get(QPoint,<enum MyEnum>)"]
        );
        assert_eq!(layout.methods[1].return_type.to_string(), "<enum MyEnum>");
        assert_eq!(
            layout.methods[0].signature.resolve("Cl"),
            "pushe(Cl::MyEnum)"
        );
        assert!(!layout.methods[0].signature.is_fixed());
        Ok(())
    }

    #[test]
    fn children_and_models() -> Result<(), super::super::RepError> {
        let file = parse(
            "class Pa\n{\n    MODEL tracks(display)\n    CLASS clock(SimpleClock)\n    PROP(int x CONSTANT)\n}\n",
        )?;
        let layout = layout(&file.classes[0]);
        let props: Vec<String> = layout.properties.iter().map(ToString::to_string).collect();
        assert_eq!(
            props,
            [
                "QAbstractItemModel* tracks",
                "SimpleClockSource* clock",
                "int x"
            ]
        );
        let signals: Vec<String> = layout
            .signals
            .iter()
            .map(|s| s.signature.to_string())
            .collect();
        assert_eq!(
            signals,
            [
                "tracksChanged(QAbstractItemModel*)",
                "clockChanged(SimpleClockSource*)"
            ]
        );
        assert!(layout.methods.is_empty());
        Ok(())
    }
}
