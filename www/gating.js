// Gated scripts and embeds: the DOM work. assemble.mjs puts this file into
// kloudconsent.js after hooks.js, in the same scope (`invoke` and
// `loadScript` come from loader.js). Embeds are found here, but the work on
// them (placeholders, loading and unloading their URLs) is www/embeds.js,
// fetched only by pages that have one.
//
// Like loader.js, it reads `document` through the natives the guard
// captured (`querySelectorAll`, `createElement`, `baseUri`, ...) and calls
// the methods of nodes the page adds through Element.prototype: markup can
// shadow both by name (docs/security.md).
//
// Whether a tag may run, what an embed shows, which URLs may load and what
// "Allow always" decides are the engine's (`kc_verdict`, `kc_embed`,
// `kc_url_refusal`, `kc_allow`): one copy of every rule, in Rust. This file
// finds the elements and does what the engine answered. In the wasm, the same
// element walking costs a shim per DOM call and a closure type per listener;
// here it is a few lines of the script every page loads anyway.

var PENDING = "script[type='text/plain'][data-consent]";
var MARK = "data-kloudconsent";
var EMBEDS = "iframe[data-consent],img[data-consent],video[data-consent],audio[data-consent]";

// ---- gated scripts ---------------------------------------------------------
// In document order, each at most once, with its attributes. An external
// script without `async` holds the queue until it has loaded (or failed),
// because a dynamically inserted script is async by default and would
// otherwise overtake the inline scripts after it.
var scriptQueue = [];
var scriptWaiting = false;
/**
 * A released script that decides (`kloudconsent.set()` while it runs)
 * queues more: the loop already running picks them up, in order, after it
 * (a second loop inside it would run the next while the first still held
 * the queue for an external script, which then ran after scripts behind it).
 */
var pumping = false;
/**
 * The embed tag's nonce. Under a nonce Content-Security-Policy the widget
 * must not become a way around it: markup injected later (a CMS field, an
 * innerHTML the page did not sanitise) is not trusted with the page's nonce.
 * So the nonce is given only to tags that came with the page's HTML
 * (`bootTags`); a tag added later runs only with the page's nonce as its
 * own. This holds under 'strict-dynamic' too, where any script the widget
 * inserts would run whatever its nonce.
 */
var pageNonce = script && script.nonce || "";
/** Gated tags in the page's parsed HTML (`takeBootTags`). */
var bootTags = new WeakSet();
var warnedNonce = false;
var warnedRefused = false;
var warnedType = false;
var warnedSrc = false;

/**
 * Which gated tags came with the page's HTML: those there once it is parsed,
 * taken now (a deferred or async tag runs after parsing) or, for a tag that
 * runs while the page is still parsed, at DOMContentLoaded (this listener
 * comes before any the page adds later). Not when the engine starts, which is
 * after the wasm and the config have arrived, usually after `load`: a page's
 * DOMContentLoaded or load handler writing a user's comment with innerHTML
 * would otherwise have its `<script type="text/plain">` counted as the
 * page's own and given the nonce.
 */
function takeBootTags(own) {
  if (own) [].forEach.call(querySelectorAll.call(doc, PENDING), function (tag) { bootTags.add(tag); });
  // A site owner's likeliest mistake, and a consent bypass when the type is
  // missing: said once, when the page's own tags are known.
  if (querySelectorAll.call(doc, "script[data-consent]:not([type='text/plain'])").length) {
    console.warn('kloudconsent: a <script data-consent> not of type "text/plain" is not gated: it runs at once, or never.');
  }
}
// (The listener's argument, an event, is true.) Started once the page is
// parsed, only a `defer` tag the parser inserted knows the page's HTML from
// what script wrote since: an `async` tag or one a tag manager added may run
// after `load` handlers wrote markup, which would then get the nonce. Such a
// tag runs before DOMContentLoaded; one made by script with `async = false`
// and `defer` (Turbo's, some tag managers') is told apart by running after.
if (readyState.call(doc) === "loading") listen.call(doc, "DOMContentLoaded", takeBootTags, { once: true });
else {
  var navigation = (performance.getEntriesByType && performance.getEntriesByType("navigation") || [])[0];
  takeBootTags(script && script.defer && !script.async && !(navigation && navigation.domContentLoadedEventStart));
}

