//! The `document.cookie` text, read and written: pure string work, so the
//! browser adapter (src/browser/cookie.rs) only moves strings in and out.

use crate::text::{cat, int};

/// `(name, value)` of every cookie in a `document.cookie` header, in order.
/// Pairs without `=` are skipped; names and values are trimmed of ASCII
/// whitespace, the only kind a browser puts between cookies.
pub fn parse_header(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for pair in crate::text::split(header, b';') {
        if let Some((name, value)) = crate::text::split_once(pair, b'=') {
            out.push((name.trim_ascii().to_owned(), value.trim_ascii().to_owned()));
        }
    }
    out
}

/// `name=value; Path=/; Max-Age=…; SameSite=Lax`, with `Domain` when given
/// and `Secure` when `secure` (https) or for a `__Host-` or `__Secure-`
/// cookie, which the browser refuses without it (on a secure context that
/// is not https, such as `http://localhost`, such a cookie exists but can
/// be written, and so deleted, only with `Secure`).
pub fn line(name: &str, value: &str, max_age_s: i64, domain: Option<&str>, secure: bool) -> String {
    let mut cookie = cat(&[
        name,
        "=",
        value,
        "; Path=/; Max-Age=",
        &int(max_age_s),
        "; SameSite=Lax",
    ]);
    if let Some(domain) = domain {
        cookie.push_str("; Domain=");
        cookie.push_str(domain);
    }
    if secure || name.starts_with("__Host-") || name.starts_with("__Secure-") {
        cookie.push_str("; Secure");
    }
    cookie
}

/// `a.b.example.com` → `a.b.example.com`, `b.example.com`, `example.com`:
/// every suffix that starts at a label and is not the last label alone (an
/// analytics tool sets its cookies on the registrable domain; a revoke
/// deletes them on each). None for an IP address. A host written with its
/// trailing dot (`shop.example.com.`, the fully qualified form) keeps it on
/// each suffix, the form browsers accept as its `Domain`, and that dot ends
/// the last label rather than starting another: `localhost.` has no parent,
/// so it is not given a `__Host-` cookie that plain http would refuse.
pub fn parent_domains(host: &str) -> Vec<String> {
    if host.is_empty() || is_ip_address(host) {
        return Vec::new();
    }
    let mut domains = Vec::new();
    let mut rest = host;
    while let Some(dot) = crate::text::find_byte(rest, b'.') {
        if dot + 1 == rest.len() {
            break;
        }
        domains.push(rest.to_owned());
        rest = &rest[dot + 1..];
    }
    domains
}

/// Whether `location.hostname` is an IP address: browsers give IPv6 in
/// brackets, and a host whose last label is a number is always IPv4 (the URL
/// standard parses it as one). Cheaper than `std::net::IpAddr`'s parser
/// (~1.5 KB of wasm), and exact for what `location.hostname` can hold. The
/// last label is read byte by byte from the end: `rsplit` would ship a
/// reverse splitter for this one use.
pub fn is_ip_address(host: &str) -> bool {
    if host.starts_with('[') {
        return true;
    }
    let mut digits = 0;
    for b in host.bytes().rev() {
        if b == b'.' {
            break;
        }
        if !b.is_ascii_digit() {
            return false;
        }
        digits += 1;
    }
    digits > 0
}

