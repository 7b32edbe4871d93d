//! The site's configuration: built-in defaults, parsing and validation.
//!
//! A site owner writes the config by hand, so every mistake must come back as
//! one message that names the exact field (`categories[1].id`) and says what was
//! expected; the widget then logs it and falls back to the built-in default
//! (contract section 8). Every key is optional and a missing key keeps its
//! default, so `{"revision": 2}` is a complete config. Unknown keys are ignored
//! (a newer config may be served to an older widget), but a *known* key with a
//! wrong value is an error rather than a silent default: a typo in a privacy
//! setting should be loud. A JSON `null` counts as "not given", since many
//! serialisers write absent optional values that way.

use super::category::{self, default_categories, Category};
use super::consent_mode::SIGNALS;
use super::json::{self, Json};
use super::record::MAX_CATEGORIES;
use std::fmt;

/// Everything the widget needs to know about the site.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Bumped by the site when its policy changes materially; decisions made
    /// under a lower revision no longer count. Default 1.
    pub revision: u32,
    /// How long a decision lasts, in days (1..=3650). Default 182 (six months).
    pub expires_after_days: u32,
    /// Display order. Never empty, ids unique, at most [`MAX_CATEGORIES`].
    pub categories: Vec<Category>,
    /// `Domain` attribute of the consent cookie, so a site and its subdomains
    /// share one decision. `None`: a host-only cookie.
    pub cookie_domain: Option<String>,
    /// Show the banner even when Do Not Track / Global Privacy Control applies.
    pub signals_show_banner: bool,
    /// Google Consent Mode v2; `None` when off (the default).
    pub consent_mode: Option<ConsentModeConfig>,
    /// Where each decision is POSTed as a receipt; `None` sends nothing.
    pub receipt_url: Option<String>,
    /// Every visible string.
    pub texts: Texts,
    /// `lang` of the widget's root element. Default `en-AU`.
    pub lang: String,
    /// Text direction of the widget.
    pub dir: Dir,
    /// Colour scheme.
    pub theme: ThemeMode,
    /// Banner shape.
    pub layout: Layout,
}

/// Text direction of the widget (`"ltr"` or `"rtl"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Ltr,
    Rtl,
}

/// Colour scheme: follow the visitor's system setting, or force one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeMode {
    Auto,
    Light,
    Dark,
}

/// A full-width bar along the bottom, or a compact box in a corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Bar,
    Box,
}

impl Dir {
    /// The value for the HTML `dir` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }
}

impl ThemeMode {
    /// The config spelling, also usable as a CSS class or data attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeMode::Auto => "auto",
            ThemeMode::Light => "light",
            ThemeMode::Dark => "dark",
        }
    }
}

impl Layout {
    /// The config spelling, also usable as a CSS class or data attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Bar => "bar",
            Layout::Box => "box",
        }
    }
}

/// Google Consent Mode settings (`"googleConsentMode": true` or an object).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConsentModeConfig {
    /// `wait_for_update` for the default command: how long tags wait for our
    /// update before using the defaults.
    pub wait_for_update_ms: Option<u32>,
    /// Per-region defaults, in config order.
    pub regions: Vec<RegionDefault>,
}

/// Defaults for some regions, e.g. everything granted outside the EEA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionDefault {
    /// ISO 3166-1 / 3166-2 codes such as `"AU"` or `"AU-NSW"`.
    pub region: Vec<String>,
    /// `(signal, granted)` pairs in [`SIGNALS`] order.
    pub signals: Vec<(String, bool)>,
}

/// Every visible string of the widget (plain text; rendered as text, never
/// as markup). Config keys are the camelCase forms of these names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    pub banner_title: String,
    pub banner_body: String,
    pub accept_all: String,
    pub reject_all: String,
    pub manage: String,
    pub prefs_title: String,
    pub prefs_body: String,
    pub save: String,
    pub close: String,
    pub always_on: String,
    pub providers_label: String,
    pub cookie_policy_label: String,
    pub cookie_policy_url: String,
    pub privacy_policy_label: String,
    pub privacy_policy_url: String,
    /// Placeholder text for a blocked embed; `{category}` becomes the
    /// category's label (see [`Texts::placeholder`]).
    pub placeholder_body: String,
    pub allow_once: String,
    pub allow_always: String,
    pub consent_id_label: String,
    pub consent_date_label: String,
}

impl Default for Texts {
    /// KloudStack's own wording (en-AU).
    fn default() -> Texts {
        let s = |t: &str| t.to_owned();
        Texts {
            banner_title: s("We value your privacy"),
            banner_body: s(
                "KloudStack uses cookies to keep the platform secure and working, \
                 and\u{2014}with your permission\u{2014}to understand how it is used and to \
                 improve our marketing. You can change your choice at any time via Manage \
                 Cookie Preferences.",
            ),
            accept_all: s("Accept all"),
            reject_all: s("Reject all"),
            manage: s("Manage preferences"),
            prefs_title: s("Cookie preferences"),
            prefs_body: s(
                "Choose which cookies KloudStack may use. Strictly necessary and \
                 security cookies are always on, because the platform cannot run safely \
                 without them. Your choice applies to this browser and you can change it \
                 at any time.",
            ),
            save: s("Save preferences"),
            close: s("Close"),
            always_on: s("Always on"),
            providers_label: s("Providers"),
            cookie_policy_label: s("Cookie Policy"),
            cookie_policy_url: s("https://kloudstack.com.au/cookie-policy/"),
            privacy_policy_label: s("Privacy Policy"),
            privacy_policy_url: s("https://kloudstack.com.au/privacy-policy/"),
            placeholder_body: s("This content is blocked until you allow {category} cookies."),
            allow_once: s("Allow once"),
            allow_always: s("Allow always"),
            consent_id_label: s("Your consent ID"),
            consent_date_label: s("Decided on"),
        }
    }
}

