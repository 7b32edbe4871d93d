// Services inside categories and the cookie table (issue 17). SERVICES is
// KloudStack's policy with analytics' two tools as services (Microsoft Azure
// Application Insights and Google Analytics), as a site would write it: the
// tool's service switches and the category's mixed state as assistive
// technology gets it, gating by service, the API, events and the stored
// decision, a decision stored before services. The cookie table is the
// built-in config's (no config at all), on a desktop and on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, events, banner, dialog, button, hostPage,
  consentCookies, consentCookie, chromiumOnly,
  toolShown,
} from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

// Each gated script records its service when it runs.
const run = (name) => `window.__runs = (window.__runs || []).concat(${JSON.stringify(name)});`;
const GATED = `
<script type="text/plain" data-consent="analytics.appinsights">${run("appinsights")}</script>
<script type="text/plain" data-consent="analytics.ga">${run("ga")}</script>
<script type="text/plain" data-consent="analytics">${run("analytics")}</script>`;
const runs = (page) => page.evaluate(() => window.__runs || []);

const row = (name, purpose, duration) => ({ name, purpose, duration });
const SERVICES = {
  categories: [
    { id: "necessary", label: "Strictly necessary", required: true },
    { id: "analytics", label: "Performance and analytics", services: [
      { id: "appinsights", label: "Microsoft Azure Application Insights", provider: "Microsoft",
        cookies: [row("ai_user", "Counts users.", "1 year"), row("ai_session", "Groups one visit.", "Up to 24 hours")] },
      { id: "ga", label: "Google Analytics", provider: "Google", googleConsentMode: ["analytics_storage"],
        cookies: [row("_ga", "Distinguishes visitors.", "2 years"), "_ga_*", "_gid"] },
    ] },
    { id: "functionality", label: "Functionality" },
    { id: "security", label: "Security", required: true },
    { id: "marketing", label: "Marketing and communication", cookies: ["_fbp"] },
  ],
};

/** A page with the gated tags; `config`: SERVICES by default, `null` for the built-in one. */
async function fresh(options, config = SERVICES) {
  const { context, page } = await openPage(env, options);
  const head = '<meta name="viewport" content="width=device-width, initial-scale=1">';
  await hostPage(env, page, { body: GATED, head, config: config || undefined });
  await waitReady(page);
  return { context, page };
}

/** Chromium's accessibility tree: the `checked` state of the control named `name`. */
async function axChecked(page, name) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const node = nodes.find((n) => n.name?.value === name && ["checkbox", "switch"].includes(n.role?.value));
  await cdp.detach();
  assert.ok(node, `a checkbox or switch named ${name}`);
  return { role: node.role.value, checked: node.properties.find((p) => p.name === "checked")?.value.value };
}

async function openTool(page) {
  await button(banner(page), "Manage preferences").click();
  const d = dialog(page);
  await toolShown(page);
  return d;
}

