// Host pages that rebuild themselves: apps that swap <body> or its children
// on navigation (Turbo Drive, htmx's hx-boost, pjax) or clear it at
// hydration take <kloud-consent> out with the rest. The widget puts itself
// back: the banner, the tool, the reopen button and the API keep working,
// and a dialog that was up keeps the new page behind it inert. Openers
// rendered inside a page component's shadow root (Lit, Stencil) work too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, banner, dialog, button, hostPage, gatedRuns, GATED_PAIR } from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** The swaps apps do, each bringing a new page with an opener and a gated script in it. */
const SWAPS = {
  "body.replaceWith (Turbo Drive)": () => {
    const next = document.createElement("body");
    next.innerHTML = `<main><h1>Page two</h1><button id="settings" data-kloudconsent-open>Cookie settings</button>
      <script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script></main>`;
    document.body.replaceWith(next);
  },
  "body.innerHTML (htmx, pjax)": () => {
    document.body.innerHTML = `<main><h1>Page two</h1><button id="settings" data-kloudconsent-open>Cookie settings</button>
      <script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script></main>`;
  },
  "body.replaceChildren (an app's root)": () => {
    const root = document.createElement("div");
    root.innerHTML = `<h1>Page two</h1><button id="settings" data-kloudconsent-open>Cookie settings</button>
      <script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>`;
    document.body.replaceChildren(root);
  },
};

const hostConnected = (page) => page.evaluate(() => document.querySelector("kloud-consent")?.isConnected === true);

for (const [name, swap] of Object.entries(SWAPS)) {
  test(`${name}: the banner comes back, the new page's opener opens the tool, and a decision holds`, async () => {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { body: GATED_PAIR });
    await waitReady(page);
    await banner(page).waitFor();
    await page.evaluate(swap);
    await banner(page).waitFor();
    assert.ok(await hostConnected(page));
    await page.click("#settings");
    await dialog(page).getByRole("switch").first().waitFor();
    await page.keyboard.press("Escape");
    await dialog(page).waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.querySelector("main, div")?.inert ?? false), false, "the page is usable");
    await button(banner(page), "Accept all").click();
    await page.waitForFunction(() => window.kloudconsent.get()?.method === "accept-all");
    await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
    assert.deepEqual(await gatedRuns(page), ["analytics"], "the new page's gated script, released once");
    await context.close();
  });
}

test("a returning visitor keeps the reopen button across a body swap, and the tool opens from it", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR, config: { reopenButton: true } });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  const reopen = page.locator("kloud-consent").getByRole("button", { name: "Cookie settings", exact: true });
  await reopen.waitFor();
  await page.evaluate(SWAPS["body.replaceWith (Turbo Drive)"]);
  await reopen.waitFor();
  await reopen.click();
  await dialog(page).getByRole("switch").first().waitFor();
  await context.close();
});

for (const [name, swap] of Object.entries(SWAPS)) {
  test(`${name} while the tool is open: the tool stays with focus in it, the new page behind it is inert until it closes`, async () => {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { body: GATED_PAIR });
    await waitReady(page);
    await button(banner(page), "Manage preferences").click();
    await dialog(page).getByRole("switch").first().waitFor();
    await page.evaluate(swap);
    await page.waitForFunction(() => document.querySelector("h1")?.closest("body > *")?.inert === true);
    assert.ok(await hostConnected(page));
    await dialog(page).getByRole("switch").first().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.localName), "kloud-consent", "focus stays in the tool");
    await page.keyboard.press("Escape");
    await dialog(page).waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.querySelector("h1").closest("body > *").inert), false);
    await context.close();
  });
}

test("an opener inside a page component's shadow root opens the tool", async () => {
  const { context, page } = await openPage(env);
  const footer = `<site-footer></site-footer><script>
    customElements.define("site-footer", class extends HTMLElement {
      connectedCallback() {
        this.attachShadow({ mode: "open" }).innerHTML =
          '<footer><button data-kloudconsent-open><span>Cookie settings</span></button></footer>';
      }
    });</script>`;
  await hostPage(env, page, { body: GATED_PAIR + footer });
  await waitReady(page);
  await page.locator("site-footer").getByRole("button", { name: "Cookie settings" }).click();
  await dialog(page).getByRole("switch").first().waitFor();
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  const focused = await page.evaluate(() => document.querySelector("site-footer").shadowRoot.activeElement?.localName);
  assert.equal(focused, "button", "focus goes back to the opener");
  await context.close();
});

