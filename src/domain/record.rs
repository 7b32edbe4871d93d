//! The stored decision and its two wire forms.
//!
//! Every decision is written twice (contract section 4): as JSON in
//! `localStorage["kloudconsent"]` and as a compact value in a first-party
//! cookie (`__Host-kloudconsent`, or `kloudconsent`: docs/stored-decision.md),
//! which a server can read too. Both stores can be
//! edited by anyone with devtools, truncated by a full disk, or written by an
//! older or newer version of the widget, so both decoders are strict: a value
//! is either exactly what an encoder could have produced (same fields, same
//! version, sane values) or it is an error, never a guess and never a panic.
//!
//! Decoding checks the *shape* of a record only; whether a well-formed record
//! still counts (expiry, revision, clock tampering) is decided against the
//! config and the current time in `decision::validate`.
//!
//! ## Cookie form (format version 1)
//!
//! ```text
//! 1|<revision>|<decidedAt ms>|<expiresAt ms>|<a|r|c>|<id>|<granted ids>|<denied ids>
//! 1|1|1795867200000|1811592000000|c|Qk9PTV9CT09NX0JPT01fQg|necessary.security.analytics|functionality.marketing
//! ```
//!
//! Timestamps are Unix milliseconds, `a`/`r`/`c` is accept-all / reject-all /
//! custom, id lists are joined with `.`. Every character is a cookie-octet of
//! RFC 6265, so the value needs no quoting or URL-encoding, and a server can
//! read granted categories with one `split('|')`. Because granted and denied
//! ids travel in separate lists, decoding yields the granted categories first
//! (each list in its written order); the decision itself is unchanged, and
//! re-encoding a decoded cookie gives back the exact same text.

use super::category::is_valid_id;
use super::json::{self, Json, ObjectWriter};
use super::time::{iso8601, parse_iso8601, MAX_MS, MIN_MS};
use std::fmt;

/// Name of the cookie and of the localStorage key (contract section 4).
pub const STORAGE_KEY: &str = "kloudconsent";

/// The cookie's name where no `cookie.domain` is configured and the browser
/// accepts a `__Host-` cookie (https): only this host can write it
/// (`decision::CookieName`).
pub const HOST_COOKIE: &str = "__Host-kloudconsent";

/// The format version written by this widget (`"v"` in JSON, the first cookie
/// field). Any other version is refused as [`RecordError::UnknownVersion`].
pub const FORMAT_VERSION: u32 = 1;

/// Stored values longer than this are refused before parsing: a real record
/// is a few hundred bytes, so anything bigger is corrupt or hostile, and
/// parsing it would only waste the visitor's time.
pub const MAX_STORED_BYTES: usize = 4096;

/// Most categories a record (and hence a config) may hold; keeps the largest
/// possible record well under [`MAX_STORED_BYTES`].
pub const MAX_CATEGORIES: usize = 64;

/// How a decision was made. `Signal` describes the unstored state implied by
/// Do Not Track / Global Privacy Control; it never appears in a stored record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    AcceptAll,
    RejectAll,
    Custom,
    Signal,
}

impl Method {
    /// The contract spelling: `accept-all`, `reject-all`, `custom`, `signal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::AcceptAll => "accept-all",
            Method::RejectAll => "reject-all",
            Method::Custom => "custom",
            Method::Signal => "signal",
        }
    }

    /// The method of a stored record from its contract spelling; `signal` is
    /// not storable and gives `None`.
    pub fn from_stored(s: &str) -> Option<Method> {
        match s {
            "accept-all" => Some(Method::AcceptAll),
            "reject-all" => Some(Method::RejectAll),
            "custom" => Some(Method::Custom),
            _ => None,
        }
    }

    /// One-letter code of the cookie form (`s` for Signal, which decoding
    /// refuses, so a mistaken write can never be read back as a decision).
    fn cookie_code(self) -> char {
        match self {
            Method::AcceptAll => 'a',
            Method::RejectAll => 'r',
            Method::Custom => 'c',
            Method::Signal => 's',
        }
    }

    fn from_cookie_code(s: &str) -> Option<Method> {
        match s {
            "a" => Some(Method::AcceptAll),
            "r" => Some(Method::RejectAll),
            "c" => Some(Method::Custom),
            _ => None,
        }
    }
}

