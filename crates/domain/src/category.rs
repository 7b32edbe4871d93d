//! Cookie categories, and the five that KloudStack's own Cookie Policy defines.
//!
//! A category is the unit a visitor grants or refuses. Its `id` is what pages
//! write in `data-consent="analytics"`, what the stored record keys on and what
//! `window.kloudconsent.accepted(id)` takes, so ids are deliberately plain
//! ([`is_valid_id`]): they must survive a cookie value, an HTML attribute and a
//! JSON key without any escaping.

/// One consent category as shown in the preference tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// Stable identifier, `[A-Za-z0-9_-]{1,40}` (see [`is_valid_id`]).
    pub id: String,
    /// Display name; also the accessible name of the category's switch.
    pub label: String,
    /// What the cookies are for, in the words of the site's policy (plain text).
    pub description: String,
    /// Required categories are always granted and their switch is locked on:
    /// the site cannot work (or work safely) without them, so asking would be
    /// a false choice.
    pub required: bool,
    /// Who sets or receives these cookies, shown under the description.
    pub providers: Vec<String>,
    /// Cookie names deleted when the category is revoked. A trailing `*` makes
    /// the entry a prefix (`_ga_*` matches `_ga_ABC123`); see [`cookie_matches`].
    pub cookies: Vec<String>,
}

/// The longest accepted category id. Forty characters is ample for a
/// readable id and keeps the consent cookie small.
pub const MAX_ID_LEN: usize = 40;

/// Whether `id` is a valid category id: 1 to 40 of `A-Z a-z 0-9 _ -`.
///
/// These characters need no escaping in a cookie, an attribute value or a
/// JSON key, and they cannot contain the `|`/`.` separators of the cookie form.
pub fn is_valid_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len()) && id.bytes().all(is_id_byte)
}

fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether cookie `name` is covered by a category's `cookies` entry `pattern`:
/// an exact match, or a prefix match when the pattern ends in `*`.
///
/// A bare `*` matches nothing: deleting every cookie on the site (the consent
/// cookie included) is never what a revoke means.
pub fn cookie_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some("") => false,
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// The five categories of the KloudStack Cookie Policy, in display order.
///
/// Strictly necessary and Security are required: the policy treats cookies
/// that keep the platform running and protect accounts as not needing consent.
/// The rest are off until the visitor says otherwise.
pub fn default_categories() -> Vec<Category> {
    vec![
        necessary(),
        analytics(),
        functionality(),
        security(),
        marketing(),
    ]
}

/// Builds a category from string slices; keeps the default list readable.
fn category(
    id: &str,
    label: &str,
    required: bool,
    description: &str,
    providers: &[&str],
    cookies: &[&str],
) -> Category {
    Category {
        id: id.to_owned(),
        label: label.to_owned(),
        description: description.to_owned(),
        required,
        providers: providers.iter().map(|s| (*s).to_owned()).collect(),
        cookies: cookies.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn necessary() -> Category {
    category(
        "necessary",
        "Strictly necessary",
        true,
        "These cookies are essential for the KloudStack platform to work. They keep \
         you signed in, remember the choices you make as you move between pages, \
         balance traffic across our servers and let you pay securely. The platform \
         cannot operate properly without them, so they cannot be switched off.",
        &["Microsoft Azure", "Stripe"],
        &[],
    )
}

fn analytics() -> Category {
    category(
        "analytics",
        "Performance and analytics",
        false,
        "These cookies help us understand how visitors use KloudStack: which pages \
         are visited most, how long pages take to load and where errors occur. The \
         information is aggregated and helps us optimise the platform. We only set \
         them with your permission.",
        &[
            "Microsoft Azure Application Insights",
            "Analytics tools (e.g. Google Analytics)",
        ],
        &["_ga", "_ga_*", "_gid", "ai_user", "ai_session"],
    )
}

fn functionality() -> Category {
    category(
        "functionality",
        "Functionality",
        false,
        "These cookies remember your settings and preferences, such as your region or \
         display options, and enable features like our support and help widgets. If \
         you switch them off, some features may not work as intended.",
        &["Atlassian (support and help widgets)", "Microsoft Azure"],
        &[],
    )
}

fn security() -> Category {
    category(
        "security",
        "Security",
        true,
        "These cookies help us protect your account and the platform. They detect and \
         block malicious traffic and suspicious sign-in attempts, and support the \
         logging we need to investigate security incidents. Because they keep you \
         and your data safe, they cannot be switched off.",
        &[
            "Microsoft Azure",
            "Security and logging providers (e.g. Cloudflare)",
        ],
        &[],
    )
}

fn marketing() -> Category {
    category(
        "marketing",
        "Marketing and communication",
        false,
        "These cookies help us measure the effectiveness of our emails and campaigns \
         and tailor our communications to what is relevant to you. We only set them \
         with your permission, and you can withdraw it at any time.",
        &["Email and notification providers"],
        &["_fbp", "_gcl_*", "hubspotutk"],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_policy_table() {
        let table: Vec<(String, String, bool)> = default_categories()
            .into_iter()
            .map(|c| (c.id, c.label, c.required))
            .collect();
        let expected = [
            ("necessary", "Strictly necessary", true),
            ("analytics", "Performance and analytics", false),
            ("functionality", "Functionality", false),
            ("security", "Security", true),
            ("marketing", "Marketing and communication", false),
        ];
        let expected: Vec<(String, String, bool)> = expected
            .iter()
            .map(|(i, l, r)| (i.to_string(), l.to_string(), *r))
            .collect();
        assert_eq!(table, expected);
    }

    #[test]
    fn defaults_are_complete_and_valid() {
        for c in default_categories() {
            assert!(is_valid_id(&c.id), "{}", c.id);
            assert!(!c.description.is_empty(), "{} needs a description", c.id);
            assert!(!c.providers.is_empty(), "{} needs providers", c.id);
            assert!(
                !c.description.contains("  "),
                "{}: stray double space",
                c.id
            );
        }
    }

    #[test]
    fn default_providers_and_cookies_come_from_the_policy() {
        let cats = default_categories();
        let find = |id: &str| cats.iter().find(|c| c.id == id).unwrap().clone();
        assert_eq!(find("necessary").providers, ["Microsoft Azure", "Stripe"]);
        assert!(find("functionality")
            .providers
            .iter()
            .any(|p| p.contains("Atlassian")));
        assert!(find("security")
            .providers
            .iter()
            .any(|p| p.contains("Cloudflare")));
        assert_eq!(
            find("analytics").cookies,
            ["_ga", "_ga_*", "_gid", "ai_user", "ai_session"]
        );
        assert_eq!(find("marketing").cookies, ["_fbp", "_gcl_*", "hubspotutk"]);
        assert!(find("necessary").cookies.is_empty());
    }

    #[test]
    fn id_rules() {
        for ok in ["a", "analytics", "A_b-9", &"x".repeat(40)] {
            assert!(is_valid_id(ok), "{ok:?}");
        }
        for bad in [
            "",
            " a",
            "a b",
            "a.b",
            "a|b",
            "ä",
            "a;b",
            "<x>",
            &"x".repeat(41),
        ] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn cookie_patterns() {
        assert!(cookie_matches("_ga", "_ga"));
        assert!(!cookie_matches("_ga", "_ga_X1"));
        assert!(cookie_matches("_ga_*", "_ga_X1"));
        assert!(cookie_matches("_ga_*", "_ga_"));
        assert!(!cookie_matches("_ga_*", "_ga"));
        assert!(
            !cookie_matches("*", "anything"),
            "a bare star deletes nothing"
        );
        assert!(!cookie_matches("", "x"));
    }
}
