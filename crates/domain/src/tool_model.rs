//! What the core hands the preference tool: everything it shows, already
//! decided by the engine (texts in the visitor's language, categories,
//! current grants, the consent id). The tool renders it and sends choices
//! back; it never reads storage, the config or the rules itself.
//!
//! The core writes it as JSON ([`model_json`]) and the browser parses it;
//! the tool reads the parsed value with [`read_model`]. Both ends are here,
//! so host tests check that what one writes the other reads back.
//!
//! The JSON is positional: arrays in a fixed order, no keys (see
//! [`model_json`] for the layout). Keys would be written by the core and
//! looked up one by one by the tool, each with its own error message; the
//! positional form made the tool ~1 KB brotli smaller. Core and tool always
//! come from one build: the core pins the tool's bytes by their hash, so
//! the two can never disagree about the order.

use super::config::Config;
use super::decision::Consent;
use super::grants::Grants;
use super::text::{fill, uint};
use super::time::iso8601;
use crate::text::cat;
use kloudconsent_json::{self as json, ArrayWriter, Json, Kind, Value};

/// The texts the tool shows, in the order of [`TOOL_TEXT_KEYS`]: one array
/// rather than a field each, so that reading, cloning, comparing (Yew
/// compares props) and dropping them is one loop each in the tool's wasm.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolTexts {
    all: [String; 21],
}

/// Names each of the tool's texts once: its `texts` key (see
/// `config::TEXT_KEYS`) and its accessor, in the order of the hand-over.
macro_rules! tool_texts {
    ($($(#[$doc:meta])* $key:literal => $name:ident,)*) => {
        /// The `texts` keys (see `config::TEXT_KEYS`) the tool shows.
        pub const TOOL_TEXT_KEYS: [&str; 21] = [$($key),*];

        impl ToolTexts {
            tool_texts!(@accessors 0usize; $($(#[$doc])* $name)*);
        }
    };
    (@accessors $i:expr; $(#[$doc:meta])* $name:ident $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(&self) -> &str {
            &self.all[$i]
        }
        tool_texts!(@accessors $i + 1; $($rest)*);
    };
    (@accessors $i:expr;) => {};
}

tool_texts! {
    /// The tool's heading (and its dialog's name).
    "prefsTitle" => prefs_title,
    /// The tool's introduction.
    "prefsBody" => prefs_body,
    /// The Accept all button.
    "acceptAll" => accept_all,
    /// The Reject all button.
    "rejectAll" => reject_all,
    /// The Save button.
    "save" => save,
    /// The close button's accessible name.
    "close" => close,
    /// Beside a required category's switch.
    "alwaysOn" => always_on,
    /// Before providers.
    "providersLabel" => providers_label,
    /// The cookie policy link's text.
    "cookiePolicyLabel" => cookie_policy_label,
    /// The cookie policy link's target (empty: no link).
    "cookiePolicyUrl" => cookie_policy_url,
    /// The privacy policy link's text.
    "privacyPolicyLabel" => privacy_policy_label,
    /// The privacy policy link's target (empty: no link).
    "privacyPolicyUrl" => privacy_policy_url,
    /// Before the stored decision's id.
    "consentIdLabel" => consent_id_label,
    /// Before the stored decision's date.
    "consentDateLabel" => consent_date_label,
    /// Beside a category whose services are partly on.
    "partlyOn" => partly_on,
    /// The cookie table's disclosure.
    "cookiesSummary" => cookies_summary,
    /// `{category}` still in it: the tool fills in each table's label.
    "cookieTableCaption" => cookie_table_caption,
    /// The cookie table's column of names.
    "cookieName" => cookie_name,
    /// The cookie table's column of providers.
    "cookieProvider" => cookie_provider,
    /// The cookie table's column of purposes.
    "cookiePurpose" => cookie_purpose,
    /// The cookie table's column of durations.
    "cookieDuration" => cookie_duration,
}

/// One category as the tool lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolCategory {
    /// The category's id.
    pub id: String,
    /// The category's label.
    pub label: String,
    /// The category's description.
    pub description: String,
    /// The description is the built-in policy's English (filled in by
    /// [`ToolModel::fill_builtin`]: the site's translations gave none), so
    /// the tool marks it `lang="en"` in a dialog in another language.
    pub english: bool,
    /// Always on: the switch is locked and says so (its services' too).
    pub required: bool,
    /// The category's providers, in order.
    pub providers: Vec<String>,
    /// The category's own rows of the cookie table.
    pub cookies: Vec<CookieRow>,
    /// Its services, in order; its switch then reflects and sets theirs.
    pub services: Vec<ToolService>,
}

/// One row of a cookie table (`category::TABLE_ROW`): plain text, empty
/// where the config says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookieRow {
    /// The cookie's or storage item's name (may end in `*`).
    pub name: String,
    /// Who sets it.
    pub provider: String,
    /// What it is for.
    pub purpose: String,
    /// `{days}` already filled in.
    pub duration: String,
}

/// One service as the tool lists it, under its category.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolService {
    /// The full id (`analytics.ga`), as in `grants`.
    pub id: String,
    /// The service's label.
    pub label: String,
    /// The service's description.
    pub description: String,
    /// The service's provider.
    pub provider: String,
    /// The service's cookies and storage items.
    pub cookies: Vec<CookieRow>,
}

/// The stored decision's id and time, shown so a visitor can quote them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolReceipt {
    /// The stored decision's id.
    pub id: String,
    /// ISO 8601, UTC, e.g. `2026-11-28T12:00:00.000Z`.
    pub decided_at: String,
}

/// Everything the tool shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ToolModel {
    /// `lang` of the dialog.
    pub lang: String,
    /// `"ltr"` or `"rtl"`.
    pub dir: String,
    /// The texts the tool shows.
    pub texts: ToolTexts,
    /// In display order.
    pub categories: Vec<ToolCategory>,
    /// What each category's and service's switch shows when the tool
    /// opens: the decision in force (required ones on; optional ones off
    /// while undecided), categories by id, services by full id.
    pub grants: Grants,
    /// `None` while there is no stored decision.
    pub receipt: Option<ToolReceipt>,
    /// The categories are the built-in policy's: their descriptions and
    /// cookie tables come from the tool ([`ToolModel::fill_builtin`]).
    pub builtin: bool,
    /// How long a decision lasts (the config's `expiresAfterDays`), for
    /// the built-in table's `{days}`.
    pub days: u32,
}

