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

pub use state::{in_force_key, receipt_json, state_json, via};

use crate::category::cookie_matches;
use crate::config::Config;
use crate::grants::Grants;
use crate::record::{
    decode_cookie, encode_cookie, ConsentRecord, Method, RecordError, HOST_COOKIE, STORAGE_KEY,
};
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
    /// Whether category or service `id` of `config` is granted. Required
    /// categories (and their services) always are; ids the config does not
    /// know never are (a category that no longer exists cannot be consented
    /// to). A category with services is granted exactly when one of them
    /// is. Otherwise: the stored value, with ids missing from the record
    /// (added after the decision) refused.
    pub fn granted(&self, id: &str, config: &Config) -> bool {
        let category = match config.service(id) {
            Some((c, _)) => c,
            None => match config.category(id) {
                Some(c) if !c.required && !c.services.is_empty() => {
                    return c.services.iter().any(|s| self.granted(&s.id, config));
                }
                Some(c) => c,
                None => return false,
            },
        };
        match self {
            _ if category.required => true,
            Consent::Stored(r) => r.granted(id),
            Consent::Undecided | Consent::Signal => false,
        }
    }

    /// Every config category, each followed by its services, with its
    /// granted state, in config order.
    pub fn grants(&self, config: &Config) -> Grants {
        let mut grants = Grants::new();
        for &id in &config.ids() {
            grants.set(id, self.granted(id, config));
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
/// A record dated ahead is accepted, but never wins over a record that is
/// not when two stores are compared (see [`load_decoded`]).
pub const CLOCK_SKEW_MS: i64 = DAY_MS;

/// How many revisions above the config's a record in a cookie may be made
/// under.
///
/// One is what the stale-cache case needs: after a site bumps its revision, a
/// page served from a cache that predates the bump carries the previous one,
/// and visitors who already answered the new revision must not be asked again
/// there. A record further ahead cannot come from this site unless two bumps
/// land within one cache lifetime (then those visitors answer once more). A
/// cookie is not this origin's alone: every server of the host writes it
/// whatever its port, a `cookie.domain` cookie every subdomain (each may
/// count its own revisions), a parent-domain one a sibling. So one further
/// ahead is refused, and a record from next door cannot outlive the site's
/// next bumps. localStorage, which only this origin writes, is honoured at
/// any higher revision, as contract section 4 says.
pub const REVISION_MARGIN: u32 = 1;

fn tampered(why: &str) -> RecordError {
    RecordError::Tampered(why.into())
}

/// Whether a well-formed record that only this origin could have written
/// (localStorage) still counts under `config` at `now_ms`. A record made
/// under a *higher* revision is honoured (contract section 4): a page served
/// from a stale cache must not make visitors answer again and again.
pub fn validate(
    r: ConsentRecord,
    config: &Config,
    now_ms: i64,
) -> Result<ConsentRecord, RecordError> {
    validate_within(r, config, now_ms, u32::MAX)
}

/// [`validate`], honouring revisions at most `margin` above the config's
/// ([`REVISION_MARGIN`] for a cookie).
fn validate_within(
    r: ConsentRecord,
    config: &Config,
    now_ms: i64,
    margin: u32,
) -> Result<ConsentRecord, RecordError> {
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
    if r.revision > config.revision.saturating_add(margin) {
        return Err(RecordError::Tampered(cat(&[
            "revision ",
            &uint(r.revision.into()),
            " is more than one above the site's ",
            &uint(config.revision.into()),
        ])));
    }
    if !r
        .categories
        .iter()
        .any(|(id, _)| config.category(id).is_some())
    {
        return Err(RecordError::NoSharedCategory);
    }
    Ok(r)
}

/// The cookie this page writes its decision to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieName {
    /// `__Host-kloudconsent`: Secure, `Path=/`, no `Domain`. The browser
    /// refuses it from any other host, so a sibling subdomain cannot write
    /// it. Used on https (and other secure contexts that accept it) when no
    /// `cookie.domain` is configured.
    Host,
    /// `kloudconsent`: on plain http, and with a configured `cookie.domain`
    /// (a `__Host-` cookie cannot carry a `Domain`).
    Plain,
}

impl CookieName {
    /// The cookie's name as written in `document.cookie`.
    pub fn as_str(self) -> &'static str {
        match self {
            CookieName::Host => HOST_COOKIE,
            CookieName::Plain => STORAGE_KEY,
        }
    }
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
    /// A record was ignored because the site's `revision` is newer than
    /// the one it was made under: the banner says the policy has changed
    /// (`texts.revisionNotice`) when no other record counts.
    pub revised: bool,
}

