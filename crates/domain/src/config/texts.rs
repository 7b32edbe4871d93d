//! Every visible string of the widget, its built-in (KloudStack, en-AU)
//! wording, and the config keys that override each one.

/// Every visible string of the widget (plain text; rendered as text, never
/// as markup), in the order of [`TEXT_KEYS`]. Config keys are the camelCase
/// forms of the accessors' names.
///
/// One array rather than thirty-one fields: cloning, comparing, dropping and
/// filling in the defaults are then one loop each instead of thirty copies
/// of the same code in every page's wasm (measured 2026-12-02: see
/// docs/performance.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    all: [String; TEXT_COUNT],
}

/// How many texts there are.
const TEXT_COUNT: usize = 31;

/// Where `cookiePolicyUrl` and `privacyPolicyUrl` are in [`TEXT_KEYS`]
/// (a test keeps them so): looking them up by name costs every page bytes.
pub(super) const LINKS: [usize; 2] = [12, 14];

impl Default for Texts {
    /// KloudStack's own wording (en-AU).
    fn default() -> Texts {
        Texts {
            all: BUILTIN.map(str::to_owned),
        }
    }
}

impl Texts {
    /// The placeholder text for an embed gated on a category with this label.
    pub fn placeholder(&self, category_label: &str) -> String {
        fill(self.placeholder_body(), category_label)
    }

    /// The text stored under a config key of [`TEXT_KEYS`].
    pub fn get(&self, key: &str) -> Option<&str> {
        Some(self.all[key_index(key)?].as_str())
    }

    /// Writes the policy links that are paths on this site (`/cookies`)
    /// with the page's `origin` in front, when it is an http(s) one. An
    /// `href` in the widget resolves against the document's base URL, which
    /// a `<base>` in user content can point at another site (a lookalike
    /// policy page); the site meant its own. An opaque origin (a sandboxed
    /// frame: `"null"`) leaves them as they are.
    pub fn anchor_links(&mut self, origin: &str) {
        if origin.starts_with("http") {
            for i in LINKS {
                let url = &mut self.all[i];
                if url.starts_with('/') {
                    url.insert_str(0, origin);
                }
            }
        }
    }

    /// Replaces the text under a config key of [`TEXT_KEYS`]; `false` (and
    /// nothing changed) for any other key.
    pub fn set(&mut self, key: &str, text: String) -> bool {
        match key_index(key) {
            Some(i) => {
                self.all[i] = text;
                true
            }
            None => false,
        }
    }
}

/// `body.replace("{category}", label)` ([`crate::text::fill`]).
pub(crate) fn fill(body: &str, label: &str) -> String {
    crate::text::fill(body, "{category}", label)
}

/// Where `key` is in [`TEXT_KEYS`]. The accessors index by it instead of
/// each matching every key (two string matches of 30 arms cost every page
/// ~2 KB of wasm).
fn key_index(key: &str) -> Option<usize> {
    TEXT_KEYS.iter().position(|k| *k == key)
}