/** The nonce `tag` runs with; `false` when it may not run under the page's. */
function nonceFor(tag) {
  // The attribute is hidden once parsed; only the property still carries it.
  var own = tag.nonce || "";
  if (!pageNonce) return own;
  if (bootTags.has(tag)) return own || pageNonce;
  return own === pageNonce ? own : false;
}

/** 0 wait, 1 run, 2 never (the engine warned). */
function verdict(tag) {
  return invoke("kc_verdict", [tag.getAttribute("data-consent") || ""], 0);
}

/** Queues every waiting tag the consent in force allows and runs them. */
function releaseScripts() {
  // Tags queued behind a loading script were allowed by an earlier decision:
  // those no longer allowed go back to waiting (and run if granted again).
  scriptQueue = scriptQueue.filter(function (tag) {
    if (verdict(tag) === 1) return true;
    tag.removeAttribute(MARK);
    return false;
  });
  [].forEach.call(querySelectorAll.call(doc, PENDING), function (tag) {
    if (tag.hasAttribute(MARK)) return;
    var v = verdict(tag);
    if (v === 1 && nonceFor(tag) === false) {
      tag.setAttribute(MARK, "no-nonce");
      if (!warnedNonce) {
        warnedNonce = true;
        console.warn("kloudconsent: a gated script added after the page was parsed (or any, when this tag started after that) lacks the page's nonce; it never runs.");
      }
    } else if (v === 1) {
      tag.setAttribute(MARK, "queued");
      scriptQueue.push(tag);
    } else if (v === 2) {
      tag.setAttribute(MARK, "unknown-category");
    }
  });
  pumpScripts();
}

/**
 * Runs queued tags until one must be waited for. A tag the page removed
 * while it waited is skipped (and runs if the page puts it back): the queue
 * never waits for a script that cannot load.
 */
function pumpScripts() {
  if (pumping) return;
  pumping = true;
  try {
    while (!scriptWaiting && scriptQueue.length) {
      var tag = scriptQueue.shift();
      var nonce = nonceFor(tag);
      if (!tag.isConnected || nonce === false) {
        tag.removeAttribute(MARK);
        continue;
      }
      try {
        scriptWaiting = activate(tag, nonce);
      } catch (e) {
        // The page refused a script made from markup (Trusted Types): the
        // tag stays unrun, and the decision stands.
        tag.setAttribute(MARK, "refused");
        if (!warnedRefused) {
          warnedRefused = true;
          console.error("kloudconsent: the page refused to run a gated script (" + e + ").");
        }
      }
    }
  } finally {
    pumping = false;
  }
}

/**
 * What a gated element's relative URLs resolve against: what the browser
 * would have used had the element not been gated, when the page's HTML was
 * parsed. The document's base URL counts only when its `<base>` is in
 * `<head>` or comes before the element; else the document's own URL. A
 * `<base>` in user content further down (script-free markup) would
 * otherwise send the site's own gated script, when released, to another
 * site, to run in this origin (docs/security.md). A srcdoc or about:blank
 * frame inherits its parent's base, as for the loader's `pageBase`; the
 * URL is read now, after any `pushState` of a single-page app.
 */
function baseFor(el) {
  var first = querySelectorAll.call(doc, "base[href]").item(0), h = head.call(doc);
  return /^about:/.test(pageUrl) || first && (first.compareDocumentPosition(el) & 4 /* FOLLOWING */ ||
    h && h.compareDocumentPosition(first) & 16 /* CONTAINED_BY */) ? baseUri.call(doc) : location.href;
}

/**
 * Whether the browser runs `live` (and so fires `load` or `error` on one
 * with a `src`): not a `nomodule` copy where modules run (the legacy half of
 * a module/nomodule pair), nor one whose `data-type` it does not know (a
 * typo, a MIME type with parameters such as "text/javascript;
 * charset=utf-8"): it fires neither, and waiting for it would hold every
 * gated script after it for good.
 */
