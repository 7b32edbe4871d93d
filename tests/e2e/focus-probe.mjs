// In-page probes shared by the Firefox ESR and WebKit suites (each runs them
// through its WebDriver `js(driver, fn)`, which sends the function's source
// to the page): what tests/e2e/focus-obscured.test.mjs and
// spa-dynamics.test.mjs check in Chromium with Playwright. Playwright's
// `page.evaluate(fn)` sends a probe the same way (buttonsOnScreen).

/**
 * Puts 40 links at the top of the page, focuses every third one as Tab
 * would (the browser scrolls it into view, the widget clear of the banner),
 * and says for each whether the page's own hit test at its centre reaches
 * it rather than the banner.
 */
export async function focusedLinksSeen() {
  const list = document.createElement("div");
  list.innerHTML = Array.from({ length: 40 }, (_, i) => `<p><a href="#l${i}" id="l${i}">Link ${i}</a></p>`).join("");
  document.body.prepend(list);
  await new Promise((r) => setTimeout(r, 100));
  const seen = [];
  for (let i = 0; i < 40; i += 3) {
    const el = document.getElementById("l" + i);
    el.focus();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    seen.push(hit === el || el.contains(hit));
  }
  return seen;
}

/** Swaps the page's body as htmx or pjax do: a new page with an opener (#settings). */
export function swapBody() {
  document.body.innerHTML = '<main><button id="settings" data-kloudconsent-open>Cookie settings</button></main>';
}

/**
 * As focus-obscured.test.mjs's short-screen tests: puts 30 links after some
 * text (under the banner, not beside its corner) at the top of the page,
 * focuses each as Tab would, and says for each whether any of five points
 * of it (corners and centre) reaches it rather than the banner. For a
 * window so short that the banner fills over half of it.
 */
export async function shortScreenLinksSeen() {
  const list = document.createElement("div");
  list.innerHTML = Array.from({ length: 30 }, (_, i) => `<p>Paragraph ${i} <a href="#s${i}" id="s${i}">link ${i}</a></p>`).join("");
  document.body.prepend(list);
  await new Promise((r) => setTimeout(r, 100));
  const seen = [];
  for (let i = 0; i < 30; i++) {
    const el = document.getElementById("s" + i);
    el.focus();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const r = el.getBoundingClientRect();
    seen.push([[r.left + 1, r.top + 1], [r.right - 1, r.top + 1], [r.left + 1, r.bottom - 1], [r.right - 1, r.bottom - 1],
      [(r.left + r.right) / 2, (r.top + r.bottom) / 2]].some(([x, y]) => document.elementFromPoint(x, y) === el));
  }
  return seen;
}

/** What {@link buttonsOnScreen} answers when everything fits. */
export const ON_SCREEN = { sideways: 0, page: 0, linksPastEdge: [], buttonsPastEdge: [], toolPastScreen: [] };

/**
 * The widget's links and buttons that stand outside where they belong: the
 * banner's past its edges, the tool's foot buttons past the screen's; and
 * how far the banner and the page scroll sideways. A word wider than its
 * button row, where the browser cannot hyphenate it, pushed its button out
 * (stop 57). Names the texts of those outside; {@link ON_SCREEN} when all fit.
 */
export function buttonsOnScreen() {
  const root = document.querySelector("kloud-consent").shadowRoot;
  const bar = root.querySelector(".kc-banner"), foot = root.querySelector(".kc-dialog-foot");
  const outside = (scope, selector, box) => (scope ? [...scope.querySelectorAll(selector)] : [])
    .filter((el) => { const r = el.getBoundingClientRect(); return r.left < box.left - 0.5 || r.right > box.right + 0.5; })
    .map((el) => el.textContent);
  const edges = bar ? bar.getBoundingClientRect() : null;
  return {
    sideways: bar ? bar.scrollWidth - bar.clientWidth : 0,
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    linksPastEdge: outside(bar, ".kc-links a", edges),
    buttonsPastEdge: outside(bar, ".kc-btn", edges),
    toolPastScreen: outside(foot, ".kc-btn", { left: 0, right: innerWidth }),
  };
}
