// WCAG 2.2 AA in a real browser: axe-core on the banner and the preference
// tool (light and dark, desktop and phone), text contrast of every kind of
// text, the switches' semantics, keyboard-only use end to end, the focus
// trap, where focus goes on every way out of the tool, and the inert page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, waitReady, hostPage, consentCookie, banner, dialog, button, toolShown } from "./helpers.mjs";
import { freshPage, settle, axeViolations, focused, focusedSoon, textContrast } from "./a11y-helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const SIZES = [[1280, 800], [360, 740]];

async function openTool(page) {
  await button(banner(page), "Manage preferences").click();
  await toolShown(page);
  await settle(page);
}

test("axe-core: no WCAG 2.2 AA violations in the banner and the preference tool, light and dark, 1280 and 360 px", async () => {
  for (const colorScheme of ["light", "dark"]) {
    for (const [width, height] of SIZES) {
      const at = `${colorScheme} ${width}px`;
      const { context, page } = await freshPage(env, "/fixtures/basic.html", { viewport: { width, height }, colorScheme });
      assert.deepEqual(await axeViolations(page), [], `banner, ${at}`);
      await openTool(page);
      assert.deepEqual(await axeViolations(page), [], `preference tool, ${at}`);
      // The rest of the list, scrolled into view (axe checks what is visible).
      await dialog(page).getByRole("switch", { name: "Marketing and communication" }).scrollIntoViewIfNeeded();
      assert.deepEqual(await axeViolations(page), [], `preference tool scrolled, ${at}`);
      assert.deepEqual(page.errors, []);
      await context.close();
    }
  }
});

test("axe-core: no violations in the box layout, the forced dark theme and right-to-left Arabic", async () => {
  for (const path of ["/fixtures/box.html", "/fixtures/dark.html", "/fixtures/rtl.html"]) {
    for (const [width, height] of SIZES) {
      const { context, page } = await freshPage(env, path, { viewport: { width, height } });
      assert.deepEqual(await axeViolations(page), [], `banner, ${path} ${width}px`);
      await page.locator(".kc-banner .kc-secondary").click();
      await toolShown(page);
      await settle(page);
      assert.deepEqual(await axeViolations(page), [], `preference tool, ${path} ${width}px`);
      await context.close();
    }
  }
});

test("the banner that says the policy changed (a decision under a lower revision): no axe violations, 4.5:1 text, light and dark", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const { context, page } = await openPage(env, { colorScheme, viewport: { width: 360, height: 740 } });
    await context.addCookies([{ name: "kloudconsent", value: consentCookie({ revision: 1 }), url: env.server.url + "/" }]);
    await hostPage(env, page, { config: { revision: 2 } });
    await waitReady(page);
    await banner(page).waitFor();
    await settle(page);
    assert.deepEqual(await axeViolations(page), [], colorScheme);
    const ratio = await textContrast(page, ".kc-notice");
    assert.ok(ratio >= 4.5, `${colorScheme} .kc-notice: ${ratio}:1`);
    await context.close();
  }
});

test("every kind of text has at least 4.5:1 contrast in both themes", async () => {
  const banner_ = [".kc-title", ".kc-body", ".kc-links a", ".kc-primary", ".kc-secondary"];
  const tool = [".kc-dialog .kc-title", ".kc-dialog .kc-body", ".kc-dialog .kc-body a", ".kc-close",
    ".kc-cat-label", ".kc-always-on", ".kc-cat-desc", ".kc-providers", ".kc-providers-label",
    ".kc-dialog-foot .kc-primary", ".kc-dialog-foot .kc-secondary"];
  for (const colorScheme of ["light", "dark"]) {
    const { context, page } = await freshPage(env, "/fixtures/basic.html", { colorScheme });
    for (const sel of banner_) {
      const ratio = await textContrast(page, sel);
      assert.ok(ratio >= 4.5, `${colorScheme} ${sel}: ${ratio}:1`);
    }
    await openTool(page);
    for (const sel of tool) {
      const ratio = await textContrast(page, sel);
      assert.ok(ratio >= 4.5, `${colorScheme} ${sel}: ${ratio}:1`);
    }
    await context.close();
  }
});

