//! Releases gated `<script type="text/plain" data-consent="...">` tags.
//!
//! The decision of *whether* a tag may run is `domain::gating`'s; this module
//! only finds the tags and runs them: in document order, each at most once,
//! with their attributes. An external script without `async` holds the queue
//! until it has loaded (or failed), because a dynamically inserted script is
//! async by default and would otherwise overtake the inline scripts after it.

use super::{console, dom};
use crate::domain::{gating, Config, Consent, Verdict};
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlScriptElement, MutationObserver, MutationObserverInit};

const PENDING: &str = "script[type='text/plain'][data-consent]";
/// Marks a tag already queued or already warned about, so it is handled once.
const MARK: &str = "data-kloudconsent";

#[derive(Default)]
struct Queue {
    tags: VecDeque<Element>,
    /// An external script is loading and must finish before the next runs.
    waiting: bool,
    /// The embed tag's nonce: the page's, under a nonce CSP.
    nonce: Option<String>,
    /// The gated tags that were in the document when the widget started (the
    /// page's parsed HTML): only they may be given the embed tag's nonce.
    at_boot: Option<js_sys::WeakMap>,
    /// The console was told that a later tag lacks the page's nonce.
    warned_nonce: bool,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::new(Queue::default());
}

/// Remembers the embed tag's nonce and the gated tags in the document now,
/// at start-up.
///
/// Under a nonce Content-Security-Policy the widget must not become a way
/// around it: markup injected later (a CMS field, an `innerHTML` the page
/// did not sanitise enough) is not trusted with the page's nonce. So the
/// nonce is given only to the tags present now, which came with the page's
/// HTML; a tag added later runs only with its own nonce, and only when that
/// is the page's (issue 18, finding 3). This holds under `'strict-dynamic'`
/// too, where any script the widget inserts would run whatever its nonce.
pub fn start(nonce: Option<String>) {
    // A WeakMap used as a set: the embeds' lookup table is one too.
    let set = js_sys::WeakMap::new();
    for tag in dom::query_all(PENDING) {
        set.set(&tag, &JsValue::TRUE);
    }
    QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        q.nonce = nonce.filter(|n| !n.is_empty());
        q.at_boot = Some(set);
    });
}

/// The nonce `tag` is activated with, or `Err` when the page has a nonce
/// and `tag` may not run under it: added after start-up without the page's
/// nonce of its own.
fn nonce_for(tag: &Element) -> Result<Option<String>, ()> {
    // The nonce attribute is hidden from getAttribute once parsed; only the
    // property still carries it.
    let own = tag
        .dyn_ref::<HtmlElement>()
        .map(|e| e.nonce())
        .unwrap_or_default();
    QUEUE.with(|q| {
        let q = q.borrow();
        let at_boot = q.at_boot.as_ref().is_some_and(|set| set.has(tag));
        match (&q.nonce, own.is_empty()) {
            // No nonce on the embed tag: the tag's own, if any.
            (None, true) => Ok(None),
            (None, false) => Ok(Some(own)),
            // The page's HTML: its own nonce, else the page's.
            (Some(page), true) if at_boot => Ok(Some(page.clone())),
            (Some(_), false) if at_boot => Ok(Some(own)),
            // Added later: only with the page's nonce, as its own.
            (Some(page), false) if *page == own => Ok(Some(own)),
            (Some(_), _) => Err(()),
        }
    })
}

/// Queues every waiting tag that `consent` now allows and starts running them.
pub fn release(consent: &Consent, config: &Config) {
    drop_refused(consent, config);
    for tag in dom::query_all(PENDING) {
        if tag.has_attribute(MARK) {
            continue;
        }
        let attr = tag.get_attribute("data-consent").unwrap_or_default();
        match gating::verdict(&gating::parse_gate(&attr), consent, config) {
            Verdict::Run if nonce_for(&tag).is_err() => {
                let _ = tag.set_attribute(MARK, "no-nonce");
                let first =
                    QUEUE.with(|q| !std::mem::replace(&mut q.borrow_mut().warned_nonce, true));
                if first {
                    console::warn("a gated script added after start-up lacks the page's nonce; it never runs.");
                }
            }
            Verdict::Run => {
                let _ = tag.set_attribute(MARK, "queued");
                QUEUE.with(|q| q.borrow_mut().tags.push_back(tag));
            }
            Verdict::Unknown(ids) => {
                let _ = tag.set_attribute(MARK, "unknown-category");
                console::warn(&format!(
                    "a gated script names unknown consent categor{} `{}`; it will never run.",
                    if ids.len() == 1 { "y" } else { "ies" },
                    crate::domain::join(&ids, "`, `")
                ));
            }
            Verdict::Wait => {}
        }
    }
    pump();
}

fn allowed(tag: &Element, consent: &Consent, config: &Config) -> bool {
    let attr = tag.get_attribute("data-consent").unwrap_or_default();
    gating::verdict(&gating::parse_gate(&attr), consent, config) == Verdict::Run
}