test("a page restored from the app's own snapshot (Turbo's cache, htmx's history): its blocked embeds load visibly with their alt after consent, and no empty copies of the widget stay", async () => {
  const { context, page } = await openPage(env);
  const embeds = `<iframe id="video" data-consent="marketing" data-src="/fixtures/marketing/frame.html" title="Video" width="320" height="180"></iframe>
    <img id="pic" data-consent="marketing" data-src="/fixtures/marketing/pixel.svg" alt="A chart" width="40" height="40">`;
  await hostPage(env, page, { body: GATED_PAIR + embeds });
  await waitReady(page);
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 2);
  await page.evaluate(() => {
    window.__snapshot = document.body.cloneNode(true); // the app caches the page
    const next = document.createElement("body");
    next.innerHTML = "<main><h1>Another page</h1></main>";
    document.body.replaceWith(next);
  });
  await page.evaluate(() => document.body.replaceWith(window.__snapshot)); // and brings it back
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 2);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => document.getElementById("video").getAttribute("src"));
  const state = await page.evaluate(() => ({
    video: getComputedStyle(document.getElementById("video")).visibility,
    pic: getComputedStyle(document.getElementById("pic")).visibility,
    alt: document.getElementById("pic").getAttribute("alt"),
    hosts: document.querySelectorAll("kloud-consent").length,
    placeholders: document.querySelectorAll("kloud-consent-placeholder").length,
    marks: document.querySelectorAll("[data-kc-hidden], [data-kc-alt]").length,
  }));
  assert.deepEqual(state, { video: "visible", pic: "visible", alt: "A chart", hosts: 1, placeholders: 0, marks: 0 });
  await context.close();
});

test("an embed the app reuses for another route (only data-src changes) loads the new URL when allowed, and nothing while blocked", async () => {
  const { context, page } = await openPage(env);
  const video = `<iframe id="video" data-consent="marketing" data-src="/fixtures/marketing/frame.html?v=1" title="Video"></iframe>`;
  await hostPage(env, page, { body: GATED_PAIR + video });
  await waitReady(page);
  await page.waitForFunction(() => document.querySelector("kloud-consent-placeholder"));
  await page.evaluate(() => document.getElementById("video").setAttribute("data-src", "/fixtures/marketing/frame.html?v=2"));
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.getElementById("video").getAttribute("src")), null, "blocked: no URL");
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => document.getElementById("video").getAttribute("src")?.endsWith("v=2"));
  await page.evaluate(() => {
    document.getElementById("video").focus();
    document.getElementById("video").setAttribute("data-src", "/fixtures/marketing/frame.html?v=3");
  });
  await page.waitForFunction(() => document.getElementById("video").getAttribute("src")?.endsWith("v=3"));
  assert.equal(await page.evaluate(() => document.activeElement?.id), "video", "a loaded frame given a new URL keeps its focus");
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await page.waitForFunction(() => !document.getElementById("video").getAttribute("src"));
  await page.evaluate(() => document.getElementById("video").setAttribute("data-src", "/fixtures/marketing/frame.html?v=4"));
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.getElementById("video").getAttribute("src")), null, "refused: still no URL");
  await context.close();
});

test("a page that replaces its whole <html> element: scripts it adds later are still gated and released, and the widget is back", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.evaluate(() => {
    const html = document.createElement("html");
    html.innerHTML = "<head><title>Two</title></head><body><main><h1>Page two</h1></main></body>";
    document.replaceChild(html, document.documentElement);
  });
  await banner(page).waitFor();
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.type = "text/plain";
    s.setAttribute("data-consent", "analytics");
    s.src = "/demo/analytics.js";
    document.body.append(s);
  });
  await page.waitForFunction(() => (window.__gatedRuns || []).includes("analytics"));
  await context.close();
});

test("a page transition library that runs the page's scripts again after each navigation (Swup's scripts plugin) runs no released script twice, and none before consent", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: `<main><h1>One</h1></main><footer>${GATED_PAIR}</footer>` });
  await waitReady(page);
  // @swup/scripts-plugin's default: after the new content is in, every
  // script in <head> and <body> without data-swup-ignore-script is
  // re-created, attributes and text copied, so that it runs again.
  await page.evaluate(() => {
    window.swupNavigate = (html) => {
      document.querySelector("main").innerHTML = html;
      for (const old of document.querySelectorAll("script:not([data-swup-ignore-script])")) {
        const copy = document.createElement("script");
        for (const a of old.attributes) copy.setAttribute(a.name, a.value);
        copy.textContent = old.textContent;
        old.replaceWith(copy);
      }
    };
  });
  await page.evaluate(() => window.swupNavigate("<h1>Two</h1>"));
  await page.waitForTimeout(300);
  assert.deepEqual(await gatedRuns(page), [], "nothing before a choice");
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  const analytics = `<script type="text/plain" data-consent="analytics" src="/demo/analytics.js"></script>`;
  await page.evaluate((html) => window.swupNavigate(html), analytics);
  await page.waitForFunction(() => (window.__gatedRuns || []).length >= 3);
  await page.evaluate(() => window.swupNavigate("<h1>Four</h1>"));
  await page.waitForTimeout(500);
  assert.deepEqual((await gatedRuns(page)).sort(), ["analytics", "analytics", "marketing"],
    "each released script once: the footer's pair, then the new page's own");
  await context.close();
});