test("services have their own switches under their category, whose control shows and announces mixed", chromiumOnly("reads Chromium's accessibility tree (DevTools protocol)"), async () => {
  const { context, page } = await fresh();
  const d = await openTool(page);
  const insights = d.getByRole("switch", { name: "Microsoft Azure Application Insights", exact: true });
  const ga = d.getByRole("switch", { name: "Google Analytics", exact: true });
  const analytics = d.getByRole("checkbox", { name: "Performance and analytics", exact: true });
  assert.equal(await insights.isChecked(), false);
  assert.equal(await ga.isChecked(), false);
  assert.deepEqual(await axChecked(page, "Performance and analytics"), { role: "checkbox", checked: "false" });

  await insights.click();
  assert.equal(await insights.isChecked(), true);
  assert.equal(await ga.isChecked(), false);
  assert.equal(await analytics.getAttribute("aria-checked"), "mixed");
  assert.equal(await analytics.evaluate((e) => e.indeterminate), true);
  assert.deepEqual(await axChecked(page, "Performance and analytics"), { role: "checkbox", checked: "mixed" });
  const described = await analytics.evaluate((e) => e.getRootNode().getElementById(e.getAttribute("aria-describedby"))?.textContent.trim());
  assert.equal(described, "Partly on");

  // The category's control sets all of its services: mixed -> on -> off.
  await analytics.click();
  assert.equal(await insights.isChecked(), true);
  assert.equal(await ga.isChecked(), true);
  assert.deepEqual(await axChecked(page, "Performance and analytics"), { role: "checkbox", checked: "true" });
  await analytics.click();
  assert.equal(await insights.isChecked(), false);
  assert.equal(await ga.isChecked(), false);
  assert.equal(await analytics.getAttribute("aria-checked"), null);
  // Categories without services keep their switch.
  assert.equal(await d.getByRole("switch", { name: "Marketing and communication", exact: true }).count(), 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("saving one service runs only its gated scripts; state, events, API and cookie carry it", async () => {
  const { context, page } = await fresh();
  const d = await openTool(page);
  await d.getByRole("switch", { name: "Microsoft Azure Application Insights", exact: true }).click();
  await button(d, "Save preferences").click();
  await d.waitFor({ state: "detached" });
  await page.waitForFunction(() => (window.__runs || []).length >= 2);
  assert.deepEqual((await runs(page)).sort(), ["analytics", "appinsights"],
    "the category's own tag runs (one of its services is allowed), Google Analytics' does not");

  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.deepEqual(state.categories, {
    necessary: true, analytics: true, functionality: false, security: true, marketing: false,
  });
  assert.deepEqual(state.services, { "analytics.appinsights": true, "analytics.ga": false });
  const api = await page.evaluate(() => ["analytics.appinsights", "analytics.ga", "analytics"]
    .map((id) => window.kloudconsent.accepted(id)));
  assert.deepEqual(api, [true, false, true]);
  const change = (await events(page)).find((e) => e.name === "change");
  assert.deepEqual(change.detail.changed, ["analytics", "analytics.appinsights"]);
  const [cookie] = await consentCookies(context);
  const [, , , , method, , granted, denied] = cookie.value.split("|");
  assert.equal(method, "c");
  assert.ok(granted.split(".").includes("analytics:appinsights"), granted);
  assert.ok(denied.split(".").includes("analytics:ga"), denied);
  assert.ok(cookie.name.length + cookie.value.length + 1 <= 200, `${cookie.name}=${cookie.value}`);

  // The API sets a service too; its tag then runs.
  await page.evaluate(() => window.kloudconsent.set({ "analytics.ga": true }));
  await page.waitForFunction(() => (window.__runs || []).includes("ga"));
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("analytics.ga")), true);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a decision stored before services still reads: its categories hold, the new services are off", async () => {
  const { context, page } = await openPage(env);
  // The format written before services (docs/stored-decision.md): analytics granted.
  await context.addCookies([{ name: "kloudconsent", value: consentCookie(), url: env.server.url }]);
  await hostPage(env, page, { body: GATED, config: SERVICES });
  await waitReady(page);
  assert.equal(await banner(page).count(), 0, "still a decision: no banner");
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.categories.necessary, true);
  assert.equal(state.categories.functionality, false);
  assert.deepEqual(state.services, { "analytics.appinsights": false, "analytics.ga": false },
    "services the visitor was never shown are not granted");
  assert.deepEqual(await runs(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

/** The visible cookie table of the category labelled `label`. */
async function cookieTable(d, label) {
  const table = d.getByRole("table", { name: `Cookies and storage used by ${label}` });
  const item = d.locator(".kc-cat").filter({ has: d.page().getByText(label, { exact: true }) });
  await item.getByText("Cookies and storage", { exact: true }).click();
  await table.waitFor();
  return table;
}

test("the built-in config's cookie table lists name, provider, purpose and duration, the widget's own storage first", async () => {
  const { context, page } = await fresh({}, null);
  const d = await openTool(page);
  assert.equal(await d.getByRole("table").count(), 0, "closed until asked for");
  const necessary = await cookieTable(d, "Strictly necessary");
  const headers = await necessary.getByRole("columnheader").allInnerTexts();
  assert.deepEqual(headers, ["Name", "Provider", "Purpose", "Duration"]);
  const rows = await necessary.locator("tbody tr").evaluateAll((trs) => trs.map((tr) =>
    [...tr.children].map((c) => c.textContent.trim())));
  assert.deepEqual(rows[0].slice(0, 2), ["__Host-kloudconsent", "KloudStack"]);
  assert.equal(rows[0][3], "182 days", "the decision's lifetime filled in");
  assert.equal(rows[1][0], "kloudconsent");
  assert.match(rows[1][2], /local storage/);
  // The built-in config folds analytics' tools into it: their rows are its.
  assert.equal(await d.getByRole("switch", { name: "Performance and analytics", exact: true }).count(), 1);
  const analytics = await cookieTable(d, "Performance and analytics");
  const names = await analytics.locator("tbody th").allInnerTexts();
  assert.deepEqual(names, ["ai_user", "ai_session", "_ga", "_ga_*", "_gid"]);
  assert.equal(await analytics.getByRole("rowheader", { name: "_ga", exact: true }).count(), 1);
  // No word is broken inside: each cookie name and each column heading
  // keeps one line (the columns once shrank to "Prov|ider", "Kloud|Stack").
  const lines = await necessary.evaluate((t) => {
    const count = (node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    };
    return {
      names: [...t.querySelectorAll("tbody th code")].map((c) => [c.textContent, count(c)]),
      headings: [...t.querySelectorAll("thead th")].map((th) => [th.textContent, count(th)]),
      providers: [...t.querySelectorAll("tbody td:nth-child(2)")].filter((td) => !td.textContent.includes(" "))
        .map((td) => [td.textContent, count(td)]),
    };
  });
  for (const [text, n] of [...lines.names, ...lines.headings, ...lines.providers]) assert.equal(n, 1, `${text} on one line`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("in a right-to-left tool an English cookie row keeps its own direction: each value is isolated", async () => {
  const { context, page } = await openPage(env, { locale: "ar" });
  await page.goto(env.server.url + "/fixtures/languages-ar.html");
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.show());
  const d = dialog(page);
  await d.getByRole("switch").first().waitFor();
  const cells = await d.locator("tbody tr").first().evaluate((tr) => [...tr.querySelectorAll("td")].map((td) => {
    const value = td.firstElementChild;
    return [td.textContent, getComputedStyle(td).direction, value?.tagName, value && getComputedStyle(value).unicodeBidi,
      value && getComputedStyle(value).direction];
  }));
  assert.equal(cells.length, 3);
  for (const [text, outer, tag, bidi, inner] of cells) {
    assert.deepEqual([outer, tag, bidi, inner], ["rtl", "BDI", "isolate", "ltr"], text);
  }
  assert.equal(cells[2][0], "182 days");
  // Stop 47's review: Firefox aligns a list item with its parent's side
  // (`text-align: match-parent`), so the English descriptions went ragged
  // left; they start where their own direction starts, as in Chromium.
  const english = await d.locator(".kc-cat p[lang=en]").first().evaluate((p) => {
    const r = p.getBoundingClientRect(), range = document.createRange();
    range.selectNodeContents(p);
    const text = range.getClientRects()[0];
    return { direction: getComputedStyle(p).direction, gapLeft: Math.round(text.left - r.left) };
  });
  assert.deepEqual(english, { direction: "ltr", gapLeft: 0 }, "an English line starts at the left edge");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a config's own rows: a service's rows sit in its category's table with the service's provider", async () => {
  const { context, page } = await fresh();
  const d = await openTool(page);
  const analytics = await cookieTable(d, "Performance and analytics");
  const rows = await analytics.locator("tbody tr").evaluateAll((trs) => trs.map((tr) =>
    [...tr.children].map((c) => c.textContent.trim())));
  assert.deepEqual(rows, [
    ["ai_user", "Microsoft", "Counts users.", "1 year"],
    ["ai_session", "Microsoft", "Groups one visit.", "Up to 24 hours"],
    ["_ga", "Google", "Distinguishes visitors.", "2 years"],
  ], "plain names are deleted on revoke but are no rows");
  assert.equal(await d.getByText("Cookies and storage", { exact: true }).count(), 1, "no table where there are no rows");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on a phone the cookie table reflows into labelled lines without scrolling sideways", chromiumOnly("no mobile emulation (isMobile, hasTouch)"), async () => {
  const { context, page } = await fresh({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, null);
  const d = await openTool(page);
  const table = await cookieTable(d, "Strictly necessary");
  const layout = await table.evaluate((t) => {
    const cell = t.querySelector("tbody td");
    const scroll = t.closest(".kc-dialog-scroll");
    return {
      display: getComputedStyle(cell).display,
      label: getComputedStyle(cell, "::before").content,
      fits: t.getBoundingClientRect().right <= scroll.getBoundingClientRect().right + 1,
      sideways: scroll.scrollWidth > scroll.clientWidth,
    };
  });
  assert.equal(layout.display, "block");
  // Drawn, but not read: the column header already names the cell (and the
  // label is in the visitor's language, the row maybe not).
  assert.equal(layout.label, '"Provider: " / ""');
  assert.ok(await table.getByRole("cell", { name: "KloudStack", exact: true }).count() >= 1, "a cell is read as its text alone");
  assert.equal(await table.getByRole("cell", { name: /^Provider:/ }).count(), 0);
  // The column names, hidden in a 1 px box for screen readers, do not wrap
  // into a column taller than the screen (it lifted the bottom sheet).
  const hidden = await table.evaluate((t) => {
    const o = t.closest(".kc-overlay");
    return { head: t.querySelector("thead").scrollHeight, scroll: o.scrollHeight, client: o.clientHeight };
  });
  assert.ok(hidden.head <= 4 * 35, "each hidden column name keeps one line: " + JSON.stringify(hidden));
  assert.ok(hidden.scroll <= hidden.client, JSON.stringify(hidden));
  assert.equal(layout.fits, true);
  assert.equal(layout.sideways, false);
  // Still a table with its column names to assistive technology.
  assert.deepEqual((await d.getByRole("columnheader").allInnerTexts()).slice(0, 4), ["Name", "Provider", "Purpose", "Duration"]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("the demo's services page (dist/demo/services.html): allowing Application Insights alone runs only its tag", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/demo/services.html");
  await waitReady(page);
  assert.deepEqual(await page.locator("output").allTextContents(), ["not run", "not run", "not run"]);
  await page.getByRole("link", { name: "Manage Cookie Preferences" }).first().click();
  const d = dialog(page);
  await toolShown(page);
  // KloudStack's texts and each tool's own cookie rows, from the page's config.
  assert.match(await d.textContent(), /Measures how fast pages load/);
  assert.equal(await d.getByText("ai_session", { exact: true }).count(), 1);
  await d.getByRole("switch", { name: "Microsoft Azure Application Insights", exact: true }).click();
  await button(d, "Save preferences").click();
  await page.locator("#appinsights-status").filter({ hasText: "ran 1×" }).waitFor();
  assert.equal(await page.locator("#ga-status").textContent(), "not run");
  assert.equal(await page.locator("#marketing-status").textContent(), "not run");
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.categories.analytics, true);
  assert.deepEqual(state.services, { "analytics.appinsights": true, "analytics.ga": false });
  await context.close();
});
