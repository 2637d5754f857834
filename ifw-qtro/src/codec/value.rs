//! [`Value`]: a schema-free model of everything a QtRO `QVariant` can carry.
//!
//! Values keep what the wire distinguishes — null vs empty strings and byte arrays, map entry
//! order, the exact integer width — so decoding and re-encoding gives the same bytes.

/// A decoded `QVariant`, or a value to encode as one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// An invalid (empty) `QVariant`.
    Invalid,
    /// `bool`.
    Bool(bool),
    /// `int` (also how 4-byte enums travel).
    Int(i32),
    /// `uint`.
    UInt(u32),
    /// `qlonglong`.
    LongLong(i64),
    /// `qulonglong`.
    ULongLong(u64),
    /// `short` (also how 2-byte enums travel).
    Short(i16),
    /// `ushort`.
    UShort(u16),
    /// `char`.
    Char(i8),
    /// `signed char` (also how 1-byte enums travel).
    SChar(i8),
    /// `uchar`.
    UChar(u8),
    /// `double`.
    Double(f64),
    /// `float` (sent as an 8-byte double).
    Float(f32),
    /// `QChar`: one UTF-16 code unit.
    QChar(u16),
    /// `QString`; `None` is the null string, distinct from `Some("")`.
    String(Option<String>),
    /// `QByteArray`; `None` is the null byte array, distinct from `Some(vec![])`.
    ByteArray(Option<Vec<u8>>),
    /// `QStringList`.
    StringList(Vec<Option<String>>),
    /// `QByteArrayList`.
    ByteArrayList(Vec<Option<Vec<u8>>>),
    /// `QVariantList`.
    List(Vec<Value>),
    /// `QVariantMap`, entries in wire order (Qt sends them sorted by key).
    Map(Vec<(String, Value)>),
    /// `QVariantHash`, entries in wire order.
    Hash(Vec<(String, Value)>),
    /// `QUrl`, as its encoded form (`QUrl::toEncoded()`); `None` is the null byte array.
    Url(Option<String>),
    /// `QUuid`, its 16 bytes in RFC 4122 order (the null UUID is all zeros).
    Uuid([u8; 16]),
    /// `QPoint`.
    Point {
        /// x.
        x: i32,
        /// y.
        y: i32,
    },
    /// `QPointF`.
    PointF {
        /// x.
        x: f64,
        /// y.
        y: f64,
    },
    /// `QSize`.
    Size {
        /// Width.
        width: i32,
        /// Height.
        height: i32,
    },
    /// `QSizeF`.
    SizeF {
        /// Width.
        width: f64,
        /// Height.
        height: f64,
    },
    /// `QRect`, as Qt streams it: left, top, right, bottom (right = left + width − 1).
    Rect {
        /// Left edge.
        left: i32,
        /// Top edge.
        top: i32,
        /// Right edge (inclusive).
        right: i32,
        /// Bottom edge (inclusive).
        bottom: i32,
    },
    /// `QRectF`.
    RectF {
        /// x.
        x: f64,
        /// y.
        y: f64,
        /// Width.
        width: f64,
        /// Height.
        height: f64,
    },
    /// A `Q_GADGET`/POD user type: its fields in order, each as a `QVariant` (repc's PODs) or
    /// with its own typed operator (Qt Interface Framework's structs), see [`FieldEncoding`].
    Gadget(Gadget),
    /// A typed sequence user type such as `QList<int>`: elements travel raw (no `QVariant`
    /// header), except when the element type is `QVariant`.
    Sequence(Sequence),
    /// A typed associative user type such as `QMap<int,QString>` or `QHash<QString,int>`.
    Associative(Associative),
    /// A `std::pair<A,B>` user type.
    Pair(Pair),
    /// `QRemoteObjectPackets::QSQ_`: a sequence of gadgets, as `encodeVariant` sends it.
    GadgetSequence(GadgetSequence),
    /// `QRemoteObjectPackets::QAS_`: an associative container of gadgets.
    GadgetAssociative(GadgetAssociative),
    /// `QRemoteObjectPackets::QRO_`: a child object (`CLASS`/`MODEL`) or a first-seen gadget
    /// in a `QVariant` property, kept as the opaque bytes it carries.
    RemoteObject(RemoteObject),
    /// `QRemoteObjectSourceLocationInfo`, the registry's location record.
    SourceLocationInfo(SourceLocationInfo),
    /// A `QVariant` holding a `QVariant` (type id 41): the payload of a `QVariant`-typed field of
    /// a [`FieldEncoding::Typed`] gadget, and how Qt Interface Framework wraps `var` properties
    /// once more before sending them (QTBUG-75056).
    Variant(Box<Value>),
}

