//! The one owner of the page's live state: the config, the consent in
//! force, what is shown (the `domain::screen` state machine), the opener to
//! return focus to, the drawn UI and the loaded preference tool.
//!
//! Every path that changes anything — a click in the banner or the tool, a
//! call from the page's JS, a decision made in another tab, the tool module
//! arriving — comes here; `domain` decides, and the effects are performed in
//! one place (decisions.rs: stores, receipt, Consent Mode, events, gated
//! scripts and embeds, revoked cookies; screen.rs: drawing and focus).

mod decisions;
mod screen;

use crate::browser::signals;
use crate::browser::storage::{CookieStore, LocalStore};
use crate::hooks::Hooks;
use crate::tool::ToolModule;
use crate::ui::Ui;
use kloudconsent_domain::screen::Screen;
use kloudconsent_domain::{consent_mode, Config, Consent, Signals};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

/// The page's consent widget.
pub struct Page {
    pub config: Config,
    signals: Signals,
    consent: RefCell<Consent>,
    screen: Cell<Screen>,
    /// The page element that opened the tool, to give focus back to.
    opener: RefCell<Option<HtmlElement>>,
    local: LocalStore,
    cookie: CookieStore,
    /// Built the first time something is to be shown.
    ui: RefCell<Option<Ui>>,
    tool: RefCell<Tool>,
    /// The loader's hands (www/hooks.js).
    hooks: Hooks,
    /// What the tool calls with the visitor's choices (built by the loader).
    tool_host: JsValue,
    /// Events being delivered to the page's listeners (`Page::emit`): a
    /// decision made by a listener meanwhile leaves its effects to the
    /// change or start that is delivering ([`Page::act`]).
    delivering: Cell<u8>,
    /// A listener decided during the delivery in progress.
    decided_meanwhile: Cell<bool>,
    /// A decision was made (`Page::choose`) whose receipt is due once the
    /// page's listeners have had their events, and where it was made: the
    /// receipt is of the decision in force then, so a decision a listener
    /// replaced at once never reaches the receipt service.
    receipt_due: Cell<Option<&'static str>>,
    /// The stores hold a decision made under an older `revision` of the
    /// config, and none that counts: the banner says the policy changed.
    revised: Cell<bool>,
    /// A draw is under way ([`Page::draw`]), and the focus move of one
    /// asked for meanwhile, which it does when it has finished.
    drawing: Cell<bool>,
    redraw: Cell<Option<kloudconsent_domain::screen::Focus>>,
    /// The decision in force is held by neither store (the browser refused
    /// both writes): reading them again would lose it ([`Page::reread`]).
    unkept: Cell<bool>,
}

/// The preference tool's module and whether it is rendered.
#[derive(Default)]
struct Tool {
    module: Option<ToolModule>,
    mounted: bool,
    /// A load failure was logged already.
    reported: bool,
}

/// `gtag('consent', 'default', ...)`, global then per region, before any
/// gated script runs (the loader drops them when it already sent them
/// from an inline config, while the page was still being parsed).
pub fn send_defaults(config: &Config, hooks: &Hooks) {
    let Some(cm) = &config.consent_mode else {
        return;
    };
    hooks.gtag("default", &consent_mode::default_json(cm));
    for region in &consent_mode::region_defaults_json(cm) {
        hooks.gtag("default", region);
    }
}

impl Page {
    /// The page's widget in its fail-closed state: undecided, banner due,
    /// nothing released. [`Page::load`] then reads what is stored.
    pub fn new(config: Config, hooks: Hooks, tool_host: JsValue) -> Rc<Page> {
        let signals = signals::read();
        let screen = Screen::new(config.reopen.is_some()).with_signal(signals.any());
        let cookie = CookieStore {
            domain: config.cookie_domain.clone(),
        };
        Rc::new(Page {
            config,
            signals,
            consent: RefCell::new(Consent::Undecided),
            screen: Cell::new(screen),
            opener: RefCell::new(None),
            local: LocalStore,
            cookie,
            ui: RefCell::new(None),
            tool: RefCell::new(Tool::default()),
            hooks,
            tool_host,
            delivering: Cell::new(0),
            decided_meanwhile: Cell::new(false),
            receipt_due: Cell::new(None),
            revised: Cell::new(false),
            unkept: Cell::new(false),
            drawing: Cell::new(false),
            redraw: Cell::new(None),
        })
    }

    /// The loader's hands.
    pub fn hooks(&self) -> &Hooks {
        &self.hooks
    }

    /// Google Consent Mode v2 and the `dataLayer` event (contract section 7):
    /// `gtag('consent', 'update', ...)` and `kloudconsent_update` for the
    /// consent now in force, on load when it is known (a stored decision or a
    /// privacy signal) and after every change. The update comes first, so a
    /// tag the event triggers already sees the new consent.
    fn announce(&self, consent: &Consent) {
        if self.config.consent_mode.is_some() {
            self.hooks
                .gtag("update", &consent_mode::update_json(consent, &self.config));
            self.hooks
                .push(&consent_mode::datalayer_event_json(consent, &self.config));
        }
    }

    /// The consent in force.
    pub fn consent(&self) -> Consent {
        self.consent.borrow().clone()
    }

    /// Whether `consent` should be asked for with the banner: undecided, and
    /// no privacy signal answered (unless the config shows the banner then).
    fn asks(&self, consent: &Consent) -> bool {
        match consent {
            Consent::Undecided => true,
            Consent::Signal => self.config.signals_show_banner,
            Consent::Stored(_) => false,
        }
    }
}
