//! Command-line flags, each with an environment variable of the same
//! meaning (flags win). The lookup token is not a flag: see `auth.rs`.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "kloudconsent-receipts",
    version,
    about = "Stores the consent receipts KloudConsent's widget sends, for lookup and export by a privacy team.",
    after_help = "The lookup/export token comes from KLOUDCONSENT_RECEIPTS_TOKEN or --token-file, never a flag. \
                  Documentation: docs/receipts.md"
)]
/// The service's command line (each option also read from an environment variable).
pub struct Args {
    /// Where receipts are stored: sqlite:PATH (created if missing) or
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE.
    #[arg(
        long,
        env = "KLOUDCONSENT_RECEIPTS_DATABASE_URL",
        default_value = "sqlite:kloudconsent-receipts.sqlite3",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Address and port to listen on (plain HTTP: put TLS in front).
    #[arg(
        long,
        env = "KLOUDCONSENT_RECEIPTS_LISTEN",
        default_value = "127.0.0.1:8081"
    )]
    pub listen: SocketAddr,

    /// A site origin allowed to send receipts, e.g. https://kloudstack.com.au
    /// (repeat the flag, or comma-separate in the variable). None given:
    /// every origin is accepted, with a warning at start.
    #[arg(
        long = "allowed-origin",
        env = "KLOUDCONSENT_RECEIPTS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub allowed_origins: Vec<String>,

    /// Receipts a minute one client (IPv4 address or IPv6 /64) may send on
    /// average; 0 turns the limit off.
    #[arg(
        long,
        env = "KLOUDCONSENT_RECEIPTS_RATE_LIMIT_PER_MINUTE",
        default_value_t = 60
    )]
    pub rate_limit_per_minute: u32,

    /// Receipts one client may send at once before the average applies
    /// (at least 1 while the limit is on; with --rate-limit-per-minute 0
    /// the limit is off and the burst is not used).
    #[arg(
        long,
        env = "KLOUDCONSENT_RECEIPTS_RATE_LIMIT_BURST",
        default_value_t = 20
    )]
    pub rate_limit_burst: u32,

    /// Behind a load balancer or reverse proxy: the client is the last
    /// address of X-Forwarded-For (the one the proxy added). Without a proxy
    /// that sets it, leave this off, or clients can pick their own address.
    #[arg(long, env = "KLOUDCONSENT_RECEIPTS_FORWARDED_FOR")]
    pub forwarded_for: bool,

    /// Delete receipts that arrived more than this many days ago (checked at
    /// start and every hour). Not set: keep every receipt.
    #[arg(long, env = "KLOUDCONSENT_RECEIPTS_RETENTION_DAYS", value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_days: Option<u32>,

    /// File holding the privacy team's bearer token (alternative to
    /// KLOUDCONSENT_RECEIPTS_TOKEN). Without a token, lookup and export are off.
    #[arg(long, env = "KLOUDCONSENT_RECEIPTS_TOKEN_FILE", value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// Seconds to wait for a database connection before answering 503.
    #[arg(long, env = "KLOUDCONSENT_RECEIPTS_DATABASE_TIMEOUT", default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub database_timeout: u64,

    /// Connections per pool on PostgreSQL (two pools: writes, reads); at
    /// least 2, since exports take at most half the reading ones and
    /// lookups and /healthz need one left.
    #[arg(long, env = "KLOUDCONSENT_RECEIPTS_MAX_CONNECTIONS", default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=256))]
    pub max_connections: u32,
}

/// Checks the rate limit's settings. A burst of 0 while the limit is on
/// would silently mean 1, so it is refused; with the limit off
/// (`--rate-limit-per-minute 0`) the burst is not used, and 0 is as good as
/// any (deployments turned the limit off with both zeros before the burst
/// was checked, and must still start).
pub fn check_rate_limit(args: &Args) -> Result<(), String> {
    if args.rate_limit_per_minute > 0 && args.rate_limit_burst == 0 {
        return Err(
            "--rate-limit-burst (KLOUDCONSENT_RECEIPTS_RATE_LIMIT_BURST) must be at least 1 while the rate limit is on; --rate-limit-per-minute 0 turns the limit off"
                .into(),
        );
    }
    Ok(())
}

