//! The built-in translations (`i18n/<lang>.json` at the repository root,
//! shipped as `dist/i18n/<lang>.json`): one test per language that the
//! widget reads it, that every interface text is there and not empty, and
//! that nothing in it is unknown.

use crate::category::default_categories;
use crate::config::{translation, Field, Texts, TEXT_KEYS};
use kloudconsent_json::{Json, Kind, Value};

/// The texts a built-in translation gives: every text except links, which
/// are the site's own (see docs/configuration.md, "Languages").
fn interface_keys() -> Vec<&'static str> {
    TEXT_KEYS
        .into_iter()
        .filter(|k| !k.ends_with("Url"))
        .collect()
}

fn check(lang: &str, text: &str) {
    let json = Json::parse(text).unwrap_or_else(|e| panic!("i18n/{lang}.json is not JSON: {e}"));
    let t = translation(lang, &Field::root(json.clone()), None)
        .unwrap_or_else(|e| panic!("i18n/{lang}.json: `{}`: {}", e.field, e.problem));

    let mut expected: Vec<&str> = interface_keys();
    expected.push("categories");
    let keys = json.keys();
    for key in &keys {
        assert!(
            expected.contains(&key.as_str()),
            "i18n/{lang}.json: unknown key `{key}`"
        );
    }
    for key in interface_keys() {
        let given = t
            .texts
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str());
        let value = given.unwrap_or_else(|| panic!("i18n/{lang}.json: `{key}` is missing"));
        assert!(
            !value.trim().is_empty(),
            "i18n/{lang}.json: `{key}` is empty"
        );
        assert_eq!(
            value.trim(),
            value,
            "i18n/{lang}.json: `{key}` has spaces around it"
        );
    }
    let text_of = |key: &str| &t.texts.iter().find(|(k, _)| *k == key).unwrap().1;
    // The cookie table's caption as well as the placeholder: its
    // disclosure is named by the caption (four "Cookies and storage" told
    // apart).
    for key in ["placeholderBody", "cookieTableCaption"] {
        assert_eq!(
            text_of(key).matches("{category}").count(),
            1,
            "i18n/{lang}.json: {key} names {{category}} once"
        );
    }
    // So the caption must hold the disclosure's visible words (WCAG 2.5.3,
    // label in name).
    let (caption, summary) = (text_of("cookieTableCaption"), text_of("cookiesSummary"));
    assert!(
        caption.to_lowercase().contains(&summary.to_lowercase()),
        "i18n/{lang}.json: cookieTableCaption holds cookiesSummary's words"
    );
    let (accept, reject) = (text_of("acceptAll"), text_of("rejectAll"));
    assert_ne!(
        accept, reject,
        "i18n/{lang}.json: Accept all and Reject all must differ"
    );

    // A label for each default category, and nothing else: descriptions
    // are a site's policy, not interface wording.
    let categories = json.get("categories").expect("categories");
    assert_eq!(
        Value::kind(&categories),
        Kind::Object,
        "i18n/{lang}.json: categories"
    );
    let ids: Vec<String> = default_categories().into_iter().map(|c| c.id).collect();
    assert_eq!(
        categories.keys(),
        ids,
        "i18n/{lang}.json: the default categories, in order"
    );
    for (id, label, description) in &t.categories {
        let entry = categories.get(id).unwrap();
        assert_eq!(
            entry.keys(),
            ["label"],
            "i18n/{lang}.json: categories.{id} has a label only"
        );
        let label = label.as_deref().unwrap_or_default();
        assert!(
            !label.trim().is_empty() && label.trim() == label,
            "i18n/{lang}.json: categories.{id}.label"
        );
        assert_eq!(*description, None);
    }
}

/// `$name` reads `i18n/$lang.json` (at compile time: a missing file fails
/// the build) and checks it.
macro_rules! languages {
    ($($name:ident => $lang:literal),* $(,)?) => {
        /// Every language the tests know, so a file without a test is noticed.
        const LANGUAGES: &[&str] = &[$($lang),*];
        $(
            #[test]
            fn $name() {
                check($lang, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../i18n/", $lang, ".json")));
            }
        )*
    };
}

// The EU's 24 official languages, then Arabic, Chinese, Japanese, Korean,
// Hindi and Indonesian.
languages! {
    bulgarian => "bg", czech => "cs", danish => "da", german => "de", greek => "el", english => "en",
    spanish => "es", estonian => "et", finnish => "fi", french => "fr", irish => "ga", croatian => "hr",
    hungarian => "hu", italian => "it", lithuanian => "lt", latvian => "lv", maltese => "mt", dutch => "nl",
    polish => "pl", portuguese => "pt", romanian => "ro", slovak => "sk", slovenian => "sl", swedish => "sv",
    arabic => "ar", chinese => "zh", japanese => "ja", korean => "ko", hindi => "hi", indonesian => "id",
}

#[test]
fn every_file_in_i18n_has_its_test() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../i18n");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("i18n/")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut tested: Vec<String> = LANGUAGES.iter().map(|l| format!("{l}.json")).collect();
    tested.sort();
    assert_eq!(files, tested, "add the language to `languages!` above");
}

#[test]
fn english_matches_the_cores_own_interface_wording() {
    // The core's English is KloudStack's: same interface strings, its own
    // banner and tool introductions.
    let json = Json::parse(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../i18n/en.json"
    )))
    .unwrap();
    let t = translation("en", &Field::root(json), None).unwrap();
    let core = Texts::default();
    for (key, text) in &t.texts {
        if !matches!(*key, "bannerBody" | "prefsBody") {
            assert_eq!(core.get(key), Some(text.as_str()), "{key}");
        }
    }
}
