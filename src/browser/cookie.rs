//! `document.cookie`, parsed and written by hand. Reading and writing can
//! throw (cookies disabled, sandboxed frame); both turn into empty/`Err`.

use wasm_bindgen::JsCast;
use web_sys::HtmlDocument;

fn html_document() -> Option<HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<HtmlDocument>()
        .ok()
}

fn raw() -> String {
    html_document()
        .and_then(|d| d.cookie().ok())
        .unwrap_or_default()
}

/// `(name, value)` of every cookie visible to the page, in header order.
pub fn all() -> Vec<(String, String)> {
    parse(&raw())
}

fn parse(header: &str) -> Vec<(String, String)> {
    header
        .split(';')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// Every value of cookie `name` (two when a host-only and a parent-domain
/// cookie of the same name both reach the page).
pub fn read_all(name: &str) -> Vec<String> {
    all()
        .into_iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v)
        .collect()
}

fn is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// Whether the page may try a `Secure` cookie: https, or another secure
/// context such as `http://localhost`, where browsers differ (the caller
/// checks that the cookie stuck).
pub fn is_secure_context() -> bool {
    is_https() || web_sys::window().is_some_and(|w| w.is_secure_context())
}

/// `name=value; <attributes>` with the contract's attributes; `Secure` on
/// https, and always on a `__Host-` cookie (which the browser refuses
/// without it).
fn line(name: &str, value: &str, max_age_s: i64, domain: Option<&str>) -> String {
    let mut cookie = format!("{name}={value}; Path=/; Max-Age={max_age_s}; SameSite=Lax");
    if let Some(domain) = domain {
        cookie.push_str("; Domain=");
        cookie.push_str(domain);
    }
    if is_https() || name.starts_with("__Host-") {
        cookie.push_str("; Secure");
    }
    cookie
}

/// Writes `name=value` with the contract's attributes.
pub fn write(name: &str, value: &str, max_age_s: i64, domain: Option<&str>) -> Result<(), String> {
    let document = html_document().ok_or("no document")?;
    document
        .set_cookie(&line(name, value, max_age_s, domain))
        .map_err(super::storage::describe)
}

/// Expires cookie `name` on `domain` (host-only when `None`).
pub fn expire(name: &str, domain: Option<&str>) {
    if let Some(d) = html_document() {
        let _ = d.set_cookie(&line(name, "", 0, domain));
    }
}

/// Expires `name` everywhere the page could have set it: host-only, on this
/// host, on every parent domain of it (analytics tools set their cookies on
/// the registrable domain) and on the configured domain.
pub fn expire_everywhere(name: &str, configured: Option<&str>) {
    expire(name, None);
    let host = web_sys::window()
        .and_then(|w| w.location().hostname().ok())
        .unwrap_or_default();
    for domain in parent_domains(&host) {
        expire(name, Some(&domain));
    }
    if let Some(domain) = configured {
        expire(name, Some(domain));
    }
}

/// `a.b.example.com` → `a.b.example.com`, `b.example.com`, `example.com`.
fn parent_domains(host: &str) -> Vec<String> {
    if host.is_empty() || is_ip_address(host) {
        return Vec::new();
    }
    // Every suffix that starts at a label and is not the last label alone.
    let mut domains = Vec::new();
    let mut rest = host;
    while let Some(dot) = rest.find('.') {
        domains.push(rest.to_owned());
        rest = &rest[dot + 1..];
    }
    domains
}

/// Whether `location.hostname` is an IP address: browsers give IPv6 in
/// brackets, and a host whose last label is a number is always IPv4 (the URL
/// standard parses it as one). Cheaper than `std::net::IpAddr`'s parser
/// (~1.5 KB of wasm), and exact for what `location.hostname` can hold.
/// The last label is read byte by byte from the end: `rsplit` would ship
/// a 0.8 KB reverse splitter for this one use.
fn is_ip_address(host: &str) -> bool {
    if host.starts_with('[') {
        return true;
    }
    let mut digits = 0;
    for b in host.bytes().rev() {
        if b == b'.' {
            break;
        }
        if !b.is_ascii_digit() {
            return false;
        }
        digits += 1;
    }
    digits > 0
}
