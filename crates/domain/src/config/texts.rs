//! Every visible string of the widget, its built-in (KloudStack, en-AU)
//! wording, and the config keys that override each one.

/// Every visible string of the widget (plain text; rendered as text, never
/// as markup). Config keys are the camelCase forms of these names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    /// The banner's heading.
    pub banner_title: String,
    /// The banner's text.
    pub banner_body: String,
    /// The Accept all button.
    pub accept_all: String,
    /// The Reject all button.
    pub reject_all: String,
    /// The banner's button that opens the preference tool.
    pub manage: String,
    /// The preference tool's heading (and its dialog's name).
    pub prefs_title: String,
    /// The preference tool's introduction.
    pub prefs_body: String,
    /// The preference tool's button that saves the switches as they are.
    pub save: String,
    /// The accessible name of the dialogs' close button.
    pub close: String,
    /// Beside a required category's switch.
    pub always_on: String,
    /// Before a category's or service's providers.
    pub providers_label: String,
    /// The link to the site's cookie policy.
    pub cookie_policy_label: String,
    /// Where that link goes (http(s) or site-relative; empty: no link).
    pub cookie_policy_url: String,
    /// The link to the site's privacy policy.
    pub privacy_policy_label: String,
    /// Where that link goes (http(s) or site-relative; empty: no link).
    pub privacy_policy_url: String,
    /// Placeholder text for a blocked embed; `{category}` becomes the
    /// category's label (see [`Texts::placeholder`]).
    pub placeholder_body: String,
    /// A gated embed's placeholder button that allows it on this page only.
    pub allow_once: String,
    /// A gated embed's placeholder button that grants its category.
    pub allow_always: String,
    /// Before the stored decision's id in the preference tool.
    pub consent_id_label: String,
    /// Before the stored decision's date in the preference tool.
    pub consent_date_label: String,
    /// Shown while the preference tool's module loads.
    pub loading: String,
    /// Shown when the preference tool's module could not be loaded.
    pub tool_failed: String,
    /// Next to a category's switch when some but not all of its services are on.
    pub partly_on: String,
    /// The control that shows a cookie table.
    pub cookies_summary: String,
    /// A cookie table's caption; `{category}` becomes the category's or
    /// service's label.
    pub cookie_table_caption: String,
    /// The cookie table's column headers.
    pub cookie_name: String,
    /// The cookie table's column of providers.
    pub cookie_provider: String,
    /// The cookie table's column of purposes.
    pub cookie_purpose: String,
    /// The cookie table's column of durations.
    pub cookie_duration: String,
    /// The accessible name of the floating button that reopens the
    /// preference tool (`reopenButton`).
    pub reopen_label: String,
}

impl Default for Texts {
    /// KloudStack's own wording (en-AU).
    fn default() -> Texts {
        let s = |t: &str| t.to_owned();
        Texts {
            banner_title: s("We value your privacy"),
            banner_body: s(
                "KloudStack uses cookies to keep the platform secure and working, \
                 and\u{2014}with your permission\u{2014}to understand how it is used and to \
                 improve our marketing. You can change your choice at any time via Manage \
                 Cookie Preferences.",
            ),
            accept_all: s("Accept all"),
            reject_all: s("Reject all"),
            manage: s("Manage preferences"),
            prefs_title: s("Cookie preferences"),
            prefs_body: s(
                "Choose which cookies KloudStack may use. Strictly necessary and \
                 security cookies are always on, because the platform cannot run safely \
                 without them. Your choice applies to this browser and you can change it \
                 at any time.",
            ),
            save: s("Save preferences"),
            close: s("Close"),
            always_on: s("Always on"),
            providers_label: s("Providers"),
            cookie_policy_label: s("Cookie Policy"),
            cookie_policy_url: s("https://kloudstack.com.au/cookie-policy/"),
            privacy_policy_label: s("Privacy Policy"),
            privacy_policy_url: s("https://kloudstack.com.au/privacy-policy/"),
            placeholder_body: s("This content is blocked until you allow {category} cookies."),
            allow_once: s("Allow once"),
            allow_always: s("Allow always"),
            consent_id_label: s("Your consent ID"),
            consent_date_label: s("Decided on"),
            loading: s("Loading your cookie preferences\u{2026}"),
            tool_failed: s(
                "The cookie preference tool could not be loaded. You can still accept or \
                 reject all cookies, or try again later.",
            ),
            partly_on: s("Partly on"),
            cookies_summary: s("Cookies and storage"),
            cookie_table_caption: s("Cookies and storage used by {category}"),
            cookie_name: s("Name"),
            cookie_provider: s("Provider"),
            cookie_purpose: s("Purpose"),
            cookie_duration: s("Duration"),
            reopen_label: s("Cookie settings"),
        }
    }
}

impl Texts {
    /// The placeholder text for an embed gated on a category with this label.
    pub fn placeholder(&self, category_label: &str) -> String {
        fill(&self.placeholder_body, category_label)
    }
}

/// `body.replace("{category}", label)` ([`crate::text::fill`]).
pub(crate) fn fill(body: &str, label: &str) -> String {
    crate::text::fill(body, "{category}", label)
}

/// Pairs each config key of the `texts` object with its [`Texts`] field, once,
/// so the key list, the reader and the writer cannot drift apart.
macro_rules! text_keys {
    ($($key:literal => $field:ident),* $(,)?) => {
        /// The config keys of [`Texts`] (inside `"texts": {...}`), in struct order.
        pub const TEXT_KEYS: [&str; 30] = [$($key),*];

        impl Texts {
            /// The text stored under a config key of [`TEXT_KEYS`].
            pub fn get(&self, key: &str) -> Option<&str> {
                let i = key_index(key)?;
                Some([$(&self.$field),*][i])
            }

            /// The field behind a config key of [`TEXT_KEYS`].
            pub(crate) fn field_mut(&mut self, key: &str) -> Option<&mut String> {
                let i = key_index(key)?;
                [$(&mut self.$field),*].into_iter().nth(i)
            }
        }
    };
}

/// Where `key` is in [`TEXT_KEYS`]. The accessors index by it instead of
/// each matching every key (two string matches of 30 arms cost every page
/// ~2 KB of wasm).
fn key_index(key: &str) -> Option<usize> {
    TEXT_KEYS.iter().position(|k| *k == key)
}

text_keys! {
    "bannerTitle" => banner_title,
    "bannerBody" => banner_body,
    "acceptAll" => accept_all,
    "rejectAll" => reject_all,
    "manage" => manage,
    "prefsTitle" => prefs_title,
    "prefsBody" => prefs_body,
    "save" => save,
    "close" => close,
    "alwaysOn" => always_on,
    "providersLabel" => providers_label,
    "cookiePolicyLabel" => cookie_policy_label,
    "cookiePolicyUrl" => cookie_policy_url,
    "privacyPolicyLabel" => privacy_policy_label,
    "privacyPolicyUrl" => privacy_policy_url,
    "placeholderBody" => placeholder_body,
    "allowOnce" => allow_once,
    "allowAlways" => allow_always,
    "consentIdLabel" => consent_id_label,
    "consentDateLabel" => consent_date_label,
    "loading" => loading,
    "toolFailed" => tool_failed,
    "partlyOn" => partly_on,
    "cookiesSummary" => cookies_summary,
    "cookieTableCaption" => cookie_table_caption,
    "cookieName" => cookie_name,
    "cookieProvider" => cookie_provider,
    "cookiePurpose" => cookie_purpose,
    "cookieDuration" => cookie_duration,
    "reopenLabel" => reopen_label,
}