/// Picks the decision in force from what localStorage held (already decoded
/// by the caller: `None` when empty) and the consent cookies (`cookies` as
/// name and value; a host-only and a parent-`Domain` cookie of one name can
/// both reach the page). `written` is the cookie this page writes. Invalid
/// values are reported in `problems` and otherwise treated as absent, so
/// nothing stored can stop the page working.
///
/// Which valid record wins depends on who could have written it. Among
/// the site's own stores the newest wins (contract section 4), a tie going
/// to localStorage (which holds the full JSON form), then to the `__Host-`
/// cookie. That is localStorage and the `__Host-` cookie always, and
/// `kloudconsent` cookies too unless `others_can_write`: where this host
/// has a parent domain and no `cookie.domain` is configured, a sibling
/// subdomain (`evil.example.com` next to `www.example.com`) can write a
/// `kloudconsent` cookie for the parent domain, so there such a cookie
/// counts only when nothing else does (an old cookie from before the
/// `__Host-` name, or plain http). With a configured `cookie.domain` every
/// subdomain is trusted by configuration (it shares the decision); on
/// `localhost` or an IP address there is no other host. A cookie of either
/// name counts at most [`REVISION_MARGIN`] above the config's revision.
///
/// "Newest" compares `decidedAt`, where a record dated after `now_ms` (clock
/// skew, or forged: validation allows a day) ranks below every record that
/// is not: it is used only when nothing else is valid, so a future date never
/// wins the newest-wins merge.
pub fn load_decoded(
    local: Option<Result<ConsentRecord, RecordError>>,
    cookies: &[(&str, &str)],
    config: &Config,
    now_ms: i64,
    written: CookieName,
    others_can_write: bool,
) -> Loaded {
    let mut found = Loaded::default();
    let sibling_risk = others_can_write && config.cookie_domain.is_none();
    let mut local_record = None;
    if let Some(decoded) = local {
        let source = cat(&["localStorage[\"", STORAGE_KEY, "\"]"]);
        local_record = keep_valid(
            decoded.and_then(|r| validate(r, config, now_ms)),
            &source,
            &mut found,
        );
    }
    let mut ours: Vec<&(&str, &str)> = Vec::new();
    for cookie in cookies {
        if cookie.0 == HOST_COOKIE || cookie.0 == STORAGE_KEY {
            ours.push(cookie);
        }
    }
    // The newest valid record under each name: `__Host-`, then `kloudconsent`.
    let mut best: [Option<ConsentRecord>; 2] = [None, None];
    for (i, (name, value)) in ours.iter().enumerate() {
        let checked =
            decode_cookie(value).and_then(|r| validate_within(r, config, now_ms, REVISION_MARGIN));
        let Some(r) = keep_valid(checked, &cookie_name(name, i, ours.len()), &mut found) else {
            continue;
        };
        let slot = &mut best[usize::from(*name != HOST_COOKIE)];
        if slot.as_ref().is_none_or(|b| newer(&r, b, now_ms)) {
            *slot = Some(r);
        }
    }
    // localStorage, then `__Host-`, then `kloudconsent`: a later one takes
    // over when it is newer (and, for a cookie a sibling could have
    // written, only when nothing else counts).
    let mut from_local = local_record.is_some();
    let mut record = local_record;
    for (i, c) in best.into_iter().enumerate() {
        let trusted = i == 0 || !sibling_risk;
        if let Some(c) = c {
            if record
                .as_ref()
                .is_none_or(|w| trusted && newer(&c, w, now_ms))
            {
                record = Some(c);
                from_local = false;
            }
        }
    }
    let Some(winner) = record else {
        return found;
    };
    let winner_cookie = encode_cookie(&winner);
    // Exactly one cookie under the name written, holding the winner.
    let (mut same_name, mut exact) = (0, false);
    for (n, v) in &ours {
        if *n == written.as_str() {
            same_name += 1;
            exact = *v == winner_cookie;
        }
    }
    let exact = exact && same_name == 1;
    // A cookie under the other name is an old one to replace and expire.
    let migrate = ours.iter().any(|(n, _)| *n != written.as_str());
    Loaded {
        rewrite_local: !from_local,
        rewrite_cookie: !exact || migrate,
        record: Some(winner),
        ..found
    }
}

