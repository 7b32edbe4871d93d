//! Gated embeds: `<iframe>`, `<img>`, `<video>` and `<audio>` with
//! `data-consent` get their `src` (and `srcset`, `poster`, and the `src`/
//! `srcset` of their `<source>` children) from the `data-` twins of those
//! attributes only when allowed (contract section 6, README "Gated embeds").
//!
//! What each embed should show is `domain::embeds`'s decision; this module
//! keeps one entry per embed (its parsed gate, the visitor's "Allow once",
//! its placeholder) and makes the page match that decision:
//! - [`update`] on every change of decision (and at start-up) visits every
//!   embed;
//! - [`dom_changed`] on a DOM change visits only the embeds inside the nodes
//!   that were added or removed, found through a lookup table: an unrelated
//!   change costs nothing per embed (issue 18, finding 7).
//!
//! Both are idempotent: our own DOM changes (the placeholders we insert)
//! come back through the MutationObserver and must then change nothing.

use super::{console, dom, placeholder};
use crate::domain::embeds::{self, EmbedView};
use crate::domain::{gating, Config, Consent, Gate};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlMediaElement, ResizeObserver};

/// Candidates; [`is_gated`] keeps those with something to gate.
const SELECTOR: &str = "iframe[data-consent][data-src],img[data-consent][data-src],\
img[data-consent][data-srcset],video[data-consent],audio[data-consent]";

/// `<source>` children whose URLs are gated with their parent's.
const SOURCES: &str = ":scope>source[data-src],:scope>source[data-srcset]";

/// The URL attributes a page writes as `data-` twins.
const DATA_URLS: [&str; 3] = ["data-src", "data-srcset", "data-poster"];

struct Embed {
    el: Element,
    gate: Gate,
    /// "Allow once": loaded for this page only, never stored.
    once: bool,
    /// Its URLs are set.
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
    /// An iframe's `srcdoc`, taken off while blocked: the browser renders it
    /// (and runs its scripts) whatever `src` says.
    srcdoc: Option<String>,
    /// Warned about once already.
    warned: bool,
}

/// Every embed seen, in slots that keep their index while the page lives.
struct Embeds {
    slots: Vec<Option<Embed>>,
    free: Vec<usize>,
    /// An embed element → its slot index. Weak, so an element the page drops
    /// is not kept alive by us.
    index: Option<js_sys::WeakMap>,
}

/// Page-lifetime listeners, created on first need and shared by all embeds.
struct Listeners {
    click: Closure<dyn FnMut(web_sys::Event)>,
    resize: Option<(ResizeObserver, Closure<dyn FnMut()>)>,
}

type AllowAlways = Rc<dyn Fn(Vec<String>)>;

thread_local! {
    static EMBEDS: RefCell<Embeds> = const {
        RefCell::new(Embeds { slots: Vec::new(), free: Vec::new(), index: None })
    };
    static LISTENERS: RefCell<Option<Listeners>> = const { RefCell::new(None) };
    /// "Allow always": stores the named categories as granted (set by boot).
    static ALLOW_ALWAYS: RefCell<Option<AllowAlways>> = const { RefCell::new(None) };
    static WARNED_SRCDOC: Cell<bool> = const { Cell::new(false) };
}

/// What "Allow always" does with the categories an embed needs: the widget
/// turns them into a stored custom decision.
pub fn on_allow_always(f: impl Fn(Vec<String>) + 'static) {
    ALLOW_ALWAYS.with(|a| *a.borrow_mut() = Some(Rc::new(f)));
}

/// Brings every gated embed in line with `consent`. `revoked` lists the
/// categories this change took back (their "Allow once"s end too).
pub fn update(consent: &Consent, config: &Config, revoked: &[String]) {
    let found: Vec<Element> = dom::query_all(SELECTOR)
        .into_iter()
        .filter(is_gated)
        .collect();
    let known = EMBEDS.with(|e| e.borrow().slots.iter().any(Option::is_some));
    if found.is_empty() && !known {
        return;
    }
    let Some(on_click) = click_handler() else {
        return;
    };
    let mut to_place = Vec::new();
    EMBEDS.with(|cell| {
        let mut embeds = cell.borrow_mut();
        for el in found {
            if embeds.find(&el).is_none() {
                embeds.add(el);
            }
        }
        for i in 0..embeds.slots.len() {
            embeds.refresh(i, consent, config, revoked, &on_click, &mut to_place, true);
        }
    });
    placeholder::place_all(&to_place);
}

