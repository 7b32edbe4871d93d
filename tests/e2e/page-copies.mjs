// What page code does when it copies a region's HTML, for the gating tests
// of both suites (Playwright's `page.evaluate(fn, arg)` and the WebKit
// suite's `js(driver, fn, arg)` run it in the page).

/**
 * jQuery's `.html(string)` into `#copy` (jquery/src/manipulation.js,
 * domManip): the HTML goes in, then each script in it of a JavaScript type
 * (or none) is run again, an external one by its URL, an inline one by its
 * text.
 */
export function insertLikeJqueryHtml(html) {
  const to = document.getElementById("copy");
  to.innerHTML = html;
  for (const s of to.querySelectorAll("script")) {
    if (!/^$|^module$|\/(?:java|ecma)script/i.test(s.type || "")) continue;
    const run = document.createElement("script");
    if (s.src) run.src = s.src; else run.text = s.textContent;
    document.head.appendChild(run);
  }
}