/// Pairs each config key with its accessor and its built-in wording, once,
/// so the key list, the defaults and the accessors cannot drift apart.
macro_rules! texts {
    ($($(#[$doc:meta])* $key:literal => $name:ident = $builtin:expr;)*) => {
        /// The config keys of [`Texts`] (inside `"texts": {...}`), in order.
        /// A `static`, not a `const`: a `const` array is copied into the
        /// wasm's data at each place that uses it.
        pub static TEXT_KEYS: [&str; TEXT_COUNT] = [$($key),*];

        /// The built-in wording, in the order of [`TEXT_KEYS`].
        const BUILTIN: [&str; TEXT_COUNT] = [$($builtin),*];

        /// The accessors, one per text, named after its config key.
        impl Texts {
            texts!(@accessors 0usize; $($(#[$doc])* $name)*);
        }
    };
    (@accessors $i:expr; $(#[$doc:meta])* $name:ident $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(&self) -> &str {
            &self.all[$i]
        }
        texts!(@accessors $i + 1; $($rest)*);
    };
    (@accessors $i:expr;) => {};
}

texts! {
    /// The banner's heading.
    "bannerTitle" => banner_title = "We value your privacy";
    /// The banner's text.
    "bannerBody" => banner_body = "KloudStack uses cookies to keep the platform secure and working, \
                 and\u{2014}with your permission\u{2014}to understand how it is used and to \
                 improve our marketing. You can change your choice at any time via Manage \
                 Cookie Preferences.";
    /// The Accept all button.
    "acceptAll" => accept_all = "Accept all";
    /// The Reject all button.
    "rejectAll" => reject_all = "Reject all";
    /// The banner's button that opens the preference tool.
    "manage" => manage = "Manage preferences";
    /// The preference tool's heading (and its dialog's name).
    "prefsTitle" => prefs_title = "Cookie preferences";
    /// The preference tool's introduction.
    "prefsBody" => prefs_body = "Choose which cookies KloudStack may use. Strictly necessary and \
                 security cookies are always on, because the platform cannot run safely \
                 without them. Your choice applies to this browser and you can change it \
                 at any time.";
    /// The preference tool's button that saves the switches as they are.
    "save" => save = "Save preferences";
    /// The accessible name of the dialogs' close button.
    "close" => close = "Close";
    /// Beside a required category's switch.
    "alwaysOn" => always_on = "Always on";
    /// Before a category's or service's providers.
    "providersLabel" => providers_label = "Providers";
    /// The link to the site's cookie policy.
    "cookiePolicyLabel" => cookie_policy_label = "Cookie Policy";
    /// Where that link goes (http(s) or site-relative; empty: no link).
    "cookiePolicyUrl" => cookie_policy_url = "https://kloudstack.com.au/cookie-policy/";
    /// The link to the site's privacy policy.
    "privacyPolicyLabel" => privacy_policy_label = "Privacy Policy";
    /// Where that link goes (http(s) or site-relative; empty: no link).
    "privacyPolicyUrl" => privacy_policy_url = "https://kloudstack.com.au/privacy-policy/";
    /// Placeholder text for a blocked embed; `{category}` becomes the
    /// category's label (see [`Texts::placeholder`]).
    "placeholderBody" => placeholder_body = "This content is blocked until you allow {category} cookies.";
    /// A gated embed's placeholder button that allows it on this page only.
    "allowOnce" => allow_once = "Allow once";
    /// A gated embed's placeholder button that grants its category.
    "allowAlways" => allow_always = "Allow always";
    /// Before the stored decision's id in the preference tool.
    "consentIdLabel" => consent_id_label = "Your consent ID";
    /// Before the stored decision's date in the preference tool.
    "consentDateLabel" => consent_date_label = "Decided on";
    /// Shown while the preference tool's module loads.
    "loading" => loading = "Loading your cookie preferences\u{2026}";
    /// Shown when the preference tool's module could not be loaded.
    "toolFailed" => tool_failed = "The cookie preference tool could not be loaded. You can still accept or \
                 reject all cookies, or try again later.";
    /// Next to a category's switch when some but not all of its services are on.
    "partlyOn" => partly_on = "Partly on";
    /// The control that shows a cookie table.
    "cookiesSummary" => cookies_summary = "Cookies and storage";
    /// A cookie table's caption; `{category}` becomes the category's or
    /// service's label.
    "cookieTableCaption" => cookie_table_caption = "Cookies and storage used by {category}";
    /// The cookie table's column headers.
    "cookieName" => cookie_name = "Name";
    /// The cookie table's column of providers.
    "cookieProvider" => cookie_provider = "Provider";
    /// The cookie table's column of purposes.
    "cookiePurpose" => cookie_purpose = "Purpose";
    /// The cookie table's column of durations.
    "cookieDuration" => cookie_duration = "Duration";
    /// The accessible name of the floating button that reopens the
    /// preference tool (`reopenButton`).
    "reopenLabel" => reopen_label = "Cookie settings";
    /// Above the banner's text when the visitor's decision was made under an
    /// older `revision` of the config (empty: not shown), so a returning
    /// visitor learns why they are asked again.
    "revisionNotice" => revision_notice = "Our Cookie Policy has changed since you last chose, \
                 so we are asking again.";
}
