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
            (Err(_), Some(path)) => (read_token_file(path)?, path.display().to_string()),
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

/// The token file's text. A file its group or others may open (a mode like
/// `0644`, the default for a new file under the usual umask) lets every
/// user of the machine read the token, and with it every receipt: that is
/// warned about at start, naming the file, its mode and the fix. The
/// service still starts (refusing would take lookups and erasure down over
/// a file left as it always was), and the mode is read from the file opened,
/// so it is the one whose text is used.
fn read_token_file(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt;
    let cannot = |e: std::io::Error| format!("cannot read the token file {}: {e}", path.display());
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mode = file.metadata().map_err(cannot)?.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        tracing::warn!(
            path = %path.display(),
            mode = %format!("{mode:04o}"),
            "the token file is open to its group or other users, and whoever reads the token can read, export and erase every receipt: run `chmod 600` on it"
        );
    }
    let mut text = String::new();
    file.read_to_string(&mut text).map_err(cannot)?;
    Ok(text)
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

    #[test]
    fn a_token_file_others_may_open_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("kc-token-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "0123456789abcdef0123456789abcdef\n").unwrap();
        let shown = path.display().to_string();
        for (mode, warned) in [
            (0o644, true),
            (0o640, true),
            (0o602, true),
            (0o600, false),
            (0o400, false),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let log = crate::test_log::captured(|| {
                let token = Token::load(Some(&path)).unwrap().unwrap();
                assert!(token.matches("0123456789abcdef0123456789abcdef"));
            });
            if warned {
                let mode = format!("{mode:04o}");
                for part in ["WARN", &shown, &mode, "chmod 600"] {
                    assert!(log.contains(part), "{mode}: no {part:?} in {log}");
                }
            } else {
                assert_eq!(log, "", "{mode:o}: it starts without a word");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
