//! Gated embeds: `<iframe>`, `<img>` and `<video>` with `data-consent` and
//! `data-src` get their `src` only when allowed (contract section 6).
//!
//! What each embed should show is `domain::embeds`'s decision; this module
//! keeps one entry per embed (its parsed gate, the visitor's "Allow once",
//! its placeholder) and makes the page match that decision on every change.
//! [`update`] is idempotent: it is also called after our own DOM changes
//! (the MutationObserver sees the placeholders we insert) and must then
//! change nothing.

use super::{console, dom, placeholder};
use crate::domain::embeds::{self, EmbedView};
use crate::domain::{gating, Config, Consent, Gate};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlMediaElement, ResizeObserver};

const SELECTOR: &str =
    "iframe[data-consent][data-src], img[data-consent][data-src], video[data-consent][data-src]";

struct Embed {
    el: Element,
    gate: Gate,
    /// "Allow once": loaded for this page only, never stored.
    once: bool,
    /// Its `src` is set.
    loaded: bool,
    /// Shown while blocked.
    placeholder: Option<HtmlElement>,
    /// The embed's own inline `visibility` (value, priority), to restore when
    /// it loads; `Some` while we hide it.
    hidden_from: Option<(String, String)>,
    /// An image's `alt`, taken off while blocked: an `<img>` with no `src`
    /// but with alt text is laid out as that text, not at its width and
    /// height, and would shift the page when it loads.
    alt: Option<String>,
    /// Warned about once already.
    warned: bool,
}

/// Page-lifetime listeners, created on first need and shared by all embeds.
struct Listeners {
    click: Closure<dyn FnMut(web_sys::Event)>,
    resize: Option<(ResizeObserver, Closure<dyn FnMut()>)>,
}

thread_local! {
    static EMBEDS: RefCell<Vec<Embed>> = const { RefCell::new(Vec::new()) };
    static LISTENERS: RefCell<Option<Listeners>> = const { RefCell::new(None) };
    /// "Allow always": stores the named categories as granted (set by boot).
    static ALLOW_ALWAYS: RefCell<Option<Rc<dyn Fn(Vec<String>)>>> = const { RefCell::new(None) };
}

/// What "Allow always" does with the categories an embed needs: the widget
/// turns them into a stored custom decision.
pub fn on_allow_always(f: impl Fn(Vec<String>) + 'static) {
    ALLOW_ALWAYS.with(|a| *a.borrow_mut() = Some(Rc::new(f)));
}

/// Brings every gated embed in line with `consent`. `revoked` lists the
/// categories this change took back (their "Allow once"s end too).
pub fn update(consent: &Consent, config: &Config, revoked: &[String]) {
    let found = dom::query_all(SELECTOR);
    if found.is_empty() && EMBEDS.with(|e| e.borrow().is_empty()) {
        return;
    }
    let Some(on_click) = click_handler() else {
        return;
    };
    EMBEDS.with(|cell| {
        let mut list = cell.borrow_mut();
        // An embed the page removed takes its placeholder with it.
        list.retain(|e| {
            let keep = e.el.is_connected();
            if !keep {
                if let Some(host) = &e.placeholder {
                    host.remove();
                }
            }
            keep
        });
        for el in found {
            if !list.iter().any(|e| e.el == el) {
                let gate =
                    gating::parse_gate(&el.get_attribute("data-consent").unwrap_or_default());
                list.push(Embed {
                    el,
                    gate,
                    once: false,
                    loaded: false,
                    placeholder: None,
                    hidden_from: None,
                    alt: None,
                    warned: false,
                });
            }
        }
        for e in list.iter_mut() {
            if e.once && !embeds::once_survives(&e.gate, revoked) {
                e.once = false;
            }
            match embeds::view(&e.gate, consent, config, e.once) {
                EmbedView::Load => e.load(),
                EmbedView::Placeholder(missing) => {
                    e.unload();
                    e.show_placeholder(
                        &embeds::placeholder_text(&missing, config),
                        config,
                        &on_click,
                    );
                }
                EmbedView::Never(message) => {
                    e.unload();
                    e.remove_placeholder();
                    if !e.warned {
                        e.warned = true;
                        console::warn(&message);
                    }
                }
            }
        }
    });
}

/// Re-lays every placeholder over its embed (after a resize).
fn place_all() {
    EMBEDS.with(|cell| {
        for e in cell.borrow().iter() {
            if let Some(host) = &e.placeholder {
                placeholder::place(host, &e.el);
            }
        }
    });
}

impl Embed {
    fn load(&mut self) {
        self.remove_placeholder();
        if self.loaded {
            return;
        }
        self.loaded = true;
        if let Some(src) = self.el.get_attribute("data-src") {
            let _ = self.el.set_attribute("src", &src);
        }
        if let Some(srcset) = self.el.get_attribute("data-srcset") {
            let _ = self.el.set_attribute("srcset", &srcset);
        }
    }

    /// Takes the content away: on first sight (a `src` the page wrote next
    /// to `data-src` is removed too) and when a category is revoked.
    fn unload(&mut self) {
        let had_src = self.el.has_attribute("src") || self.el.has_attribute("srcset");
        self.loaded = false;
        if !had_src {
            return;
        }
        // Removing an iframe's src navigates it to about:blank, which unloads
        // the third-party document.
        let _ = self.el.remove_attribute("src");
        let _ = self.el.remove_attribute("srcset");
        if let Some(media) = self.el.dyn_ref::<HtmlMediaElement>() {
            // Without load() a media element keeps playing its old resource.
            media.load();
        }
    }

