//! Changing the decision, and every effect of a change: both stores, the
//! receipt, Consent Mode, the page's events, gated scripts and embeds,
//! revoked cookies, and the open tool.

use super::Page;
use crate::browser::storage::Store;
use crate::browser::{clock, console, cookie, dom, json};
use kloudconsent_domain::screen::{DialogState, Event};
use kloudconsent_domain::text::{cat, join};
use kloudconsent_domain::{
    consent_mode, decision, record, Choice, Config, Consent, ConsentRecord, RecordError,
};

impl Page {
    /// Reads both stores and decides what is in force (and so what shows).
    /// Nothing is drawn here: the first draw is `kc_do(act::DRAW)`'s, in a task of
    /// its own after `ready` (`hooks.soon`), so deciding and releasing never
    /// share a task with building the banner and its styles (no long task,
    /// issue 12), and a `ready` listener that decides never sees a banner.
    pub fn load(&self) {
        let consent = self.load_stored(false, false);
        let (ask, decided) = (self.asks(&consent), consent.is_decided());
        *self.consent.borrow_mut() = consent;
        self.settle(Event::Booted { ask, decided });
    }

    /// Tells Consent Mode what is known, fires `ready` (and `consent` when
    /// decided) and releases what is allowed.
    pub fn start(&self) {
        let at_boot = self.consent();
        // Undecided: the defaults already say everything optional is
        // denied; only what this config's categories change is sent.
        if at_boot != Consent::Undecided {
            self.announce(&at_boot);
        } else if self.config.consent_mode.is_some() {
            if let Some(json) = consent_mode::undecided_update_json(&self.config) {
                self.hooks.gtag("update", &json);
            }
        }
        self.emit("ready", &decision::state_json(&at_boot, &self.config, None));
        // A ready listener may already have decided through the API (which
        // fired change/consent itself for a first decision): from here on only
        // what is in force now counts, never the value from before the event.
        let now = self.consent();
        if at_boot.is_decided() && now.is_decided() {
            self.emit("consent", &decision::state_json(&now, &self.config, None));
        }
        // Gated scripts and embeds: the loader's gating code asks the engine
        // about each one (www/gating.js). A listener's decisions left their
        // effects to here (`apply`).
        if self.decided_meanwhile.take() {
            self.act(&at_boot);
        } else {
            // A refused category's listed cookies go on every page with a
            // decision, not only when it is refused: one a sibling host wrote
            // (host-only: out of reach where the visitor refused) or a script
            // the page did not gate. Not under a privacy signal alone: this
            // host has no decision, and the visitor may have accepted on a
            // sibling host whose parent-domain cookies this page sees.
            if at_boot.is_decided() {
                self.delete_cookies(&at_boot);
            }
            self.hooks.gate("");
        }
        // Receipts an earlier page could not deliver: sent again, or
        // dropped when the config has no `receiptUrl` (any more), or when
        // the decision in force has superseded them.
        let url = self.config.receipt_url.as_deref().unwrap_or_default();
        self.hooks
            .receipt(url, &decision::in_force_key(&self.consent()));
    }

