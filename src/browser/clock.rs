//! Time and randomness, the two inputs `domain` takes as arguments.

use super::dom;

/// Unix time in milliseconds, from the page's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// 16 random bytes for a consent id. Uses `crypto.getRandomValues`; falls back
/// to `Math.random` where the Web Crypto API is missing, since the id only has
/// to be unique, not secret.
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = dom::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok())
        .unwrap_or(false);
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}
