//! The stored decision and its two wire forms.
//!
//! Every decision is written twice (contract section 4): as JSON in
//! `localStorage["kloudconsent"]` ([`json`]) and as a compact value in a
//! first-party cookie ([`cookie`]; named `__Host-kloudconsent` or
//! `kloudconsent`: docs/stored-decision.md), which a server can read too. Both stores
//! can be edited by anyone with devtools, truncated by a full disk, or
//! written by an older or newer version of the widget, so both decoders are
//! strict: a value is either exactly what an encoder could have produced
//! (same fields, same version, sane values) or it is an error, never a guess
//! and never a panic.
//!
//! Decoding checks the *shape* of a record only; whether a well-formed record
//! still counts (expiry, revision, clock tampering) is decided against the
//! config and the current time in `decision::validate`.

mod cookie;
mod json;

pub use cookie::{decode_cookie, encode_cookie};
pub use json::{decode_json, decode_json_value, encode_json, too_large};

use crate::category::is_valid_entry_id;
use crate::grants::Grants;
use crate::text::{cat, uint};
use crate::time::{MAX_MS, MIN_MS};
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

/// Most categories a record (and hence a config) may hold (services not
/// counted).
pub const MAX_CATEGORIES: usize = 64;

/// Most bytes the entries of a record may take written as JSON members
/// (`"analytics.ga":false,`: the id and 9 bytes): a config whose category
/// and service ids need more is refused, so the largest possible record
/// stays well under [`MAX_STORED_BYTES`] and its receipt under the receipt
/// service's 4 KB, with a kilobyte left for the rest.
pub const MAX_ID_BYTES: usize = 3072;

/// How a decision was made. `Signal` describes the unstored state implied by
/// Do Not Track / Global Privacy Control; it never appears in a stored record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// The visitor chose Accept all.
    AcceptAll,
    /// The visitor chose Reject all.
    RejectAll,
    /// The visitor (or the page's API) set categories one by one.
    Custom,
    /// A privacy signal (Do Not Track, Global Privacy Control) answered; never stored.
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
}

/// One visitor decision as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    /// Every category of the config in force when the decision was made,
    /// each followed by its services (full ids, `analytics.ga`), in that
    /// config's order (the cookie form reads back granted ones first).
    pub categories: Grants,
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
    /// The recorded value for category or service `id`; one the record does
    /// not mention was never offered, so it is not granted.
    pub fn granted(&self, id: &str) -> bool {
        self.categories.get(id) == Some(true)
    }
}

/// Why a stored value is not a usable decision; [`RecordError::message`] is
/// meant for a console warning.
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
    StaleRevision {
        /// The record's revision.
        record: u32,
        /// The config's revision.
        config: u32,
    },
    /// Shares no category id with the config: not a decision about this site.
    NoSharedCategory,
}

impl RecordError {
    /// What is wrong, for a console warning.
    pub fn message(&self) -> String {
        match self {
            RecordError::TooLarge => cat(&[
                "stored value is larger than ",
                &uint(MAX_STORED_BYTES as u64),
                " bytes",
            ]),
            RecordError::Malformed(why) => cat(&["stored value is malformed: ", why]),
            RecordError::UnknownVersion(v) => cat(&["stored value has unknown format version ", v]),
            RecordError::Tampered(why) => cat(&["stored value looks tampered with: ", why]),
            RecordError::Expired => "stored decision has expired".into(),
            RecordError::StaleRevision { record, config } => cat(&[
                "stored decision was made under policy revision ",
                &uint((*record).into()),
                ", the site now requires ",
                &uint((*config).into()),
            ]),
            RecordError::NoSharedCategory => {
                "stored decision names none of this site's categories".into()
            }
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RecordError {}

fn malformed(why: &str) -> RecordError {
    RecordError::Malformed(why.into())
}

// ---- shape checks shared by both forms -------------------------------------

/// Whether `id` is a consent id: 8 to 64 of `A-Z a-z 0-9 _ -`. Our own ids
/// are 22 characters ([`consent_id`]); the range leaves room for ids issued by
/// a server.
pub fn is_valid_consent_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && crate::text::all_bytes(id, |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn check_consent_id(id: &str) -> Result<(), RecordError> {
    if is_valid_consent_id(id) {
        Ok(())
    } else {
        Err(malformed("id must be 8 to 64 letters, digits, `_` or `-`"))
    }
}

fn check_categories(categories: &Grants) -> Result<(), RecordError> {
    let mut count = 0;
    for (id, _) in categories.iter() {
        if !is_valid_entry_id(id) {
            return Err(malformed(
                "an id is not a category id or <category id>.<service id> of A-Z a-z 0-9 _ -",
            ));
        }
        count += usize::from(crate::text::find_byte(id, b'.').is_none());
    }
    if count == 0 || count > MAX_CATEGORIES {
        let max = uint(MAX_CATEGORIES as u64);
        return Err(RecordError::Malformed(cat(&[
            "expected 1 to ",
            &max,
            " categories, got ",
            &uint(count as u64),
        ])));
    }
    Ok(())
}

fn check_time(ms: i64, name: &str) -> Result<i64, RecordError> {
    if (MIN_MS..=MAX_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(RecordError::Malformed(cat(&[name, " is out of range"])))
    }
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
mod services_tests;
#[cfg(test)]
mod tests;
