//! One category of the list: its switch row, description and providers.

use crate::switch::switch;
use kloudconsent_domain::tool_model::{ToolCategory, ToolTexts};
use yew::prelude::*;

/// `on`: what its switch shows (the draft).
pub fn category(
    c: &ToolCategory,
    on: bool,
    t: &ToolTexts,
    ontoggle: &Callback<(String, bool)>,
) -> Html {
    html! {
        <li class="kc-cat">
            { switch(c, on, &t.always_on, ontoggle) }
            <p class="kc-cat-desc">{ &c.description }</p>
            if !c.providers.is_empty() {
                <p class="kc-providers">
                    <span class="kc-providers-label">{ &t.providers_label }{ ": " }</span>
                    { kloudconsent_domain::join(&c.providers, ", ") }
                </p>
            }
        </li>
    }
}
