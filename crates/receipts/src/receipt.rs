//! The receipt the widget sends for each decision, and its strict reading.
//!
//! Format version 1 (what `navigator.sendBeacon` POSTs, as
//! `text/plain;charset=UTF-8`, at most 4 KB):
//!
//! ```json
//! {"id":"AAECAwQFBgcICQoLDA0ODw","decidedAt":"2026-11-28T12:00:00.000Z",
//!  "expiresAt":"2027-05-29T12:00:00.000Z",
//!  "categories":{"necessary":true,"analytics":false},
//!  "services":{"analytics.matomo":false},
//!  "revision":1,"method":"custom","url":"https://kloudstack.com.au",
//!  "language":"en-AU","via":"banner","signal":"gpc"}
//! ```
//!
//! `services`, `language`, `via` and `signal` are optional (older widgets
//! omit them; `signal` is absent when the browser sent no signal). A body
//! is either exactly this shape with sane values, or it is refused with a
//! [`Rejection`] naming the problem: proof of consent is only worth something
//! if what is stored is what a real widget could have sent.
//!
//! This module has no dependency on the server (no tokio, no sqlx), so the
//! fuzz target builds it alone.

use crate::json::{self, Json};
use crate::time::{iso8601, parse_date, parse_iso8601, DAY_MS};
use std::fmt;

/// Largest body accepted. The widget's largest receipt (64 categories and
/// their services) fits; anything bigger did not come from it.
pub const MAX_BODY_BYTES: usize = 4096;
/// Most categories a receipt may name (the widget's own limit).
pub const MAX_CATEGORIES: usize = 64;
/// Most services a receipt may name.
pub const MAX_SERVICES: usize = 256;
/// Longest category or service id (`[A-Za-z0-9_-]{1,40}`).
pub const MAX_ID_LEN: usize = 40;
/// How far in the future `decidedAt` may lie: the widget itself treats a
/// decision more than a day ahead as tampered with (clocks drift, not by days).
pub const FUTURE_TOLERANCE_MS: i64 = DAY_MS;
/// Longest lifetime of a decision: the widget's `expiresAfterDays` is at most
/// 3650.
pub const MAX_SPAN_MS: i64 = 3650 * DAY_MS;
/// Longest `url` kept; real page origins and paths are far shorter.
pub const MAX_URL_LEN: usize = 2048;
/// Longest `language` tag (RFC 5646 asks implementations to handle 35).
pub const MAX_LANGUAGE_LEN: usize = 35;

/// How the visitor decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The visitor chose Accept all.
    AcceptAll,
    /// The visitor chose Reject all.
    RejectAll,
    /// The visitor saved a choice per category (or service).
    Custom,
}

impl Method {
    /// The method's name as the widget and the API spell it (`accept-all`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::AcceptAll => "accept-all",
            Method::RejectAll => "reject-all",
            Method::Custom => "custom",
        }
    }

    /// The method named `s`, if it is one.
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "accept-all" => Some(Method::AcceptAll),
            "reject-all" => Some(Method::RejectAll),
            "custom" => Some(Method::Custom),
            _ => None,
        }
    }
}

/// Where the visitor (or the page) made the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The banner's buttons.
    Banner,
    /// The preference tool.
    Tool,
    /// The page's own script, through `window.kloudconsent` (acceptAll,
    /// rejectAll, set): the site decided, not a click in the widget.
    Api,
    /// An embed placeholder's "Allow always".
    Embed,
}

impl Via {
    /// The name as the widget spells it (`banner`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Banner => "banner",
            Via::Tool => "tool",
            Via::Api => "api",
            Via::Embed => "embed",
        }
    }

    /// The `via` named `s`, if it is one.
    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "banner" => Some(Via::Banner),
            "tool" => Some(Via::Tool),
            "api" => Some(Via::Api),
            "embed" => Some(Via::Embed),
            _ => None,
        }
    }
}

/// The privacy signal the browser sent when the visitor decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// Global Privacy Control (`Sec-GPC`, `navigator.globalPrivacyControl`).
    Gpc,
    /// Do Not Track.
    Dnt,
}

impl Signal {
    /// The name as the widget spells it (`gpc`, `dnt`).
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::Gpc => "gpc",
            Signal::Dnt => "dnt",
        }
    }

    /// The signal named `s`, if it is one.
    pub fn parse(s: &str) -> Option<Signal> {
        match s {
            "gpc" => Some(Signal::Gpc),
            "dnt" => Some(Signal::Dnt),
            _ => None,
        }
    }
}

