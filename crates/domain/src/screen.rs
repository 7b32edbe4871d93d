//! What the visitor sees and where keyboard focus goes: the view/focus state
//! machine of the banner and the preference tool.
//!
//! The browser side feeds it [`Event`]s (a click, an API call, a decision from
//! another tab, the tool module arriving or failing to load) and performs the
//! [`Step`] it returns: draw the [`Scene`], move focus, start loading the
//! tool. Nothing here touches the DOM, so every transition is a host test.
//!
//! Why the tool has load states at all: the preference tool is a separate
//! module fetched the first time it is opened. A click must never be dead
//! while it loads (the banner's button shows that it is busy, or a loading
//! dialog appears), and a tool that cannot load must leave the visitor a
//! message and working Accept/Reject buttons.
//!
//! The reopen button (config `reopenButton`, off by default) is a small
//! floating button that opens the tool again. It shows only while nothing
//! else does, and once there is an answer: a stored decision, or a privacy
//! signal's (no banner then, but a site that turned the button on may have no
//! other way to the tool, and a visitor under a signal must still be able to
//! grant something: contract section 5). It is the opener focus returns to.

/// Which layer is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Nothing shown (decided, or a privacy signal answered for the visitor).
    Hidden,
    /// The first layer.
    Banner,
    /// The preference tool (possibly still loading).
    Tool,
}

/// Who opened the tool, so focus can go back there when it closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opener {
    /// Nothing had focus (e.g. `kloudconsent.show()` from a timer).
    Nobody,
    /// The banner's Manage preferences button.
    Banner,
    /// The reopen button.
    Reopen,
    /// An element of the page (a `data-kloudconsent-open` link, or the control
    /// whose handler called `kloudconsent.show()`); the adapter keeps it.
    Page,
}

/// Where the preference tool's module is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolModule {
    /// Not requested yet.
    Absent,
    /// Requested (prefetch or open), not arrived yet.
    Loading,
    /// Loaded and ready to render.
    Ready,
    /// Could not be loaded (network, 404, integrity, CSP); asking again retries.
    Failed,
}

/// How the banner is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BannerState {
    /// Three working buttons.
    Ready,
    /// Manage preferences was pressed and the tool is loading: that button is
    /// marked busy; Accept all and Reject all still work.
    Busy,
    /// The tool could not load: a message says so; all three buttons work
    /// (Manage preferences tries again).
    ToolFailed,
}

/// How the dialog layer is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogState {
    /// A small dialog saying the tool is loading (opened from the page, with
    /// no banner to show a busy button on).
    Loading,
    /// The preference tool itself.
    Tool,
    /// The tool could not load: a message, Accept all, Reject all and Close.
    Failed,
}

/// What is drawn, derived from the state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scene {
    /// The banner, if it is up.
    pub banner: Option<BannerState>,
    /// The core's loading or failure dialog, or the tool, if one is up.
    pub dialog: Option<DialogState>,
    /// The reopen button.
    pub reopen: bool,
}

/// Where focus goes after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// Leave it where it is.
    Stay,
    /// Into the dialog (its container, so the title is read first).
    Dialog,
    /// The banner's Manage preferences button (the banner is back after the
    /// tool it opened was closed).
    BannerManage,
    /// Back to the page element that opened the tool (the adapter falls back
    /// to [`Focus::Page`] when that element is gone).
    Opener,
    /// The reopen button (it opened the tool, which closed).
    Reopen,
    /// To the page itself, but only if focus is inside the widget: never take
    /// focus from where the page put it.
    Page,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The stored decision was read at boot. `ask` is whether the banner
    /// should show: undecided, and no privacy signal answered (unless the
    /// config shows the banner under signals too); `decided`: a decision is
    /// stored.
    Booted {
        /// The banner should show.
        ask: bool,
        /// A decision is stored.
        decided: bool,
    },
    /// The tool is asked for: the banner's button, a page opener, or
    /// `kloudconsent.show()`.
    Open(Opener),
    /// The tool module should be fetched ahead of need (page idle with the
    /// banner up, or the pointer or focus on an opener).
    Prefetch,
    /// The tool module arrived.
    ToolLoaded,
    /// The tool module could not be loaded.
    ToolFailed,
    /// The tool (or the failure dialog) is closed without deciding: its close
    /// control or Escape. `decided` is whether a decision is stored now.
    Close {
        /// A decision is stored now.
        decided: bool,
    },
    /// `kloudconsent.hide()`: close whatever is open without deciding.
    Hide,
    /// A decision was made here (banner, tool, placeholder, API).
    Decided,
    /// `kloudconsent.reset()`: the decision is forgotten; ask again.
    Reset,
    /// The visitor moved on while the tool loads from the banner: focus
    /// went to the page, or a press landed on it. The open is dropped (the
    /// banner stays, no longer busy), so a slow tool never arrives over what
    /// they are doing now and takes their focus. (Escape on the busy banner
    /// is a `Close`: the same, with focus kept on Manage preferences.)
    MovedOn,
    /// Another tab changed the stored decision. `ask`: as in `Booted`.
    StoredChanged {
        /// A decision is stored now.
        decided: bool,
        /// The banner should show.
        ask: bool,
    },
}

