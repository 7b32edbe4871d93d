//! Both stores at once, as the widget reads them on every page load: the
//! input is split at NUL bytes into the localStorage value and any number of
//! cookie values. Never panics; a winner is always one of the valid inputs.
#![no_main]

use kloudconsent_domain::{decision, Config};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_795_867_200_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.split('\0');
    let local = parts.next().filter(|s| !s.is_empty());
    let cookies: Vec<&str> = parts.take(4).collect();
    let config = Config::default_policy();
    let loaded = decision::load(local, &cookies, &config, NOW);
    if let Some(record) = &loaded.record {
        assert!(record.decided_at_ms <= NOW + 86_400_000);
        assert!(record.expires_at_ms > NOW);
    } else {
        assert!(!loaded.rewrite_local && !loaded.rewrite_cookie);
    }
});