impl Texts {
    /// The placeholder text for an embed gated on a category with this label.
    pub fn placeholder(&self, category_label: &str) -> String {
        fill(&self.placeholder_body, category_label)
    }
}

/// `body.replace("{category}", label)`, without std's substring searcher
/// (~0.8 KB of wasm for this one use): every `{` is checked for the name.
fn fill(body: &str, label: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("{category}") {
            out.push_str(label);
            rest = after;
        } else {
            out.push('{');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Pairs each config key of the `texts` object with its [`Texts`] field, once,
/// so the key list, the reader and the writer cannot drift apart.
macro_rules! text_keys {
    ($($key:literal => $field:ident),* $(,)?) => {
        /// The config keys of [`Texts`] (inside `"texts": {...}`), in struct order.
        pub const TEXT_KEYS: [&str; 20] = [$($key),*];

        impl Texts {
            /// The text stored under a config key of [`TEXT_KEYS`].
            pub fn get(&self, key: &str) -> Option<&str> {
                match key {
                    $($key => Some(&self.$field),)*
                    _ => None,
                }
            }

            /// The field behind a config key of [`TEXT_KEYS`].
            fn field_mut(&mut self, key: &str) -> Option<&mut String> {
                match key {
                    $($key => Some(&mut self.$field),)*
                    _ => None,
                }
            }
        }
    };
}

text_keys! {
    "bannerTitle" => banner_title,
    "bannerBody" => banner_body,
    "acceptAll" => accept_all,
    "rejectAll" => reject_all,
    "manage" => manage,
    "prefsTitle" => prefs_title,
    "prefsBody" => prefs_body,
    "save" => save,
    "close" => close,
    "alwaysOn" => always_on,
    "providersLabel" => providers_label,
    "cookiePolicyLabel" => cookie_policy_label,
    "cookiePolicyUrl" => cookie_policy_url,
    "privacyPolicyLabel" => privacy_policy_label,
    "privacyPolicyUrl" => privacy_policy_url,
    "placeholderBody" => placeholder_body,
    "allowOnce" => allow_once,
    "allowAlways" => allow_always,
    "consentIdLabel" => consent_id_label,
    "consentDateLabel" => consent_date_label,
}

impl Config {
    /// The built-in config: KloudStack's own Cookie Policy.
    pub fn default_policy() -> Config {
        Config {
            revision: 1,
            expires_after_days: 182,
            categories: default_categories(),
            cookie_domain: None,
            signals_show_banner: false,
            consent_mode: None,
            receipt_url: None,
            texts: Texts::default(),
            lang: String::from("en-AU"),
            dir: Dir::Ltr,
            theme: ThemeMode::Auto,
            layout: Layout::Bar,
        }
    }

    /// The category with this id, if the config has one.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::default_policy()
    }
}

/// Why a config was rejected: the JSON path of the offending field and what
/// was wrong with it. The widget logs it and uses the built-in default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// Path such as `categories[2].label`; empty for problems with the whole
    /// text (invalid JSON, not an object).
    pub field: String,
    /// What was expected and what was found.
    pub problem: String,
}

impl ConfigError {
    fn new(field: impl Into<String>, problem: impl Into<String>) -> ConfigError {
        ConfigError {
            field: field.into(),
            problem: problem.into(),
        }
    }

    fn wrong_type(field: &str, expected: &str, got: &Json) -> ConfigError {
        ConfigError::new(field, format!("expected {expected}, got {}", got.kind()))
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(
                f,
                "kloudconsent: {}; using the built-in default.",
                self.problem
            )
        } else {
            write!(
                f,
                "kloudconsent: config field `{}`: {}; using the built-in default.",
                self.field, self.problem
            )
        }
    }
}

impl std::error::Error for ConfigError {}

type Result<T> = std::result::Result<T, ConfigError>;

/// An object's entries, as borrowed from the parsed JSON.
type Entries = [(String, Json)];

/// Parses a site config. Missing keys take the built-in default; the first
/// invalid field found is returned as the error.
pub fn parse(text: &str) -> Result<Config> {
    let value = Json::parse(text)
        .map_err(|e| ConfigError::new("", format!("config is not valid JSON: {e}")))?;
    let top = value.as_object().ok_or_else(|| {
        ConfigError::new(
            "",
            format!("config must be a JSON object, got {}", value.kind()),
        )
    })?;
    let mut config = Config::default_policy();
    apply_numbers(&mut config, top)?;
    apply_switches(&mut config, top)?;
    apply_presentation(&mut config, top)?;
    Ok(config)
}

fn apply_numbers(config: &mut Config, top: &Entries) -> Result<()> {
    if let Some(v) = given(top, "revision") {
        config.revision = whole_in(v, "revision", 0, u32::MAX)?;
    }
    if let Some(v) = given(top, "expiresAfterDays") {
        config.expires_after_days = whole_in(v, "expiresAfterDays", 1, 3650)?;
    }
    Ok(())
}

fn apply_switches(config: &mut Config, top: &Entries) -> Result<()> {
    if let Some(v) = given(top, "categories") {
        config.categories = parse_categories(v)?;
    }
    if let Some(v) = given(top, "cookie") {
        config.cookie_domain = parse_cookie(v)?;
    }
    if let Some(v) = given(top, "signals") {
        config.signals_show_banner = parse_signals(v)?;
    }
    if let Some(v) = given(top, "googleConsentMode") {
        config.consent_mode = parse_consent_mode(v)?;
    }
    if let Some(v) = given(top, "receiptUrl") {
        config.receipt_url = Some(url(v, "receiptUrl")?.to_owned());
    }
    Ok(())
}

