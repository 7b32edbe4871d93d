//! The recursive-descent reader.

use super::{Error, Json, Number};

impl Json {
    /// Parses a complete JSON text (trailing garbage is an error).
    pub fn parse(text: &str) -> Result<Json, Error> {
        let mut p = Parser {
            text,
            at: 0,
            depth: 0,
        };
        let value = p.value()?;
        p.skip_ws();
        if p.at < text.len() {
            return Err(p.error("trailing characters"));
        }
        Ok(value)
    }
}

use std::cmp::Ordering;

/// The largest magnitude [`Json::as_whole_number`] accepts (below 2^53, so
/// every such number is also exact as a JavaScript number).
const WHOLE_LIMIT: u64 = 9_000_000_000_000_000;

/// A number literal's value as `digits × 10^exponent`, where `digits` are its
/// significant digits: no leading or trailing zeros, none at all for zero.
struct Decimal<'a> {
    negative: bool,
    /// The literal's digits and point, without sign and exponent.
    mantissa: &'a [u8],
    /// How many leading zero digits to skip, and how many digits follow.
    skip: usize,
    count: usize,
    /// Saturates far beyond any range that matters here.
    exponent: i64,
}

impl Decimal<'_> {
    fn of(literal: &str) -> Decimal<'_> {
        let bytes = literal.as_bytes();
        let negative = bytes.first() == Some(&b'-');
        let body = &bytes[usize::from(negative)..];
        let e = body
            .iter()
            .position(|&b| b | 0x20 == b'e')
            .unwrap_or(body.len());
        let (mantissa, exp) = body.split_at(e);
        let mut exponent = exp
            .iter()
            .filter(|b| b.is_ascii_digit())
            .fold(0i64, |n, &d| (n * 10 + i64::from(d - b'0')).min(1 << 40));
        if exp.get(1) == Some(&b'-') {
            exponent = -exponent;
        }
        if let Some(point) = mantissa.iter().position(|&b| b == b'.') {
            exponent -= (mantissa.len() - point - 1) as i64;
        }
        let digits = || mantissa.iter().filter(|&&b| b != b'.');
        let total = digits().count();
        let skip = digits().take_while(|&&b| b == b'0').count();
        let trailing = digits().rev().take_while(|&&b| b == b'0').count();
        let count = total.saturating_sub(skip + trailing);
        Decimal {
            negative,
            mantissa,
            skip,
            count,
            exponent: if count == 0 {
                0
            } else {
                exponent + trailing as i64
            },
        }
    }

    fn digits(&self) -> impl Iterator<Item = u8> + '_ {
        self.mantissa
            .iter()
            .copied()
            .filter(|&b| b != b'.')
            .skip(self.skip)
            .take(self.count)
    }
}

/// [`Json::as_whole_number`] of a non-integer literal, computed exactly.
pub(crate) fn whole_decimal(literal: &str) -> Option<i128> {
    let d = Decimal::of(literal);
    // A fraction, or 17+ digits: not a whole number within the limit.
    if d.exponent < 0 || d.count as i64 + d.exponent > 16 {
        return None;
    }
    let mut n = d.digits().fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
    for _ in 0..d.exponent {
        n *= 10;
    }
    let n = i128::from(n);
    (n <= i128::from(WHOLE_LIMIT)).then_some(if d.negative { -n } else { n })
}

/// The leading digits of 2^1024 − 2^970 (f64::MAX plus half a unit in the
/// last place, ~1.798e308): the smallest magnitude that no longer rounds to a
/// finite `f64`. Its remaining 264 digits are not all zero, so these decide.
const F64_OVERFLOW: &[u8; 45] = b"179769313486231580793728971405303415079934132";

/// Whether a number literal is too large in magnitude for an `f64`, which
/// serde_json (and JavaScript) would make infinite: it rejects those.
fn out_of_range(literal: &str) -> bool {
    let d = Decimal::of(literal);
    if d.count == 0 {
        return false;
    }
    // The power of ten of the leading digit; F64_OVERFLOW's is 308.
    match (d.count as i64 - 1 + d.exponent).cmp(&308) {
        Ordering::Less => false,
        Ordering::Greater => true,
        Ordering::Equal => {
            let padded = d.digits().chain(std::iter::repeat(b'0'));
            padded
                .zip(F64_OVERFLOW)
                .map(|(d, o)| d.cmp(o))
                .find(|o| o.is_ne())
                == Some(Ordering::Greater)
        }
    }
}

const EOF_IN_STRING: &str = "EOF while parsing a string";
const LONE_SURROGATE: &str = "lone leading surrogate in hex escape";

/// serde_json's nesting limit: 127 levels of arrays and objects.
pub(crate) const MAX_DEPTH: usize = 127;

