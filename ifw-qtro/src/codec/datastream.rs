//! QDataStream primitives (stream version `Qt_6_2`): integers, doubles, `QString`, `QByteArray`,
//! `const char*`, in either byte order.
//!
//! QtRO frames are little-endian; the byte arrays nested in `QSQ_`/`QAS_`/`QRO_` values are
//! written by fresh `QDataStream`s and so are big-endian. Container sizes are 32-bit (the 64-bit
//! extended sizes of `Qt_6_7` only matter beyond 2³²−2 elements, which no frame can carry).

use bytes::{BufMut, BytesMut};

use crate::error::{Error, Result};

/// The size Qt writes for a null `QString` or `QByteArray`.
const NULL_SIZE: u32 = u32::MAX;

/// The byte order of a QDataStream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Least significant byte first: the QtRO 2.0 framing (`QDataStream::LittleEndian`).
    Little,
    /// Most significant byte first: Qt's default (`QDataStream::BigEndian`).
    Big,
}

/// Reads QDataStream primitives from a byte slice, never past its end.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    order: ByteOrder,
}

macro_rules! read_int {
    ($(#[$doc:meta] $name:ident -> $ty:ty;)*) => {$(
        #[$doc]
        pub fn $name(&mut self) -> Result<$ty> {
            let raw = self.array::<{ size_of::<$ty>() }>()?;
            Ok(match self.order {
                ByteOrder::Little => <$ty>::from_le_bytes(raw),
                ByteOrder::Big => <$ty>::from_be_bytes(raw),
            })
        }
    )*};
}

impl<'a> Reader<'a> {
    /// A reader over `buf` in the given byte order.
    pub fn new(buf: &'a [u8], order: ByteOrder) -> Self {
        Self { buf, pos: 0, order }
    }

    /// The byte order this reader decodes.
    pub fn order(&self) -> ByteOrder {
        self.order
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// Where the reader is, counted from the start of its slice.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Takes the next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(Error::Truncated {
                needed: n - self.remaining(),
                offset: self.pos,
            });
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    read_int! {
        /// Reads a `quint8`.
        u8 -> u8;
        /// Reads a `qint8`.
        i8 -> i8;
        /// Reads a `quint16`.
        u16 -> u16;
        /// Reads a `qint16`.
        i16 -> i16;
        /// Reads a `quint32`.
        u32 -> u32;
        /// Reads a `qint32`.
        i32 -> i32;
        /// Reads a `quint64`.
        u64 -> u64;
        /// Reads a `qint64`.
        i64 -> i64;
    }

    /// Reads a `double` (8 bytes; `float` travels as a double too).
    pub fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// Reads a `bool` (one byte, anything but 0 is true).
    pub fn bool(&mut self) -> Result<bool> {
        Ok(self.u8()? != 0)
    }

    /// Reads a 32-bit element count. The count is not trusted for allocation: see
    /// [`Reader::capacity_hint`].
    pub fn count(&mut self) -> Result<usize> {
        Ok(self.u32()? as usize)
    }

    /// A safe `Vec` capacity for `count` elements of at least `min_size` bytes each: never more
    /// than what the remaining input could hold.
    pub fn capacity_hint(&self, count: usize, min_size: usize) -> usize {
        count.min(self.remaining() / min_size.max(1))
    }

    /// Reads a `QByteArray`; `None` is the null byte array (size `0xFFFFFFFF`).
    pub fn byte_array(&mut self) -> Result<Option<&'a [u8]>> {
        match self.u32()? {
            NULL_SIZE => Ok(None),
            n => self.take(n as usize).map(Some),
        }
    }

    /// Reads a `QByteArray` that must hold UTF-8 text; `None` is the null byte array.
    pub fn utf8(&mut self, what: &'static str) -> Result<Option<String>> {
        self.byte_array()?.map(|b| to_utf8(b, what)).transpose()
    }

    /// Reads a `QByteArray` holding UTF-8 text, reading null as empty.
    pub fn utf8_or_empty(&mut self, what: &'static str) -> Result<String> {
        Ok(self.utf8(what)?.unwrap_or_default())
    }

    /// Reads a `const char*` (a byte array whose last byte is a NUL) without the NUL.
    pub fn c_string(&mut self, what: &'static str) -> Result<String> {
        match self.byte_array()? {
            Some([text @ .., 0]) => to_utf8(text, what),
            _ => Err(Error::Malformed("`const char*` without its trailing NUL")),
        }
    }

    /// Reads a `QString`; `None` is the null string (size `0xFFFFFFFF`).
    pub fn string(&mut self) -> Result<Option<String>> {
        let Some(bytes) = self.byte_array()? else {
            return Ok(None);
        };
        if bytes.len() % 2 != 0 {
            return Err(Error::Malformed("QString with an odd byte length"));
        }
        let units = bytes.chunks_exact(2).map(|c| match self.order {
            ByteOrder::Little => u16::from_le_bytes([c[0], c[1]]),
            ByteOrder::Big => u16::from_be_bytes([c[0], c[1]]),
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map(Some)
            .map_err(|_| Error::InvalidUtf16)
    }

    /// Reads a `QString`, reading null as empty.
    pub fn string_or_empty(&mut self) -> Result<String> {
        Ok(self.string()?.unwrap_or_default())
    }

    /// Fails unless every byte was read.
    pub fn finish(&self, packet: &'static str) -> Result<()> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(Error::TrailingBytes { packet, count }),
        }
    }
}

