//! Every transition of the view/focus state machine.

use super::*;

fn booted(ask: bool) -> Screen {
    let mut s = Screen::default();
    s.on(Event::Booted { ask, decided: !ask });
    s
}

fn scene(banner: Option<BannerState>, dialog: Option<DialogState>) -> Scene {
    Scene {
        banner,
        dialog,
        reopen: false,
    }
}

fn step(load_tool: bool, focus: Focus) -> Step {
    Step { load_tool, focus }
}

const BANNER: Scene = Scene {
    banner: Some(BannerState::Ready),
    dialog: None,
    reopen: false,
};
const NOTHING: Scene = Scene {
    banner: None,
    dialog: None,
    reopen: false,
};
const TOOL: Scene = Scene {
    banner: None,
    dialog: Some(DialogState::Tool),
    reopen: false,
};

#[test]
fn starts_fail_closed_with_the_banner() {
    assert_eq!(Screen::default().scene(), BANNER);
}

#[test]
fn boot_shows_the_banner_only_when_asking() {
    assert_eq!(booted(true).scene(), BANNER);
    assert_eq!(booted(false).scene(), NOTHING);
}

#[test]
fn banner_to_tool_to_close_and_back_to_the_banner_with_focus_on_manage() {
    let mut s = booted(true);
    // Cold: the tool must load; the banner stays with its button busy.
    assert_eq!(s.on(Event::Open(Opener::Banner)), step(true, Focus::Stay));
    assert_eq!(s.scene(), scene(Some(BannerState::Busy), None));
    assert_eq!(s.on(Event::ToolLoaded), step(false, Focus::Dialog));
    assert_eq!(s.scene(), TOOL);
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::BannerManage)
    );
    assert_eq!(s.scene(), BANNER);
    // Warm: the second open needs no load and focuses the dialog at once.
    assert_eq!(
        s.on(Event::Open(Opener::Banner)),
        step(false, Focus::Dialog)
    );
    assert_eq!(s.scene(), TOOL);
}

#[test]
fn tool_from_a_page_opener_shows_a_loading_dialog_and_returns_focus_to_the_opener() {
    let mut s = booted(false);
    assert_eq!(s.on(Event::Open(Opener::Page)), step(true, Focus::Dialog));
    assert_eq!(s.scene(), scene(None, Some(DialogState::Loading)));
    assert_eq!(s.on(Event::ToolLoaded), step(false, Focus::Dialog));
    assert_eq!(s.scene(), TOOL);
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Opener)
    );
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn tool_opened_by_nobody_gives_focus_to_the_page_on_close() {
    let mut s = booted(false);
    s.on(Event::ToolLoaded);
    assert_eq!(
        s.on(Event::Open(Opener::Nobody)),
        step(false, Focus::Dialog)
    );
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Page)
    );
}

#[test]
fn a_page_opener_over_the_banner_still_brings_the_banner_back_but_focus_to_the_opener() {
    let mut s = booted(true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Page));
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::Opener)
    );
    assert_eq!(s.scene(), BANNER);
}

#[test]
fn closing_after_a_decision_elsewhere_does_not_bring_the_banner_back() {
    let mut s = booted(true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Page)
    );
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn deciding_in_the_tool_hides_everything_and_returns_focus() {
    let mut s = booted(true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Banner));
    // The banner does not come back after a decision: focus goes to the page.
    assert_eq!(s.on(Event::Decided), step(false, Focus::Page));
    assert_eq!(s.scene(), NOTHING);
    let mut s = booted(false);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Page));
    assert_eq!(s.on(Event::Decided), step(false, Focus::Opener));
}

#[test]
fn deciding_on_the_banner_hides_it() {
    let mut s = booted(true);
    assert_eq!(s.on(Event::Decided), step(false, Focus::Page));
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn a_decision_from_the_api_while_nothing_is_shown_moves_nothing() {
    let mut s = booted(false);
    assert_eq!(s.on(Event::Decided), step(false, Focus::Stay));
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn a_decision_while_the_tool_loads_cancels_the_open() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(s.on(Event::Decided), step(false, Focus::Page));
    assert_eq!(s.scene(), NOTHING);
    // The module arriving later shows nothing.
    assert_eq!(s.on(Event::ToolLoaded), step(false, Focus::Stay));
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn hide_closes_whatever_is_open_without_deciding() {
    let mut s = booted(true);
    assert_eq!(s.on(Event::Hide), step(false, Focus::Stay));
    assert_eq!(s.scene(), NOTHING);
    let mut s = booted(true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Page));
    assert_eq!(s.on(Event::Hide), step(false, Focus::Opener));
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn hide_while_loading_means_the_tool_never_appears() {
    let mut s = booted(false);
    s.on(Event::Open(Opener::Page));
    s.on(Event::Hide);
    s.on(Event::ToolLoaded);
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn a_second_open_while_open_or_loading_changes_nothing() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(s.on(Event::Open(Opener::Page)), step(false, Focus::Stay));
    s.on(Event::ToolLoaded);
    assert_eq!(s.on(Event::Open(Opener::Page)), step(false, Focus::Stay));
    // The first opener is the one focus returns to.
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::BannerManage)
    );
}

