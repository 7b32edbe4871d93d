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

use super::build::{build, Node};
use crate::browser::dom;
use kloudconsent_domain::config::Texts;
use kloudconsent_domain::screen::BannerState;
use web_sys::{Document, Element};

const TEMPLATE: [Node; 13] = [
    Node { depth: 0, tag: "section", attrs: "class=kc-banner|role=region|aria-labelledby=kc-banner-title|aria-describedby=kc-banner-notice kc-banner-body", text: "" },
    Node { depth: 1, tag: "div", attrs: "class=kc-banner-text", text: "" },
    Node { depth: 2, tag: "h2", attrs: "class=kc-title|id=kc-banner-title", text: "bannerTitle" },
    // Kept only when the visitor's last decision was under an older revision.
    Node { depth: 2, tag: "p", attrs: "class=kc-notice|id=kc-banner-notice", text: "revisionNotice" },
    Node { depth: 2, tag: "p", attrs: "class=kc-body|id=kc-banner-body", text: "bannerBody" },
    Node { depth: 2, tag: "p", attrs: "class=kc-links", text: "" },
    Node { depth: 3, tag: "a", attrs: "href=$cookiePolicyUrl", text: "cookiePolicyLabel" },
    Node { depth: 3, tag: "a", attrs: "href=$privacyPolicyUrl", text: "privacyPolicyLabel" },
    // Polite, so the failure message is read once it appears.
    Node { depth: 2, tag: "p", attrs: "class=kc-status|role=status", text: "" },
    Node { depth: 1, tag: "div", attrs: "class=kc-actions", text: "" },
    Node { depth: 2, tag: "button", attrs: "type=button|class=kc-btn kc-primary|data-kc-action=accept", text: "acceptAll" },
    Node { depth: 2, tag: "button", attrs: "type=button|class=kc-btn kc-primary|data-kc-action=reject", text: "rejectAll" },
    Node { depth: 2, tag: "button", attrs: "type=button|class=kc-btn kc-secondary|data-kc-action=manage", text: "manage" },
];
const NOTICE: usize = 3;
const STATUS: usize = 8;
const MANAGE: usize = 12;

/// The drawn banner and the parts that change.
pub struct Banner {
    pub root: Element,
    pub manage: Element,
    /// The loading text while the tool loads, its failure message if it
    /// could not; otherwise empty.
    status: Element,
}

impl Banner {
    /// Builds the banner (not yet in the page). `revised`: the visitor's
    /// decision was made under an older revision of the policy, which the
    /// banner then says first (`revisionNotice`, part of its description).
    pub fn build(doc: &Document, texts: &Texts, revised: bool) -> Option<Banner> {
        let mut made = build(doc, &TEMPLATE, texts)?;
        let manage = made.swap_remove(MANAGE);
        let status = made.swap_remove(STATUS);
        let notice = made.swap_remove(NOTICE);
        // Gone unless due: the root's description then names only the body.
        if !revised {
            notice.remove();
        }
        Some(Banner {
            root: made.swap_remove(0),
            manage,
            status,
        })
    }

    /// Shows `state`: busy while the tool loads, a message when it failed.
    pub fn set_state(&self, state: BannerState, texts: &Texts) {
        let busy = state == BannerState::Busy;
        let _ = if busy {
            self.manage.set_attribute("aria-busy", "true")
        } else {
            self.manage.remove_attribute("aria-busy")
        };
        let _ = self.manage.class_list().toggle_with_force("kc-busy", busy);
        // In the live region: the busy button's aria-busy alone is not
        // spoken by many screen readers.
        let message = match state {
            BannerState::ToolFailed => texts.tool_failed(),
            BannerState::Busy => texts.loading(),
            BannerState::Ready => "",
        };
        if dom::text_content(&self.status).as_deref() != Some(message) {
            self.status.set_text_content(Some(message));
        }
    }
}