impl ToolModel {
    /// When [`ToolModel::builtin`]: each category's and service's
    /// description, providers and cookie rows from the built-in policy
    /// (`category::builtin_display`), `{days}` filled in. The tool calls
    /// it, so that text ships in the tool's wasm, not in every page's core.
    pub fn fill_builtin(&mut self) {
        if !self.builtin {
            return;
        }
        let days = uint(self.days.into());
        // A description a site's translation gave (`translations.de.
        // categories.marketing.description`) stays; only an empty one is
        // the built-in policy's. Says whether it filled the description.
        let fill_in = |id: &str,
                       description: &mut String,
                       providers: &mut Vec<String>,
                       cookies: &mut Vec<CookieRow>| {
            let Some((text, names, rows)) = crate::category::builtin_display(id) else {
                return false;
            };
            let english = description.is_empty();
            if english {
                *description = text.to_owned();
            }
            *providers = names.iter().map(|n| (*n).to_owned()).collect();
            *cookies = rows
                .iter()
                .map(|[name, provider, purpose, duration]| CookieRow {
                    name: (*name).to_owned(),
                    provider: (*provider).to_owned(),
                    purpose: (*purpose).to_owned(),
                    duration: fill(duration, "{days}", &days),
                })
                .collect();
            english
        };
        for c in &mut self.categories {
            c.english = fill_in(&c.id, &mut c.description, &mut c.providers, &mut c.cookies);
            if c.services.is_empty() {
                // Services the built-in config folds into their category:
                // their cookie rows only (the category names its providers).
                for id in crate::category::builtin_services_of(&c.id) {
                    let (mut unused, mut names, mut rows) = (String::new(), Vec::new(), Vec::new());
                    fill_in(id, &mut unused, &mut names, &mut rows);
                    c.cookies.extend(rows);
                }
            }
            for s in &mut c.services {
                let mut names = Vec::new();
                fill_in(&s.id, &mut s.description, &mut names, &mut s.cookies);
                s.provider = crate::text::join(&names, ", ");
            }
        }
    }
}