/// One visitor decision as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Every category of the config in force when the decision was made, in
    /// that config's order (the cookie form reads back granted ones first).
    pub categories: Vec<(String, bool)>,
    /// Never [`Method::Signal`] in a stored record.
    pub method: Method,
    /// The config revision the decision was made under.
    pub revision: u32,
    /// When the visitor decided, Unix ms.
    pub decided_at_ms: i64,
    /// When the decision lapses, Unix ms.
    pub expires_at_ms: i64,
    /// Random consent id (see [`consent_id`]), shown to the visitor and sent
    /// with receipts so a decision can be traced without personal data.
    pub id: String,
}

impl ConsentRecord {
    /// The recorded value for category `id`; a category the record does not
    /// mention was never offered, so it is not granted.
    pub fn granted(&self, id: &str) -> bool {
        self.categories
            .iter()
            .any(|(c, granted)| c == id && *granted)
    }
}

/// Why a stored value is not a usable decision. The `Display` text is meant
/// for a console warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// Longer than [`MAX_STORED_BYTES`].
    TooLarge,
    /// Not a record of the known format.
    Malformed(String),
    /// Written by a different format version (the version as found).
    UnknownVersion(String),
    /// Internally impossible, or decided in the future.
    Tampered(String),
    /// Its expiry has passed.
    Expired,
    /// Made under an older policy revision than the config's.
    StaleRevision { record: u32, config: u32 },
    /// Shares no category id with the config: not a decision about this site.
    NoSharedCategory,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::TooLarge => write!(f, "stored value is larger than {MAX_STORED_BYTES} bytes"),
            RecordError::Malformed(why) => write!(f, "stored value is malformed: {why}"),
            RecordError::UnknownVersion(v) => write!(f, "stored value has unknown format version {v}"),
            RecordError::Tampered(why) => write!(f, "stored value looks tampered with: {why}"),
            RecordError::Expired => f.write_str("stored decision has expired"),
            RecordError::StaleRevision { record, config } => write!(
                f,
                "stored decision was made under policy revision {record}, the site now requires {config}"
            ),
            RecordError::NoSharedCategory => f.write_str("stored decision names none of this site's categories"),
        }
    }
}

impl std::error::Error for RecordError {}

fn malformed(why: impl Into<String>) -> RecordError {
    RecordError::Malformed(why.into())
}

// ---- shape checks shared by both forms -------------------------------------

/// Whether `id` is a consent id: 8 to 64 of `A-Z a-z 0-9 _ -`. Our own ids
/// are 22 characters ([`consent_id`]); the range leaves room for ids issued by
/// a server.
pub fn is_valid_consent_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn check_consent_id(id: &str) -> Result<(), RecordError> {
    if is_valid_consent_id(id) {
        Ok(())
    } else {
        Err(malformed("id must be 8 to 64 letters, digits, `_` or `-`"))
    }
}

fn check_categories(categories: &[(String, bool)]) -> Result<(), RecordError> {
    if categories.is_empty() || categories.len() > MAX_CATEGORIES {
        return Err(malformed(format!(
            "expected 1 to {MAX_CATEGORIES} categories, got {}",
            categories.len()
        )));
    }
    for (i, (id, _)) in categories.iter().enumerate() {
        if !is_valid_id(id) {
            return Err(malformed(
                "a category id has characters outside A-Z a-z 0-9 _ -",
            ));
        }
        if categories[..i].iter().any(|(other, _)| other == id) {
            return Err(malformed(format!("category `{id}` appears twice")));
        }
    }
    Ok(())
}

fn check_time(ms: i64, name: &str) -> Result<i64, RecordError> {
    if (MIN_MS..=MAX_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(malformed(format!("{name} is out of range")))
    }
}

// ---- JSON form -------------------------------------------------------------

/// The localStorage form:
/// `{"v":1,"categories":{..},"method":..,"revision":..,"decidedAt":..,"expiresAt":..,"id":..}`.
pub fn encode_json(r: &ConsentRecord) -> String {
    ObjectWriter::new()
        .num("v", FORMAT_VERSION)
        .raw("categories", &json::bool_object(&r.categories))
        .str("method", r.method.as_str())
        .num("revision", r.revision)
        .str("decidedAt", &iso8601(r.decided_at_ms))
        .str("expiresAt", &iso8601(r.expires_at_ms))
        .str("id", &r.id)
        .finish()
}

const JSON_KEYS: [&str; 7] = [
    "v",
    "categories",
    "method",
    "revision",
    "decidedAt",
    "expiresAt",
    "id",
];

