//! The first layer: a short text from the policy, the two policy links and
//! three buttons. Accept all and Reject all share one style (equal
//! prominence); Manage preferences is secondary.
//!
//! The banner is a labelled region, not a modal: it takes focus only when it
//! comes back after the preference tool it opened was closed, so a keyboard
//! user lands where they left off.

use super::focus;
use crate::domain::Config;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    pub config: Rc<Config>,
    pub on_accept: Callback<()>,
    pub on_reject: Callback<()>,
    pub on_manage: Callback<()>,
}

#[component]
pub fn Banner(props: &BannerProps) -> Html {
    let t = &props.config.texts;
    let manage = use_node_ref();
    {
        let manage = manage.clone();
        use_effect_with((), move |_| {
            if focus::banner_takes_focus() {
                if let Some(button) = manage.cast::<web_sys::HtmlElement>() {
                    let _ = button.focus();
                }
            }
        });
    }
    let click = |cb: &Callback<()>| cb.reform(|_: MouseEvent| ());
    html! {
        <section class="kc-banner" role="region" aria-labelledby="kc-banner-title"
                 aria-describedby="kc-banner-body">
            <div class="kc-banner-text">
                <h2 id="kc-banner-title" class="kc-title">{ &t.banner_title }</h2>
                <p id="kc-banner-body" class="kc-body">{ &t.banner_body }</p>
                <p class="kc-links">
                    <a href={t.cookie_policy_url.clone()}>{ &t.cookie_policy_label }</a>
                    <a href={t.privacy_policy_url.clone()}>{ &t.privacy_policy_label }</a>
                </p>
            </div>
            <div class="kc-actions">
                <button type="button" class="kc-btn kc-primary" onclick={click(&props.on_accept)}>{ &t.accept_all }</button>
                <button type="button" class="kc-btn kc-primary" onclick={click(&props.on_reject)}>{ &t.reject_all }</button>
                <button type="button" class="kc-btn kc-secondary" ref={manage} onclick={click(&props.on_manage)}>{ &t.manage }</button>
            </div>
        </section>
    }
}
