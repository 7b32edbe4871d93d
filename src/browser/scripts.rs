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
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlScriptElement, MutationObserver, MutationObserverInit};

const PENDING: &str = "script[type='text/plain'][data-consent]";
/// Marks a tag already queued or already warned about, so it is handled once.
const MARK: &str = "data-kloudconsent";

#[derive(Default)]
struct Queue {
    tags: VecDeque<Element>,
    /// An external script is loading and must finish before the next runs.
    waiting: bool,
    /// The embed tag's nonce, given to activated scripts that have none.
    nonce: Option<String>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::new(Queue::default());
}

/// Remembers the embed tag's nonce for every script activated later.
pub fn set_nonce(nonce: Option<String>) {
    QUEUE.with(|q| q.borrow_mut().nonce = nonce.filter(|n| !n.is_empty()));
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

/// Runs queued tags until one must be waited for.
fn pump() {
    loop {
        let next = QUEUE.with(|q| {
            let mut q = q.borrow_mut();
            if q.waiting {
                return None;
            }
            q.tags.pop_front().map(|tag| (tag, q.nonce.clone()))
        });
        let Some((tag, nonce)) = next else { return };
        if activate(&tag, nonce.as_deref()) {
            QUEUE.with(|q| q.borrow_mut().waiting = true);
            return;
        }
    }
}

/// Replaces `tag` with a live copy of it. Returns whether the queue must wait
/// for the copy to load.
///
/// A tag the page removed while it was queued (a single-page app leaving a
/// route) is skipped: its copy would never be inserted, never load, and the
/// queue would wait for it forever.
fn activate(tag: &Element, nonce: Option<&str>) -> bool {
    if !tag.is_connected() {
        return false;
    }
    let Some(document) = dom::document() else { return false };
    let Ok(live) = document.create_element("script") else { return false };
    let Ok(live) = live.dyn_into::<HtmlScriptElement>() else { return false };
    copy_attributes(tag, &live);
    // The nonce attribute is hidden from getAttribute once parsed; only the
    // property still carries it.
    let own_nonce = tag.dyn_ref::<HtmlElement>().map(|e| e.nonce()).unwrap_or_default();
    match (own_nonce.is_empty(), nonce) {
        (false, _) => live.set_nonce(&own_nonce),
        (true, Some(n)) => live.set_nonce(n),
        (true, None) => {}
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
    if tag.replace_with_with_node_1(&live).is_err() {
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
            let target = if name == "data-type" { "type" } else { name.as_str() };
            let _ = to.set_attribute(target, &value);
        }
    }
}

/// Calls `on_change` whenever nodes are added to or removed from the
/// document, so tags and embeds inserted after start-up are gated the same
/// way (and a removed embed's placeholder goes with it). The observer lives
/// as long as the page.
pub fn observe(on_change: impl Fn() + 'static) {
    let Some(root) = dom::document().and_then(|d| d.document_element()) else { return };
    let callback = Closure::<dyn FnMut(js_sys::Array, MutationObserver)>::new(
        move |records: js_sys::Array, _: MutationObserver| {
            let changed = records.iter().any(|r| {
                r.dyn_into::<web_sys::MutationRecord>()
                    .map(|r| r.added_nodes().length() > 0 || r.removed_nodes().length() > 0)
                    .unwrap_or(false)
            });
            if changed {
                on_change();
            }
        },
    );
    let Ok(observer) = MutationObserver::new(callback.as_ref().unchecked_ref()) else { return };
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    if observer.observe_with_options(&root, &init).is_ok() {
        // Page-lifetime listener: nothing would ever drop it.
        callback.forget();
    }
}
