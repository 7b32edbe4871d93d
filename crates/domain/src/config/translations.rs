//! Texts in other languages: a site's own `translations` and the widget's
//! built-in `i18n/<lang>.json` files have the same shape and are read by the
//! same code:
//!
//! ```json
//! {"acceptAll": "Alle akzeptieren", ...,
//!  "categories": {"analytics": {"label": "Statistik", "description": "..."}}}
//! ```
//!
//! Which of them a visitor gets, and in which order they win, is
//! `crate::language`'s business.

use super::field::{Field, Result};
use super::parse::{is_language_tag, text};
use super::texts::TEXT_KEYS;
use crate::category::Category;
use crate::text::cat;
use kloudconsent_json::Value;

/// What one translation gives: only the texts and category strings it has
/// (the rest come from elsewhere: see `crate::language`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translation {
    /// The language tag it is written in (as the site spelt it).
    pub lang: String,
    /// `(texts key, text)`; keys of [`TEXT_KEYS`].
    pub texts: Vec<(&'static str, String)>,
    /// `(category id, label, description)`.
    pub categories: Vec<(String, Option<String>, Option<String>)>,
}

/// `translations`: an object from language tags to translations. Its
/// category ids must be the config's own (`categories`, read before).
pub(super) fn translations<V: Value>(
    f: &Field<'_, V>,
    categories: &[Category],
) -> Result<Vec<Translation>> {
    f.object()?;
    let mut out = Vec::new();
    for tag in &f.keys() {
        let Some(entry) = f.key(tag) else { continue };
        if !is_language_tag(tag) {
            return Err(entry.fail(cat(&[
                "expected a language tag such as \"de\" or \"pt-BR\" as the key, got ",
                &kloudconsent_json::shown(tag),
            ])));
        }
        out.push(translation(tag, &entry, Some(categories))?);
    }
    Ok(out)
}

/// One translation into `lang`. `known`: the categories it may name (a
/// site's translation); `None` for a built-in one, which names the default
/// categories and ignores ids a config does not have.
pub fn translation<V: Value>(
    lang: &str,
    f: &Field<'_, V>,
    known: Option<&[Category]>,
) -> Result<Translation> {
    f.object()?;
    let mut t = Translation {
        lang: lang.into(),
        ..Translation::default()
    };
    t.texts = texts_of(f)?;
    let Some(list) = f.key("categories") else {
        return Ok(t);
    };
    list.object()?;
    for id in &list.keys() {
        let Some(entry) = list.key(id) else { continue };
        if known.is_some_and(|k| !k.iter().any(|c| &c.id == id)) {
            return Err(entry.fail("is not the id of one of the config's categories".into()));
        }
        entry.object()?;
        let label = match entry.key("label") {
            Some(l) => Some(l.text()?),
            None => None,
        };
        let description = match entry.key("description") {
            Some(d) => Some(d.string()?),
            None => None,
        };
        t.categories.push((id.clone(), label, description));
    }
    Ok(t)
}

/// The texts an object gives, `(key, text)` for each key of [`TEXT_KEYS`]
/// it has: a translation's, and the config's own `texts` (one reader for
/// both, so every page's wasm has one copy of it).
pub(super) fn texts_of<V: Value>(f: &Field<'_, V>) -> Result<Vec<(&'static str, String)>> {
    f.object()?;
    let mut out = Vec::new();
    for &key in &TEXT_KEYS {
        if let Some(value) = f.key(key) {
            out.push((key, text(key, &value)?));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[path = "translations_tests.rs"]
mod tests;