fn apply_presentation(config: &mut Config, top: &Entries) -> Result<()> {
    if let Some(v) = given(top, "texts") {
        apply_texts(&mut config.texts, v)?;
    }
    if let Some(v) = given(top, "language") {
        config.lang = language(v)?.to_owned();
    }
    if let Some(v) = given(top, "dir") {
        config.dir = one_of(v, "dir", &[("ltr", Dir::Ltr), ("rtl", Dir::Rtl)])?;
    }
    if let Some(v) = given(top, "theme") {
        let choices = [
            ("auto", ThemeMode::Auto),
            ("light", ThemeMode::Light),
            ("dark", ThemeMode::Dark),
        ];
        config.theme = one_of(v, "theme", &choices)?;
    }
    if let Some(v) = given(top, "layout") {
        config.layout = one_of(v, "layout", &[("bar", Layout::Bar), ("box", Layout::Box)])?;
    }
    Ok(())
}

// ---- generic field readers -------------------------------------------------

/// The value under `key`, treating an explicit `null` as "not given".
fn given<'a>(entries: &'a Entries, key: &str) -> Option<&'a Json> {
    json::get(entries, key).filter(|v| !matches!(v, Json::Null))
}

/// `parent.key`, or just `key` at the top level.
fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `s` quoted for an error message, shortened so a 10 KB value cannot flood
/// the console.
fn shown(s: &str) -> String {
    const LIMIT: usize = 60;
    match s.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}\u{2026}", json::string(&s[..cut])),
        None => json::string(s),
    }
}

fn string<'a>(v: &'a Json, field: &str) -> Result<&'a str> {
    match v {
        Json::String(s) => Ok(s),
        other => Err(ConfigError::wrong_type(field, "a string", other)),
    }
}

fn non_empty_string<'a>(v: &'a Json, field: &str) -> Result<&'a str> {
    let s = string(v, field)?;
    if s.trim().is_empty() {
        return Err(ConfigError::new(field, "must not be empty"));
    }
    Ok(s)
}

fn boolean(v: &Json, field: &str) -> Result<bool> {
    match v {
        Json::Bool(b) => Ok(*b),
        other => Err(ConfigError::wrong_type(field, "true or false", other)),
    }
}

fn object<'a>(v: &'a Json, field: &str) -> Result<&'a Entries> {
    v.as_object()
        .ok_or_else(|| ConfigError::wrong_type(field, "an object", v))
}

fn array<'a>(v: &'a Json, field: &str) -> Result<&'a [Json]> {
    match v {
        Json::Array(items) => Ok(items),
        other => Err(ConfigError::wrong_type(field, "an array", other)),
    }
}

/// A whole number within `min..=max`.
fn whole_in(v: &Json, field: &str, min: u32, max: u32) -> Result<u32> {
    let expected = format!("a whole number from {min} to {max}");
    let Json::Number(_) = v else {
        return Err(ConfigError::wrong_type(field, &expected, v));
    };
    v.as_whole_number()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            ConfigError::new(
                field,
                format!("expected {expected}, got {}", number_text(v)),
            )
        })
}

/// The number as written back for an error message.
fn number_text(v: &Json) -> String {
    match v {
        Json::Number(n) => n.text(),
        other => other.kind().to_owned(),
    }
}

/// One of a fixed set of strings, mapped to its value.
fn one_of<T: Copy>(v: &Json, field: &str, choices: &[(&str, T)]) -> Result<T> {
    let names: Vec<String> = choices.iter().map(|(n, _)| json::string(n)).collect();
    let expected = format!("one of {}", super::join(&names, ", "));
    let s = match v {
        Json::String(s) => s,
        other => return Err(ConfigError::wrong_type(field, &expected, other)),
    };
    choices
        .iter()
        .find(|(name, _)| name == s)
        .map(|(_, value)| *value)
        .ok_or_else(|| ConfigError::new(field, format!("expected {expected}, got {}", shown(s))))
}

/// An array whose items all pass `check`.
fn list_of(
    v: &Json,
    field: &str,
    check: for<'a> fn(&'a Json, &str) -> Result<&'a str>,
) -> Result<Vec<String>> {
    array(v, field)?
        .iter()
        .enumerate()
        .map(|(i, item)| check(item, &format!("{field}[{i}]")).map(str::to_owned))
        .collect()
}

/// A link the widget may put in an `href` or `fetch`: absolute http(s) or
/// site-relative. Anything else (`javascript:`, `data:`) is refused, because a
/// config may come from a URL an attacker can influence.
fn url<'a>(v: &'a Json, field: &str) -> Result<&'a str> {
    let s = string(v, field)?;
    if is_safe_url(s) {
        Ok(s)
    } else {
        Err(ConfigError::new(
            field,
            format!(
                "expected a link starting with https://, http:// or / (a path on this site), got {}",
                shown(s)
            ),
        ))
    }
}

/// Whether `s` is an absolute http(s) URL or a path on this site, with no
/// spaces or control characters (which browsers strip, hiding the real
/// scheme).
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

fn parse_categories(v: &Json) -> Result<Vec<Category>> {
    let items = array(v, "categories")?;
    if items.is_empty() {
        return Err(ConfigError::new(
            "categories",
            "must list at least one category",
        ));
    }
    if items.len() > MAX_CATEGORIES {
        let problem = format!(
            "lists {} categories; at most {MAX_CATEGORIES} are supported",
            items.len()
        );
        return Err(ConfigError::new("categories", problem));
    }
    let mut out: Vec<Category> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("categories[{i}]");
        let c = parse_category(item, &at)?;
        if let Some(first) = out.iter().position(|o| o.id == c.id) {
            let problem = format!(
                "duplicate id {}, already used by categories[{first}]",
                shown(&c.id)
            );
            return Err(ConfigError::new(path(&at, "id"), problem));
        }
        out.push(c);
    }
    Ok(out)
}