/// [`load_decoded`] from the localStorage text (host side; the wasm core
/// decodes that value with the browser's `JSON.parse` itself), on a host
/// with a parent domain (other hosts can write a cookie that reaches it).
pub fn load(
    local: Option<&str>,
    cookies: &[(&str, &str)],
    config: &Config,
    now_ms: i64,
    written: CookieName,
) -> Loaded {
    load_decoded(
        local.map(crate::record::decode_json),
        cookies,
        config,
        now_ms,
        written,
        true,
    )
}

/// Whether `a` was decided after `b`. A record dated in the future counts as
/// older than every record that is not: capping it at "now" would still let
/// it beat a decision made a moment before this load (the visitor's own).
fn newer(a: &ConsentRecord, b: &ConsentRecord, now_ms: i64) -> bool {
    let when = |r: &ConsentRecord| {
        if r.decided_at_ms > now_ms {
            i64::MIN
        } else {
            r.decided_at_ms
        }
    };
    when(a) > when(b)
}

fn cookie_name(name: &str, index: usize, count: usize) -> String {
    if count == 1 {
        cat(&["cookie ", name])
    } else {
        cat(&[
            "cookie ",
            name,
            " (value ",
            &uint(index as u64 + 1),
            " of ",
            &uint(count as u64),
            ")",
        ])
    }
}

