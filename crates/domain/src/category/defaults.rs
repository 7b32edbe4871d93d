//! The five categories of the KloudStack Cookie Policy, with the services
//! and cookie-table rows of the tools it names.
//!
//! Only what the policy names is listed, and each row says what the cookie
//! really is: the widget's own cookie and localStorage item, the Azure and
//! Stripe cookies that keep the platform running, the analytics tools as
//! services (Microsoft Azure Application Insights and Google Analytics,
//! with the lifetimes their vendors document), and the marketing cookies
//! the policy's revoke list has always named.
//!
//! Static data built by one loop: every visitor's core carries this, and
//! text costs far less wasm than code that builds values in place. The
//! cookie tables are the JSON the tool model carries (`TABLE_ROW`); an
//! optional category's (or service's) `delete` list names exactly its
//! rows, as a config's cookie objects do by default (a host test checks).

use super::{Category, Service};
use crate::text::cat;

struct CategoryDef {
    id: &'static str,
    label: &'static str,
    required: bool,
    /// Deleted on revoke.
    delete: &'static [&'static str],
    services: &'static [ServiceDef],
}

struct ServiceDef {
    id: &'static str,
    label: &'static str,
    delete: &'static [&'static str],
    signals: &'static [&'static str],
}

/// The built-in policy's English label of category `id`, if it has one.
pub fn policy_label(id: &str) -> Option<&'static str> {
    POLICY.iter().find(|d| d.id == id).map(|d| d.label)
}

/// The five categories of the KloudStack Cookie Policy, in display order.
///
/// Strictly necessary and Security are required: the policy treats cookies
/// that keep the platform running and protect accounts as not needing consent.
/// The rest are off until the visitor says otherwise.
///
/// Without the descriptions, providers and cookie tables
/// ([`builtin_display`]): only the preference tool shows them.
/// `with_services`: analytics holds its two tools as services (tests, and a
/// site that copies the policy into its config); without, their cookies are
/// the category's, which is what the built-in config
/// (`Config::default_policy`) uses, so that the default state, events and
/// preference tool keep the shape they had before services existed.
pub fn policy_categories(with_services: bool) -> Vec<Category> {
    let mut out = Vec::new();
    for d in &POLICY {
        let mut services = Vec::new();
        let mut cookies = strings(d.delete);
        for s in d.services {
            if !with_services {
                cookies.append(&mut strings(s.delete));
                continue;
            }
            services.push(Service {
                id: cat(&[d.id, ".", s.id]),
                label: s.label.to_owned(),
                description: String::new(),
                provider: String::new(),
                cookies: strings(s.delete),
                table: String::new(),
                signals: strings(s.signals),
            });
        }
        out.push(Category {
            id: d.id.to_owned(),
            label: d.label.to_owned(),
            description: String::new(),
            required: d.required,
            providers: Vec::new(),
            cookies,
            table: String::new(),
            services,
        });
    }
    out
}

/// `list` as owned strings (a loop: an iterator chain is more code in every
/// page's wasm).
fn strings(list: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for s in list {
        out.push((*s).to_owned());
    }
    out
}

/// The policy's categories with analytics' services and every description
/// and cookie table: what the preference tool shows for them.
pub fn default_categories() -> Vec<Category> {
    let mut list = policy_categories(true);
    for c in &mut list {
        (c.description, c.providers, c.table) = display(&c.id);
        for s in &mut c.services {
            let providers;
            (s.description, providers, s.table) = display(&s.id);
            s.provider = crate::text::join(&providers, ", ");
        }
    }
    list
}

/// Description, providers and cookie table JSON (`Category::table`; empty
/// for none).
fn display(id: &str) -> (String, Vec<String>, String) {
    let (description, providers, rows) = builtin_display(id).unwrap_or_default();
    let mut table = Vec::new();
    for row in rows {
        table.push(kloudconsent_json::string_array(row));
    }
    let table = match table.is_empty() {
        true => String::new(),
        false => cat(&["[", &crate::text::join(&table, ","), "]"]),
    };
    (description.to_owned(), strings(providers), table)
}

