//! What a gated embed (`<iframe>`, `<img>` or `<video>` with `data-consent`
//! and `data-src`) shows, given the consent in force (contract section 6).
//!
//! Scripts and embeds share [`gating::verdict`], so an embed loads exactly
//! when a script with the same attribute would run. Embeds add two things
//! scripts do not have: a placeholder that names what is missing, and
//! "Allow once", a permission for one element on one page that is never
//! stored. The browser layer keeps that flag and asks [`view`] again on
//! every change.

use super::config::Config;
use super::decision::Consent;
use super::gating::{self, Gate, Verdict};
use crate::text::{cat, join};

/// What to do with a gated embed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbedView {
    /// Give it its `src`: every named category is granted, or the visitor
    /// allowed this one embed once.
    Load,
    /// Keep it empty and cover it with a placeholder naming the categories
    /// (ids, config order of the attribute) that are not granted yet.
    Placeholder(Vec<String>),
    /// Never load it; the message tells the site owner why.
    Never(String),
}

/// What `gate` on an embed asks for under `consent`. `allowed_once` is the
/// visitor's "Allow once" for this element on this page.
pub fn view(gate: &Gate, consent: &Consent, config: &Config, allowed_once: bool) -> EmbedView {
    let ids = match gate {
        // A clean-up gate says "run when refused": loading third-party
        // content because the visitor refused it would invert their choice.
        Gate::CleanupWhenRefused(id) => {
            return EmbedView::Never(cat(&[
                "an embed has data-consent=\"!",
                id,
                "\"; clean-up gates are for scripts only, so it will never load.",
            ]))
        }
        Gate::All(ids) => ids,
    };
    match gating::verdict(gate, consent, config) {
        Verdict::Run => EmbedView::Load,
        Verdict::Unknown(unknown) => EmbedView::Never(cat(&[
            "an embed names unknown consent categor",
            if unknown.len() == 1 { "y" } else { "ies" },
            " `",
            &join(&unknown, "`, `"),
            "`; it will never load.",
        ])),
        Verdict::Wait if allowed_once => EmbedView::Load,
        Verdict::Wait => {
            let mut missing: Vec<String> = Vec::new();
            for id in ids {
                if !consent.granted(id, config) && !missing.contains(id) {
                    missing.push(id.clone());
                }
            }
            EmbedView::Placeholder(missing)
        }
    }
}

/// Whether an "Allow once" survives a change that revoked `revoked`: a visitor
/// who takes back a category they had granted means it for every embed that
/// needs it, including ones they had let through once.
pub fn once_survives(gate: &Gate, revoked: &[String]) -> bool {
    match gate {
        Gate::All(ids) => !ids.iter().any(|id| revoked.contains(id)),
        Gate::CleanupWhenRefused(_) => false,
    }
}

/// The placeholder's sentence for the missing category ids: the configured
/// text with `{category}` replaced by their labels.
pub fn placeholder_text(missing: &[String], config: &Config) -> String {
    let mut labels = Vec::new();
    for id in missing {
        if let Some(label) = config.label(id) {
            labels.push(label);
        }
    }
    config.texts.placeholder(&join(&labels, ", "))
}

/// Why the URL attribute `attribute` (`data-src`, `data-srcset` or
/// `data-poster`) of a gated embed must never be copied to the real one, if
/// it must not: only http(s) URLs and relative ones (resolved against
/// `base`, the document's base URL, which must itself be http(s)) load.
/// `javascript:` would run in the site's origin, `data:` and `blob:` would
/// load content that is not the third party's, and other schemes have no
/// business in an embed.
pub fn url_refusal(attribute: &str, value: &str, base: &str) -> Option<String> {
    let urls = if attribute.ends_with("srcset") {
        srcset_urls(value)
    } else {
        vec![value]
    };
    for &url in &urls {
        // A relative URL takes the base's scheme.
        let scheme = scheme(url).or_else(|| scheme(base)).unwrap_or_default();
        if scheme != "http" && scheme != "https" {
            return Some(cat(&[
                "an embed's ",
                attribute,
                " is not an http(s) link (",
                &scheme,
                ":); it will never load.",
            ]));
        }
    }
    None
}

