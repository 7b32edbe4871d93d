//! The small dialog the core shows in place of the preference tool while
//! the tool's module loads (opened from the page, where there is no banner
//! button to show busy), or when it could not be loaded. Never an empty
//! wait and never a dead end: the failure dialog offers Accept all, Reject
//! all and Close, which work without the tool.

use super::build::{append, attrs, button, el, text_el};
use kloudconsent_domain::config::Texts;
use kloudconsent_domain::screen::DialogState;
use web_sys::{Document, Element};

/// Builds the overlay holding the dialog for `state` (Loading or Failed).
pub fn build(doc: &Document, t: &Texts, state: DialogState) -> Option<Element> {
    let overlay = el(doc, "div", "kc-overlay")?;
    let dialog = el(doc, "div", "kc-dialog kc-shell")?;
    attrs(
        &dialog,
        &[
            ("role", "dialog"),
            ("aria-modal", "true"),
            ("aria-labelledby", "kc-shell-title"),
            ("aria-describedby", "kc-shell-body"),
            ("tabindex", "-1"),
        ],
    );
    let failed = state == DialogState::Failed;
    let title = text_el(doc, "h2", "kc-title", &t.prefs_title)?;
    title.set_id("kc-shell-title");
    let message = if failed { &t.tool_failed } else { &t.loading };
    let body = text_el(doc, "p", "kc-body", message)?;
    body.set_id("kc-shell-body");
    let actions = el(doc, "div", "kc-actions")?;
    if failed {
        append(
            &actions,
            &[
                &button(doc, "kc-btn kc-primary", "accept", &t.accept_all)?,
                &button(doc, "kc-btn kc-primary", "reject", &t.reject_all)?,
            ],
        );
    } else {
        attrs(&dialog, &[("aria-busy", "true")]);
    }
    append(&actions, &[&button(doc, "kc-btn kc-secondary", "close", &t.close)?]);
    append(&dialog, &[&title, &body, &actions]);
    append(&overlay, &[&dialog]);
    Some(overlay)
}
