//! The `kloudconsent` cookie as any page, proxy or visitor could leave it.
//! Decoding never panics, and whatever decodes re-encodes to the exact same
//! text (the decoder accepts only what the encoder writes).
#![no_main]

use kloudconsent_domain::record::{decode_cookie, encode_cookie};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(record) = decode_cookie(text) {
        assert_eq!(encode_cookie(&record), text, "decode/encode round trip");
    } else if let Err(e) = decode_cookie(text) {
        let _ = e.to_string();
    }
});