function willRun(live) {
  var type = (live.getAttribute("type") || "").trim().toLowerCase();
  if (!type || /^((text|application)\/(x-)?(java|ecma)script|text\/(javascript1\.[0-5]|jscript|livescript))$/.test(type)) return !live.noModule;
  if (type == "module") return true;
  if (!/^(importmap|speculationrules|text\/partytown)$/.test(type) && !warnedType) {
    warnedType = true;
    console.warn("kloudconsent: a gated script's data-type \"" + type + "\" is not one the browser runs (module, or a JavaScript MIME type without parameters).");
  }
}

// ---- document.write from a released script ---------------------------------
/**
 * Released copies. A released tag runs once the page is parsed, usually
 * after `load`, where `document.write` replaces the whole page: an old ad
 * or conversion tag writing its pixel blanked the page of every visitor who
 * had accepted. So while one of these runs (`currentScript`), `write` and
 * `writeln` on this document put the markup after it instead, in call
 * order (at the top of `<body>` for a tag in `<head>`, where the parser
 * would have put it). Scripts in that markup do not run: run as added
 * scripts, they would overtake the external ones before them and escape a
 * CSP's 'strict-dynamic', which refuses written scripts. Every other
 * caller gets the browser's own, and a page that has its own `write` (a
 * library's, or markup's named `<form name="write">`) keeps it; the
 * browser's own, put back as an own property by a tag manager, is not the
 * page's (`activate`).
 */
var released = new WeakSet(), writeEnds = new WeakMap(), headEnd = null, warnedWrite = false;
/** The widget's `write` and `writeln`, once put on the document. */
var writers = [];
var currentScript = native(Document.prototype, "currentScript");
function writeAfterReleased(own, newline) {
  return function () {
    var at = currentScript.call(doc), end = writeEnds.get(at), markup;
    if (this !== doc || !released.has(at)) return own.apply(this, arguments);
    try {
      markup = createElement.call(doc, "template");
      if (!end) {
        var h = head.call(doc);
        if (h && Node.prototype.contains.call(h, at)) {
          end = headEnd || (headEnd = new Text());
          if (!headEnd.isConnected) body.call(doc).prepend(headEnd);
        } else {
          at.after(end = new Text());
        }
        writeEnds.set(at, end);
      }
      // A template's parser leaves scripts unrun wherever they are moved.
      markup.innerHTML = [].join.call(arguments, "") + newline;
      if (!warnedWrite && markup.content.querySelector("script:not([data-consent])")) {
        warnedWrite = true;
        console.warn("kloudconsent: a released script wrote a <script> with document.write; it does not run (use the tag's async version).");
      }
      if (!end.isConnected) throw "the script is no longer in the page";
      end.before(markup.content);
    } catch (e) {
      console.warn("kloudconsent: a released script's document.write was dropped (" + e + ").");
    }
  };
}