/// The model of `config` and `consent`, as JSON: what the core hands the
/// tool. Positional (each `[...]` below is a JSON array, items in this order):
///
/// ```text
/// [lang, dir, builtin, days, texts, categories, grants, receipt]
///   texts:      [the TOOL_TEXT_KEYS texts, in that order]
///   categories: [[id, label, description, required, providers, cookies, services], ...]
///   providers:  [name, ...]
///   cookies:    [[name, provider, purpose, duration], ...]   (category::TABLE_ROW)
///   services:   [[id, label, description, provider, cookies], ...]
///   grants:     [[id, granted], ...]
///   receipt:    [id, decidedAt] or null
/// ```
pub fn model_json(config: &Config, consent: &Consent) -> String {
    let mut texts = ArrayWriter::new();
    for key in TOOL_TEXT_KEYS {
        texts.str(config.texts.get(key).unwrap_or_default());
    }
    let days = uint(config.expires_after_days.into());
    let mut categories = ArrayWriter::new();
    for c in &config.categories {
        let mut services = ArrayWriter::new();
        for s in &c.services {
            services.raw(
                &ArrayWriter::new()
                    .str(&s.id)
                    .str(&s.label)
                    .str(&s.description)
                    .str(&s.provider)
                    .raw(&table(&s.table, &days))
                    .finish(),
            );
        }
        categories.raw(
            &ArrayWriter::new()
                .str(&c.id)
                .str(&c.label)
                .str(&c.description)
                .bool(c.required)
                .raw(&json::string_array(&c.providers))
                .raw(&table(&c.table, &days))
                .raw(&services.finish())
                .finish(),
        );
    }
    let mut grants = ArrayWriter::new();
    for (id, on) in consent.grants(config).iter() {
        grants.raw(&ArrayWriter::new().str(id).bool(on).finish());
    }
    let receipt = match consent.record() {
        Some(r) => ArrayWriter::new()
            .str(&r.id)
            .str(&iso8601(r.decided_at_ms))
            .finish(),
        None => String::from("null"),
    };
    ArrayWriter::new()
        .str(&config.lang)
        .str(config.dir.as_str())
        .bool(config.builtin_categories)
        .raw(&days)
        .raw(&texts.finish())
        .raw(&categories.finish())
        .raw(&grants.finish())
        .raw(&receipt)
        .finish()
}

/// A cookie table's JSON (`Category::table`) with `{days}` filled in;
/// `[]` for none.
fn table(json: &str, days: &str) -> String {
    match json.is_empty() {
        true => String::from("[]"),
        false => fill(json, "{days}", days),
    }
}

/// One value of the parsed model, as [`read_model`] needs it: in the tool,
/// what the browser's `JSON.parse` returned; in host tests, this crate's
/// own [`Json`].
pub trait Item: Sized {
    /// The string, if this is one.
    fn string(&self) -> Option<String>;
    /// The boolean, if this is one.
    fn boolean(&self) -> Option<bool>;
    /// The number, if this is one.
    fn number(&self) -> Option<f64>;
    /// Whether this is `null`.
    fn is_null(&self) -> bool;
    /// An array's items, in order; `None` for any other kind.
    fn list(&self) -> Option<Vec<Self>>;
}

