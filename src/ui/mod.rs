//! The core's own UI: the `<kloud-consent>` host with its open shadow root
//! (host CSS cannot reach in, ours cannot leak out, and the page's tools and
//! tests can still reach the widget), the banner, and the small loading and
//! failure dialogs. The preference tool renders into a root element this
//! module makes inside the same shadow root.
//!
//! Built on first show: a returning visitor's page never creates any of it.

mod banner;
mod build;
pub mod focus;
mod reopen;
mod shell;
mod style;

use crate::browser::{console, dom};
use crate::hooks::Hooks;
use banner::Banner;
use kloudconsent_domain::config::{Config, Texts};
use kloudconsent_domain::screen::{BannerState, DialogState};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// The host element's tag. A custom-element name: no id, so it cannot clash
/// with `window.kloudconsent` through named access.
pub const HOST_TAG: &str = "kloud-consent";

/// The drawn UI. Lives as long as the page once built.
pub struct Ui {
    pub host: HtmlElement,
    pub shadow: ShadowRoot,
    /// Holds every layer; carries `lang` and `dir`. The frame the layers
    /// are positioned in: it follows the visual viewport (`hooks.follow`, www/hooks.js).
    root: Element,
    banner: Option<Banner>,
    shell: Option<(DialogState, Element)>,
    /// The reopen button, once it has been shown.
    reopen: Option<Element>,
    tool_root: Option<Element>,
    /// The page behind is inert (a dialog is up).
    modal: bool,
    /// The loader's hands, to refit the frame when a layer is added.
    hooks: Hooks,
}

impl Ui {
    /// Creates the host at the end of `<body>`; its controls reach the
    /// engine through the loader's listeners (`hooks.listen`, `kc_do`).
    pub fn create(config: &Config, hooks: &Hooks) -> Option<Ui> {
        let doc = dom::document()?;
        let (Some(body), Some(host)) = (dom::body(&doc), dom::create(&doc, HOST_TAG)) else {
            console::error("the page has no <body> to show the consent banner in.");
            return None;
        };
        // `data-theme`/`data-layout` select the styles; `lang`/`dir` tell the
        // page (and its tools) what the widget speaks.
        let attrs = [
            ("lang", config.lang.as_str()),
            ("dir", config.dir.as_str()),
            ("data-theme", config.theme.as_str()),
            ("data-layout", config.layout.as_str()),
            // Search engines leave the banner's text out of the page's
            // snippets (Google reads it on `div`s: the frame below has it too).
            ("data-nosnippet", ""),
        ];
        for (name, value) in attrs {
            host.set_attribute(name, value).ok()?;
        }
        let Ok(shadow) = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)) else {
            console::error("could not attach a shadow root for the consent banner.");
            return None;
        };
        style::adopt(&shadow, &doc);
        let root = dom::create(&doc, "div")?;
        root.set_class_name("kc-frame");
        // Repeated inside the shadow root: there `lang` is what screen readers
        // and hyphenation read, and `dir` what the logical CSS properties
        // mirror on, whatever the engine inherits across the boundary.
        for (name, value) in [attrs[0], attrs[1], attrs[4]] {
            root.set_attribute(name, value).ok()?;
        }
        shadow.append_child(&root).ok()?;
        // At the end of `<body>` (the loader's `follow` moves it after
        // `<body>` when the page's style on `<body>` would carry it away).
        body.append_child(&host).ok()?;
        hooks.listen(&shadow);
        hooks.follow(&root);
        Some(Ui {
            host: host.dyn_into().ok()?,
            shadow,
            root,
            banner: None,
            shell: None,
            reopen: None,
            tool_root: None,
            modal: false,
            hooks: hooks.clone(),
        })
    }

    /// Shows, updates or removes the banner; `revised`: it says the policy
    /// changed since the visitor's last decision.
    pub fn show_banner(&mut self, state: Option<BannerState>, config: &Config, revised: bool) {
        match (state, &self.banner) {
            (None, Some(b)) => {
                b.root.remove();
                self.banner = None;
            }
            (Some(state), None) => {
                let Some(b) =
                    dom::document().and_then(|d| Banner::build(&d, &config.texts, revised))
                else {
                    return;
                };
                b.set_state(state, &config.texts);
                if self.add(&b.root).is_some() {
                    self.banner = Some(b);
                }
            }
            (Some(state), Some(b)) => b.set_state(state, &config.texts),
            (None, None) => {}
        }
    }

    /// Shows or hides the reopen button (built the first time it shows).
    pub fn show_reopen(&mut self, show: bool, config: &Config) {
        if show && self.reopen.is_none() {
            let button = dom::document().and_then(|d| reopen::build_reopen(&d, config));
            if let Some(b) = button.filter(|b| self.add(b).is_some()) {
                self.reopen = Some(b);
            }
        }
        if let Some(b) = &self.reopen {
            let _ = if show {
                b.remove_attribute("hidden")
            } else {
                b.set_attribute("hidden", "")
            };
        }
    }

    /// The reopen button, for focus once the tool it opened has closed.
    pub fn reopen_button(&self) -> Option<Element> {
        self.reopen.clone()
    }

    /// Shows, redraws or removes the core's loading/failure dialog.
    pub fn show_shell(&mut self, state: Option<DialogState>, texts: &Texts) {
        if self.shell.as_ref().map(|(s, _)| *s) == state {
            return;
        }
        if let Some((_, old)) = self.shell.take() {
            old.remove();
        }
        let Some(state) = state else { return };
        let Some(overlay) = dom::document().and_then(|d| shell::build_shell(&d, texts, state))
        else {
            return;
        };
        if self.add(&overlay).is_some() {
            self.shell = Some((state, overlay));
        }
    }

    /// The element the preference tool renders into, made on first need.
    pub fn tool_root(&mut self) -> Option<Element> {
        if self.tool_root.is_none() {
            let root = dom::create(&dom::document()?, "div")?;
            // No box of its own: only the tool's overlay is drawn (in the frame).
            root.set_class_name("kc-tool");
            self.add(&root)?;
            self.tool_root = Some(root);
        }
        self.tool_root.clone()
    }

    /// Removes the tool's root (after the tool unmounted from it).
    pub fn remove_tool_root(&mut self) {
        if let Some(root) = self.tool_root.take() {
            root.remove();
        }
    }

    /// Records whether a dialog is up; says whether that changed, and the
    /// page behind must be made inert or released (`hooks.inert`, which
    /// the caller runs with the UI no longer borrowed: it moves focus).
    pub fn modal_changes(&mut self, modal: bool) -> bool {
        std::mem::replace(&mut self.modal, modal) != modal
    }

    /// Whether the banner is drawn.
    pub fn has_banner(&self) -> bool {
        self.banner.is_some()
    }

    /// Whether `el` is inside the widget's shadow root.
    pub fn contains(&self, el: &Element) -> bool {
        let shadow: &wasm_bindgen::JsValue = self.shadow.as_ref();
        dom::root_node(el) == *shadow
    }

    /// The banner's Manage preferences button, for focus once the tool it
    /// opened has closed.
    pub fn manage_button(&self) -> Option<Element> {
        self.banner.as_ref().map(|b| b.manage.clone())
    }

    /// Adds a layer, with the frame fitted to the visible screen as it is now.
    fn add(&self, node: &Element) -> Option<()> {
        self.hooks.fit(&self.root);
        self.root.append_child(node).ok().map(|_| ())
    }
}