/** Replaces `tag` with a live copy; returns whether the queue must wait for it. */
function activate(tag, nonce) {
  var live = createElement.call(doc, "script"), base = baseFor(tag);
  released.add(live);
  // Checked at each release: a tag manager that put the browser's own
  // back by assignment (postscribe, GTM's document.write support), before
  // or after the widget's, leaves it an own property, still the browser's,
  // which would replace the whole page. `<form name="writeln">` makes the
  // assignment throw.
  ["write", "writeln"].forEach(function (name, i) {
    var own = Document.prototype[name];
    if (doc[name] !== writers[i] && (!hasOwn.call(doc, name) || doc[name] === own)) try {
      doc[name] = writers[i] = writeAfterReleased(own, i ? "\n" : "");
    } catch (e) {}
  });
  // Every attribute but `type` (a `data-type` becomes the real type, e.g.
  // `module`), the nonce, our own mark, `inert`, which the page behind an
  // open tool wears only until it closes, and `onload` and `onerror`,
  // which stay with the tag (below). A relative `src` is made absolute
  // against `baseFor` when a later `<base>` would move it.
  [].forEach.call(tag.attributes, function (a) {
    var value = a.value;
    if (a.name === "src" && base !== baseUri.call(doc)) {
      try { value = new URL(value, base).href; } catch (e) { /* unparsable: it fails to load, as it would have */ }
    }
    if (a.name !== MARK && !/^(type|nonce|inert|onload|onerror)$/.test(a.name)) {
      live.setAttribute(a.name === "data-type" ? "type" : a.name, value);
    }
  });
  if (nonce) live.nonce = nonce;
  // Its URL in `data-src` (how Klaro gates a script; here only embeds'
  // URLs wait there): nothing would load, and nothing would say why.
  if (!live.src && live.hasAttribute("data-src") && !warnedSrc) {
    warnedSrc = true;
    console.warn("kloudconsent: a gated script with data-src and no src loads nothing: write its URL in src.");
  }
  // Astro's view transitions and Swup's scripts plugin run, after each
  // navigation, every script in the document not marked as run or to be
  // left alone: a released copy would run twice.
  live.setAttribute("data-astro-exec", "");
  live.setAttribute("data-swup-ignore-script", "");
  var isAsync = tag.hasAttribute("async");
  live.async = isAsync;
  live.text = tag.textContent;
  var waits = willRun(live) && tag.hasAttribute("src") && !isAsync;
  // The copy's `load` or `error` is passed on to the tag: what waits for it
  // (its `onload` attribute, a tag manager's or a loader's callback on the
  // element it made) is there. The tag stands in the copy's place while it
  // is told (a loader's `s.parentNode.removeChild(s)`); it stays unrun
  // (marked). Then the queue goes on, as the browser runs a script's `load`
  // handlers before the next script, also when telling the tag failed (a
  // page's own `Event`).
  ["load", "error"].forEach(function (type) {
    listen.call(live, type, function () {
      try {
        if (live.isConnected) live.replaceWith(tag);
        dispatch.call(tag, new Event(type));
      } finally {
        if (tag.isConnected) tag.replaceWith(live);
        if (waits) scriptWaiting = false, pumpScripts();
      }
    });
  });
  tag.replaceWith(live);
  // Now started (its type read), it runs or loads on whatever its type
  // becomes, so it gets one no browser runs. A page that copies its
  // region's HTML (jQuery's `.html()` and `.append()` run every script of
  // a JavaScript type in what they insert, also ones the browser would not
  // run; a snapshot's re-runner) would otherwise run it again, also after
  // **Reject all**. At once, not once it has loaded: a copy taken while it
  // loads would keep a type that runs (so an external one reads this type
  // as its `document.currentScript.type`). Not `text/plain`: it is no gated
  // tag waiting, and a copy of it never runs (each at most once per page).
  // A page's own kind of script (a template, an import map) keeps its type.
  if (/^$|script|module/i.test(live.type)) live.setAttribute("type", "kloudconsent/ran");
  // Partytown (third-party scripts run in a web worker) looks for new ones
  // of its type when told.
  else if (live.type == "text/partytown") dispatch.call(window, new Event("ptupdate"));
  // Not in the document (replaceWith on a detached node does nothing): no
  // load event will come.
  return waits && live.isConnected;
}

// ---- gated embeds ----------------------------------------------------------
// <iframe>, <img>, <video>, <audio> with `data-consent` get their URLs from
// `data-` twins only when allowed, with a placeholder over them until then.
// That DOM work is www/embeds.js, a script of its own, fetched (pinned) only
// by a page that has such an element: most pages have none, and so do not
// pay for it. One in the page's HTML has it fetched alongside the wasm, and
// the engine starts once it has run (or failed), so that the embeds are in
// their state when `ready` fires, as the gated scripts are. One added later
// has it fetched then. Until it has run, a gated embed has no URL to load.
var embedsUpdate = null;
var embedsLoading = null;
var embedsWarned = false;
/** Gated iframes' srcdoc taken off before www/embeds.js has arrived (element -> srcdoc). */
var heldSrcdoc = new WeakMap();
// An added node's type through Node.prototype: an added <form> answers
// `n.nodeType` with its control of that name (also one posted elsewhere
// with form="id"), and all it holds would go unchecked.
var nodeType = native(Node.prototype, "nodeType");
var GATED_SRCDOC = "iframe[data-consent][srcdoc]";

/**
 * Takes the srcdoc off gated iframes in `node` (one a change added, or whose
 * srcdoc was set) while www/embeds.js is still on its way: a srcdoc has no URL
 * to hold back, and renders, scripts included, as soon as the iframe is in the
 * page. It is kept here and handed to embeds.js, which puts it back once
 * allowed. (From then on embeds.js does this itself, in the same turn.)
 */
