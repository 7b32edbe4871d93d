// The engine's hands. assemble.mjs puts this file into kloudconsent.js,
// after loader.js, inside the same wrapper (it uses loader.js's `invoke`,
// `loadTool` and `queue`).
//
// Like loader.js, it reads `document` and page elements through the natives
// the guard captured (`listen`, `body`, `attr`, ...): markup can shadow
// document.body or a form's methods by name (docs/security.md).
//
// Every rule stays in the engine (Rust): which view shows, what a click
// decides, what is gated. This file only connects the page's events to the
// engine's exports and performs the few DOM chores the engine asks for. In
// the wasm each listener would cost a closure type of its own (shims in the
// wasm and in the glue) and each DOM call a string crossing; here they are
// a few lines of the script every page loads anyway.

/**
 * What the engine calls (passed to `kc_boot`): three methods, one per
 * argument shape, told what to do by a number (src/hooks.rs has the same
 * numbers): each method the engine imports costs a shim in the glue and an
 * entry in the wasm, so the chores below share three.
 */
var hooks = {
  /** 0 soon, 1 idle, 2 loadTool. */
  run: function (what) { [drawSoon, prefetchWhenIdle, fetchTool][what](); },
  /** 0 listen, 1 follow, 2 fit, 3 focusPage, 4 inert off, 5 inert on. */
  node: function (what, node) {
    // A dialog opens or closes: where focus last was in the widget is
    // forgotten (kept, it would hold a closed tool's elements in memory).
    if (what > 3) makeInert(node, what === 5), lastFocus = null;
    else [listenTo, follow, fit, focusPage][what](node);
  },
  /** 0 gate, 1 push, 2 gtag, 3 emit, 4 receipt. */
  say: function (what, a, b) { [gate, push, gtag, emit, receipt][what](a, b); }
};

/** The widget's `<kloud-consent>` element, once made, and its shadow root (kept:
 * a page that wraps attachShadow may have made it closed). */
var widgetHost = null, widgetRoot = null;
/** The widget's own hosts (its element and the embeds' placeholders): what dropCopies leaves alone. */
var ours = new WeakSet();
/** When the last click came, if it was on one of the widget's controls or a page's opener. */
var openedAt = -1e9;
/** The element of the widget that last had focus. */
var lastFocus = null;

