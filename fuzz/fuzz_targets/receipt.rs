//! The receipt service's body parser, fed anything a client could POST.
//! It never panics, refuses with a reason, and a body it accepts is written
//! back out (as lookups and exports do) to text it reads again unchanged.
#![no_main]

use kloudconsent_receipts::receipt::{parse, MAX_BODY_BYTES};
use libfuzzer_sys::fuzz_target;

/// 2026-11-28T12:00:00.000Z: seeds are decided around then.
const NOW: i64 = 1_795_867_200_000;

fuzz_target!(|data: &[u8]| {
    match parse(data, NOW) {
        Ok(receipt) => {
            assert!(data.len() <= MAX_BODY_BYTES);
            let written = receipt.to_json(None);
            assert_eq!(
                parse(written.as_bytes(), NOW),
                Ok(receipt.clone()),
                "write/read round trip"
            );
            assert!(receipt
                .to_json(Some(NOW))
                .starts_with(&written[..written.len() - 1]));
        }
        Err(rejection) => assert!(!rejection.message.is_empty()),
    }
});
