//! Fixtures shared by the domain's unit tests.

use super::decision::{decide, Choice};
use super::{Config, Consent};

/// 2026-11-28T12:00:00.000Z: "now" in tests that need one.
pub const NOW: i64 = 1_795_867_200_000;

pub fn cfg() -> Config {
    Config::default_policy()
}

/// A first decision, made at [`NOW`] under the default policy.
pub fn stored(choice: Choice) -> Consent {
    Consent::Stored(decide(
        choice,
        &Consent::Undecided,
        &cfg(),
        NOW,
        "AAAAAAAAAAAA".into(),
    ))
}
