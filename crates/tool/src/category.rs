//! One category of the list: its switch row, description and providers,
//! its services (each with its own switch) and the cookie table of it and
//! its services.
//!
//! Descriptions carry `dir="auto"`: the built-in policy's descriptions are
//! English in every language (a site gives its own per language), and in a
//! right-to-left dialog English text must still run left to right. That
//! English text (descriptions, provider names, cookie rows) also says
//! `lang="en"` (`en`), so that a screen reader reads it with an English
//! voice in a German or Arabic dialog (WCAG 3.1.2).

use crate::draft::Draft;
use crate::switch::{switch, Switch};
use kloudconsent_domain::tool_model::{CookieRow, ToolCategory, ToolTexts};
use yew::prelude::*;

/// `draft`: what the switches show; `en`: `Some("en")` when the
/// providers, services and cookie rows are the built-in policy's English
/// (a category's description says so itself: a site's translation may
/// have given it).
pub fn category(
    c: &ToolCategory,
    draft: &Draft,
    t: &ToolTexts,
    en: Option<&'static str>,
    ontoggle: &Callback<(String, bool)>,
) -> Html {
    let head = Switch {
        id: &c.id,
        label: &c.label,
        locked: c.required,
        group: !c.services.is_empty(),
        shown: draft.shown(&c.id),
    };
    let services = c.services.iter().map(|s| {
        let head = Switch {
            id: &s.id,
            label: &s.label,
            locked: c.required,
            group: false,
            shown: draft.shown(&s.id),
        };
        html! {
            <li class="kc-service">
                { switch(head, t, ontoggle) }
                if !s.description.is_empty() {
                    <p class="kc-cat-desc" dir="auto" lang={en}>{ s.description.as_str() }</p>
                }
                if !s.provider.is_empty() {
                    { providers(t, &s.provider, en) }
                }
            </li>
        }
    });
    // The category's rows, then each service's with its name as provider
    // when the row names none.
    let mut rows: Vec<Html> = c.cookies.iter().map(|r| row(t, r, "")).collect();
    for s in &c.services {
        rows.extend(s.cookies.iter().map(|r| row(t, r, &s.provider)));
    }
    html! {
        <li class="kc-cat">
            { switch(head, t, ontoggle) }
            <p class="kc-cat-desc" dir="auto" lang={c.english.then_some("en")}>{ c.description.as_str() }</p>
            if !c.providers.is_empty() {
                { providers(t, &kloudconsent_domain::join(&c.providers, ", "), en) }
            }
            if !c.services.is_empty() {
                <ul class="kc-services" aria-label={c.label.clone()}>{ for services }</ul>
            }
            if !rows.is_empty() {
                { table(t, &c.label, en, rows) }
            }
        </li>
    }
}

fn providers(t: &ToolTexts, names: &str, en: Option<&'static str>) -> Html {
    html! {
        <p class="kc-providers">
            <span class="kc-providers-label">{ t.providers_label() }{ ": " }</span>
            <span lang={en}>{ names.to_owned() }</span>
        </p>
    }
}

/// The cookie table in a disclosure (closed: the list stays short). Each
/// cell carries its column's name in `data-label`, which the stylesheet
/// shows beside the value when a narrow screen stacks the cells.
///
/// Every category has one, and all read "Cookies and storage": the summary
/// is named by the caption ("Cookies and storage used by Marketing"), so a
/// screen reader's list of buttons or a Tab through them tells them apart.
/// The caption holds the visible words in every built-in language (a few
/// put the category first or the words in lower case), as WCAG 2.5.3
/// (label in name) asks: a voice user says what they see.
fn table(t: &ToolTexts, label: &str, en: Option<&'static str>, rows: Vec<Html>) -> Html {
    let caption = kloudconsent_domain::text::fill(t.cookie_table_caption(), "{category}", label);
    html! {
        <details class="kc-cookies">
            <summary aria-label={caption.clone()}>{ t.cookies_summary() }</summary>
            <table class="kc-table">
                <caption>{ caption }</caption>
                <thead><tr>
                    <th scope="col">{ t.cookie_name() }</th>
                    <th scope="col">{ t.cookie_provider() }</th>
                    <th scope="col">{ t.cookie_purpose() }</th>
                    <th scope="col">{ t.cookie_duration() }</th>
                </tr></thead>
                <tbody lang={en}>{ for rows }</tbody>
            </table>
        </details>
    }
}

fn row(t: &ToolTexts, r: &CookieRow, provider: &str) -> Html {
    let provider = match r.provider.is_empty() {
        true => provider,
        false => &r.provider,
    };
    html! {
        <tr>
            // A name is an identifier, left to right even in an Arabic
            // table (else `__Host-x` shows as `Host-x__`).
            <th scope="row" data-label={t.cookie_name().to_owned()}><code dir="ltr">{ r.name.as_str() }</code></th>
            // The other values in `<bdi>`: each takes its own direction, so
            // an English row in an Arabic table reads "182 days", with its
            // full stop at the end, and stays apart from the stacked label.
            <td data-label={t.cookie_provider().to_owned()}><bdi>{ provider.to_owned() }</bdi></td>
            <td data-label={t.cookie_purpose().to_owned()}><bdi>{ r.purpose.as_str() }</bdi></td>
            <td data-label={t.cookie_duration().to_owned()}><bdi>{ r.duration.as_str() }</bdi></td>
        </tr>
    }
}
