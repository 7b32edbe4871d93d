//! The reopen button (config `reopenButton`): a small round button in a
//! corner of the window that opens the preference tool again once a
//! decision is stored, so a visitor can always change their mind even on a
//! page without a "Cookie settings" link. Its accessible name is the
//! `reopenLabel` text (translated like every text); the cookie it shows is
//! drawn by the stylesheet, so there is no image to fetch or allow.
//! `data-position` places it (style.css); `domain::screen` decides when it
//! shows and sends focus back to it when the tool it opened closes.

use super::build::{build, Node};
use kloudconsent_domain::config::Config;
use web_sys::{Document, Element};

const TEMPLATE: [Node; 1] = [Node {
    depth: 0,
    tag: "button",
    attrs: "type=button|class=kc-reopen|data-kc-action=reopen|aria-label=$reopenLabel",
    text: "",
}];

/// Builds the button (not yet in the page).
pub fn build_reopen(doc: &Document, config: &Config) -> Option<Element> {
    let button = build(doc, &TEMPLATE, &config.texts)?.swap_remove(0);
    let position = config.reopen?;
    button.set_attribute("data-position", position).ok()?;
    Some(button)
}
