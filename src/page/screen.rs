//! What is shown and where focus goes: feeds `domain::screen` its events and
//! performs each step (draw the banner and dialogs, mount the preference
//! tool, move focus, make the page inert behind a dialog).

use super::Page;
use crate::browser::{console, dom};
use crate::tool::ToolModule;
use crate::ui::{focus, Ui};
use kloudconsent_domain::screen::{DialogState, Event, Focus, Opener, Scene, View};
use kloudconsent_domain::text::cat;
use kloudconsent_domain::tool_model::model_json;
use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlElement};

impl Page {
    /// Applies a screen event and performs its step.
    pub fn on(&self, event: Event) {
        let focus = self.settle(event);
        self.draw(focus);
    }

    /// Applies `event` to the screen without drawing it; the focus move it asks for.
    pub fn settle(&self, event: Event) -> Focus {
        let mut screen = self.screen.get();
        let step = screen.on(event);
        self.screen.set(screen);
        if step.load_tool {
            self.hooks.load_tool();
        }
        step.focus
    }

    /// Draws the current scene (also the fail-closed first draw at boot).
    ///
    /// Drawing fires the page's focus and blur listeners (focus moves, the
    /// page made inert, and in Chromium a focused element removed), which
    /// may call the API and so ask for another draw (WebKit even runs
    /// microtasks queued there inside `focus()` when WebDriver runs the
    /// script). That one is done once this one has finished, with the scene
    /// as it is then: the UI is never borrowed twice.
    pub fn draw(&self, focus: Focus) {
        if self.drawing.replace(true) {
            if focus != Focus::Stay || self.redraw.get().is_none() {
                self.redraw.set(Some(focus));
            }
            return;
        }
        let mut focus = focus;
        loop {
            self.draw_scene(focus);
            match self.redraw.take() {
                Some(next) => focus = next,
                None => break,
            }
        }
        self.drawing.set(false);
    }

    /// One draw of the current scene. Focus moves and the page's inertness
    /// happen with the UI not borrowed; a draw asked for meanwhile that
    /// changed the scene ends this one early (`draw` does it next).
    fn draw_scene(&self, focus: Focus) {
        let scene = self.screen.get().scene();
        if !self.ensure_ui(scene) {
            return;
        }
        let screen = self.screen.get();
        let (first_banner, shadow, target) = {
            let mut ui = self.ui.borrow_mut();
            let Some(ui) = ui.as_mut() else { return };
            let had_banner = ui.has_banner();
            ui.show_banner(scene.banner, &self.config, self.revised.get());
            ui.show_reopen(scene.reopen, &self.config);
            // Nothing modal any more: the page stops being inert first, or
            // focus could not go back to an element of it.
            if scene.dialog.is_none() && ui.modal_changes(false) {
                self.hooks.inert(&ui.host, false);
            }
            let target = match focus {
                Focus::Opener => self.opener.borrow_mut().take().map(Element::from),
                Focus::BannerManage => ui.manage_button(),
                Focus::Reopen => ui.reopen_button(),
                _ => None,
            };
            (!had_banner && ui.has_banner(), ui.shadow.clone(), target)
        };
        // Focus leaves a closing dialog while it is still in the page, so it
        // never sits on a removed node.
        if let Some(t) = target {
            focus::focus_if_connected(&t);
        }
        // Also after focusing the opener: one that is gone, or cannot take
        // focus (a `<span>`, a link without `href`, a collapsed menu's item)
        // left it in the dialog about to be removed, and the page then takes
        // it (`focus_page` moves focus only when it is still in the widget).
        if matches!(focus, Focus::Page | Focus::Opener) {
            self.hooks.focus_page(&shadow);
        }
        if self.screen.get() != screen {
            return;
        }
        if let Some(ui) = self.ui.borrow_mut().as_mut() {
            let shell = scene.dialog.filter(|d| *d != DialogState::Tool);
            ui.show_shell(shell, &self.config.texts);
        }
        // Outside the UI borrow: the tool's code runs in here. If it failed
        // to mount, that failure has already been drawn over this step.
        self.show_tool(scene.dialog == Some(DialogState::Tool));
        if self.screen.get() != screen {
            return;
        }
        let modal = scene.dialog.is_some();
        let host = self
            .ui
            .borrow_mut()
            .as_mut()
            .and_then(|ui| ui.modal_changes(modal).then(|| ui.host.clone()));
        if let Some(host) = host {
            self.hooks.inert(&host, modal);
        }
        if focus == Focus::Dialog && self.screen.get() == screen {
            if let Ok(Some(d)) = shadow.query_selector("[role=dialog]") {
                focus::focus_if_connected(&d);
            }
        }
        // Once the banner is up and the page has nothing better to do, the
        // tool is fetched, so that Manage preferences opens it at once.
        if first_banner {
            self.hooks.idle();
        }
    }