/// One decision as the widget reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The consent id: 8 to 64 of `A-Z a-z 0-9 _ -` (the widget makes 22).
    pub id: String,
    /// When the visitor decided, in ms since the Unix epoch.
    pub decided_at_ms: i64,
    /// When the decision expires, in ms since the Unix epoch.
    pub expires_at_ms: i64,
    /// Every category offered, in the order sent.
    pub categories: Vec<(String, bool)>,
    /// `"<category>.<service>"` choices, when the widget sent them.
    pub services: Option<Vec<(String, bool)>>,
    /// The config's policy revision the decision was made under.
    pub revision: u32,
    /// How the visitor decided.
    pub method: Method,
    /// `http(s)://host[:port][/path]`: never a query or fragment.
    pub url: String,
    /// The language the widget spoke (`lang`), when sent.
    pub language: Option<String>,
    /// Where the decision was made, when sent (older widgets do not).
    pub via: Option<Via>,
    /// The privacy signal the browser sent (GPC or DNT), when it sent one.
    pub signal: Option<Signal>,
}

impl Receipt {
    /// The same decision as `other`: every field equal, the categories and
    /// services as sets. Their order is how the config listed them, which a
    /// site may change between a send and its retry; the choices are what a
    /// receipt proves. (Keys are unique: a body with a key twice is refused.)
    pub fn same_decision(&self, other: &Receipt) -> bool {
        fn same_set(a: &[(String, bool)], b: &[(String, bool)]) -> bool {
            a.len() == b.len() && a.iter().all(|choice| b.contains(choice))
        }
        // Named in full, so that a field added later must be weighed here.
        let Receipt {
            id,
            decided_at_ms,
            expires_at_ms,
            categories,
            services,
            revision,
            method,
            url,
            language,
            via,
            signal,
        } = self;
        let services = match (services, &other.services) {
            (Some(a), Some(b)) => same_set(a, b),
            (a, b) => a == b,
        };
        services
            && same_set(categories, &other.categories)
            && *id == other.id
            && *decided_at_ms == other.decided_at_ms
            && *expires_at_ms == other.expires_at_ms
            && *revision == other.revision
            && *method == other.method
            && *url == other.url
            && *language == other.language
            && *via == other.via
            && *signal == other.signal
    }
}

/// Why a body was refused. The label is a metric label; there are few of them
/// on purpose (a metric label per message would be unbounded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The body is larger than the service accepts.
    TooLarge,
    /// The body is not UTF-8.
    NotUtf8,
    /// The body is not JSON.
    NotJson,
    /// The body is JSON but not an object.
    NotObject,
    /// A field the receipt format does not have.
    UnknownField,
    /// The same key twice.
    DuplicateKey,
    /// A required field is missing.
    MissingField,
    /// A field has the wrong type or an invalid value.
    BadField,
    /// A timestamp is not a valid ISO 8601 time, or the times contradict each other.
    BadTime,
}

impl Problem {
    /// Every problem, for metrics that list each label up front.
    pub const ALL: [Problem; 9] = [
        Problem::TooLarge,
        Problem::NotUtf8,
        Problem::NotJson,
        Problem::NotObject,
        Problem::UnknownField,
        Problem::DuplicateKey,
        Problem::MissingField,
        Problem::BadField,
        Problem::BadTime,
    ];

    /// The problem's metric label (`too_large`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Problem::TooLarge => "too_large",
            Problem::NotUtf8 => "not_utf8",
            Problem::NotJson => "not_json",
            Problem::NotObject => "not_object",
            Problem::UnknownField => "unknown_field",
            Problem::DuplicateKey => "duplicate_key",
            Problem::MissingField => "missing_field",
            Problem::BadField => "bad_field",
            Problem::BadTime => "bad_time",
        }
    }
}

/// A refused body: what kind of problem, and a sentence for the sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// What kind of problem (the metric label).
    pub problem: Problem,
    /// The message sent back to the client, naming the field.
    pub message: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rejection {}

fn reject<T>(problem: Problem, message: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection {
        problem,
        message: message.into(),
    })
}

fn bad<T>(message: impl Into<String>) -> Result<T, Rejection> {
    reject(Problem::BadField, message)
}

const FIELDS: [&str; 11] = [
    "id",
    "decidedAt",
    "expiresAt",
    "categories",
    "services",
    "revision",
    "method",
    "url",
    "language",
    "via",
    "signal",
];
const OPTIONAL: [&str; 4] = ["services", "language", "via", "signal"];

/// Earliest plausible `decidedAt` (2020-01-01): before the receipt format
/// existed, so an earlier time is a broken clock or a forgery.
const EARLIEST_DECIDED_AT_MS: i64 = 1_577_836_800_000;

