// Issue 18, the engine's findings: each test here (but the controls marked
// as such) failed against the build before its fix; docs/security.md
// explains each defence.
//   3  nonce laundering: a gated tag added later never gets the page's nonce
//   4  data-src/srcset/poster: only http(s) and relative URLs are copied
//   5  a sibling subdomain cannot flip a decision (see also hostile-storage)
//   7  an unrelated DOM change costs nothing per gated embed
//   10 poster, <source> children and srcdoc are gated too
//   11 a queued gated script removed before its turn does not stall the queue
//   13 receipts carry the origin only; `//host` and `/\host` are not site paths
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  launch, openPage, waitReady, gatedRuns, banner, button, hostPage, storedLocal,
  KLOUD_TEST_ARGS, widgetLogs,
} from "./helpers.mjs";
import { NONCE } from "./server.mjs";

let env;
let www; // the test server as http://www.kloud.test:<port>
before(async () => {
  env = await launch({ args: KLOUD_TEST_ARGS });
  www = env.server.url.replace("127.0.0.1", "www.kloud.test");
});
after(async () => { await env.close(); });

const settle = (page, ms = 300) => page.waitForTimeout(ms);
const warnings = (page, needle) => widgetLogs(page, "warning").filter((l) => l.includes(needle));

// ---- 3: nonce laundering ---------------------------------------------------------

/** Inserts markup the way a sloppy page or CMS would: innerHTML, no script of its own. */
const inject = (page, html) => page.evaluate((h) => {
  const div = document.createElement("div");
  div.innerHTML = h;
  document.body.appendChild(div);
}, html);