/** The widget's shadow root was made: its controls now reach the engine. */
function listenTo(root) {
  widgetHost = root.host;
  widgetRoot = root;
  ours.add(widgetHost);
  // Capture: ahead of the tool's own listeners. The second tap of a double
  // tap on Manage preferences (the reopen button, a page's opener) lands
  // in the tool the first one opened, on whatever is under the finger
  // there: on a phone, Save preferences. The clicks right after an opening
  // click, when the browser counts them as its double or triple (detail
  // 2, 3), do nothing in a dialog. A deliberate click is a single one; so
  // are Playwright's clicks and WebDriver's element clicks. Automated taps,
  // quick and at one spot, count double too: only a press as wide as a
  // fingertip does (a phone that reports no contact size gets no guard).
  var finger = true;
  root.addEventListener("pointerdown", function (e) {
    finger = e.pointerType != "touch" || e.width > 4;
  }, true);
  // Where focus was in the widget: given back there when the page moved
  // the widget (a portal re-rendering), which took focus out of it.
  root.addEventListener("focusin", function (e) { lastFocus = e.target; });
  // A press on the backdrop of the core's loading or failure dialog keeps
  // focus in it, where Tab and Escape are heard (as the tool's does).
  root.addEventListener("mousedown", function (e) {
    if (closest(e.target, ".kc-overlay") == e.target) e.preventDefault();
  });
  root.addEventListener("click", function (e) {
    var control = closest(e.target, "[data-kc-action]");
    var what = control && DO_ACTION[control.getAttribute("data-kc-action")];
    if (finger && e.detail > 1 && e.timeStamp - openedAt < 1e3 && closest(e.target, ".kc-dialog")) {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    openedAt = -1e9;
    if (what != null) {
      openedAt = e.timeStamp;
      invoke("kc_do", [what]);
    }
  }, true);
  // Keys only in the core's own small dialog and the banner: the tool
  // handles its own. Escape on the banner while the tool loads from it
  // drops that open (the engine ignores it otherwise).
  root.addEventListener("keydown", function (e) {
    var dialog = closest(e.target, ".kc-shell");
    if (e.key === "Escape" && (dialog || closest(e.target, ".kc-banner"))) {
      if (dialog) e.preventDefault();
      invoke("kc_do", [DO_TOOL_CLOSE]);
    } else if (dialog && e.key === "Tab") {
      trapTab(e, dialog, root.activeElement);
    } else {
      keepKeysInDialog(e);
    }
    // A key pressed in an open dialog is the dialog's: the page's own
    // keydown listeners (a menu's focus trap cancelling every Tab that is
    // not in its menu, a modal's Escape) would otherwise freeze Tab in the
    // tool or close the page's menu too.
    if (closest(e.target, ".kc-dialog, .kc-shell")) e.stopPropagation();
  });
  // Focus went to the page, or a press landed on it (Safari does not focus
  // what is clicked), while the tool loads from the banner: the visitor
  // moved on, so the tool must not open over what they do now.
  ["focusin", "pointerdown"].forEach(function (type) {
    listen.call(doc, type, function (e) {
      if (e.target !== widgetHost && root.querySelector(".kc-busy")) invoke("kc_do", [DO_MOVED_ON]);
    });
  });
  var intent = function (e) {
    if (closest(e.target, "[data-kc-action=manage],[data-kc-action=reopen]")) soon(DO_PREFETCH);
  };
  root.addEventListener("pointerover", intent);
  root.addEventListener("focusin", intent);
}

/**
 * Firefox and WebKit scroll the page behind an open dialog with the keys
 * that scroll (PageDown, Space, the arrows, Home, End) when what has focus
 * is in no box that scrolls: the dialog itself, its close button, the foot's
 * buttons. The overlay's `overflow: hidden`, which stops Chromium, does not
 * stop them. So the dialog's own scroller takes those keys: the list, or the
 * whole dialog on a short screen. Space on a control stays its press; a key
 * the tool handled stays handled.
 */
function keepKeysInDialog(e) {
  var box = closest(e.target, ".kc-dialog"), key = e.key,
    // px, or (under 1) a share of the scroller's height
    step = { ArrowUp: -40, ArrowDown: 40, PageUp: -.9, PageDown: .9, Home: -1e6, End: 1e6, " ": e.shiftKey ? -.9 : .9 }[key];
  if (!box || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typeof step != "number"
      || key == " " && closest(e.target, "a, button, input, summary")) return;
  e.preventDefault();
  var list = !widgetHost.hasAttribute("data-kc-short") && box.querySelector(".kc-dialog-scroll") || box;
  list.scrollBy(0, step % 1 ? step * list.clientHeight : step);
}

/**
 * Keeps the widget's frame on the visible screen: `position: fixed` is
 * measured against the layout viewport, which a page wider than a phone's
 * screen, pinch zoom or an on-screen keyboard make differ from what the
 * visitor sees. Geometry goes through the CSSOM, which a strict style-src
 * CSP allows (a style attribute it would block).
 */
function follow(frame) {
  var viewport = window.visualViewport, host = frame.getRootNode().host;
  placeWidget(host, host.parentNode);
  // What has focus when the frame is drawn, not what an event named: focus
  // gone into a frame (a payment form's card field) is told to the page
  // only as the focusout of what had it. Focus in the widget is seen from
  // the page as its host's. (Through Node.prototype: a <form> answers with
  // its control of that name.) Focus moving on from one frame to the next
  // (a payment form's card number, expiry and code, each a frame) is told
  // to the page not at all: while a frame has focus, the page looks again
  // every 300 ms.
  var framed, timer, check = function () {
    requestAnimationFrame(function () {
      var focused = focusPath()[0];
      unobscure(frame, focused && Node.prototype.getRootNode.call(focused) == frame.getRootNode() ? host : focused);
      framed = focused instanceof HTMLIFrameElement && focused;
      if (framed && !timer) timer = setInterval(function () {
        if (!framed) timer = clearInterval(timer);
        else if (framed !== focusPath()[0]) check();
      }, 300);
    });
  };
  // The element itself, inside a component's shadow root too (an app
  // shell, an embed's placeholder): its host is a box the size of the whole
  // component, which no scroll clears. Focus moving inside a shadow root is
  // not told to the document (target and relatedTarget are the same host
  // there): each root focus has entered is listened to as well.
  var roots = new WeakSet(), track = function (node) {
    if (!roots.has(node)) {
      roots.add(node);
      ["focusin", "focusout"].forEach(function (type) {
        listen.call(node, type, function (e) {
          var root = Node.prototype.getRootNode.call(e.composedPath()[0]);
          if (root instanceof ShadowRoot && root != frame.getRootNode()) track(root);
          check();
        });
      });
    }
  };
  track(doc);
  // A control of the dialog that takes focus is brought wholly into view,
  // ring included (scroll-margin): Firefox leaves one that is partly shown
  // where it is, cut at the edge of a short screen.
  listen.call(frame.getRootNode(), "focusin", function (e) {
    if (closest(e.target, ".kc-dialog :is(a, button, input, summary)")) e.target.scrollIntoView({ block: "nearest" });
  });
  // An element the page focused before the banner came (autofocus).
  check();
  // The visitor's place in the tool's list, for fit() to keep: the first
  // thing shown at its top, and how far below that top.
  // (Paragraphs and what a category holds: a closed table's rows are not
  // shown, yet have boxes in Chromium.)
  listen.call(frame.getRootNode(), "scroll", function () {
    var list = frame.querySelector(".kc-dialog-scroll"), top = list && shownTop(list, host.hasAttribute("data-kc-short"));
    // A loop, not [].find: Prototype.js replaces Array.prototype.find with
    // one that needs `this.each`, which a NodeList lacks.
    var anchor, all = list ? list.querySelectorAll("p, li > *") : [];
    for (var i = 0; !anchor && i < all.length; i++) if (all[i].getBoundingClientRect().top >= top) anchor = all[i];
    frame.kcPlace = anchor && [anchor, anchor.getBoundingClientRect().top - top];
  }, true);
  if (!viewport || typeof viewport.addEventListener !== "function") return;
  var refit = function () { fit(frame); check(); };
  refit();
  var width = innerWidth;
  viewport.addEventListener("resize", function () {
    refit();
    // A phone turned with the tool open (the layout viewport's width
    // changes; pinch zoom and a toolbar do not change it): its scrolling
    // box changes (the list, or on a short screen the whole dialog), and
    // the focused switch stays on the screen.
    var active = frame.getRootNode().activeElement;
    if (width !== (width = innerWidth) && active && closest(active, ".kc-dialog")) active.scrollIntoView({ block: "nearest" });
  });
  viewport.addEventListener("scroll", refit);
}

/**
 * WCAG 2.2's focus not obscured (2.4.11, technique C43's aim): the banner is
 * not modal, so the page element that has focus must not sit behind it.
 * While a text field that is not wholly above the banner has focus and the
 * banner fills over half the visible screen (a phone's on-screen keyboard
 * is up, and the browser scrolls the field to just above it), the banner
 * steps aside below the screen (still in the tab order).
 * Otherwise an element behind it is scrolled up just clear of it, or, where
 * the page cannot scroll that far (its last links), the banner moves to the
 * top of the screen. Where neither clears it (a banner filling most of a
 * short screen: a landscape phone, 200% or 400% zoom), the banner sinks to
 * a strip of its top edge, or out of sight if the page cannot scroll the
 * element above the strip either; it stays in the tab order, and comes back
 * as soon as focus reaches it. Each lasts until focus moves on. Runs after
 * the browser's own scroll into view. Without a banner, the same for the
 * reopen button, which can cover a small link in the page's bottom corner.
 */
function unobscure(frame, focused) {
  // The banner, or else the reopen button (over a footer's last link).
  var banner = frame.querySelector(".kc-banner,.kc-reopen:not([hidden])"), matches = Element.prototype.matches;
  if (!banner) return;
  var style = banner.style, host = frame.getRootNode().host;
  // Focus come into the banner (or reopen button) where it was moved up to:
  // a mouse press focuses a button before its release, and moving the
  // banner back then would take the button from under the pointer, and
  // the click with it. Sunk or stepped aside (down), it comes back.
  if (focused === host && /\(-/.test(style.transform)) return;
  style.transform = "";
  // Not for focus in the widget (seen from the page as its host's), nor
  // the page itself: Firefox counts <body> as focused when a focused
  // element goes (the banner's button after a decision), and the reopen
  // button would then move out of sight from a short page's body.
  if (!(focused instanceof Element) || focused === host || focused === body.call(doc) ||
    focused === documentElement.call(doc)) return;
  // (The page's focused element through Element.prototype: a <form> may hold a control of that name.)
  var b = banner.getBoundingClientRect(), f = Element.prototype.getBoundingClientRect.call(focused), view = frame.getBoundingClientRect();
  // WebKit (no currentCSSZoom) gives a box under a page's `zoom` divided by
  // it, where the widget's (its zoom undone by fit(): the page's zoom) are
  // as drawn.
  var z = "currentCSSZoom" in focused ? 1 : 1 / (frame.style.zoom || 1);
  f = new DOMRect(f.x * z, f.y * z, f.width * z, f.height * z);
  // (Not for a field wholly above the banner: nothing hides it.)
  if (matches.call(focused, ":read-write") && b.height > view.height / 2 && f.bottom > b.top) {
    // Out of sight below the screen, not hidden: Tab still reaches it.
    style.transform = "translateY(" + (view.bottom - b.top + 24) + "px)";
    return;
  }
  if (f.bottom <= b.top || f.top >= b.bottom || f.right <= b.left || f.left >= b.right) return;
  // The banner sits at the bottom in both layouts (the stylesheet's).
  var page = native(Document.prototype, "scrollingElement").call(doc), by = f.bottom - b.top + 8, sink = f.height + 16 > b.top - view.top;
  var scrollable = function () { return page.scrollHeight - page.clientHeight - page.scrollTop; };
  // Part of it shows above the banner (a container larger than the room).
  if (sink && f.top < b.top) return;
  if (!sink && by > scrollable()) {
    // At the top, unless the banner would cover it there too; moved by a
    // transform, as every move here: a move of its layout box counts as a
    // layout shift when the page's own script gave the focus. (A reopen
    // button at the middle of a side, whose mirror image is where it is:
    // just above the element.)
    if (f.top - view.top > b.height + 24) {
      style.transform = "translateY(" + Math.min(view.top + view.bottom - b.top - b.bottom, f.top - 8 - b.bottom) + "px)";
      return;
    }
    sink = 1;
  }
  if (sink) {
    // Never the element's top off the screen: a frame taller than it (its
    // first field is where focus went).
    by = Math.min(by - b.height + 48, f.top - view.top - 8);
    style.transform = "translateY(" + (by > scrollable() ? b.height + 24 : b.height - 48) + "px)";
  }
  if (by > 0) window.scrollBy(0, by);
}

/**
 * Puts the widget's element at the end of <body> (`page`), where a site's
 * `--kc-*` properties and selectors on <body> reach it; or after <body>, in
 * <html>, when <body>'s style makes it the box `position: fixed` inside it
 * is placed in (a transform, filter, will-change, contain...), which would
 * scroll the banner away with the page.
 */
function placeWidget(host, page) {
  var s = getComputedStyle(page);
  var encloses = s.transform !== "none" || s.filter !== "none" || s.perspective !== "none"
    || (s.backdropFilter || "none") !== "none" || /transform|filter|perspective/.test(s.willChange)
    || /paint|layout|strict|content/.test(s.contain) || /size/.test(s.containerType);
  var parent = encloses ? page.parentNode : page;
  if (host.parentNode !== parent) Node.prototype.appendChild.call(parent, host);
}

/** Moves and sizes `frame` to the visual viewport, in layout-viewport px. */
function fit(frame) {
  var viewport = window.visualViewport;
  if (!viewport) return;
  // A new width re-wraps the tool's text, and a short screen moves its
  // scrolling from the list to the whole dialog (or back; style.css):
  // either would lose the visitor's place (a phone turned, pinch zoom).
  // Short in em: at a larger default font size (the host's `medium`) the
  // head and foot grow with the text, and at 481 px the list between them
  // was one line tall.
  var host = frame.getRootNode().host, em = parseFloat(getComputedStyle(host).fontSize) / 16 || 1, short = viewport.height < 481 * em;
  var list = frame.querySelector(".kc-dialog-scroll"), place = frame.kcPlace;
  var moved = short !== host.hasAttribute("data-kc-short") || viewport.width !== frame.kcWidth;
  frame.kcWidth = viewport.width;
  // A page's `zoom` on <html> scales everything under it, the widget's px
  // included (its frame, sized to the screen, ran past it). The frame undoes
  // it, so the widget is drawn at the visitor's own size, as without it.
  // WebKit has no `currentCSSZoom`: there the zooms of the ancestors,
  // multiplied, are the same figure.
  var parent = frame.getRootNode().host.parentNode, zoom = +parent.currentCSSZoom;
  if (!(zoom > 0)) for (zoom = 1; parent; parent = parent.parentElement) zoom *= +getComputedStyle(parent).zoom || 1;
  if (zoom > 0 && isFinite(zoom)) frame.style.zoom = 1 / zoom;
  var width = +viewport.width, height = +viewport.height;
  if (isFinite(width)) frame.style.width = width + "px";
  if (isFinite(height)) frame.style.height = height + "px";
  // Moved onto the visual viewport by a transform, not left/top: a move of
  // its layout box counts as a layout shift (CLS) when the page's script
  // pans a pinch-zoomed screen (focus()), and a transform's does not.
  var left = +viewport.offsetLeft || 0, top = +viewport.offsetTop || 0;
  var move = function (off) { frame.style.transform = "translate(" + (left - off) + "px," + top + "px)"; };
  move(0);
  // A right-to-left page wider than a phone's screen: Chromium places
  // `position: fixed` from a layout viewport whose left edge is off the
  // screen, while offsetLeft says 0. Measured, and moved by what is off.
  var off = frame.getBoundingClientRect().left - left;
  if (off && isFinite(off)) move(off);
  // A short visible screen (style.css): also under pinch zoom.
  host.toggleAttribute("data-kc-short", short);
  // Short and wide enough for the banner's buttons beside its text
  // (style.css), in what the visitor sees: a page zoomed in on a phone
  // turned sideways shows less than its layout width, which a media query
  // measures (the buttons' column fell below the text, Accept all on the
  // screen and Reject all under it).
  host.toggleAttribute("data-kc-wide", short && viewport.width >= 640 * em);
  if (moved && place && list && list.contains(place[0])) {
    (short ? list.parentNode : list).scrollTop += place[0].getBoundingClientRect().top - shownTop(list, short) - place[1];
  }
}

/** Where the tool's list is shown from: the top of what scrolls it (itself, or on a short screen its dialog), or of the screen. */
function shownTop(list, short) {
  return Math.max((short ? list.parentNode : list).getBoundingClientRect().top, 0);
}

/**
 * Held at start when the page queued a decision before the engine started
 * (loader.js): a stored Accept all that its `set({marketing: false})` takes
 * back runs no marketing tag and sends Google no grant. While the engine
 * boots (`boot`), its Consent Mode update and dataLayer event wait (the
 * first decision replayed after it sends its own, before its events);
 * gated tags and embeds wait until the queue has been replayed.
 */
var held = null;

/** A Consent Mode command (loader.js's kcGtag): defaults only if not sent early. */
function gtag(command, json) {
  if (command === "default" && consentDefaultsSent) return;
  if (held && command === "update") {
    if (held.boot) return held.update = json;
    held.update = 0;
  }
  // Nothing the page's globals throw may unwind through the engine's frames.
  try {
    kcGtag("consent", command, JSON.parse(json));
  } catch (e) {
    console.warn("kloudconsent: gtag('consent', '" + command + "', ...) threw; Google tags may not see the consent.");
  }
}

/** The kloudconsent_update event, through whatever push dataLayer has now. */
function push(json) {
  if (held) {
    if (held.boot) return held.push = json;
    held.push = 0;
  }
  try {
    if (!hasOwn.call(window, "dataLayer")) window.dataLayer = [];
    window.dataLayer.push(JSON.parse(json));
  } catch (e) {
    console.warn("kloudconsent: could not push the kloudconsent_update event to window.dataLayer.");
  }
}

/** Gated scripts and embeds in line with the consent in force (gating.js). */
function gate(revoked) {
  if (held) return held.revoked += " " + revoked;
  releaseScripts();
  updateEmbeds(revoked);
}

/** The engine's first draw, deferred to a task of its own (nextTask). */
function drawSoon() { nextTask().then(function () { invoke("kc_do", [DO_DRAW]); }); }

/**
 * Fetch the tool once the page is idle (at the latest after 3 s). Not when
 * the visitor asked their browser to save data (Save-Data, a phone's data
 * saver): the pointer or focus on an opener still fetches it ahead. Not
 * while the tab is hidden (articles opened in background tabs: the visitor
 * decides in one, and the others never show their banner), and not once
 * the banner has gone.
 */
function prefetchWhenIdle() {
  var connection = navigator.connection;
  if (connection && connection.saveData) return;
  var run = function () { if (widgetRoot.querySelector(".kc-banner")) invoke("kc_do", [DO_PREFETCH]); };
  var idle = function () {
    if (hidden.call(doc)) listen.call(doc, "visibilitychange", idle, { once: true });
    else if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 3000 });
    else setTimeout(run, 1500);
  };
  idle();
}

