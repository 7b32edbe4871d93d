//! `localStorage["kloudconsent"]` as anything could leave it. Decoding never
//! panics, and a decoded record survives encode → decode unchanged.
#![no_main]

use kloudconsent_domain::record::{decode_json, encode_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match decode_json(text) {
        Ok(record) => {
            let again = decode_json(&encode_json(&record));
            assert_eq!(again, Ok(record), "encode/decode round trip");
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
