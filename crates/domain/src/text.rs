//! Building strings without `format!`.
//!
//! Every `format!` ships Rust's formatting machinery (`core::fmt`: the
//! `Formatter`, padding, the `Display` impls it reaches) into the wasm that
//! every page loads, a few kilobytes for what is, here, always "glue these
//! pieces together". So messages and values are built with [`cat`] and
//! [`uint`] instead; a size ratchet in the test command keeps it that way.

/// The pieces joined, like `concat` on a slice, sized once.
pub fn cat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for p in pieces {
        out.push_str(p);
    }
    out
}

/// `n` in decimal.
pub fn uint(n: u64) -> String {
    let mut place = 1;
    while n / place >= 10 {
        place *= 10;
    }
    let mut out = String::new();
    while place > 0 {
        out.push(char::from(b'0' + (n / place % 10) as u8));
        place /= 10;
    }
    out
}

/// `n` in decimal, with a `-` when negative.
pub fn int(n: i64) -> String {
    let digits = uint(n.unsigned_abs());
    if n < 0 {
        cat(&["-", &digits])
    } else {
        digits
    }
}

/// `body.replace(token, value)` for a `token` that starts with `{`, without
/// std's substring searcher (~0.8 KB of wasm for this one use): every `{`
/// is checked for the token.
pub fn fill(body: &str, token: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(i) = find_byte(rest, b'{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix(token) {
            out.push_str(value);
            rest = after;
        } else {
            out.push('{');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Whether every byte of `s` passes `ok`: `s.bytes().all(ok)` with one
/// copy in the wasm for every caller (each closure given to `all` is a
/// copy of the loop of its own).
pub fn all_bytes(s: &str, ok: fn(u8) -> bool) -> bool {
    for b in s.bytes() {
        if !ok(b) {
            return false;
        }
    }
    true
}

/// `items` joined with `sep`, like `[S]::join`. One small loop instead of
/// std's `join`, whose generic body would be instantiated once for `String`
/// items and once for `&str` items.
pub fn join<S: AsRef<str>>(items: &[S], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
    out
}

/// Where the ASCII byte `sep` first is in `s`: `s.find(char)` for an ASCII
/// char, scanning bytes. std's char searcher (and its `split` and
/// `split_once`) is generic code instantiated once per crate that uses it:
/// two copies in every page's wasm. Exact for an ASCII `sep`, since UTF-8
/// never uses an ASCII byte inside a multi-byte character.
pub fn find_byte(s: &str, sep: u8) -> Option<usize> {
    debug_assert!(sep.is_ascii());
    s.bytes().position(|b| b == sep)
}

/// `s.split_once(sep)` for an ASCII `sep` ([`find_byte`]).
pub fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = find_byte(s, sep)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s.split(sep)` for an ASCII `sep` ([`find_byte`]).
pub fn split(s: &str, sep: u8) -> Split<'_> {
    Split { rest: Some(s), sep }
}

/// `s` with each line break (`\n`) as a space: for a text sent as one line
/// of a line-separated answer.
pub fn one_line(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in split(s, b'\n').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

/// The pieces of [`split`].
pub struct Split<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for Split<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match split_once(s, self.sep) {
            Some((piece, rest)) => {
                self.rest = Some(rest);
                Some(piece)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn byte_split_matches_std(s in "[a-c.|=é\u{3000} -]{0,12}", sep in prop::sample::select(vec![b'.', b'|', b'=', b' ', b'-'])) {
            let c = char::from(sep);
            prop_assert_eq!(find_byte(&s, sep), s.find(c));
            prop_assert_eq!(split_once(&s, sep), s.split_once(c));
            prop_assert_eq!(split(&s, sep).collect::<Vec<_>>(), s.split(c).collect::<Vec<_>>());
        }
    }

    #[test]
    fn byte_split_at_the_edges() {
        for (s, sep) in [
            ("", b'.'),
            (".", b'.'),
            ("a..b.", b'.'),
            ("é.é", b'.'),
            ("x", b'.'),
        ] {
            let c = char::from(sep);
            assert_eq!(
                split(s, sep).collect::<Vec<_>>(),
                s.split(c).collect::<Vec<_>>(),
                "{s:?}"
            );
            assert_eq!(split_once(s, sep), s.split_once(c), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn one_line_is_std_replace(s in "[a\né\r ]{0,12}") {
            prop_assert_eq!(one_line(&s), s.replace('\n', " "));
        }
    }

    #[test]
    fn cat_concatenates() {
        assert_eq!(cat(&[]), "");
        assert_eq!(cat(&["a", "", "bc"]), "abc");
    }

    #[test]
    fn all_bytes_matches_std_all() {
        for s in ["", "abc", "ab1", "1", "a-b"] {
            let alpha = |b: u8| b.is_ascii_alphabetic();
            assert_eq!(all_bytes(s, alpha), s.bytes().all(alpha), "{s:?}");
        }
    }

    #[test]
    fn join_matches_std_join() {
        let strs: [&[&str]; 4] = [&[], &["a"], &["a", "b"], &["", "x", ""]];
        for items in strs {
            assert_eq!(join(items, "`, `"), items.join("`, `"));
            let owned: Vec<String> = items.iter().map(|s| s.to_string()).collect();
            assert_eq!(join(&owned, "."), owned.join("."));
        }
    }

    #[test]
    fn numbers_at_the_edges() {
        assert_eq!(uint(0), "0");
        assert_eq!(uint(u64::MAX), u64::MAX.to_string());
        assert_eq!(int(i64::MIN), i64::MIN.to_string());
        assert_eq!(int(-1), "-1");
    }

    #[test]
    fn fill_replaces_any_brace_token() {
        for body in [
            "",
            "{days} days",
            "{day} {days}{days}",
            "{",
            "}{days",
            "é{days}é{",
        ] {
            assert_eq!(
                fill(body, "{days}", "182"),
                body.replace("{days}", "182"),
                "{body:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn uint_and_int_match_display(n: u64, i: i64) {
            prop_assert_eq!(uint(n), n.to_string());
            prop_assert_eq!(int(i), i.to_string());
        }
    }
}
