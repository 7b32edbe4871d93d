//! The privacy team's bearer token, for lookup and export.
//!
//! It comes from the environment or a file, never from a command-line flag
//! (visible to every user in `ps`) or a URL (kept in proxy logs and browser
//! history). It is kept and compared as a SHA-256 digest in constant time,
//! so neither its content nor its length leaks through timing.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Shortest token accepted: a guessable token would open every receipt.
pub const MIN_TOKEN_LEN: usize = 24;
/// Environment variable holding the token itself.
pub const TOKEN_ENV: &str = "KLOUDCONSENT_RECEIPTS_TOKEN";

/// The bearer token that guards the read and erase endpoints; compared in constant time.
pub struct Token {
    digest: [u8; 32],
}

impl Token {
    /// The token from `KLOUDCONSENT_RECEIPTS_TOKEN`, else from `file`
    /// (surrounding whitespace trimmed); `None` when neither is set.
    pub fn load(file: Option<&std::path::Path>) -> Result<Option<Token>, String> {
        let (text, source) = match (std::env::var(TOKEN_ENV), file) {
            (Ok(text), None) => (text, TOKEN_ENV.to_string()),
            (Ok(_), Some(_)) => {
                return Err(format!(
                    "give the token either in {TOKEN_ENV} or with --token-file, not both"
                ))
            }
            (Err(_), Some(path)) => (
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the token file {}: {e}", path.display()))?,
                path.display().to_string(),
            ),
            (Err(_), None) => return Ok(None),
        };
        let text = text.trim();
        if text.len() < MIN_TOKEN_LEN || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!(
                "the token from {source} must be at least {MIN_TOKEN_LEN} printable characters without spaces \
                 (e.g. `openssl rand -hex 32`)"
            ));
        }
        Ok(Some(Token::new(text)))
    }

    /// A token from its text (checked for length by the caller).
    pub fn new(text: &str) -> Token {
        Token {
            digest: Sha256::digest(text.as_bytes()).into(),
        }
    }

    /// Whether `presented` is the token, in time independent of both.
    pub fn matches(&self, presented: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.digest.ct_eq(&digest).into()
    }
}

/// The token of an `Authorization: Bearer <token>` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_only_the_token() {
        let t = Token::new("0123456789abcdef0123456789abcdef");
        assert!(t.matches("0123456789abcdef0123456789abcdef"));
        assert!(!t.matches("0123456789abcdef0123456789abcdeF"));
        assert!(!t.matches(""));
        assert!(!t.matches("0123456789abcdef0123456789abcdef0"));
    }

    #[test]
    fn reads_bearer_headers() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("abc"), None);
    }
}