    fn show_placeholder(&mut self, text: &str, config: &Config, on_click: &js_sys::Function) {
        if self.placeholder.is_none() {
            let labels = placeholder::Labels {
                text,
                allow_once: &config.texts.allow_once,
                allow_always: &config.texts.allow_always,
            };
            self.placeholder = placeholder::create(&labels, on_click);
            observe_size(&self.el);
        }
        self.hide();
        let Some(host) = &self.placeholder else {
            return;
        };
        placeholder::set_text(host, text);
        // Right before the embed, so its static position follows the embed
        // through reflows (also after the page moved the embed).
        let in_place = self.el.previous_sibling().is_some_and(|n| n == ***host);
        if !in_place {
            if let Some(parent) = self.el.parent_node() {
                let _ = parent.insert_before(host, Some(&self.el));
            }
        }
        placeholder::place(host, &self.el);
    }

    fn remove_placeholder(&mut self) {
        if let Some(host) = self.placeholder.take() {
            host.remove();
            unobserve_size(&self.el);
        }
        self.show();
    }

    fn hide(&mut self) {
        if self.hidden_from.is_some() {
            return;
        }
        if self.el.local_name() == "img" {
            self.alt = self.el.get_attribute("alt");
            let _ = self.el.remove_attribute("alt");
        }
        let Some(style) = self.el.dyn_ref::<HtmlElement>().map(|h| h.style()) else {
            return;
        };
        let value = style.get_property_value("visibility").unwrap_or_default();
        let priority = style.get_property_priority("visibility");
        if style
            .set_property_with_priority("visibility", "hidden", "important")
            .is_ok()
        {
            self.hidden_from = Some((value, priority));
        }
    }

    fn show(&mut self) {
        if let Some(alt) = self.alt.take() {
            let _ = self.el.set_attribute("alt", &alt);
        }
        let Some((value, priority)) = self.hidden_from.take() else {
            return;
        };
        let Some(style) = self.el.dyn_ref::<HtmlElement>().map(|h| h.style()) else {
            return;
        };
        let _ = if value.is_empty() {
            style.remove_property("visibility").map(|_| ())
        } else {
            style.set_property_with_priority("visibility", &value, &priority)
        };
    }
}

/// The one click listener of every placeholder's shadow root.
fn click_handler() -> Option<js_sys::Function> {
    LISTENERS.with(|l| {
        let mut l = l.borrow_mut();
        if l.is_none() {
            *l = Some(Listeners {
                click: Closure::new(on_click),
                resize: None,
            });
            listen_for_window_resize();
        }
        l.as_ref()
            .map(|l| l.click.as_ref().unchecked_ref::<js_sys::Function>().clone())
    })
}

fn on_click(event: web_sys::Event) {
    let action = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("button[data-action]").ok().flatten())
        .and_then(|b| b.get_attribute("data-action"));
    let host = event
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::ShadowRoot>().ok())
        .map(|s| s.host());
    let (Some(action), Some(host)) = (action, host) else {
        return;
    };
    // The entry is changed and the borrow released before "Allow always"
    // calls into the widget, which comes back here through `update`.
    let found = EMBEDS.with(|cell| {
        let mut list = cell.borrow_mut();
        let e = list
            .iter_mut()
            .find(|e| e.placeholder.as_ref().is_some_and(|p| **p == host))?;
        let ids = match (&e.gate, action.as_str()) {
            (_, "once") => {
                e.once = true;
                e.load();
                Vec::new()
            }
            (Gate::All(ids), "always") => ids.clone(),
            _ => return None,
        };
        Some((e.el.clone(), ids))
    });
    let Some((el, ids)) = found else { return };
    if !ids.is_empty() {
        let allow = ALLOW_ALWAYS.with(|a| a.borrow().clone());
        if let Some(allow) = allow {
            allow(ids);
        }
    }
    // The button that had focus is gone: focus the content it let in.
    if let Some(el) = el.dyn_ref::<HtmlElement>() {
        let _ = el.focus();
    }
}

fn observe_size(el: &Element) {
    LISTENERS.with(|l| {
        let mut l = l.borrow_mut();
        let Some(l) = l.as_mut() else { return };
        if l.resize.is_none() {
            let callback = Closure::<dyn FnMut()>::new(place_all);
            l.resize = ResizeObserver::new(callback.as_ref().unchecked_ref())
                .ok()
                .map(|o| (o, callback));
        }
        if let Some((observer, _)) = &l.resize {
            observer.observe(el);
        }
    });
}

fn unobserve_size(el: &Element) {
    LISTENERS.with(|l| {
        if let Some((observer, _)) = l.borrow().as_ref().and_then(|l| l.resize.as_ref()) {
            observer.unobserve(el);
        }
    });
}

/// A window resize can move an embed without resizing it (a centred column).
fn listen_for_window_resize() {
    let Some(window) = dom::window() else { return };
    let callback = Closure::<dyn FnMut()>::new(place_all);
    if window
        .add_event_listener_with_callback("resize", callback.as_ref().unchecked_ref())
        .is_ok()
    {
        // Page-lifetime listener.
        callback.forget();
    }
}