/// What the adapter must do after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Start fetching the tool module.
    pub load_tool: bool,
    /// Move focus.
    pub focus: Focus,
}

impl Step {
    const NOTHING: Step = Step {
        load_tool: false,
        focus: Focus::Stay,
    };

    fn focus(focus: Focus) -> Step {
        Step {
            load_tool: false,
            focus,
        }
    }
}

/// The state: which layer is up, what is under the tool, who opened it,
/// where the tool module is, and whether a decision is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screen {
    view: View,
    /// The banner was up when the tool opened: closing the tool without
    /// deciding brings it back.
    banner_under: bool,
    opener: Opener,
    tool: ToolModule,
    decided: bool,
    /// A privacy signal (DNT or GPC) is on: undecided, it answers for the
    /// visitor, and the reopen button is the way to change that answer.
    signal: bool,
    /// The config has a reopen button.
    reopen: bool,
}

impl Default for Screen {
    /// Fail-closed start: the banner is up until the stored decision is read.
    fn default() -> Screen {
        Screen::new(false)
    }
}

impl Screen {
    /// The same, for a browser that sends a privacy signal.
    pub fn with_signal(self, signal: bool) -> Screen {
        Screen { signal, ..self }
    }

    /// The start state (see [`Default`]), with a reopen button or not.
    pub fn new(reopen: bool) -> Screen {
        Screen {
            view: View::Banner,
            banner_under: false,
            opener: Opener::Nobody,
            tool: ToolModule::Absent,
            decided: false,
            signal: false,
            reopen,
        }
    }

    /// The layer that is up.
    pub fn view(&self) -> View {
        self.view
    }

    /// Where the tool module is.
    pub fn tool(&self) -> ToolModule {
        self.tool
    }

    /// What to draw.
    pub fn scene(&self) -> Scene {
        let mut scene = self.layers();
        let answered = self.decided || self.signal;
        scene.reopen = self.reopen && answered && self.view == View::Hidden;
        scene
    }

    /// The banner and dialog layers.
    fn layers(&self) -> Scene {
        let loaded = self.tool == ToolModule::Ready;
        match self.view {
            View::Hidden => Scene {
                banner: None,
                dialog: None,
                reopen: false,
            },
            View::Banner => Scene {
                banner: Some(
                    if self.tool == ToolModule::Failed && self.opener == Opener::Banner {
                        BannerState::ToolFailed
                    } else {
                        BannerState::Ready
                    },
                ),
                dialog: None,
                reopen: false,
            },
            // Opened from the banner and still loading: the banner stays,
            // its button busy, until the tool can take its place.
            View::Tool if !loaded && self.busy_banner() && self.tool != ToolModule::Failed => {
                Scene {
                    banner: Some(BannerState::Busy),
                    dialog: None,
                    reopen: false,
                }
            }
            View::Tool => Scene {
                banner: None,
                dialog: Some(match self.tool {
                    ToolModule::Ready => DialogState::Tool,
                    ToolModule::Failed => DialogState::Failed,
                    ToolModule::Absent | ToolModule::Loading => DialogState::Loading,
                }),
                reopen: false,
            },
        }
    }

