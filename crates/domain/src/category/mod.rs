//! Cookie categories, the services inside them, and the rows of the cookie
//! table that describe what each sets.
//!
//! A category is the unit a visitor grants or refuses; a category may hold
//! services (one tool each, e.g. Google Analytics inside "analytics"), which
//! the visitor may grant one by one. Ids are what pages write in
//! `data-consent="analytics"` or `data-consent="analytics.ga"`, what the
//! stored record keys on and what `window.kloudconsent.accepted(id)` takes,
//! so they are deliberately plain ([`is_valid_id`]): they must survive a
//! cookie value, an HTML attribute and a JSON key without any escaping.

mod defaults;

pub use defaults::{
    builtin_display, builtin_services_of, default_categories, policy_categories, policy_label,
};

/// One consent category as shown in the preference tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// Stable identifier, `[A-Za-z0-9_-]{1,40}` (see [`is_valid_id`]).
    pub id: String,
    /// Display name; also the accessible name of the category's switch.
    pub label: String,
    /// What the cookies are for, in the words of the site's policy (plain text).
    pub description: String,
    /// Required categories are always granted and their switch is locked on:
    /// the site cannot work (or work safely) without them, so asking would be
    /// a false choice.
    pub required: bool,
    /// Who sets or receives these cookies, shown under the description.
    pub providers: Vec<String>,
    /// Cookie names deleted when the category is revoked. A trailing `*` makes
    /// the entry a prefix (`_ga_*` matches `_ga_ABC123`); see [`cookie_matches`].
    /// One starting with `=` (a cookie-table row with `delete: false`) is
    /// never deleted, by this category or another's pattern.
    pub cookies: Vec<String>,
    /// The category's own rows of the cookie table, as the JSON array the
    /// tool model carries (see [`TABLE_ROW`]); empty when there are none.
    /// Display data only: the rules never read it, so every page's core
    /// keeps the validated text it hands the tool, not values it would
    /// have to build, copy and drop.
    pub table: String,
    /// The tools inside the category, each with its own switch. A category
    /// with services is granted exactly when at least one of them is.
    pub services: Vec<Service>,
}

/// One service (tool) inside a category.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// The full id, `<category id>.<service id>` (`analytics.ga`): what
    /// pages, the API and the stored record use.
    pub id: String,
    /// Display name; the accessible name of its switch.
    pub label: String,
    /// What it does (plain text; may be empty).
    pub description: String,
    /// Who runs it (may be empty).
    pub provider: String,
    /// Cookie names or `prefix*` patterns deleted when the service is revoked.
    pub cookies: Vec<String>,
    /// Its rows of the cookie table, as [`Category::table`].
    pub table: String,
    /// The Consent Mode signals (entries of `consent_mode::SIGNALS`) that
    /// follow this service instead of its category.
    pub signals: Vec<String>,
}

/// What a row of a cookie table holds, in [`Category::table`]'s JSON: an
/// array of these four strings in this order (`["_ga","Google",..,..]`:
/// positional, like the rest of the tool model, so no key is written or
/// read), empty where the config says nothing. A duration may say `{days}`: the
/// config's `expiresAfterDays`, filled in for the tool (the widget's own
/// cookie lasts that long).
pub const TABLE_ROW: [&str; 4] = ["name", "provider", "purpose", "duration"];

impl Category {
    /// The service with this full id.
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

/// The longest accepted category or service id (each part of a full service
/// id). Forty characters is ample for a readable id and keeps the consent
/// cookie small.
pub const MAX_ID_LEN: usize = 40;

/// Whether `id` is a valid category or service id: 1 to 40 of
/// `A-Z a-z 0-9 _ -`.
///
/// These characters need no escaping in a cookie, an attribute value or a
/// JSON key, and they cannot contain the `|`, `.` and `:` separators of the
/// stored forms.
pub fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len()) && crate::text::all_bytes(id, is_id_byte)
}

/// Whether `id` is a category id or a full service id (`category.service`),
/// each part valid: what a stored record may hold.
pub fn is_valid_entry_id(id: &str) -> bool {
    match crate::text::split_once(id, b'.') {
        Some((category, service)) => is_valid_id(category) && is_valid_id(service),
        None => is_valid_id(id),
    }
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether cookie `name` is covered by a category's `cookies` entry `pattern`:
/// an exact match, or a prefix match when the pattern ends in `*`.
///
/// A bare `*` matches nothing: deleting every cookie on the site (the consent
/// cookie included) is never what a revoke means.
pub fn cookie_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some("") => false,
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

#[cfg(test)]
mod tests;
