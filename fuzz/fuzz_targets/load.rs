//! Both stores at once, as the widget reads them on every page load: the
//! input is split at NUL bytes into the localStorage value and up to four
//! cookie values (under both cookie names), read with and without a shared
//! cookie domain, on a host with a parent domain and on one without (an IP
//! address). Never panics; a winner is always one of the valid inputs, and
//! only localStorage's own record counts more than one revision ahead.
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
    for (config, written, others_can_write) in [
        (&plain, CookieName::Host, true),
        (&plain, CookieName::Plain, true),
        (&shared, CookieName::Plain, true),
        (&plain, CookieName::Plain, false),
    ] {
        let decoded = local.map(kloudconsent_domain::record::decode_json);
        let loaded =
            decision::load_decoded(decoded, &cookies, config, NOW, written, others_can_write);
        if let Some(record) = &loaded.record {
            assert!(record.decided_at_ms <= NOW + 86_400_000);
            assert!(record.expires_at_ms > NOW);
            // Any higher revision from localStorage (contract section 4);
            // from a cookie one above at most.
            if record.revision > config.revision + 1 {
                assert!(!loaded.rewrite_local, "only localStorage's own record");
            }
        } else {
            assert!(!loaded.rewrite_local && !loaded.rewrite_cookie);
        }
    }
});
