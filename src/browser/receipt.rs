//! Proof of consent: each decision is sent to the config's `receiptUrl`.
//!
//! `navigator.sendBeacon` queues the request and returns at once, and the
//! browser delivers it even if the visitor navigates away right after
//! clicking. The body is a plain string, so it goes as
//! `text/plain;charset=UTF-8`: a CORS-safelisted type, which needs no
//! preflight (a beacon cannot answer one) when the endpoint is on another
//! origin. A receipt that cannot be sent only costs a console warning: the
//! visitor's choice is already in force and stored.

use super::console;
use super::dom;

pub fn send(url: &str, body: &str) {
    let Some(window) = dom::window() else {
        return;
    };
    let problem = match window.navigator().send_beacon_with_opt_str(url, Some(body)) {
        Ok(true) => return,
        Ok(false) => "the browser refused to queue the consent receipt for ",
        Err(_) => "could not send the consent receipt to ",
    };
    console::warn(&kloudconsent_domain::text::cat(&[
        problem,
        url,
        "; the decision itself is stored.",
    ]));
}
