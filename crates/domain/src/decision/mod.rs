//! The rules: which stored decision counts, what a click decides, and what
//! changes when it does.
//!
//! Nothing here touches the browser. The browser layer reads the stores and
//! the privacy signals, calls [`load`] and [`resolve`] to get the [`Consent`]
//! in force, calls [`decide`] when the visitor chooses, and writes out
//! whatever these functions return. Time and the random consent id are
//! arguments, so every rule below is a plain host test. What the page is
//! told (the state object, the receipt) is in `state`.

mod state;

pub use state::{receipt_json, state_json};

use crate::category::cookie_matches;
use crate::config::Config;
use crate::grants::Grants;
use crate::record::{decode_cookie, encode_cookie, ConsentRecord, Method, RecordError, STORAGE_KEY};
use crate::text::{cat, uint};
use crate::time::{DAY_MS, MAX_MS};

/// Browser privacy signals (contract section 5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Signals {
    /// Do Not Track is `"1"`.
    pub dnt: bool,
    /// Global Privacy Control is on.
    pub gpc: bool,
}

impl Signals {
    /// Whether either signal asks us not to track.
    pub fn any(self) -> bool {
        self.dnt || self.gpc
    }
}

/// The consent in force on this page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Consent {
    /// No stored decision and no privacy signal: ask.
    Undecided,
    /// No stored decision, but DNT/GPC is on: optional categories are denied
    /// without asking. Not persisted, so an explicit choice can still win.
    Signal,
    /// A valid stored decision.
    Stored(ConsentRecord),
}

impl Consent {
    /// Whether category `id` of `config` is granted. Required categories always
    /// are; ids the config does not know never are (a category that no longer
    /// exists cannot be consented to). Otherwise: the stored value, with
    /// categories missing from the record (added after the decision) refused.
    pub fn granted(&self, id: &str, config: &Config) -> bool {
        match config.category(id) {
            None => false,
            Some(c) if c.required => true,
            Some(_) => match self {
                Consent::Stored(r) => r.granted(id),
                Consent::Undecided | Consent::Signal => false,
            },
        }
    }

    /// Every config category with its granted state, in config order.
    pub fn grants(&self, config: &Config) -> Grants {
        let mut grants = Grants::new();
        for c in &config.categories {
            grants.set(&c.id, self.granted(&c.id, config));
        }
        grants
    }

    /// Whether the visitor has a stored decision (a signal is not a decision).
    pub fn is_decided(&self) -> bool {
        matches!(self, Consent::Stored(_))
    }

    /// The stored decision, if there is one.
    pub fn record(&self) -> Option<&ConsentRecord> {
        match self {
            Consent::Stored(r) => Some(r),
            Consent::Undecided | Consent::Signal => None,
        }
    }
}

/// The longest a decision may last; matches the config's `expiresAfterDays`
/// limit, so a longer span can only come from an edited value.
pub const MAX_SPAN_MS: i64 = 3650 * DAY_MS;

/// How far in the future `decidedAt` may be before the record counts as
/// tampered: a day absorbs clock skew between devices sharing a cookie domain.
pub const CLOCK_SKEW_MS: i64 = DAY_MS;

fn tampered(why: &str) -> RecordError {
    RecordError::Tampered(why.into())
}

/// Whether a well-formed record still counts under `config` at `now_ms`.
///
/// A record made under a *higher* revision is honoured: a page served from a
/// stale cache must not make visitors answer again and again.
pub fn validate(r: ConsentRecord, config: &Config, now_ms: i64) -> Result<ConsentRecord, RecordError> {
    if r.decided_at_ms > now_ms.saturating_add(CLOCK_SKEW_MS) {
        return Err(tampered("decidedAt is more than a day in the future"));
    }
    if r.expires_at_ms <= r.decided_at_ms {
        return Err(tampered("expiresAt is not after decidedAt"));
    }
    if r.expires_at_ms - r.decided_at_ms > MAX_SPAN_MS {
        return Err(tampered("the decision lasts longer than 3650 days"));
    }
    if r.expires_at_ms <= now_ms {
        return Err(RecordError::Expired);
    }
    if r.revision < config.revision {
        return Err(RecordError::StaleRevision {
            record: r.revision,
            config: config.revision,
        });
    }
    if !r.categories.iter().any(|(id, _)| config.category(id).is_some()) {
        return Err(RecordError::NoSharedCategory);
    }
    Ok(r)
}

/// What [`load`] found in the two stores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    /// The winning valid record, if any.
    pub record: Option<ConsentRecord>,
    /// localStorage should be rewritten with `record` (it was missing, invalid
    /// or older). Only ever true when `record` is `Some`.
    pub rewrite_local: bool,
    /// The cookie should be rewritten with `record` (no cookie holds exactly
    /// the winner, or there are several). Only ever true when `record` is `Some`.
    pub rewrite_cookie: bool,
    /// Why values were ignored, for console warnings.
    pub problems: Vec<String>,
}

