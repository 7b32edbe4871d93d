//! What the page is told: the state object of `get()` and every event's
//! `detail` (contract section 4), and the receipt sent to `receiptUrl`.

use super::{Consent, Signals};
use crate::config::Config;
use crate::grants::Grants;
use crate::record::{ConsentRecord, Method};
use crate::time::iso8601;
use kloudconsent_json::{string_array, ObjectWriter};

/// The state handed to the page: `get()`'s result and every event's `detail`
/// (contract section 4), plus `"changed"` for change events (category and
/// service ids). `"null"` while undecided, except in the change event of a
/// decision forgotten (`reset()`, another tab's, an expiry): an object then,
/// with what is in force (required on, optional off), `method` `null` and
/// `changed`, so that a listener reading `detail.categories` or
/// `detail.changed` as for any change keeps working. `categories` holds
/// every config category in config order; when the config has services,
/// `services` holds each by its full id (`{"analytics.ga": true, ...}`).
pub fn state_json(c: &Consent, config: &Config, changed: Option<&[String]>) -> String {
    let mut w = ObjectWriter::new();
    grants_json(&mut w, &c.grants(config), config.has_services());
    // Without a stored decision nothing identifies one: its method (the
    // signal's, or none once forgotten) and the nulls below.
    let method = match c {
        Consent::Undecided if changed.is_none() => return String::from("null"),
        Consent::Undecided => None,
        Consent::Signal => Some(Method::Signal.as_str()),
        Consent::Stored(r) => {
            w.str("method", r.method.as_str())
                .num("revision", r.revision)
                .str("decidedAt", &iso8601(r.decided_at_ms))
                .str("expiresAt", &iso8601(r.expires_at_ms))
                .str("id", &r.id);
            None
        }
    };
    if !c.is_decided() {
        match method {
            Some(m) => w.str("method", m),
            None => w.null("method"),
        }
        .num("revision", config.revision)
        .null("decidedAt")
        .null("expiresAt")
        .null("id");
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
///
/// `services` is there when the decision has service entries. `lang` is the
/// language the widget spoke (`Config::lang`): which wording of the policy
/// the visitor was shown, for a privacy team reading the receipt later.
/// `via` says where the decision was made ([`via`]), and `signal` which
/// privacy signal the browser sent, if any, that the decision overrode
/// (GPC before DNT).
pub fn receipt_json(
    r: &ConsentRecord,
    origin: &str,
    lang: &str,
    via: &str,
    signals: Signals,
) -> String {
    let mut w = ObjectWriter::new();
    w.str("id", &r.id)
        .str("decidedAt", &iso8601(r.decided_at_ms))
        .str("expiresAt", &iso8601(r.expires_at_ms));
    let services = r
        .categories
        .iter()
        .any(|(id, _)| crate::text::find_byte(id, b'.').is_some());
    grants_json(&mut w, &r.categories, services);
    w.num("revision", r.revision)
        .str("method", r.method.as_str())
        .str("url", origin)
        .str("language", lang)
        .str("via", via);
    if signals.gpc || signals.dnt {
        w.str("signal", if signals.gpc { "gpc" } else { "dnt" });
    }
    w.finish()
}

/// The decision in force as the loader's receipt queue needs it at start:
/// `"<id> <decidedAt>"`, empty when none is stored. A receipt kept
/// undelivered for the same id with an older `decidedAt` has been
/// superseded (on a sibling host that shares the consent cookie), and is
/// dropped rather than sent: arriving last, the service would take it as
/// the decision in force (www/hooks.js, `receipt`).
pub fn in_force_key(c: &Consent) -> String {
    match c {
        Consent::Stored(r) => crate::text::cat(&[&r.id, " ", &iso8601(r.decided_at_ms)]),
        _ => String::new(),
    }
}

/// `"categories"` (category ids only) and, when `services`, `"services"`
/// (full service ids) from grants that hold both.
pub(crate) fn grants_json(w: &mut ObjectWriter, grants: &Grants, services: bool) {
    w.raw("categories", &grants.part(false).to_json());
    if services {
        w.raw("services", &grants.part(true).to_json());
    }
}

/// Where a decision was made, as a receipt's `via` says.
pub mod via {
    /// The banner's Accept all or Reject all.
    pub const BANNER: &str = "banner";
    /// The preference tool.
    pub const TOOL: &str = "tool";
    /// The page's own script, through `window.kloudconsent`.
    pub const API: &str = "api";
    /// An embed placeholder's "Allow always".
    pub const EMBED: &str = "embed";
}