/// Tags queued behind an external script that is still loading were allowed
/// by an earlier decision. Every change of decision comes through
/// [`release`], so here the queue is cut down to what `consent` allows; the
/// rest go back to waiting (unmarked) and run if granted again.
fn drop_refused(consent: &Consent, config: &Config) {
    let refused = QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        let (keep, refused): (VecDeque<Element>, VecDeque<Element>) = std::mem::take(&mut q.tags)
            .into_iter()
            .partition(|tag| allowed(tag, consent, config));
        q.tags = keep;
        refused
    });
    for tag in refused {
        let _ = tag.remove_attribute(MARK);
    }
}

/// Runs queued tags until one must be waited for. A tag the page removed
/// while it waited is skipped (and runs if the page puts it back): the queue
/// never waits for a script that cannot load.
fn pump() {
    loop {
        let next = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            if q.waiting {
                return None;
            }
            q.tags.pop_front()
        });
        let Some(tag) = next else { return };
        if !tag.is_connected() {
            let _ = tag.remove_attribute(MARK);
            continue;
        }
        let Ok(nonce) = nonce_for(&tag) else { continue };
        if activate(&tag, nonce.as_deref()) {
            QUEUE.with(|q| q.borrow_mut().waiting = true);
            return;
        }
    }
}

/// Replaces `tag` with a live copy of it. Returns whether the queue must wait
/// for the copy to load.
fn activate(tag: &Element, nonce: Option<&str>) -> bool {
    let Some(document) = dom::document() else {
        return false;
    };
    let Ok(live) = document.create_element("script") else {
        return false;
    };
    let Ok(live) = live.dyn_into::<HtmlScriptElement>() else {
        return false;
    };
    copy_attributes(tag, &live);
    if let Some(nonce) = nonce {
        live.set_nonce(nonce);
    }
    let is_async = tag.has_attribute("async");
    live.set_async(is_async);
    if let Some(text) = tag.text_content() {
        live.set_text_content(Some(&text));
    }
    let waits = tag.has_attribute("src") && !is_async;
    if waits {
        let done = Closure::<dyn FnMut()>::new(|| {
            QUEUE.with(|q| q.borrow_mut().waiting = false);
            pump();
        });
        live.set_onload(Some(done.as_ref().unchecked_ref()));
        live.set_onerror(Some(done.as_ref().unchecked_ref()));
        // Freed with the element's handlers: one small closure per gated
        // external script, for the page's lifetime.
        done.forget();
    }
    // Not in the document (replaceWith on a detached node does nothing): no
    // load event will come.
    if tag.replace_with_with_node_1(&live).is_err() || !live.is_connected() {
        return false;
    }
    waits
}

/// Copies every attribute but `type` (a `data-type` becomes the real type,
/// e.g. `module`) and our own mark.
fn copy_attributes(from: &Element, to: &Element) {
    let names = from.get_attribute_names();
    for name in names.iter().filter_map(|n| n.as_string()) {
        if name == "type" || name == MARK || name == "nonce" {
            continue;
        }
        if let Some(value) = from.get_attribute(&name) {
            let target = if name == "data-type" {
                "type"
            } else {
                name.as_str()
            };
            let _ = to.set_attribute(target, &value);
        }
    }
}

/// Whether `added` (elements the page inserted, with their subtrees) holds a
/// gated script.
pub fn any_pending(added: &[Element]) -> bool {
    added.iter().any(|el| {
        el.matches(PENDING).unwrap_or(false) || el.query_selector(PENDING).ok().flatten().is_some()
    })
}

/// Calls `on_change(added, removed)` with the elements inserted into and
/// taken out of the document, so tags and embeds inserted after start-up
/// are gated the same way (and a removed embed's placeholder goes with it).
/// Only those nodes are handed on: what they hold is for the callee to
/// look for, and a change that holds nothing gated costs next to nothing
/// (issue 18, finding 7). The observer lives as long as the page.
pub fn observe(on_change: impl Fn(&[Element], &[Element]) + 'static) {
    let Some(root) = dom::document().and_then(|d| d.document_element()) else {
        return;
    };
    let callback = Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(
        move |records: js_sys::Array, _: MutationObserver| {
            let (mut added, mut removed) = (Vec::new(), Vec::new());
            for record in records.iter() {
                let Ok(record) = record.dyn_into::<web_sys::MutationRecord>() else {
                    continue;
                };
                elements(&record.added_nodes(), &mut added);
                elements(&record.removed_nodes(), &mut removed);
            }
            if !added.is_empty() || !removed.is_empty() {
                on_change(&added, &removed);
            }
        },
    );
    let Ok(observer) = MutationObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    if observer.observe_with_options(&root, &init).is_ok() {
        // Page-lifetime listener: nothing would ever drop it.
        callback.forget();
    }
}

/// The elements of `nodes` (text and comment nodes are skipped).
fn elements(nodes: &web_sys::NodeList, out: &mut Vec<Element>) {
    for i in 0..nodes.length() {
        out.extend(nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()));
    }
}
