//! Fixtures shared by the domain's unit tests.

use super::decision::{decide, Choice};
use super::{Config, Consent};

/// 2026-11-28T12:00:00.000Z: "now" in tests that need one.
pub const NOW: i64 = 1_795_867_200_000;

/// The default policy with analytics' two tools as services
/// (`category::policy_categories(true)`): what the services tests use.
pub fn cfg() -> Config {
    Config {
        categories: crate::category::policy_categories(true),
        ..Config::default_policy()
    }
}

/// The rows of a cookie table's JSON (`Category::table`) as
/// `[name, provider, purpose, duration]`, checking that each row is exactly
/// four strings. Empty for an empty table.
pub fn rows(table: &str) -> Vec<[String; 4]> {
    use kloudconsent_json::{Json, Value};
    if table.is_empty() {
        return Vec::new();
    }
    let parsed = Json::parse(table).unwrap_or_else(|e| panic!("{table}: {e}"));
    parsed
        .items()
        .iter()
        .map(|row| {
            let cells: Vec<String> = row
                .items()
                .iter()
                .map(|v| v.as_string().expect("a string"))
                .collect();
            <[String; 4]>::try_from(cells).unwrap_or_else(|_| panic!("4 cells: {table}"))
        })
        .collect()
}

/// The default policy's categories without their services: what every
/// config looked like before services, whose rules must not change.
pub fn without_services() -> Config {
    let mut c = cfg();
    for category in &mut c.categories {
        category.services.clear();
    }
    c
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