function holdSrcdoc(node) {
  if (embedsUpdate) return;
  var found = [].slice.call(Element.prototype.querySelectorAll.call(node, GATED_SRCDOC));
  if (Element.prototype.matches.call(node, GATED_SRCDOC)) found.push(node);
  found.forEach(function (el) {
    heldSrcdoc.set(el, el.getAttribute("srcdoc"));
    el.removeAttribute("srcdoc");
  });
}

/** Whether `node` (the document, or a node a change added) is or holds a gated embed. */
function holdsEmbed(node) {
  return node === doc ? !!querySelectorAll.call(doc, EMBEDS).item(0)
    : Element.prototype.matches.call(node, EMBEDS) || !!Element.prototype.querySelector.call(node, EMBEDS);
}

/**
 * From the moment the loader runs until the engine's own observer takes over
 * (`observePage`), a gated iframe's srcdoc is held back as it appears: one a
 * page's DOMContentLoaded handler adds, and, under a tag that runs while the
 * page is parsed, one in the page's HTML after the tag.
 */
function holdAdded(records) {
  records.forEach(function (r) {
    if (r.type === "attributes") holdSrcdoc(r.target);
    [].forEach.call(r.addedNodes, function (n) { if (nodeType.call(n) === 1) holdSrcdoc(n); });
  });
}
var earlyObserver = new MutationObserver(holdAdded);
earlyObserver.observe(doc, { childList: true, subtree: true, attributeFilter: ["srcdoc"] });

/**
 * Runs www/embeds.js once; resolves when it has run (and, if the engine is
 * running, brought the embeds in line), or has failed (then the embeds stay
 * without their URLs, one console.error names the script, and the next
 * change tries again).
 */
function loadEmbeds() {
  return embedsLoading || (embedsLoading = loadScript("kloudconsent-embeds.js", "kloudconsent.embeds").then(function (args) {
    embedsUpdate = args[0]({ invoke: invoke, doc: doc, querySelectorAll: querySelectorAll,
      createElement: createElement, baseUri: baseUri, baseFor: baseFor, listen: listen, EMBEDS: EMBEDS,
      heldSrcdoc: heldSrcdoc, ours: ours, widget: function () { return widgetHost; } });
  }).then(null, function (e) {
    // The load, or the script's own set-up: either way the engine still starts.
    embedsLoading = null;
    if (!embedsWarned) {
      embedsWarned = true;
      console.error("kloudconsent: " + (e && e.message || e) + "; gated embeds stay blocked.");
    }
  }).then(function () {
    // Arrived with the engine running (an embed added later, or the page's
    // own after a slow download): the embeds take the decision in force.
    if (engine && embedsUpdate) embedsUpdate("", null);
  }));
}

/**
 * Brings the embeds in line with the consent in force: every one in the
 * document (after a decision, and at start-up), or only `nodes` and what they
 * hold (a DOM change). `revoked` lists the ids a decision took back. When
 * www/embeds.js arrives later, it looks at every embed in the document, so
 * what changed meanwhile is covered.
 */
function updateEmbeds(revoked, nodes) {
  if (embedsUpdate) return embedsUpdate(revoked, nodes);
  if (!embedsLoading && (nodes || [doc]).some(holdsEmbed)) {
    loadEmbeds();
  }
}

// ---- the page changing -------------------------------------------------------
/**
 * Tags and embeds inserted after start-up are gated the same way, and a
 * removed embed takes its placeholder along. Only the nodes a change added
 * or removed are looked at: a change that holds nothing gated costs next to
 * nothing, however many embeds the page has. The whole document is watched,
 * not its <html> element, which a page may replace too.
 */
