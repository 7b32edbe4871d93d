//! The config's keys, one declaration each: what a site may write, what it
//! must look like, and where it goes in [`Config`].
//!
//! Every key is optional and a missing key keeps its default, so
//! `{"revision": 2}` is a complete config. Unknown keys are ignored (a newer
//! config may be served to an older widget), but a *known* key with a wrong
//! value is an error rather than a silent default: a typo in a privacy
//! setting should be loud.

use super::field::{ConfigError, Field, Result};
use super::translations::{texts_of, translations};
use super::{Config, ConsentModeConfig, Dir, Layout, RegionDefault, ThemeMode, REOPEN_POSITIONS};
use crate::category::{self, Category, Service, TABLE_ROW};
use crate::consent_mode::SIGNALS;
use crate::record::{MAX_CATEGORIES, MAX_ID_BYTES};
use crate::text::{all_bytes, cat, join, uint};
use kloudconsent_json::{ArrayWriter, Json, Kind, Value};

/// Parses a site config from its text (host side: this crate's own JSON
/// reader; the wasm core hands [`parse_value`] what the browser's
/// `JSON.parse` returned instead).
pub fn parse(text: &str) -> std::result::Result<Config, ConfigError> {
    let value = Json::parse(text)
        .map_err(|e| ConfigError::whole(cat(&["config is not valid JSON: ", &e.to_string()])))?;
    parse_value(value)
}

/// Reads a parsed config. Missing keys take the built-in default; the first
/// invalid field found is the error.
pub fn parse_value<V: Value>(value: V) -> std::result::Result<Config, ConfigError> {
    read(value).map_err(|e| *e)
}

/// [`parse_value`], with the error boxed as every reader here returns it.
fn read<V: Value>(value: V) -> Result<Config> {
    if value.kind() != Kind::Object {
        let got = value.kind().name();
        return Err(Box::new(ConfigError::whole(cat(&[
            "config must be a JSON object, got ",
            got,
        ]))));
    }
    let top = Field::root(value);
    let mut c = Config::default_policy();
    if let Some(f) = top.key("revision") {
        c.revision = f.whole(0, u32::MAX)?;
    }
    if let Some(f) = top.key("expiresAfterDays") {
        c.expires_after_days = f.whole(1, 3650)?;
    }
    if let Some(f) = top.key("categories") {
        c.categories = categories(&f)?;
        c.builtin_categories = false;
    }
    if let Some(f) = top.key("cookie") {
        if let Some(domain) = f.object()?.key("domain") {
            c.cookie_domain = Some(checked(
                &domain,
                is_cookie_domain,
                "a domain such as \".kloudstack.com.au\"",
            )?);
        }
    }
    if let Some(f) = top.key("signals") {
        if let Some(show) = f.object()?.key("showBanner") {
            c.signals_show_banner = show.boolean()?;
        }
    }
    if let Some(f) = top.key("googleConsentMode") {
        c.consent_mode = consent_mode(&f)?;
    }
    if let Some(f) = top.key("receiptUrl") {
        c.receipt_url = Some(url(&f)?);
    }
    if let Some(f) = top.key("texts") {
        texts(&mut c, &f)?;
    }
    if let Some(f) = top.key("language") {
        c.auto_language = f.string()? == "auto";
        c.lang = if c.auto_language {
            "en".into()
        } else {
            checked(
                &f,
                is_language_tag,
                "\"auto\" or a language tag such as \"en-AU\"",
            )?
        };
    }
    if let Some(f) = top.key("fallbackLanguage") {
        let fallback = checked(
            &f,
            |s| s != "auto" && is_language_tag(s),
            "a language tag such as \"en\"",
        )?;
        if c.auto_language {
            c.lang = fallback;
        }
    }
    if let Some(f) = top.key("translations") {
        c.translations = translations(&f, &c.categories)?;
    }
    if let Some(f) = top.key("dir") {
        c.dir = [Dir::Ltr, Dir::Rtl][f.one_of(&["ltr", "rtl"])?];
        c.dir_given = true;
    }
    if let Some(f) = top.key("theme") {
        let themes = [ThemeMode::Auto, ThemeMode::Light, ThemeMode::Dark];
        c.theme = themes[f.one_of(&["auto", "light", "dark"])?];
    }
    if let Some(f) = top.key("layout") {
        c.layout = [Layout::Bar, Layout::Box][f.one_of(&["bar", "box"])?];
    }
    if let Some(f) = top.key("reopenButton") {
        reopen_button(&mut c, &f)?;
    }
    Ok(c)
}

