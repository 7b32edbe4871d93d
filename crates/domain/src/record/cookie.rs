//! The cookie form (format version 1):
//!
//! ```text
//! 1|<revision>|<decidedAt ms>|<expiresAt ms>|<a|r|c>|<id>|<granted ids>|<denied ids>
//! 1|1|1795867200000|1811592000000|c|Qk9PTV9CT09NX0JPT01fQg|necessary.security.analytics|functionality.marketing
//! ```
//!
//! Timestamps are Unix milliseconds, `a`/`r`/`c` is accept-all / reject-all /
//! custom, id lists are joined with `.`; a service's full id
//! (`analytics.ga`) is written `analytics:ga` in them:
//!
//! ```text
//! 1|1|1795867200000|1811592000000|c|Qk9PTV9CT09NX0JPT01fQg|necessary.analytics.analytics:ga.security|analytics:appinsights.functionality.marketing
//! ```
//!
//! Every character is a cookie-octet of
//! RFC 6265, so the value needs no quoting or URL-encoding, and a server can
//! read granted categories with one `split('|')`. Because granted and denied
//! ids travel in separate lists, decoding yields the granted categories first
//! (each list in its written order); the decision itself is unchanged, and
//! re-encoding a decoded cookie gives back the exact same text.

use super::MAX_STORED_BYTES;
use super::{
    check_categories, check_consent_id, check_time, malformed, ConsentRecord, Method, RecordError,
};
use crate::grants::Grants;
use crate::text::{cat, int, uint};

/// The cookie form of a record.
pub fn encode_cookie(r: &ConsentRecord) -> String {
    let mut out = cat(&[
        "1|",
        &uint(r.revision.into()),
        "|",
        &int(r.decided_at_ms),
        "|",
        &int(r.expires_at_ms),
        "|",
        code(r.method),
        "|",
        &r.id,
    ]);
    for granted in [true, false] {
        out.push('|');
        let mut first = true;
        for (id, g) in r.categories.iter() {
            if g == granted {
                if !first {
                    out.push('.');
                }
                for ch in id.chars() {
                    out.push(if ch == '.' { ':' } else { ch });
                }
                first = false;
            }
        }
    }
    out
}

/// One-letter code of a method (`s` for Signal, which decoding refuses, so
/// a mistaken write can never be read back as a decision).
fn code(m: Method) -> &'static str {
    match m {
        Method::AcceptAll => "a",
        Method::RejectAll => "r",
        Method::Custom => "c",
        Method::Signal => "s",
    }
}

/// Reads the cookie form back. Numbers must be written exactly as the encoder
/// writes them (no sign, no leading zeros), so that a decoded value always
/// re-encodes to the same text.
pub fn decode_cookie(s: &str) -> Result<ConsentRecord, RecordError> {
    if s.len() > MAX_STORED_BYTES {
        return Err(RecordError::TooLarge);
    }
    let mut fields = Vec::new();
    for field in crate::text::split(s, b'|') {
        fields.push(field);
    }
    if fields[0] != "1" {
        return Err(if canonical_uint(fields[0]).is_some() {
            RecordError::UnknownVersion(fields[0].to_owned())
        } else {
            malformed("not a kloudconsent cookie value")
        });
    }
    let [_, revision, decided, expires, method, id, granted, denied] = fields[..] else {
        return Err(RecordError::Malformed(cat(&[
            "expected 8 `|`-separated fields, got ",
            &uint(fields.len() as u64),
        ])));
    };
    let revision = canonical_uint(revision)
        .filter(|n| *n <= u64::from(u32::MAX))
        .ok_or_else(|| malformed("revision must be a whole number from 0 to 4294967295"))?
        as u32;
    let method = match method {
        "a" => Method::AcceptAll,
        "r" => Method::RejectAll,
        "c" => Method::Custom,
        _ => return Err(malformed("method must be a, r or c")),
    };
    check_consent_id(id)?;
    let mut categories = Grants::new();
    for (list, granted) in [(granted, true), (denied, false)] {
        if list.is_empty() {
            continue;
        }
        for entry in crate::text::split(list, b'.') {
            let mut id = String::new();
            for ch in entry.chars() {
                id.push(if ch == ':' { '.' } else { ch });
            }
            if id.is_empty() || categories.get(&id).is_some() {
                return Err(malformed("a category id is empty or appears twice"));
            }
            categories.set(&id, granted);
        }
    }
    check_categories(&categories)?;
    Ok(ConsentRecord {
        categories,
        method,
        revision,
        decided_at_ms: time(decided, "decidedAt")?,
        expires_at_ms: time(expires, "expiresAt")?,
        id: id.to_owned(),
    })
}

/// A non-negative integer in canonical decimal (`0`, `17`; not `017`, `+17`).
fn canonical_uint(s: &str) -> Option<u64> {
    let canonical = !s.is_empty()
        && s.len() <= 19
        && crate::text::all_bytes(s, |b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    if !canonical {
        return None;
    }
    let mut n: u64 = 0;
    for b in s.bytes() {
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

fn time(s: &str, name: &str) -> Result<i64, RecordError> {
    let ms = canonical_uint(s)
        .and_then(|n| i64::try_from(n).ok())
        .ok_or_else(|| {
            RecordError::Malformed(cat(&[name, " must be a whole number of milliseconds"]))
        })?;
    check_time(ms, name)
}
