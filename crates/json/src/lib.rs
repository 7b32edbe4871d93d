//! The domain's JSON: a small reader into an ordered model, and a tiny writer.
//!
//! Why not serde_json? Its `Value` objects are sorted maps (without the
//! `preserve_order` feature, which would pull `indexmap` into every page's
//! wasm): they forget the order of keys and silently keep only the last of two
//! duplicate keys. A stored consent record must round-trip exactly,
//! categories in the order they were written, and a record with `"analytics"`
//! twice is tampered with, not "whichever came last". And size: serde and
//! serde_json cost every page ~25 KB of wasm (parser, float tables and
//! formatting, `io::Error` texts); this reader is a small fraction of that.
//!
//! The reader accepts exactly what serde_json accepts (RFC 8259, nesting
//! limited to 127 levels so deep input cannot overflow the stack, numbers
//! beyond `f64` range rejected) and words its errors the same way ("expected
//! value at line 1 column 1"); the host tests check it against serde_json on
//! random input. Numbers never pass through `f64`: integer literals that fit
//! 64 bits stay integers, every other number is kept as written.
//!
//! Writing is done by hand with [`ObjectWriter`]: our outputs are small flat
//! objects whose key order is part of the contract.

use std::cmp::Ordering;
use std::fmt;

/// A parsed JSON number, kept exactly as precise as it was written.
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    /// A non-negative integer literal that fits `u64`.
    Unsigned(u64),
    /// A negative integer literal that fits `i64` (`-0` is not one).
    Signed(i64),
    /// Any other number, as written: with a fraction or an exponent (`2.5`,
    /// `1e3`), `-0`, or an integer literal beyond 64 bits.
    Decimal(String),
}

impl Number {
    /// The number for an error message: as written, shortened so that a
    /// 10 KB literal cannot flood the console.
    pub fn text(&self) -> String {
        match self {
            Number::Unsigned(u) => u.to_string(),
            Number::Signed(i) => i.to_string(),
            Number::Decimal(text) if text.len() > 40 => format!("{}\u{2026}", &text[..40]),
            Number::Decimal(text) => text.clone(),
        }
    }
}

/// A JSON value whose objects keep their entries in document order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON, and where: 1-based line, column in bytes (as
/// serde_json counts them).
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    problem: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.problem, self.line, self.column
        )
    }
}

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

    /// What kind of value this is, phrased for an error message:
    /// "expected a string, got **a number**".
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }

    /// The entries of an object, or `None` for any other kind.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// An integer written as an integer literal (`1`, not `1.0` or `1e0`).
    /// Used where the exact text matters, e.g. stored records.
    pub fn as_exact_integer(&self) -> Option<i128> {
        match self {
            Json::Number(Number::Unsigned(u)) => Some(i128::from(*u)),
            Json::Number(Number::Signed(i)) => Some(i128::from(*i)),
            _ => None,
        }
    }

    /// A whole number in any spelling (`182`, `182.0`, `1.82e2`), at most
    /// 9e15 in magnitude. Used for site configs, which people write by hand or
    /// generate with tools that may print floats.
    pub fn as_whole_number(&self) -> Option<i128> {
        match self {
            Json::Number(Number::Decimal(text)) => whole_decimal(text),
            other => other.as_exact_integer(),
        }
    }
}

/// The kinds of JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    /// The kind phrased for an error message: "expected a string, got
    /// **a number**".
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