/// A string that passes `valid`; `expected` describes a good one.
fn checked<V: Value>(f: &Field<'_, V>, valid: fn(&str) -> bool, expected: &str) -> Result<String> {
    let s = f.string()?;
    if valid(&s) {
        Ok(s)
    } else {
        Err(f.unexpected(expected))
    }
}

/// A link the widget may put in an `href` or `fetch`.
fn url<V: Value>(f: &Field<'_, V>) -> Result<String> {
    checked(
        f,
        is_safe_url,
        "a link starting with https://, http:// or / (a path on this site), without spaces, at most 2048 bytes",
    )
}

/// Whether `s` is an absolute http(s) URL or a path on this site, with no
/// spaces or control characters (which browsers strip, hiding the real
/// scheme). Anything else (`javascript:`, `data:`) is refused, because a
/// config may come from a URL an attacker can influence.
///
/// `//host/x` and `/\host/x` are not paths on this site: browsers read both
/// as another host (a backslash counts as a slash in http(s) URLs), so they
/// are refused; a link to another host is written with its scheme.
pub fn is_safe_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let site_path = s.starts_with('/') && !matches!(s.as_bytes().get(1), Some(b'/' | b'\\'));
    let scheme_ok = (lower.starts_with("https://") && s.len() > 8)
        || (lower.starts_with("http://") && s.len() > 7)
        || site_path;
    scheme_ok && s.len() <= 2048 && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

// ---- categories ------------------------------------------------------------

fn categories<V: Value>(f: &Field<'_, V>) -> Result<Vec<Category>> {
    let count = f.item_count();
    if count > MAX_CATEGORIES {
        let max = uint(MAX_CATEGORIES as u64);
        return Err(f.fail(cat(&[
            "lists ",
            &uint(count as u64),
            " categories; at most ",
            &max,
            " are supported",
        ])));
    }
    let mut list = Vec::new();
    f.visit(&mut |item| {
        list.push(category(item)?);
        Ok(())
    })?;
    if list.is_empty() {
        return Err(f.fail("must list at least one category".into()));
    }
    let mut ids = Vec::new();
    for c in &list {
        ids.push(c.id.as_str());
    }
    unique(f, &ids, "categories[")?;
    // Every id of a decision, as a JSON key with its value (`"id":false,`):
    // bounded so that the stored record and the receipt stay within their
    // limits whatever ids a config uses.
    let mut bytes = 0;
    for c in &list {
        bytes += c.id.len() + 9;
        for s in &c.services {
            bytes += s.id.len() + 9;
        }
    }
    if bytes > MAX_ID_BYTES {
        let problem = cat(&[
            "the category and service ids together take ",
            &uint(bytes as u64),
            " bytes in the stored decision; at most ",
            &uint(MAX_ID_BYTES as u64),
            " fit (use fewer or shorter ids)",
        ]);
        return Err(f.fail(problem));
    }
    Ok(list)
}

/// What categories and services share, in their order: the id (after
/// `prefix`), label, description, and the cookies to delete (by default
/// when `optional`) with the cookie table. One reader for both keeps every
/// page's wasm from carrying two copies of it.
/// What a category or service id must be ([`category::is_valid_id`]),
/// written out once rather than put together for every entry read.
pub(super) const ID_EXPECTED: &str = "1 to 40 letters, digits, `_` or `-`";

type Entry = (String, String, String, Vec<String>, String);

fn entry<V: Value>(f: &Field<'_, V>, prefix: &str, optional: bool) -> Result<Entry> {
    f.object()?;
    let id = checked(
        &f.required("id", "a string")?,
        category::is_valid_id,
        ID_EXPECTED,
    )?;
    let label = f.required("label", "a string")?.text()?;
    let description = optional_string(f, "description")?;
    let (cookies, table) = match f.key("cookies") {
        Some(k) => cookies(&k, optional)?,
        None => (Vec::new(), String::new()),
    };
    Ok((cat(&[prefix, &id]), label, description, cookies, table))
}

/// Member `key` as a string; empty when not given.
fn optional_string<V: Value>(f: &Field<'_, V>, key: &str) -> Result<String> {
    match f.key(key) {
        Some(value) => value.string(),
        None => Ok(String::new()),
    }
}

