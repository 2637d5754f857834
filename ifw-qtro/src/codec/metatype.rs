//! The builtin Qt 6 metatypes this codec reads and writes, by id and by normalized name.

/// A builtin `QMetaType::Type` that the codec supports.
///
/// The discriminant is Qt 6's type id, the one written at the start of every `QVariant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetaType {
    /// `bool`.
    Bool = 1,
    /// `int` (32-bit).
    Int = 2,
    /// `uint` (32-bit).
    UInt = 3,
    /// `qlonglong` (64-bit).
    LongLong = 4,
    /// `qulonglong` (64-bit).
    ULongLong = 5,
    /// `double`.
    Double = 6,
    /// `QChar` (one UTF-16 unit).
    QChar = 7,
    /// `QVariantMap` (`QMap<QString,QVariant>`).
    QVariantMap = 8,
    /// `QVariantList` (`QList<QVariant>`).
    QVariantList = 9,
    /// `QString`.
    QString = 10,
    /// `QStringList`.
    QStringList = 11,
    /// `QByteArray`.
    QByteArray = 12,
    /// `QUrl`.
    QUrl = 17,
    /// `QUuid`.
    QUuid = 30,
    /// `QRect`.
    QRect = 19,
    /// `QRectF`.
    QRectF = 20,
    /// `QSize`.
    QSize = 21,
    /// `QSizeF`.
    QSizeF = 22,
    /// `QPoint`.
    QPoint = 25,
    /// `QPointF`.
    QPointF = 26,
    /// `QVariantHash` (`QHash<QString,QVariant>`).
    QVariantHash = 28,
    /// `short` (16-bit).
    Short = 33,
    /// `char` (8-bit).
    Char = 34,
    /// `ushort` (16-bit).
    UShort = 36,
    /// `uchar` (8-bit).
    UChar = 37,
    /// `float`, written as an 8-byte double.
    Float = 38,
    /// `signed char` (8-bit).
    SChar = 40,
    /// `QVariant` itself: only meaningful as a container element type.
    QVariant = 41,
    /// `QByteArrayList`.
    QByteArrayList = 49,
}

/// `QMetaType::User`: the type id written for every user type, followed by its name.
pub const USER_TYPE_ID: u32 = 0x10000;

const ALL: [MetaType; 29] = [
    MetaType::Bool,
    MetaType::Int,
    MetaType::UInt,
    MetaType::LongLong,
    MetaType::ULongLong,
    MetaType::Double,
    MetaType::QChar,
    MetaType::QVariantMap,
    MetaType::QVariantList,
    MetaType::QString,
    MetaType::QStringList,
    MetaType::QByteArray,
    MetaType::QUrl,
    MetaType::QUuid,
    MetaType::QRect,
    MetaType::QRectF,
    MetaType::QSize,
    MetaType::QSizeF,
    MetaType::QPoint,
    MetaType::QPointF,
    MetaType::QVariantHash,
    MetaType::Short,
    MetaType::Char,
    MetaType::UShort,
    MetaType::UChar,
    MetaType::Float,
    MetaType::SChar,
    MetaType::QVariant,
    MetaType::QByteArrayList,
];

impl MetaType {
    /// Qt 6's type id.
    pub fn id(self) -> u32 {
        self as u32
    }

    /// The type with this id, if the codec supports it.
    pub fn from_id(id: u32) -> Option<Self> {
        ALL.into_iter().find(|t| t.id() == id)
    }

    /// Qt's normalized name of the type.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::Int => "int",
            Self::UInt => "uint",
            Self::LongLong => "qlonglong",
            Self::ULongLong => "qulonglong",
            Self::Double => "double",
            Self::QChar => "QChar",
            Self::QVariantMap => "QVariantMap",
            Self::QVariantList => "QVariantList",
            Self::QString => "QString",
            Self::QStringList => "QStringList",
            Self::QByteArray => "QByteArray",
            Self::QUrl => "QUrl",
            Self::QUuid => "QUuid",
            Self::QRect => "QRect",
            Self::QRectF => "QRectF",
            Self::QSize => "QSize",
            Self::QSizeF => "QSizeF",
            Self::QPoint => "QPoint",
            Self::QPointF => "QPointF",
            Self::QVariantHash => "QVariantHash",
            Self::Short => "short",
            Self::Char => "char",
            Self::UShort => "ushort",
            Self::UChar => "uchar",
            Self::Float => "float",
            Self::SChar => "signed char",
            Self::QVariant => "QVariant",
            Self::QByteArrayList => "QByteArrayList",
        }
    }

    /// The type a (normalized or alias) name stands for, if it is a supported builtin.
    pub fn from_name(name: &str) -> Option<Self> {
        let alias = match name {
            "qint32" | "int32_t" => Self::Int,
            "quint32" | "uint32_t" | "unsigned int" | "unsigned" => Self::UInt,
            "qint64" | "int64_t" | "long long" => Self::LongLong,
            "quint64" | "uint64_t" | "unsigned long long" => Self::ULongLong,
            "qreal" => Self::Double,
            "qint16" | "int16_t" => Self::Short,
            "quint16" | "uint16_t" | "unsigned short" => Self::UShort,
            "qint8" | "int8_t" => Self::SChar,
            "quint8" | "uint8_t" | "unsigned char" => Self::UChar,
            "QList<QVariant>" => Self::QVariantList,
            "QList<QString>" => Self::QStringList,
            "QList<QByteArray>" => Self::QByteArrayList,
            "QMap<QString,QVariant>" => Self::QVariantMap,
            "QHash<QString,QVariant>" => Self::QVariantHash,
            _ => return ALL.into_iter().find(|t| t.name() == name),
        };
        Some(alias)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_agree() {
        for t in ALL {
            assert_eq!(MetaType::from_id(t.id()), Some(t));
            assert_eq!(MetaType::from_name(t.name()), Some(t));
        }
        assert_eq!(MetaType::from_name("quint8"), Some(MetaType::UChar));
        assert_eq!(MetaType::from_name("Pos"), None);
        assert_eq!(MetaType::from_id(USER_TYPE_ID), None);
    }
}