/**
 * Fetch the preference tool; the outcome goes back to the engine. A visitor
 * is not left waiting for a tool that does not come (a stalled connection):
 * after TOOL_WAIT_MS of showing busy, the engine hears it failed, and says
 * so, with Accept all and Reject all at hand. The download goes on: once it
 * arrives, the tool opens at the next request, or in place of the failure
 * dialog still up.
 */
var TOOL_WAIT_MS = 10000;
var toolWatch = 0, toolAsked = null, toolSettled = false;
function fetchTool() {
  var pending = loadTool(), busyTicks = 0;
  // Asked again while the same download is still on its way (the visitor
  // tried again after the limit): its outcome is delivered once.
  if (pending !== toolAsked || toolSettled) {
    toolAsked = pending;
    toolSettled = false;
    pending.then(function (module) {
      toolSettled = true;
      invoke("kc_tool_loaded", [module]);
    }, function (e) {
      toolSettled = true;
      invoke("kc_tool_failed", [String(e && e.message || e)]);
    });
  }
  // Seconds are counted in ticks, not read from the clock: a clock set back
  // meanwhile, or a page's fake `Date.now`, kept the busy state up for ever.
  clearInterval(toolWatch);
  toolWatch = setInterval(function () {
    if (toolSettled) return clearInterval(toolWatch);
    if (!(widgetRoot && widgetRoot.querySelector("[aria-busy]"))) busyTicks = 0;
    else if (++busyTicks > TOOL_WAIT_MS / 1e3) {
      busyTicks = 0;
      invoke("kc_tool_failed", [fileUrl("kloudconsent-tool.js") + " or its wasm did not arrive within " +
        TOOL_WAIT_MS / 1e3 + " s"]);
    }
  }, 1000);
}