/// The scheme of `url` (lowercase) as the URL standard's parser reads it, or
/// `None` for a relative URL. Like the parser, it skips leading C0 controls
/// and spaces, and tabs and newlines anywhere, so `" java\tscript:"` is
/// `javascript`.
fn scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    for b in url.bytes() {
        let first = scheme.is_empty();
        if matches!(b, b'\t' | b'\n' | b'\r') || (first && b <= b' ') {
            continue;
        }
        if b.is_ascii_alphabetic()
            || (!first && (b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')))
        {
            scheme.push(char::from(b.to_ascii_lowercase()));
        } else {
            return (b == b':' && !first).then_some(scheme);
        }
    }
    None
}

/// The URLs of a `srcset` value, split as the HTML standard's srcset parser
/// splits it: candidates are separated by commas, a URL is a run of
/// non-whitespace (trailing commas end the candidate), and a comma inside a
/// descriptor's parentheses does not end it.
fn srcset_urls(srcset: &str) -> Vec<&str> {
    let b = srcset.as_bytes();
    let space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    let (mut i, mut out) = (0, Vec::new());
    loop {
        while i < b.len() && (space(b[i]) || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() {
            return out;
        }
        let start = i;
        while i < b.len() && !space(b[i]) {
            i += 1;
        }
        let mut end = i;
        while b[end - 1] == b',' {
            end -= 1;
        }
        out.push(&srcset[start..end]);
        if end < i {
            continue;
        }
        let mut in_parens = false;
        while i < b.len() {
            match b[i] {
                b'(' => in_parens = true,
                b')' => in_parens = false,
                b',' if !in_parens => break,
                _ => {}
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::Choice;
    use crate::gating::parse_gate;
    use crate::test_support::{cfg, stored};

    fn v(attr: &str, consent: &Consent, once: bool) -> EmbedView {
        view(&parse_gate(attr), consent, &cfg(), once)
    }

    fn missing(ids: &[&str]) -> EmbedView {
        EmbedView::Placeholder(ids.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn loads_exactly_when_a_script_would_run_or_once_allowed() {
        let analytics = stored(Choice::Set([("analytics", true)].into()));
        assert_eq!(
            v("marketing", &Consent::Undecided, false),
            missing(&["marketing"])
        );
        assert_eq!(
            v("marketing", &Consent::Signal, false),
            missing(&["marketing"])
        );
        assert_eq!(
            v("marketing", &stored(Choice::RejectAll), false),
            missing(&["marketing"])
        );
        assert_eq!(
            v("marketing", &stored(Choice::AcceptAll), false),
            EmbedView::Load
        );
        assert_eq!(v("marketing", &Consent::Undecided, true), EmbedView::Load);
        assert_eq!(v("necessary", &Consent::Undecided, false), EmbedView::Load);
        assert_eq!(
            v("analytics marketing marketing", &analytics, false),
            missing(&["marketing"]),
            "only what is still missing, once"
        );
        assert_eq!(
            v("marketing analytics", &Consent::Undecided, false),
            missing(&["marketing", "analytics"])
        );
    }

    #[test]
    fn never_for_unknown_categories_or_clean_up_gates_even_when_allowed_once() {
        let all = stored(Choice::AcceptAll);
        for (attr, needle) in [("nope", "`nope`"), ("", "``"), ("!marketing", "!marketing")] {
            for once in [false, true] {
                let EmbedView::Never(msg) = v(attr, &all, once) else {
                    panic!("{attr:?} must never load");
                };
                assert!(msg.contains(needle), "{msg}");
            }
        }
        let EmbedView::Never(refused) = v("!marketing", &stored(Choice::RejectAll), false) else {
            panic!("a clean-up gate on an embed never loads, even when refused");
        };
        assert!(refused.contains("scripts only"));
    }

    #[test]
    fn a_revoke_ends_allow_once_for_the_categories_it_names() {
        let g = parse_gate("analytics marketing");
        assert!(once_survives(&g, &[]));
        assert!(once_survives(&g, &["functionality".into()]));
        assert!(!once_survives(&g, &["marketing".into()]));
        assert!(!once_survives(&parse_gate("!marketing"), &[]));
    }

    #[test]
    fn placeholder_text_names_the_missing_labels() {
        let c = cfg();
        assert_eq!(
            placeholder_text(&["marketing".into()], &c),
            "This content is blocked until you allow Marketing and communication cookies."
        );
        assert_eq!(
            placeholder_text(&["analytics".into(), "marketing".into(), "zzz".into()], &c),
            "This content is blocked until you allow Performance and analytics, Marketing and communication cookies."
        );
    }

    const BASE: &str = "https://kloudstack.com.au/pricing";

    #[test]
    fn only_http_and_relative_urls_load() {
        for ok in [
            "https://www.youtube-nocookie.com/embed/x",
            "HTTP://example.net/a.mp4",
            " \t https://a.b/",
            "//cdn.example.net/x.png",
            "/fixtures/frame.html",
            "frame.html",
            "?q=1",
            "#top",
            "",
            "http:relative-but-http",
            "javascript%3Aalert(1)",
            "1javascript:x",
        ] {
            assert_eq!(url_refusal("data-src", ok, BASE), None, "{ok:?}");
        }
        for (bad, scheme) in [
            ("javascript:parent.__pwned=1", "javascript:"),
            ("JaVaScRiPt:x", "javascript:"),
            ("java\tscript:x", "javascript:"),
            ("\u{1}\u{0} javascript:x", "javascript:"),
            ("jav\nascript:x", "javascript:"),
            ("data:text/html,<script>x</script>", "data:"),
            ("vbscript:x", "vbscript:"),
            ("blob:https://kloudstack.com.au/0b1c", "blob:"),
            ("file:///etc/passwd", "file:"),
            ("ftp://a.b/x", "ftp:"),
            ("x-custom+1.2:thing", "x-custom+1.2:"),
        ] {
            let refusal = url_refusal("data-src", bad, BASE);
            assert_eq!(
                refusal,
                Some(format!(
                    "an embed's data-src is not an http(s) link ({scheme}); it will never load."
                )),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn relative_urls_need_an_http_base() {
        assert_eq!(
            url_refusal("data-poster", "/p.png", "http://localhost:8080/"),
            None
        );
        for base in [
            "about:blank",
            "file:///site/index.html",
            "blob:https://a/1",
            "data:text/html,x",
        ] {
            let refusal = url_refusal("data-poster", "/p.png", base);
            let scheme = &base[..base.find(':').unwrap()];
            assert_eq!(
                refusal,
                Some(format!("an embed's data-poster is not an http(s) link ({scheme}:); it will never load.")),
            );
            assert_eq!(url_refusal("data-poster", "https://a/p.png", base), None);
        }
    }

    #[test]
    fn srcset_candidates_are_each_checked() {
        assert_eq!(srcset_urls("a.png 1x, b.png 2x"), ["a.png", "b.png"]);
        // As in browsers, a comma inside a URL does not split it.
        assert_eq!(
            srcset_urls(" a.png,b.png,, c.png 100w "),
            ["a.png,b.png", "c.png"]
        );
        assert_eq!(
            srcset_urls("a.png (x, data:y) 1x, b.png"),
            ["a.png", "b.png"]
        );
        assert_eq!(
            srcset_urls("data:image/png;base64,AAAA 2x"),
            ["data:image/png;base64,AAAA"]
        );
        assert_eq!(srcset_urls(",,, "), Vec::<&str>::new());
        assert_eq!(
            url_refusal("data-srcset", "https://a/x.png 1x, /y.png 2x", BASE),
            None
        );
        assert_eq!(
            url_refusal("data-srcset", "https://a/x.png,data:y", BASE),
            None,
            "one http URL"
        );
        for bad in [
            "https://a/x.png 1x, data:image/png;base64,AAAA 2x",
            "javascript:x 1x",
            "/ok.png 1x,data:x",
            "/ok.png 1x ,data:x",
        ] {
            assert!(url_refusal("data-srcset", bad, BASE).is_some(), "{bad}");
        }
        assert_eq!(
            url_refusal("data-srcset", "/ok.png 1x, blob:https://a/1 2x", BASE).as_deref(),
            Some("an embed's data-srcset is not an http(s) link (blob:); it will never load.")
        );
    }

    proptest::proptest! {
        #[test]
        fn srcset_splitting_never_panics_and_keeps_to_the_input(s in "[ ,()a-z:/\\t\\n\u{e9}]{0,40}") {
            for url in &srcset_urls(&s) {
                proptest::prop_assert!(s.contains(url));
                proptest::prop_assert!(!url.contains(' ') && !url.ends_with(','));
            }
            let _ = url_refusal("data-srcset", &s, BASE);
        }
    }

    #[test]
    fn service_embeds_name_the_service() {
        let ga = parse_gate("analytics.ga marketing");
        let only_insights = stored(Choice::Set([("analytics.appinsights", true)].into()));
        let EmbedView::Placeholder(missing) = view(&ga, &only_insights, &cfg(), false) else {
            panic!("a placeholder");
        };
        assert_eq!(missing, ["analytics.ga", "marketing"]);
        assert_eq!(
            placeholder_text(&missing, &cfg()),
            "This content is blocked until you allow Google Analytics, Marketing and communication cookies."
        );
        let only_ga = stored(Choice::Set(
            [("analytics.ga", true), ("marketing", true)].into(),
        ));
        assert_eq!(view(&ga, &only_ga, &cfg(), false), EmbedView::Load);
        assert!(!once_survives(&ga, &["analytics.ga".into()]));
        assert!(once_survives(&ga, &["analytics.appinsights".into()]));
    }
}