/// Reads the localStorage form back. Keys may come in any order, but every
/// key must be present exactly once and nothing else may be.
pub fn decode_json(s: &str) -> Result<ConsentRecord, RecordError> {
    if s.len() > MAX_STORED_BYTES {
        return Err(RecordError::TooLarge);
    }
    let value = Json::parse(s).map_err(|e| malformed(format!("not JSON ({e})")))?;
    let entries = value
        .as_object()
        .ok_or_else(|| malformed(format!("expected an object, got {}", value.kind())))?;
    // The version decides what the rest means, so it is checked first: a v2
    // record is "unknown version", not "malformed v1".
    check_json_version(json::get(entries, "v"))?;
    if let Some(key) = json::duplicate_key(entries) {
        return Err(malformed(format!("key `{key}` appears twice")));
    }
    if let Some((key, _)) = entries
        .iter()
        .find(|(k, _)| !JSON_KEYS.contains(&k.as_str()))
    {
        return Err(malformed(format!("unexpected key `{key}`")));
    }
    let field =
        |key: &str| json::get(entries, key).ok_or_else(|| malformed(format!("missing `{key}`")));
    let record = ConsentRecord {
        categories: json_categories(field("categories")?)?,
        method: json_method(field("method")?)?,
        revision: json_revision(field("revision")?)?,
        decided_at_ms: json_time(field("decidedAt")?, "decidedAt")?,
        expires_at_ms: json_time(field("expiresAt")?, "expiresAt")?,
        id: json_string(field("id")?, "id")?.to_owned(),
    };
    check_consent_id(&record.id)?;
    Ok(record)
}

fn check_json_version(v: Option<&Json>) -> Result<(), RecordError> {
    match v {
        None => Err(malformed("missing `v`")),
        Some(v) if v.as_exact_integer() == Some(i128::from(FORMAT_VERSION)) => Ok(()),
        Some(Json::Number(n)) => Err(RecordError::UnknownVersion(n.text())),
        Some(other) => Err(malformed(format!(
            "`v` must be a number, got {}",
            other.kind()
        ))),
    }
}

fn json_string<'a>(v: &'a Json, name: &str) -> Result<&'a str, RecordError> {
    match v {
        Json::String(s) => Ok(s),
        other => Err(malformed(format!(
            "`{name}` must be a string, got {}",
            other.kind()
        ))),
    }
}