/// The widget's own storage (never deleted by a revoke, whatever a config
/// says: `decision::cookies_to_delete`) and the platform's session cookies;
/// `{days}` is the config's `expiresAfterDays`.
const NECESSARY_TABLE: &[[&str; 4]] = &[
    [
        "__Host-kloudconsent",
        "KloudStack",
        "Stores your cookie choice (which categories and services you allowed, when, and an id for it), so that you are not asked again on every page. Named kloudconsent on pages without https.",
        "{days} days",
    ],
    [
        "kloudconsent",
        "KloudStack",
        "A copy of the same choice in this browser's local storage (not a cookie, never sent to a server).",
        "Until you clear it; the choice in it lapses after {days} days",
    ],
    [
        "ARRAffinity",
        "Microsoft Azure",
        "Sends your requests to the same server for the length of your visit.",
        "Session",
    ],
    [
        "ARRAffinitySameSite",
        "Microsoft Azure",
        "The same as ARRAffinity, for browsers that require the SameSite attribute.",
        "Session",
    ],
    [
        "__stripe_mid",
        "Stripe",
        "Lets Stripe detect and prevent fraud when you pay.",
        "1 year",
    ],
    [
        "__stripe_sid",
        "Stripe",
        "Lets Stripe detect and prevent fraud during one visit.",
        "30 minutes",
    ],
];

const INSIGHTS_TABLE: &[[&str; 4]] = &[
    [
        "ai_user",
        "Microsoft",
        "Recognises your browser on later visits, to count users.",
        "1 year",
    ],
    [
        "ai_session",
        "Microsoft",
        "Groups the pages you view in one visit.",
        "Up to 24 hours",
    ],
];

const GA_TABLE: &[[&str; 4]] = &[
    [
        "_ga",
        "Google",
        "Distinguishes visitors, to count them.",
        "2 years",
    ],
    [
        "_ga_*",
        "Google",
        "Keeps the state of your visit.",
        "2 years",
    ],
    [
        "_gid",
        "Google",
        "Distinguishes visitors (older versions of Google Analytics).",
        "24 hours",
    ],
];

const SECURITY_TABLE: &[[&str; 4]] = &[[
    "__cf_bm",
    "Cloudflare",
    "Tells people from automated traffic, so that attacks can be blocked.",
    "30 minutes",
]];

const MARKETING_TABLE: &[[&str; 4]] = &[
    [
        "_fbp",
        "Meta",
        "Measures which of our advertisements brought you here.",
        "90 days",
    ],
    [
        "_gcl_*",
        "Google",
        "Measures which of our Google advertisements brought you here.",
        "90 days",
    ],
    [
        "hubspotutk",
        "HubSpot",
        "Recognises you when you return from one of our emails.",
        "6 months",
    ],
];

const AZURE: &str = "Microsoft Azure";
const MICROSOFT: &str = "Microsoft";
const GOOGLE: &str = "Google";

const POLICY: [CategoryDef; 5] = [
    CategoryDef {
        id: "necessary",
        label: "Strictly necessary",
        required: true,
        delete: &[],
        services: &[],
    },
    CategoryDef {
        id: "analytics",
        label: "Performance and analytics",
        required: false,
        delete: &[],
        // The policy's two analytics tools, so a visitor may allow one and
        // not the other; Google Analytics decides Consent Mode's
        // analytics_storage.
        services: &[
            ServiceDef {
                id: "appinsights",
                label: "Microsoft Azure Application Insights",
                delete: &["ai_user", "ai_session"],
                signals: &[],
            },
            ServiceDef {
                id: "ga",
                label: "Google Analytics",
                delete: &["_ga", "_ga_*", "_gid"],
                signals: &["analytics_storage"],
            },
        ],
    },
    CategoryDef {
        id: "functionality",
        label: "Functionality",
        required: false,
        delete: &[],
        services: &[],
    },
    CategoryDef {
        id: "security",
        label: "Security",
        required: true,
        delete: &[],
        services: &[],
    },
    CategoryDef {
        id: "marketing",
        label: "Marketing and communication",
        required: false,
        delete: &["_fbp", "_gcl_*", "hubspotutk"],
        services: &[],
    },
];