/// Picks the decision in force from what localStorage held (already decoded
/// by the caller: `None` when empty) and every cookie named `kloudconsent` (a
/// host-only and a parent-`Domain` cookie can both reach the page). The
/// newest valid record wins; on a tie localStorage wins, since it holds the
/// full JSON form. Invalid values are reported in `problems` and otherwise
/// treated as absent, so nothing stored can stop the page working.
pub fn load_decoded(
    local: Option<Result<ConsentRecord, RecordError>>,
    cookies: &[&str],
    config: &Config,
    now_ms: i64,
) -> Loaded {
    let mut problems = Vec::new();
    let mut best_local = None;
    if let Some(decoded) = local {
        let source = cat(&["localStorage[\"", STORAGE_KEY, "\"]"]);
        best_local = keep_valid(decoded.and_then(|r| validate(r, config, now_ms)), &source, &mut problems);
    }
    let mut best_cookie: Option<ConsentRecord> = None;
    for (i, s) in cookies.iter().enumerate() {
        let checked = decode_cookie(s).and_then(|r| validate(r, config, now_ms));
        if let Some(r) = keep_valid(checked, &cookie_name(i, cookies.len()), &mut problems) {
            if best_cookie.as_ref().is_none_or(|b| r.decided_at_ms > b.decided_at_ms) {
                best_cookie = Some(r);
            }
        }
    }
    let (record, from_local) = match (best_local, best_cookie) {
        (Some(l), Some(c)) if c.decided_at_ms > l.decided_at_ms => (Some(c), false),
        (Some(l), _) => (Some(l), true),
        (None, c) => (c, false),
    };
    let Some(winner) = record else {
        return Loaded {
            problems,
            ..Loaded::default()
        };
    };
    let winner_cookie = encode_cookie(&winner);
    Loaded {
        rewrite_local: !from_local,
        rewrite_cookie: cookies.len() != 1 || cookies[0] != winner_cookie,
        record: Some(winner),
        problems,
    }
}

/// [`load_decoded`] from the localStorage text (host side; the wasm core
/// decodes that value with the browser's `JSON.parse` itself).
pub fn load(local: Option<&str>, cookies: &[&str], config: &Config, now_ms: i64) -> Loaded {
    load_decoded(local.map(crate::record::decode_json), cookies, config, now_ms)
}

fn cookie_name(index: usize, count: usize) -> String {
    if count == 1 {
        cat(&["cookie ", STORAGE_KEY])
    } else {
        cat(&["cookie ", STORAGE_KEY, " (value ", &uint(index as u64 + 1), " of ", &uint(count as u64), ")"])
    }
}

/// The record, or `None` after noting why it was ignored.
fn keep_valid(checked: Result<ConsentRecord, RecordError>, source: &str, problems: &mut Vec<String>) -> Option<ConsentRecord> {
    match checked {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(cat(&["ignoring ", source, ": ", &e.message()]));
            None
        }
    }
}

/// The consent in force: a stored decision beats a privacy signal, which beats
/// nothing.
pub fn resolve(stored: Option<ConsentRecord>, signals: Signals) -> Consent {
    match stored {
        Some(r) => Consent::Stored(r),
        None if signals.any() => Consent::Signal,
        None => Consent::Undecided,
    }
}

/// A visitor's (or the page's) choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    AcceptAll,
    RejectAll,
    /// Set the named categories; ids not named keep their current value,
    /// unknown ids are ignored and required ones stay granted.
    Set(Grants),
}

/// The record a choice produces at `now_ms`, every config category in config
/// order, made under the config's revision.
pub fn decide(choice: Choice, current: &Consent, config: &Config, now_ms: i64, id: String) -> ConsentRecord {
    let mut categories = current.grants(config);
    let method = match &choice {
        Choice::AcceptAll => Method::AcceptAll,
        Choice::RejectAll => Method::RejectAll,
        Choice::Set(_) => Method::Custom,
    };
    for c in &config.categories {
        let wanted = match &choice {
            Choice::AcceptAll => Some(true),
            Choice::RejectAll => Some(false),
            Choice::Set(changes) => changes.get(&c.id),
        };
        if let Some(on) = wanted {
            categories.set(&c.id, on || c.required);
        }
    }
    let span = i64::from(config.expires_after_days) * DAY_MS;
    ConsentRecord {
        categories,
        method,
        revision: config.revision,
        decided_at_ms: now_ms,
        expires_at_ms: now_ms.saturating_add(span).min(MAX_MS),
        id,
    }
}

/// Ids (config order) whose granted state differs between two consents.
/// Before a first decision the baseline is what [`Consent::Undecided`] grants:
/// required on, optional off.
pub fn changed(before: &Consent, after: &Consent, config: &Config) -> Vec<String> {
    ids_where(config, |id| before.granted(id, config) != after.granted(id, config))
}

/// Ids (config order) granted before and refused after: their cookies are
/// deleted and their embeds get their placeholder back.
pub fn revoked(before: &Consent, after: &Consent, config: &Config) -> Vec<String> {
    ids_where(config, |id| before.granted(id, config) && !after.granted(id, config))
}

fn ids_where(config: &Config, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut ids = Vec::new();
    for c in &config.categories {
        if keep(&c.id) {
            ids.push(c.id.clone());
        }
    }
    ids
}

/// The cookie names among `present` (in that order) that the config lists
/// for the revoked categories, as exact names or `prefix*` patterns. The
/// consent cookie itself is never among them, whatever a pattern says.
pub fn cookies_to_delete(revoked: &[String], config: &Config, present: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in present {
        let listed = revoked
            .iter()
            .filter_map(|id| config.category(id))
            .any(|c| c.cookies.iter().any(|p| cookie_matches(p, name)));
        if listed && name != STORAGE_KEY && !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;