/**
 * Makes the page behind an open dialog inert (modal open): every sibling of
 * `host` and of each of its ancestors up to <html> (so also what a page or
 * an extension put after <body>, or all of <body> when the widget is after
 * it), or releases exactly the ones it made inert.
 */
function makeInert(host, on) {
  if (!on) {
    madeInert.forEach(function (el) { attr(el, "removeAttribute", "inert"); });
    madeInert = [];
    return;
  }
  if (madeInert.length) return;
  eachBehind(host, function (el) {
    attr(el, "setAttribute", "inert", "");
    madeInert.push(el);
  });
}

/**
 * Calls `fn` with each element of the page behind the widget `host` that is
 * not inert yet: the siblings of `host` and of each of its ancestors up to
 * <html>, but not `<head>`, nor a `<dialog>`: a page's own dialog opened
 * while the tool is up (a timed newsletter popup) comes above it, and an
 * inert one could not be closed.
 */
function eachBehind(host, fn) {
  for (var node = host; node.parentNode && node.parentNode.nodeType === 1; node = node.parentNode) {
    [].forEach.call(node.parentNode.children, function (el) {
      if (el !== node && el.localName !== "head" && el.localName !== "dialog" && !attr(el, "hasAttribute", "inert")) fn(el);
    });
  }
}

