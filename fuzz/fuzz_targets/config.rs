//! A site config as a site owner (or whoever controls the config URL) could
//! write it. Parsing never panics; an accepted config upholds the invariants
//! the rest of the widget relies on, and a refused one names its field in a
//! message of bounded length.
#![no_main]

use kloudconsent_domain::config::{is_safe_url, parse};
use kloudconsent_domain::record::MAX_CATEGORIES;
use kloudconsent_domain::{decision, Choice, Consent};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_795_867_200_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text) {
        Ok(config) => {
            assert!(!config.categories.is_empty() && config.categories.len() <= MAX_CATEGORIES);
            assert!(is_safe_url(config.texts.cookie_policy_url()));
            assert!(is_safe_url(config.texts.privacy_policy_url()));
            // Every decision under the config can be made, stored and read back.
            for choice in [Choice::AcceptAll, Choice::RejectAll] {
                let r = decision::decide(
                    choice,
                    &Consent::Undecided,
                    &config,
                    NOW,
                    "AAECAwQFBgcICQoLDA0ODw".into(),
                );
                let cookie = kloudconsent_domain::record::encode_cookie(&r);
                let json = kloudconsent_domain::record::encode_json(&r);
                // Under either cookie name, with or without a shared domain.
                for name in [decision::CookieName::Host, decision::CookieName::Plain] {
                    let cookies = [(name.as_str(), cookie.as_str())];
                    let loaded = decision::load(Some(&json), &cookies, &config, NOW, name);
                    assert_eq!(loaded.record.as_ref(), Some(&r));
                }
            }
        }
        Err(e) => {
            // A 10 KB value must not become a 10 KB console message.
            assert!(e.to_string().len() < 600, "message too long: {e}");
        }
    }
});