fn to_utf8(bytes: &[u8], what: &'static str) -> Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| Error::InvalidUtf8(what))
}

/// Writes QDataStream primitives into a growing buffer.
#[derive(Debug)]
pub struct Writer<'a> {
    buf: &'a mut BytesMut,
    order: ByteOrder,
}

macro_rules! write_int {
    ($(#[$doc:meta] $name:ident($ty:ty);)*) => {$(
        #[$doc]
        pub fn $name(&mut self, v: $ty) {
            match self.order {
                ByteOrder::Little => self.buf.put_slice(&v.to_le_bytes()),
                ByteOrder::Big => self.buf.put_slice(&v.to_be_bytes()),
            }
        }
    )*};
}

impl<'a> Writer<'a> {
    /// A writer appending to `buf` in the given byte order.
    pub fn new(buf: &'a mut BytesMut, order: ByteOrder) -> Self {
        Self { buf, order }
    }

    /// The byte order this writer encodes.
    pub fn order(&self) -> ByteOrder {
        self.order
    }

    write_int! {
        /// Writes a `quint8`.
        u8(u8);
        /// Writes a `qint8`.
        i8(i8);
        /// Writes a `quint16`.
        u16(u16);
        /// Writes a `qint16`.
        i16(i16);
        /// Writes a `quint32`.
        u32(u32);
        /// Writes a `qint32`.
        i32(i32);
        /// Writes a `quint64`.
        u64(u64);
        /// Writes a `qint64`.
        i64(i64);
    }

    /// Writes a `double`.
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// Writes a `bool` as one byte.
    pub fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    /// Writes a 32-bit element count.
    pub fn count(&mut self, n: usize) -> Result<()> {
        match u32::try_from(n) {
            Ok(n) if n < NULL_SIZE - 1 => {
                self.u32(n);
                Ok(())
            }
            _ => Err(Error::TooLong(n)),
        }
    }

    /// Writes raw bytes with no size prefix.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.put_slice(bytes);
    }

    /// Writes a `QByteArray`; `None` writes the null byte array.
    pub fn byte_array(&mut self, bytes: Option<&[u8]>) -> Result<()> {
        match bytes {
            None => self.u32(NULL_SIZE),
            Some(b) => {
                self.count(b.len())?;
                self.raw(b);
            }
        }
        Ok(())
    }

    /// Writes a `const char*`: the text and a trailing NUL, as one byte array.
    pub fn c_string(&mut self, text: &str) -> Result<()> {
        self.count(text.len() + 1)?;
        self.raw(text.as_bytes());
        self.u8(0);
        Ok(())
    }

    /// Writes a `QString` as UTF-16; `None` writes the null string.
    pub fn string(&mut self, text: Option<&str>) -> Result<()> {
        let Some(text) = text else {
            self.u32(NULL_SIZE);
            return Ok(());
        };
        let units = text.encode_utf16().count();
        self.count(units * 2)?;
        for unit in text.encode_utf16() {
            self.u16(unit);
        }
        Ok(())
    }

    /// Runs `body` on a fresh big-endian stream and writes what it produced as one `QByteArray`
    /// (how Qt nests `QSQ_`/`QAS_` contents).
    pub fn nested(
        &mut self,
        order: ByteOrder,
        body: impl FnOnce(&mut Writer<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut inner = BytesMut::new();
        body(&mut Writer::new(&mut inner, order))?;
        self.byte_array(Some(&inner))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_distinguish_null_and_empty() {
        let mut buf = BytesMut::new();
        let mut w = Writer::new(&mut buf, ByteOrder::Little);
        w.string(None).unwrap();
        w.string(Some("")).unwrap();
        w.string(Some("Qt")).unwrap();
        assert_eq!(
            &buf[..],
            b"\xff\xff\xff\xff\0\0\0\0\x04\0\0\0Q\0t\0".as_slice()
        );
        let mut r = Reader::new(&buf, ByteOrder::Little);
        assert_eq!(r.string().unwrap(), None);
        assert_eq!(r.string().unwrap().as_deref(), Some(""));
        assert_eq!(r.string().unwrap().as_deref(), Some("Qt"));
        r.finish("test").unwrap();
    }

    #[test]
    fn big_endian_integers() {
        let mut buf = BytesMut::new();
        Writer::new(&mut buf, ByteOrder::Big).i32(-2);
        assert_eq!(&buf[..], &[0xff, 0xff, 0xff, 0xfe]);
        assert_eq!(Reader::new(&buf, ByteOrder::Big).i32().unwrap(), -2);
    }

    #[test]
    fn truncated_and_bad_text_are_errors() {
        let mut r = Reader::new(&[5, 0, 0, 0, b'a'], ByteOrder::Little);
        assert!(matches!(
            r.byte_array(),
            Err(Error::Truncated { needed: 4, .. })
        ));
        let mut r = Reader::new(&[3, 0, 0, 0, 0, 0xd8, 0], ByteOrder::Little);
        assert!(matches!(r.string(), Err(Error::Malformed(_))));
        let mut r = Reader::new(&[2, 0, 0, 0, 0, 0xd8], ByteOrder::Little);
        assert!(matches!(r.string(), Err(Error::InvalidUtf16)));
        let mut r = Reader::new(&[1, 0, 0, 0, b'x'], ByteOrder::Little);
        assert!(matches!(r.c_string("name"), Err(Error::Malformed(_))));
    }
}