    /// Applies `event` and says what the adapter must do.
    pub fn on(&mut self, event: Event) -> Step {
        match event {
            Event::Booted { ask, decided } => {
                self.decided = decided;
                self.view = if ask { View::Banner } else { View::Hidden };
                Step::NOTHING
            }
            Event::Open(opener) => self.open(opener),
            Event::Prefetch => {
                let load = matches!(self.tool, ToolModule::Absent);
                if load {
                    self.tool = ToolModule::Loading;
                }
                Step {
                    load_tool: load,
                    focus: Focus::Stay,
                }
            }
            Event::ToolLoaded => {
                self.tool = ToolModule::Ready;
                if self.view == View::Tool {
                    Step::focus(Focus::Dialog)
                } else {
                    Step::NOTHING
                }
            }
            Event::ToolFailed => self.tool_failed(),
            Event::Close { decided } => self.close(decided),
            Event::Hide => {
                let was = self.view;
                self.banner_under = false;
                self.view = View::Hidden;
                if was == View::Tool {
                    Step::focus(self.focus_back(false))
                } else {
                    Step::NOTHING
                }
            }
            Event::Decided => {
                self.decided = true;
                let was = self.view;
                self.banner_under = false;
                self.view = View::Hidden;
                match was {
                    View::Tool => Step::focus(self.focus_back(false)),
                    // The banner button that was pressed is going away.
                    View::Banner => Step::focus(Focus::Page),
                    View::Hidden => Step::NOTHING,
                }
            }
            Event::Reset => {
                self.decided = false;
                let was = self.view;
                self.banner_under = false;
                self.view = View::Banner;
                if was == View::Tool {
                    // The tool goes away; the banner asks again. Focus goes
                    // back to the page's opener when there is one.
                    Step::focus(self.focus_back(true))
                } else {
                    self.opener = Opener::Nobody;
                    Step::NOTHING
                }
            }
            Event::MovedOn => {
                if self.view == View::Tool && self.busy_banner() && self.tool == ToolModule::Loading
                {
                    self.banner_under = false;
                    self.opener = Opener::Nobody;
                    // Decided in another tab meanwhile: the banner's
                    // question is answered, so it goes too.
                    if self.decided {
                        self.view = View::Hidden;
                        return Step::focus(Focus::Page);
                    }
                    self.view = View::Banner;
                }
                Step::NOTHING
            }
            Event::StoredChanged { decided, ask } => {
                self.decided = decided;
                match self.view {
                    View::Banner if decided => {
                        self.view = View::Hidden;
                        return Step::focus(Focus::Page);
                    }
                    View::Hidden if !decided && ask => self.view = View::Banner,
                    // An open (or opening) tool stays and shows the new
                    // decision; closing it then leaves nothing up, because
                    // `Close` carries `decided`. Unless the other tab forgot
                    // the decision: then the banner is under the tool, and
                    // closing it without deciding brings the banner back.
                    View::Tool if !decided && ask => self.banner_under = true,
                    _ => {}
                }
                Step::NOTHING
            }
        }
    }

    /// The banner's own button opened the tool and the banner is still up:
    /// while the tool loads, that button shows it is busy (any other opener
    /// gets the small loading dialog instead).
    fn busy_banner(&self) -> bool {
        self.banner_under && self.opener == Opener::Banner
    }

    fn open(&mut self, opener: Opener) -> Step {
        if self.view == View::Tool {
            // Already open (or loading): a second request changes nothing.
            return Step::NOTHING;
        }
        self.banner_under = self.view == View::Banner;
        self.opener = opener;
        self.view = View::Tool;
        let load_tool = matches!(self.tool, ToolModule::Absent | ToolModule::Failed);
        if load_tool {
            self.tool = ToolModule::Loading;
        }
        let focus = match self.scene().dialog {
            // A dialog (the tool, or the loading one) is up: focus goes in.
            Some(_) => Focus::Dialog,
            // The banner's busy button keeps focus.
            None => Focus::Stay,
        };
        Step { load_tool, focus }
    }

    fn tool_failed(&mut self) -> Step {
        // Ready: the tool itself was up, and failed there (the core refused
        // a Save whose switches and draft differed), not while loading.
        let was_up = self.tool == ToolModule::Ready;
        self.tool = ToolModule::Failed;
        if self.view != View::Tool {
            return Step::NOTHING;
        }
        if !self.busy_banner() {
            // The loading dialog turns into the failure dialog: focus is
            // already in it, and it is redrawn in place.
            return Step::focus(Focus::Dialog);
        }
        if self.decided {
            // Decided in another tab while it loaded: no banner to go back
            // to; the failure dialog says so, with Close at hand.
            self.banner_under = false;
            Step::focus(Focus::Dialog)
        } else {
            // Back to the banner, which now says the tool could not load;
            // its Manage button can try again: still focused while the tool
            // was loading, focused again when the tool was up (focus was in
            // the dialog that is gone).
            self.view = View::Banner;
            self.banner_under = false;
            self.opener = Opener::Banner;
            Step::focus(if was_up {
                Focus::BannerManage
            } else {
                Focus::Stay
            })
        }
    }

    fn close(&mut self, decided: bool) -> Step {
        if self.view != View::Tool {
            return Step::NOTHING;
        }
        self.decided = decided;
        let banner_returns = self.banner_under && !decided;
        self.view = if banner_returns {
            View::Banner
        } else {
            View::Hidden
        };
        self.banner_under = false;
        Step::focus(self.focus_back(banner_returns))
    }

    /// Where focus goes when the tool closes.
    fn focus_back(&mut self, banner_returns: bool) -> Focus {
        let opener = std::mem::replace(&mut self.opener, Opener::Nobody);
        match opener {
            Opener::Page => Focus::Opener,
            Opener::Banner if banner_returns => Focus::BannerManage,
            Opener::Reopen if self.scene().reopen => Focus::Reopen,
            Opener::Banner | Opener::Reopen | Opener::Nobody => Focus::Page,
        }
    }
}

#[cfg(test)]
#[path = "screen_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "screen_reopen_tests.rs"]
mod reopen_tests;