/// A parsed JSON value as the domain's readers (config, stored record, API
/// arguments) see it. Two implementations: [`Json`], this crate's own parser,
/// on the host (tests, fuzzing); and in the wasm core a view of what the
/// browser's native `JSON.parse` returned, so that no JSON parser has to
/// ship in the wasm every page loads.
///
/// Object members are read by key, last one winning if a key is repeated
/// (as in `JSON.parse`).
pub trait Value: Sized {
    /// What kind of value this is.
    fn kind(&self) -> Kind;
    /// The boolean, if this is one.
    fn as_bool(&self) -> Option<bool>;
    /// The string, if this is one.
    fn as_string(&self) -> Option<String>;
    /// The number as an `f64`, if this is one (exact for every whole number
    /// up to 2^53, which is all the readers accept).
    fn as_f64(&self) -> Option<f64>;
    /// Member `key` of an object (an own member: never an inherited one);
    /// `None` for other kinds or a missing key.
    fn get(&self, key: &str) -> Option<Self>;
    /// An object's keys in order (empty for other kinds).
    fn keys(&self) -> Vec<String>;
    /// An array's items in order (empty for other kinds).
    fn items(&self) -> Vec<Self>;
    /// The value as written, for an error message: a number's literal, a
    /// string quoted. Shortened to about 60 characters.
    fn text(&self) -> String;
}

