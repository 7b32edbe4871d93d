//! The writer: small flat objects whose key order is part of the contract.

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
    /// An empty object, `{` written.
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

    /// Adds `"key": "value"`, escaped.
    pub fn str(&mut self, key: &str, value: &str) -> &mut ObjectWriter {
        self.raw(key, &string(value))
    }

    /// Adds `"key": true|false`.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut ObjectWriter {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// A whole number, written digit by digit: `Display` would ship Rust's
    /// formatting machinery into every page's wasm for this one use.
    pub fn num(&mut self, key: &str, value: impl Into<u64>) -> &mut ObjectWriter {
        let value = value.into();
        let mut place = 1;
        while value / place >= 10 {
            place *= 10;
        }
        let mut digits = String::new();
        while place > 0 {
            digits.push(char::from(b'0' + (value / place % 10) as u8));
            place /= 10;
        }
        self.raw(key, &digits)
    }

    /// Adds `"key": null`.
    pub fn null(&mut self, key: &str) -> &mut ObjectWriter {
        self.raw(key, "null")
    }

    /// Closes the object and returns its text.
    pub fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.out);
        out.push('}');
        out
    }
}

/// Writes one JSON array, items in the order they are added: the
/// positional counterpart of [`ObjectWriter`] (the tool model is written
/// this way, no keys).
pub struct ArrayWriter {
    out: String,
}

impl Default for ArrayWriter {
    fn default() -> ArrayWriter {
        ArrayWriter::new()
    }
}

impl ArrayWriter {
    /// An empty array, `[` written.
    pub fn new() -> ArrayWriter {
        ArrayWriter {
            out: String::from("["),
        }
    }

    /// Adds an item that is already JSON text (a nested array, a number).
    pub fn raw(&mut self, json: &str) -> &mut ArrayWriter {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        self.out.push_str(json);
        self
    }

    /// Adds a string, escaped.
    pub fn str(&mut self, value: &str) -> &mut ArrayWriter {
        self.raw(&string(value))
    }

    /// Adds `true` or `false`.
    pub fn bool(&mut self, value: bool) -> &mut ArrayWriter {
        self.raw(if value { "true" } else { "false" })
    }

    /// Closes the array and returns its text.
    pub fn finish(&mut self) -> String {
        let mut out = std::mem::take(&mut self.out);
        out.push(']');
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