/// A recursive-descent reader over `text`; `at` is a byte offset that only
/// ever stops on ASCII bytes or at the end, so slicing there is safe.
struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// An error at the current byte, as serde_json places it: the position
    /// just after that byte (or the end of the text).
    fn error(&self, problem: &'static str) -> Error {
        self.error_after(self.text.len().min(self.at + 1), problem)
    }

    /// An error after the first `end` bytes: line 1 + the newlines among
    /// them, column = how many of them follow the last newline.
    fn error_after(&self, end: usize, problem: &'static str) -> Error {
        let before = &self.text.as_bytes()[..end];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        Error {
            problem,
            line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
            column: end - line_start,
        }
    }

    /// `problem` at the current byte, or the end-of-input error `eof`.
    fn unexpected(&self, eof: &'static str, problem: &'static str) -> Error {
        self.error(if self.peek().is_none() { eof } else { problem })
    }

    fn value(&mut self) -> Result<Json, Error> {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => self.string().map(Json::String),
            Some(b'[' | b'{') => self.nested(),
            Some(b'-' | b'0'..=b'9') => self.number().map(Json::Number),
            Some(b'n') => self.word("null", Json::Null),
            Some(b't') => self.word("true", Json::Bool(true)),
            Some(b'f') => self.word("false", Json::Bool(false)),
            _ => Err(self.unexpected("EOF while parsing a value", "expected value")),
        }
    }

    fn word(&mut self, word: &str, value: Json) -> Result<Json, Error> {
        for expected in word.bytes() {
            if self.peek() != Some(expected) {
                return Err(self.unexpected("EOF while parsing a value", "expected ident"));
            }
            self.at += 1;
        }
        Ok(value)
    }

    /// An array or an object (they differ only in what an item is).
    fn nested(&mut self) -> Result<Json, Error> {
        let object = self.peek() == Some(b'{');
        if self.depth == MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.depth += 1;
        self.at += 1;
        let (close, eof, expected) = if object {
            (b'}', "EOF while parsing an object", "expected `,` or `}`")
        } else {
            (b']', "EOF while parsing a list", "expected `,` or `]`")
        };
        let mut items = Vec::new();
        let mut entries = Vec::new();
        self.skip_ws();
        if self.peek().is_none() {
            return Err(self.error(eof));
        }
        if self.peek() == Some(close) {
            self.at += 1;
        } else {
            loop {
                if object {
                    self.skip_ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.unexpected(eof, "key must be a string"));
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return Err(self.unexpected(eof, "expected `:`"));
                    }
                    self.at += 1;
                    entries.push((key, self.value()?));
                } else {
                    items.push(self.value()?);
                }
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.at += 1;
                        self.skip_ws();
                        if self.peek() == Some(close) {
                            return Err(self.error("trailing comma"));
                        }
                    }
                    Some(c) if c == close => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.unexpected(eof, expected)),
                }
            }
        }
        self.depth -= 1;
        Ok(if object {
            Json::Object(entries)
        } else {
            Json::Array(items)
        })
    }

    fn string(&mut self) -> Result<String, Error> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        let mut run = self.at; // start of the bytes not yet copied to `out`
        loop {
            match self.peek() {
                Some(b'"') => {
                    out.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    out.push(self.escape()?);
                    run = self.at;
                }
                Some(0..=0x1f) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                Some(_) => self.at += 1,
                None => return Err(self.error(EOF_IN_STRING)),
            }
        }
    }

    /// The character of the escape after a backslash.
    fn escape(&mut self) -> Result<char, Error> {
        let Some(b) = self.peek() else {
            return Err(self.error(EOF_IN_STRING));
        };
        self.at += 1;
        Ok(match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        // A leading surrogate must be followed by `\u` and a
                        // trailing one.
                        for expected in [b'\\', b'u'] {
                            if self.peek() != Some(expected) {
                                return Err(
                                    self.unexpected(EOF_IN_STRING, "unexpected end of hex escape")
                                );
                            }
                            self.at += 1;
                        }
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error_after(self.at, LONE_SURROGATE));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.error_after(self.at, LONE_SURROGATE)),
                    _ => first,
                };
                // Surrogates are handled above: every other code is a char.
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => return Err(self.error_after(self.at, "invalid escape")),
        })
    }

    /// The four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, Error> {
        let Some(hex) = self.text.as_bytes().get(self.at..self.at + 4) else {
            return Err(self.error_after(self.text.len(), EOF_IN_STRING));
        };
        self.at += 4;
        hex.iter()
            .try_fold(0, |n, &b| Some(n * 16 + char::from(b).to_digit(16)?))
            .ok_or_else(|| self.error_after(self.at, "invalid escape"))
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<Number, Error> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        self.at += usize::from(negative);
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if matches!(self.peek(), Some(b'0'..=b'9')) {
                    return Err(self.error("invalid number"));
                }
            }
            _ => self.digits()?,
        }
        let integer_end = self.at;
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.digits()?;
        }
        let literal = &self.text[start..self.at];
        if self.at == integer_end {
            let magnitude = literal[usize::from(negative)..]
                .bytes()
                .try_fold(0u64, |n, d| {
                    n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
                });
            match magnitude {
                Some(m) if !negative => return Ok(Number::Unsigned(m)),
                // `as` wraps 2^63 to i64::MIN, whose negation is itself.
                Some(m) if m != 0 && m <= 1 << 63 => {
                    return Ok(Number::Signed((m as i64).wrapping_neg()))
                }
                _ => {}
            }
        }
        if out_of_range(literal) {
            return Err(self.error_after(self.at, "number out of range"));
        }
        Ok(Number::Decimal(literal.to_owned()))
    }

    /// One or more ASCII digits.
    fn digits(&mut self) -> Result<(), Error> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.unexpected("EOF while parsing a value", "invalid number"));
        }
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        Ok(())
    }
}