fn parse_category(v: &Json, at: &str) -> Result<Category> {
    let entries = object(v, at)?;
    let required_field = |key: &str| {
        given(entries, key).ok_or_else(|| ConfigError::new(path(at, key), "is required (a string)"))
    };
    let id = category_id(required_field("id")?, &path(at, "id"))?;
    let label = non_empty_string(required_field("label")?, &path(at, "label"))?;
    let optional = |key: &str| given(entries, key).map(|v| (v, path(at, key)));
    Ok(Category {
        id: id.to_owned(),
        label: label.to_owned(),
        description: match optional("description") {
            Some((v, p)) => string(v, &p)?.to_owned(),
            None => String::new(),
        },
        required: match optional("required") {
            Some((v, p)) => boolean(v, &p)?,
            None => false,
        },
        providers: match optional("providers") {
            Some((v, p)) => list_of(v, &p, string)?,
            None => Vec::new(),
        },
        cookies: match optional("cookies") {
            Some((v, p)) => list_of(v, &p, cookie_pattern)?,
            None => Vec::new(),
        },
    })
}

fn category_id<'a>(v: &'a Json, field: &str) -> Result<&'a str> {
    let id = string(v, field)?;
    if category::is_valid_id(id) {
        Ok(id)
    } else {
        let problem = format!(
            "expected 1 to {} letters, digits, `_` or `-`, got {}",
            category::MAX_ID_LEN,
            shown(id)
        );
        Err(ConfigError::new(field, problem))
    }
}

/// A cookie name, or a prefix ending in `*`. A bare `*` is refused: it would
/// mean "delete every cookie", the consent cookie included.
fn cookie_pattern<'a>(v: &'a Json, field: &str) -> Result<&'a str> {
    let s = string(v, field)?;
    let name = s.strip_suffix('*').unwrap_or(s);
    let ok = !name.is_empty() && name.len() <= 200 && name.bytes().all(is_cookie_name_byte);
    if ok {
        Ok(s)
    } else {
        let problem = format!(
            "expected a cookie name, optionally ending in `*` for a prefix, got {}",
            shown(s)
        );
        Err(ConfigError::new(field, problem))
    }
}

/// RFC 6265 cookie-name (token) characters.
fn is_cookie_name_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}*".contains(&b)
}

// ---- cookie, signals, consent mode -----------------------------------------

fn parse_cookie(v: &Json) -> Result<Option<String>> {
    let entries = object(v, "cookie")?;
    let Some(domain) = given(entries, "domain") else {
        return Ok(None);
    };
    let s = string(domain, "cookie.domain")?;
    if is_cookie_domain(s) {
        Ok(Some(s.to_owned()))
    } else {
        let problem = format!(
            "expected a domain such as \".kloudstack.com.au\", got {}",
            shown(s)
        );
        Err(ConfigError::new("cookie.domain", problem))
    }
}