fn category<V: Value>(f: &Field<'_, V>) -> Result<Category> {
    let required = match f.key("required") {
        Some(r) => r.boolean()?,
        None => false,
    };
    let (id, label, description, cookies, table) = entry(f, "", !required)?;
    let mut c = Category {
        id,
        label,
        description,
        required,
        providers: Vec::new(),
        cookies,
        table,
        services: Vec::new(),
    };
    if let Some(p) = f.key("providers") {
        c.providers = p.strings(|_| true, "a string")?;
    }
    if let Some(list) = f.key("services") {
        let prefix = cat(&[&c.id, "."]);
        list.visit(&mut |item| {
            c.services.push(service(item, &prefix, !required)?);
            Ok(())
        })?;
        let mut ids = Vec::new();
        for s in &c.services {
            ids.push(&s.id[prefix.len()..]);
        }
        unique(&list, &ids, "services[")?;
    }
    Ok(c)
}

/// The error for the first of `ids` (the items of `list`, in order) that
/// repeats an earlier one, at `<list>[i].id`: `duplicate id "x", already
/// used by <name><first>]`. One check for categories and services.
fn unique<V: Value>(list: &Field<'_, V>, ids: &[&str], name: &str) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        if let Some(first) = ids[..i].iter().position(|o| o == id) {
            let mut e = list.fail(cat(&[
                "duplicate id ",
                &kloudconsent_json::shown(id),
                ", already used by ",
                name,
                &uint(first as u64),
                "]",
            ]));
            e.field = cat(&[&e.field, "[", &uint(i as u64), "].id"]);
            return Err(e);
        }
    }
    Ok(())
}

/// One service of a category; `prefix` is `"<category id>."`.
fn service<V: Value>(f: &Field<'_, V>, prefix: &str, optional: bool) -> Result<Service> {
    let (id, label, description, cookies, table) = entry(f, prefix, optional)?;
    let provider = optional_string(f, "provider")?;
    let signals = match f.key("googleConsentMode") {
        Some(g) => g.strings(
            |s| SIGNALS.contains(&s),
            &cat(&["one of ", &join(&SIGNALS, ", ")]),
        )?,
        None => Vec::new(),
    };
    Ok(Service {
        id,
        label,
        description,
        provider,
        cookies,
        table,
        signals,
    })
}

/// A `cookies` list: strings (a cookie name or `prefix*`, deleted on
/// revoke) and objects (rows of the cookie table, deleted on revoke when
/// `delete` says so; by default when `optional`). The patterns in order
/// (`=` before one that is kept), and the rows as the table's JSON
/// (`Category::table`).
fn cookies<V: Value>(f: &Field<'_, V>, optional: bool) -> Result<(Vec<String>, String)> {
    let expected = "a cookie name, optionally ending in `*` for a prefix";
    let (mut delete, mut rows) = (Vec::new(), Vec::new());
    f.visit(&mut |item| {
        if item.string().is_ok() {
            delete.push(checked(item, is_cookie_pattern, expected)?);
            return Ok(());
        }
        if item.object().is_err() {
            return Err(item.wrong("a cookie name or an object with a \"name\""));
        }
        let name = checked(
            &item.required("name", "a cookie name")?,
            is_cookie_pattern,
            expected,
        )?;
        let mut row = ArrayWriter::new();
        row.str(&name);
        for key in &TABLE_ROW[1..] {
            let text = match item.key(key) {
                Some(text) => text.string()?,
                None => String::new(),
            };
            row.str(&text);
        }
        let deleted = match item.key("delete") {
            Some(d) => d.boolean()?,
            None => optional,
        };
        // A row kept on refusal is listed as `=name`: no other category's
        // pattern deletes it either (`decision::cookies_to_delete`).
        delete.push(match deleted {
            true => name,
            false => cat(&["=", &name]),
        });
        rows.push(row.finish());
        Ok(())
    })?;
    let table = match rows.is_empty() {
        true => String::new(),
        false => cat(&["[", &join(&rows, ","), "]"]),
    };
    Ok((delete, table))
}

/// A cookie name, or a prefix ending in `*`. A bare `*` is refused: it would
/// mean "delete every cookie", the consent cookie included.
fn is_cookie_pattern(s: &str) -> bool {
    let name = s.strip_suffix('*').unwrap_or(s);
    !name.is_empty() && name.len() <= 200 && all_bytes(name, is_cookie_name_byte)
}

/// RFC 6265 cookie-name (token) characters.
fn is_cookie_name_byte(b: u8) -> bool {
    b.is_ascii_graphic() && crate::text::find_byte("()<>@,;:\\\"/[]?={}*", b).is_none()
}