/// How a gadget's fields travel after its type name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldEncoding {
    /// Each field as a whole `QVariant`, as `QtRemoteObjects::copyStoredProperties` streams the
    /// PODs that repc generates.
    #[default]
    Variant,
    /// Each field with its own typed `QDataStream` operator (no `QVariant` header per field), as
    /// the structs of Qt Interface Framework's generated frontend stream themselves: an `int`
    /// field is four bytes, an enum or flag a `quint32`, a nested struct its own fields, a
    /// `QVariant` field a whole variant ([`Value::Variant`]).
    Typed,
}

/// A gadget value: its type name and its fields in declaration order.
#[derive(Debug, Clone, PartialEq)]
pub struct Gadget {
    /// The gadget's Qt type name, for example `Pos`.
    pub type_name: String,
    /// `(field name, value)` in declaration order. Only the order is sent; names come from
    /// the type's definition when decoding.
    pub fields: Vec<(String, Value)>,
    /// How the fields are written.
    pub encoding: FieldEncoding,
}

impl Gadget {
    /// A gadget value named `type_name` with the given fields, each sent as a `QVariant` (a repc
    /// POD).
    pub fn new<N: Into<String>>(
        type_name: impl Into<String>,
        fields: impl IntoIterator<Item = (N, Value)>,
    ) -> Self {
        Self {
            type_name: type_name.into(),
            fields: fields.into_iter().map(|(n, v)| (n.into(), v)).collect(),
            encoding: FieldEncoding::Variant,
        }
    }

    /// A gadget value whose fields are sent with their own typed operators (a Qt Interface
    /// Framework struct): each field's value is written without a `QVariant` header, so give
    /// every field the value kind of its C++ type (`Value::UInt` for an enum or flag,
    /// [`Value::Variant`] for a `QVariant` field).
    ///
    /// ```
    /// use ifw_qtro::codec::{FieldEncoding, Gadget};
    /// use ifw_qtro::Value;
    ///
    /// let g = Gadget::typed("Contact", [("name", Value::from("Ada")), ("age", Value::Int(36))]);
    /// assert_eq!(g.encoding, FieldEncoding::Typed);
    /// ```
    pub fn typed<N: Into<String>>(
        type_name: impl Into<String>,
        fields: impl IntoIterator<Item = (N, Value)>,
    ) -> Self {
        Self {
            encoding: FieldEncoding::Typed,
            ..Self::new(type_name, fields)
        }
    }

    /// The value of the field called `name`.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A typed sequence such as `QList<int>`.
///
/// Names Qt treats as builtins (`QList<QVariant>`, `QList<QString>`, `QList<QByteArray>`)
/// are [`Value::List`], [`Value::StringList`] and [`Value::ByteArrayList`] instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Sequence {
    /// The container's normalized type name, for example `QList<int>`.
    pub type_name: String,
    /// The elements, each a value of the element type.
    pub items: Vec<Value>,
}

/// A typed associative container such as `QMap<int,QString>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Associative {
    /// The container's normalized type name, for example `QMap<int,QString>`.
    pub type_name: String,
    /// `(key, value)` entries in wire order.
    pub entries: Vec<(Value, Value)>,
}

/// A `std::pair<A,B>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The pair's normalized type name, for example `std::pair<QString,int>`.
    pub type_name: String,
    /// The first member.
    pub first: Box<Value>,
    /// The second member.
    pub second: Box<Value>,
}

/// A `QSQ_`: a sequence of gadgets (or of another type only known by name).
#[derive(Debug, Clone, PartialEq)]
pub struct GadgetSequence {
    /// The container type the sender had, for example `QList<Pos>`.
    pub type_name: String,
    /// The element type, for example `Pos`.
    pub value_type_name: String,
    /// The elements.
    pub items: Vec<Value>,
}

/// A `QAS_`: an associative container whose values are gadgets.
#[derive(Debug, Clone, PartialEq)]
pub struct GadgetAssociative {
    /// The container type the sender had, for example `QMap<int,Pos>`.
    pub type_name: String,
    /// The key type; enum keys travel as integers of the enum's size.
    pub key_type_name: String,
    /// The value type, for example `Pos`.
    pub value_type_name: String,
    /// `(key, value)` entries in wire order.
    pub entries: Vec<(Value, Value)>,
}

/// What kind of object a [`RemoteObject`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteObjectKind {
    /// A `CLASS` child object.
    Class,
    /// A `MODEL` child (`QAbstractItemModel`).
    Model,
    /// A gadget sent with its definition.
    Gadget,
    /// A kind this codec does not know, kept as sent.
    Other(u8),
}

impl RemoteObjectKind {
    /// The kind for the wire byte.
    pub fn from_byte(b: u8) -> Self {
        match b {
            0 => Self::Class,
            1 => Self::Model,
            2 => Self::Gadget,
            other => Self::Other(other),
        }
    }

