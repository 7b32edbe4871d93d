//! `document.cookie`, read and written. The strings are the domain's
//! (`domain::cookies`); reading and writing can throw (cookies disabled, a
//! sandboxed frame), which turns into empty/`Err` here.

use super::dom;
use kloudconsent_domain::cookies::{line, parent_domains, parse_header};
use web_sys::Document;

fn html_document() -> Option<Document> {
    dom::document()
}

/// `(name, value)` of every cookie visible to the page, in header order.
pub fn all() -> Vec<(String, String)> {
    parse_header(
        &html_document()
            .and_then(|d| dom::cookie(&d).ok())
            .unwrap_or_default(),
    )
}

/// Whether a cookie `name` with this `value` reaches the page (of two with
/// that name, a host-only and a parent-domain one, either will do).
pub fn has(name: &str, value: &str) -> bool {
    all().iter().any(|(n, v)| n == name && v == value)
}

fn is_https() -> bool {
    dom::page_protocol() == "https:"
}

/// Whether the page may try a `Secure` cookie: https, or another secure
/// context such as `http://localhost`, where browsers differ (the caller
/// checks that the cookie stuck).
pub fn is_secure_context() -> bool {
    is_https() || dom::window().is_some_and(|w| w.is_secure_context())
}

/// Writes `name=value` with the contract's attributes.
pub fn write(name: &str, value: &str, max_age_s: i64, domain: Option<&str>) -> Result<(), String> {
    let document = html_document().ok_or("no document")?;
    dom::set_cookie(&document, &line(name, value, max_age_s, domain, is_https()))
        .map_err(super::storage::describe)
}

/// Expires cookie `name` on `domain` (host-only when `None`).
pub fn expire(name: &str, domain: Option<&str>) {
    if let Some(d) = html_document() {
        let _ = dom::set_cookie(&d, &line(name, "", 0, domain, is_https()));
    }
}

/// Expires `name` everywhere the page could have set it: host-only, on this
/// host, on every parent domain of it (analytics tools set their cookies on
/// the registrable domain) and on the configured domain.
pub fn expire_everywhere(name: &str, configured: Option<&str>) {
    expire(name, None);
    let host = dom::page_hostname();
    for domain in &parent_domains(&host) {
        expire(name, Some(domain));
    }
    if let Some(domain) = configured {
        expire(name, Some(domain));
    }
}