fn json_categories(v: &Json) -> Result<Vec<(String, bool)>, RecordError> {
    let entries = v
        .as_object()
        .ok_or_else(|| malformed("`categories` must be an object"))?;
    let categories = entries
        .iter()
        .map(|(id, value)| match value {
            Json::Bool(b) => Ok((id.clone(), *b)),
            other => Err(malformed(format!(
                "category values must be true or false, got {}",
                other.kind()
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    check_categories(&categories)?;
    Ok(categories)
}

fn json_method(v: &Json) -> Result<Method, RecordError> {
    let s = json_string(v, "method")?;
    Method::from_stored(s)
        .ok_or_else(|| malformed("`method` must be accept-all, reject-all or custom"))
}

fn json_revision(v: &Json) -> Result<u32, RecordError> {
    v.as_exact_integer()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| malformed("`revision` must be a whole number from 0 to 4294967295"))
}

fn json_time(v: &Json, name: &str) -> Result<i64, RecordError> {
    let s = json_string(v, name)?;
    parse_iso8601(s).ok_or_else(|| {
        malformed(format!(
            "`{name}` must be a time like 2026-11-28T12:00:00.000Z"
        ))
    })
}

// ---- cookie form -----------------------------------------------------------

/// The cookie form (see the module docs for the layout).
pub fn encode_cookie(r: &ConsentRecord) -> String {
    let list = |granted: bool| {
        let ids: Vec<&str> = r
            .categories
            .iter()
            .filter(|(_, g)| *g == granted)
            .map(|(id, _)| id.as_str())
            .collect();
        super::join(&ids, ".")
    };
    format!(
        "{FORMAT_VERSION}|{}|{}|{}|{}|{}|{}|{}",
        r.revision,
        r.decided_at_ms,
        r.expires_at_ms,
        r.method.cookie_code(),
        r.id,
        list(true),
        list(false)
    )
}

/// Reads the cookie form back. Numbers must be written exactly as the encoder
/// writes them (no sign, no leading zeros), so that a decoded value always
/// re-encodes to the same text.
pub fn decode_cookie(s: &str) -> Result<ConsentRecord, RecordError> {
    if s.len() > MAX_STORED_BYTES {
        return Err(RecordError::TooLarge);
    }
    let fields: Vec<&str> = s.split('|').collect();
    check_cookie_version(fields[0])?;
    let [_, revision, decided, expires, method, id, granted, denied] = fields[..] else {
        return Err(malformed(format!(
            "expected 8 `|`-separated fields, got {}",
            fields.len()
        )));
    };
    let revision = canonical_uint(revision)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| malformed("revision must be a whole number from 0 to 4294967295"))?;
    let method =
        Method::from_cookie_code(method).ok_or_else(|| malformed("method must be a, r or c"))?;
    check_consent_id(id)?;
    let mut categories = cookie_ids(granted, true)?;
    categories.extend(cookie_ids(denied, false)?);
    check_categories(&categories)?;
    Ok(ConsentRecord {
        categories,
        method,
        revision,
        decided_at_ms: cookie_time(decided, "decidedAt")?,
        expires_at_ms: cookie_time(expires, "expiresAt")?,
        id: id.to_owned(),
    })
}

fn check_cookie_version(version: &str) -> Result<(), RecordError> {
    if version == "1" {
        Ok(())
    } else if canonical_uint(version).is_some() {
        Err(RecordError::UnknownVersion(version.to_owned()))
    } else {
        Err(malformed("not a kloudconsent cookie value"))
    }
}

/// A non-negative integer in canonical decimal (`0`, `17`; not `017`, `+17`).
fn canonical_uint(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical && s.len() <= 19 {
        s.parse().ok()
    } else {
        None
    }
}

fn cookie_time(s: &str, name: &str) -> Result<i64, RecordError> {
    let ms = canonical_uint(s)
        .and_then(|n| i64::try_from(n).ok())
        .ok_or_else(|| malformed(format!("{name} must be a whole number of milliseconds")))?;
    check_time(ms, name)
}

/// A `.`-joined id list; the empty string is the empty list.
fn cookie_ids(list: &str, granted: bool) -> Result<Vec<(String, bool)>, RecordError> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    list.split('.')
        .map(|id| {
            if is_valid_id(id) {
                Ok((id.to_owned(), granted))
            } else {
                Err(malformed(
                    "a category id is empty or has characters outside A-Z a-z 0-9 _ -",
                ))
            }
        })
        .collect()
}

// ---- consent id ------------------------------------------------------------

/// A consent id from 16 random bytes (128 bits, so ids never collide in
/// practice): unpadded base64url, always 22 characters, safe in a cookie,
/// JSON and a URL. The caller supplies the randomness (`crypto.getRandomValues`
/// in the browser) so this stays pure and testable.
pub fn consent_id(random: &[u8; 16]) -> String {
    base64url(random)
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = chunk.len() + 1; // 1 byte -> 2 chars, 2 -> 3, 3 -> 4
        for k in 0..sextets {
            let index = (n >> (18 - 6 * k)) & 63;
            out.push(char::from(BASE64URL[index as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::DAY_MS;
    use proptest::prelude::*;

    const T0: i64 = 1_795_867_200_000; // 2026-11-28T12:00:00.000Z

    fn sample() -> ConsentRecord {
        ConsentRecord {
            categories: vec![
                ("necessary".into(), true),
                ("analytics".into(), false),
                ("functionality".into(), true),
                ("security".into(), true),
                ("marketing".into(), false),
            ],
            method: Method::Custom,
            revision: 1,
            decided_at_ms: T0,
            expires_at_ms: T0 + 182 * DAY_MS,
            id: "AAECAwQFBgcICQoLDA0ODw".into(),
        }
    }

    const SAMPLE_JSON: &str = r#"{"v":1,"categories":{"necessary":true,"analytics":false,"functionality":true,"security":true,"marketing":false},"method":"custom","revision":1,"decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","id":"AAECAwQFBgcICQoLDA0ODw"}"#;
    const SAMPLE_COOKIE: &str =
        "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary.functionality.security|analytics.marketing";

    /// The record as the cookie form reads it back: granted categories first.
    fn granted_first(r: &ConsentRecord) -> ConsentRecord {
        let (mut yes, no): (Vec<_>, Vec<_>) = r.categories.iter().cloned().partition(|(_, g)| *g);
        yes.extend(no);
        ConsentRecord {
            categories: yes,
            ..r.clone()
        }
    }

    #[test]
    fn json_form_is_exact() {
        assert_eq!(encode_json(&sample()), SAMPLE_JSON);
        assert_eq!(decode_json(SAMPLE_JSON), Ok(sample()));
    }

    #[test]
    fn cookie_form_is_exact() {
        assert_eq!(encode_cookie(&sample()), SAMPLE_COOKIE);
        assert_eq!(decode_cookie(SAMPLE_COOKIE), Ok(granted_first(&sample())));
        assert_eq!(
            encode_cookie(&decode_cookie(SAMPLE_COOKIE).unwrap()),
            SAMPLE_COOKIE
        );
    }

    #[test]
    fn json_accepts_any_key_order_and_whitespace() {
        let shuffled = r#" { "id" : "AAECAwQFBgcICQoLDA0ODw", "revision": 1, "method": "custom",
            "expiresAt": "2027-05-29T12:00:00.000Z", "decidedAt": "2026-11-28T12:00:00.000Z",
            "categories": {"necessary":true,"analytics":false,"functionality":true,"security":true,"marketing":false}, "v": 1 } "#;
        assert_eq!(decode_json(shuffled), Ok(sample()));
    }

    #[test]
    fn cookie_is_small_and_cookie_safe() {
        let worst = ConsentRecord {
            categories: crate::domain::category::default_categories()
                .into_iter()
                .map(|c| (c.id, true))
                .collect(),
            method: Method::AcceptAll,
            revision: u32::MAX,
            decided_at_ms: MAX_MS,
            expires_at_ms: MAX_MS,
            id: "x".repeat(64),
        };
        let cookie = encode_cookie(&worst);
        assert!(cookie.len() < 300, "{} bytes: {cookie}", cookie.len());
        let typical = encode_cookie(&sample());
        assert!(typical.len() < 150, "{}", typical.len());
        // RFC 6265 cookie-octet: no CTLs, whitespace, DQUOTE, comma, semicolon or backslash.
        for c in [cookie, typical] {
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"\",;\\".contains(&b)),
                "{c}"
            );
        }
    }

    #[test]
    fn largest_record_fits_the_size_limit() {
        let r = ConsentRecord {
            categories: (0..MAX_CATEGORIES)
                .map(|i| (format!("{i:0>40}"), i % 2 == 0))
                .collect(),
            method: Method::RejectAll,
            revision: u32::MAX,
            decided_at_ms: 0,
            expires_at_ms: MAX_MS,
            id: "y".repeat(64),
        };
        let j = encode_json(&r);
        let c = encode_cookie(&r);
        assert!(j.len() <= MAX_STORED_BYTES, "{}", j.len());
        assert!(c.len() <= MAX_STORED_BYTES, "{}", c.len());
        assert_eq!(decode_json(&j), Ok(r.clone()));
        assert_eq!(decode_cookie(&c), Ok(granted_first(&r)));
    }

    #[test]
    fn oversized_values_are_refused_before_parsing() {
        let padded_json = format!("{}{}", SAMPLE_JSON, " ".repeat(MAX_STORED_BYTES));
        assert_eq!(decode_json(&padded_json), Err(RecordError::TooLarge));
        let ten_kb = "x".repeat(10 * 1024);
        assert_eq!(decode_json(&ten_kb), Err(RecordError::TooLarge));
        assert_eq!(decode_cookie(&ten_kb), Err(RecordError::TooLarge));
        let exactly = format!(
            "{}{}",
            SAMPLE_JSON,
            " ".repeat(MAX_STORED_BYTES - SAMPLE_JSON.len())
        );
        assert_eq!(
            decode_json(&exactly),
            Ok(sample()),
            "4096 bytes is still allowed"
        );
    }

    #[test]
    fn versions() {
        let v2 = SAMPLE_JSON.replace(r#""v":1"#, r#""v":2"#);
        assert_eq!(
            decode_json(&v2),
            Err(RecordError::UnknownVersion("2".into()))
        );
        assert_eq!(
            decode_json(r#"{"v":2}"#),
            Err(RecordError::UnknownVersion("2".into()))
        );
        assert_eq!(
            decode_json(r#"{"v":-1}"#),
            Err(RecordError::UnknownVersion("-1".into()))
        );
        assert_eq!(
            decode_json(r#"{"v":1.5}"#),
            Err(RecordError::UnknownVersion("1.5".into()))
        );
        assert!(matches!(
            decode_json(r#"{"v":"1"}"#),
            Err(RecordError::Malformed(_))
        ));
        assert!(matches!(
            decode_json(r#"{"categories":{}}"#),
            Err(RecordError::Malformed(_))
        ));
        let v1_0 = SAMPLE_JSON.replace(r#""v":1"#, r#""v":1.0"#);
        assert_eq!(
            decode_json(&v1_0),
            Err(RecordError::UnknownVersion("1.0".into()))
        );
        assert_eq!(
            decode_json(r#"{"v":1e300}"#),
            Err(RecordError::UnknownVersion("1e300".into()))
        );
        let c2 = SAMPLE_COOKIE.replacen('1', "2", 1);
        assert_eq!(
            decode_cookie(&c2),
            Err(RecordError::UnknownVersion("2".into()))
        );
        assert_eq!(
            decode_cookie("2|whatever"),
            Err(RecordError::UnknownVersion("2".into()))
        );
        assert!(matches!(
            decode_cookie("01|x"),
            Err(RecordError::Malformed(_))
        ));
    }

    fn json_with(from: &str, to: &str) -> Result<ConsentRecord, RecordError> {
        assert!(SAMPLE_JSON.contains(from), "{from}");
        decode_json(&SAMPLE_JSON.replacen(from, to, 1))
    }

    #[test]
    fn bad_json_records() {
        let table: &[(&str, &str)] = &[
            (r#""method":"custom""#, r#""method":"signal""#),
            (r#""method":"custom""#, r#""method":"Custom""#),
            (r#""method":"custom""#, r#""method":1"#),
            (r#""revision":1"#, r#""revision":-1"#),
            (r#""revision":1"#, r#""revision":1.0"#),
            (r#""revision":1"#, r#""revision":4294967296"#),
            (r#""revision":1"#, r#""revision":"1""#),
            (r#""revision":1,"#, ""),
            (r#""id":"AAECAwQFBgcICQoLDA0ODw""#, r#""id":"short""#),
            (
                r#""id":"AAECAwQFBgcICQoLDA0ODw""#,
                r#""id":"has space in it""#,
            ),
            (r#""id":"AAECAwQFBgcICQoLDA0ODw""#, r#""id":null"#),
            (
                r#""decidedAt":"2026-11-28T12:00:00.000Z""#,
                r#""decidedAt":"2026-11-28T12:00:00Z""#,
            ),
            (
                r#""decidedAt":"2026-11-28T12:00:00.000Z""#,
                r#""decidedAt":1795867200000"#,
            ),
            (
                r#""expiresAt":"2027-05-29T12:00:00.000Z""#,
                r#""expiresAt":"2027-02-30T12:00:00.000Z""#,
            ),
            (
                r#""expiresAt":"2027-05-29T12:00:00.000Z""#,
                r#""expiresAt":"+12027-05-29T12:00:00.000Z""#,
            ),
            (r#""analytics":false"#, r#""analytics":0"#),
            (r#""analytics":false"#, r#""analytics":"false""#),
            (r#""analytics":false"#, r#""necessary":false"#),
            (r#""analytics":false"#, r#""ana lytics":false"#),
            (r#""analytics":false"#, r#""":false"#),
            (r#""v":1,"#, r#""v":1,"v":1,"#),
            (r#""v":1,"#, r#""v":1,"extra":true,"#),
            (
                r#"{"necessary":true,"analytics":false,"functionality":true,"security":true,"marketing":false}"#,
                "{}",
            ),
            (
                r#"{"necessary":true,"analytics":false,"functionality":true,"security":true,"marketing":false}"#,
                "[]",
            ),
        ];
        for (from, to) in table {
            let got = json_with(from, to);
            assert!(
                matches!(got, Err(RecordError::Malformed(_))),
                "{from} -> {to}: {got:?}"
            );
        }
    }

    #[test]
    fn garbage_json_is_malformed() {
        let half = &SAMPLE_JSON[..SAMPLE_JSON.len() / 2];
        for s in [
            "",
            " ",
            "null",
            "[]",
            "1",
            "\"x\"",
            "{",
            "garbage",
            half,
            "{\"v\":1e999}",
            "\u{feff}{}",
            "{\"v\":NaN}",
        ] {
            assert!(
                matches!(decode_json(s), Err(RecordError::Malformed(_))),
                "{s:?}"
            );
        }
    }

    #[test]
    fn too_many_categories() {
        let cats: Vec<String> = (0..65).map(|i| format!(r#""c{i}":true"#)).collect();
        let s = SAMPLE_JSON.replacen(
            r#"{"necessary":true,"analytics":false,"functionality":true,"security":true,"marketing":false}"#,
            &format!("{{{}}}", cats.join(",")),
            1,
        );
        assert!(matches!(decode_json(&s), Err(RecordError::Malformed(_))));
        let ids: Vec<String> = (0..65).map(|i| format!("c{i}")).collect();
        let c = format!("1|1|0|1|a|AAAAAAAA|{}|", ids.join("."));
        assert!(matches!(decode_cookie(&c), Err(RecordError::Malformed(_))));
    }

    #[test]
    fn bad_cookies() {
        let bad = [
            "",
            "garbage",
            "1",
            "1|",
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary", // 7 fields
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary||x", // 9 fields
            "1|01|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|", // leading zero
            "1|-1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|+1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|4294967296|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|1|-1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|1|1e12|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|1|1795867200000|99999999999999999999|c|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|1|1795867200000|253402300800000|c|AAECAwQFBgcICQoLDA0ODw|necessary|", // year 10000
            "1|1|1795867200000|1811592000000|s|AAECAwQFBgcICQoLDA0ODw|necessary|",   // signal
            "1|1|1795867200000|1811592000000|x|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|1|1795867200000|1811592000000|c|short|necessary|",
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw||", // no categories
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary.|",
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|.necessary|",
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|nec essary|",
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|necessary", // both lists
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|a.a|",
            " 1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary|",
            "1|1|1795867200000|1811592000000|c|AAECAwQFBgcICQoLDA0ODw|necessary| ",
            "1%7C1%7C1795867200000", // URL-encoded
        ];
        for s in bad {
            let got = decode_cookie(s);
            assert!(
                matches!(
                    got,
                    Err(RecordError::Malformed(_)) | Err(RecordError::UnknownVersion(_))
                ),
                "{s:?}: {got:?}"
            );
        }
    }

    #[test]
    fn truncations_never_decode() {
        for n in 0..SAMPLE_JSON.len() {
            assert!(decode_json(&SAMPLE_JSON[..n]).is_err(), "json prefix {n}");
        }
        for n in 0..SAMPLE_COOKIE.len() {
            // A cookie cut inside the last id list can still be a valid (other) record;
            // anything cut earlier must fail.
            if n < SAMPLE_COOKIE.rfind('|').unwrap() {
                assert!(
                    decode_cookie(&SAMPLE_COOKIE[..n]).is_err(),
                    "cookie prefix {n}"
                );
            }
        }
    }

    #[test]
    fn granted_lookup() {
        let r = sample();
        assert!(r.granted("necessary"));
        assert!(!r.granted("analytics"));
        assert!(!r.granted("unknown"));
    }

    #[test]
    fn method_spellings() {
        for m in [Method::AcceptAll, Method::RejectAll, Method::Custom] {
            assert_eq!(Method::from_stored(m.as_str()), Some(m));
        }
        assert_eq!(Method::Signal.as_str(), "signal");
        assert_eq!(Method::from_stored("signal"), None);
        let signal = ConsentRecord {
            method: Method::Signal,
            ..sample()
        };
        assert!(
            decode_json(&encode_json(&signal)).is_err(),
            "a signal state is never read back as stored"
        );
        assert!(decode_cookie(&encode_cookie(&signal)).is_err());
    }

    #[test]
    fn consent_ids() {
        assert_eq!(consent_id(&[0; 16]), "AAAAAAAAAAAAAAAAAAAAAA");
        assert_eq!(consent_id(&[255; 16]), "_____________________w");
        let counting: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(consent_id(&counting), "AAECAwQFBgcICQoLDA0ODw");
        assert_eq!(base64url(b"hello?"), "aGVsbG8_");
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(base64url(b""), "");
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            RecordError::TooLarge.to_string(),
            "stored value is larger than 4096 bytes"
        );
        assert_eq!(
            RecordError::StaleRevision {
                record: 1,
                config: 2
            }
            .to_string(),
            "stored decision was made under policy revision 1, the site now requires 2"
        );
    }

    fn arb_record() -> impl Strategy<Value = ConsentRecord> {
        let categories =
            proptest::collection::btree_map("[A-Za-z0-9_-]{1,40}", any::<bool>(), 1..=12)
                .prop_map(|m| m.into_iter().collect::<Vec<_>>())
                .prop_shuffle();
        let method = prop_oneof![
            Just(Method::AcceptAll),
            Just(Method::RejectAll),
            Just(Method::Custom)
        ];
        (
            categories,
            method,
            any::<u32>(),
            MIN_MS..=MAX_MS,
            MIN_MS..=MAX_MS,
            "[A-Za-z0-9_-]{8,64}",
        )
            .prop_map(
                |(categories, method, revision, decided_at_ms, expires_at_ms, id)| ConsentRecord {
                    categories,
                    method,
                    revision,
                    decided_at_ms,
                    expires_at_ms,
                    id,
                },
            )
    }

    /// Small edits of a valid encoding: replace, insert or delete one char.
    fn mutate(s: &str, at: usize, c: char, kind: u8) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        let at = at % (chars.len() + 1);
        match kind % 3 {
            0 if at < chars.len() => chars[at] = c,
            1 => chars.insert(at, c),
            _ if at < chars.len() => {
                chars.remove(at);
            }
            _ => chars.push(c),
        }
        chars.into_iter().collect()
    }

    /// The cookie rows of tests/e2e/hostile-storage.test.mjs, at host level:
    /// each is refused with an error, never a panic and never a record.
    #[test]
    fn hostile_cookie_values_are_refused() {
        let valid = |f: &dyn Fn(&mut Vec<String>)| {
            let mut fields: Vec<String> = SAMPLE_COOKIE.split('|').map(str::to_owned).collect();
            f(&mut fields);
            fields.join("|")
        };
        let cases = [
            String::new(),
            "hello-world".into(),
            "1".into(),
            "1|".into(),
            "|||||||".into(),
            format!("1|{}", "A".repeat(3998)),
            format!("\"{SAMPLE_COOKIE}\""),
            "<img/src=x/onerror=window.__xss=1>".into(),
            SAMPLE_COOKIE
                .split('|')
                .take(5)
                .collect::<Vec<_>>()
                .join("|"),
            format!("{SAMPLE_COOKIE}|extra"),
            valid(&|f| f[1] = "NaN".into()),
            valid(&|f| f[2] = "NaN".into()),
            valid(&|f| f[3] = "Infinity".into()),
            valid(&|f| f[2] = "-1".into()),
            valid(&|f| f[3] = "1e13".into()),
            valid(&|f| f[3] = "99999999999999999999".into()),
            valid(&|f| f[3] = "253402300800000".into()), // year 10000
            valid(&|f| f[1] = "4294967296".into()),
            valid(&|f| f[4] = "s".into()),
            valid(&|f| f[5] = "short".into()),
            valid(&|f| f[6] = "analytics.analytics".into()),
            valid(&|f| f[6] = "necessary..security".into()),
            valid(&|f| {
                f[6].clear();
                f[7].clear();
            }),
        ];
        for case in &cases {
            assert!(decode_cookie(case).is_err(), "accepted {case:?}");
        }
        assert!(
            matches!(decode_cookie(&valid(&|f| f[0] = "2".into())), Err(RecordError::UnknownVersion(v)) if v == "2")
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn json_round_trips_exactly(r in arb_record()) {
            let text = encode_json(&r);
            prop_assert!(text.len() <= MAX_STORED_BYTES);
            prop_assert_eq!(decode_json(&text), Ok(r));
        }

        #[test]
        fn cookie_round_trips(r in arb_record()) {
            let text = encode_cookie(&r);
            let back = decode_cookie(&text);
            prop_assert_eq!(back.clone(), Ok(granted_first(&r)));
            prop_assert_eq!(encode_cookie(&back.unwrap()), text);
        }

        #[test]
        fn decoders_never_panic_on_arbitrary_text(s in "\\PC{0,300}") {
            let _ = decode_json(&s);
            let _ = decode_cookie(&s);
        }

        #[test]
        fn decoders_never_panic_on_cookie_like_text(s in "[0-9a-z|.]{0,80}") {
            if let Ok(r) = decode_cookie(&s) {
                prop_assert_eq!(encode_cookie(&r), s);
            }
        }

        #[test]
        fn mutated_json_never_panics(r in arb_record(), at in any::<usize>(), c in any::<char>(), kind in any::<u8>()) {
            let text = mutate(&encode_json(&r), at, c, kind);
            if let Ok(back) = decode_json(&text) {
                // Whatever survives is a well-formed record that re-encodes and decodes to itself.
                prop_assert_eq!(decode_json(&encode_json(&back)), Ok(back));
            }
        }

        #[test]
        fn mutated_cookie_never_panics_and_is_canonical(
            r in arb_record(), at in any::<usize>(), c in prop_oneof![any::<char>(), Just('|'), Just('.'), Just('0')], kind in any::<u8>()
        ) {
            let text = mutate(&encode_cookie(&r), at, c, kind);
            if let Ok(back) = decode_cookie(&text) {
                prop_assert_eq!(encode_cookie(&back), text);
            }
        }
    }
}