impl Item for Json {
    fn string(&self) -> Option<String> {
        Value::as_string(self)
    }
    fn boolean(&self) -> Option<bool> {
        Value::as_bool(self)
    }
    fn number(&self) -> Option<f64> {
        Value::as_f64(self)
    }
    fn is_null(&self) -> bool {
        Value::kind(self) == Kind::Null
    }
    fn list(&self) -> Option<Vec<Json>> {
        (Value::kind(self) == Kind::Array).then(|| Value::items(self))
    }
}

/// The model [`model_json`] wrote, parsed, read back into a [`ToolModel`]
/// with the built-in policy's display text filled in
/// ([`ToolModel::fill_builtin`]); or what is wrong with it (the first
/// problem, e.g. `a category: expected 7 items`).
pub fn read_model<I: Item>(model: &I) -> Result<ToolModel, String> {
    let mut r = Reader { problem: None };
    let m = r.tuple(Some(model), 8, "the model");
    let lang = r.text(m.first(), "lang");
    let dir = r.text(m.get(1), "dir");
    let builtin = r.flag(m.get(2), "builtin");
    let days = m
        .get(3)
        .and_then(Item::number)
        .filter(|d| (0.0..=f64::from(u32::MAX)).contains(d));
    let days = r.or_fail(days, "days", "a number of days") as u32;
    let texts = r.texts(m.get(4));
    let mut categories = Vec::new();
    for c in &r.list(m.get(5), "categories") {
        categories.push(r.category(c));
    }
    let mut grants = Grants::new();
    for pair in &r.list(m.get(6), "grants") {
        let pair = r.tuple(Some(pair), 2, "a grant");
        let id = r.text(pair.first(), "a grant's id");
        let on = r.flag(pair.get(1), "a grant");
        grants.set(&id, on);
    }
    // `null` while undecided (and missing only when the model is broken).
    let receipt = match m.get(7).filter(|v| !v.is_null()) {
        None => None,
        Some(receipt) => {
            let receipt = r.tuple(Some(receipt), 2, "receipt");
            let id = r.text(receipt.first(), "receipt");
            let decided_at = r.text(receipt.get(1), "receipt");
            Some(ToolReceipt { id, decided_at })
        }
    };
    if let Some(problem) = r.problem {
        return Err(problem);
    }
    let mut model = ToolModel {
        lang,
        dir,
        texts,
        categories,
        grants,
        receipt,
        builtin,
        days,
    };
    model.fill_builtin();
    Ok(model)
}

/// Reads on past a problem, keeping the first one: each read gives a
/// default where the model is wrong, and [`read_model`] reports the problem
/// at the end. No early returns, so no drop code for the half-read model at
/// every field (that had made the reader 8 KB of wasm).
struct Reader {
    problem: Option<String>,
}

impl Reader {
    fn fail(&mut self, what: &str, expected: &str) {
        if self.problem.is_none() {
            self.problem = Some(cat(&[what, ": expected ", expected]));
        }
    }

    /// `value`; when there is none, its type's default, and the problem
    /// (`what` was not `expected`) noted.
    fn or_fail<T: Default>(&mut self, value: Option<T>, what: &str, expected: &str) -> T {
        match value {
            Some(value) => value,
            None => {
                self.fail(what, expected);
                T::default()
            }
        }
    }

    /// An array's items; none when `item` is missing or not an array.
    #[inline(never)]
    fn list<I: Item>(&mut self, item: Option<&I>, what: &str) -> Vec<I> {
        self.or_fail(item.and_then(Item::list), what, "an array")
    }

    /// An array of exactly `n` items; none when it is not one.
    #[inline(never)]
    fn tuple<I: Item>(&mut self, item: Option<&I>, n: u64, what: &str) -> Vec<I> {
        let items = self.list(item, what);
        if items.len() as u64 == n {
            return items;
        }
        self.fail(what, &cat(&[&uint(n), " items"]));
        Vec::new()
    }

    #[inline(never)]
    fn text<I: Item>(&mut self, item: Option<&I>, what: &str) -> String {
        self.or_fail(item.and_then(Item::string), what, "a string")
    }