/// Reads and checks one receipt body received at `now_ms` (Unix ms).
pub fn parse(body: &[u8], now_ms: i64) -> Result<Receipt, Rejection> {
    if body.len() > MAX_BODY_BYTES {
        return reject(
            Problem::TooLarge,
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        );
    }
    let text = std::str::from_utf8(body).map_err(|e| Rejection {
        problem: Problem::NotUtf8,
        message: format!(
            "the body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ),
    })?;
    let value = json::parse(text).map_err(|e| Rejection {
        problem: Problem::NotJson,
        message: format!("the body is not JSON: {e}"),
    })?;
    let Json::Object(entries) = value else {
        return reject(
            Problem::NotObject,
            format!("the body must be a JSON object, got {}", value.kind()),
        );
    };
    check_keys(&entries, &FIELDS, "")?;
    for name in FIELDS.iter().filter(|f| !OPTIONAL.contains(f)) {
        if !entries.iter().any(|(k, _)| k == name) {
            return reject(Problem::MissingField, format!("missing `{name}`"));
        }
    }
    let field = |name: &str| entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let required = |name: &str| field(name).expect("checked above");

    let categories = categories(required("categories"))?;
    let receipt = Receipt {
        id: consent_id(required("id"))?,
        decided_at_ms: instant(required("decidedAt"), "decidedAt")?,
        expires_at_ms: instant(required("expiresAt"), "expiresAt")?,
        services: field("services")
            .map(|v| services(v, &categories))
            .transpose()?,
        categories,
        revision: revision(required("revision"))?,
        method: method(required("method"))?,
        url: url(required("url"))?,
        language: field("language").map(language).transpose()?,
        via: field("via").map(via).transpose()?,
        signal: field("signal").map(signal).transpose()?,
    };
    check_times(&receipt, now_ms)?;
    if receipt.method == Method::AcceptAll && receipt.categories.iter().any(|(_, g)| !g) {
        return bad("`method` is accept-all but a category is denied");
    }
    if let Some(services) = &receipt.services {
        check_services_agree(&receipt.categories, services, receipt.method)?;
    }
    Ok(receipt)
}

/// A receipt is proof, so it must not contradict itself. The widget grants
/// a category with services exactly when one of its services is granted
/// (docs/services-and-cookie-table.md), and Accept all grants every
/// service; a receipt saying otherwise did not come from it.
fn check_services_agree(
    categories: &[(String, bool)],
    services: &[(String, bool)],
    method: Method,
) -> Result<(), Rejection> {
    if method == Method::AcceptAll && services.iter().any(|(_, on)| !on) {
        return bad("`method` is accept-all but a service is denied");
    }
    for (category, granted) in categories {
        let mut any = None;
        for (key, on) in services {
            if key.split_once('.').is_some_and(|(c, _)| c == category) {
                any = Some(any.unwrap_or(false) || *on);
            }
        }
        match any {
            Some(true) if !granted => {
                return bad(format!(
                    "category {} is denied but one of its services is granted",
                    quote(category)
                ))
            }
            Some(false) if *granted => {
                return bad(format!(
                    "category {} is granted but none of its services is",
                    quote(category)
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Refuses duplicate keys, then keys outside `allowed` (when not empty).
fn check_keys(entries: &[(String, Json)], allowed: &[&str], within: &str) -> Result<(), Rejection> {
    for (i, (key, _)) in entries.iter().enumerate() {
        if entries[..i].iter().any(|(k, _)| k == key) {
            return reject(
                Problem::DuplicateKey,
                format!("key {} appears twice{within}", quote(key)),
            );
        }
        if !allowed.is_empty() && !allowed.contains(&key.as_str()) {
            return reject(
                Problem::UnknownField,
                format!(
                    "unknown field {} (version 1 has: {})",
                    quote(key),
                    FIELDS.join(", ")
                ),
            );
        }
    }
    Ok(())
}

/// A key from the body, safe to echo in an error message: escaped (no control
/// characters reach a log or a terminal) and cut to 40 characters.
fn quote(key: &str) -> String {
    let mut cut: String = key.chars().take(MAX_ID_LEN).collect();
    if cut.len() < key.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

fn string<'a>(v: &'a Json, name: &str) -> Result<&'a str, Rejection> {
    match v {
        Json::String(s) => Ok(s),
        other => bad(format!("`{name}` must be a string, got {}", other.kind())),
    }
}

/// Whether `s` is a consent id as the widget accepts one in a stored
/// decision: 8 to 64 of `A-Z a-z 0-9 _ -`. The widget makes 22-character
/// ids (16 random bytes in base64url); the range leaves room for ids a site
/// issues from its server, which the widget keeps and sends like its own.
pub fn is_consent_id(s: &str) -> bool {
    (8..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn consent_id(v: &Json) -> Result<String, Rejection> {
    let s = string(v, "id")?;
    if is_consent_id(s) {
        Ok(s.to_owned())
    } else {
        bad("`id` must be a consent id: 8 to 64 letters, digits, `_` or `-`")
    }
}

fn instant(v: &Json, name: &str) -> Result<i64, Rejection> {
    let s = string(v, name)?;
    parse_iso8601(s).map_or_else(
        || {
            bad(format!(
                "`{name}` must be a UTC time like 2026-11-28T12:00:00.000Z"
            ))
        },
        Ok,
    )
}

fn check_times(r: &Receipt, now_ms: i64) -> Result<(), Rejection> {
    let time = |m: String| reject(Problem::BadTime, m);
    if r.decided_at_ms > now_ms.saturating_add(FUTURE_TOLERANCE_MS) {
        return time(format!(
            "`decidedAt` is more than a day after the server's time ({})",
            iso8601(now_ms)
        ));
    }
    if r.decided_at_ms < EARLIEST_DECIDED_AT_MS {
        return time("`decidedAt` is before 2020-01-01".into());
    }
    if r.expires_at_ms <= r.decided_at_ms {
        return time("`expiresAt` must be after `decidedAt`".into());
    }
    if r.expires_at_ms - r.decided_at_ms > MAX_SPAN_MS {
        return time("`expiresAt` is more than 3650 days after `decidedAt`".into());
    }
    Ok(())
}

/// Whether `s` is a category or service id: `[A-Za-z0-9_-]{1,40}`.
pub fn is_id(s: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An object of `id: true|false` entries, checked for duplicates and values.
fn choices(v: &Json, name: &str, max: usize) -> Result<Vec<(String, bool)>, Rejection> {
    let Json::Object(entries) = v else {
        return bad(format!("`{name}` must be an object, got {}", v.kind()));
    };
    check_keys(entries, &[], &format!(" in `{name}`"))?;
    if entries.len() > max {
        return bad(format!("`{name}` has more than {max} entries"));
    }
    entries
        .iter()
        .map(|(key, value)| match value {
            Json::Bool(granted) => Ok((key.clone(), *granted)),
            other => bad(format!(
                "`{name}` values must be true or false, got {} for {}",
                other.kind(),
                quote(key)
            )),
        })
        .collect()
}

fn categories(v: &Json) -> Result<Vec<(String, bool)>, Rejection> {
    let categories = choices(v, "categories", MAX_CATEGORIES)?;
    if categories.is_empty() {
        return bad("`categories` is empty");
    }
    if let Some((key, _)) = categories.iter().find(|(k, _)| !is_id(k)) {
        return bad(format!(
            "category id {} is not 1 to 40 of A-Z a-z 0-9 _ -",
            quote(key)
        ));
    }
    Ok(categories)
}

fn services(v: &Json, categories: &[(String, bool)]) -> Result<Vec<(String, bool)>, Rejection> {
    let services = choices(v, "services", MAX_SERVICES)?;
    for (key, _) in &services {
        let Some((category, _)) = key.split_once('.').filter(|(c, s)| is_id(c) && is_id(s)) else {
            return bad(format!(
                "service key {} is not <category id>.<service id>",
                quote(key)
            ));
        };
        if !categories.iter().any(|(c, _)| c == category) {
            return bad(format!(
                "service {} names a category not in `categories`",
                quote(key)
            ));
        }
    }
    Ok(services)
}

fn revision(v: &Json) -> Result<u32, Rejection> {
    match v {
        // 0 is a revision a site's config may use (the widget accepts it).
        Json::Int(n) if (0..=i128::from(u32::MAX)).contains(n) => Ok(*n as u32),
        _ => bad("`revision` must be a whole number from 0 to 4294967295"),
    }
}

fn method(v: &Json) -> Result<Method, Rejection> {
    Method::parse(string(v, "method")?).map_or_else(
        || bad("`method` must be accept-all, reject-all or custom"),
        Ok,
    )
}

fn via(v: &Json) -> Result<Via, Rejection> {
    Via::parse(string(v, "via")?)
        .map_or_else(|| bad("`via` must be banner, tool, api or embed"), Ok)
}

fn signal(v: &Json) -> Result<Signal, Rejection> {
    Signal::parse(string(v, "signal")?).map_or_else(|| bad("`signal` must be gpc or dnt"), Ok)
}

fn url(v: &Json) -> Result<String, Rejection> {
    let s = string(v, "url")?;
    match check_url(s) {
        Ok(()) => Ok(s.to_owned()),
        Err(why) => bad(format!("`url` {why}")),
    }
}

/// `http(s)://host[:port][/path]`, as a browser serializes `location`: no
/// user name or password, no query, no fragment (they can carry personal
/// data), and only printable ASCII (a browser percent-encodes the rest).
fn check_url(s: &str) -> Result<(), &'static str> {
    if s.len() > MAX_URL_LEN {
        return Err("is longer than 2048 characters");
    }
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    if !s.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err("has spaces, control or non-ASCII characters");
    }
    if s.contains('?') {
        return Err("must not have a query string");
    }
    if s.contains('#') {
        return Err("must not have a fragment");
    }
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err("must not carry a user name or password");
    }
    let (host, port) = split_host_port(authority).ok_or("has a malformed host or port")?;
    if !is_host(host) {
        return Err("must have a host of letters, digits, - and . (or an IP address)");
    }
    if let Some(port) = port {
        let valid = (1..=5).contains(&port.len())
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !valid {
            return Err("has a port that is not 1 to 65535");
        }
    }
    Ok(())
}

/// `host[:port]` or `[v6]:port`, split; `None` when brackets do not close.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, after) = authority.split_at(close + 1);
        return match after {
            "" => Some((host, None)),
            _ => after.strip_prefix(':').map(|port| (host, Some(port))),
        };
    }
    Some(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// A DNS name or IPv4 address (letters, digits, `-`, `.`, starting with a
/// letter or digit), or a bracketed IPv6 address.
fn is_host(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty()
            && v6
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    host.starts_with(|c: char| c.is_ascii_alphanumeric())
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// `language`: a BCP 47 tag as browsers report them (`en`, `en-AU`,
/// `zh-Hant-TW`): a 2 to 8 letter language, then subtags of 1 to 8 letters
/// or digits.
fn language(v: &Json) -> Result<String, Rejection> {
    let s = string(v, "language")?;
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or_default();
    let valid = s.len() <= MAX_LANGUAGE_LEN
        && (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if valid {
        Ok(s.to_owned())
    } else {
        bad("`language` must be a BCP 47 language tag such as en-AU")
    }
}

/// `from`/`to` of an export: a date (`2026-11-01`, its UTC midnight) or a
/// full time (`2026-11-01T09:30:00.000Z`).
pub fn parse_instant(s: &str) -> Option<i64> {
    parse_iso8601(s).or_else(|| parse_date(s.as_bytes()))
}

// ---- writing receipts back out ----------------------------------------------

/// `{"a":true,"b":false}` in the given order. Ids are `[A-Za-z0-9_.-]`, so
/// they need no escaping, but serde_json escapes anyway: the stored text is
/// JSON whatever a future check lets through.
pub fn choices_json(choices: &[(String, bool)]) -> String {
    let mut out = String::from("{");
    for (i, (id, granted)) in choices.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(id).expect("a string serializes"));
        out.push(':');
        out.push_str(if *granted { "true" } else { "false" });
    }
    out.push('}');
    out
}

/// Reads back what [`choices_json`] wrote (from the database).
pub fn parse_choices_json(text: &str) -> Option<Vec<(String, bool)>> {
    match json::parse(text).ok()? {
        Json::Object(entries) => entries
            .into_iter()
            .map(|(k, v)| match v {
                Json::Bool(b) => Some((k, b)),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

impl Receipt {
    /// The receipt in its wire form, fields in the widget's order; with
    /// `received_at_ms`, a `receivedAt` field is added (exports, lookups).
    pub fn to_json(&self, received_at_ms: Option<i64>) -> String {
        let q = |s: &str| serde_json::to_string(s).expect("a string serializes");
        let mut out = format!(
            r#"{{"id":{},"decidedAt":"{}","expiresAt":"{}","categories":{}"#,
            q(&self.id),
            iso8601(self.decided_at_ms),
            iso8601(self.expires_at_ms),
            choices_json(&self.categories)
        );
        if let Some(services) = &self.services {
            out.push_str(&format!(r#","services":{}"#, choices_json(services)));
        }
        out.push_str(&format!(
            r#","revision":{},"method":"{}","url":{}"#,
            self.revision,
            self.method.as_str(),
            q(&self.url)
        ));
        if let Some(language) = &self.language {
            out.push_str(&format!(r#","language":{}"#, q(language)));
        }
        if let Some(via) = self.via {
            out.push_str(&format!(r#","via":"{}""#, via.as_str()));
        }
        if let Some(signal) = self.signal {
            out.push_str(&format!(r#","signal":"{}""#, signal.as_str()));
        }
        if let Some(ms) = received_at_ms {
            out.push_str(&format!(r#","receivedAt":"{}""#, iso8601(ms)));
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_867_200_000; // 2026-11-28T12:00:00.000Z
    /// What the widget's `receipt_json` (crates/domain/src/decision/state.rs) sends today.
    const WIDGET_TODAY: &str = r#"{"id":"AAECAwQFBgcICQoLDA0ODw","decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","categories":{"necessary":true,"analytics":true,"functionality":true,"security":true,"marketing":true},"revision":1,"method":"accept-all","url":"https://kloudstack.com.au/pricing","language":"en-AU","via":"banner"}"#;
    const FULL: &str = r#"{"id":"AAECAwQFBgcICQoLDA0ODw","decidedAt":"2026-11-28T12:00:00.000Z","expiresAt":"2027-05-29T12:00:00.000Z","categories":{"necessary":true,"analytics":false},"services":{"analytics.matomo":false,"necessary.session":true},"revision":3,"method":"custom","url":"https://kloudstack.com.au:8443","language":"en-AU"}"#;

    fn problem(body: &str) -> Problem {
        parse(body.as_bytes(), NOW).expect_err(body).problem
    }

    fn with(field: &str, value: &str) -> String {
        let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(FULL).unwrap();
        v.insert(field.into(), serde_json::from_str(value).unwrap());
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn accept_all_grants_every_category_and_service() {
        let accept = |categories: &str, services: &str| {
            let mut v: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(FULL).unwrap();
            v.insert("method".into(), "accept-all".into());
            v.insert(
                "categories".into(),
                serde_json::from_str(categories).unwrap(),
            );
            v.insert("services".into(), serde_json::from_str(services).unwrap());
            parse(serde_json::to_string(&v).unwrap().as_bytes(), NOW)
        };
        let all = r#"{"necessary":true,"analytics":true}"#;
        assert!(accept(all, r#"{"analytics.matomo":true,"analytics.ga":true}"#).is_ok());
        let e = accept(r#"{"necessary":true,"analytics":false}"#, "{}").unwrap_err();
        assert!(e.message.contains("a category is denied"), "{}", e.message);
        let e = accept(all, r#"{"analytics.matomo":true,"analytics.ga":false}"#).unwrap_err();
        assert!(e.message.contains("a service is denied"), "{}", e.message);
    }

    #[test]
    fn the_same_decision_in_another_order_is_the_same() {
        let full = parse(FULL.as_bytes(), NOW).unwrap();
        let reordered = FULL
            .replace(
                r#"{"necessary":true,"analytics":false}"#,
                r#"{"analytics":false,"necessary":true}"#,
            )
            .replace(
                r#"{"analytics.matomo":false,"necessary.session":true}"#,
                r#"{"necessary.session":true,"analytics.matomo":false}"#,
            );
        assert_ne!(reordered, FULL);
        let reordered = parse(reordered.as_bytes(), NOW).unwrap();
        assert!(full.same_decision(&reordered) && reordered.same_decision(&full));
        let differs = |field: &str, value: &str| {
            let other = parse(with(field, value).as_bytes(), NOW).unwrap();
            !full.same_decision(&other) && !other.same_decision(&full)
        };
        assert!(differs(
            "services",
            r#"{"analytics.matomo":false,"necessary.session":true,"necessary.csrf":true}"#
        ));
        assert!(differs(
            "services",
            r#"{"analytics.matomo":false,"necessary.csrf":true}"#
        ));
        assert!(differs("revision", "4"));
        assert!(differs("language", r#""de""#));
        assert!(differs("url", r#""https://kloudstack.com.au""#));
        assert!(
            differs("via", r#""banner""#),
            "via sent by one, not the other"
        );
        assert!(differs("signal", r#""gpc""#));
        let banner = parse(with("via", r#""banner""#).as_bytes(), NOW).unwrap();
        let tool = parse(with("via", r#""tool""#).as_bytes(), NOW).unwrap();
        assert!(!banner.same_decision(&tool) && !tool.same_decision(&banner));
        let gpc = parse(with("signal", r#""gpc""#).as_bytes(), NOW).unwrap();
        let dnt = parse(with("signal", r#""dnt""#).as_bytes(), NOW).unwrap();
        assert!(!gpc.same_decision(&dnt) && gpc.same_decision(&gpc.clone()));
    }

    #[test]
    fn reads_what_the_widget_sends() {
        let r = parse(WIDGET_TODAY.as_bytes(), NOW).unwrap();
        assert_eq!(r.id, "AAECAwQFBgcICQoLDA0ODw");
        assert_eq!(r.decided_at_ms, NOW);
        assert_eq!(r.categories.len(), 5);
        assert_eq!(
            (r.services.as_ref(), r.language.as_deref()),
            (None, Some("en-AU"))
        );
        assert_eq!((r.via, r.signal), (Some(Via::Banner), None));
        assert_eq!(r.to_json(None), WIDGET_TODAY, "written back byte for byte");

        let full = parse(FULL.as_bytes(), NOW).unwrap();
        assert_eq!(
            full.services.as_ref().unwrap()[0],
            ("analytics.matomo".into(), false)
        );
        assert_eq!(full.language.as_deref(), Some("en-AU"));
        assert_eq!((full.revision, full.method), (3, Method::Custom));
        assert_eq!(full.to_json(None), FULL);
        assert!(full
            .to_json(Some(NOW))
            .ends_with(r#","receivedAt":"2026-11-28T12:00:00.000Z"}"#));
    }

    #[test]
    fn reads_how_the_visitor_decided_and_under_which_signal() {
        // The widget's order: `via` and `signal` after `language`.
        let both = FULL.replace(
            r#""language":"en-AU"}"#,
            r#""language":"en-AU","via":"tool","signal":"gpc"}"#,
        );
        assert_eq!(parse(both.as_bytes(), NOW).unwrap().to_json(None), both);
        for via in ["banner", "tool", "api", "embed"] {
            for signal in [None, Some("gpc"), Some("dnt")] {
                let mut body = with("via", &format!("{via:?}"));
                if let Some(signal) = signal {
                    let mut v: serde_json::Map<String, serde_json::Value> =
                        serde_json::from_str(&body).unwrap();
                    v.insert("signal".into(), signal.into());
                    body = serde_json::to_string(&v).unwrap();
                }
                let written = parse(body.as_bytes(), NOW).expect(&body).to_json(None);
                let tail = match signal {
                    Some(s) => format!(r#","language":"en-AU","via":"{via}","signal":"{s}"}}"#),
                    None => format!(r#","language":"en-AU","via":"{via}"}}"#),
                };
                assert!(written.ends_with(&tail), "{written}");
            }
        }
        // Any key order is read; writing back puts them in the widget's order.
        let shuffled = FULL.replacen("{", r#"{"signal":"dnt","via":"api","#, 1);
        assert!(parse(shuffled.as_bytes(), NOW)
            .unwrap()
            .to_json(Some(NOW))
            .ends_with(r#","language":"en-AU","via":"api","signal":"dnt","receivedAt":"2026-11-28T12:00:00.000Z"}"#));
        // A signal alone (an older widget's `via` is unknown) is kept too.
        let signal_only = FULL.replace(
            r#""language":"en-AU"}"#,
            r#""language":"en-AU","signal":"gpc"}"#,
        );
        assert_eq!(
            parse(signal_only.as_bytes(), NOW).unwrap().to_json(None),
            signal_only
        );
        // An older widget's receipt, with neither, is written back without them.
        assert_eq!(parse(FULL.as_bytes(), NOW).unwrap().to_json(None), FULL);
        let e = parse(FULL.replacen("{", r#"{"how":"banner","#, 1).as_bytes(), NOW).unwrap_err();
        assert!(e.message.contains("language, via, signal)"), "{e}");
    }

    #[test]
    fn accepts_origins_paths_and_addresses() {
        for url in [
            "https://a.b",
            "http://127.0.0.1:8080",
            "https://kloudstack.com.au/pricing/plans",
            "https://[::1]:8443/x",
            "https://xn--bcher-kva.example/%C3%A9",
        ] {
            let body = with("url", &format!("{url:?}"));
            assert!(parse(body.as_bytes(), NOW).is_ok(), "{url}");
        }
    }

    #[test]
    fn refuses_each_bad_field_with_its_reason() {
        let table: &[(&str, &str, Problem, &str)] = &[
            (
                "id",
                r#""short""#,
                Problem::BadField,
                "`id` must be a consent id",
            ),
            (
                "id",
                r#""AAECAwQFBgcICQoLDA0OD=""#,
                Problem::BadField,
                "`id`",
            ),
            (
                "id",
                "7",
                Problem::BadField,
                "`id` must be a string, got a number",
            ),
            (
                "decidedAt",
                r#""2026-11-28T12:00:00Z""#,
                Problem::BadField,
                "`decidedAt` must be a UTC time",
            ),
            (
                "decidedAt",
                r#""2026-11-30T12:00:00.001Z""#,
                Problem::BadTime,
                "more than a day after",
            ),
            (
                "decidedAt",
                r#""2019-12-31T23:59:59.999Z""#,
                Problem::BadTime,
                "before 2020",
            ),
            (
                "expiresAt",
                r#""2026-11-28T12:00:00.000Z""#,
                Problem::BadTime,
                "after `decidedAt`",
            ),
            (
                "expiresAt",
                r#""2036-11-27T12:00:00.000Z""#,
                Problem::BadTime,
                "3650 days",
            ),
            ("categories", "{}", Problem::BadField, "empty"),
            (
                "categories",
                "[]",
                Problem::BadField,
                "must be an object, got an array",
            ),
            (
                "categories",
                r#"{"a b":true}"#,
                Problem::BadField,
                "category id \"a b\"",
            ),
            (
                "categories",
                r#"{"a":1}"#,
                Problem::BadField,
                "true or false, got a number",
            ),
            (
                "services",
                r#"{"analytics":true}"#,
                Problem::BadField,
                "<category id>.<service id>",
            ),
            (
                "services",
                r#"{"ads.x":true}"#,
                Problem::BadField,
                "not in `categories`",
            ),
            (
                "services",
                "null",
                Problem::BadField,
                "must be an object, got null",
            ),
            (
                "services",
                r#"{"analytics.matomo":true,"necessary.session":true}"#,
                Problem::BadField,
                "\"analytics\" is denied but one of its services is granted",
            ),
            (
                "services",
                r#"{"analytics.matomo":false,"necessary.session":false}"#,
                Problem::BadField,
                "\"necessary\" is granted but none of its services is",
            ),
            ("revision", "-1", Problem::BadField, "from 0 to 4294967295"),
            ("revision", "4294967296", Problem::BadField, "from 0"),
            ("revision", "1.0", Problem::BadField, "from 0"),
            ("revision", r#""1""#, Problem::BadField, "from 0"),
            (
                "method",
                r#""signal""#,
                Problem::BadField,
                "accept-all, reject-all or custom",
            ),
            ("url", r#""https://a.b/?q=1""#, Problem::BadField, "query"),
            (
                "url",
                r#""https://a.b/#top""#,
                Problem::BadField,
                "fragment",
            ),
            (
                "url",
                r#""https://me:pw@a.b""#,
                Problem::BadField,
                "user name",
            ),
            (
                "url",
                r#""javascript:alert(1)""#,
                Problem::BadField,
                "https://",
            ),
            ("url", r#""https://a.b/ x""#, Problem::BadField, "spaces"),
            ("url", r#""https://a.b:0""#, Problem::BadField, "port"),
            ("url", r#""https://""#, Problem::BadField, "host"),
            ("language", r#""en_AU""#, Problem::BadField, "BCP 47"),
            ("language", r#""""#, Problem::BadField, "BCP 47"),
            (
                "via",
                r#""widget""#,
                Problem::BadField,
                "`via` must be banner, tool, api or embed",
            ),
            (
                "via",
                r#""Banner""#,
                Problem::BadField,
                "`via` must be banner",
            ),
            ("via", r#""""#, Problem::BadField, "`via` must be banner"),
            (
                "via",
                "null",
                Problem::BadField,
                "`via` must be a string, got null",
            ),
            (
                "signal",
                r#""none""#,
                Problem::BadField,
                "`signal` must be gpc or dnt",
            ),
            (
                "signal",
                r#""gpc,dnt""#,
                Problem::BadField,
                "`signal` must be gpc or dnt",
            ),
            (
                "signal",
                "true",
                Problem::BadField,
                "`signal` must be a string, got",
            ),
        ];
        for (field, value, expected, words) in table {
            let body = with(field, value);
            let e = parse(body.as_bytes(), NOW).expect_err(&body);
            assert_eq!(e.problem, *expected, "{field}={value}: {e}");
            assert!(e.message.contains(words), "{field}={value}: {e}");
        }
    }

    #[test]
    fn refuses_the_shapes_a_widget_never_sends() {
        assert_eq!(problem(&"x".repeat(MAX_BODY_BYTES + 1)), Problem::TooLarge);
        assert_eq!(
            parse(b"{\"id\":\"\xff\"}", NOW).unwrap_err().problem,
            Problem::NotUtf8
        );
        assert_eq!(problem("{\"id\": \"a\u{7}\"}"), Problem::NotJson);
        assert_eq!(problem("[]"), Problem::NotObject);
        assert_eq!(
            problem(&FULL.replacen("{", r#"{"ip":"1.2.3.4","#, 1)),
            Problem::UnknownField
        );
        assert_eq!(
            problem(&FULL.replacen("{", r#"{"revision":2,"#, 1)),
            Problem::DuplicateKey
        );
        assert_eq!(
            problem(&FULL.replacen(
                r#""necessary":true"#,
                r#""necessary":true,"necessary":false"#,
                1
            )),
            Problem::DuplicateKey
        );
        assert_eq!(
            problem(&FULL.replacen(r#""method":"custom","#, "", 1)),
            Problem::MissingField
        );
        let accept_all_denying =
            WIDGET_TODAY.replacen(r#""marketing":true"#, r#""marketing":false"#, 1);
        assert_eq!(problem(&accept_all_denying), Problem::BadField);
        let e = parse(
            FULL.replacen("{", "{\"\\u0000evil\\n\":1,", 1).as_bytes(),
            NOW,
        )
        .unwrap_err();
        assert!(
            e.message.contains(r#""\0evil\n""#),
            "escaped in the message: {e}"
        );
    }

    #[test]
    fn consent_ids_are_what_the_widget_keeps() {
        assert!(is_consent_id("AAAAAAAAAAAAAAAAAAAAAA"));
        assert!(is_consent_id("_____________________w"));
        assert!(is_consent_id("srv-12_ab"), "a server-issued id");
        assert!(is_consent_id(&"a".repeat(64)));
        assert!(!is_consent_id(&"a".repeat(65)));
        assert!(!is_consent_id("short"));
        assert!(!is_consent_id("AAAAAAAAAAAAAAAAAAAA=A"));
        assert!(!is_consent_id("has space in it"));
    }

    #[test]
    fn choices_round_trip_through_the_database_form() {
        let c = vec![("a".to_string(), true), ("b-c_9".to_string(), false)];
        assert_eq!(choices_json(&c), r#"{"a":true,"b-c_9":false}"#);
        assert_eq!(parse_choices_json(&choices_json(&c)), Some(c));
        assert_eq!(parse_choices_json("[1]"), None);
        assert_eq!(parse_instant("2026-11-28"), Some(1_795_824_000_000));
        assert_eq!(parse_instant("2026-11-28T12:00:00.000Z"), Some(NOW));
        assert_eq!(parse_instant("yesterday"), None);
    }
}