    /// The decision the stores hold (their reconciliation: `decision`'s
    /// `load_decoded`), under the page's privacy signals.
    ///
    /// `synced`: read again after the start (another tab wrote the stores,
    /// or the visitor came back to this one). This tab then only adopts
    /// what they hold, writes nothing and warns about nothing:
    /// its cookie jar may not have seen that tab's change yet, and healing
    /// one store from the other here would bring back what that tab has
    /// just cleared (a `reset()` undone by a stale cookie). For the same
    /// reason, when `removed` (that tab removed our key: `reset()`), an
    /// empty localStorage means the decision was cleared, unless the
    /// cookie holds a newer one (`decision::removal_clears`: that tab's
    /// localStorage was full). Not when localStorage was cleared as a whole
    /// (a site's logout clears its own data, not the visitor's choice): the
    /// cookie then still counts.
    #[inline(never)]
    fn load_stored(&self, synced: bool, removed: bool) -> Consent {
        // localStorage holds one value at most, as JSON: the browser parses
        // it (no parser ships).
        let local = self.local.read().pop();
        let removed = removed && local.is_none();
        let local = local.map(|text| {
            record::too_large(&text)?;
            let value = json::parse(&text)
                .map_err(|e| RecordError::Malformed(cat(&["not JSON (", &e, ")"])))?;
            record::decode_json_value(value)
        });
        let cookies = self.cookie.read_named();
        let mut cookie_refs = Vec::new();
        for (n, v) in &cookies {
            cookie_refs.push((n.as_str(), v.as_str()));
        }
        let loaded = decision::load_decoded(
            local,
            &cookie_refs,
            &self.config,
            clock::now_ms(),
            self.cookie.name(),
            self.cookie.others_can_write(),
        );
        // Said once, when the page starts: the stores are read again on
        // every return to the tab, and the same value would be reported each
        // time.
        if !synced {
            for problem in &loaded.problems {
                console::warn(&cat(&["ignored a stored decision: ", problem]));
            }
        }
        if removed && decision::removal_clears(loaded.record.as_ref(), &self.consent.borrow()) {
            self.revised.set(false);
            return decision::resolve(None, self.signals);
        }
        self.revised.set(loaded.revised);
        if let Some(record) = loaded.record.as_ref().filter(|_| !synced) {
            self.store(record, loaded.rewrite_local, loaded.rewrite_cookie);
        }
        decision::resolve(loaded.record, self.signals)
    }

