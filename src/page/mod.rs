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
pub use decisions::is_our_key;
mod screen;

use crate::browser::signals;
use crate::browser::storage::{CookieStore, LocalStore};
use crate::tool::{Hooks, ToolModule};
use crate::ui::Ui;
use kloudconsent_domain::screen::Screen;
use kloudconsent_domain::{Config, Consent, Signals};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use web_sys::{Event, HtmlElement};

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
    hooks: Hooks,
    /// Page-lifetime listeners (openers, other tabs, idle prefetch).
    listeners: RefCell<Vec<Closure<dyn FnMut(Event)>>>,
    /// Itself, for the callbacks it hands the browser.
    this: Weak<Page>,
}

/// The preference tool's module and whether it is rendered.
#[derive(Default)]
struct Tool {
    module: Option<ToolModule>,
    mounted: bool,
}

impl Page {
    /// The page's widget in its fail-closed state: undecided, banner due,
    /// nothing released. [`Page::load`] then reads what is stored.
    pub fn new(config: Config, hooks: Hooks) -> Rc<Page> {
        let cookie = CookieStore {
            domain: config.cookie_domain.clone(),
        };
        Rc::new_cyclic(|this| Page {
            config,
            signals: signals::read(),
            consent: RefCell::new(Consent::Undecided),
            screen: Cell::new(Screen::default()),
            opener: RefCell::new(None),
            local: LocalStore,
            cookie,
            ui: RefCell::new(None),
            tool: RefCell::new(Tool::default()),
            hooks,
            listeners: RefCell::new(Vec::new()),
            this: this.clone(),
        })
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

    /// Keeps a page-lifetime listener alive.
    pub fn keep(&self, listener: Closure<dyn FnMut(Event)>) {
        self.listeners.borrow_mut().push(listener);
    }

    /// A callback into this page for the browser, doing nothing once the
    /// page is gone.
    fn callback<A>(&self, f: impl Fn(&Page, A) + 'static) -> impl Fn(A) + 'static {
        let this = self.this.clone();
        move |a| {
            if let Some(page) = this.upgrade() {
                f(&page, a);
            }
        }
    }
}