/// A host name of `[A-Za-z0-9-]` labels, optionally starting with a dot.
fn is_cookie_domain(s: &str) -> bool {
    let host = s.strip_prefix('.').unwrap_or(s);
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn parse_signals(v: &Json) -> Result<bool> {
    let entries = object(v, "signals")?;
    match given(entries, "showBanner") {
        Some(show) => boolean(show, "signals.showBanner"),
        None => Ok(false),
    }
}

/// The largest accepted `wait_for_update`: a minute is already far longer
/// than any tag should wait.
pub const MAX_WAIT_FOR_UPDATE_MS: u32 = 60_000;

fn parse_consent_mode(v: &Json) -> Result<Option<ConsentModeConfig>> {
    const FIELD: &str = "googleConsentMode";
    let entries = match v {
        Json::Bool(true) => return Ok(Some(ConsentModeConfig::default())),
        Json::Bool(false) => return Ok(None),
        Json::Object(entries) => entries,
        other => {
            return Err(ConfigError::wrong_type(
                FIELD,
                "true, false or an object",
                other,
            ))
        }
    };
    let wait_for_update_ms = match given(entries, "wait_for_update") {
        Some(w) => Some(whole_in(
            w,
            &path(FIELD, "wait_for_update"),
            0,
            MAX_WAIT_FOR_UPDATE_MS,
        )?),
        None => None,
    };
    let regions = match given(entries, "regions") {
        Some(r) => parse_regions(r, &path(FIELD, "regions"))?,
        None => Vec::new(),
    };
    Ok(Some(ConsentModeConfig {
        wait_for_update_ms,
        regions,
    }))
}

fn parse_regions(v: &Json, field: &str) -> Result<Vec<RegionDefault>> {
    array(v, field)?
        .iter()
        .enumerate()
        .map(|(i, item)| parse_region(item, &format!("{field}[{i}]")))
        .collect()
}

fn parse_region(v: &Json, at: &str) -> Result<RegionDefault> {
    let entries = object(v, at)?;
    let region_field = path(at, "region");
    let codes = given(entries, "region")
        .ok_or_else(|| ConfigError::new(&region_field, "is required (an array of region codes)"))?;
    let region = list_of(codes, &region_field, region_code)?;
    if region.is_empty() {
        return Err(ConfigError::new(
            region_field,
            "must list at least one region code",
        ));
    }
    for (key, _) in entries {
        if key != "region" && !SIGNALS.contains(&key.as_str()) {
            let problem = format!(
                "not a Consent Mode signal; expected one of {}",
                super::join(&SIGNALS, ", ")
            );
            return Err(ConfigError::new(path(at, key), problem));
        }
    }
    let mut signals = Vec::new();
    for signal in SIGNALS {
        if let Some(value) = given(entries, signal) {
            let granted = one_of(
                value,
                &path(at, signal),
                &[("granted", true), ("denied", false)],
            )?;
            signals.push((signal.to_owned(), granted));
        }
    }
    Ok(RegionDefault { region, signals })
}

/// An ISO 3166-1 alpha-2 code, optionally with a 3166-2 subdivision:
/// `AU`, `AU-NSW`, `US-CA`.
fn region_code<'a>(v: &'a Json, field: &str) -> Result<&'a str> {
    let s = string(v, field)?;
    let (country, subdivision) = match s.split_once('-') {
        Some((c, sub)) => (c, Some(sub)),
        None => (s, None),
    };
    let country_ok = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
    let sub_ok = subdivision.is_none_or(|sub| {
        (1..=3).contains(&sub.len())
            && sub
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    if country_ok && sub_ok {
        Ok(s)
    } else {
        let problem = format!(
            "expected an ISO 3166 region code such as \"AU\" or \"AU-NSW\", got {}",
            shown(s)
        );
        Err(ConfigError::new(field, problem))
    }
}

// ---- texts and language ----------------------------------------------------

fn apply_texts(texts: &mut Texts, v: &Json) -> Result<()> {
    let entries = object(v, "texts")?;
    for key in TEXT_KEYS {
        let Some(value) = given(entries, key) else {
            continue;
        };
        let field = path("texts", key);
        let text = match key {
            "cookiePolicyUrl" | "privacyPolicyUrl" => url(value, &field)?,
            // Body texts may be left empty on purpose; labels and titles may
            // not, because they are the accessible names of controls.
            "bannerBody" | "prefsBody" => string(value, &field)?,
            _ => non_empty_string(value, &field)?,
        };
        if let Some(slot) = texts.field_mut(key) {
            *slot = text.to_owned();
        }
    }
    Ok(())
}

/// A BCP 47-like tag: `en`, `en-AU`, `zh-Hant-TW`.
fn language(v: &Json) -> Result<&str> {
    let s = string(v, "language")?;
    let mut parts = s.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok && s.len() <= 35 {
        Ok(s)
    } else {
        Err(ConfigError::new(
            "language",
            format!(
                "expected a language tag such as \"en-AU\", got {}",
                shown(s)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn err(text: &str) -> ConfigError {
        parse(text).expect_err(text)
    }

    fn ok(text: &str) -> Config {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn empty_object_is_the_default_policy() {
        assert_eq!(ok("{}"), Config::default_policy());
        assert_eq!(ok(" {\n} "), Config::default());
    }

    #[test]
    fn default_policy_values() {
        let c = Config::default_policy();
        assert_eq!(c.revision, 1);
        assert_eq!(c.expires_after_days, 182);
        assert_eq!(c.categories, default_categories());
        assert_eq!(c.lang, "en-AU");
        assert_eq!(
            (c.dir, c.theme, c.layout),
            (Dir::Ltr, ThemeMode::Auto, Layout::Bar)
        );
        assert_eq!(
            (c.cookie_domain, c.consent_mode, c.receipt_url),
            (None, None, None)
        );
        assert!(!c.signals_show_banner);
    }

    #[test]
    fn default_texts_are_exact() {
        let t = Texts::default();
        assert_eq!(t.banner_title, "We value your privacy");
        assert!(t
            .banner_body
            .starts_with("KloudStack uses cookies to keep the platform secure"));
        assert!(t.banner_body.ends_with("via Manage Cookie Preferences."));
        assert_eq!(
            [&t.accept_all, &t.reject_all, &t.manage, &t.save, &t.close],
            [
                "Accept all",
                "Reject all",
                "Manage preferences",
                "Save preferences",
                "Close"
            ]
        );
        assert_eq!(t.prefs_title, "Cookie preferences");
        assert_eq!(t.always_on, "Always on");
        assert_eq!(t.providers_label, "Providers");
        assert_eq!(t.cookie_policy_label, "Cookie Policy");
        assert_eq!(
            t.cookie_policy_url,
            "https://kloudstack.com.au/cookie-policy/"
        );
        assert_eq!(t.privacy_policy_label, "Privacy Policy");
        assert_eq!(
            t.privacy_policy_url,
            "https://kloudstack.com.au/privacy-policy/"
        );
        assert_eq!(t.allow_once, "Allow once");
        assert_eq!(t.allow_always, "Allow always");
        assert_eq!(t.consent_id_label, "Your consent ID");
        assert_eq!(t.consent_date_label, "Decided on");
        assert_eq!(
            t.placeholder("Marketing"),
            "This content is blocked until you allow Marketing cookies."
        );
        for key in TEXT_KEYS {
            assert!(!t.get(key).unwrap().is_empty(), "{key}");
        }
        assert_eq!(t.get("nope"), None);
        assert_eq!(t.get("consentDateLabel"), Some("Decided on"));
    }

    #[test]
    fn revision_only_keeps_everything_else() {
        let c = ok(r#"{"revision": 2}"#);
        assert_eq!(c.revision, 2);
        assert_eq!(Config { revision: 1, ..c }, Config::default_policy());
    }

    #[test]
    fn full_config() {
        let c = ok(r#"{
            "revision": 7, "expiresAfterDays": 365,
            "categories": [
              {"id": "necessary", "label": "Needed", "required": true},
              {"id": "analytics", "label": "Stats", "description": "Counts visits.",
               "providers": ["Plausible"], "cookies": ["_pk_*", "_pk_ses"]}
            ],
            "cookie": {"domain": ".kloudstack.com.au"},
            "signals": {"showBanner": true},
            "googleConsentMode": {"wait_for_update": 500,
               "regions": [{"region": ["AU-NSW", "NZ"], "analytics_storage": "granted", "ad_storage": "denied"}]},
            "receiptUrl": "https://example.net/consent-receipts",
            "texts": {"bannerTitle": "Cookies", "cookiePolicyUrl": "/cookies", "bannerBody": ""},
            "language": "en-GB", "dir": "rtl", "theme": "dark", "layout": "box",
            "somethingNew": {"ignored": [1, 2, 3]}
        }"#);
        assert_eq!(c.revision, 7);
        assert_eq!(c.expires_after_days, 365);
        assert_eq!(c.categories.len(), 2);
        assert_eq!(
            c.categories[1],
            Category {
                id: "analytics".into(),
                label: "Stats".into(),
                description: "Counts visits.".into(),
                required: false,
                providers: vec!["Plausible".into()],
                cookies: vec!["_pk_*".into(), "_pk_ses".into()],
            }
        );
        assert!(c.categories[0].required);
        assert_eq!(
            c.categories[0].description, "",
            "no inheritance from the default category"
        );
        assert_eq!(c.cookie_domain.as_deref(), Some(".kloudstack.com.au"));
        assert!(c.signals_show_banner);
        let cm = c.consent_mode.unwrap();
        assert_eq!(cm.wait_for_update_ms, Some(500));
        assert_eq!(
            cm.regions,
            [RegionDefault {
                region: vec!["AU-NSW".into(), "NZ".into()],
                signals: vec![
                    ("ad_storage".into(), false),
                    ("analytics_storage".into(), true)
                ],
            }]
        );
        assert_eq!(
            c.receipt_url.as_deref(),
            Some("https://example.net/consent-receipts")
        );
        assert_eq!(c.texts.banner_title, "Cookies");
        assert_eq!(c.texts.banner_body, "");
        assert_eq!(c.texts.cookie_policy_url, "/cookies");
        assert_eq!(
            c.texts.accept_all, "Accept all",
            "texts not given keep their default"
        );
        assert_eq!(c.lang, "en-GB");
        assert_eq!(
            (c.dir, c.theme, c.layout),
            (Dir::Rtl, ThemeMode::Dark, Layout::Box)
        );
    }

    #[test]
    fn every_text_key_can_be_overridden() {
        for key in TEXT_KEYS {
            let value = if key.ends_with("Url") {
                "https://example.net/x"
            } else {
                "Custom"
            };
            let c = ok(&format!(r#"{{"texts": {{"{key}": "{value}"}}}}"#));
            assert_eq!(c.texts.get(key), Some(value), "{key}");
        }
    }

    #[test]
    fn consent_mode_forms() {
        assert_eq!(
            ok(r#"{"googleConsentMode": true}"#).consent_mode,
            Some(ConsentModeConfig::default())
        );
        assert_eq!(ok(r#"{"googleConsentMode": false}"#).consent_mode, None);
        assert_eq!(
            ok(r#"{"googleConsentMode": {}}"#).consent_mode,
            Some(ConsentModeConfig::default())
        );
    }

    #[test]
    fn null_means_not_given() {
        let c = ok(
            r#"{"revision": null, "receiptUrl": null, "cookie": {"domain": null}, "categories": null}"#,
        );
        assert_eq!(c, Config::default_policy());
    }

    #[test]
    fn whole_floats_are_accepted_for_numbers() {
        assert_eq!(ok(r#"{"expiresAfterDays": 30.0}"#).expires_after_days, 30);
        assert_eq!(ok(r#"{"revision": 4294967295}"#).revision, u32::MAX);
        assert_eq!(ok(r#"{"revision": 0}"#).revision, 0);
    }

    #[test]
    fn bad_configs_name_the_field() {
        let table: &[(&str, &str, &str)] = &[
            // (config, field, problem contains)
            (r#"[]"#, "", "config must be a JSON object, got an array"),
            (r#""x""#, "", "got a string"),
            (r#"null"#, "", "got null"),
            (
                r#"{"revision": "2"}"#,
                "revision",
                "expected a whole number from 0 to 4294967295, got a string",
            ),
            (r#"{"revision": -1}"#, "revision", "got -1"),
            (r#"{"revision": 1.5}"#, "revision", "got 1.5"),
            (r#"{"revision": 4294967296}"#, "revision", "got 4294967296"),
            (
                r#"{"revision": 1e300}"#,
                "revision",
                "expected a whole number from 0 to 4294967295, got 1e300",
            ),
            (
                r#"{"expiresAfterDays": 0}"#,
                "expiresAfterDays",
                "from 1 to 3650, got 0",
            ),
            (
                r#"{"expiresAfterDays": 3651}"#,
                "expiresAfterDays",
                "got 3651",
            ),
            (
                r#"{"expiresAfterDays": true}"#,
                "expiresAfterDays",
                "got a boolean",
            ),
            (
                r#"{"categories": {}}"#,
                "categories",
                "expected an array, got an object",
            ),
            (r#"{"categories": []}"#, "categories", "at least one"),
            (
                r#"{"categories": [1]}"#,
                "categories[0]",
                "expected an object, got a number",
            ),
            (
                r#"{"categories": [{"id":"a","label":"A"}, {"id": 5, "label": "B"}]}"#,
                "categories[1].id",
                "expected a string, got a number",
            ),
            (
                r#"{"categories": [{"label": "A"}]}"#,
                "categories[0].id",
                "is required",
            ),
            (
                r#"{"categories": [{"id": "a"}]}"#,
                "categories[0].label",
                "is required",
            ),
            (
                r#"{"categories": [{"id": "a", "label": " "}]}"#,
                "categories[0].label",
                "must not be empty",
            ),
            (
                r#"{"categories": [{"id": "a b", "label": "A"}]}"#,
                "categories[0].id",
                "letters, digits",
            ),
            (
                r#"{"categories": [{"id": "", "label": "A"}]}"#,
                "categories[0].id",
                "got \"\"",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]}"#,
                "categories[1].id",
                "duplicate id \"a\", already used by categories[0]",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A", "required": "yes"}]}"#,
                "categories[0].required",
                "expected true or false, got a string",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A", "description": 3}]}"#,
                "categories[0].description",
                "got a number",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A", "providers": "Azure"}]}"#,
                "categories[0].providers",
                "expected an array, got a string",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A", "providers": ["x", 2]}]}"#,
                "categories[0].providers[1]",
                "expected a string, got a number",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A", "cookies": ["*"]}]}"#,
                "categories[0].cookies[0]",
                "cookie name",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A", "cookies": ["a b"]}]}"#,
                "categories[0].cookies[0]",
                "cookie name",
            ),
            (
                r#"{"categories": [{"id": "a", "label": "A", "cookies": ["a*b"]}]}"#,
                "categories[0].cookies[0]",
                "cookie name",
            ),
            (r#"{"cookie": "x"}"#, "cookie", "expected an object"),
            (
                r#"{"cookie": {"domain": 1}}"#,
                "cookie.domain",
                "got a number",
            ),
            (
                r#"{"cookie": {"domain": "evil.com; Secure"}}"#,
                "cookie.domain",
                "expected a domain",
            ),
            (
                r#"{"cookie": {"domain": "a..b"}}"#,
                "cookie.domain",
                "expected a domain",
            ),
            (
                r#"{"cookie": {"domain": "."}}"#,
                "cookie.domain",
                "expected a domain",
            ),
            (r#"{"signals": true}"#, "signals", "expected an object"),
            (
                r#"{"signals": {"showBanner": "no"}}"#,
                "signals.showBanner",
                "expected true or false",
            ),
            (
                r#"{"googleConsentMode": "yes"}"#,
                "googleConsentMode",
                "expected true, false or an object, got a string",
            ),
            (
                r#"{"googleConsentMode": {"wait_for_update": -5}}"#,
                "googleConsentMode.wait_for_update",
                "got -5",
            ),
            (
                r#"{"googleConsentMode": {"wait_for_update": 60001}}"#,
                "googleConsentMode.wait_for_update",
                "from 0 to 60000",
            ),
            (
                r#"{"googleConsentMode": {"regions": {}}}"#,
                "googleConsentMode.regions",
                "expected an array",
            ),
            (
                r#"{"googleConsentMode": {"regions": [{"ad_storage": "granted"}]}}"#,
                "googleConsentMode.regions[0].region",
                "is required",
            ),
            (
                r#"{"googleConsentMode": {"regions": [{"region": []}]}}"#,
                "googleConsentMode.regions[0].region",
                "at least one",
            ),
            (
                r#"{"googleConsentMode": {"regions": [{"region": ["australia"]}]}}"#,
                "googleConsentMode.regions[0].region[0]",
                "ISO 3166",
            ),
            (
                r#"{"googleConsentMode": {"regions": [{"region": ["AU-NSWX"]}]}}"#,
                "googleConsentMode.regions[0].region[0]",
                "ISO 3166",
            ),
            (
                r#"{"googleConsentMode": {"regions": [{"region": ["AU"], "ad_strage": "granted"}]}}"#,
                "googleConsentMode.regions[0].ad_strage",
                "not a Consent Mode signal",
            ),
            (
                r#"{"googleConsentMode": {"regions": [{"region": ["AU"], "ad_storage": "yes"}]}}"#,
                "googleConsentMode.regions[0].ad_storage",
                "expected one of \"granted\", \"denied\", got \"yes\"",
            ),
            (
                r#"{"googleConsentMode": {"regions": [{"region": ["AU"], "ad_storage": true}]}}"#,
                "googleConsentMode.regions[0].ad_storage",
                "got a boolean",
            ),
            (
                r#"{"receiptUrl": "javascript:alert(1)"}"#,
                "receiptUrl",
                "expected a link starting with https://, http:// or /",
            ),
            (r#"{"receiptUrl": 1}"#, "receiptUrl", "got a number"),
            (
                r#"{"receiptUrl": "https://"}"#,
                "receiptUrl",
                "expected a link",
            ),
            (r#"{"texts": []}"#, "texts", "expected an object"),
            (
                r#"{"texts": {"acceptAll": 1}}"#,
                "texts.acceptAll",
                "expected a string, got a number",
            ),
            (
                r#"{"texts": {"acceptAll": ""}}"#,
                "texts.acceptAll",
                "must not be empty",
            ),
            (
                r#"{"texts": {"cookiePolicyUrl": "javascript:alert(1)"}}"#,
                "texts.cookiePolicyUrl",
                "expected a link",
            ),
            (
                r#"{"texts": {"privacyPolicyUrl": "data:text/html,x"}}"#,
                "texts.privacyPolicyUrl",
                "expected a link",
            ),
            (
                r#"{"texts": {"privacyPolicyUrl": " java\tscript:x"}}"#,
                "texts.privacyPolicyUrl",
                "expected a link",
            ),
            (
                r#"{"language": "english (australia)"}"#,
                "language",
                "language tag",
            ),
            (r#"{"language": 5}"#, "language", "got a number"),
            (
                r#"{"dir": "up"}"#,
                "dir",
                "expected one of \"ltr\", \"rtl\", got \"up\"",
            ),
            (
                r#"{"theme": "neon"}"#,
                "theme",
                "\"auto\", \"light\", \"dark\"",
            ),
            (r#"{"layout": 1}"#, "layout", "got a number"),
        ];
        for (text, field, problem) in table {
            let e = err(text);
            assert_eq!(e.field, *field, "{text}: {e}");
            assert!(
                e.problem.contains(problem),
                "{text}: {:?} should contain {problem:?}",
                e.problem
            );
        }
    }

    #[test]
    fn syntax_errors_and_garbage() {
        for text in [
            "",
            "garbage",
            "{",
            r#"{"revision": 2"#,
            "{'a': 1}",
            "{\"a\":1,}",
            "{} {}",
            "\u{0}",
            "1e999",
            r#"{"revision": 1e999}"#,
            r#"{"revision": NaN}"#,
        ] {
            let e = err(text);
            assert_eq!(e.field, "", "{text:?}");
            assert!(
                e.problem.starts_with("config is not valid JSON: ")
                    || e.problem.starts_with("config must be a JSON object"),
                "{text:?}: {}",
                e.problem
            );
        }
    }

    #[test]
    fn too_many_categories() {
        let cats: Vec<String> = (0..65)
            .map(|i| format!(r#"{{"id":"c{i}","label":"C"}}"#))
            .collect();
        let e = err(&format!(r#"{{"categories":[{}]}}"#, cats.join(",")));
        assert_eq!(e.field, "categories");
        assert!(e.problem.contains("at most 64"));
        let ok64 = ok(&format!(r#"{{"categories":[{}]}}"#, cats[..64].join(",")));
        assert_eq!(ok64.categories.len(), 64);
    }

    #[test]
    fn huge_values_give_short_messages() {
        let big = "x".repeat(10_000);
        let e = err(&format!(r#"{{"dir": "{big}"}}"#));
        assert!(e.to_string().len() < 300, "{}", e.to_string().len());
        assert!(e.problem.contains('\u{2026}'));
        // A 10 KB text is still a valid text.
        assert_eq!(
            ok(&format!(r#"{{"texts": {{"bannerBody": "{big}"}}}}"#))
                .texts
                .banner_body,
            big
        );
    }

    #[test]
    fn display_format() {
        let e = err(r#"{"categories": [{"id":"a","label":"A"}, {"id": 5}]}"#);
        assert_eq!(
            e.to_string(),
            "kloudconsent: config field `categories[1].id`: expected a string, got a number; using the built-in default."
        );
        let e = err("{");
        assert!(
            e.to_string()
                .starts_with("kloudconsent: config is not valid JSON: "),
            "{e}"
        );
        assert!(e.to_string().ends_with("; using the built-in default."));
    }

    #[test]
    fn safe_urls() {
        for good in [
            "https://a.b/c?d#e",
            "HTTPS://A.B",
            "http://x",
            "/relative",
            "/",
            "/a//b",
        ] {
            assert!(is_safe_url(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:x",
            "data:x",
            "vbscript:x",
            "relative/path",
            "",
            "https://a b",
            "https://a\nb",
            "ftp://x",
            "http://",
            "https:/x",
            // Another host, not a path on this site.
            "//cdn.example.net/x",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn language_tags() {
        for good in ["en", "en-AU", "zh-Hant-TW", "es-419"] {
            assert_eq!(ok(&format!(r#"{{"language":"{good}"}}"#)).lang, good);
        }
        for bad in [
            "",
            "e",
            "en_AU",
            "en-",
            "-AU",
            "123",
            "en-AU-waytoolongsubtag",
        ] {
            assert_eq!(
                err(&format!(r#"{{"language":"{bad}"}}"#)).field,
                "language",
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_keys_are_ignored_everywhere_except_region_signals() {
        let c = ok(
            r#"{"future": 1, "texts": {"newText": 5}, "cookie": {"sameSite": 1}, "signals": {"x": 1},
                     "categories": [{"id": "a", "label": "A", "colour": 7}], "googleConsentMode": {"debug": true}}"#,
        );
        assert_eq!(c.categories[0].id, "a");
    }

    #[test]
    fn fill_is_replace() {
        for body in [
            "",
            "{category}",
            "{{category}}",
            "a {category} b {category}",
            "{categor",
            "{ {category",
            "}{",
            "é{category}é{",
        ] {
            for label in ["", "X", "{category}"] {
                assert_eq!(
                    fill(body, label),
                    body.replace("{category}", label),
                    "{body:?} {label:?}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn fill_is_replace_for_any_text(body in "(\\{|\\}|category|\\{category\\}|[a-zé ]){0,12}", label in "[a-z{}]{0,4}") {
            prop_assert_eq!(fill(&body, &label), body.replace("{category}", &label));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn parse_never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
            let _ = parse(&s);
        }

        #[test]
        fn parse_never_panics_on_json_shaped_text(s in r#"[{}\[\]",:0-9a-zA-Z_ .\-]{0,120}"#) {
            let _ = parse(&s);
        }

        #[test]
        fn parse_never_panics_on_mutated_configs(at in 0usize..400, c in proptest::char::any()) {
            let base = r#"{"revision":3,"expiresAfterDays":30,"categories":[{"id":"necessary","label":"N","required":true,"cookies":["a*"]},{"id":"analytics","label":"A","providers":["x"]}],"cookie":{"domain":".example.com"},"googleConsentMode":{"wait_for_update":500,"regions":[{"region":["AU"],"ad_storage":"granted"}]},"texts":{"acceptAll":"OK"},"dir":"rtl"}"#;
            let mut chars: Vec<char> = base.chars().collect();
            let at = at % chars.len();
            chars[at] = c;
            let s: String = chars.into_iter().collect();
            if let Ok(config) = parse(&s) {
                prop_assert!(!config.categories.is_empty());
            }
        }

        #[test]
        fn valid_categories_round_trip(
            ids in proptest::collection::btree_set("[A-Za-z0-9_-]{1,40}", 1..10),
            required in proptest::collection::vec(any::<bool>(), 10),
        ) {
            let items: Vec<String> = ids.iter().zip(&required)
                .map(|(id, r)| format!(r#"{{"id":"{id}","label":"L {id}","required":{r}}}"#))
                .collect();
            let c = parse(&format!(r#"{{"categories":[{}]}}"#, items.join(","))).unwrap();
            let got: Vec<(String, bool)> = c.categories.iter().map(|c| (c.id.clone(), c.required)).collect();
            let want: Vec<(String, bool)> = ids.iter().cloned().zip(required.iter().copied()).collect();
            prop_assert_eq!(got, want);
        }
    }
}