/**
 * Focuses <body> itself (scroll kept) when focus is inside the widget, or
 * was lost with a removed banner button: it then sits on the page, not on
 * a node about to be removed, and the next Tab starts at the top of the
 * page. The tabindex needed is taken away again at once; focus stays.
 */
function focusPage(root) {
  var page = body.call(doc);
  // Focus in the widget, or lost with the banner button that was pressed
  // (removed: the page's next Tab would then start where it was, at the
  // end, and leave the page). Never taken from a page element.
  if (!page || !(root.activeElement || !page.matches(":focus-within"))) return;
  var borrowed = !page.hasAttribute("tabindex");
  if (borrowed) page.setAttribute("tabindex", "-1");
  page.focus({ preventScroll: true });
  if (borrowed) page.removeAttribute("tabindex");
}
var madeInert = [];

/**
 * `Element.prototype[method]` called on `el`: a page's `<form>` can shadow
 * its own methods with a control of the same name.
 */
function attr(el, method, name, value) {
  return Element.prototype[method].call(el, name, value);
}

function closest(target, selector) {
  return target instanceof Element ? Element.prototype.closest.call(target, selector) : null;
}

/** Runs `kc_do(what)` in a microtask: after the current call returns. */
function soon(what) {
  queueMicrotask(function () { invoke("kc_do", [what]); });
}

