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

mod field;
mod parse;
mod texts;
mod translations;

pub use field::{ConfigError, Field, Result};
pub use parse::{is_language_tag, is_safe_url, parse, parse_value, MAX_WAIT_FOR_UPDATE_MS};
pub use texts::{Texts, TEXT_KEYS};
pub use translations::{translation, Translation};

use crate::category::{policy_categories, Category, Service};

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
    /// The categories are the built-in policy's: their descriptions and
    /// cookie tables are left empty here and the preference tool shows its
    /// own copy (`category::builtin_display`), so that text is not in the
    /// core every page loads. False once a config lists its categories.
    pub builtin_categories: bool,
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
    /// `lang` of the widget's root element. Default `en-AU`. The language
    /// the config's own texts are in; with `"language": "auto"` it is the
    /// `fallbackLanguage` until `crate::language` has chosen the visitor's.
    pub lang: String,
    /// `"language": "auto"`: the visitor's language is chosen from the
    /// page's, the browser's and the translations there are.
    pub auto_language: bool,
    /// The site's own translations (`translations`), in config order.
    pub translations: Vec<Translation>,
    /// The `texts` keys the config gave: in its own language they beat a
    /// built-in translation (which only knows generic wording).
    pub texts_given: Vec<&'static str>,
    /// Text direction of the widget.
    pub dir: Dir,
    /// `dir` was given; otherwise the visitor's language decides it.
    pub dir_given: bool,
    /// Colour scheme.
    pub theme: ThemeMode,
    /// Banner shape.
    pub layout: Layout,
    /// Where the floating button that reopens the preference tool sits;
    /// `None`: no button (the default).
    pub reopen: Option<&'static str>,
}

/// The reopen button's places on the screen (`reopenButton.position`), as
/// the config spells them; also the button's `data-position` (style.css).
/// Strings, not an enum: one more `Field::one_of` instance costs the core
/// ~600 bytes.
pub const REOPEN_POSITIONS: [&str; 4] = ["bottom-left", "bottom-right", "left", "right"];

/// Text direction of the widget (`"ltr"` or `"rtl"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Left to right.
    Ltr,
    /// Right to left (Arabic, Hebrew, ...).
    Rtl,
}

/// Colour scheme: follow the visitor's system setting, or force one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeMode {
    /// The visitor's system setting (`prefers-color-scheme`).
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// A full-width bar along the bottom, or a compact box in a corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A bar along the bottom of the screen.
    Bar,
    /// A card in the bottom corner on the inline-end side.
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
    /// `(signal, granted)` pairs in `consent_mode::SIGNALS` order.
    pub signals: Vec<(String, bool)>,
}

impl Config {
    /// The built-in config: KloudStack's own Cookie Policy.
    pub fn default_policy() -> Config {
        Config {
            revision: 1,
            expires_after_days: 182,
            categories: policy_categories(false),
            builtin_categories: true,
            cookie_domain: None,
            signals_show_banner: false,
            consent_mode: None,
            receipt_url: None,
            texts: Texts::default(),
            lang: String::from("en-AU"),
            auto_language: false,
            translations: Vec::new(),
            texts_given: Vec::new(),
            dir: Dir::Ltr,
            dir_given: false,
            theme: ThemeMode::Auto,
            layout: Layout::Bar,
            reopen: None,
        }
    }

    /// The category with this id, if the config has one.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The service with this full id (`analytics.ga`), and its category.
    pub fn service(&self, id: &str) -> Option<(&Category, &Service)> {
        let (category, _) = crate::text::split_once(id, b'.')?;
        let c = self.category(category)?;
        Some((c, c.service(id)?))
    }

    /// Whether `id` names a category or a service of this config.
    pub fn knows(&self, id: &str) -> bool {
        self.category(id).is_some() || self.service(id).is_some()
    }

    /// The label of the category or service `id`.
    pub fn label(&self, id: &str) -> Option<&str> {
        match self.service(id) {
            Some((_, s)) => Some(&s.label),
            None => self.category(id).map(|c| c.label.as_str()),
        }
    }

    /// Every category id, each followed by its services' ids, in display
    /// order: the entries of a decision.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids = Vec::new();
        for c in &self.categories {
            ids.push(c.id.as_str());
            for s in &c.services {
                ids.push(s.id.as_str());
            }
        }
        ids
    }

    /// Whether any category has services (the page-facing state then
    /// carries a `services` object).
    pub fn has_services(&self) -> bool {
        self.categories.iter().any(|c| !c.services.is_empty())
    }
}

impl Default for Config {
    fn default() -> Config {
        Config::default_policy()
    }
}

#[cfg(test)]
mod services_tests;
#[cfg(test)]
mod tests;
