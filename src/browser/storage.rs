//! The two places a decision lives: localStorage and a first-party cookie,
//! behind one small trait (the gloo-storage pattern: one required method per
//! direction, the rest shared). gloo-storage itself is not used: its
//! `LocalStorage::raw()` panics where storage is unavailable.

use super::cookie;
use super::dom;
use crate::domain::cookies::host_prefix_guards;
use crate::domain::decision::CookieName;
use crate::domain::record::HOST_COOKIE;
use std::cell::Cell;
use wasm_bindgen::JsValue;

/// The localStorage key of a stored decision, and the cookie's name where
/// `__Host-kloudconsent` is not used (public contract).
pub const KEY: &str = "kloudconsent";

/// Where a decision is persisted.
pub trait Store {
    /// Every value found (a cookie may be present several times: host-only,
    /// domain, and under its old name).
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
        dom::window()?.local_storage().ok().flatten()
    }
}

impl Store for LocalStore {
    fn read(&self) -> Vec<String> {
        match Self::storage().and_then(|s| dom::item(&s, KEY)) {
            Some(value) => vec![value],
            None => Vec::new(),
        }
    }

    /// When the page's own data has filled localStorage, our older value
    /// goes: left there, it would beat the cookie that keeps this decision
    /// on the next page (a cookie never overrides a valid localStorage
    /// record without `cookie.domain`), and a Reject all would be undone.
    /// (A second try in the room freed: +66 B of every page's wasm, and the
    /// next page load writes localStorage again anyway.)
    fn write(&self, value: &str, _max_age_s: i64) -> Result<(), String> {
        let storage = Self::storage().ok_or("localStorage is unavailable")?;
        storage.set_item(KEY, value).map_err(|e| {
            let _ = storage.remove_item(KEY);
            describe(e)
        })
    }

    fn clear(&self) {
        if let Some(s) = Self::storage() {
            let _ = s.remove_item(KEY);
        }
    }
}

/// The consent cookie: `__Host-kloudconsent` where the browser accepts it,
/// no `cookie.domain` is configured and the name keeps other hosts out (not
/// on `localhost` or an IP address), else `kloudconsent`, optionally on a
/// parent `Domain` (docs/stored-decision.md).
pub struct CookieStore {
    pub domain: Option<String>,
}

thread_local! {
    /// The browser refused a `__Host-` cookie on this page (a secure context
    /// on plain http that does not take `Secure` cookies).
    static HOST_REFUSED: Cell<bool> = const { Cell::new(false) };
}

impl CookieStore {
    /// The cookie this page writes.
    pub fn name(&self) -> CookieName {
        if self.domain.is_none()
            && cookie::is_secure_context()
            && !HOST_REFUSED.with(Cell::get)
            && host_prefix_guards(&dom::page_hostname())
        {
            CookieName::Host
        } else {
            CookieName::Plain
        }
    }

    /// Whether another host can set a cookie that reaches this page (a
    /// sibling or parent subdomain; not on `localhost` or an IP address):
    /// then a `kloudconsent` cookie is not this site's word alone
    /// (`decision::load_decoded`).
    pub fn others_can_write(&self) -> bool {
        host_prefix_guards(&dom::page_hostname())
    }

    /// Every consent cookie that reaches the page, as (name, value): the
    /// `__Host-` one, and `kloudconsent` ones (host-only, from before the
    /// `__Host-` name or from plain http, and any parent-`Domain` one).
    pub fn read_named(&self) -> Vec<(String, String)> {
        let mut ours = Vec::new();
        for (name, value) in &cookie::all() {
            if name == KEY || name == HOST_COOKIE {
                ours.push((name.clone(), value.clone()));
            }
        }
        ours
    }

    fn write_as(&self, name: CookieName, value: &str, max_age_s: i64) -> Result<(), String> {
        let domain = self.domain.as_deref().filter(|_| name == CookieName::Plain);
        cookie::write(name.as_str(), value, max_age_s, domain)?;
        if cookie::has(name.as_str(), value) {
            Ok(())
        } else {
            Err("the browser refused the cookie".into())
        }
    }
}

impl Store for CookieStore {
    fn read(&self) -> Vec<String> {
        let mut values = Vec::new();
        for (_, value) in &self.read_named() {
            values.push(value.clone());
        }
        values
    }

    fn write(&self, value: &str, max_age_s: i64) -> Result<(), String> {
        let present = self.read_named();
        let has = |name: &str| present.iter().any(|(n, _)| n == name);
        if self.name() == CookieName::Host {
            if self.write_as(CookieName::Host, value, max_age_s).is_ok() {
                // Migrated: the old host-only cookie goes. (A parent-Domain
                // one is another site's to keep; it no longer counts here.)
                if has(KEY) {
                    cookie::expire(KEY, None);
                }
                return Ok(());
            }
            HOST_REFUSED.with(|r| r.set(true));
        }
        if self.domain.is_some() {
            // A host-only twin would shadow the shared one on this host.
            cookie::expire(KEY, None);
        }
        if has(HOST_COOKIE) {
            cookie::expire(HOST_COOKIE, None);
        }
        self.write_as(CookieName::Plain, value, max_age_s)
    }

    fn clear(&self) {
        // Only a `__Host-` cookie that is there: Firefox logs an error for
        // each one it refuses, which it does on plain http.
        if self.read_named().iter().any(|(n, _)| n == HOST_COOKIE) {
            cookie::expire(HOST_COOKIE, None);
        }
        cookie::expire(KEY, None);
        if let Some(domain) = &self.domain {
            cookie::expire(KEY, Some(domain));
        }
        // A parent domain's cookie (a sibling host's shared decision) counts
        // here once ours are gone (docs/stored-decision.md), and would bring
        // the forgotten decision back on the next page: it goes too. Only
        // when one is left, so no refused attempt is logged otherwise.
        if self.read_named().iter().any(|(n, _)| n == KEY) {
            cookie::expire_everywhere(KEY, None);
        }
    }
}

pub fn describe(error: JsValue) -> String {
    js_sys::Error::from(error)
        .message()
        .as_string()
        .unwrap_or_else(|| "unknown error".into())
}