    /// Builds the UI the first time there is something to show; says
    /// whether there is a UI to draw into.
    fn ensure_ui(&self, scene: Scene) -> bool {
        if self.ui.borrow().is_some() {
            return true;
        }
        if scene.banner.is_none() && scene.dialog.is_none() && !scene.reopen {
            return false;
        }
        let ui = Ui::create(&self.config, &self.hooks);
        let built = ui.is_some();
        *self.ui.borrow_mut() = ui;
        built
    }

    /// Opens the preference tool for `opener` (a page element), or for
    /// whatever has focus now when `None` (`kloudconsent.show()` from a
    /// page button's handler).
    pub fn open_tool(&self, opener: Option<HtmlElement>) {
        // The tool shows what is in force: not a decision that ran out, and
        // the stores' decision where a sibling host changed it since (no
        // event tells this tab), or its Save would write back this tab's.
        self.reread();
        let active = focus::deep_active_element();
        let opener = match opener {
            // The focused link inside a wrapper that cannot take focus
            // (`<li data-kloudconsent-open><a href=#>`): focus goes back to
            // it, not to the wrapper (which would drop it on the body).
            Some(o) if active.as_ref().is_some_and(|a| dom::node_contains(&o, a)) => active,
            Some(o) => Some(o),
            None => active,
        };
        // Not borrowed while a draw is under way (a page's focus listener
        // calling `show()`): then nothing of the widget is the opener.
        let in_widget = |el: &HtmlElement| {
            self.ui
                .try_borrow()
                .is_ok_and(|ui| ui.as_ref().is_some_and(|ui| ui.contains(el)))
        };
        let who = match opener {
            Some(el)
                if in_widget(&el)
                    && dom::attribute(&el, "data-kc-action").as_deref() == Some("reopen") =>
            {
                Opener::Reopen
            }
            Some(el) if in_widget(&el) => Opener::Banner,
            // Kept only for an open that will happen: a second request while
            // the tool is up changes nothing, and must not change where focus
            // goes back to either.
            Some(el) if dom::tag_name(&el) != "BODY" && self.screen.get().view() != View::Tool => {
                *self.opener.borrow_mut() = Some(el);
                Opener::Page
            }
            _ => Opener::Nobody,
        };
        self.on(Event::Open(who));
    }

    /// Closes the tool (or the core's loading/failure dialog) without deciding.
    pub fn close_tool(&self) {
        let decided = self.consent().is_decided();
        self.on(Event::Close { decided });
    }

    /// Mounts or unmounts the tool to match the scene.
    fn show_tool(&self, up: bool) {
        let (module, mounted) = {
            let t = self.tool.borrow();
            (t.module.clone(), t.mounted)
        };
        let Some(module) = module else { return };
        if up && !mounted {
            let root = self.ui.borrow_mut().as_mut().and_then(Ui::tool_root);
            let Some(root) = root else { return };
            self.tool.borrow_mut().mounted = true;
            if let Err(e) = module.mount(&root, &self.tool_model(), &self.tool_host) {
                self.tool_failed(&crate::browser::storage::describe(e));
            }
        } else if !up && mounted {
            self.tool.borrow_mut().mounted = false;
            let _ = module.unmount();
            if let Some(ui) = self.ui.borrow_mut().as_mut() {
                ui.remove_tool_root();
            }
        }
    }

    /// Shows the tool the decision now in force, when it is open.
    pub(super) fn update_tool(&self) {
        let module = {
            let t = self.tool.borrow();
            t.module.clone().filter(|_| t.mounted)
        };
        if let Some(module) = module {
            let _ = module.update(&self.tool_model());
        }
    }

    fn tool_model(&self) -> JsValue {
        js_sys::JSON::parse(&model_json(&self.config, &self.consent())).unwrap_or(JsValue::NULL)
    }

    /// The tool's module arrived (`hooks.loadTool` answered).
    pub fn tool_loaded(&self, module: ToolModule) {
        self.tool.borrow_mut().module = Some(module);
        self.on(Event::ToolLoaded);
    }

    /// The tool's module could not be loaded, or not mounted.
    pub fn tool_failed(&self, reason: &str) {
        // One console.error per page: a failed prefetch and the retry when
        // the visitor opens the tool are the same problem.
        let first = !std::mem::replace(&mut self.tool.borrow_mut().reported, true);
        if first {
            console::error(&cat(&[
                "the preference tool could not be loaded (",
                reason,
                "); Accept all and Reject all still work.",
            ]));
        }
        {
            let mut t = self.tool.borrow_mut();
            t.module = None;
            t.mounted = false;
        }
        // Not while a draw is under way: that draw, or the one this asks
        // for, unmounts the tool.
        if let Some(ui) = self
            .ui
            .try_borrow_mut()
            .ok()
            .as_mut()
            .and_then(|u| u.as_mut())
        {
            ui.remove_tool_root();
        }
        self.on(Event::ToolFailed);
    }
}