/// The variable that holds the allow-list.
const ORIGINS_VARIABLE: &str = "KLOUDCONSENT_RECEIPTS_ALLOWED_ORIGINS";

/// The allow-list, normalized, from the flags or the variable. No list at
/// all means every origin (with a warning at start); a list that is there
/// but names no origin (the variable set but empty, from a template say,
/// or `--allowed-origin ''`) is refused: read as "no list" it would
/// silently open ingestion to every origin. Blank entries beside real ones
/// (a trailing comma) are dropped.
pub fn allowed_origins(given: &[String]) -> Result<Vec<String>, String> {
    // clap may read an empty variable as no value at all.
    let variable_set = std::env::var_os(ORIGINS_VARIABLE).is_some();
    let origins: Vec<&String> = given.iter().filter(|o| !o.trim().is_empty()).collect();
    if origins.is_empty() && (!given.is_empty() || variable_set) {
        return Err(format!(
            "--allowed-origin or {ORIGINS_VARIABLE} is given but names no origin: list the sites, like https://kloudstack.com.au, or leave both unset to accept every origin"
        ));
    }
    origins.into_iter().map(|o| normalize_origin(o)).collect()
}

/// An allow-list entry as browsers send `Origin`: `scheme://host[:port]`,
/// lower-case, no trailing slash or path, and no port where it is the
/// scheme's default (a browser never sends `:443` for https, so an entry
/// written with it would silently refuse every receipt of that site).
pub fn normalize_origin(origin: &str) -> Result<String, String> {
    let mut o = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    for (scheme, port) in [("https://", ":443"), ("http://", ":80")] {
        if o.starts_with(scheme) && o.ends_with(port) {
            o.truncate(o.len() - port.len());
        }
    }
    let rest = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"))
        .ok_or_else(|| format!("allowed origin {origin:?} must start with https:// or http://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(format!(
            "allowed origin {origin:?} must be scheme://host[:port] only, like https://kloudstack.com.au"
        ));
    }
    never_matches(origin, &o, rest)?;
    Ok(o)
}

/// Refuses an entry that no browser's `Origin` can ever equal, which would
/// silently refuse every receipt of that site: a wildcard (an `Origin` is
/// one site, and entries are compared whole), or a host not in ASCII
/// (browsers send an internationalized name in its punycode form).
fn never_matches(origin: &str, normalized: &str, host: &str) -> Result<(), String> {
    // A browser's `Origin` has a port only when it is not the scheme's
    // default, written as the number alone (`:08080` and `:99999` are
    // never sent). An IPv6 host's own colons are inside its brackets.
    let port = host
        .rfind(':')
        .map(|i| &host[i + 1..])
        .filter(|p| !p.contains(']'));
    if let Some(port) = port {
        let sent = !port.starts_with('0')
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok_and(|p| p > 0);
        if !sent {
            return Err(format!(
                "allowed origin {origin:?}: the port {port:?} is never sent by a browser (a number from 1 to 65535, without leading zeros)"
            ));
        }
    }
    if host.contains('*') {
        return Err(format!(
            "allowed origin {origin:?}: wildcards are not supported; list each origin, like --allowed-origin https://www.example.com --allowed-origin https://shop.example.com"
        ));
    }
    if !host.is_ascii() {
        let scheme = &normalized[..normalized.len() - host.len()];
        // The port (checked above) is not part of the last label.
        let name = port.map_or(host, |p| &host[..host.len() - p.len() - 1]);
        let port = &host[name.len()..];
        let ascii: Vec<String> = name.split('.').map(punycode_label).collect();
        return Err(format!(
            "allowed origin {origin:?}: browsers send a host name that is not in ASCII in its punycode form; write {scheme}{}{port}",
            ascii.join(".")
        ));
    }
    Ok(())
}

