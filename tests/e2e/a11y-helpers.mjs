// Helpers for the accessibility and theming tests: axe-core, where focus is
// inside the shadow root, colours and geometry of shadow elements.
import { fileURLToPath } from "node:url";
import { openPage, waitReady } from "./helpers.mjs";

const AXE = fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url));
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** A fresh context (options: viewport, colorScheme, ...) on a fixture page, booted. */
export async function freshPage(env, path = "/fixtures/basic.html", options = {}) {
  const { context, page } = await openPage(env, options);
  await page.goto(env.server.url + path);
  await waitReady(page);
  await page.locator(".kc-banner, .kc-dialog").first().waitFor();
  await settle(page);
  return { context, page };
}

/** Waits until the widget's entrance animations have finished. */
export async function settle(page) {
  await page.evaluate(() => Promise.all(
    document.querySelector("kloud-consent").shadowRoot.getAnimations().map((a) => a.finished),
  ));
}

/**
 * axe-core's WCAG 2.0–2.2 A/AA violations on the whole page (axe walks open
 * shadow roots), as "rule: target — summary" lines; empty when clean.
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) {
    await page.addScriptTag({ path: AXE });
  }
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: tags }, resultTypes: ["violations"],
    });
    return result.violations.flatMap((v) => v.nodes.map((n) =>
      `${v.id}: ${JSON.stringify(n.target)} — ${n.failureSummary}`));
  }, TAGS);
}

/**
 * What has focus, described as "role:name" ("button:Accept all",
 * "switch:Security", "dialog", "link:Cookie Policy"); inside the widget this
 * is the shadow root's activeElement. "page:<tag>#id" when focus is in the page.
 */
export function focused(page) {
  return page.evaluate(() => {
    const root = document.querySelector("kloud-consent")?.shadowRoot;
    const inner = root && root.activeElement;
    if (!inner) {
      const a = document.activeElement;
      return `page:${a.tagName.toLowerCase()}${a.id ? "#" + a.id : ""}`;
    }
    const role = inner.getAttribute("role") || { A: "link", BUTTON: "button" }[inner.tagName] || inner.tagName;
    if (role === "dialog") return "dialog";
    const name = inner.getAttribute("aria-label") || inner.labels?.[0]?.textContent || inner.textContent;
    return `${role}:${name.trim()}`;
  });
}

/**
 * What has focus once it is `expected`, or after 3 s whatever has it then.
 * The tool's dialog takes focus in a Yew effect, and Yew's scheduler may run
 * effects one task after it drew the dialog (it yields every 16 ms), so a
 * check made the moment the dialog appears can come too early.
 */
export async function focusedSoon(page, expected) {
  const deadline = Date.now() + 3000;
  let now = await focused(page);
  while (now !== expected && Date.now() < deadline) {
    await page.waitForTimeout(25);
    now = await focused(page);
  }
  return now;
}

/** Contrast ratio of an element's text against its (first opaque) background. */
export function textContrast(page, selector) {
  return page.evaluate((selector) => {
    const root = document.querySelector("kloud-consent").shadowRoot;
    const el = root.querySelector(selector);
    if (!el) throw new Error("no element " + selector);
    const rgb = (c) => c.match(/[\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let bg = null;
    for (let n = el; n && !bg; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || c[3] === 1) bg = c.slice(0, 3);
    }
    const fg = rgb(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
    return Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100;
  }, selector);
}

/** Bounding rectangle of a shadow element. */
export function rect(page, selector) {
  return page.evaluate((selector) => {
    const el = document.querySelector("kloud-consent").shadowRoot.querySelector(selector);
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  }, selector);
}

/** A computed style property of a shadow element. */
export function style(page, selector, property) {
  return page.evaluate(([selector, property]) => {
    const el = document.querySelector("kloud-consent").shadowRoot.querySelector(selector);
    return getComputedStyle(el).getPropertyValue(property);
  }, [selector, property]);
}