/// Whether a `__Host-` cookie keeps other hosts out on this
/// `location.hostname`: only where there are other hosts that could share a
/// cookie with it, that is where it has a parent domain. Not on `localhost`,
/// another one-label host or an IP address; there cookies are not kept apart
/// by port either, so any server on that machine could write a `__Host-`
/// cookie for it just as well. There the contract's own name,
/// `kloudconsent`, is used, which is what a site's local server and its
/// tests read (docs/stored-decision.md).
pub fn host_prefix_guards(hostname: &str) -> bool {
    !parent_domains(hostname).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_prefix_guards_named_hosts_only() {
        for (host, guards) in [
            ("www.kloudstack.com.au", true),
            ("kloudstack.com.au", true),
            ("www.kloud.localhost", true),
            ("localhost", false),
            ("127.0.0.1", false),
            ("[::1]", false),
            ("10.0.0.7", false),
            ("intranet", false),
            ("localhost.", false),
            ("intranet.", false),
            ("www.kloud.test.", true),
            ("", false),
        ] {
            assert_eq!(host_prefix_guards(host), guards, "{host:?}");
        }
    }

    #[test]
    fn header_pairs_in_order_trimmed() {
        assert_eq!(
            parse_header(" a=1; b = x=y ;noequals; =v; c="),
            [("a", "1"), ("b", "x=y"), ("", "v"), ("c", "")]
                .map(|(n, v)| (n.to_string(), v.to_string()))
        );
        assert!(parse_header("").is_empty());
    }

    #[test]
    fn lines_carry_the_contract_attributes() {
        assert_eq!(
            line("kloudconsent", "1|x", 60, None, false),
            "kloudconsent=1|x; Path=/; Max-Age=60; SameSite=Lax"
        );
        assert_eq!(
            line("kloudconsent", "", 0, Some(".example.com"), true),
            "kloudconsent=; Path=/; Max-Age=0; SameSite=Lax; Domain=.example.com; Secure"
        );
        assert!(line("__Host-kloudconsent", "v", 1, None, false).ends_with("; Secure"));
        assert!(line("__Secure-mk", "", 0, None, false).ends_with("; Secure"));
        assert!(!line("__utma", "", 0, None, false).ends_with("; Secure"));
        assert!(line("x", "v", -5, None, false).contains("Max-Age=-5"));
    }

    #[test]
    fn parent_domains_of_hosts() {
        assert_eq!(
            parent_domains("a.b.example.com"),
            ["a.b.example.com", "b.example.com", "example.com"]
        );
        assert_eq!(
            parent_domains("shop.kloud.test."),
            ["shop.kloud.test.", "kloud.test."]
        );
        assert_eq!(parent_domains("localhost"), Vec::<String>::new());
        assert_eq!(parent_domains("localhost."), Vec::<String>::new());
        assert_eq!(parent_domains("127.0.0.1"), Vec::<String>::new());
        assert_eq!(parent_domains("[::1]"), Vec::<String>::new());
        assert_eq!(parent_domains(""), Vec::<String>::new());
    }

    /// Every string of length ≤ 5 over `a 1 . [ é`: the same answers as
    /// the straightforward definitions (the commit that wrote these walks
    /// claimed an exhaustive check; this is it, in the repo).
    #[test]
    fn walks_agree_with_std_exhaustively() {
        let alphabet = ['a', '1', '.', '[', 'é'];
        let mut strings = vec![String::new()];
        let mut frontier = vec![String::new()];
        for _ in 0..5 {
            let mut next = Vec::new();
            for s in &frontier {
                for c in alphabet {
                    let mut t = s.clone();
                    t.push(c);
                    next.push(t);
                }
            }
            strings.extend(next.iter().cloned());
            frontier = next;
        }
        assert_eq!(strings.len(), 3906);
        for s in &strings {
            let last = s.rsplit('.').next().unwrap_or("");
            let ip = s.starts_with('[')
                || (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(is_ip_address(s), ip, "{s:?}");
            let expected: Vec<String> = if s.is_empty() || ip {
                Vec::new()
            } else {
                // A trailing dot belongs to the last label, not a new one.
                let (body, tail) = match s.strip_suffix('.') {
                    Some(body) => (body, "."),
                    None => (s.as_str(), ""),
                };
                let labels: Vec<&str> = body.split('.').collect();
                (0..labels.len() - 1)
                    .map(|i| labels[i..].join(".") + tail)
                    .collect()
            };
            assert_eq!(parent_domains(s), expected, "{s:?}");
        }
    }
}
