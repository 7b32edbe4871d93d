//! The two places a decision lives: localStorage and a first-party cookie,
//! behind one small trait (the gloo-storage pattern: one required method per
//! direction, the rest shared). gloo-storage itself is not used: its
//! `LocalStorage::raw()` panics where storage is unavailable.

use super::cookie;
use wasm_bindgen::JsValue;

/// The key and the cookie name of a stored decision (public contract).
pub const KEY: &str = "kloudconsent";

/// Where a decision is persisted.
pub trait Store {
    /// Every value found (a cookie may be present twice: host-only and domain).
    fn read(&self) -> Vec<String>;
    /// Writes `value`; `Err` carries the browser's refusal, for a warning.
    fn write(&self, value: &str, max_age_s: i64) -> Result<(), String>;
    fn clear(&self);
}

/// `localStorage["kloudconsent"]`.
pub struct LocalStore;

impl LocalStore {
    /// `localStorage` itself can throw (sandboxed iframes, blocked storage).
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }
}

impl Store for LocalStore {
    fn read(&self) -> Vec<String> {
        Self::storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .into_iter()
            .collect()
    }

    fn write(&self, value: &str, _max_age_s: i64) -> Result<(), String> {
        let storage = Self::storage().ok_or("localStorage is unavailable")?;
        storage.set_item(KEY, value).map_err(describe)
    }

    fn clear(&self) {
        if let Some(s) = Self::storage() {
            let _ = s.remove_item(KEY);
        }
    }
}

/// The `kloudconsent` cookie, optionally on a parent `Domain`.
pub struct CookieStore {
    pub domain: Option<String>,
}

impl Store for CookieStore {
    fn read(&self) -> Vec<String> {
        cookie::read_all(KEY)
    }

    fn write(&self, value: &str, max_age_s: i64) -> Result<(), String> {
        if self.domain.is_some() {
            // A host-only twin would shadow the shared one on this host.
            cookie::expire(KEY, None);
        }
        cookie::write(KEY, value, max_age_s, self.domain.as_deref())?;
        if cookie::read_all(KEY).iter().any(|v| v == value) {
            Ok(())
        } else {
            Err("the browser refused the cookie".into())
        }
    }

    fn clear(&self) {
        cookie::expire(KEY, None);
        if let Some(domain) = &self.domain {
            cookie::expire(KEY, Some(domain));
        }
    }
}

pub fn describe(error: JsValue) -> String {
    js_sys::Error::from(error)
        .message()
        .as_string()
        .unwrap_or_else(|| "unknown error".into())
}
