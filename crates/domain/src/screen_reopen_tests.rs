//! Every transition of the view/focus state machine that involves the
//! reopen button.

use super::*;

fn with_button(ask: bool, decided: bool) -> Screen {
    let mut s = Screen::new(true);
    s.on(Event::Booted { ask, decided });
    s
}

/// Under a privacy signal: no banner unless the config shows it (`ask`).
fn signalled(ask: bool, decided: bool) -> Screen {
    let mut s = Screen::new(true).with_signal(true);
    s.on(Event::Booted { ask, decided });
    s
}

fn step(load_tool: bool, focus: Focus) -> Step {
    Step { load_tool, focus }
}

const BUTTON: Scene = Scene {
    banner: None,
    dialog: None,
    reopen: true,
};
const BANNER: Scene = Scene {
    banner: Some(BannerState::Ready),
    dialog: None,
    reopen: false,
};
const TOOL: Scene = Scene {
    banner: None,
    dialog: Some(DialogState::Tool),
    reopen: false,
};
const LOADING: Scene = Scene {
    banner: None,
    dialog: Some(DialogState::Loading),
    reopen: false,
};
const NOTHING: Scene = Scene {
    banner: None,
    dialog: None,
    reopen: false,
};

#[test]
fn not_before_boot_and_not_while_undecided() {
    assert_eq!(Screen::new(true).scene(), BANNER);
    assert_eq!(with_button(true, false).scene(), BANNER);
}

#[test]
fn shows_at_boot_when_a_decision_is_stored() {
    assert_eq!(with_button(false, true).scene(), BUTTON);
}

#[test]
fn never_without_the_config_asking_for_it() {
    let mut s = Screen::new(false);
    s.on(Event::Booted {
        ask: false,
        decided: true,
    });
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn a_privacy_signal_answers_without_a_banner_but_leaves_the_button() {
    // Undecided, and a signal answered: no banner, but the button, so the
    // tool stays reachable on a page with no link to it (contract section 5).
    let mut s = signalled(false, false);
    assert_eq!(s.scene(), BUTTON);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Reopen));
    assert_eq!(s.scene(), TOOL);
    // Closed without choosing: the signal still answers, the button is back
    // and takes focus again.
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::Reopen)
    );
    assert_eq!(s.scene(), BUTTON);
    // reset() asks again under a signal too: the banner, not the button.
    s.on(Event::Reset);
    assert_eq!(s.scene(), BANNER);
    // Another tab's reset under a signal: quiet again, with the button.
    s.on(Event::StoredChanged {
        decided: false,
        ask: false,
    });
    assert_eq!(s.scene(), BANNER, "the banner this tab shows stays up");
    s.on(Event::Hide);
    assert_eq!(
        s.scene(),
        BUTTON,
        "hide() after reset(): the button is back"
    );
    // The config shows the banner under signals too; hide() leaves the button.
    let mut s = signalled(true, false);
    assert_eq!(s.scene(), BANNER);
    s.on(Event::Hide);
    assert_eq!(s.scene(), BUTTON);
}

#[test]
fn hidden_while_undecided_without_a_signal_shows_no_button() {
    // The "no banner on one page" recipe: hide() before anything is
    // decided, and no signal. Nothing shows; the page has its own link.
    let mut s = with_button(true, false);
    s.on(Event::Hide);
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn appears_once_the_banner_is_answered() {
    let mut s = with_button(true, false);
    // The banner's pressed button goes away: focus to the page, not to the
    // button that appears in a corner.
    assert_eq!(s.on(Event::Decided), step(false, Focus::Page));
    assert_eq!(s.scene(), BUTTON);
}

#[test]
fn not_while_the_tool_opened_from_the_banner_is_up() {
    let mut s = with_button(true, false);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(s.scene(), TOOL);
    assert_eq!(s.on(Event::Decided), step(false, Focus::Page));
    assert_eq!(s.scene(), BUTTON);
}

#[test]
fn opens_the_tool_cold_then_focus_returns_to_it_on_close() {
    let mut s = with_button(false, true);
    assert_eq!(s.on(Event::Open(Opener::Reopen)), step(true, Focus::Dialog));
    assert_eq!(s.scene(), LOADING, "hidden while the loading dialog is up");
    assert_eq!(s.on(Event::ToolLoaded), step(false, Focus::Dialog));
    assert_eq!(s.scene(), TOOL);
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Reopen)
    );
    assert_eq!(s.scene(), BUTTON);
}