/// A host name of `[A-Za-z0-9-]` labels, optionally starting with a dot.
fn is_cookie_domain(s: &str) -> bool {
    let host = s.strip_prefix('.').unwrap_or(s);
    !host.is_empty()
        && host.len() <= 253
        && crate::text::split(host, b'.').all(|label| {
            !label.is_empty() && all_bytes(label, |b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

// ---- Google Consent Mode ---------------------------------------------------

/// The largest accepted `wait_for_update`: a minute is already far longer
/// than any tag should wait.
pub const MAX_WAIT_FOR_UPDATE_MS: u32 = 60_000;

fn consent_mode<V: Value>(f: &Field<'_, V>) -> Result<Option<ConsentModeConfig>> {
    if let Ok(on) = f.boolean() {
        return Ok(on.then(ConsentModeConfig::default));
    }
    if f.object().is_err() {
        return Err(f.wrong("true, false or an object"));
    }
    let mut cm = ConsentModeConfig::default();
    if let Some(w) = f.key("wait_for_update") {
        cm.wait_for_update_ms = Some(w.whole(0, MAX_WAIT_FOR_UPDATE_MS)?);
    }
    if let Some(r) = f.key("regions") {
        r.visit(&mut |item| {
            cm.regions.push(region(item)?);
            Ok(())
        })?;
    }
    Ok(Some(cm))
}

fn region<V: Value>(f: &Field<'_, V>) -> Result<RegionDefault> {
    f.object()?;
    let codes = f.required("region", "an array of region codes")?;
    let region = codes.strings(
        is_region_code,
        "an ISO 3166 region code such as \"AU\" or \"AU-NSW\"",
    )?;
    if region.is_empty() {
        return Err(codes.fail("must list at least one region code".into()));
    }
    // Other keys are ignored, as everywhere in a config: Google's own
    // region keys (`wait_for_update`) or a signal Consent Mode adds later
    // must not cost the site its whole config (the schema flags typos).
    let mut signals = Vec::new();
    for signal in SIGNALS {
        if let Some(value) = f.key(signal) {
            let granted = value.one_of(&["granted", "denied"])? == 0;
            signals.push((signal.to_owned(), granted));
        }
    }
    Ok(RegionDefault { region, signals })
}

/// An ISO 3166-1 alpha-2 code, optionally with a 3166-2 subdivision:
/// `AU`, `AU-NSW`, `US-CA`.
fn is_region_code(s: &str) -> bool {
    let (country, subdivision) = match crate::text::split_once(s, b'-') {
        Some((c, sub)) => (c, Some(sub)),
        None => (s, None),
    };
    let country_ok = country.len() == 2 && all_bytes(country, |b| b.is_ascii_uppercase());
    let sub_ok = subdivision.is_none_or(|sub| {
        (1..=3).contains(&sub.len())
            && all_bytes(sub, |b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    country_ok && sub_ok
}

// ---- texts and language ----------------------------------------------------

fn texts<V: Value>(c: &mut Config, f: &Field<'_, V>) -> Result<()> {
    for (key, text) in texts_of(f)? {
        if c.texts.set(key, text) {
            c.texts_given.push(key);
        }
    }
    Ok(())
}

/// The text under `key` of `texts` (or of a translation).
pub(super) fn text<V: Value>(key: &str, value: &Field<'_, V>) -> Result<String> {
    match key {
        "cookiePolicyUrl" | "privacyPolicyUrl" => url(value),
        // Body texts may be left empty on purpose; labels and titles may
        // not, because they are the accessible names of controls.
        "bannerBody" | "prefsBody" | "revisionNotice" => value.string(),
        _ => value.text(),
    }
}

/// `reopenButton`: `true`, `false`, or `{"position": ..., "label": ...}`.
/// The label is the `reopenLabel` text, given here for convenience (and
/// translated, like every text, under `translations`).
fn reopen_button<V: Value>(c: &mut Config, f: &Field<'_, V>) -> Result<()> {
    if let Ok(on) = f.boolean() {
        c.reopen = on.then_some(REOPEN_POSITIONS[0]);
        return Ok(());
    }
    if f.object().is_err() {
        return Err(f.wrong("true, false or an object"));
    }
    c.reopen = Some(REOPEN_POSITIONS[0]);
    if let Some(p) = f.key("position") {
        c.reopen = Some(REOPEN_POSITIONS[p.one_of(&REOPEN_POSITIONS)?]);
    }
    if let Some(label) = f.key("label") {
        c.texts.set("reopenLabel", label.text()?);
        c.texts_given.push("reopenLabel");
    }
    Ok(())
}

/// A BCP 47-like tag: `en`, `en-AU`, `zh-Hant-TW`.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = crate::text::split(s, b'-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && all_bytes(p, |b| b.is_ascii_alphabetic()));
    primary_ok
        && s.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && all_bytes(p, |b| b.is_ascii_alphanumeric()))
}