    /// Where an Accept all or Reject all button of the core was pressed, for
    /// the receipt's `via`: the banner's, or the failure dialog's, which
    /// stands in for the preference tool that could not load.
    pub fn via_button(&self) -> &'static str {
        if self.screen.get().scene().dialog == Some(DialogState::Failed) {
            decision::via::TOOL
        } else {
            decision::via::BANNER
        }
    }

    /// A visitor's or the page's decision, made where `via` says
    /// (`decision::via`: the receipt records it).
    ///
    /// `unless_same`: the page's `set()`, which keeps a stored decision as
    /// it is when it changes no category (a site setting the visitor's
    /// saved preferences on every page): no new record, receipt or event.
    pub fn choose(&self, choice: Choice, via: &'static str, unless_same: bool) {
        // A decision that ran out while the page stayed open is none to
        // amend: `set()` keeps only what is in force, and a new one starts.
        self.expire_if_due();
        let before = self.consent();
        // The decision to amend is the one the stores hold: a sibling host
        // may have changed the shared cookie since (no event tells this
        // tab), and amending this tab's copy would bring back what it
        // withdrew. Read, not applied: applying it first would run what
        // this decision may refuse (its scripts, a Consent Mode grant).
        // Stores holding none (a sibling's `reset()`, which does not
        // spread) leave this tab's own decision to amend.
        let stored = match self.unkept.get() {
            true => None,
            false => Some(self.load_stored(true, false)).filter(Consent::is_decided),
        };
        let base = stored.as_ref().unwrap_or(&before);
        let id = match base {
            // One visitor keeps one consent id across changes of mind.
            Consent::Stored(record) => record.id.clone(),
            _ => record::consent_id(&clock::random_bytes()),
        };
        let record = decision::decide(choice, base, &self.config, clock::now_ms(), id);
        if unless_same && !decision::grants_differ(base, &record) {
            // Nothing to change in what the stores hold: take it up (when
            // they hold one; else this tab's own decision stays).
            if let Some(stored) = stored {
                self.adopt(stored);
            }
            return;
        }
        self.store(&record, true, true);
        self.receipt_due.set(Some(via));
        // The banner goes first, then the events: what a listener does about
        // the decision (`show()`, `reset()`, another decision) comes after it
        // and stands, as in `reset()`.
        self.on(Event::Decided);
        self.apply(before, Consent::Stored(record));
    }

    /// `kloudconsent.reset()`: forget the decision and ask again.
    pub fn reset(&self) {
        let before = self.consent();
        // The cookie first: clearing localStorage is what tells other tabs.
        self.cookie.clear();
        self.local.clear();
        self.revised.set(false);
        let after = decision::resolve(None, self.signals);
        // The banner first, then the events: what a change listener does
        // about the forgotten decision (decide, `show()`, `hide()`) comes
        // after it and stands.
        self.on(Event::Reset);
        self.apply(before, after);
    }

    /// A decision whose time ran out while the page stayed open counts no
    /// more (contract section 4): the stores are read again, which asks again
    /// unless another tab renewed it. Checked when the tab comes back into
    /// view and when the page's code asks (`get()`, `accepted()`); only
    /// then, so a tab switch neither repeats warnings about what the stores
    /// hold nor forgets a decision that only this page holds (no storage).
    pub fn expire_if_due(&self) {
        if self.expired() {
            self.sync_from_storage(false);
        }
    }

    /// The visitor came back to this tab or window: adopt what the stores
    /// hold now. Another tab's change usually arrives as a `storage` event,
    /// but none comes when localStorage could not carry it (full: the
    /// decision is in the cookie only), or from a sibling host sharing the
    /// cookie (`cookie.domain`). A decision the stores could not keep stays
    /// (reading them would find none), unless it ran out.
    pub fn reread(&self) {
        if !self.unkept.get() || self.expired() {
            self.sync_from_storage(false);
        }
    }

    /// The stored decision in force has run out (not noticed yet).
    fn expired(&self) -> bool {
        (self.consent.borrow().record()).is_some_and(|r| r.expires_at_ms <= clock::now_ms())
    }

    /// What counts for a gated element asked about now: a decision that ran
    /// out counts as none. Without [`Page::expire_if_due`]'s events, which
    /// must not run inside the loader's gating of the page's elements.
    pub fn in_force(&self) -> Consent {
        match self.expired() {
            true => decision::resolve(None, self.signals),
            false => self.consent(),
        }
    }

    /// Another tab changed the stored decision: adopt it here. `removed`:
    /// as in [`Page::load_stored`].
    pub fn sync_from_storage(&self, removed: bool) {
        self.adopt(self.load_stored(true, removed));
    }

    /// Puts `after`, what the stores hold, in force here with every effect
    /// of the change (nothing when it is the decision in force already).
    /// Inlined into its two callers: out of line it measured 70 B more of
    /// every page's wasm, brotli.
    #[inline(always)]
    fn adopt(&self, after: Consent) {
        let before = self.consent();
        if same_decision(&before, &after, &self.config) {
            return;
        }
        self.apply(before, after);
        // What is in force once the page's listeners had the change (one may
        // have decided again).
        let now = self.consent();
        let (decided, ask) = (now.is_decided(), self.asks(&now));
        self.on(Event::StoredChanged { decided, ask });
    }

    /// Installs `after` and performs every effect of the change.
    ///
    /// Page listeners run inside `dispatch` and may decide again through the
    /// API (re-entrantly), even several times in one listener. Each decision
    /// tells Consent Mode at once, before its events (a tag that an event
    /// triggers sees the consent the event carries). The rest waits: a
    /// decision made while events are being delivered only records itself
    /// and queues its events, and the change (or `start`) that is
    /// delivering acts, once its events are delivered, on what is in force
    /// then ([`Page::act`]). Acting at once would run scripts a later call in
    /// the same listener takes back (`acceptAll(); rejectAll();` in a
    /// `ready` listener).
    fn apply(&self, before: Consent, after: Consent) {
        *self.consent.borrow_mut() = after.clone();
        // First, so that whatever the page or a released script does next
        // already runs under the new consent.
        self.announce(&after);
        // A decision made, changed, or forgotten (`reset()`, another tab's,
        // an expiry: contract section 7's "whenever the stored decision
        // changes"; the detail then says what is in force, `method` null).
        if after.is_decided() || before.is_decided() {
            let changed = decision::changed(&before, &after, &self.config);
            let detail = decision::state_json(&after, &self.config, Some(&changed));
            self.emit("change", &detail);
            let now = self.consent();
            if !before.is_decided() && now.is_decided() {
                self.emit("consent", &decision::state_json(&now, &self.config, None));
            }
        }
        if self.delivering.get() > 0 {
            self.decided_meanwhile.set(true);
        } else {
            self.decided_meanwhile.set(false);
            self.act(&before);
        }
    }

    /// Every effect of going from `before` to the consent in force now, once
    /// the page's listeners have had their events: refused cookies deleted,
    /// gated scripts and embeds released or taken back, the open tool shown
    /// the new decision, and the receipt of the decision in force sent when
    /// one was made meanwhile (none when a listener reset it).
    pub(super) fn act(&self, before: &Consent) {
        let now = self.consent();
        self.delete_cookies(&now);
        let revoked = decision::revoked(before, &now, &self.config);
        self.hooks.gate(&join(&revoked, " "));
        self.update_tool();
        if let (Some(via), Consent::Stored(record)) = (self.receipt_due.take(), &now) {
            if let Some(url) = &self.config.receipt_url {
                let origin = dom::page_origin();
                let receipt =
                    decision::receipt_json(record, &origin, &self.config.lang, via, self.signals);
                self.hooks.receipt(url, &receipt);
            }
        }
    }

    /// `kloudconsent:<name>` on window. A page listener that throws is
    /// reported by the browser and does not reach us. While it runs, a
    /// listener's decision leaves its effects to this delivery's caller.
    fn emit(&self, name: &str, json: &str) {
        let delivering = &self.delivering;
        delivering.set(delivering.get().saturating_add(1));
        self.hooks.emit(name, json);
        delivering.set(delivering.get().saturating_sub(1));
    }

    /// Deletes the cookies the config lists for what `consent` refuses.
    fn delete_cookies(&self, consent: &Consent) {
        if decision::refused(consent, &self.config).is_empty() {
            return;
        }
        let mut present = Vec::new();
        for (name, _) in &cookie::all() {
            present.push(name.clone());
        }
        for name in &decision::cookies_to_delete(consent, &self.config, &present) {
            cookie::expire_everywhere(name, self.config.cookie_domain.as_deref());
        }
    }

    /// Writes `record` to localStorage and/or the cookie (a store not
    /// written already holds it) and says in one warning what the browser
    /// refused, and where the decision is kept then. The cookie first: the
    /// other tabs act on localStorage's `storage` event, and a listener of
    /// theirs that answers with a decision of its own must write the cookie
    /// after this one, not before (the cookie then kept this decision while
    /// every tab held the answer).
    fn store(&self, record: &ConsentRecord, local: bool, cookie: bool) {
        let max_age_s = max_age(record);
        let cookie = match cookie {
            true => self.cookie.write(&record::encode_cookie(record), max_age_s),
            false => Ok(()),
        };
        let local = match local {
            true => self.local.write(&record::encode_json(record), max_age_s),
            false => Ok(()),
        };
        self.unkept.set(local.is_err() && cookie.is_err());
        let message = match (&local, &cookie) {
            (Ok(()), Ok(())) => return,
            (Err(e), Ok(())) => cat(&[
                "could not write localStorage (",
                e,
                "); the cookie keeps the decision.",
            ]),
            (Ok(()), Err(e)) => cat(&[
                "could not write the cookie (",
                e,
                "); localStorage keeps the decision.",
            ]),
            (Err(l), Err(c)) => cat(&[
                "could not store the decision (localStorage: ",
                l,
                "; cookie: ",
                c,
                "); it holds on this page only, and the banner asks again on the next.",
            ]),
        };
        console::warn(&message);
    }
}

/// Seconds from now until the record expires. Saturating: the clock is the
/// page's `Date.now`, which a page can replace with anything.
fn max_age(record: &ConsentRecord) -> i64 {
    (record.expires_at_ms.saturating_sub(clock::now_ms()) / 1000).max(0)
}

/// Whether `a` and `b` are one decision as the page sees it (`get()`'s
/// state). Not the records' encodings: the cookie lists granted categories
/// first, so the same decision read back from it (localStorage cleared by a
/// site's logout) has its categories in another order.
fn same_decision(a: &Consent, b: &Consent, config: &Config) -> bool {
    decision::state_json(a, config, None) == decision::state_json(b, config, None)
}