function observePage() {
  holdAdded(earlyObserver.takeRecords());
  earlyObserver.disconnect();
  new MutationObserver(function (records) {
    var nodes = [], scripts = false;
    records.forEach(function (r) {
      // An embed's URL, srcdoc or category changed in place (the element
      // reused), or what hides it from Tab (a carousel's slide).
      if (r.type === "attributes") {
        holdSrcdoc(r.target);
        nodes.push(r.target);
      }
      [r.addedNodes, r.removedNodes].forEach(function (list, removed) {
        [].forEach.call(list, function (n) {
          if (nodeType.call(n) !== 1 || ours.has(n)) return;
          if (!removed) {
            dropCopies(n);
            holdSrcdoc(n);
          }
          nodes.push(n);
          if (!removed && (Element.prototype.matches.call(n, PENDING) || Element.prototype.querySelector.call(n, PENDING))) {
            scripts = true;
          }
        });
      });
    });
    if (scripts) releaseScripts();
    if (nodes.length) updateEmbeds("", nodes);
    keepWidget();
  }).observe(doc, {
    childList: true, subtree: true,
    attributeFilter: ["data-src", "data-srcset", "data-poster", "data-consent", "srcdoc", "aria-hidden", "tabindex"],
  });
  // An inline tag released at start-up may have added gated tags before
  // this observer was there to see them (held: the pending calls' gate does).
  if (!held) releaseScripts();
}

/**
 * Removes copies of the widget's own elements that a page brought back from
 * a snapshot of itself (Turbo's cache and htmx's history clone the page):
 * a copy is an empty `<kloud-consent>` beside the real one, or a placeholder
 * with nothing in it. Known by not being one the widget made (`ours`), not
 * by a missing `shadowRoot`: a page that makes every shadow root closed
 * would have the widget take out its own, and put it back, for ever.
 */
function dropCopies(node) {
  var own = "kloud-consent, kloud-consent-placeholder";
  [node].concat([].slice.call(Element.prototype.querySelectorAll.call(node, own))).forEach(function (el) {
    if (!ours.has(el) && Element.prototype.matches.call(el, own)) el.remove();
  });
}

/**
 * Puts the widget back when the page took it out: apps that swap `<body>`
 * or its children on navigation (Turbo Drive, htmx, pjax) or clear it at
 * hydration remove `<kloud-consent>` with the rest, and with it the banner,
 * the tool and the reopen button. A dialog that was up keeps the page
 * behind it inert, the new page included, and gets focus back.
 */
var putBack = 0, putBackFrom = 0, putBackLater = 0;
function keepWidget() {
  var page = body.call(doc);
  if (!widgetHost || !page) return;
  var gone = !widgetHost.isConnected;
  if (gone) {
    // A banner blocker that takes the widget out each time it comes back
    // (its own observer) would have the two of them take turns for ever,
    // and the page never get a turn (stop 57's review froze the tab): five
    // times a second at most, then once more when the second is over (an
    // app that swapped its <body> more often than that still gets the
    // widget back; a clock set back starts the count again). Left out, the
    // page behind is not inert.
    var now = Date.now();
    if (now - putBackFrom > 1000 || now < putBackFrom) putBackFrom = now, putBack = 0;
    if (++putBack > 5) {
      putBackLater = putBackLater || setTimeout(function () { putBackLater = 0; keepWidget(); }, 1001 - now + putBackFrom);
      return madeInert.length && makeInert(widgetHost, false);
    }
    placeWidget(widgetHost, page);
  }
  // A dialog is up (or was, when the widget was last left out) and the page
  // has new content (a swapped `<body>`, or elements put in it or after
  // it): that is inert behind the dialog too.
  var modal = madeInert.length || gone && widgetRoot.querySelector("[aria-modal]"), fresh = false;
  if (modal && !gone) {
    eachBehind(widgetHost, function () { fresh = true; });
    // Moved into an element it made inert (a page's portal root that was
    // there when the dialog opened): the dialog itself was inert then.
    fresh = fresh || madeInert.some(function (el) { return Node.prototype.contains.call(el, widgetHost); });
  }
  if (modal && (gone || fresh)) {
    makeInert(widgetHost, false);
    makeInert(widgetHost, true);
  }
  // Taking the widget out, or moving it (a page that appends it elsewhere),
  // took focus out of its dialog: back in it. Focus on a page's own dialog,
  // which may come above the tool (eachBehind), stays there.
  if (modal && (gone || page == activeElement.call(doc))) focusDialog(lastFocus);
}
