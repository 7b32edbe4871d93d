// Gated embeds: the DOM work for <iframe>, <img>, <video> and <audio> with
// `data-consent`. assemble.mjs builds it into dist/kloudconsent-embeds.js, a
// script of its own: the core (gating.js) fetches it, pinned by its SHA-384,
// only when a page has such an embed, so the pages without one (most) do not
// pay for placeholders. It hands the core a factory through a Symbol-keyed
// slot on window (markup cannot clobber a Symbol key), as the preference
// tool's script does; the core calls it with what it needs (`core`) and gets
// back `update(revoked, nodes)`, which gating.js's `updateEmbeds` forwards to.
//
// Like the core, it reads `document` through the natives the core's guard
// captured (`core`) and calls the methods of nodes the page adds through
// Element.prototype: markup can shadow both by name (docs/security.md).
// Whether an embed may load, what its placeholder says, which URLs may load
// and what "Allow always" decides are the engine's (`kc_embed`,
// `kc_url_refusal`, `kc_allow`): one copy of every rule, in Rust. The
// placeholders' stylesheet (www/placeholder.css) is built into this script,
// minified (www/minify-css.mjs).
(function () {
  "use strict";
  var register = window[Symbol.for("kloudconsent.embeds")];
  if (typeof register !== "function") return;
  register(function (core) {
    var invoke = core.invoke, doc = core.doc, querySelectorAll = core.querySelectorAll,
      createElement = core.createElement, baseUri = core.baseUri, baseFor = core.baseFor, listen = core.listen;
    var EMBEDS = core.EMBEDS, heldSrcdoc = core.heldSrcdoc, ours = core.ours;
    var SOURCES = ":scope>source[data-src],:scope>source[data-srcset]";
    // An embed's parent may be a <form> whose controls shadow its methods
    // by name (<input name="insertBefore">): called through Node.prototype.
    var insertBefore = Node.prototype.insertBefore;
    // Only a media element's own load(): MooTools gives every element a
    // `load` that fetches the page and runs each of its scripts, gated
    // ones included (their type does not stop it).
    // (A brand check, not instanceof: a media element made in another
    // frame is one too. Any other element makes the call throw.)
    var reload = function (el) {
      try { HTMLMediaElement.prototype.load.call(el); } catch (e) {}
    };
    var parentElement = Object.getOwnPropertyDescriptor(Node.prototype, "parentElement").get;
    var DATA_URLS = ["data-src", "data-srcset", "data-poster"];
    // The page's last two presses (time, place, what was pressed), for an
    // Allow button to tell a double click's second press, which landed on it
    // because the first opened or moved something (a posted <details> whose
    // embed takes its summary's place), from a press of its own. Firefox
    // counts such a click as a first (`detail` 1): its target changed.
    var presses = [];
    listen.call(window, "pointerdown", function (ev) {
      presses = [presses[1], [ev.timeStamp, ev.clientX, ev.clientY, ev.composedPath()[0]]];
    }, true);
    // www/placeholder.css, minified (assemble.mjs fills it in).
    var sheetText = "__KC_PLACEHOLDER_CSS__";

    // <iframe>, <img>, <video>, <audio> with `data-consent` get their URLs (src,
    // srcset, poster, and those of their <source> children) from the `data-`
    // twins only when allowed. Until then a placeholder lies over the embed's
    // box: the embed keeps its place and its own CSS (made visibility: hidden),
    // so nothing shifts when it loads.
    /** Every embed seen, and its state; element -> entry for a lookup per node. */
    var embeds = [];
    var embedOf = new WeakMap();
    var warnedSrcdoc = false;
    var sheet = null;
    var resizeObserver = null;

    /** Whether `el` has anything to hold back: a URL in a `data-` twin, or (an iframe) a srcdoc. */
    function isGated(el) {
      return DATA_URLS.some(function (a) { return el.hasAttribute(a); }) || !!el.querySelector(SOURCES) ||
        el.localName === "iframe" && (el.hasAttribute("srcdoc") || heldSrcdoc.has(el));
    }

    /** The elements carrying gated URLs: the embed and its (picture's) <source>s. */
    function urlElements(e) {
      var parent = e.el.localName === "img" && e.el.parentElement && e.el.parentElement.localName === "picture"
        ? e.el.parentElement : e.el;
      return [].slice.call(parent.querySelectorAll(SOURCES)).concat([e.el]);
    }

    /**
     * Brings the embeds in line with the consent in force: every known one and
     * every gated one in the document (after a decision, and at start-up), or
     * only `nodes` and what they hold (a DOM change: an unrelated change costs
     * nothing per embed). `revoked` lists the ids a decision took back.
     */
    function updateEmbeds(revoked, nodes) {
      var found = [], toPlace = [];
      (nodes || [doc]).forEach(function (node) {
        if (node !== doc && Element.prototype.matches.call(node, EMBEDS)) found.push(node);
        found.push.apply(found, (node === doc ? querySelectorAll : Element.prototype.querySelectorAll).call(node, EMBEDS));
      });
      found.forEach(function (el) {
        var e = embedOf.get(el);
        if (!e && el.isConnected && isGated(el)) {
          // A srcdoc the core took off before this script arrived.
          e = { el: el, once: false, loaded: false, srcdoc: heldSrcdoc.get(el) };
          heldSrcdoc.delete(el);
          embedOf.set(el, e);
          embeds.push(e);
          if (!nodes) return; // visited below with every known one
        }
        if (e && nodes) refresh(e, "", toPlace, false);
      });
      // A change that moved other nodes (a keyed list reordered: the
      // framework moves one embed, and another's placeholder stays behind
      // with its neighbour): each placeholder goes back before its embed.
      if (nodes) embeds.forEach(function (e) {
        var ph = e.placeholder;
        if (ph && e.el.previousSibling !== ph && e.el.parentNode && toPlace.indexOf(e) < 0) {
          insertBefore.call(e.el.parentNode, ph, e.el);
          toPlace.push(e);
        }
      });
      // A decision (or start-up): every embed known, once each.
      if (!nodes) embeds.slice().forEach(function (e) { refresh(e, revoked, toPlace, true); });
      placeAll(toPlace);
    }

    /** Makes one embed match the consent in force. */
    function refresh(e, revoked, toPlace, all) {
      if (!e.el.isConnected) {
        removePlaceholder(e);
        embedOf.delete(e.el);
        embeds.splice(embeds.indexOf(e), 1);
        return;
      }
      // The engine's answer: "L" load, "O" load as allowed once, "P<text>" a
      // placeholder, "N<message>" never (warned once per embed).
      // Allowed once for what it showed: given a new URL (an app's next
      // route reusing the element), it asks again.
      if (e.loaded && !shows(e)) e.once = false;
      var answer = invoke("kc_embed", [e.el.getAttribute("data-consent") || "", e.once, revoked], "N");
      e.once = answer[0] === "O";
      if (answer[0] === "L" || answer[0] === "O") {
        var refused = load(e);
        if (!refused) return;
        answer = "N" + refused;
      }
      unload(e);
      if (answer[0] === "P") {
        if (showPlaceholder(e, answer.slice(1)) || all) toPlace.push(e);
      } else {
        removePlaceholder(e);
        if (!e.warned) {
          e.warned = true;
          console.warn("kloudconsent: " + answer.slice(1));
        }
      }
    }

    /**
     * Gives the embed its URLs from their `data-` twins and its srcdoc back.
     * Returns why it must never load instead, if a URL is not http(s) or
     * relative (checked right before copying: the page may change them).
     */
    function load(e) {
      // Relative URLs resolve against the base the browser would have used
      // for the embed (gating.js's `baseFor`): under a later <base> in user
      // content, they do not load.
      var els = urlElements(e), base = baseFor(e.el), moved = base !== baseUri.call(doc), i, j, value, attr, why;
      // Loaded already, unless the page has changed a URL since (a framework
      // reusing the element for another route's video changes data-src).
      if (e.loaded && shows(e)) {
        removePlaceholder(e);
        return "";
      }
      for (i = 0; i < els.length; i++) {
        for (j = 0; j < DATA_URLS.length; j++) {
          attr = DATA_URLS[j];
          value = els[i].getAttribute(attr);
          why = value === null ? "" : invoke("kc_url_refusal", [attr, value, base], "an embed's URL could not be checked") ||
            moved && invoke("kc_url_refusal", [attr, value, "x:"], "?") && "an embed's " + attr +
              " is relative, and a <base> after the embed would send it to another site; it does not load" +
              " while that <base> is there (make the URL absolute, or put the <base> in <head>).";
          if (why) return why;
        }
      }
      // A frame the page's HTML made is given, on Back (and, in Firefox, on
      // a reload of a page that is itself in a frame), the URL it last had,
      // before any script runs, whatever the visitor decided since: an embed
      // allowed once would load again. Taken out and put back before it
      // gets its URL, it is a frame made by script, which neither browser
      // restores; a page that comes back parses a new, empty one. Only for
      // Allow once: a new frame costs some 10 ms, which Accept all on a page
      // of many embeds would pay for each (a review of busy pages), and a
      // stored decision's URL is one the visitor allowed. (Once is enough:
      // a loaded one the page gives a new data-src keeps its focus.)
      var parent = e.once && !e.loaded && e.el.localName === "iframe" && e.el.parentNode;
      if (parent) insertBefore.call(parent, e.el, e.el.nextSibling);
      els.forEach(function (el) {
        DATA_URLS.forEach(function (a) {
          if (el.hasAttribute(a)) el.setAttribute(a.slice(5), el.getAttribute(a));
        });
      });
      removePlaceholder(e);
      e.loaded = true;
      if (e.srcdoc != null) {
        e.el.setAttribute("srcdoc", e.srcdoc);
        e.srcdoc = null;
      }
      // A media element does not notice a src set on a <source> it passed over.
      if (els.length > 1) reload(e.el);
      return "";
    }

    /** Whether a loaded embed shows what its `data-` URLs say. */
    function shows(e) {
      return urlElements(e).every(function (el) {
        return DATA_URLS.every(function (a) { return el.getAttribute(a) === el.getAttribute(a.slice(5)); });
      });
    }

    /** Takes the content away: on first sight, and when a category is revoked. */
    function unload(e) {
      e.loaded = false;
      var changed = false, el = e.el, parent = el.parentNode, next = el.nextSibling, frame = el.localName === "iframe";
      var srcdoc = frame && el.hasAttribute("srcdoc");
      // An iframe with content leaves the document while it loses its URL,
      // and comes back at once, the same element: removing `src` from a
      // frame in the page would navigate it to about:blank, a new entry in
      // the tab's history, so that Back would load the refused content
      // again and stay on the page. Out of the document, its content and
      // its history go with it; back in, it is an empty frame.
      if (frame && parent && (srcdoc || el.hasAttribute("src"))) Node.prototype.removeChild.call(parent, el);
      else parent = null;
      urlElements(e).forEach(function (u) {
        var media = u.hasAttribute("data-src") || u.hasAttribute("data-srcset");
        [["src", media], ["srcset", media], ["poster", u.hasAttribute("data-poster")]].forEach(function (p) {
          if (p[1] && u.hasAttribute(p[0])) {
            u.removeAttribute(p[0]);
            changed = true;
          }
        });
      });
      if (srcdoc) {
        e.srcdoc = el.getAttribute("srcdoc");
        el.removeAttribute("srcdoc");
        if (!warnedSrcdoc) {
          warnedSrcdoc = true;
          console.warn("kloudconsent: a gated iframe's srcdoc is not gated; it is taken off until allowed (use data-src).");
        }
      }
      if (parent) insertBefore.call(parent, el, next);
      // Without load() a media element keeps playing its old resource.
      if (changed) reload(el);
    }

    /**
     * The placeholder: a <kloud-consent-placeholder> with its own open shadow
     * root, right before the embed (so its static position follows the embed
     * through reflows) and laid over the embed's box. No style attribute, no
     * <style> element: an adopted stylesheet and CSSOM geometry, which a strict
     * `style-src` CSP allows; no innerHTML either (Trusted Types). Returns
     * whether it was created or put back, and so must be laid over the embed.
     */
    function showPlaceholder(e, text) {
      if (!e.placeholder) {
        var host = createElement.call(doc, "kloud-consent-placeholder");
        // The labels, then the widget's theme: the placeholder is coloured
        // as the banner is (placeholder.css), not by the system alone. Not
        // `data-theme`: this host is in the page, where CSS frameworks
        // style every `[data-theme]` (DaisyUI paints its background). Then
        // the widget's language and direction: its text is the widget's,
        // not the page's (an Arabic banner on a page without `dir`).
        var texts = invoke("kc_allow_texts", [], "Allow once\nAllow always").split("\n");
        if (texts[2]) host.setAttribute("data-kc-theme", texts[2]);
        if (texts[3]) {
          host.lang = texts[3];
          host.dir = texts[4];
        }
        var root = host.attachShadow({ mode: "open" });
        adoptSheet(root);
        var panel = element(root, "div", "ph");
        panel.setAttribute("part", "placeholder");
        // Firefox makes a box whose text overflows (it scrolls) a Tab stop
        // of its own, with nothing to operate; Tab goes to its buttons.
        panel.tabIndex = -1;
        // Named after the embed's own title or alt, which its hidden
        // element no longer gives a screen reader: with several embeds,
        // the "Allow once" buttons are told apart by the group they are in.
        var name = Element.prototype.getAttribute.call(e.el, "title") || Element.prototype.getAttribute.call(e.el, "alt");
        if (name) {
          panel.setAttribute("role", "group");
          panel.setAttribute("aria-label", name);
        }
        element(panel, "p", "text").id = "text";
        var acts = element(panel, "div", "acts");
        ["once", "always"].forEach(function (action, i) {
          var b = element(acts, "button", action);
          b.type = "button";
          b.setAttribute("part", "button allow-" + action);
          // The description says which category the content needs.
          b.setAttribute("aria-describedby", "text");
          b.textContent = texts[i];
          // Where the press began: by the click, focus on the button may
          // have moved the banner aside (it never hides the focused element).
          var over = false, second = false;
          b.onpointerdown = function (ev) {
            // (After a press on an Allow button, this one or another that
            // took its place, it is the visitor's own; after one on the
            // banner, not: a Reject all that takes the banner away can
            // uncover one; nor on a placeholder's text, which a posted
            // <summary> can hold.)
            var p = presses[0], host = p && Node.prototype.getRootNode.call(p[3]).host;
            over = widgetUnder(ev);
            second = !!p && !(ours.has(host) && host !== core.widget() && p[3].localName === "button") &&
              ev.timeStamp - p[0] < 500 && Math.abs(ev.clientX - p[1]) + Math.abs(ev.clientY - p[2]) < 10;
          };
          b.onclick = function (ev) {
            if (seen(b, ev.detail > 1 || ev.detail && second ? 2 : ev.detail > 0 && over)) placeholderClick(e, action);
          };
        });
        e.placeholder = host;
        e.text = panel.firstChild;
        ours.add(host);
        if (!resizeObserver && window.ResizeObserver) {
          // The embeds whose size changed (each newly watched one is
          // reported once) and those whose parent holds one, not every
          // placeholder on the page: in a flex or grid container a
          // placeholder starts at the container's start, so a new size
          // anywhere in it can move an embed away from it.
          resizeObserver = new ResizeObserver(function (entries) {
            placeAll(embeds.filter(function (e) {
              return e.el.parentNode && entries.some(function (r) { return Node.prototype.contains.call(e.el.parentNode, r.target); });
            }));
          });
          listen.call(window, "resize", function () { placeAll(embeds); });
        }
        if (resizeObserver) resizeObserver.observe(e.el);
      }
      hide(e);
      var p = e.text;
      if (p.textContent !== text) p.textContent = text;
      // A slide a carousel hides (Splide, Slick: `aria-hidden` on it,
      // `tabindex="-1"` on what is in it) keeps its Allow buttons out of
      // Tab's order as well: reached, they scroll the carousel's clipping
      // box to them behind the carousel's back, and its slides stay out of
      // line. Looked at again when those attributes change.
      var away = Element.prototype.getAttribute.call(e.el, "tabindex") < 0 ||
        !!Element.prototype.closest.call(e.el, "[aria-hidden=true]");
      [].forEach.call(p.nextSibling.children, function (b) { b.tabIndex = away ? -1 : 0; });
      var inPlace = e.el.previousSibling === e.placeholder;
      // An embed handed to a component's named <slot> takes its placeholder
      // into the same slot (else no slot shows it: an empty box), and out
      // of it again (no `slot` attribute where the embed has none).
      if (e.el.slot) e.placeholder.slot = e.el.slot;
      else e.placeholder.removeAttribute("slot");
      if (!inPlace && e.el.parentNode) insertBefore.call(e.el.parentNode, e.placeholder, e.el);
      return !inPlace;
    }

    function element(parent, tag, cls) {
      var el = createElement.call(doc, tag);
      el.className = cls;
      return parent.appendChild(el);
    }

    function adoptSheet(root) {
      try {
        if (!sheet) {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(sheetText);
        }
        root.adoptedStyleSheets = [sheet];
      } catch (err) {
        // No constructable stylesheets (old Safari): a <style> element.
        element(root, "style", "").textContent = sheetText;
      }
    }

    function removePlaceholder(e) {
      if (e.placeholder) {
        e.placeholder.remove();
        e.placeholder = null;
        if (resizeObserver) resizeObserver.unobserve(e.el);
      }
      show(e);
    }

    /** Hidden while blocked; an image's alt is taken off (an <img> with no src
     * but with alt text is laid out as that text, and would shift on load).
     * What was there is also written on the element (`data-kc-hidden`,
     * `data-kc-alt`): an app that snapshots its page (Turbo's cache, htmx's
     * history) and puts the copy back brings an element already hidden, whose
     * own values only those attributes still know. */
    function hide(e) {
      if (e.hidden) return;
      var el = e.el, s = el.style, copy = el.getAttribute("data-kc-hidden");
      if (el.localName === "img") {
        e.alt = el.hasAttribute("data-kc-alt") ? el.getAttribute("data-kc-alt") : el.getAttribute("alt");
        if (e.alt != null) el.setAttribute("data-kc-alt", e.alt);
        el.removeAttribute("alt");
      }
      e.hidden = copy != null ? copy.split("|")
        : [s.getPropertyValue("visibility"), s.getPropertyPriority("visibility")];
      el.setAttribute("data-kc-hidden", e.hidden.join("|"));
      s.setProperty("visibility", "hidden", "important");
    }

    function show(e) {
      if (e.alt != null) {
        e.el.setAttribute("alt", e.alt);
        e.alt = null;
      }
      e.el.removeAttribute("data-kc-alt");
      if (!e.hidden) return;
      e.el.removeAttribute("data-kc-hidden");
      if (e.hidden[0]) e.el.style.setProperty("visibility", e.hidden[0], e.hidden[1]);
      else e.el.style.removeProperty("visibility");
      e.hidden = null;
    }

    /**
     * Whether a press on an "Allow" button is one the visitor could see it
     * take. Markup a site lets users post (no script needed) can make a
     * placeholder invisible (`opacity: 0` on a wrapper) or lay it over the
     * banner, so that a click on what looks like "Reject all", or anywhere,
     * lands on "Allow always". So the press is ignored, with a warning, when
     * the button or what holds it is hidden or less than half opaque (a
     * dimmed card at 0.7 is still seen; an invisible trap is far below), or
     * inside SVG, or for the reason `why` its caller found: true when the
     * widget (banner, tool, reopen button) lay under the point pressed (a
     * key press has no point), 2 when the press was a double click's second
     * whose first landed elsewhere.
     */
    function seen(button, why) {
      var opacity = getComputedStyle(button).visibility === "visible" ? 1 : 0, el = button;
      // Up through the page's elements by Node.prototype: a posted <form>
      // with an <input name="parentElement"> would otherwise loop for ever.
      // Inside SVG (a <foreignObject>) nothing counts as seen: SVG's own
      // attributes (filter, mask) hide what they hold, with no `style` or
      // `class` for a sanitiser to strip.
      for (; el; el = parentElement.call(el) || Node.prototype.getRootNode.call(el).host) opacity *= el instanceof SVGElement ? 0 : +getComputedStyle(el).opacity;
      if (opacity >= 0.5 && !why) return true;
      console.warn("kloudconsent: ignored a press on an embed's Allow button that was " + (why > 1
        ? "a double click's second, its first elsewhere." : why ? "laid over the consent banner." : "hidden or nearly transparent."));
      return false;
    }

    /** Whether the widget lies under a pointer event's point. */
    function widgetUnder(ev) {
      var host = core.widget();
      return !!host && Document.prototype.elementsFromPoint.call(doc, ev.clientX, ev.clientY).indexOf(host) >= 0;
    }

    function placeholderClick(e, action) {
      if (action === "once") {
        e.once = true;
        var refused = load(e);
        if (refused) console.warn("kloudconsent: " + refused);
      } else {
        invoke("kc_allow", [e.el.getAttribute("data-consent") || ""]);
      }
      // The button that had focus is gone: focus the content it let in. An
      // image cannot take focus: made focusable by script alone (tabindex
      // -1, out of the Tab order), or focus falls to the page's start.
      var el = e.el;
      if (!el.focus) return;
      el.focus();
      if (Node.prototype.getRootNode.call(el).activeElement !== el && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "-1");
        el.focus();
      }
    }

    /**
     * Lays each placeholder over its embed's border box. Every box is read
     * before any style is written, so the browser lays the page out once for
     * all of them, and a second time only for placeholders just made or
     * resized (their `display` and size can decide where they start). A
     * value already in place is not written again: on a page with thousands of placeholders, rewriting
     * them all for one new embed cost seconds of style work (stop 49).
     */
    function placeAll(list) {
      list = list.filter(function (e) { return e.placeholder; });
      var reads = list.map(function (e) {
        return [getComputedStyle(e.el).display.indexOf("inline") === 0 ? "inline-block" : "block",
          e.el.getBoundingClientRect(), e.placeholder.getBoundingClientRect()];
      });
      var fresh = [], before = list.map(function (e) { return e.placeholder.kcPlaced || {}; });
      list.forEach(function (e, i) {
        var ph = e.placeholder, b = reads[i][1], h = reads[i][2], was = before[i];
        // A block-level embed gets a block placeholder: both start on one line.
        // None over a box too small for a 24 px button (a tracking pixel, a
        // hidden image): there it would only be focus stops no one sees.
        var tiny = b.width < 24 || b.height < 24;
        var now = { display: tiny ? "none" : reads[i][0], width: b.width + "px", height: b.height + "px", margin: "0px" };
        // A new display or size can move where it starts (right to left,
        // centred in a flex box): measured again then.
        var changed = now.display !== was.display || now.width !== was.width || now.height !== was.height;
        ["display", "width", "height", "margin"].forEach(function (k) {
          if (now[k] !== was[k]) ph.style.setProperty(k, now[k], "important");
        });
        // Where it starts without our translation: measured again after a
        // change, else what it shows less the translation given.
        if (changed) {
          ph.style.setProperty("transform", "none", "important");
          fresh.push(i);
        } else {
          now.x = b.left - (h.left - was.x);
          now.y = b.top - (h.top - was.y);
        }
        ph.kcPlaced = now;
      });
      fresh.forEach(function (i) {
        var e = list[i], h = e.placeholder.getBoundingClientRect(), b = reads[i][1];
        e.placeholder.kcPlaced.x = b.left - h.left;
        e.placeholder.kcPlaced.y = b.top - h.top;
        e.placeholder.kcPlaced.moved = 1;
      });
      // A transform, unlike a margin, moves the box the same way in RTL text.
      list.forEach(function (e, i) {
        var now = e.placeholder.kcPlaced, was = before[i];
        if (now.moved || now.x !== was.x || now.y !== was.y) {
          e.placeholder.style.setProperty("transform", "translate(" + now.x + "px, " + now.y + "px)", "important");
        }
      });
    }

    return updateEmbeds;
  });
})();
