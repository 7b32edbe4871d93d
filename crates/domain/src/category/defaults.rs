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
    description: &'static str,
    providers: &'static [&'static str],
    /// Deleted on revoke.
    delete: &'static [&'static str],
    /// The cookie table, JSON.
    table: &'static str,
    services: &'static [ServiceDef],
}

struct ServiceDef {
    id: &'static str,
    label: &'static str,
    provider: &'static str,
    description: &'static str,
    delete: &'static [&'static str],
    table: &'static str,
    signals: &'static [&'static str],
}

/// The five categories of the KloudStack Cookie Policy, in display order.
///
/// Strictly necessary and Security are required: the policy treats cookies
/// that keep the platform running and protect accounts as not needing consent.
/// The rest are off until the visitor says otherwise.
pub fn default_categories() -> Vec<Category> {
    let strings = |list: &[&str]| -> Vec<String> { list.iter().map(|s| (*s).to_owned()).collect() };
    let mut out = Vec::new();
    for d in &POLICY {
        let mut services = Vec::new();
        for s in d.services {
            services.push(Service {
                id: cat(&[d.id, ".", s.id]),
                label: s.label.to_owned(),
                description: s.description.to_owned(),
                provider: s.provider.to_owned(),
                cookies: strings(s.delete),
                table: s.table.to_owned(),
                signals: strings(s.signals),
            });
        }
        out.push(Category {
            id: d.id.to_owned(),
            label: d.label.to_owned(),
            description: d.description.to_owned(),
            required: d.required,
            providers: strings(d.providers),
            cookies: strings(d.delete),
            table: d.table.to_owned(),
            services,
        });
    }
    out
}

/// The widget's own storage (never deleted by a revoke, whatever a config
/// says: `decision::cookies_to_delete`) and the platform's session cookies;
/// `{days}` is the config's `expiresAfterDays`.
const NECESSARY_TABLE: &str = r#"[
    {"name":"__Host-kloudconsent","provider":"KloudStack","purpose":"Stores your cookie choice, so that you are not asked again on every page.","duration":"{days} days"},
    {"name":"kloudconsent","provider":"KloudStack","purpose":"A copy of your cookie choice in this browser's local storage (not a cookie).","duration":"{days} days"},
    {"name":"ARRAffinity","provider":"Microsoft Azure","purpose":"Sends your requests to the same server for the length of your visit.","duration":"Session"},
    {"name":"ARRAffinitySameSite","provider":"Microsoft Azure","purpose":"The same as ARRAffinity, for browsers that require the SameSite attribute.","duration":"Session"},
    {"name":"__stripe_mid","provider":"Stripe","purpose":"Lets Stripe detect and prevent fraud when you pay.","duration":"1 year"},
    {"name":"__stripe_sid","provider":"Stripe","purpose":"Lets Stripe detect and prevent fraud during one visit.","duration":"30 minutes"}
]"#;

const INSIGHTS_TABLE: &str = r#"[
    {"name":"ai_user","provider":"Microsoft","purpose":"Recognises your browser on later visits, to count users.","duration":"1 year"},
    {"name":"ai_session","provider":"Microsoft","purpose":"Groups the pages you view in one visit.","duration":"Up to 24 hours"}
]"#;

const GA_TABLE: &str = r#"[
    {"name":"_ga","provider":"Google","purpose":"Distinguishes visitors, to count them.","duration":"2 years"},
    {"name":"_ga_*","provider":"Google","purpose":"Keeps the state of your visit.","duration":"2 years"},
    {"name":"_gid","provider":"Google","purpose":"Distinguishes visitors (older versions of Google Analytics).","duration":"24 hours"}
]"#;

const SECURITY_TABLE: &str = r#"[
    {"name":"__cf_bm","provider":"Cloudflare","purpose":"Tells people from automated traffic, so that attacks can be blocked.","duration":"30 minutes"}
]"#;

const MARKETING_TABLE: &str = r#"[
    {"name":"_fbp","provider":"Meta","purpose":"Measures which of our advertisements brought you here.","duration":"90 days"},
    {"name":"_gcl_*","provider":"Google","purpose":"Measures which of our Google advertisements brought you here.","duration":"90 days"},
    {"name":"hubspotutk","provider":"HubSpot","purpose":"Recognises you when you return from one of our emails.","duration":"6 months"}
]"#;

const AZURE: &str = "Microsoft Azure";
const MICROSOFT: &str = "Microsoft";
const GOOGLE: &str = "Google";

const POLICY: [CategoryDef; 5] = [
    CategoryDef {
        id: "necessary",
        label: "Strictly necessary",
        required: true,
        description: "These cookies are essential for the KloudStack platform to work. They keep \
             you signed in, remember the choices you make as you move between pages, \
             balance traffic across our servers and let you pay securely. The platform \
             cannot operate properly without them, so they cannot be switched off.",
        providers: &[AZURE, "Stripe"],
        delete: &[],
        table: NECESSARY_TABLE,
        services: &[],
    },
    CategoryDef {
        id: "analytics",
        label: "Performance and analytics",
        required: false,
        description: "These cookies help us understand how visitors use KloudStack: which pages \
             are visited most, how long pages take to load and where errors occur. The \
             information is aggregated and helps us optimise the platform. We only set \
             them with your permission.",
        providers: &["Microsoft Azure Application Insights", "Analytics tools (e.g. Google Analytics)"],
        delete: &[],
        table: "",
        // The policy's two analytics tools, so a visitor may allow one and
        // not the other; Google Analytics decides Consent Mode's
        // analytics_storage.
        services: &[
            ServiceDef {
                id: "appinsights",
                label: "Microsoft Azure Application Insights",
                provider: MICROSOFT,
                description: "Measures how fast pages load and records errors, so that we can find and fix problems.",
                delete: &["ai_user", "ai_session"],
                table: INSIGHTS_TABLE,
                signals: &[],
            },
            ServiceDef {
                id: "ga",
                label: "Google Analytics",
                provider: GOOGLE,
                description: "Counts visits and where they come from, so that we can see which pages are useful.",
                delete: &["_ga", "_ga_*", "_gid"],
                table: GA_TABLE,
                signals: &["analytics_storage"],
            },
        ],
    },
    CategoryDef {
        id: "functionality",
        label: "Functionality",
        required: false,
        description: "These cookies remember your settings and preferences, such as your region or \
             display options, and enable features like our support and help widgets. If \
             you switch them off, some features may not work as intended.",
        providers: &["Atlassian (support and help widgets)", AZURE],
        delete: &[],
        table: "",
        services: &[],
    },
    CategoryDef {
        id: "security",
        label: "Security",
        required: true,
        description: "These cookies help us protect your account and the platform. They detect and \
             block malicious traffic and suspicious sign-in attempts, and support the \
             logging we need to investigate security incidents. Because they keep you \
             and your data safe, they cannot be switched off.",
        providers: &[AZURE, "Security and logging providers (e.g. Cloudflare)"],
        delete: &[],
        table: SECURITY_TABLE,
        services: &[],
    },
    CategoryDef {
        id: "marketing",
        label: "Marketing and communication",
        required: false,
        description: "These cookies help us measure the effectiveness of our emails and campaigns \
             and tailor our communications to what is relevant to you. We only set them \
             with your permission, and you can withdraw it at any time.",
        providers: &["Email and notification providers"],
        delete: &["_fbp", "_gcl_*", "hubspotutk"],
        table: MARKETING_TABLE,
        services: &[],
    },
];
