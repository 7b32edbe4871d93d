//! What the loader's gating code (www/gating.js) asks the engine: may this
//! gated script run, what does this embed show, may this URL load, what does
//! "Allow always" decide. The DOM work (finding the tags, activating them in
//! order, drawing placeholders) is JS; every answer is the domain's rules.

use crate::browser::console;
use crate::browser::dom::string;
use crate::exports::page;
use kloudconsent_domain::embeds::{self as embed_rules, EmbedView};
use kloudconsent_domain::gating::{self, Gate, Verdict};
use kloudconsent_domain::text::{self, cat, join};
use kloudconsent_domain::{decision, Choice, Grants};
use wasm_bindgen::prelude::*;

/// Whether a gated script with this `data-consent` may run now: 0 not yet,
/// 1 run, 2 never (it names an unknown category: warned here, once per tag,
/// since the loader marks the tag).
#[wasm_bindgen]
pub fn kc_verdict(attr: JsValue) -> u32 {
    let Some(p) = page() else { return 0 };
    let attr = string(attr);
    match gating::verdict(&gating::parse_gate(&attr), &p.in_force(), &p.config) {
        Verdict::Wait => 0,
        Verdict::Run => 1,
        Verdict::Unknown(ids) => {
            let which = if ids.len() == 1 { "y" } else { "ies" };
            let names = join(&ids, "`, `");
            console::warn(&cat(&[
                "a gated script names unknown consent categor",
                which,
                " `",
                &names,
                "`; it will never run.",
            ]));
            2
        }
    }
}

/// What an embed with this `data-consent` shows now. `once`: the visitor let
/// it through for this page; `revoked`: the ids the decision in hand took
/// back (space-separated; an "Allow once" ends with them). The answer is
/// `L` load, `O` load as allowed once, `P<text>` a placeholder with that
/// sentence, `N<message>` never (the loader warns once).
#[wasm_bindgen]
pub fn kc_embed(attr: JsValue, once: bool, revoked: JsValue) -> JsValue {
    JsValue::from_str(&embed(string(attr), once, string(revoked)))
}

fn embed(attr: String, once: bool, revoked: String) -> String {
    let Some(p) = page() else { return "N".into() };
    let gate = gating::parse_gate(&attr);
    let mut ids = Vec::new();
    for id in text::split(&revoked, b' ') {
        if !id.is_empty() {
            ids.push(id.to_owned());
        }
    }
    let revoked = ids;
    let once = once && embed_rules::once_survives(&gate, &revoked);
    let consent = p.in_force();
    match embed_rules::view(&gate, &consent, &p.config, once) {
        EmbedView::Load if gating::verdict(&gate, &consent, &p.config) == Verdict::Run => {
            "L".into()
        }
        EmbedView::Load => "O".into(),
        EmbedView::Placeholder(missing) => {
            cat(&["P", &embed_rules::placeholder_text(&missing, &p.config)])
        }
        EmbedView::Never(message) => cat(&["N", &message]),
    }
}

/// Why the URL attribute `attr` of a gated embed must never be copied (not
/// http(s) or relative against `base`), or `""` when it may.
#[wasm_bindgen]
pub fn kc_url_refusal(attr: JsValue, value: JsValue, base: JsValue) -> JsValue {
    let (attr, value, base) = (string(attr), string(value), string(base));
    JsValue::from_str(&embed_rules::url_refusal(&attr, &value, &base).unwrap_or_default())
}

/// "Allow always" on an embed's placeholder: its categories, stored granted.
#[wasm_bindgen]
pub fn kc_allow(attr: JsValue) {
    let Some(p) = page() else { return };
    if let Gate::All(ids) = gating::parse_gate(&string(attr)) {
        let mut grants = Grants::new();
        for id in &ids {
            grants.set(id, true);
        }
        p.choose(Choice::Set(grants), decision::via::EMBED, false);
    }
}

/// The placeholders' two button labels, in the widget's language, then the
/// widget's theme (`auto`, `light` or `dark`), language and direction, one a
/// line: a placeholder is coloured, marked and laid out as the banner is, a
/// theme or direction the config forces included. A line break in a label
/// (the config allows one; a button shows it as a space) becomes a space,
/// so that it cannot shift the fields after it.
#[wasm_bindgen]
pub fn kc_allow_texts() -> JsValue {
    JsValue::from_str(&page().map_or_else(String::new, |p| {
        let c = &p.config;
        cat(&[
            &text::one_line(c.texts.allow_once()),
            "\n",
            &text::one_line(c.texts.allow_always()),
            "\n",
            c.theme.as_str(),
            "\n",
            &c.lang,
            "\n",
            c.dir.as_str(),
        ])
    }))
}
