//! What the page is told: the state object of `get()` and every event's
//! `detail` (contract section 4), and the receipt sent to `receiptUrl`.

use super::Consent;
use crate::config::Config;
use crate::record::{ConsentRecord, Method};
use crate::time::iso8601;
use kloudconsent_json::{string_array, ObjectWriter};

/// The state handed to the page: `get()`'s result and every event's `detail`
/// (contract section 4), plus `"changed"` for change events. `"null"` while
/// undecided. Categories are every config category in config order.
pub fn state_json(c: &Consent, config: &Config, changed: Option<&[String]>) -> String {
    let mut w = ObjectWriter::new();
    w.raw("categories", &c.grants(config).to_json());
    match c {
        Consent::Undecided => return String::from("null"),
        Consent::Signal => {
            w.str("method", Method::Signal.as_str())
                .num("revision", config.revision)
                .null("decidedAt")
                .null("expiresAt")
                .null("id");
        }
        Consent::Stored(r) => {
            w.str("method", r.method.as_str())
                .num("revision", r.revision)
                .str("decidedAt", &iso8601(r.decided_at_ms))
                .str("expiresAt", &iso8601(r.expires_at_ms))
                .str("id", &r.id);
        }
    }
    if let Some(ids) = changed {
        w.raw("changed", &string_array(ids));
    }
    w.finish()
}

/// The receipt POSTed to `receiptUrl`. `origin` is the page's origin
/// (`location.origin`, which the browser layer passes): the site where
/// consent was given. Never the rest of the page URL: a path, query or
/// fragment can carry personal data (`/users/jane.doe`, `?email=`, tokens).
pub fn receipt_json(r: &ConsentRecord, origin: &str) -> String {
    ObjectWriter::new()
        .str("id", &r.id)
        .str("decidedAt", &iso8601(r.decided_at_ms))
        .str("expiresAt", &iso8601(r.expires_at_ms))
        .raw("categories", &r.categories.to_json())
        .num("revision", r.revision)
        .str("method", r.method.as_str())
        .str("url", origin)
        .finish()
}