/// What the preference tool shows of the built-in policy and the rules never
/// read: each category's and service's description, providers and cookie
/// table (the rows of `TABLE_ROW`), by id. The tool holds it
/// ([`builtin_display`]), so this text is not in the core every page
/// loads; only [`default_categories`] (tests, the tool) joins it in.
const DISPLAY: [(&str, BuiltinDisplay); 7] = [
    (
        "necessary",
        (
            "These cookies are essential for the KloudStack platform to work. They keep \
                 you signed in, remember the choices you make as you move between pages, \
                 balance traffic across our servers and let you pay securely. The platform \
                 cannot operate properly without them, so they cannot be switched off.",
            &[AZURE, "Stripe"],
            NECESSARY_TABLE,
        ),
    ),
    (
        "analytics",
        (
            "These cookies help us understand how visitors use KloudStack: which pages \
                 are visited most, how long pages take to load and where errors occur. The \
                 information is aggregated and helps us optimise the platform. We only set \
                 them with your permission.",
            &[
                "Microsoft Azure Application Insights",
                "Analytics tools (e.g. Google Analytics)",
            ],
            &[],
        ),
    ),
    (
        "analytics.appinsights",
        (
            "Measures how fast pages load and records errors, so that we can find and fix problems.",
            &[MICROSOFT],
            INSIGHTS_TABLE,
        ),
    ),
    (
        "analytics.ga",
        (
            "Counts visits and where they come from, so that we can see which pages are useful.",
            &[GOOGLE],
            GA_TABLE,
        ),
    ),
    (
        "functionality",
        (
            "These cookies remember your settings and preferences, such as your region or \
                 display options, and enable features like our support and help widgets. If \
                 you switch them off, some features may not work as intended.",
            &["Atlassian (support and help widgets)", AZURE],
            &[],
        ),
    ),
    (
        "security",
        (
            "These cookies help us protect your account and the platform. They detect and \
                 block malicious traffic and suspicious sign-in attempts, and support the \
                 logging we need to investigate security incidents. Because they keep you \
                 and your data safe, they cannot be switched off.",
            &[AZURE, "Security and logging providers (e.g. Cloudflare)"],
            SECURITY_TABLE,
        ),
    ),
    (
        "marketing",
        (
            "These cookies help us measure the effectiveness of our emails and campaigns \
                 and tailor our communications to what is relevant to you. We only set them \
                 with your permission, and you can withdraw it at any time.",
            &["Email and notification providers"],
            MARKETING_TABLE,
        ),
    ),
];

/// A built-in category's or service's description, providers and cookie
/// table rows (`TABLE_ROW` order).
pub type BuiltinDisplay = (
    &'static str,
    &'static [&'static str],
    &'static [[&'static str; 4]],
);

/// The built-in policy's description, providers and cookie table of
/// category or service `id`. A category's own rows only: its services' are theirs.
pub fn builtin_display(id: &str) -> Option<BuiltinDisplay> {
    DISPLAY.iter().find(|d| d.0 == id).map(|d| d.1)
}

/// The ids of the built-in policy's services inside `category`: when the
/// built-in config lists no services, their rows go in its category's table.
pub fn builtin_services_of(category: &str) -> impl Iterator<Item = &'static str> + '_ {
    DISPLAY.iter().map(|d| d.0).filter(move |id| {
        id.strip_prefix(category)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}
