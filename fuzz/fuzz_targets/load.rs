//! Both stores at once, as the widget reads them on every page load: the
//! input is split at NUL bytes into the localStorage value and up to four
//! cookie values (under both cookie names), read with and without a shared
//! cookie domain. Never panics; a winner is always one of the valid inputs.
#![no_main]

use kloudconsent_domain::decision::{self, CookieName};
use kloudconsent_domain::Config;
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_795_867_200_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let local = parts.next().filter(|s| !s.is_empty());
    // Alternating names: `kloudconsent`, `__Host-kloudconsent`, ...
    let cookies: Vec<(&str, &str)> = parts
        .take(4)
        .enumerate()
        .map(|(i, v)| {
            (
                if i % 2 == 0 {
                    "kloudconsent"
                } else {
                    "__Host-kloudconsent"
                },
                v,
            )
        })
        .collect();
    let plain = Config::default_policy();
    let shared = Config {
        cookie_domain: Some(".example.com".into()),
        ..Config::default_policy()
    };
    for (config, written) in [
        (&plain, CookieName::Host),
        (&plain, CookieName::Plain),
        (&shared, CookieName::Plain),
    ] {
        let loaded = decision::load(local, &cookies, config, NOW, written);
        if let Some(record) = &loaded.record {
            assert!(record.decided_at_ms <= NOW + 86_400_000);
            assert!(record.expires_at_ms > NOW);
            assert!(record.revision <= config.revision + 1);
        } else {
            assert!(!loaded.rewrite_local && !loaded.rewrite_cookie);
        }
    }
});