/** Keeps Tab and Shift+Tab inside `dialog`. */
function trapTab(e, dialog, active) {
  var items = dialog.querySelectorAll("button, a[href]");
  var first = items[0], last = items[items.length - 1];
  if (!first) return;
  var to = e.shiftKey ? (active === first || active === dialog ? last : null) : (active === last ? first : null);
  if (to) {
    e.preventDefault();
    to.focus();
  }
}

/**
 * Any element with `data-kloudconsent-open` (also ones added later, and ones
 * inside a page component's shadow root) opens the tool on a click, and
 * fetches it as soon as the pointer or focus reaches it. Listened for from
 * the moment this script runs, in the capture phase: a click while the
 * engine is still loading opens the tool once it has booted (unless the
 * visitor has moved on to something else by then) instead of being lost,
 * and a router's own click listener on the document (Astro's) finds it
 * handled and does not follow `href="#"`. Until the engine runs, a link to
 * another page (the cookie policy) is followed: the widget may never start
 * (no WebAssembly, a stalled download). The work happens in a microtask:
 * opening moves focus, whose `focusin` would otherwise come back here.
 */
function opener(e) {
  var link = !engine && closest(e.target, "a[href]");
  if (bootFailed || link && link.getAttribute("href").charAt(0) != "#") return;
  // Along the composed path: an opener inside a page component's shadow
  // root (a site footer built with Lit, Stencil...) is seen as its host.
  var el = e.composedPath().find(function (n) {
    return n instanceof Element && Element.prototype.matches.call(n, "[data-kloudconsent-open]");
  });
  if (!el) return;
  if (e.type === "click") {
    e.preventDefault();
    openedAt = e.timeStamp;
    el = leaveTopLayer(e.composedPath()) || el;
    var open = function () { invoke("kc_open", [el]); };
    if (engine) queueMicrotask(open);
    else queue.push(function () {
      var now = activeElement.call(doc);
      if (!now || now === el || Node.prototype.contains.call(el, now) || now === body.call(doc)) open();
    });
  } else if (engine) {
    soon(DO_PREFETCH);
  }
}
["click", "pointerover", "focusin"].forEach(function (type) { listen.call(doc, type, opener, true); });

/**
 * Gives the widget's open dialog focus, unless something in it has focus
 * already: after fullscreen has ended (the dialog could not take it while
 * the page was fullscreen) and after the page took the widget out of the
 * document and it was put back (gating.js's `keepWidget`).
 */