    #[inline(never)]
    fn flag<I: Item>(&mut self, item: Option<&I>, what: &str) -> bool {
        self.or_fail(item.and_then(Item::boolean), what, "true or false")
    }

    /// Every text of `TOOL_TEXT_KEYS`, in the order of the array.
    fn texts<I: Item>(&mut self, item: Option<&I>) -> ToolTexts {
        let items = self.tuple(item, TOOL_TEXT_KEYS.len() as u64, "texts");
        let mut t = [(); TOOL_TEXT_KEYS.len()].map(|_| String::new());
        for (i, slot) in t.iter_mut().enumerate() {
            *slot = self.text(items.get(i), "texts");
        }
        ToolTexts { all: t }
    }

    fn category<I: Item>(&mut self, item: &I) -> ToolCategory {
        let c = self.tuple(Some(item), 7, "a category");
        let id = self.text(c.first(), "a category's id");
        let label = self.text(c.get(1), "a category's label");
        let description = self.text(c.get(2), "a category's description");
        let required = self.flag(c.get(3), "a category's required");
        let mut providers = Vec::new();
        for p in &self.list(c.get(4), "a category's providers") {
            providers.push(self.text(Some(p), "a category's providers"));
        }
        let cookies = self.rows(c.get(5));
        let mut services = Vec::new();
        for s in &self.list(c.get(6), "a category's services") {
            let s = self.tuple(Some(s), 5, "a service");
            let id = self.text(s.first(), "a service's id");
            let label = self.text(s.get(1), "a service's label");
            let description = self.text(s.get(2), "a service's description");
            let provider = self.text(s.get(3), "a service's provider");
            let cookies = self.rows(s.get(4));
            services.push(ToolService {
                id,
                label,
                description,
                provider,
                cookies,
            });
        }
        ToolCategory {
            id,
            label,
            description,
            english: false,
            required,
            providers,
            cookies,
            services,
        }
    }

    /// A cookie table: rows of `category::TABLE_ROW`.
    fn rows<I: Item>(&mut self, table: Option<&I>) -> Vec<CookieRow> {
        let mut rows = Vec::new();
        for r in &self.list(table, "a cookie table") {
            let r = self.tuple(Some(r), 4, "a cookie row");
            let name = self.text(r.first(), "a cookie row");
            let provider = self.text(r.get(1), "a cookie row");
            let purpose = self.text(r.get(2), "a cookie row");
            let duration = self.text(r.get(3), "a cookie row");
            rows.push(CookieRow {
                name,
                provider,
                purpose,
                duration,
            });
        }
        rows
    }
}