/// A DOM change: `added` and `removed` are the elements the page inserted or
/// took out (each with its subtree). Only the gated embeds among them are
/// looked at: a new one is gated, a removed one takes its placeholder along,
/// a moved one gets its placeholder back in front of it.
pub fn dom_changed(added: &[Element], removed: &[Element], consent: &Consent, config: &Config) {
    let mut affected = Vec::new();
    for node in added.iter().chain(removed) {
        if node.matches(SELECTOR).unwrap_or(false) {
            affected.push(node.clone());
        }
        affected.extend(dom::query_all_in(node, SELECTOR));
    }
    if affected.is_empty() {
        return;
    }
    let Some(on_click) = click_handler() else {
        return;
    };
    let mut to_place = Vec::new();
    EMBEDS.with(|cell| {
        let mut embeds = cell.borrow_mut();
        for el in affected {
            let i = match embeds.find(&el) {
                Some(i) => i,
                None if el.is_connected() && is_gated(&el) => embeds.add(el),
                None => continue,
            };
            embeds.refresh(i, consent, config, &[], &on_click, &mut to_place, false);
        }
    });
    placeholder::place_all(&to_place);
}

/// Whether `el` has a URL to gate: a `data-src`/`data-srcset`/`data-poster`
/// of its own, or (audio, video) a `<source>` child with one.
fn is_gated(el: &Element) -> bool {
    DATA_URLS.iter().any(|a| el.has_attribute(a))
        || el.query_selector(SOURCES).ok().flatten().is_some()
}

impl Embeds {
    fn index(&mut self) -> Option<&js_sys::WeakMap> {
        if self.index.is_none() {
            self.index = Some(js_sys::WeakMap::new());
        }
        self.index.as_ref()
    }

    fn find(&self, el: &Element) -> Option<usize> {
        let i = self.index.as_ref()?.get(el).as_f64()? as usize;
        (self.slots.get(i)?.as_ref()?.el == *el).then_some(i)
    }

    fn add(&mut self, el: Element) -> usize {
        let gate = gating::parse_gate(&el.get_attribute("data-consent").unwrap_or_default());
        let i = self.free.pop().unwrap_or(self.slots.len());
        if let Some(index) = self.index() {
            index.set(&el, &JsValue::from(i as u32));
        }
        let embed = Some(Embed {
            el,
            gate,
            once: false,
            loaded: false,
            placeholder: None,
            hidden_from: None,
            alt: None,
            srcdoc: None,
            warned: false,
        });
        if i == self.slots.len() {
            self.slots.push(embed);
        } else {
            self.slots[i] = embed;
        }
        i
    }

