//! The one live consent state of the page, and the effects of changing it.
//!
//! Every path that changes the decision — a click in the UI, a call from the
//! page's JS, a decision made in another tab — goes through [`Widget`], which
//! asks `domain` for the new state and then performs the effects in one
//! place: tell Google Consent Mode, persist to both stores, send the receipt,
//! fire events, release gated scripts and embeds, delete revoked cookies,
//! re-render the UI.

use crate::browser::storage::{CookieStore, LocalStore, Store};
use crate::browser::{clock, console, cookie, events, scripts, signals, storage};
use crate::browser::{dom, embeds, gtag, receipt};
use crate::domain::{decision, record, Choice, Config, Consent, ConsentRecord, Signals};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// What the visitor sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Hidden,
    Banner,
    Preferences,
}

pub struct Widget {
    pub config: Rc<Config>,
    signals: Signals,
    consent: RefCell<Consent>,
    view: Cell<View>,
    /// Whether the banner was showing when the tool opened (closing the tool
    /// without deciding returns to it).
    banner_under: Cell<bool>,
    local: LocalStore,
    cookie: CookieStore,
    rerender: RefCell<Option<Rc<dyn Fn()>>>,
    /// Builds the UI, once, the first time something is to be shown: a
    /// returning visitor's page never pays for rendering a hidden widget
    /// before its gated scripts run.
    mount_ui: RefCell<Option<Box<dyn FnOnce()>>>,
}

thread_local! {
    static WIDGET: RefCell<Option<Rc<Widget>>> = const { RefCell::new(None) };
}

/// The page's widget, once booted.
pub fn current() -> Option<Rc<Widget>> {
    WIDGET.with(|w| w.borrow().clone())
}

impl Widget {
    /// Registers the page's widget in its fail-closed state: undecided, banner
    /// up, nothing released. [`Widget::load`] then reads what is stored.
    ///
    /// Two steps, so that if reading ever fails (a bug, or a hostile page
    /// breaking a browser API under us) what remains is exactly this state:
    /// boot queued the UI's mount in a microtask before reading, so the banner
    /// still appears, and a choice made there overwrites whatever broke the read.
    pub fn new(config: Config) -> Rc<Widget> {
        let cookie = CookieStore {
            domain: config.cookie_domain.clone(),
        };
        let widget = Rc::new(Widget {
            config: Rc::new(config),
            signals: signals::read(),
            consent: RefCell::new(Consent::Undecided),
            view: Cell::new(View::Banner),
            banner_under: Cell::new(false),
            local: LocalStore,
            cookie,
            rerender: RefCell::new(None),
            mount_ui: RefCell::new(None),
        });
        WIDGET.with(|w| *w.borrow_mut() = Some(widget.clone()));
        widget
    }

    /// Reads both stores and decides what is in force (and so what shows).
    pub fn load(&self) {
        let consent = self.load_stored();
        self.view.set(self.initial_view(&consent));
        *self.consent.borrow_mut() = consent;
    }

    /// Tells Consent Mode what is known, fires `ready` (and `consent` when
    /// decided) and releases what is allowed.
    pub fn start(&self) {
        let at_boot = self.consent();
        // Undecided: the defaults already say everything optional is denied.
        if at_boot != Consent::Undecided {
            gtag::announce(&at_boot, &self.config);
        }
        events::dispatch("ready", &decision::state_json(&at_boot, &self.config, None));
        // A ready listener may already have decided through the API (which
        // fired change/consent itself for a first decision): from here on only
        // what is in force now counts, never the value from before the event.
        let now = self.consent();
        if at_boot.is_decided() && now.is_decided() {
            events::dispatch("consent", &decision::state_json(&now, &self.config, None));
        }
        let now = self.consent();
        scripts::release(&now, &self.config);
        embeds::update(&now, &self.config, &[]);
    }

    fn load_stored(&self) -> Consent {
        let local = self.local.read();
        let cookies = self.cookie.read_named();
        let cookie_refs: Vec<(&str, &str)> = cookies
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let loaded = decision::load(
            local.first().map(String::as_str),
            &cookie_refs,
            &self.config,
            clock::now_ms(),
            self.cookie.name(),
        );
        for problem in &loaded.problems {
            console::warn(&format!("ignored a stored decision: {problem}"));
        }
        if let Some(record) = &loaded.record {
            if loaded.rewrite_local {
                self.write_local(record);
            }
            if loaded.rewrite_cookie {
                self.write_cookie(record);
            }
        }
        decision::resolve(loaded.record, self.signals)
    }

    fn initial_view(&self, consent: &Consent) -> View {
        match consent {
            Consent::Stored(_) => View::Hidden,
            Consent::Signal if !self.config.signals_show_banner => View::Hidden,
            _ => View::Banner,
        }
    }

    pub fn consent(&self) -> Consent {
        self.consent.borrow().clone()
    }

    pub fn view(&self) -> View {
        self.view.get()
    }

    pub fn signals(&self) -> Signals {
        self.signals
    }

    /// How to build the UI; called by [`Widget::show_ui`] the first time the
    /// view is not hidden.
    pub fn set_mount_ui(&self, mount: Box<dyn FnOnce()>) {
        *self.mount_ui.borrow_mut() = Some(mount);
    }

    /// Builds the UI if it has not been built and there is something to show.
    pub fn show_ui(&self) {
        if self.view.get() == View::Hidden {
            return;
        }
        let mount = self.mount_ui.borrow_mut().take();
        if let Some(mount) = mount {
            mount();
        }
    }

    /// The UI registers how to re-render itself.
    pub fn set_rerender(&self, rerender: Rc<dyn Fn()>) {
        *self.rerender.borrow_mut() = Some(rerender);
    }

