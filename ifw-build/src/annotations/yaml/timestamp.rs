//! Timestamps: PyYAML's timestamp regexps, and the value as Python's `isoformat()` prints it.

use std::fmt::Write as _;

/// The fields of a timestamp matched by PyYAML's regexps.
#[derive(Debug, Default)]
pub(super) struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    /// `(hour, minute, second, fraction digits)`.
    time: Option<(u32, u32, u32, String)>,
    /// `None`: naive; `Some(minutes east of UTC)`.
    offset: Option<i64>,
}

/// A cursor over ASCII text for the timestamp matcher.
struct Cursor<'s> {
    bytes: &'s [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Between `min` and `max` ASCII digits (greedy; PyYAML's regexps never need to backtrack).
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.at;
        while self.at - start < max && self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        if self.at - start < min {
            return None;
        }
        std::str::from_utf8(self.bytes.get(start..self.at)?)
            .ok()?
            .parse()
            .ok()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.bytes.get(self.at) == Some(&byte);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn blanks(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.at += 1;
        }
        self.at - start
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

impl Timestamp {
    /// Matches PyYAML's timestamp regexps: with `resolver`, the implicit resolver's
    /// (`YYYY-MM-DD` with two-digit month and day, or a date-time); otherwise
    /// `SafeConstructor.timestamp_regexp` (one- or two-digit month and day, optional time).
    pub(super) fn parse(text: &str, resolver: bool) -> Option<Timestamp> {
        let mut c = Cursor {
            bytes: text.as_bytes(),
            at: 0,
        };
        let mut stamp = Timestamp {
            year: c.digits(4, 4)?,
            ..Timestamp::default()
        };
        if !c.eat(b'-') {
            return None;
        }
        let date_start = c.at;
        stamp.month = c.digits(1, 2)?;
        if !c.eat(b'-') {
            return None;
        }
        stamp.day = c.digits(1, 2)?;
        if c.done() {
            // The resolver's date-only form wants exactly `[0-9]{4}-[0-9]{2}-[0-9]{2}`.
            return (!resolver || c.at - date_start == 5).then_some(stamp);
        }
        if !(c.eat(b'T') || c.eat(b't') || c.blanks() > 0) {
            return None;
        }
        let hour = c.digits(1, 2)?;
        let minute = if c.eat(b':') {
            c.digits(2, 2)?
        } else {
            return None;
        };
        let second = if c.eat(b':') {
            c.digits(2, 2)?
        } else {
            return None;
        };
        let mut fraction = String::new();
        if c.eat(b'.') {
            while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
                fraction.push(char::from(d));
                c.at += 1;
            }
        }
        stamp.time = Some((hour, minute, second, fraction));
        if c.done() {
            return Some(stamp);
        }
        c.blanks();
        if c.eat(b'Z') {
            stamp.offset = Some(0);
        } else {
            let sign = match c.peek() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            c.at += 1;
            let tz_hour = i64::from(c.digits(1, 2)?);
            let tz_minute = if c.eat(b':') {
                i64::from(c.digits(2, 2)?)
            } else {
                0
            };
            stamp.offset = Some(sign * (tz_hour * 60 + tz_minute));
        }
        c.done().then_some(stamp)
    }

    /// `date.isoformat()` / `datetime.isoformat()`, after the range checks of Python's
    /// `date`, `datetime` and `timezone` constructors.
    pub(super) fn isoformat(&self) -> Result<String, String> {
        let leap = self.year.is_multiple_of(4)
            && (!self.year.is_multiple_of(100) || self.year.is_multiple_of(400));
        let month_days = [
            31,
            if leap { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        if !(1..=9999).contains(&self.year) {
            return Err(format!("year {} is out of range", self.year));
        }
        let Some(&days) = month_days.get((self.month as usize).wrapping_sub(1)) else {
            return Err("month must be in 1..12".to_string());
        };
        if !(1..=days).contains(&self.day) {
            return Err("day is out of range for month".to_string());
        }
        let mut out = format!("{:04}-{:02}-{:02}", self.year, self.month, self.day);
        let Some((hour, minute, second, fraction)) = &self.time else {
            return Ok(out);
        };
        if *hour > 23 || *minute > 59 || *second > 59 {
            return Err("hour, minute or second out of range".to_string());
        }
        let _ = write!(out, "T{hour:02}:{minute:02}:{second:02}");
        // The fraction is cut to 6 digits and padded with zeros (microseconds).
        let micros: String = fraction
            .chars()
            .chain(std::iter::repeat('0'))
            .take(6)
            .collect();
        if micros != "000000" {
            let _ = write!(out, ".{micros}");
        }
        if let Some(offset) = self.offset {
            if offset.abs() >= 24 * 60 {
                return Err("offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24)".to_string());
            }
            let sign = if offset < 0 { '-' } else { '+' };
            let _ = write!(
                out,
                "{sign}{:02}:{:02}",
                offset.abs() / 60,
                offset.abs() % 60
            );
        }
        Ok(out)
    }
}