test("the open tool adds no landmarks of its own: with the page inert, a banner or contentinfo inside it would be the only ones listed", async () => {
  const { context, page } = await freshPage(env);
  await openTool(page);
  for (const role of ["banner", "contentinfo", "navigation", "main"]) {
    assert.equal(await dialog(page).getByRole(role).count(), 0, `no ${role} landmark in the dialog`);
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a switch that is on shows its thumb at 3:1 or more against its track, in both themes and the docs' dark example (WCAG 1.4.11)", async () => {
  const docsDark = "kloud-consent { --kc-bg: #10231d; --kc-accent: #7fd8b8; --kc-accent-fg: #06140f; }";
  for (const [colorScheme, css] of [["light", ""], ["dark", ""], ["dark", docsDark]]) {
    const { context, page } = await freshPage(env, "/fixtures/basic.html", { colorScheme });
    if (css) await page.addStyleTag({ content: css });
    await openTool(page);
    await dialog(page).getByRole("switch", { name: "Performance and analytics" }).click();
    await page.waitForTimeout(400); // the track's colour transition
    const ratio = await page.evaluate(() => {
      const root = document.querySelector("kloud-consent").shadowRoot;
      const input = [...root.querySelectorAll("[role=switch]")].find((s) => s.checked && !s.getAttribute("aria-disabled"));
      const track = input.nextElementSibling, thumb = track.querySelector(".kc-thumb");
      const rgb = (el) => getComputedStyle(el).backgroundColor.match(/[\d.]+/g).map(Number).slice(0, 3);
      const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const [a, b] = [lum(rgb(thumb)), lum(rgb(track))].sort((x, y) => y - x);
      return Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100;
    });
    assert.ok(ratio >= 3, `${colorScheme}${css && " (docs' example)"}: thumb ${ratio}:1 on its track`);
    await context.close();
  }
});

test("switches are form controls named exactly by the category label; required ones say Always on", async () => {
  const { context, page } = await freshPage(env);
  await openTool(page);
  const d = dialog(page);
  const info = await page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    return [...root.querySelectorAll("[role=switch]")].map((s) => ({
      tag: s.tagName, type: s.type, name: s.labels[0].textContent, tabIndex: s.tabIndex,
      disabled: s.disabled, ariaDisabled: s.getAttribute("aria-disabled"),
      description: (s.getAttribute("aria-describedby") || "").split(" ").filter(Boolean)
        .map((id) => root.getElementById(id).textContent).join(" "),
    }));
  });
  assert.deepEqual(info.map((s) => [s.name, s.ariaDisabled, s.description]), [
    ["Strictly necessary", "true", "Always on"],
    ["Performance and analytics", null, ""],
    ["Functionality", null, ""],
    ["Security", "true", "Always on"],
    ["Marketing and communication", null, ""],
  ]);
  for (const s of info) {
    assert.equal(s.tag, "INPUT");
    assert.equal(s.type, "checkbox");
    assert.equal(s.tabIndex, 0, `${s.name} is in the Tab order`);
    assert.equal(s.disabled, false, `${s.name} is not a disabled mystery`);
  }
  // The state is the control's own checked state (what assistive tech reads).
  const analytics = d.getByRole("switch", { name: "Performance and analytics", exact: true });
  assert.equal(await analytics.isChecked(), false);
  await analytics.focus();
  await page.keyboard.press("Space");
  assert.equal(await analytics.isChecked(), true);
  const security = d.getByRole("switch", { name: "Security", exact: true });
  await security.focus();
  await page.keyboard.press("Space");
  assert.equal(await security.isChecked(), true, "a required switch stays on");
  await context.close();
});