/// One label of a host name as browsers send it: `xn--` and its punycode
/// (RFC 3492) when it is not ASCII. Lower-cased, not fully IDNA-mapped: a
/// suggestion for an error message, which the operator checks.
fn punycode_label(label: &str) -> String {
    if label.is_ascii() {
        return label.to_owned();
    }
    let label = label.to_lowercase();
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while (handled as usize) < code_points.len() {
        let next = code_points
            .iter()
            .copied()
            .filter(|&c| c >= n)
            .min()
            .unwrap_or(n);
        delta = delta.saturating_add((next - n).saturating_mul(handled + 1));
        n = next;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c == n {
                push_variable_length(&mut out, delta, bias);
                bias = punycode_adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    format!("xn--{out}")
}

/// Punycode's parameters (RFC 3492, section 5).
const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;

/// Appends `q` as a generalized variable-length integer.
fn push_variable_length(out: &mut String, mut q: u32, bias: u32) {
    let digit = |d: u32| {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    };
    let mut k = BASE;
    loop {
        let t = k.saturating_sub(bias).clamp(T_MIN, T_MAX);
        if q < t {
            break;
        }
        out.push(digit(t + (q - t) % (BASE - t)));
        q = (q - t) / (BASE - t);
        k += BASE;
    }
    out.push(digit(q));
}

/// Punycode's bias adaptation (RFC 3492, section 6.1).
fn punycode_adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + 38)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized_like_a_browser_sends_them() {
        for (written, sent) in [
            ("https://KloudStack.com.au/", "https://kloudstack.com.au"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            // The scheme's default port is left out, as browsers do.
            ("https://x.com:443", "https://x.com"),
            ("http://x.com:80/", "http://x.com"),
            ("https://x.com:8443", "https://x.com:8443"),
            ("http://x.com:443", "http://x.com:443"),
        ] {
            assert_eq!(normalize_origin(written).unwrap(), sent, "{written}");
        }
        assert!(normalize_origin("kloudstack.com.au").is_err());
        // Entries no `Origin` can equal are refused, saying what to write.
        let wildcard = normalize_origin("https://*.example.com").unwrap_err();
        assert!(wildcard.contains("list each origin"), "{wildcard}");
        for (written, punycode) in [
            ("https://bücher.example", "https://xn--bcher-kva.example"),
            (
                "https://www.München.de:8443/",
                "https://www.xn--mnchen-3ya.de:8443",
            ),
            ("http://例え.テスト", "http://xn--r8jz45g.xn--zckzah"),
            // A port after a non-ASCII last label (stop 50's second look).
            (
                "https://shop.example.рф:8080",
                "https://shop.example.xn--p1ai:8080",
            ),
            ("https://bücher:8443", "https://xn--bcher-kva:8443"),
        ] {
            let refused = normalize_origin(written).unwrap_err();
            assert!(refused.ends_with(&format!("write {punycode}")), "{refused}");
        }
        assert!(normalize_origin("https://a.b/path").is_err());
        // A port no browser sends (a review's `:99999` was accepted and
        // never matched); an IPv6 host's colons are not a port.
        for written in [
            "https://a.example:99999",
            "https://a.example:08443",
            "https://a.example:",
            "https://a.example:0",
            "https://a.example:8x",
        ] {
            let refused = normalize_origin(written).unwrap_err();
            assert!(refused.contains("never sent by a browser"), "{refused}");
        }
        assert_eq!(
            normalize_origin("http://[::1]:8080").unwrap(),
            "http://[::1]:8080"
        );
        assert_eq!(normalize_origin("http://[::1]").unwrap(), "http://[::1]");
        assert_eq!(
            normalize_origin("https://a.example:65535").unwrap(),
            "https://a.example:65535"
        );
    }

    #[test]
    fn flags_parse() {
        use clap::CommandFactory;
        Args::command().debug_assert();
        let args = Args::try_parse_from([
            "kloudconsent-receipts",
            "--allowed-origin",
            "https://a.b,https://c.d",
            "--retention-days",
            "400",
        ])
        .unwrap();
        assert_eq!(args.allowed_origins, ["https://a.b", "https://c.d"]);
        assert_eq!(args.retention_days, Some(400));
        assert!(Args::try_parse_from(["x", "--retention-days", "0"]).is_err());
        let parse = |flags: &[&str]| Args::try_parse_from([&["x"], flags].concat()).unwrap();
        assert!(check_rate_limit(&parse(&["--rate-limit-burst", "0"])).is_err());
        let off = parse(&["--rate-limit-per-minute", "0", "--rate-limit-burst", "0"]);
        assert!(check_rate_limit(&off).is_ok());
        assert!(Args::try_parse_from(["x", "--max-connections", "1"]).is_err());
        assert!(Args::try_parse_from(["x", "--max-connections", "2"]).is_ok());
    }
}