    /// Makes slot `i` match `consent`: forgets an embed the page removed
    /// (with its placeholder), else loads it or shows its placeholder. A
    /// placeholder that is new or had to be put back goes into `to_place`
    /// (every shown one when `all`).
    #[allow(clippy::too_many_arguments)]
    fn refresh(
        &mut self,
        i: usize,
        consent: &Consent,
        config: &Config,
        revoked: &[String],
        on_click: &js_sys::Function,
        to_place: &mut Vec<(HtmlElement, Element)>,
        all: bool,
    ) {
        let Some(e) = self.slots.get_mut(i).and_then(Option::as_mut) else {
            return;
        };
        if !e.el.is_connected() {
            e.remove_placeholder();
            if let Some(index) = &self.index {
                index.delete(&e.el);
            }
            self.slots[i] = None;
            self.free.push(i);
            return;
        }
        if e.once && !embeds::once_survives(&e.gate, revoked) {
            e.once = false;
        }
        let mut view = embeds::view(&e.gate, consent, config, e.once);
        if view == EmbedView::Load {
            if let Err(refused) = e.load() {
                view = EmbedView::Never(refused);
            }
        }
        match view {
            EmbedView::Load => {}
            EmbedView::Placeholder(missing) => {
                e.unload();
                let text = embeds::placeholder_text(&missing, config);
                let moved = e.show_placeholder(&text, config, on_click);
                if let Some(host) = e.placeholder.as_ref().filter(|_| moved || all) {
                    to_place.push((host.clone(), e.el.clone()));
                }
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
}

impl Embed {
    /// The embed's `<source>` children that carry gated URLs (for an `<img>`,
    /// those of its `<picture>`).
    fn sources(&self) -> Vec<Element> {
        let parent = match self.el.parent_element() {
            Some(p) if self.el.local_name() == "img" && p.local_name() == "picture" => p,
            _ => self.el.clone(),
        };
        dom::query_all_in(&parent, SOURCES)
    }

    /// Gives the embed its URLs from their `data-` twins, and its `srcdoc`
    /// back. `Err` says why it must never load: a `data-` URL that is not
    /// http(s) or relative (checked here, right before copying, since the
    /// page may change them at any time).
    fn load(&mut self) -> Result<(), String> {
        if self.loaded {
            self.remove_placeholder();
            return Ok(());
        }
        let base = dom::document()
            .and_then(|d| d.base_uri().ok().flatten())
            .unwrap_or_default();
        let mut elements = self.sources();
        let sources = elements.len();
        elements.push(self.el.clone());
        for copy in [false, true] {
            for el in &elements {
                for data in DATA_URLS {
                    let Some(value) = el.get_attribute(data) else {
                        continue;
                    };
                    if copy {
                        let _ = el.set_attribute(&data[5..], &value);
                    } else if let Some(refused) = embeds::url_refusal(data, &value, &base) {
                        return Err(refused);
                    }
                }
            }
        }
        self.remove_placeholder();
        self.loaded = true;
        if let Some(doc) = self.srcdoc.take() {
            let _ = self.el.set_attribute("srcdoc", &doc);
        }
        if sources > 0 {
            if let Some(media) = self.el.dyn_ref::<HtmlMediaElement>() {
                // A media element does not notice a `src` set on a
                // `<source>` it has already passed over.
                media.load();
            }
        }
        Ok(())
    }

    /// Takes the content away: on first sight (a `src` the page wrote next
    /// to `data-src` is removed too) and when a category is revoked.
    fn unload(&mut self) {
        self.loaded = false;
        let mut changed = take_off_urls(&self.el);
        for el in self.sources() {
            changed |= take_off_urls(&el);
        }
        if let Some(doc) = self
            .el
            .get_attribute("srcdoc")
            .filter(|_| self.el.local_name() == "iframe")
        {
            let _ = self.el.remove_attribute("srcdoc");
            self.srcdoc = Some(doc);
            if !WARNED_SRCDOC.with(|w| w.replace(true)) {
                console::warn("a gated iframe's srcdoc is not gated; it is taken off until allowed (use data-src).");
            }
        }
        if changed {
            if let Some(media) = self.el.dyn_ref::<HtmlMediaElement>() {
                // Without load() a media element keeps playing its old resource.
                media.load();
            }
        }
    }

    /// Shows the placeholder with `text`. Returns whether it was created or
    /// (re)inserted, and so must be laid over the embed.
    fn show_placeholder(
        &mut self,
        text: &str,
        config: &Config,
        on_click: &js_sys::Function,
    ) -> bool {
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
            return false;
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
        !in_place
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

/// Removes the URLs that `el`'s `data-` twins stand for: `src` and `srcset`
/// (one image, so both) when it has `data-src` or `data-srcset`, `poster`
/// when it has `data-poster`. Returns whether anything was removed.
fn take_off_urls(el: &Element) -> bool {
    let media = el.has_attribute("data-src") || el.has_attribute("data-srcset");
    let poster = el.has_attribute("data-poster");
    let mut removed = false;
    for (attr, gated) in [("src", media), ("srcset", media), ("poster", poster)] {
        if gated && el.has_attribute(attr) {
            // Removing an iframe's src navigates it to about:blank, which
            // unloads the third-party document.
            let _ = el.remove_attribute(attr);
            removed = true;
        }
    }
    removed
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
    // calls into the widget, which comes back here through `update`. (A
    // search, but only per click.)
    let found = EMBEDS.with(|cell| {
        let mut embeds = cell.borrow_mut();
        let e = embeds
            .slots
            .iter_mut()
            .flatten()
            .find(|e| e.placeholder.as_ref().is_some_and(|p| **p == host))?;
        let ids = match (&e.gate, action.as_str()) {
            (_, "once") => {
                e.once = true;
                if let Err(refused) = e.load() {
                    console::warn(&refused);
                }
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

/// Re-lays every placeholder over its embed (after a resize), all boxes read
/// before any style is written.
fn place_all() {
    let items: Vec<(HtmlElement, Element)> = EMBEDS.with(|cell| {
        let embeds = cell.borrow();
        let mut items = Vec::new();
        for e in embeds.slots.iter().flatten() {
            if let Some(host) = &e.placeholder {
                items.push((host.clone(), e.el.clone()));
            }
        }
        items
    });
    placeholder::place_all(&items);
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