test("keyboard only: Tab, Space/Enter and Escape complete a custom choice, focus always where expected", async () => {
  const { page, context } = await freshPage(env);
  const tab = async (expected, shift = false) => {
    await page.keyboard.press(shift ? "Shift+Tab" : "Tab");
    assert.equal(await focused(page), expected);
  };
  // The page's own link comes first, then the banner (at the end of <body>).
  await tab("page:a#open-prefs");
  for (const stop of ["link:Cookie Policy", "link:Privacy Policy", "button:Accept all", "button:Reject all", "button:Manage preferences"]) {
    await tab(stop);
  }
  await page.keyboard.press("Enter");
  await toolShown(page);
  assert.equal(await focusedSoon(page, "dialog"), "dialog", "focus moves into the dialog");
  // Each category with cookie rows has its table's disclosure after its switch,
  // named by its table's caption: four "Cookies and storage" told apart.
  const table = (category) => `SUMMARY:Cookies and storage used by ${category}`;
  const stops = ["button:Close", "link:Cookie Policy", "link:Privacy Policy", "switch:Strictly necessary", table("Strictly necessary"),
    "switch:Performance and analytics", table("Performance and analytics"), "switch:Functionality", "switch:Security", table("Security"),
    "switch:Marketing and communication", table("Marketing and communication"), "button:Accept all", "button:Reject all", "button:Save preferences"];
  for (const stop of stops) await tab(stop);
  await tab("button:Close"); // wraps: the focus trap
  await tab("button:Save preferences", true);
  // Escape closes without deciding; the banner is back with focus on Manage preferences.
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "button:Manage preferences");
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  // Again, this time choosing: analytics on (Space), marketing on and off again, Save (Enter).
  await page.keyboard.press("Space");
  await toolShown(page);
  assert.equal(await focusedSoon(page, "dialog"), "dialog"); // Tab starts from the dialog
  for (const stop of stops.slice(0, 6)) await tab(stop); // to analytics
  await page.keyboard.press("Space");
  for (const stop of stops.slice(6, 11)) await tab(stop); // to marketing
  await page.keyboard.press("Space");
  await page.keyboard.press("Space");
  for (const stop of stops.slice(11)) await tab(stop);
  await page.keyboard.press("Enter");
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await banner(page).count(), 0);
  assert.equal(await focused(page), "page:body", "the opener is gone: focus lands on the page");
  const state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "custom");
  assert.deepEqual(state.categories, {
    necessary: true, analytics: true, functionality: false, security: true, marketing: false,
  });
  // Later: the page's link reopens the tool by keyboard; Escape returns to it.
  await tab("page:a#open-prefs");
  await page.keyboard.press("Enter");
  await toolShown(page);
  assert.equal(await focusedSoon(page, "dialog"), "dialog");
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "page:a#open-prefs");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("focus is trapped in the open dialog, forwards and backwards, and a press on the backdrop keeps it there", async () => {
  const { page, context } = await freshPage(env);
  await openTool(page);
  const inDialog = () => page.evaluate(() => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    return document.activeElement === root.host && !!root.activeElement?.closest(".kc-dialog");
  });
  for (const key of ["Tab", "Shift+Tab"]) {
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press(key);
      assert.ok(await inDialog(), `${key} #${i + 1} stays in the dialog`);
    }
  }
  await page.mouse.click(5, 5); // the dimmed backdrop
  assert.ok(await inDialog(), "backdrop press");
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a page's own keydown focus trap (cancelling every Tab outside its menu) and its Escape listener never hear the keys pressed in the open tool", async () => {
  const { page, context } = await openPage(env);
  await hostPage(env, page, { body: `
<div id="menu"><button id="m1">Menu item</button><a href="#" id="prefs" data-kloudconsent-open>Cookie settings</a></div>
<script>
  window.__pageEscapes = 0;
  document.addEventListener("keydown", (e) => {
    const menu = document.getElementById("menu");
    if (e.key === "Escape") window.__pageEscapes++;
    if (e.key === "Tab" && !menu.contains(document.activeElement)) { e.preventDefault(); document.getElementById("m1").focus(); }
  });
</script>` });
  await waitReady(page);
  await page.focus("#prefs");
  await page.keyboard.press("Enter");
  await toolShown(page);
  await settle(page);
  const inTool = () => page.evaluate(() => {
    const el = document.querySelector("kloud-consent").shadowRoot.activeElement;
    return el && el.closest(".kc-dialog") ? el.localName + ":" + (el.getAttribute("aria-label") || el.textContent.trim().slice(0, 20)) : null;
  });
  const seen = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press("Tab");
    seen.push(await inTool());
  }
  assert.ok(seen.every(Boolean), seen.join(" | "));
  assert.equal(new Set(seen).size, 5, "Tab moves through the tool: " + seen.join(" | "));
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => window.__pageEscapes), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("behind the open tool, what a page put after <body> is inert too; a page's own dialog opened meanwhile can be used and closed", async () => {
  const { page, context } = await freshPage(env);
  await page.evaluate(() => {
    const chat = document.createElement("div");
    chat.id = "chat";
    chat.innerHTML = "<button>Chat with us</button>";
    document.documentElement.append(chat);
    const news = document.createElement("dialog");
    news.id = "news";
    news.innerHTML = "<p>Join our newsletter</p><button id='close-news'>No thanks</button>";
    news.querySelector("button").onclick = () => news.close();
    document.body.append(news);
  });
  await openTool(page);
  assert.equal(await page.evaluate(() => document.getElementById("chat").inert), true, "after <body>: inert");
  // A timed popup of the page's own, opened over the tool.
  await page.evaluate(() => document.getElementById("news").showModal());
  await page.click("#close-news");
  assert.equal(await page.evaluate(() => document.getElementById("news").open), false, "the page's dialog closes");
  await button(dialog(page), "Accept all").click();
  await dialog(page).waitFor({ state: "detached" });
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "accept-all");
  assert.equal(await page.evaluate(() => document.getElementById("chat").inert), false, "released");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("focus returns to the opener, to the banner, or to the page when the opener is gone", async () => {
  // Opened from the banner, closed: back to the banner's Manage preferences.
  let { page, context } = await freshPage(env);
  await openTool(page);
  await button(dialog(page), "Close").click();
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "button:Manage preferences");
  // Opened from the banner, decided: the banner is gone, focus is on the page.
  await button(banner(page), "Manage preferences").click();
  await button(dialog(page), "Accept all").click();
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "page:body");
  // Opened from a page link, saved: back to the link.
  await page.click("#open-prefs");
  await button(dialog(page), "Save preferences").click();
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "page:a#open-prefs");
  // The opener removed while the tool is open: focus lands on the page.
  await page.click("#open-prefs");
  await toolShown(page);
  await page.evaluate(() => document.getElementById("open-prefs").remove());
  await button(dialog(page), "Reject all").click();
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "page:body");
  assert.deepEqual(page.errors, []);
  await context.close();

  // Opened by kloudconsent.show() from a page button's click handler: back to that button.
  ({ page, context } = await freshPage(env));
  await page.evaluate(() => {
    const b = document.createElement("button");
    b.id = "settings";
    b.textContent = "Cookie settings";
    b.onclick = () => window.kloudconsent.show();
    document.body.prepend(b);
  });
  await page.focus("#settings");
  await page.keyboard.press("Enter");
  await toolShown(page);
  assert.equal(await focusedSoon(page, "dialog"), "dialog");
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  assert.equal(await focused(page), "page:button#settings");
  // kloudconsent.reset() while it is open: the banner asks again, focus is
  // back on the button, not lost to the page.
  await page.keyboard.press("Enter");
  await toolShown(page);
  await page.evaluate(() => window.kloudconsent.reset());
  await dialog(page).waitFor({ state: "detached" });
  await banner(page).waitFor();
  assert.equal(await focused(page), "page:button#settings");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("after Accept all or Reject all in the banner, the next Tab reaches the page's first control", async () => {
  for (const [name, key] of [["Accept all", "Enter"], ["Reject all", "Space"]]) {
    const { page, context } = await freshPage(env);
    const first = await page.evaluate(() => {
      const el = document.querySelector("a[href], button, input, [tabindex]");
      return el.localName + (el.id ? "#" + el.id : "");
    });
    await button(banner(page), name).focus();
    await page.keyboard.press(key);
    await banner(page).waitFor({ state: "detached" });
    assert.equal(await focused(page), "page:body", name);
    await page.keyboard.press("Tab");
    assert.equal(await focused(page), "page:" + first, `${name}: Tab starts at the top of the page`);
    await context.close();
  }
});

test("the page behind the open tool is inert, and exactly what was made inert is released", async () => {
  const { page, context } = await freshPage(env);
  await page.evaluate(() => {
    const aside = document.createElement("aside");
    aside.id = "already-inert";
    aside.inert = true;
    document.body.append(aside);
  });
  await openTool(page);
  const state = () => page.evaluate(() => [...document.body.children]
    .filter((el) => el.tagName !== "SCRIPT")
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}:${el.inert}`));
  assert.deepEqual(await state(), ["h1:true", "p:true", "a#open-prefs:true", "kloud-consent:false", "aside#already-inert:true"]);
  await page.evaluate(() => document.getElementById("open-prefs").focus());
  assert.equal(await focused(page), "dialog", "an inert page link cannot take focus");
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  assert.deepEqual(await state(), ["h1:false", "p:false", "a#open-prefs:false", "kloud-consent:false", "aside#already-inert:true"]);
  await context.close();
});
