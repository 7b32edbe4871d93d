//! Which gated script or embed may run, given the consent in force.
//!
//! Pages mark elements with `data-consent="analytics marketing"` (run once
//! every named category is granted) or `data-consent="!analytics"` (a clean-up
//! script that runs when a stored decision refuses the category). The browser
//! layer parses each attribute once with [`parse_gate`] and asks [`verdict`]
//! again whenever the consent changes.

use super::config::Config;
use super::decision::Consent;

/// What an element's `data-consent` attribute asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Run once every listed category is granted (`"a b"`).
    All(Vec<String>),
    /// Run when a stored decision refuses this category (`"!a"`).
    CleanupWhenRefused(String),
}

/// What to do with a gated element now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Activate it.
    Run,
    /// Leave it inert; ask again when the consent changes.
    Wait,
    /// It names categories the config does not have (listed), or none at all:
    /// it never runs, and the page author gets a console warning.
    Unknown(Vec<String>),
}

/// Reads a `data-consent` value. Ids are separated by any whitespace. A single
/// `!id` is a clean-up gate; a `!` anywhere else stays part of the id, which
/// no config can define, so the element is reported as unknown instead of
/// being guessed at.
pub fn parse_gate(attr: &str) -> Gate {
    let mut tokens = Vec::new();
    for token in attr.split_whitespace() {
        tokens.push(token.to_owned());
    }
    match &tokens[..] {
        [only] if only.starts_with('!') => Gate::CleanupWhenRefused(only[1..].to_owned()),
        _ => Gate::All(tokens),
    }
}

/// Whether the gated element may run under `consent`.
///
/// A clean-up gate needs a *stored* refusal: while undecided (or under a
/// privacy signal) nothing was refused by the visitor, so there is nothing to
/// clean up yet. An empty gate names no category and never runs: running
/// it would bypass consent altogether.
pub fn verdict(gate: &Gate, consent: &Consent, config: &Config) -> Verdict {
    match gate {
        Gate::All(ids) => {
            let unknown = unknown_ids(ids, config);
            if ids.is_empty() || !unknown.is_empty() {
                Verdict::Unknown(unknown)
            } else if ids.iter().all(|id| consent.granted(id, config)) {
                Verdict::Run
            } else {
                Verdict::Wait
            }
        }
        Gate::CleanupWhenRefused(id) => {
            if !config.knows(id) {
                Verdict::Unknown(vec![id.clone()])
            } else if consent.is_decided() && !consent.granted(id, config) {
                Verdict::Run
            } else {
                Verdict::Wait
            }
        }
    }
}