#[test]
fn deciding_in_the_tool_it_opened_returns_focus_to_it() {
    let mut s = with_button(false, true);
    s.on(Event::ToolLoaded);
    assert_eq!(
        s.on(Event::Open(Opener::Reopen)),
        step(false, Focus::Dialog)
    );
    assert_eq!(s.on(Event::Decided), step(false, Focus::Reopen));
    assert_eq!(s.scene(), BUTTON);
}

#[test]
fn hide_returns_focus_to_it() {
    let mut s = with_button(false, true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Reopen));
    assert_eq!(s.on(Event::Hide), step(false, Focus::Reopen));
    assert_eq!(s.scene(), BUTTON);
}

#[test]
fn a_failed_load_shows_the_failure_dialog_over_it_and_closing_returns_to_it() {
    let mut s = with_button(false, true);
    s.on(Event::Open(Opener::Reopen));
    assert_eq!(s.on(Event::ToolFailed), step(false, Focus::Dialog));
    assert_eq!(
        s.scene(),
        Scene {
            banner: None,
            dialog: Some(DialogState::Failed),
            reopen: false,
        }
    );
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Reopen)
    );
    assert_eq!(s.scene(), BUTTON);
    // Trying again retries the load.
    assert_eq!(s.on(Event::Open(Opener::Reopen)), step(true, Focus::Dialog));
}

#[test]
fn reset_takes_it_away_and_asks_again() {
    let mut s = with_button(false, true);
    assert_eq!(s.on(Event::Reset), step(false, Focus::Stay));
    assert_eq!(s.scene(), BANNER);
    // Hidden without deciding (`kloudconsent.hide()`): still undecided.
    s.on(Event::Hide);
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn reset_while_its_tool_is_up_sends_focus_to_the_page() {
    let mut s = with_button(false, true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Reopen));
    assert_eq!(s.on(Event::Reset), step(false, Focus::Page));
    assert_eq!(s.scene(), BANNER);
}

#[test]
fn follows_decisions_made_in_other_tabs() {
    let mut s = with_button(true, false);
    assert_eq!(
        s.on(Event::StoredChanged {
            decided: true,
            ask: false
        }),
        step(false, Focus::Page)
    );
    assert_eq!(s.scene(), BUTTON);
    assert_eq!(
        s.on(Event::StoredChanged {
            decided: false,
            ask: true
        }),
        step(false, Focus::Stay)
    );
    assert_eq!(s.scene(), BANNER);
}

#[test]
fn another_tab_resetting_while_its_tool_is_up() {
    let mut s = with_button(false, true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Reopen));
    s.on(Event::StoredChanged {
        decided: false,
        ask: true,
    });
    assert_eq!(s.scene(), TOOL, "the open tool stays");
    // No decision now, so no button to return to.
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::Page)
    );
    assert!(!s.scene().reopen);
}

#[test]
fn a_second_open_while_its_tool_is_up_changes_nothing() {
    let mut s = with_button(false, true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Reopen));
    assert_eq!(s.on(Event::Open(Opener::Page)), step(false, Focus::Stay));
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Reopen),
        "the first opener is still the one focus returns to"
    );
}

#[test]
fn prefetching_does_not_change_it() {
    let mut s = with_button(false, true);
    assert_eq!(s.on(Event::Prefetch), step(true, Focus::Stay));
    assert_eq!(s.scene(), BUTTON);
    s.on(Event::ToolLoaded);
    assert_eq!(s.scene(), BUTTON);
}