    /// The wire byte.
    pub fn to_byte(self) -> u8 {
        match self {
            Self::Class => 0,
            Self::Model => 1,
            Self::Gadget => 2,
            Self::Other(b) => b,
        }
    }
}

/// A `QRO_`. Its class definition and parameters are big-endian QDataStream blobs, kept opaque.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteObject {
    /// The child source's name (`Class::<parent>::<prop>` for children).
    pub name: Option<String>,
    /// The child's type name.
    pub type_name: Option<String>,
    /// Child class, model or gadget.
    pub kind: RemoteObjectKind,
    /// The serialized class definition (may be empty).
    pub class_definition: Option<Vec<u8>>,
    /// Whether the child pointer is null.
    pub is_null: bool,
    /// The serialized property values, sent only when `is_null` is false (`None` is the null
    /// byte array).
    pub parameters: Option<Vec<u8>>,
}

/// `QRemoteObjectSourceLocationInfo`: the type and host URL of a source, as kept by the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLocationInfo {
    /// The source's type name.
    pub type_name: Option<String>,
    /// The host URL, encoded; for example `tcp://127.0.0.1:5000`.
    pub host_url: Option<String>,
}

impl Value {
    /// A short name of the value's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::Bool(_) => "bool",
            Self::Int(_) => "int",
            Self::UInt(_) => "uint",
            Self::LongLong(_) => "qlonglong",
            Self::ULongLong(_) => "qulonglong",
            Self::Short(_) => "short",
            Self::UShort(_) => "ushort",
            Self::Char(_) => "char",
            Self::SChar(_) => "signed char",
            Self::UChar(_) => "uchar",
            Self::Double(_) => "double",
            Self::Float(_) => "float",
            Self::QChar(_) => "QChar",
            Self::String(_) => "QString",
            Self::ByteArray(_) => "QByteArray",
            Self::StringList(_) => "QStringList",
            Self::ByteArrayList(_) => "QByteArrayList",
            Self::List(_) => "QVariantList",
            Self::Map(_) => "QVariantMap",
            Self::Hash(_) => "QVariantHash",
            Self::Url(_) => "QUrl",
            Self::Uuid(_) => "QUuid",
            Self::Point { .. } => "QPoint",
            Self::PointF { .. } => "QPointF",
            Self::Size { .. } => "QSize",
            Self::SizeF { .. } => "QSizeF",
            Self::Rect { .. } => "QRect",
            Self::RectF { .. } => "QRectF",
            Self::Gadget(_) => "gadget",
            Self::Sequence(_) => "sequence",
            Self::Associative(_) => "associative container",
            Self::Pair(_) => "pair",
            Self::GadgetSequence(_) => "QSQ_",
            Self::GadgetAssociative(_) => "QAS_",
            Self::RemoteObject(_) => "QRO_",
            Self::SourceLocationInfo(_) => "QRemoteObjectSourceLocationInfo",
            Self::Variant(_) => "QVariant",
        }
    }

    /// An enum value as Qt's `encodeVariant` sends it: an integer of the enum's size
    /// (1 → `signed char`, 2 → `short`, 8 → `qlonglong`, anything else → `int`).
    pub fn from_enum(size: u32, value: i64) -> Self {
        // Truncation is the point: the enum's value is sent at the enum's width.
        #[allow(clippy::cast_possible_truncation)]
        match size {
            1 => Self::SChar(value as i8),
            2 => Self::Short(value as i16),
            8 => Self::LongLong(value),
            _ => Self::Int(value as i32),
        }
    }

    /// The value as a signed integer, for any integer kind that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Self::Int(v) => Some(v.into()),
            Self::UInt(v) => Some(v.into()),
            Self::LongLong(v) => Some(v),
            Self::ULongLong(v) => i64::try_from(v).ok(),
            Self::Short(v) => Some(v.into()),
            Self::UShort(v) => Some(v.into()),
            Self::Char(v) | Self::SChar(v) => Some(v.into()),
            Self::UChar(v) => Some(v.into()),
            _ => None,
        }
    }

    /// The text of a non-null `QString`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(Some(s)) => Some(s),
            _ => None,
        }
    }

    /// The value as a `bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Self::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The value as a `double`, for `double` and `float`.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Self::Double(v) => Some(v),
            Self::Float(v) => Some(v.into()),
            _ => None,
        }
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Self::Int(v)
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::UInt(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::LongLong(v)
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Self::ULongLong(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Double(v)
    }
}

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Self::Float(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::String(Some(v.to_owned()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::String(Some(v))
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Self::ByteArray(Some(v))
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Self::List(v)
    }
}

impl From<Gadget> for Value {
    fn from(v: Gadget) -> Self {
        Self::Gadget(v)
    }
}
