//! What a gated embed (`<iframe>`, `<img>` or `<video>` with `data-consent`
//! and `data-src`) shows, given the consent in force (contract section 6).
//!
//! Scripts and embeds share [`gating::verdict`], so an embed loads exactly
//! when a script with the same attribute would run. Embeds add two things
//! scripts do not have: a placeholder that names what is missing, and
//! "Allow once", a permission for one element on one page that is never
//! stored. The browser layer keeps that flag and asks [`view`] again on
//! every change.

use super::config::Config;
use super::decision::Consent;
use super::gating::{self, Gate, Verdict};
use crate::text::{cat, join};

/// What to do with a gated embed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbedView {
    /// Give it its `src`: every named category is granted, or the visitor
    /// allowed this one embed once.
    Load,
    /// Keep it empty and cover it with a placeholder naming the categories
    /// (ids, config order of the attribute) that are not granted yet.
    Placeholder(Vec<String>),
    /// Never load it; the message tells the site owner why.
    Never(String),
}

/// What `gate` on an embed asks for under `consent`. `allowed_once` is the
/// visitor's "Allow once" for this element on this page.
pub fn view(gate: &Gate, consent: &Consent, config: &Config, allowed_once: bool) -> EmbedView {
    let ids = match gate {
        // A clean-up gate says "run when refused": loading third-party
        // content because the visitor refused it would invert their choice.
        Gate::CleanupWhenRefused(id) => {
            return EmbedView::Never(cat(&[
                "an embed has data-consent=\"!",
                id,
                "\"; clean-up gates are for scripts only, so it will never load.",
            ]))
        }
        Gate::All(ids) => ids,
    };
    match gating::verdict(gate, consent, config) {
        Verdict::Run => EmbedView::Load,
        Verdict::Unknown(unknown) => EmbedView::Never(cat(&[
            "an embed names unknown consent categor",
            if unknown.len() == 1 { "y" } else { "ies" },
            " `",
            &join(&unknown, "`, `"),
            "`; it will never load.",
        ])),
        Verdict::Wait if allowed_once => EmbedView::Load,
        Verdict::Wait => {
            let mut missing: Vec<String> = Vec::new();
            for id in ids {
                if !consent.granted(id, config) && !missing.contains(id) {
                    missing.push(id.clone());
                }
            }
            EmbedView::Placeholder(missing)
        }
    }
}

/// Whether an "Allow once" survives a change that revoked `revoked`: a visitor
/// who takes back a category they had granted means it for every embed that
/// needs it, including ones they had let through once.
pub fn once_survives(gate: &Gate, revoked: &[String]) -> bool {
    match gate {
        Gate::All(ids) => !ids.iter().any(|id| revoked.contains(id)),
        Gate::CleanupWhenRefused(_) => false,
    }
}

/// The placeholder's sentence for the missing category ids: the configured
/// text with `{category}` replaced by their labels.
pub fn placeholder_text(missing: &[String], config: &Config) -> String {
    let labels: Vec<&str> = missing
        .iter()
        .filter_map(|id| config.category(id))
        .map(|c| c.label.as_str())
        .collect();
    config.texts.placeholder(&join(&labels, ", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cfg, stored};
    use crate::decision::Choice;
    use crate::gating::parse_gate;


    fn v(attr: &str, consent: &Consent, once: bool) -> EmbedView {
        view(&parse_gate(attr), consent, &cfg(), once)
    }

    fn missing(ids: &[&str]) -> EmbedView {
        EmbedView::Placeholder(ids.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn loads_exactly_when_a_script_would_run_or_once_allowed() {
        let analytics = stored(Choice::Set([("analytics", true)].into()));
        assert_eq!(
            v("marketing", &Consent::Undecided, false),
            missing(&["marketing"])
        );
        assert_eq!(
            v("marketing", &Consent::Signal, false),
            missing(&["marketing"])
        );
        assert_eq!(
            v("marketing", &stored(Choice::RejectAll), false),
            missing(&["marketing"])
        );
        assert_eq!(
            v("marketing", &stored(Choice::AcceptAll), false),
            EmbedView::Load
        );
        assert_eq!(v("marketing", &Consent::Undecided, true), EmbedView::Load);
        assert_eq!(v("necessary", &Consent::Undecided, false), EmbedView::Load);
        assert_eq!(
            v("analytics marketing marketing", &analytics, false),
            missing(&["marketing"]),
            "only what is still missing, once"
        );
        assert_eq!(
            v("marketing analytics", &Consent::Undecided, false),
            missing(&["marketing", "analytics"])
        );
    }

    #[test]
    fn never_for_unknown_categories_or_clean_up_gates_even_when_allowed_once() {
        let all = stored(Choice::AcceptAll);
        for (attr, needle) in [("nope", "`nope`"), ("", "``"), ("!marketing", "!marketing")] {
            for once in [false, true] {
                let EmbedView::Never(msg) = v(attr, &all, once) else {
                    panic!("{attr:?} must never load");
                };
                assert!(msg.contains(needle), "{msg}");
            }
        }
        let EmbedView::Never(refused) = v("!marketing", &stored(Choice::RejectAll), false) else {
            panic!("a clean-up gate on an embed never loads, even when refused");
        };
        assert!(refused.contains("scripts only"));
    }

    #[test]
    fn a_revoke_ends_allow_once_for_the_categories_it_names() {
        let g = parse_gate("analytics marketing");
        assert!(once_survives(&g, &[]));
        assert!(once_survives(&g, &["functionality".into()]));
        assert!(!once_survives(&g, &["marketing".into()]));
        assert!(!once_survives(&parse_gate("!marketing"), &[]));
    }

    #[test]
    fn placeholder_text_names_the_missing_labels() {
        let c = cfg();
        assert_eq!(
            placeholder_text(&["marketing".into()], &c),
            "This content is blocked until you allow Marketing and communication cookies."
        );
        assert_eq!(
            placeholder_text(&["analytics".into(), "marketing".into(), "zzz".into()], &c),
            "This content is blocked until you allow Performance and analytics, Marketing and communication cookies."
        );
    }
}