#[test]
fn failure_from_the_banner_shows_a_message_on_the_banner_and_retries() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(s.on(Event::ToolFailed), step(false, Focus::Stay));
    assert_eq!(s.scene(), scene(Some(BannerState::ToolFailed), None));
    // Manage preferences again tries again.
    assert_eq!(s.on(Event::Open(Opener::Banner)), step(true, Focus::Stay));
    assert_eq!(s.scene(), scene(Some(BannerState::Busy), None));
    s.on(Event::ToolLoaded);
    assert_eq!(s.scene(), TOOL);
}

#[test]
fn a_tool_that_fails_once_up_gives_focus_back_to_the_banners_manage_button() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(s.on(Event::ToolLoaded), step(false, Focus::Dialog));
    assert_eq!(s.scene(), TOOL);
    // The core refused its Save (its switches and draft differed): focus
    // was in the dialog, which is gone.
    assert_eq!(s.on(Event::ToolFailed), step(false, Focus::BannerManage));
    assert_eq!(s.scene(), scene(Some(BannerState::ToolFailed), None));
    assert_eq!(s.on(Event::Open(Opener::Banner)), step(true, Focus::Stay));
}

#[test]
fn failure_from_a_page_opener_shows_the_failure_dialog_until_closed() {
    let mut s = booted(false);
    s.on(Event::Open(Opener::Page));
    assert_eq!(s.on(Event::ToolFailed), step(false, Focus::Dialog));
    assert_eq!(s.scene(), scene(None, Some(DialogState::Failed)));
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::Opener)
    );
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn the_banner_choices_work_after_a_failure() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    s.on(Event::ToolFailed);
    assert_eq!(s.on(Event::Decided), step(false, Focus::Page));
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn a_failed_prefetch_is_silent_and_opening_retries() {
    let mut s = booted(true);
    assert_eq!(s.on(Event::Prefetch), step(true, Focus::Stay));
    assert_eq!(s.on(Event::ToolFailed), step(false, Focus::Stay));
    assert_eq!(s.scene(), BANNER);
    assert_eq!(s.on(Event::Open(Opener::Banner)), step(true, Focus::Stay));
}

#[test]
fn prefetch_loads_once() {
    let mut s = booted(true);
    assert_eq!(s.on(Event::Prefetch), step(true, Focus::Stay));
    assert_eq!(s.on(Event::Prefetch), step(false, Focus::Stay));
    assert_eq!(s.scene(), BANNER);
    // Opening during the prefetch waits for it instead of loading twice.
    assert_eq!(s.on(Event::Open(Opener::Banner)), step(false, Focus::Stay));
    s.on(Event::ToolLoaded);
    assert_eq!(s.on(Event::Prefetch), step(false, Focus::Stay));
}

#[test]
fn reset_brings_the_banner_back_and_closes_the_tool() {
    let mut s = booted(false);
    assert_eq!(s.on(Event::Reset), step(false, Focus::Stay));
    assert_eq!(s.scene(), BANNER);
    let mut s = booted(false);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Page));
    // Back to the page's opener (`show()` from its button), still there.
    assert_eq!(s.on(Event::Reset), step(false, Focus::Opener));
    assert_eq!(s.scene(), BANNER);
    // Opened from the banner, which asks again: back to its Manage button.
    let mut s = booted(true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(s.on(Event::Reset), step(false, Focus::BannerManage));
    assert_eq!(s.scene(), BANNER);
}

#[test]
fn reset_clears_an_earlier_failure_message() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    s.on(Event::ToolFailed);
    s.on(Event::Decided);
    s.on(Event::Reset);
    assert_eq!(s.scene(), BANNER);
}

#[test]
fn another_tab_deciding_hides_the_banner() {
    let mut s = booted(true);
    let changed = Event::StoredChanged {
        decided: true,
        ask: false,
    };
    assert_eq!(s.on(changed), step(false, Focus::Page));
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn another_tab_deciding_keeps_an_open_tool_open_but_closing_it_shows_no_banner() {
    let mut s = booted(true);
    s.on(Event::ToolLoaded);
    s.on(Event::Open(Opener::Banner));
    s.on(Event::StoredChanged {
        decided: true,
        ask: false,
    });
    assert_eq!(s.scene(), TOOL);
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Page)
    );
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn another_tab_resetting_asks_again_unless_a_signal_answers() {
    let mut s = booted(false);
    s.on(Event::StoredChanged {
        decided: false,
        ask: true,
    });
    assert_eq!(s.scene(), BANNER);
    let mut s = booted(false);
    s.on(Event::StoredChanged {
        decided: false,
        ask: false,
    });
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn another_tab_deciding_while_the_tool_loads_from_the_banner() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    s.on(Event::StoredChanged {
        decided: true,
        ask: false,
    });
    // Still opening, the busy banner keeps focus; once loaded the tool shows
    // the other tab's decision, and closing it leaves nothing up.
    assert_eq!(s.scene(), scene(Some(BannerState::Busy), None));
    s.on(Event::ToolLoaded);
    assert_eq!(s.scene(), TOOL);
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Page)
    );
    assert_eq!(s.scene(), NOTHING);
}

