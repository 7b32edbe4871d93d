//! The small dialog the core shows in place of the preference tool while
//! the tool's module loads (opened from the page, where there is no banner
//! button to show busy), or when it could not be loaded. Never an empty
//! wait and never a dead end: the failure dialog offers Accept all, Reject
//! all and Close, which work without the tool.

use super::build::{build, Node};
use kloudconsent_domain::config::Texts;
use kloudconsent_domain::screen::DialogState;
use web_sys::{Document, Element};

const DIALOG: &str =
    "class=kc-dialog kc-shell|role=dialog|aria-modal=true|aria-labelledby=kc-shell-title|aria-describedby=kc-shell-body|tabindex=-1";

const LOADING: [Node; 6] = [
    Node {
        depth: 0,
        tag: "div",
        attrs: "class=kc-overlay",
        text: "",
    },
    Node {
        depth: 1,
        tag: "div",
        attrs: DIALOG,
        text: "",
    },
    Node {
        depth: 2,
        tag: "h2",
        attrs: "class=kc-title|id=kc-shell-title",
        text: "prefsTitle",
    },
    Node {
        depth: 2,
        tag: "p",
        attrs: "class=kc-body|id=kc-shell-body",
        text: "loading",
    },
    Node {
        depth: 2,
        tag: "div",
        attrs: "class=kc-actions",
        text: "",
    },
    Node {
        depth: 3,
        tag: "button",
        attrs: "type=button|class=kc-btn kc-secondary|data-kc-action=close",
        text: "close",
    },
];

const FAILED: [Node; 8] = [
    Node {
        depth: 0,
        tag: "div",
        attrs: "class=kc-overlay",
        text: "",
    },
    Node {
        depth: 1,
        tag: "div",
        attrs: DIALOG,
        text: "",
    },
    Node {
        depth: 2,
        tag: "h2",
        attrs: "class=kc-title|id=kc-shell-title",
        text: "prefsTitle",
    },
    Node {
        depth: 2,
        tag: "p",
        attrs: "class=kc-body|id=kc-shell-body",
        text: "toolFailed",
    },
    Node {
        depth: 2,
        tag: "div",
        attrs: "class=kc-actions",
        text: "",
    },
    Node {
        depth: 3,
        tag: "button",
        attrs: "type=button|class=kc-btn kc-primary|data-kc-action=accept",
        text: "acceptAll",
    },
    Node {
        depth: 3,
        tag: "button",
        attrs: "type=button|class=kc-btn kc-primary|data-kc-action=reject",
        text: "rejectAll",
    },
    Node {
        depth: 3,
        tag: "button",
        attrs: "type=button|class=kc-btn kc-secondary|data-kc-action=close",
        text: "close",
    },
];

/// Builds the overlay holding the dialog for `state` (Loading or Failed).
pub fn build_shell(doc: &Document, texts: &Texts, state: DialogState) -> Option<Element> {
    let template: &[Node] = if state == DialogState::Failed {
        &FAILED
    } else {
        &LOADING
    };
    let mut made = build(doc, template, texts)?;
    // Busy while loading: assistive technology hears that it is not ready.
    if state != DialogState::Failed {
        made[1].set_attribute("aria-busy", "true").ok()?;
    }
    Some(made.swap_remove(0))
}