function focusDialog(last) {
  var dialog = widgetRoot && widgetRoot.querySelector("[role=dialog]");
  if (dialog && !widgetRoot.activeElement) (last instanceof Node && dialog.contains(last) ? last : dialog).focus();
}

/**
 * Closes the page's modal dialogs and popovers among `nodes` (an opener's
 * composed path, or the focused element's ancestors), then those around
 * where focus went back to (a menu's modal opened from another one), and
 * so on: they sit in the browser's top layer, above any z-index, and a
 * modal one makes the rest of the page, the widget included, inert, so the
 * tool would open out of reach (a "Cookie settings" link in a menu built on
 * `<dialog>`). Each closed one gives focus back to what opened it; the last
 * such element is returned: focus goes back there when the tool closes.
 * Fullscreen is left as well.
 */
function leaveTopLayer(nodes) {
  var left = false;
  // A fullscreen element (a video player with a "Privacy settings" button)
  // is in the top layer too, and would hide the tool. Leaving it takes a
  // moment, during which the dialog that opens cannot take focus: it is
  // given focus once fullscreen has ended. (Leaving fullscreen moves no
  // focus: the opener stays what focus goes back to.)
  try {
    if (native(Document.prototype, "fullscreenElement").call(doc)) {
      Document.prototype.exitFullscreen.call(doc).then(focusDialog, focusDialog);
    }
  } catch (e) {}
  for (var round = 0; round < 9; round++, nodes = focusPath()) {
    var closed = false;
    for (var i = 0; i < nodes.length; i++) {
      try {
        if (Element.prototype.matches.call(nodes[i], "dialog:modal")) {
          HTMLDialogElement.prototype.close.call(nodes[i]);
          closed = true;
        } else if (Element.prototype.matches.call(nodes[i], ":popover-open")) {
          HTMLElement.prototype.hidePopover.call(nodes[i]);
          closed = true;
        }
      } catch (e) {}
    }
    if (!closed) break;
    left = true;
  }
  // The focused element itself, not the host of the page component's
  // shadow root it is in (which cannot take focus back).
  return left && focusPath()[0];
}

/**
 * The focused element and its ancestors, across shadow roots (through the
 * prototypes' getters: a `<form>` answers `parentNode` with its control of
 * that name).
 */
var parentOf = native(Node.prototype, "parentNode"), shadowOf = native(Element.prototype, "shadowRoot");
function focusPath() {
  var path = [], n = activeElement.call(doc), root;
  while (n && (root = shadowOf.call(n)) && root.activeElement) n = root.activeElement;
  for (; n; n = parentOf.call(n) || (n instanceof ShadowRoot ? n.host : null)) path.push(n);
  return path;
}

/**
 * The page's own listeners, once the engine runs: a decision made in
 * another tab arrives as a `storage` event, and the stores are read again
 * where the page may have missed one.
 */
function wireDocument() {
  // Our key written or removed by another tab (`reset()` removes it), or
  // localStorage cleared as a whole (a site's logout: the cookie still
  // holds the decision, so only the former means it was forgotten).
  listen.call(window, "storage", function (e) {
    if (e.key === null || e.key === "kloudconsent") invoke("kc_do", [e.key ? DO_STORAGE : DO_REREAD]);
  });
  // Back to this page: from the back/forward cache (it heard no storage
  // event while it was away), to a tab left open (perhaps for days: a
  // decision that expired meanwhile no longer counts, docs/stored-decision.md),
  // or to its window. The stores are read again: another tab's change
  // arrives as a storage event only when localStorage could carry it (not
  // when full: the cookie alone keeps it then).
  var back = function () { invoke("kc_do", [DO_BACK]); };
  listen.call(window, "pageshow", function (e) {
    if (e.persisted) back();
  });
  listen.call(window, "focus", back);
  listen.call(doc, "visibilitychange", function () {
    if (!hidden.call(doc)) back();
  });
}

// ---- receipts ----------------------------------------------------------------
var UNSENT = "kloudconsent-receipts";
var RECEIPT_TRIES = 5;
var warnedReceipt = false;

/** The receipts kept for `url` ([url, body, tries]); localStorage is the visitor's, so each is checked. */
function keptReceipts(url) {
  var kept;
  try { kept = JSON.parse(localStorage.getItem(UNSENT)); } catch (e) {}
  return Array.isArray(kept) ? kept.filter(function (k) {
    return Array.isArray(k) && k[0] === url && typeof k[1] === "string" && k[2] > 0;
  }) : [];
}
function keepReceipts(kept) {
  try {
    // Written by hand: Prototype.js 1.6's Array.prototype.toJSON makes
    // JSON.stringify write each array as a string (the strings and
    // numbers inside have no toJSON of their own to follow).
    if (kept.length) localStorage.setItem(UNSENT, "[" + kept.map(function (k) {
      return "[" + JSON.stringify(k[0]) + "," + JSON.stringify(k[1]) + "," + k[2] + "]";
    }) + "]");
    else localStorage.removeItem(UNSENT);
  } catch (e) {}
}