/// Decided in another tab while the tool loads from the banner: whatever
/// ends the open (the visitor moving on, a failure, the wait's limit), the
/// banner, whose question is answered, does not come back.
#[test]
fn another_tab_deciding_while_the_tool_loads_from_the_banner_never_brings_it_back() {
    let decided_elsewhere = || {
        let mut s = booted(true);
        s.on(Event::Open(Opener::Banner));
        s.on(Event::StoredChanged {
            decided: true,
            ask: false,
        });
        s
    };
    let mut s = decided_elsewhere();
    assert_eq!(s.on(Event::MovedOn), step(false, Focus::Page));
    assert_eq!(s.scene(), NOTHING);
    // The tool arriving later opens nothing.
    assert_eq!(s.on(Event::ToolLoaded), Step::NOTHING);
    assert_eq!(s.scene(), NOTHING);

    // A failure (or the wait's limit): the failure dialog, not the banner;
    // closing it leaves nothing up.
    let mut s = decided_elsewhere();
    assert_eq!(s.on(Event::ToolFailed), step(false, Focus::Dialog));
    assert_eq!(s.scene(), scene(None, Some(DialogState::Failed)));
    assert_eq!(
        s.on(Event::Close { decided: true }),
        step(false, Focus::Page)
    );
    assert_eq!(s.scene(), NOTHING);
    // Asking again (a page opener) retries, in the loading dialog.
    assert_eq!(s.on(Event::Open(Opener::Page)), step(true, Focus::Dialog));

    // Escape on the busy banner: nothing comes back either.
    let mut s = decided_elsewhere();
    s.on(Event::Close { decided: true });
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn another_tab_resetting_while_the_tool_is_open_brings_the_banner_back_on_close() {
    for opener in [Opener::Page, Opener::Nobody, Opener::Reopen] {
        let mut s = booted(false);
        s.on(Event::ToolLoaded);
        s.on(Event::Open(opener));
        s.on(Event::StoredChanged {
            decided: false,
            ask: true,
        });
        assert_eq!(s.scene(), TOOL, "{opener:?}");
        let back = if opener == Opener::Page {
            Focus::Opener
        } else {
            Focus::Page
        };
        assert_eq!(s.on(Event::Close { decided: false }), step(false, back));
        assert_eq!(s.scene(), BANNER, "{opener:?}: undecided, so asked again");
    }
    // Under a privacy signal nothing asks.
    let mut s = booted(false);
    s.on(Event::Open(Opener::Page));
    s.on(Event::StoredChanged {
        decided: false,
        ask: false,
    });
    s.on(Event::Close { decided: false });
    assert_eq!(s.scene(), NOTHING);
}

#[test]
fn moving_on_while_the_tool_loads_from_the_banner_drops_the_open() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(s.scene(), scene(Some(BannerState::Busy), None));
    assert_eq!(s.on(Event::MovedOn), step(false, Focus::Stay));
    assert_eq!(s.scene(), BANNER);
    // The tool arriving later opens nothing and takes no focus.
    assert_eq!(s.on(Event::ToolLoaded), step(false, Focus::Stay));
    assert_eq!(s.scene(), BANNER);
    // Manage preferences then opens it at once.
    assert_eq!(
        s.on(Event::Open(Opener::Banner)),
        step(false, Focus::Dialog)
    );
    assert_eq!(s.scene(), TOOL);
    // Once the tool is up (or in a dialog), moving on changes nothing.
    assert_eq!(s.on(Event::MovedOn), step(false, Focus::Stay));
    assert_eq!(s.scene(), TOOL);
    let mut s = booted(true);
    s.on(Event::Open(Opener::Page));
    s.on(Event::MovedOn);
    assert_eq!(s.scene(), scene(None, Some(DialogState::Loading)));
}

#[test]
fn escape_on_the_busy_banner_drops_the_open_and_keeps_focus_on_manage() {
    let mut s = booted(true);
    s.on(Event::Open(Opener::Banner));
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::BannerManage)
    );
    assert_eq!(s.scene(), BANNER);
    assert_eq!(s.on(Event::ToolLoaded), step(false, Focus::Stay));
    assert_eq!(s.scene(), BANNER);
}

#[test]
fn close_when_nothing_is_open_does_nothing() {
    let mut s = booted(true);
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::Stay)
    );
    assert_eq!(s.scene(), BANNER);
}

#[test]
fn show_from_the_api_over_the_banner_gets_the_loading_dialog_not_a_busy_button() {
    let mut s = booted(true);
    assert_eq!(s.on(Event::Open(Opener::Nobody)), step(true, Focus::Dialog));
    assert_eq!(s.scene(), scene(None, Some(DialogState::Loading)));
    assert_eq!(s.on(Event::ToolFailed), step(false, Focus::Dialog));
    assert_eq!(s.scene(), scene(None, Some(DialogState::Failed)));
    // Closing the failure dialog brings the banner back.
    assert_eq!(
        s.on(Event::Close { decided: false }),
        step(false, Focus::Page)
    );
    assert_eq!(s.scene(), BANNER);
}
