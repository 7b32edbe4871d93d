// What visitors' browser extensions do to the widget's elements: one that
// moves an element the preference tool drew (the tool is a Yew app, which
// then cannot redraw and stops), and a banner blocker that takes the
// widget out of the page each time it comes back. A stopped tool never
// saves what its switches do not show, and a blocker never freezes the
// page. (Stop 57's review; translation tools that wrap every text node in
// <font>, and styles put into the shadow root, broke nothing there.) And
// a page that moves the widget while the tool is open.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, hostPage, banner, button, dialog, toolShown, storedLocal, gatedRuns, widgetLogs,
} from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const SERVICES = {
  categories: [
    { id: "necessary", label: "Strictly necessary", required: true },
    { id: "analytics", label: "Performance and analytics", services: [
      { id: "appinsights", label: "Application Insights", provider: "Microsoft" },
      { id: "ga", label: "Google Analytics", provider: "Google" },
    ] },
  ],
};
const GA = `<script type="text/plain" data-consent="analytics.ga">(window.__gatedRuns = window.__gatedRuns || []).push("ga");</script>`;

test("an extension moves a switch the tool drew: the tool stops, Save stores nothing it does not show, and the next opening works", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { config: SERVICES, body: GA });
  await waitReady(page);
  await button(banner(page), "Manage preferences").click();
  await toolShown(page);
  // As an extension that wraps the form controls it finds would: the
  // category's switch moves into a span of its own.
  await page.evaluate(() => {
    const box = document.querySelector("kloud-consent").shadowRoot.querySelector("#kc-switch-analytics").closest(".kc-switch");
    const wrap = document.createElement("span");
    box.before(wrap);
    wrap.append(box);
  });
  const ga = dialog(page).getByRole("switch", { name: "Google Analytics" });
  await ga.click(); // partly on: the tool's redraw fails here
  await ga.click(); // flipped back off on the screen only
  assert.equal(await ga.isChecked(), false);
  await button(dialog(page), "Save preferences").focus();
  await page.keyboard.press("Enter");
  await page.locator("kloud-consent").getByText("could not be loaded", { exact: false }).waitFor();
  // Focus was in the dialog that is gone: back on Manage preferences, which
  // tries again (it had fallen to <body>).
  await page.waitForFunction(() => document.querySelector("kloud-consent").shadowRoot.activeElement?.textContent === "Manage preferences");
  assert.equal(await storedLocal(page), null);
  assert.deepEqual(await gatedRuns(page), []);
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.match(widgetLogs(page).join("\n"), /preference tool could not be loaded \(a script or extension changed it; nothing was saved\)/);
  // Manage preferences again: a fresh copy of the tool, which works.
  await button(banner(page), "Manage preferences").click();
  await toolShown(page);
  await dialog(page).getByRole("switch", { name: "Google Analytics" }).click();
  await button(dialog(page), "Save preferences").click();
  await page.waitForFunction(() => window.kloudconsent.accepted("analytics.ga"));
  assert.deepEqual(await gatedRuns(page), ["ga"]);
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("analytics.appinsights")), false);
  await context.close();
});

test("a banner blocker that takes the widget out each time it comes back: the page keeps answering; the widget is back once it stops", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {
    head: `<script>
      window.__removals = 0;
      window.__blocker = new MutationObserver(() => {
        const host = document.querySelector("kloud-consent");
        if (host) { window.__removals++; host.remove(); }
      });
      window.__blocker.observe(document, { childList: true, subtree: true });
    </script>`,
    body: `<button id="page-button" onclick="this.textContent = 'clicked'">page button</button>`,
  });
  await waitReady(page);
  // The page answers (it froze: the two observers took turns for ever).
  const answered = await Promise.race([
    page.evaluate(() => window.__removals),
    new Promise((resolve) => setTimeout(() => resolve("no answer within 5 s"), 5000)),
  ]);
  assert.equal(typeof answered, "number", String(answered));
  await page.click("#page-button");
  assert.equal(await page.textContent("#page-button"), "clicked");
  // Five times a second at most, then once when that second is over.
  const before = await page.evaluate(() => window.__removals);
  await page.waitForTimeout(2000);
  const removed = await page.evaluate(() => window.__removals) - before;
  assert.ok(removed >= 2 && removed <= 15, `${removed} removals in 2 s`);
  // The blocker goes (switched off): the widget is back within a second,
  // banner and all, with no change of the page's to wake it.
  await page.evaluate(() => window.__blocker.disconnect());
  await banner(page).waitFor({ timeout: 3000 });
  await button(banner(page), "Reject all").click();
  await page.waitForFunction(() => window.kloudconsent.get()?.method === "reject-all");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a page that moves the widget while the tool is open (a framework's portal): focus stays where it was in the tool; a page's own dialog above it keeps its focus", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: `<main><p>An article.</p><button id="page-button">page button</button></main><div id="modal-root"></div>` });
  await waitReady(page);
  await button(banner(page), "Manage preferences").click();
  await toolShown(page);
  const focused = () => document.querySelector("kloud-consent").shadowRoot.activeElement?.id || null;
  await page.waitForFunction(() => document.querySelector("kloud-consent").shadowRoot.activeElement);
  // A keyboard visitor on a switch further down the tool.
  const marketing = dialog(page).getByRole("switch", { name: /Marketing/ });
  await marketing.focus();
  const where = await page.evaluate(focused);
  assert.match(where, /^kc-switch-/);
  // Moving an element takes focus out of it: it fell to <body>, where Tab
  // went on behind the dialog. Into a new container, then into the page's
  // portal root, which was there when the tool opened and so was made
  // inert with the rest of the page (the tool in it was inert too: no
  // click, no key worked), three times as a re-rendering portal would.
  const moves = [
    () => { const portal = document.createElement("div"); document.body.append(portal); portal.append(document.querySelector("kloud-consent")); },
    () => document.getElementById("modal-root").append(document.querySelector("kloud-consent")),
    () => document.getElementById("modal-root").append(document.querySelector("kloud-consent")),
  ];
  for (const move of moves) {
    await page.evaluate(move);
    await page.waitForFunction((id) => document.querySelector("kloud-consent").shadowRoot.activeElement?.id === id, where, { timeout: 2000 });
  }
  assert.deepEqual(await page.evaluate(() => [document.querySelector("main").inert, document.getElementById("modal-root").inert]), [true, false]);
  await page.keyboard.press("Space");
  assert.equal(await marketing.isChecked(), true);
  // A newsletter popup the page opens above the tool (a non-modal
  // <dialog>, never made inert) keeps focus in its field while the page
  // goes on changing.
  await page.evaluate(() => {
    const popup = document.createElement("dialog");
    popup.innerHTML = `<input id="email" aria-label="Email">`;
    document.body.append(popup);
    popup.show();
    popup.querySelector("input").focus();
    setTimeout(() => popup.append(document.createElement("p")), 50);
  });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.activeElement.id), "email");
  assert.deepEqual(page.errors, []);
  await context.close();
});