/// The record, or `None` after noting why it was ignored.
fn keep_valid(
    checked: Result<ConsentRecord, RecordError>,
    source: &str,
    found: &mut Loaded,
) -> Option<ConsentRecord> {
    match checked {
        Ok(r) => Some(r),
        Err(e) => {
            found.revised |= matches!(e, RecordError::StaleRevision { .. });
            found
                .problems
                .push(cat(&["ignoring ", source, ": ", &e.message()]));
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

/// Another tab removed the stored decision from localStorage, and the
/// cookie holds `cookie`: whether this tab is to count the decision as
/// cleared. A removal is usually `reset()`, and a cookie can lag behind it
/// (WebKit: the other tab's deletion not yet in this tab's jar), holding
/// the decision this tab already has. But a tab whose localStorage is full
/// removes its old entry too, keeping a newer decision in the cookie only:
/// that one is adopted, not taken for a reset.
pub fn removal_clears(cookie: Option<&ConsentRecord>, in_force: &Consent) -> bool {
    !matches!((cookie, in_force),
        (Some(new), Consent::Stored(old)) if new.decided_at_ms > old.decided_at_ms)
}

/// A visitor's (or the page's) choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Every category and service on.
    AcceptAll,
    /// Only the required categories on.
    RejectAll,
    /// Set the named categories and services; ids not named keep their
    /// current value, unknown ids are ignored and required ones stay
    /// granted. A category sets all of its services; a service named too
    /// wins over its category's value.
    Set(Grants),
}

/// The record a choice produces at `now_ms`: every config category, each
/// followed by its services, in config order, made under the config's
/// revision. A category with services is stored as granted exactly when
/// one of them is.
pub fn decide(
    choice: Choice,
    current: &Consent,
    config: &Config,
    now_ms: i64,
    id: String,
) -> ConsentRecord {
    let mut categories = current.grants(config);
    let method = match &choice {
        Choice::AcceptAll => Method::AcceptAll,
        Choice::RejectAll => Method::RejectAll,
        Choice::Set(_) => Method::Custom,
    };
    for c in &config.categories {
        let wanted = |id: &str| match &choice {
            Choice::AcceptAll => Some(true),
            Choice::RejectAll => Some(false),
            Choice::Set(changes) => changes.get(id),
        };
        let for_category = wanted(&c.id);
        if let Some(on) = for_category {
            categories.set(&c.id, on || c.required);
        }
        let mut any = false;
        for s in &c.services {
            if let Some(on) = wanted(&s.id).or(for_category) {
                categories.set(&s.id, on || c.required);
            }
            any |= categories.get(&s.id) == Some(true);
        }
        if !c.services.is_empty() {
            categories.set(&c.id, any || c.required);
        }
    }
    let span = i64::from(config.expires_after_days) * DAY_MS;
    // A change made on a page from a stale cache (its config one revision
    // behind the decision in force) amends that decision: stamped with the
    // config's revision, the site's current pages would ask again; and what
    // only the newer revision knows (a category added since) stays as the
    // visitor left it, not silently refused; except after "Reject all",
    // which refuses those too: a record saying reject-all grants nothing.
    let mut revision = config.revision;
    if let Consent::Stored(r) = current {
        if r.revision > revision {
            revision = r.revision;
            for (id, granted) in r.categories.iter() {
                if categories.get(id).is_none() {
                    categories.set(id, granted && method != Method::RejectAll);
                }
            }
        }
    }
    ConsentRecord {
        categories,
        method,
        revision,
        decided_at_ms: now_ms,
        expires_at_ms: now_ms.saturating_add(span).min(MAX_MS),
        id,
    }
}

/// Ids (config order: each category, then its services) whose granted
/// state differs between two consents. Before a first decision the baseline
/// is what [`Consent::Undecided`] grants: required on, optional off.
pub fn changed(before: &Consent, after: &Consent, config: &Config) -> Vec<String> {
    ids_where(config, |id| {
        before.granted(id, config) != after.granted(id, config)
    })
}

/// Whether `after` grants any id otherwise than `before` does (the page's
/// `set()` that changes nothing is no new decision).
pub fn grants_differ(before: &Consent, after: &ConsentRecord) -> bool {
    match before {
        Consent::Stored(b) => !b.categories.same_as(&after.categories),
        _ => true,
    }
}

/// Ids (config order) granted before and refused after: their cookies are
/// deleted and their embeds get their placeholder back.
pub fn revoked(before: &Consent, after: &Consent, config: &Config) -> Vec<String> {
    ids_where(config, |id| {
        before.granted(id, config) && !after.granted(id, config)
    })
}

/// Ids (config order) that `consent` refuses: after any change their
/// cookies are deleted, not only those of the ids it revoked, so that a
/// cookie set before the first choice (by a script the page did not gate)
/// does not outlive a Reject all.
pub fn refused(consent: &Consent, config: &Config) -> Vec<String> {
    ids_where(config, |id| !consent.granted(id, config))
}

fn ids_where(config: &Config, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut ids = Vec::new();
    for &id in &config.ids() {
        if keep(id) {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// The cookie names among `present` (in that order) that the config lists
/// for a category or service `consent` refuses, as exact names or `prefix*`
/// patterns, and for none it grants: a cookie two categories share (`_ga`
/// under analytics and marketing), or a required category's `sess` under an
/// optional `sess*`, stays while any id that lists it is granted, and one
/// listed as kept (`=name`, a row with `delete: false`) always does. The
/// consent cookies themselves are never among them, whatever a pattern
/// says.
pub fn cookies_to_delete(consent: &Consent, config: &Config, present: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in present {
        let (mut refused, mut granted) = (false, false);
        for id in config.ids() {
            let given = consent.granted(id, config);
            // A category with services lists what they share: it keeps a
            // cookie only while all of them are granted (a refused one's
            // `_ga` goes when another is allowed) and deletes it only when
            // none is.
            let (list, keeps) = match config.service(id) {
                Some((_, s)) => (&s.cookies, given),
                None => match config.category(id) {
                    Some(c) => (
                        &c.cookies,
                        given && c.services.iter().all(|s| consent.granted(&s.id, config)),
                    ),
                    None => continue,
                },
            };
            for p in list {
                let kept = p.starts_with('=');
                if cookie_matches(&p[kept as usize..], name) {
                    if kept || keeps {
                        granted = true;
                    } else if !given {
                        refused = true;
                    }
                }
            }
        }
        let ours = name == STORAGE_KEY || name == HOST_COOKIE;
        if refused && !granted && !ours && !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

#[cfg(test)]
mod services_tests;
#[cfg(test)]
mod tests;