    fn rerender(&self) {
        let rerender = self.rerender.borrow().clone();
        if let Some(rerender) = rerender {
            rerender();
        }
    }

    fn set_view(&self, view: View) {
        if self.view.get() != view {
            self.view.set(view);
            self.show_ui();
            self.rerender();
        }
    }

    /// Opens the preference tool (from the banner, a `data-kloudconsent-open`
    /// element or `kloudconsent.show()`).
    pub fn show_preferences(&self) {
        if self.view.get() != View::Preferences {
            self.banner_under.set(self.view.get() == View::Banner);
        }
        self.set_view(View::Preferences);
    }

    /// Closes the tool without deciding: back to the banner if it was up.
    pub fn close_preferences(&self) {
        let back = if self.banner_under.get() && !self.consent().is_decided() {
            View::Banner
        } else {
            View::Hidden
        };
        self.set_view(back);
    }

    /// `kloudconsent.hide()`: closes whatever is open, deciding nothing.
    pub fn hide(&self) {
        self.banner_under.set(false);
        self.set_view(View::Hidden);
    }

    /// A visitor's or the page's decision.
    pub fn choose(&self, choice: Choice) {
        let before = self.consent();
        let id = match &before {
            // One visitor keeps one consent id across changes of mind.
            Consent::Stored(record) => record.id.clone(),
            _ => record::consent_id(&clock::random_bytes()),
        };
        let record = decision::decide(choice, &before, &self.config, clock::now_ms(), id);
        self.write_local(&record);
        self.write_cookie(&record);
        if let Some(url) = &self.config.receipt_url {
            receipt::send(url, &decision::receipt_json(&record, &dom::page_origin()));
        }
        self.apply(before, Consent::Stored(record));
        // Unless a listener reset it meanwhile (and so asked for the banner).
        if self.consent().is_decided() {
            self.banner_under.set(false);
            self.set_view(View::Hidden);
        }
    }

    /// `kloudconsent.reset()`: forget the decision and ask again.
    pub fn reset(&self) {
        let before = self.consent();
        self.local.clear();
        self.cookie.clear();
        let after = decision::resolve(None, self.signals);
        self.apply(before, after);
        self.banner_under.set(false);
        self.view.set(View::Hidden);
        self.set_view(View::Banner);
    }

    /// Another tab changed the stored decision: adopt it here.
    pub fn sync_from_storage(&self) {
        let before = self.consent();
        let after = self.load_stored();
        if same_decision(&before, &after) {
            return;
        }
        let decided = after.is_decided();
        self.apply(before, after.clone());
        if decided && self.view.get() == View::Banner {
            self.set_view(View::Hidden);
        } else if !decided && self.view.get() == View::Hidden {
            self.set_view(self.initial_view(&after));
        }
        self.rerender();
    }

    /// Installs `after` and performs every effect of the change.
    ///
    /// Page listeners run inside `dispatch` and may decide again through the
    /// API (re-entrantly). So after each event the consent in force is read
    /// afresh: scripts are released, and cookies deleted, for what holds now,
    /// never for the `after` a listener has already replaced.
    fn apply(&self, before: Consent, after: Consent) {
        *self.consent.borrow_mut() = after.clone();
        // First, so that whatever the page or a released script does next
        // already runs under the new consent.
        gtag::announce(&after, &self.config);
        if after.is_decided() {
            let changed = decision::changed(&before, &after, &self.config);
            let detail = decision::state_json(&after, &self.config, Some(&changed));
            events::dispatch("change", &detail);
            let now = self.consent();
            if !before.is_decided() && now.is_decided() {
                events::dispatch("consent", &decision::state_json(&now, &self.config, None));
            }
        }
        // A listener may have decided again during the events: act on what
        // is in force now, never on the value from before them.
        let now = self.consent();
        let revoked = decision::revoked(&before, &now, &self.config);
        self.delete_revoked_cookies(&revoked);
        scripts::release(&now, &self.config);
        embeds::update(&now, &self.config, &revoked);
        self.rerender();
    }

    fn delete_revoked_cookies(&self, revoked: &[String]) {
        if revoked.is_empty() {
            return;
        }
        let present: Vec<String> = cookie::all().into_iter().map(|(name, _)| name).collect();
        for name in decision::cookies_to_delete(revoked, &self.config, &present) {
            cookie::expire_everywhere(&name, self.config.cookie_domain.as_deref());
        }
    }

    fn write_local(&self, record: &ConsentRecord) {
        if let Err(e) = self
            .local
            .write(&record::encode_json(record), max_age(record))
        {
            console::warn(&format!(
                "could not write localStorage ({e}); the cookie keeps the decision."
            ));
        }
    }

    fn write_cookie(&self, record: &ConsentRecord) {
        if let Err(e) = self
            .cookie
            .write(&record::encode_cookie(record), max_age(record))
        {
            console::warn(&format!(
                "could not write the cookie ({e}); localStorage keeps the decision."
            ));
        }
    }
}

/// Seconds from now until the record expires. Saturating: the clock is the
/// page's `Date.now`, which a page can replace with anything.
fn max_age(record: &ConsentRecord) -> i64 {
    (record.expires_at_ms.saturating_sub(clock::now_ms()) / 1000).max(0)
}

fn same_decision(a: &Consent, b: &Consent) -> bool {
    match (a, b) {
        (Consent::Stored(x), Consent::Stored(y)) => {
            record::encode_json(x) == record::encode_json(y)
        }
        (Consent::Stored(_), _) | (_, Consent::Stored(_)) => false,
        _ => true,
    }
}

/// Local storage of the key in another tab changed (the `storage` event).
pub fn is_our_key(key: Option<String>) -> bool {
    key.is_none_or(|k| k == storage::KEY)
}
