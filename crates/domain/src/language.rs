//! Which language the widget speaks to a visitor, and where each of its
//! texts comes from.
//!
//! [`negotiate`] picks the language: the config's `language`, or with
//! `"auto"` the first of the page's `<html lang>`, the browser's languages
//! (`navigator.languages`) and the `fallbackLanguage` that the widget has
//! texts in. A tag matches the same tag, else the same primary language
//! (`de-CH` matches `de`, and `de` matches `de-CH`), ASCII case ignored; the
//! site's own translations and the config's own language are preferred to
//! the built-in translations. It also names the built-in translation to
//! fetch (`i18n/<lang>.json`), unless the texts are English on both sides:
//! English is built into the core, so an English page fetches nothing.
//!
//! [`localize`] then puts the texts in place. For each text, the first that
//! has it wins:
//! 1. the site's translation into that language (`translations`);
//! 2. the config's own `texts` and `categories`, when they are written in
//!    that language (the config's `language`, or its `fallbackLanguage`
//!    with `"auto"`): a site's own wording beats generic wording;
//! 3. the built-in translation (interface strings, generic banner and
//!    category wording);
//! 4. the config's own texts in its own language, then the English
//!    defaults (links, and anything no translation has).
//!
//! Step 2 is why a site that always wrote, say, German `texts` with
//! `"language": "de"` keeps its own words and gets built-in German only for
//! the texts it left out.

use crate::category::policy_label;
use crate::config::{is_language_tag, Config, Dir, Translation};

/// The visitor's language, as [`negotiate`] chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// Its tag: a site translation's, the config's own, or a built-in's.
    pub lang: String,
    /// The built-in translation to fetch (`i18n/<file>.json`), if needed.
    pub builtin: Option<String>,
}

/// Primary languages written right to left.
const RTL: [&str; 12] = [
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi",
];

/// Chooses the visitor's language. `page_lang` is the page's `<html lang>`
/// (may be empty), `browser` the browser's languages in its order, `builtin`
/// the built-in translations there are (`i18n/*.json`).
pub fn negotiate(
    config: &Config,
    page_lang: &str,
    browser: &[&str],
    builtin: &[&str],
) -> Negotiated {
    let source = config.lang.as_str();
    let mut lang = source;
    if config.auto_language {
        let mut own: Vec<&str> = Vec::new();
        for t in &config.translations {
            own.push(&t.lang);
        }
        own.push(source);
        let mut wanted = vec![page_lang];
        wanted.extend_from_slice(browser);
        for w in &wanted {
            let w = w.trim_ascii();
            if !is_language_tag(w) {
                continue;
            }
            if let Some(found) = best(w, &own).or_else(|| best(w, builtin)) {
                lang = found;
                break;
            }
        }
    }
    let english = same_language(lang, "en") && same_language(source, "en");
    Negotiated {
        lang: lang.into(),
        builtin: best(lang, builtin).filter(|_| !english).map(String::from),
    }
}

/// Puts the texts of the language `n` chose in place (in the order of the
/// module docs) and sets `lang` and `dir`. `builtin` is the built-in
/// translation `n.builtin` named, or `None` when there is none or it could
/// not be loaded: then, without a site translation either, the widget
/// stays in the config's own language and says so in `lang`.
pub fn localize(config: &mut Config, n: &Negotiated, builtin: Option<&Translation>) {
    let site = config.translations.iter().position(|t| t.lang == n.lang);
    if let Some(b) = builtin {
        let own = same_language(&config.lang, &n.lang);
        apply(config, b, own, true);
    }
    if let Some(i) = site {
        let t = std::mem::take(&mut config.translations[i]);
        apply(config, &t, false, false);
        config.translations[i] = t;
    }
    if builtin.is_some() || site.is_some() || n.builtin.is_none() {
        config.lang.clone_from(&n.lang);
    }
    if !config.dir_given {
        let primary = primary(&config.lang);
        config.dir = if RTL.iter().any(|r| r.eq_ignore_ascii_case(primary)) {
            Dir::Rtl
        } else {
            Dir::Ltr
        };
    }
}

/// Lays `t` over the config's texts and category strings; with `keep_own`,
/// what the config gave itself stays. A `generic` translation (a built-in
/// one) renames only what is still the built-in policy's own wording: a
/// site's own category that shares an id with one of the policy's
/// (`marketing` labelled "Newsletter open tracking") keeps its words, in
/// its own language; a visitor must never be asked to consent to a name the
/// site did not write.
fn apply(config: &mut Config, t: &Translation, keep_own: bool, generic: bool) {
    for (key, text) in &t.texts {
        if keep_own && config.texts_given.contains(key) {
            continue;
        }
        // An empty notice is the site's "off", whatever the language (the
        // default is never empty).
        if generic && *key == "revisionNotice" && config.texts.revision_notice().is_empty() {
            continue;
        }
        config.texts.set(key, text.clone());
    }
    for (id, label, description) in &t.categories {
        let Some(c) = config.categories.iter_mut().find(|c| c.id == *id) else {
            continue;
        };
        let built_in = !generic || policy_label(id) == Some(c.label.as_str());
        if let Some(l) = label.as_ref().filter(|_| built_in) {
            c.label.clone_from(l);
        }
        if let Some(d) = description
            .as_ref()
            .filter(|_| !generic || c.description.is_empty())
        {
            c.description.clone_from(d);
        }
    }
}

/// The tag of `available` that `wanted` matches: the same tag, else the
/// bare primary language (`de` for `de-AT`), else the first with the same
/// primary language (`de-CH` for `de-AT`); ASCII case ignored.
///
/// Chinese in traditional characters (`zh-TW`, `zh-HK`, `zh-MO`,
/// `zh-Hant`) and in simplified ones are not the same language here: a
/// Taiwanese visitor is not served the simplified built-in `zh`.
fn best<'a>(wanted: &str, available: &[&'a str]) -> Option<&'a str> {
    let (mut bare, mut sibling) = (None, None);
    for a in available {
        if a.eq_ignore_ascii_case(wanted) {
            return Some(a);
        }
        if traditional(a) != traditional(wanted) {
            continue;
        }
        if a.eq_ignore_ascii_case(primary(wanted)) {
            bare = bare.or(Some(*a));
        } else if same_language(a, wanted) {
            sibling = sibling.or(Some(*a));
        }
    }
    bare.or(sibling)
}

/// Whether two tags share their primary language (`de-CH`, `de`).
pub fn same_language(a: &str, b: &str) -> bool {
    primary(a).eq_ignore_ascii_case(primary(b))
}

/// A Chinese tag in traditional characters (by script, or by the regions
/// that write them unless the script says simplified: `zh-Hans-TW`).
fn traditional(tag: &str) -> bool {
    let tag = tag.to_ascii_lowercase();
    let mut subtags = crate::text::split(&tag, b'-');
    subtags.next() == Some("zh")
        && (subtags.take_while(|s| *s != "hans")).any(|s| matches!(s, "hant" | "tw" | "hk" | "mo"))
}

fn primary(tag: &str) -> &str {
    crate::text::split(tag, b'-').next().unwrap_or(tag)
}

#[cfg(test)]
#[path = "language_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "language_builtin_tests.rs"]
mod builtin_tests;