/// The ids (deduplicated, in order) that the config does not define.
fn unknown_ids(ids: &[String], config: &Config) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !config.knows(id) && !out.contains(id) {
            out.push(id.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::Choice;
    use crate::test_support::{cfg, stored};
    use proptest::prelude::*;

    fn only_analytics() -> Consent {
        stored(Choice::Set([("analytics", true)].into()))
    }

    fn v(attr: &str, c: &Consent) -> Verdict {
        verdict(&parse_gate(attr), c, &cfg())
    }

    #[test]
    fn parsing() {
        assert_eq!(parse_gate("analytics"), Gate::All(vec!["analytics".into()]));
        assert_eq!(
            parse_gate("  analytics \t marketing\n"),
            Gate::All(vec!["analytics".into(), "marketing".into()])
        );
        assert_eq!(
            parse_gate("!analytics"),
            Gate::CleanupWhenRefused("analytics".into())
        );
        assert_eq!(
            parse_gate(" !analytics "),
            Gate::CleanupWhenRefused("analytics".into())
        );
        assert_eq!(parse_gate("!a b"), Gate::All(vec!["!a".into(), "b".into()]));
        assert_eq!(parse_gate(""), Gate::All(vec![]));
        assert_eq!(parse_gate("!"), Gate::CleanupWhenRefused(String::new()));
    }

    #[test]
    fn all_gates() {
        let table: &[(&str, Consent, Verdict)] = &[
            ("analytics", Consent::Undecided, Verdict::Wait),
            ("analytics", Consent::Signal, Verdict::Wait),
            ("analytics", stored(Choice::RejectAll), Verdict::Wait),
            ("analytics", stored(Choice::AcceptAll), Verdict::Run),
            ("analytics", only_analytics(), Verdict::Run),
            ("analytics marketing", only_analytics(), Verdict::Wait),
            (
                "analytics marketing",
                stored(Choice::AcceptAll),
                Verdict::Run,
            ),
            ("necessary", Consent::Undecided, Verdict::Run),
            ("security necessary", Consent::Signal, Verdict::Run),
            (
                "unknown",
                stored(Choice::AcceptAll),
                Verdict::Unknown(vec!["unknown".into()]),
            ),
            (
                "analytics x x y",
                stored(Choice::AcceptAll),
                Verdict::Unknown(vec!["x".into(), "y".into()]),
            ),
            (
                "!a b",
                stored(Choice::AcceptAll),
                Verdict::Unknown(vec!["!a".into(), "b".into()]),
            ),
            ("", stored(Choice::AcceptAll), Verdict::Unknown(vec![])),
            ("   ", Consent::Undecided, Verdict::Unknown(vec![])),
        ];
        for (attr, consent, want) in table {
            assert_eq!(&v(attr, consent), want, "{attr:?} under {consent:?}");
        }
    }

    #[test]
    fn cleanup_gates() {
        let table: &[(&str, Consent, Verdict)] = &[
            ("!analytics", Consent::Undecided, Verdict::Wait),
            ("!analytics", Consent::Signal, Verdict::Wait),
            ("!analytics", stored(Choice::RejectAll), Verdict::Run),
            ("!analytics", stored(Choice::AcceptAll), Verdict::Wait),
            ("!marketing", only_analytics(), Verdict::Run),
            ("!analytics", only_analytics(), Verdict::Wait),
            ("!necessary", stored(Choice::RejectAll), Verdict::Wait),
            (
                "!nope",
                stored(Choice::RejectAll),
                Verdict::Unknown(vec!["nope".into()]),
            ),
            (
                "!",
                stored(Choice::RejectAll),
                Verdict::Unknown(vec![String::new()]),
            ),
        ];
        for (attr, consent, want) in table {
            assert_eq!(&v(attr, consent), want, "{attr:?} under {consent:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn nothing_optional_runs_before_a_decision(attr in "[!a-z ]{0,30}") {
            for consent in [Consent::Undecided, Consent::Signal] {
                if verdict(&parse_gate(&attr), &consent, &cfg()) == Verdict::Run {
                    let Gate::All(ids) = parse_gate(&attr) else {
                        return Err(TestCaseError::fail("a clean-up gate ran while undecided"));
                    };
                    prop_assert!(ids.iter().all(|id| cfg().category(id).is_some_and(|c| c.required)));
                }
            }
        }
    }

    #[test]
    fn service_gates() {
        let ga = "analytics.ga";
        let only_ga = stored(Choice::Set([(ga, true)].into()));
        let only_insights = stored(Choice::Set([("analytics.appinsights", true)].into()));
        let table: &[(&str, &Consent, Verdict)] = &[
            ("analytics.ga", &only_ga, Verdict::Run),
            ("analytics.appinsights", &only_ga, Verdict::Wait),
            ("analytics.appinsights", &only_insights, Verdict::Run),
            ("analytics.ga", &only_insights, Verdict::Wait),
            // A category with services runs once any of them is granted.
            ("analytics", &only_ga, Verdict::Run),
            (
                "analytics.ga analytics.appinsights",
                &only_ga,
                Verdict::Wait,
            ),
            ("analytics.ga necessary", &only_ga, Verdict::Run),
            ("analytics.ga marketing", &only_ga, Verdict::Wait),
            ("!analytics.appinsights", &only_ga, Verdict::Run),
            ("!analytics.ga", &only_ga, Verdict::Wait),
            ("!analytics.ga", &Consent::Undecided, Verdict::Wait),
            ("analytics.ga", &Consent::Undecided, Verdict::Wait),
            (
                "analytics.nope",
                &only_ga,
                Verdict::Unknown(vec!["analytics.nope".into()]),
            ),
            (
                "marketing.ga analytics.ga",
                &only_ga,
                Verdict::Unknown(vec!["marketing.ga".into()]),
            ),
            (
                "!analytics.nope",
                &only_ga,
                Verdict::Unknown(vec!["analytics.nope".into()]),
            ),
        ];
        for (attr, consent, want) in table {
            assert_eq!(&v(attr, consent), want, "{attr:?} under {consent:?}");
        }
    }
}