/// Round trips: what the core writes, the tool reads back.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{cfg, stored};
    use crate::Choice;

    /// As the tool reads it: the built-in policy's text filled in.
    fn read(json: &str) -> ToolModel {
        let parsed = Json::parse(json).expect("the core writes JSON");
        read_model(&parsed).expect("the tool can read what the core writes")
    }

    #[test]
    fn the_tool_reads_what_the_core_writes() {
        let config = cfg();
        let model = read(&model_json(&config, &Consent::Undecided));
        assert_eq!(model.lang, "en-AU");
        assert_eq!(model.dir, "ltr");
        assert_eq!(model.texts.save(), config.texts.save());
        assert_eq!(
            model.texts.privacy_policy_url(),
            config.texts.privacy_policy_url()
        );
        assert_eq!(model.categories.len(), config.categories.len());
        let full = crate::category::default_categories();
        for (m, c) in model.categories.iter().zip(&full) {
            assert_eq!(
                (&m.id, &m.label, &m.description),
                (&c.id, &c.label, &c.description)
            );
            assert_eq!((m.required, &m.providers), (c.required, &c.providers));
        }
        let ids: Vec<&str> = model.grants.iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids,
            [
                "necessary",
                "analytics",
                "analytics.appinsights",
                "analytics.ga",
                "functionality",
                "security",
                "marketing"
            ]
        );
        assert_eq!(model.grants.get("security"), Some(true));
        assert_eq!(model.grants.get("analytics"), Some(false));
        assert_eq!(model.receipt, None);
    }

    /// The default model (decided, so with a receipt) with the item at
    /// `path` (indices into nested arrays) replaced by `value`, or removed.
    fn broken(path: &[usize], value: Option<&str>) -> Json {
        let text = model_json(&cfg(), &stored(Choice::AcceptAll));
        let mut model = Json::parse(&text).unwrap();
        let mut target = &mut model;
        for &i in &path[..path.len() - 1] {
            let Json::Array(items) = target else {
                panic!("{path:?}")
            };
            target = &mut items[i];
        }
        let Json::Array(items) = target else {
            panic!("{path:?}")
        };
        let last = path[path.len() - 1];
        match value {
            Some(v) => items[last] = Json::parse(v).unwrap(),
            None => {
                items.remove(last);
            }
        }
        model
    }

    #[test]
    fn a_broken_model_is_refused_with_what_is_wrong() {
        let cases: [(&[usize], Option<&str>, &str); 16] = [
            (&[0], Some("1"), "lang: expected a string"),
            (&[1], None, "the model: expected 8 items"),
            (&[2], Some("\"yes\""), "builtin: expected true or false"),
            (&[3], Some("-1"), "days: expected a number of days"),
            (&[4], Some("{}"), "texts: expected an array"),
            (&[4, 9], Some("false"), "texts: expected a string"),
            (&[4, 20], None, "texts: expected 21 items"),
            (&[5], Some("null"), "categories: expected an array"),
            (&[5, 0], Some("\"x\""), "a category: expected an array"),
            (
                &[5, 0, 3],
                Some("\"yes\""),
                "a category's required: expected true or false",
            ),
            (
                &[5, 0, 4],
                Some("[1]"),
                "a category's providers: expected a string",
            ),
            (
                &[5, 1, 6, 0],
                Some("[\"a\"]"),
                "a service: expected 5 items",
            ),
            (
                &[5, 1, 6, 1, 4],
                Some("[[\"a\", \"b\", \"c\"]]"),
                "a cookie row: expected 4 items",
            ),
            (
                &[6, 0],
                Some("{\"necessary\": true}"),
                "a grant: expected an array",
            ),
            (&[6, 1, 1], Some("1"), "a grant: expected true or false"),
            (&[7, 1], Some("0"), "receipt: expected a string"),
        ];
        for (path, value, message) in cases {
            let read = read_model(&broken(path, value));
            assert_eq!(read, Err(message.to_owned()), "{path:?} = {value:?}");
        }
    }

    #[test]
    fn no_receipt_is_null_and_a_missing_one_is_refused() {
        let ok = read_model(&broken(&[7], Some("null")));
        assert_eq!(ok.map(|m| m.receipt), Ok(None));
        let short = read_model(&broken(&[7], None));
        assert_eq!(short, Err("the model: expected 8 items".to_owned()));
    }

    #[test]
    fn every_tool_text_key_is_a_config_text_key() {
        for key in TOOL_TEXT_KEYS {
            assert!(crate::config::TEXT_KEYS.contains(&key), "{key}");
        }
    }

    #[test]
    fn a_stored_decision_carries_its_receipt_and_grants() {
        let consent = stored(Choice::AcceptAll);
        let model = read(&model_json(&cfg(), &consent));
        let record = consent.record().unwrap();
        let receipt = model.receipt.unwrap();
        assert_eq!(receipt.id, record.id);
        assert_eq!(receipt.decided_at, iso8601(record.decided_at_ms));
        assert!(model.grants.iter().all(|(_, on)| on));
    }

    #[test]
    fn hostile_texts_survive_the_round_trip_as_text() {
        let mut config = cfg();
        config
            .texts
            .set("save", "</script><b>\"\\\u{1}\u{2028}".into());
        config.categories[1].label = "a\"b\nc".into();
        let model = read(&model_json(&config, &Consent::Signal));
        assert_eq!(model.texts.save(), config.texts.save());
        assert_eq!(model.categories[1].label, "a\"b\nc");
    }

    #[test]
    fn services_and_cookie_rows_reach_the_tool_with_the_decision_lifetime_filled_in() {
        let mut config = cfg();
        config.expires_after_days = 30;
        let consent = stored(Choice::Set([("analytics.ga", true)].into()));
        let model = read(&model_json(&config, &consent));
        let analytics = &model.categories[1];
        assert!(analytics.cookies.is_empty());
        let services: Vec<(&str, &str, &str)> = analytics
            .services
            .iter()
            .map(|s| (s.id.as_str(), s.label.as_str(), s.provider.as_str()))
            .collect();
        assert_eq!(
            services,
            [
                (
                    "analytics.appinsights",
                    "Microsoft Azure Application Insights",
                    "Microsoft"
                ),
                ("analytics.ga", "Google Analytics", "Google")
            ]
        );
        let ga_rows: Vec<[String; 4]> = analytics.services[1]
            .cookies
            .iter()
            .map(|r| {
                [
                    r.name.clone(),
                    r.provider.clone(),
                    r.purpose.clone(),
                    r.duration.clone(),
                ]
            })
            .collect();
        assert_eq!(
            ga_rows,
            crate::test_support::rows(&crate::category::default_categories()[1].services[1].table)
        );
        assert!(model.categories[0]
            .description
            .starts_with("These cookies are essential"));
        assert_eq!(model.grants.get("analytics.ga"), Some(true));
        assert_eq!(model.grants.get("analytics.appinsights"), Some(false));
        let own = &model.categories[0].cookies[0];
        assert_eq!(
            (own.name.as_str(), own.duration.as_str()),
            ("__Host-kloudconsent", "30 days")
        );
        assert_eq!(
            model.texts.cookie_table_caption(),
            "Cookies and storage used by {category}"
        );
        assert_eq!(
            (model.texts.partly_on(), model.texts.cookie_duration()),
            ("Partly on", "Duration")
        );
        assert!(model.categories[2].services.is_empty() && model.categories[2].cookies.is_empty());
    }

    #[test]
    fn a_description_a_sites_translation_gave_stays_and_only_the_builtin_english_is_marked() {
        let mut config = crate::config::parse(
            r#"{"language": "auto", "translations": {"de": {"categories": {"marketing": {"description": "Werbung."}}}}}"#,
        )
        .unwrap();
        let n = crate::language::negotiate(&config, "de", &[], &[]);
        crate::language::localize(&mut config, &n, None);
        let model = read(&model_json(&config, &Consent::Undecided));
        assert!(model.builtin);
        let marketing = model
            .categories
            .iter()
            .find(|c| c.id == "marketing")
            .unwrap();
        assert_eq!(
            (marketing.description.as_str(), marketing.english),
            ("Werbung.", false),
            "the site's German, not KloudStack's English"
        );
        let analytics = model
            .categories
            .iter()
            .find(|c| c.id == "analytics")
            .unwrap();
        assert!(analytics.english && analytics.description.starts_with("These cookies"));
    }

    #[test]
    fn a_configs_own_categories_are_not_filled_from_the_builtin_policy() {
        let config = crate::config::parse(
            r#"{"expiresAfterDays": 7, "categories": [{"id": "necessary", "label": "N", "required": true,
                "cookies": [{"name": "sid", "purpose": "Session.", "duration": "{days} days"}]}]}"#,
        )
        .unwrap();
        let model = read(&model_json(&config, &Consent::Undecided));
        assert!(!model.builtin);
        let c = &model.categories[0];
        assert_eq!(c.description, "", "not KloudStack's text");
        let rows: Vec<(&str, &str)> = c
            .cookies
            .iter()
            .map(|r| (r.name.as_str(), r.duration.as_str()))
            .collect();
        assert_eq!(rows, [("sid", "7 days")]);
    }
}