test("3: under a nonce CSP a gated tag injected later does not get the page's nonce", async () => {
  const { context, page } = await openPage(env);
  await page.goto(`${env.server.url}/fixtures/nonce.html?csp=nonce&nonce=${NONCE}`);
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  // `necessary` is always granted: the widget would activate it at once.
  await inject(page, `<script type="text/plain" data-consent="necessary">window.__injected = "no nonce";</script>
    <script type="text/plain" data-consent="necessary" nonce="guessed">window.__injected = "wrong nonce";</script>`);
  await settle(page);
  assert.equal(await page.evaluate(() => window.__injected), undefined, "the injected inline scripts never ran");
  assert.equal(warnings(page, "lacks the page's nonce").length, 1, page.logs.join("\n"));
  // The page's own code, which knows the nonce, can still add a gated script.
  await page.evaluate((nonce) => {
    const s = document.createElement("script");
    s.type = "text/plain";
    s.dataset.consent = "analytics";
    s.nonce = nonce;
    s.textContent = "window.__ownLate = true;";
    document.body.appendChild(s);
  }, NONCE);
  await page.waitForFunction(() => window.__ownLate === true);
  assert.deepEqual(await gatedRuns(page), ["inline-analytics", "marketing"], "the page's own gated tags ran");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("3: under 'strict-dynamic' an injected external gated tag is not activated", async () => {
  const { context, page } = await openPage(env);
  const response = await page.goto(`${env.server.url}/fixtures/nonce.html?csp=dynamic&nonce=${NONCE}`);
  assert.match(response.headers()["content-security-policy"], /'strict-dynamic'/);
  await waitReady(page);
  await button(banner(page), "Accept all").click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  // Any script the widget inserted would run here, whatever its URL or nonce.
  await inject(page, `<script type="text/plain" data-consent="necessary" src="/fixtures/gated/named.js?name=injected"></script>`);
  await settle(page);
  assert.deepEqual(await gatedRuns(page), ["inline-analytics", "marketing"]);
  assert.equal(warnings(page, "lacks the page's nonce").length, 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("3 (control): without a nonce on the embed tag, a gated tag added later still runs", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  await inject(page, `<script type="text/plain" data-consent="necessary">window.__late = 1;</script>`);
  await page.waitForFunction(() => window.__late === 1);
  assert.deepEqual(warnings(page, "nonce"), []);
  await context.close();
});

// ---- 4: URL schemes of gated embeds ----------------------------------------------------

test("4: javascript:, data: and vbscript: data-src/srcset/poster are never copied; http(s) still loads", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/fixtures/security/embed-urls.html");
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => document.getElementById("good").getAttribute("src"));
  await settle(page);
  assert.equal(await page.evaluate(() => window.__pwned), undefined, "nothing ran in the page");
  const attrs = await page.evaluate(() => ["js", "js-mixed", "data", "vbs", "srcset", "poster"].map((id) => {
    const el = document.getElementById(id);
    return [id, el.getAttribute("src"), el.getAttribute("srcset"), el.getAttribute("poster")];
  }));
  for (const [id, src, srcset, poster] of attrs) assert.deepEqual([src, srcset, poster], [null, null, null], id);
  for (const scheme of ["javascript:", "data:", "vbscript:"]) {
    assert.ok(warnings(page, `is not an http(s) link (${scheme})`).length >= 1, `${scheme}\n${page.logs.join("\n")}`);
  }
  assert.equal(await page.getAttribute("#good", "src"), "/fixtures/marketing/frame.html?good");
  assert.equal(await page.locator("kloud-consent-placeholder").count(), 0, "a refused embed offers no Allow buttons");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// ---- 5: a sibling subdomain cannot flip a decision ---------------------------------------

const DAY = 86_400_000;
const ALL = "necessary.analytics.functionality.security.marketing";
const forged = ({ rev = 1, at }) => `1|${rev}|${at}|${at + 100 * DAY}|a|EvilEvilEvilEvilEvil00|${ALL}|`;

for (const [name, cookie] of [
  ["a parent-domain cookie dated 23 hours ahead", () => forged({ at: Date.now() + 23 * 3_600_000 })],
  // Decided a millisecond after the visitor: newer, and not in the future.
  ["a newer parent-domain cookie under a higher revision", (mine) => forged({ rev: 2, at: Date.parse(mine.decidedAt) + 1 })],
]) {
  test(`5: ${name} does not turn the visitor's Reject all into Accept all`, async () => {
    const { context, page } = await openPage(env);
    await page.goto(www + "/fixtures/basic.html");
    await waitReady(page);
    await button(banner(page), "Reject all").click();
    await page.waitForFunction(() => window.kloudconsent.get()?.method === "reject-all");
    const mine = await page.evaluate(() => window.kloudconsent.get());
    // What evil.kloud.test can do: a cookie for the parent domain.
    await settle(page, 50);
    await context.addCookies([{ name: "kloudconsent", value: cookie(mine), domain: ".kloud.test", path: "/" }]);
    for (let i = 0; i < 2; i++) {
      await page.reload();
      await waitReady(page);
      await settle(page, 200);
      const state = await page.evaluate(() => window.kloudconsent.get());
      assert.equal(state.method, "reject-all", `reload ${i + 1}`);
      assert.equal(state.id, mine.id);
      assert.deepEqual(await gatedRuns(page), []);
      assert.equal(JSON.parse(await storedLocal(page)).method, "reject-all", "localStorage keeps the visitor's decision");
    }
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test("5: a parent-domain cookie two revisions ahead of the site's is refused, even with nothing else stored", async () => {
  const { context, page } = await openPage(env);
  await context.addCookies([{ name: "kloudconsent", value: forged({ rev: 3, at: Date.now() - DAY }), domain: ".kloud.test", path: "/" }]);
  await page.goto(www + "/fixtures/basic.html");
  await waitReady(page);
  await settle(page, 200);
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  await banner(page).waitFor();
  assert.deepEqual(await gatedRuns(page), []);
  assert.ok(page.logs.some((l) => l.includes("more than one above the site's 1")), page.logs.join("\n"));
  // One ahead is the stale-cache case, and counts.
  await context.clearCookies();
  await context.addCookies([{ name: "kloudconsent", value: forged({ rev: 2, at: Date.now() - DAY }), domain: ".kloud.test", path: "/" }]);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.kloudconsent.get()?.revision), 2);
  await context.close();
});

test("5 (control): with cookie.domain configured, siblings share the decision (trusted by configuration)", async () => {
  const { context, page } = await openPage(env);
  await page.goto(www + "/fixtures/domain.html");
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  // app.kloud.test, also configured with the domain, accepts later.
  const app = await context.newPage();
  await app.goto(www.replace("www.", "app.") + "/fixtures/domain.html");
  await app.waitForFunction(() => window.kloudconsent?.get()?.method === "reject-all");
  await app.evaluate(() => window.kloudconsent.acceptAll());
  await page.reload();
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.kloudconsent.get().method), "accept-all");
  const names = (await context.cookies()).filter((c) => c.name.includes("kloudconsent"));
  assert.deepEqual(names.map((c) => [c.name, c.domain]), [["kloudconsent", ".kloud.test"]]);
  await context.close();
});

// ---- 7: the cost of an unrelated DOM change ------------------------------------------------

/**
 * A page with `n` gated images, and counters around every layout read and
 * document-wide query the widget could make (installed before any script).
 */
async function manyEmbeds(n) {
  const { context, page } = await openPage(env);
  await context.addInitScript(() => {
    window.__calls = { rect: 0, style: 0, docQuery: 0 };
    const wrap = (proto, name, key) => {
      const original = proto[name];
      proto[name] = function () { window.__calls[key]++; return original.apply(this, arguments); };
    };
    wrap(Element.prototype, "getBoundingClientRect", "rect");
    wrap(window, "getComputedStyle", "style");
    wrap(Document.prototype, "querySelectorAll", "docQuery");
  });
  const imgs = Array.from({ length: n }, (_, i) =>
    `<img data-consent="marketing" data-src="/fixtures/marketing/pixel.svg" id="e${i}" width="40" height="20" alt="">`).join("\n");
  await hostPage(env, page, { body: `<div id="embeds">${imgs}</div><p id="end">end</p>` });
  await waitReady(page);
  await page.waitForFunction((n) => document.querySelectorAll("kloud-consent-placeholder").length === n, n, { timeout: 30000 });
  return { context, page };
}

test("7: with 1,000 gated embeds an unrelated appendChild costs no layout read and no document-wide query", async () => {
  const { context, page } = await manyEmbeds(1000);
  const calls = await page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    window.__calls = { rect: 0, style: 0, docQuery: 0 };
    const div = document.createElement("div");
    div.textContent = "an unrelated change";
    document.body.appendChild(div);
    // The MutationObserver's callback runs before this await resumes; then a frame.
    await Promise.resolve();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return window.__calls;
  });
  assert.deepEqual(calls, { rect: 0, style: 0, docQuery: 0 });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("7: a late embed among 1,000 is gated at once and released with the rest", async () => {
  const { context, page } = await manyEmbeds(1000);
  await page.evaluate(() => {
    const f = document.createElement("iframe");
    Object.assign(f, { id: "late", width: 200, height: 100 });
    f.setAttribute("data-consent", "marketing");
    f.setAttribute("data-src", "/fixtures/marketing/frame.html?late");
    document.getElementById("e500").after(f);
  });
  await page.waitForFunction(() => document.getElementById("late").previousElementSibling.localName === "kloud-consent-placeholder");
  assert.equal(await page.getAttribute("#late", "src"), null);
  // The placeholder lies over the late embed's box.
  const boxes = await page.evaluate(() => {
    const late = document.getElementById("late");
    const box = (e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round); };
    return [box(late), box(late.previousElementSibling)];
  });
  assert.deepEqual(boxes[1], boxes[0]);
  // Removing one embed takes its placeholder along, and only its.
  await page.evaluate(() => document.getElementById("e10").remove());
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 1000);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => document.querySelectorAll("kloud-consent-placeholder").length === 0);
  assert.equal(await page.getAttribute("#late", "src"), "/fixtures/marketing/frame.html?late");
  assert.equal(await page.getAttribute("#e999", "src"), "/fixtures/marketing/pixel.svg");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// ---- 10: poster, <source> and srcdoc -------------------------------------------------------

test("10: data-poster, <source data-src/data-srcset> (video, audio, picture) load only when allowed; srcdoc waits too", async () => {
  const { context, page } = await openPage(env);
  const requested = [];
  page.on("request", (r) => requested.push(new URL(r.url()).search));
  await page.goto(env.server.url + "/fixtures/security/media.html");
  await waitReady(page);
  await settle(page);
  const state = () => page.evaluate(() => ({
    poster: document.getElementById("poster").getAttribute("poster"),
    source: document.querySelector("#sources source").getAttribute("src"),
    audio: document.getElementById("audio").getAttribute("src"),
    pictureSource: document.querySelector("#picture source").getAttribute("srcset"),
    img: document.getElementById("picture-img").getAttribute("src"),
    srcdoc: document.getElementById("srcdoc").getAttribute("srcdoc"),
    frame: document.getElementById("srcdoc").contentDocument?.body?.textContent ?? null,
  }));
  const blocked = await state();
  assert.deepEqual(blocked, {
    poster: null, source: null, audio: null, pictureSource: null, img: null, srcdoc: null, frame: "",
  });
  for (const q of ["?poster", "?source", "?audio", "?picture", "?img", "?srcdoc"]) {
    assert.ok(!requested.includes(q), `${q} requested before consent: ${requested.join(" ")}`);
  }
  assert.equal(await page.locator("kloud-consent-placeholder").count(), 5);
  assert.equal(warnings(page, "srcdoc").length, 1, page.logs.join("\n"));

  await page.evaluate(() => window.kloudconsent.acceptAll());
  await page.waitForFunction(() => document.getElementById("srcdoc").contentDocument?.getElementById("inline"));
  const loaded = await state();
  assert.deepEqual({ ...loaded, frame: undefined }, {
    poster: "/fixtures/marketing/pixel.svg?poster", source: "/fixtures/marketing/clip.webm?source",
    audio: "/fixtures/marketing/clip.webm?audio", pictureSource: "/fixtures/marketing/pixel.svg?picture",
    img: "/fixtures/marketing/pixel.svg?img", srcdoc: "<p id='inline'>inline content</p>", frame: undefined,
  });
  await page.waitForFunction(() => document.getElementById("picture-img").currentSrc.endsWith("?picture"));
  for (const q of ["?poster", "?source"]) assert.ok(requested.includes(q), `${q} loads once allowed`);

  // Revoking takes them all off again.
  await page.evaluate(() => window.kloudconsent.rejectAll());
  assert.deepEqual(await page.evaluate(() => [
    document.getElementById("poster").getAttribute("poster"),
    document.querySelector("#sources source").getAttribute("src"),
    document.getElementById("srcdoc").getAttribute("srcdoc"),
  ]), [null, null, null]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

// ---- 11: the script queue never stalls -------------------------------------------------------

test("11: a queued external gated script removed before its turn is skipped; the rest run", async () => {
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/fixtures/security/queue-removed.html");
  await waitReady(page);
  await page.evaluate(() => {
    window.kloudconsent.set({ analytics: true });
    // A is loading (slowly) and holds the queue; B waits behind it.
    document.getElementById("b").remove();
  });
  await page.waitForFunction(() => (window.__gatedRuns || []).includes("c"), null, { timeout: 5000 });
  assert.deepEqual(await gatedRuns(page), ["a", "c"]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

// ---- 13: receipts and site paths -------------------------------------------------------------

test("13: a receipt's url is the page's origin only, never its path", async () => {
  env.server.receipts.length = 0;
  const { context, page } = await openPage(env);
  await page.goto(env.server.url + "/fixtures/marketing/receipts.html?email=jane%40example.com#account");
  await waitReady(page);
  await button(banner(page), "Reject all").click();
  const end = Date.now() + 5000;
  while (env.server.receipts.length === 0 && Date.now() < end) await settle(page, 25);
  assert.equal(JSON.parse(env.server.receipts[0].body).url, env.server.url);
  await context.close();
});

for (const [field, config] of [
  ["receiptUrl", { receiptUrl: "//evil.example/receipts" }],
  ["texts.cookiePolicyUrl", { texts: { cookiePolicyUrl: "/\\evil.example/policy" } }],
]) {
  test(`13: a config link to another host without a scheme (${field}) is refused as not a path on this site`, async () => {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { config });
    await waitReady(page);
    const errors = widgetLogs(page, "error");
    assert.equal(errors.length, 1, page.logs.join("\n"));
    assert.match(errors[0], new RegExp(`config field \`${field.replace(".", "\\.")}\`.*a path on this site.*built-in default`));
    await context.close();
  });
}