/** A receipt body's consent id. */
function receiptOf(body) {
  try { return JSON.parse(body) || {}; } catch (e) { return {}; }
}

/**
 * Proof of consent: POSTs a decision's receipt (`body`) to the config's
 * `receiptUrl` and keeps it in localStorage (`kloudconsent-receipts`) until
 * the endpoint has answered: a service that is down, rate-limiting (429),
 * redirecting (a trailing-slash 301: not followed, see `post`),
 * timing out a slow body (408) or
 * failing (5xx), or a visitor offline, would otherwise leave a decision in
 * force with no proof of it. Each page load (`body` the decision in force,
 * "<id> <decidedAt>", or empty) sends again what is kept for that URL: at
 * most 10 receipts, each on at most 5 loads, then
 * dropped with a warning; kept ones for another URL, or on a page with no
 * `receiptUrl` (`url` empty), are dropped. A newer decision of the same
 * visitor replaces their receipt not yet delivered: sent again later, the
 * older one would arrive last, and the service takes the last to arrive as
 * the decision in force. So is one kept by a sibling host's page, whose
 * decision a later one on another host (the shared consent cookie) has
 * replaced: it is dropped at the next load. A 2xx answer, or a refusal for good (another 4xx,
 * with a warning), ends it. So the endpoint must answer with CORS headers
 * (the receipt service does) for the widget to see the answer; a receipt may
 * arrive twice (the page left before the answer), which its id and
 * `decidedAt` identify. `text/plain` (a string body) needs no CORS
 * preflight; `keepalive` lets it finish when the visitor leaves right after
 * choosing.
 */
function receipt(url, body) {
  var kept = keptReceipts(url), sending = kept;
  if (body[0] == "{") {
    var id = receiptOf(body).id;
    sending = [[url, body, 1]];
    kept = kept.filter(function (k) { return receiptOf(k[1]).id !== id; }).concat(sending);
  } else {
    var now = body.split(" ");
    kept = kept.filter(function (k) {
      var r = receiptOf(k[1]);
      if (r.id === now[0] && r.decidedAt < now[1]) return false;
      if (k[2]++ < RECEIPT_TRIES) return true;
      console.warn("kloudconsent: gave up sending a consent receipt to " + url + " after " + RECEIPT_TRIES + " page loads.");
    });
    // Not again what this page is sending already (a decision made in a
    // `ready` listener).
    sending = kept.filter(function (k) { return flying.indexOf(k[1]) < 0; });
  }
  keepReceipts(url ? kept.slice(-10) : []);
  if (url) sending.forEach(function (k) { post(url, k[1]); });
}

/** Receipt bodies this page has posted and not yet heard back about. */
var flying = [];
function post(url, body) {
  flying.push(body);
  Promise.resolve().then(function () {
    // Against the base the loader trusts (a <base> in user content must
    // not send proofs of consent elsewhere), as data-config is.
    // No Referer: the receipt names the origin only (docs/security.md), and
    // the page's path and query would reach the service's proxy's logs.
    // A redirect is not followed: fetch would follow a 301/302 with a GET
    // and no body, and its 200 would end a receipt nobody stored.
    return fetch(new URL(url, pageBase), { __proto__: null, method: "POST", body: body, keepalive: true, credentials: "omit",
      referrerPolicy: "no-referrer", redirect: "manual" });
  }).then(function (r) {
    if (r.type == "opaqueredirect") throw new Error("a redirect, not followed: receiptUrl must name the endpoint itself");
    // 408: the body came too slowly (a lossy mobile link); 429: rate
    // limited. Both say "later", not "never".
    if (r.status === 408 || r.status === 429 || r.status > 499) throw new Error("HTTP " + r.status);
    if (!r.ok) console.warn("kloudconsent: " + url + " refused a consent receipt (HTTP " + r.status + "); it is not sent again.");
    keepReceipts(keptReceipts(url).filter(function (k) { return k[1] !== body; }));
  }).then(null, function (e) {
    if (!warnedReceipt) {
      warnedReceipt = true;
      // Kept only where localStorage took it (not when full or blocked), or
      // replaced there by a newer decision of the same visitor's.
      var kept = keptReceipts(url).some(function (k) { return receiptOf(k[1]).id === receiptOf(body).id; });
      console.warn("kloudconsent: could not send the consent receipt to " + url + " (" + (e && e.message || e) + "); " +
        (kept ? "it is kept and sent again on the next page load." : "localStorage could not keep it either, so it is lost."));
    }
  }).then(function () { flying.splice(flying.indexOf(body), 1); });
}
