//! The first layer, drawn directly with web-sys (no framework on every
//! page): a short text from the policy, the two policy links and three
//! buttons. Accept all and Reject all share one style (equal prominence);
//! Manage preferences is secondary.
//!
//! The banner is a labelled region, not a modal: it takes focus only when it
//! comes back after the preference tool it opened was closed, so a keyboard
//! user lands where they left off. While the tool loads, Manage preferences
//! says it is busy; if the tool cannot load, a message says so in a live
//! region and all three buttons keep working.

use super::build::{append, attrs, button, el, text_el};
use kloudconsent_domain::config::Texts;
use kloudconsent_domain::screen::BannerState;
use web_sys::{Document, Element, HtmlElement};
use wasm_bindgen::JsCast;

/// The drawn banner and the parts that change.
pub struct Banner {
    pub root: Element,
    manage: Element,
    /// Empty unless the tool failed to load.
    status: Element,
}

impl Banner {
    /// Builds the banner (not yet in the page).
    pub fn build(doc: &Document, t: &Texts) -> Option<Banner> {
        let root = el(doc, "section", "kc-banner")?;
        attrs(
            &root,
            &[
                ("role", "region"),
                ("aria-labelledby", "kc-banner-title"),
                ("aria-describedby", "kc-banner-body"),
            ],
        );
        let text = el(doc, "div", "kc-banner-text")?;
        let title = text_el(doc, "h2", "kc-title", &t.banner_title)?;
        title.set_id("kc-banner-title");
        let body = text_el(doc, "p", "kc-body", &t.banner_body)?;
        body.set_id("kc-banner-body");
        let links = el(doc, "p", "kc-links")?;
        append(&links, &[&link(doc, &t.cookie_policy_url, &t.cookie_policy_label)?]);
        append(&links, &[&link(doc, &t.privacy_policy_url, &t.privacy_policy_label)?]);
        // Polite, so the failure message is read once it appears.
        let status = el(doc, "p", "kc-status")?;
        attrs(&status, &[("role", "status")]);
        append(&text, &[&title, &body, &links, &status]);
        let actions = el(doc, "div", "kc-actions")?;
        let manage = button(doc, "kc-btn kc-secondary", "manage", &t.manage)?;
        append(
            &actions,
            &[
                &button(doc, "kc-btn kc-primary", "accept", &t.accept_all)?,
                &button(doc, "kc-btn kc-primary", "reject", &t.reject_all)?,
                &manage,
            ],
        );
        append(&root, &[&text, &actions]);
        Some(Banner { root, manage, status })
    }

    /// Shows `state`: busy while the tool loads, a message when it failed.
    pub fn set_state(&self, state: BannerState, t: &Texts) {
        let busy = state == BannerState::Busy;
        set_flag(&self.manage, "aria-busy", busy);
        let _ = self.manage.class_list().toggle_with_force("kc-busy", busy);
        let message = if state == BannerState::ToolFailed { t.tool_failed.as_str() } else { "" };
        if self.status.text_content().as_deref() != Some(message) {
            self.status.set_text_content(Some(message));
        }
    }

    /// Focuses Manage preferences (the banner is back after the tool it
    /// opened was closed).
    pub fn focus_manage(&self) {
        if let Some(b) = self.manage.dyn_ref::<HtmlElement>() {
            let _ = b.focus();
        }
    }
}

fn link(doc: &Document, href: &str, label: &str) -> Option<Element> {
    let a = text_el(doc, "a", "", label)?;
    attrs(&a, &[("href", href)]);
    Some(a)
}

/// Sets `name="true"` or removes it.
pub fn set_flag(el: &Element, name: &str, on: bool) {
    let _ = if on { el.set_attribute(name, "true") } else { el.remove_attribute(name) };
}