impl Value for Json {
    fn kind(&self) -> Kind {
        match self {
            Json::Null => Kind::Null,
            Json::Bool(_) => Kind::Bool,
            Json::Number(_) => Kind::Number,
            Json::String(_) => Kind::String,
            Json::Array(_) => Kind::Array,
            Json::Object(_) => Kind::Object,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<String> {
        match self {
            Json::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(Number::Unsigned(u)) => Some(*u as f64),
            Json::Number(Number::Signed(i)) => Some(*i as f64),
            Json::Number(Number::Decimal(text)) => text.parse().ok(),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<Json> {
        match self {
            Json::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        if let Json::Object(entries) = self {
            for (k, _) in entries {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
        keys
    }

    fn items(&self) -> Vec<Json> {
        match self {
            Json::Array(items) => items.clone(),
            _ => Vec::new(),
        }
    }

    fn text(&self) -> String {
        match self {
            Json::Number(n) => n.text(),
            Json::String(s) => shown(s),
            other => other.kind().to_owned(),
        }
    }
}

/// `s` quoted as a JSON string for a message, cut after 60 characters so a
/// 10 KB value cannot flood the console.
pub fn shown(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((cut, _)) => {
            let mut out = string(&s[..cut]);
            out.push('\u{2026}');
            out
        }
        None => string(s),
    }
}

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
        let e = body.iter().position(|&b| b | 0x20 == b'e').unwrap_or(body.len());
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
            exponent: if count == 0 { 0 } else { exponent + trailing as i64 },
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
fn whole_decimal(literal: &str) -> Option<i128> {
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
const MAX_DEPTH: usize = 127;

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

/// The first key that occurs twice in `entries`, if any.
pub fn duplicate_key(entries: &[(String, Json)]) -> Option<&str> {
    entries
        .iter()
        .enumerate()
        .find(|(i, (key, _))| entries[..*i].iter().any(|(k, _)| k == key))
        .map(|(_, (key, _))| key.as_str())
}

/// The value stored under `key` (the first one, should there be several).
pub fn get<'a>(entries: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// `s` as a JSON string literal, quotes included, escaped exactly as
/// serde_json escapes: `"`, `\` and control characters (short forms where
/// JSON has them, else `\u00xx`); everything else as is.
pub fn string(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut run = 0; // start of the bytes not yet copied to `out`
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(short);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
    out
}

/// Writes one flat JSON object, keys in the order they are added.
pub struct ObjectWriter {
    out: String,
    empty: bool,
}

impl Default for ObjectWriter {
    fn default() -> ObjectWriter {
        ObjectWriter::new()
    }
}

impl ObjectWriter {
    pub fn new() -> ObjectWriter {
        ObjectWriter {
            out: String::from("{"),
            empty: true,
        }
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push_str(&string(key));
        self.out.push(':');
    }

    /// Adds a value that is already JSON text (a nested object, a number).
    pub fn raw(&mut self, key: &str, json: &str) -> &mut ObjectWriter {
        self.key(key);
        self.out.push_str(json);
        self
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut ObjectWriter {
        self.raw(key, &string(value))
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut ObjectWriter {
        self.raw(key, if value { "true" } else { "false" })
    }

    pub fn num(&mut self, key: &str, value: impl fmt::Display) -> &mut ObjectWriter {
        self.raw(key, &value.to_string())
    }

    pub fn null(&mut self, key: &str) -> &mut ObjectWriter {
        self.raw(key, "null")
    }

    pub fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.out);
        out.push('}');
        out
    }
}

/// A JSON array of strings, in the given order.
pub fn string_array<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&string(item.as_ref()));
    }
    out.push(']');
    out
}

/// A JSON object of booleans, in the given order (e.g. category grants).
pub fn bool_object(entries: &[(String, bool)]) -> String {
    let mut w = ObjectWriter::new();
    for (key, value) in entries {
        w.bool(key, *value);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn objects_keep_document_order_and_duplicates() {
        let j = Json::parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        let entries = j.as_object().unwrap();
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!(duplicate_key(entries), Some("b"));
        assert_eq!(get(entries, "b"), Some(&Json::Number(Number::Unsigned(1))));
    }

    #[test]
    fn numbers_keep_their_spelling() {
        assert_eq!(Json::parse("7").unwrap().as_exact_integer(), Some(7));
        assert_eq!(Json::parse("-7").unwrap().as_exact_integer(), Some(-7));
        assert_eq!(Json::parse("7.0").unwrap().as_exact_integer(), None);
        assert_eq!(Json::parse("7.0").unwrap().as_whole_number(), Some(7));
        assert_eq!(Json::parse("1.5e2").unwrap().as_whole_number(), Some(150));
        assert_eq!(Json::parse("2.5").unwrap().as_whole_number(), None);
        assert_eq!(Json::parse("1e300").unwrap().as_whole_number(), None);
        assert!(
            Json::parse("1e999").is_err(),
            "out-of-range numbers are rejected by serde_json"
        );
        assert_eq!(
            Json::parse("18446744073709551615")
                .unwrap()
                .as_exact_integer(),
            Some(i128::from(u64::MAX))
        );
    }

    #[test]
    fn kinds_read_naturally_in_messages() {
        let kinds: Vec<&str> = ["null", "true", "1", "\"s\"", "[]", "{}"]
            .iter()
            .map(|t| Json::parse(t).unwrap().kind())
            .collect();
        assert_eq!(
            kinds,
            [
                "null",
                "a boolean",
                "a number",
                "a string",
                "an array",
                "an object"
            ]
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = "[".repeat(100_000);
        assert!(Json::parse(&deep).is_err());
        let deep_objects = "{\"a\":".repeat(50_000);
        assert!(Json::parse(&deep_objects).is_err());
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(Json::parse("{} x").is_err());
        assert!(Json::parse(" {} \n").is_ok());
    }

    #[test]
    fn writer_escapes_and_orders() {
        let mut w = ObjectWriter::new();
        w.str("a\"b", "x\\y\n</script>")
            .bool("t", true)
            .num("n", 5)
            .null("z");
        w.raw("o", &bool_object(&[("k".into(), false)]));
        w.raw("l", &string_array(&["p", "q"]));
        let s = w.finish();
        assert_eq!(
            s,
            r#"{"a\"b":"x\\y\n</script>","t":true,"n":5,"z":null,"o":{"k":false},"l":["p","q"]}"#
        );
        assert!(Json::parse(&s).is_ok());
        assert_eq!(ObjectWriter::new().finish(), "{}");
    }

    #[test]
    fn number_grammar() {
        for good in [
            "0",
            "-0",
            "7",
            "-7",
            "0.5",
            "-0.5",
            "1e3",
            "1E+3",
            "1e-3",
            "10.25e-02",
            "123456789012345678901234567890",
        ] {
            assert!(matches!(Json::parse(good), Ok(Json::Number(_))), "{good}");
        }
        for bad in [
            "01",
            "-01",
            "00",
            "-",
            "+1",
            ".5",
            "1.",
            "1.e3",
            "1e",
            "1e+",
            "--1",
            "0x10",
            "1_000",
            "Infinity",
            "-Infinity",
            "NaN",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad}");
        }
        let number = |t: &str| match Json::parse(t) {
            Ok(Json::Number(n)) => n,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(number("18446744073709551615"), Number::Unsigned(u64::MAX));
        assert_eq!(
            number("18446744073709551616"),
            Number::Decimal("18446744073709551616".into())
        );
        assert_eq!(number("-9223372036854775808"), Number::Signed(i64::MIN));
        assert_eq!(
            number("-9223372036854775809"),
            Number::Decimal("-9223372036854775809".into())
        );
        assert_eq!(number("-0"), Number::Decimal("-0".into()));
        assert_eq!(number("1E300").text(), "1E300");
        let long = format!("0.{}", "1".repeat(100));
        assert_eq!(number(&long).text(), format!("{}\u{2026}", &long[..40]));
    }

    #[test]
    fn numbers_beyond_f64_are_rejected() {
        for ok in [
            "1e308",
            "-1e308",
            "1.7976931348623157e308",
            "179769313486231580793728971405303415079934132e264",
            "0e999999",
            "1e-999999",
            "-0.0e99999999999999999999",
        ] {
            assert!(Json::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "1e309",
            "-1e309",
            "1.7976931348623159e308",
            "179769313486231580793728971405303415079934133e264",
            "1e99999999999999999999",
            "0.1e310",
        ] {
            let e = Json::parse(bad).unwrap_err();
            assert_eq!(e.problem, "number out of range", "{bad}");
        }
    }

    #[test]
    fn whole_numbers_are_exact() {
        let whole = |t: &str| Json::parse(t).unwrap().as_whole_number();
        assert_eq!(whole("182"), Some(182));
        assert_eq!(whole("182.000"), Some(182));
        assert_eq!(whole("1.82e2"), Some(182));
        assert_eq!(whole("18200e-2"), Some(182));
        assert_eq!(whole("-3.0"), Some(-3));
        assert_eq!(whole("-0"), Some(0));
        assert_eq!(whole("0.0e-5"), Some(0));
        assert_eq!(whole("9e15"), Some(9_000_000_000_000_000));
        assert_eq!(whole("-9.0e15"), Some(-9_000_000_000_000_000));
        assert_eq!(whole("9.000000000000001e15"), None);
        assert_eq!(whole("1e16"), None);
        assert_eq!(whole("1.82e1"), None);
        assert_eq!(whole("1e-400"), None);
        assert_eq!(whole("18446744073709551616"), None);
        assert_eq!(whole("\"1\""), None);
    }

    #[test]
    fn strings_and_escapes() {
        let s = |t: &str| {
            Json::parse(t).map(|j| match j {
                Json::String(s) => s,
                other => panic!("{other:?}"),
            })
        };
        assert_eq!(
            s(r#""a\"b\\c\/d\b\f\n\r\t""#).unwrap(),
            "a\"b\\c/d\u{8}\u{c}\n\r\t"
        );
        assert_eq!(
            s(r#""\u00e9\u20AC\ud83d\ude00 é €😀""#).unwrap(),
            "é€😀 é €😀"
        );
        assert_eq!(s(r#""\u0000""#).unwrap(), "\0");
        for bad in [
            r#""\ud83d""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
            r#""\ude00""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            "\"a\nb\"",
            "\"\t\"",
            "\"abc",
            "\"\\",
        ] {
            assert!(s(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        let e = |t: &str| Json::parse(t).unwrap_err().to_string();
        assert_eq!(e(""), "EOF while parsing a value at line 1 column 0");
        assert_eq!(e("garbage"), "expected value at line 1 column 1");
        assert_eq!(e("{"), "EOF while parsing an object at line 1 column 1");
        assert_eq!(e("[ "), "EOF while parsing a list at line 1 column 2");
        assert_eq!(e("[1,"), "EOF while parsing a value at line 1 column 3");
        assert_eq!(e("f\n"), "expected ident at line 2 column 0");
        assert_eq!(e("[0.1e400]"), "number out of range at line 1 column 8");
        assert_eq!(
            e(r#""\ud83d\u0041""#),
            "lone leading surrogate in hex escape at line 1 column 13"
        );
        assert_eq!(
            e("{\n  \"a\": 1,\n  \"b\" 2\n}"),
            "expected `:` at line 3 column 7"
        );
        assert_eq!(e("[1,]"), "trailing comma at line 1 column 4");
        assert_eq!(e("{} x"), "trailing characters at line 1 column 4");
        assert_eq!(e("[1 2]"), "expected `,` or `]` at line 1 column 4");
    }

    #[test]
    fn edge_cases_read_as_serde_json_reads_them() {
        for text in [
            "",
            " ",
            "garbage",
            "{",
            "[ ",
            "[1,",
            "f\n",
            "tru",
            "nul",
            "[0.1e400]",
            "-",
            "-x",
            "1.",
            "1.x",
            "1e",
            "1ex",
            "01",
            "[1 2]",
            "{\"a\" 1}",
            "{1:2}",
            "{\"a\":1,}",
            "[1,]",
            "{} x",
            "\u{feff}{}",
            "\"\\ud83d\"",
            "\"\\ud83dx\"",
            "\"\\ud83d\\x\"",
            "\"\\ud83d\\u0041\"",
            "\"\\ude00\"",
            "\"\\u12\"",
            "\"\\u12g4\"",
            "\"\\q\"",
            "\"a\nb\"",
            "\"abc",
            "\"\\",
            "1e999",
            "-1e999",
            "0e999",
            "1e-999",
            "18446744073709551616",
            "-9223372036854775809",
            "-0",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
        ] {
            check_against_serde_json(text).unwrap();
        }
    }

    #[test]
    fn nesting_is_limited_like_serde_json() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(Json::parse(&nested(MAX_DEPTH)).is_ok());
        assert!(Json::parse(&nested(MAX_DEPTH + 1)).is_err());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH)).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&nested(MAX_DEPTH + 1)).is_err());
    }

    #[test]
    fn writer_escapes_control_characters() {
        let all: String = (0u8..0x80).map(char::from).collect();
        assert_eq!(string(&all), serde_json::to_string(&all).unwrap());
        assert_eq!(string("é€😀\u{7f}\u{2028}"), "\"é€😀\u{7f}\u{2028}\"");
    }

    // ---- checked against serde_json -------------------------------------

    /// What serde_json made of a text before this reader existed: the old
    /// `Deserialize` model, numbers as serde_json typed them.
    #[derive(Debug)]
    enum Old {
        Null,
        Bool(bool),
        U64(u64),
        I64(i64),
        F64(f64),
        Str(String),
        Array(Vec<Old>),
        Object(Vec<(String, Old)>),
    }

    impl<'de> serde::Deserialize<'de> for Old {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Old, D::Error> {
            d.deserialize_any(OldVisitor)
        }
    }

    struct OldVisitor;

    impl<'de> serde::de::Visitor<'de> for OldVisitor {
        type Value = Old;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Old, E> {
            Ok(Old::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Old, E> {
            Ok(Old::I64(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Old, E> {
            Ok(Old::U64(v))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Old, E> {
            Ok(Old::F64(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Old, E> {
            Ok(Old::Str(v.to_owned()))
        }
        fn visit_unit<E>(self) -> Result<Old, E> {
            Ok(Old::Null)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Old, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            Ok(Old::Array(items))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Old, A::Error> {
            let mut entries = Vec::new();
            while let Some(entry) = map.next_entry()? {
                entries.push(entry);
            }
            Ok(Old::Object(entries))
        }
    }

    /// The same value, numbers compared by what they denote.
    fn same(new: &Json, old: &Old) -> bool {
        match (new, old) {
            (Json::Null, Old::Null) => true,
            (Json::Bool(a), Old::Bool(b)) => a == b,
            (Json::Number(Number::Unsigned(a)), Old::U64(b)) => a == b,
            (Json::Number(Number::Signed(a)), Old::I64(b)) => a == b,
            (Json::Number(Number::Decimal(t)), Old::F64(f)) => {
                let parsed: f64 = t.parse().unwrap();
                parsed == *f && parsed.is_sign_negative() == f.is_sign_negative()
            }
            (Json::String(a), Old::Str(b)) => a == b,
            (Json::Array(a), Old::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
            }
            (Json::Object(a), Old::Object(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((k, x), (l, y))| k == l && same(x, y))
            }
            _ => false,
        }
    }

    /// Parses `text` both ways: same verdict, same value, same message.
    fn check_against_serde_json(text: &str) -> Result<(), TestCaseError> {
        let ours = Json::parse(text);
        let theirs = serde_json::from_str::<Old>(text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => prop_assert!(same(a, b), "{text:?}: {a:?} vs {b:?}"),
            // Where an exponent beyond 2^31 is noticed is not worth copying.
            (Err(a), Err(b)) if a.problem == "number out of range" => {
                prop_assert!(
                    b.to_string().starts_with("number out of range"),
                    "{text:?}: {b}"
                )
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string(), "{:?}", text),
            _ => prop_assert!(false, "{text:?}: {ours:?} vs {theirs:?}"),
        }
        Ok(())
    }

    /// JSON texts with every kind of value, odd numbers and escapes, and
    /// random whitespace.
    fn json_text() -> impl Strategy<Value = String> {
        let ws = "[ \t\r\n]{0,2}";
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
            "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
            "\"([^\"\\\\\\x00-\\x1f]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}){0,8}\"",
        ];
        leaf.prop_recursive(4, 40, 5, move |inner| {
            let item = (ws, inner.clone(), ws).prop_map(|(a, v, b)| format!("{a}{v}{b}"));
            prop_oneof![
                proptest::collection::vec(item.clone(), 0..5)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                proptest::collection::vec(("[a-c]{1,2}", item), 0..5).prop_map(|entries| {
                    let entries: Vec<String> = entries
                        .iter()
                        .map(|(k, v)| format!("\"{k}\":{v}"))
                        .collect();
                    format!("{{{}}}", entries.join(","))
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn valid_texts_read_as_serde_json_reads_them(text in json_text()) {
            check_against_serde_json(&text)?;
        }

        #[test]
        fn broken_texts_fail_as_in_serde_json(text in json_text(), at in 0usize..200, c in "[\\[\\]{}:,\"\\\\ 0-9.eE+\\-a-z\\x00-\\x1f\u{e9}\u{1f600}]") {
            let mut text = text;
            let at = text.char_indices().map(|(i, _)| i).nth(at % (text.chars().count() + 1)).unwrap_or(text.len());
            if at % 2 == 0 {
                text.insert_str(at, &c);
            } else if at < text.len() {
                text.remove(at);
            }
            check_against_serde_json(&text)?;
        }

        #[test]
        fn any_text_reads_as_serde_json_reads_it(text in "[\\[\\]{}:,\"\\\\ 0-9.eE+\\-nultrfase\\x00-\\x1f\u{e9}]{0,30}") {
            check_against_serde_json(&text)?;
        }

        #[test]
        fn strings_round_trip_and_escape_as_serde_json_does(s in "\\PC*|[\\x00-\\x7f]*") {
            let written = string(&s);
            prop_assert_eq!(&written, &serde_json::to_string(&s).unwrap());
            prop_assert_eq!(Json::parse(&written), Ok(Json::String(s)));
        }
    }
}
