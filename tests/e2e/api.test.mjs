// Contract section 7: events and the window.kloudconsent API.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  launch, openPage, waitReady, gatedRuns, events, storedLocal, consentCookies, banner, dialog,
  hostPage, GATED_PAIR,
  toolShown, chromiumOnly,
} from "./helpers.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

test("set() is a custom decision; ids not named keep their value; accepted() follows", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.set({ marketing: true }));
  let state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.method, "custom");
  assert.deepEqual(state.categories, {
    necessary: true, analytics: false, functionality: false, security: true, marketing: true,
  });
  await page.evaluate(() => window.kloudconsent.set({ analytics: true, necessary: false }));
  state = await page.evaluate(() => window.kloudconsent.get());
  assert.equal(state.categories.marketing, true, "kept");
  assert.equal(state.categories.analytics, true);
  assert.equal(state.categories.necessary, true, "required stays on");
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("analytics")), true);
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("functionality")), false);
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("nope")), false);
  const changes = (await events(page)).filter((e) => e.name === "change").map((e) => e.detail.changed);
  assert.deepEqual(changes, [["marketing"], ["analytics"]]);
  assert.equal((await events(page)).filter((e) => e.name === "consent").length, 1, "consent once: first decision");
  await context.close();
});

test("set() that changes no category keeps the stored decision: no new record, event or receipt", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { config: { receiptUrl: "/__receipts" } });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  const before = await page.evaluate(() => window.kloudconsent.get());
  const stored = await storedLocal(page);
  await page.waitForTimeout(20);
  await page.evaluate(() => {
    const api = window.kloudconsent;
    api.set({ analytics: false, marketing: false });
    api.set({ necessary: true });
    api.set({});
  });
  assert.deepEqual(await page.evaluate(() => window.kloudconsent.get()), before, "still reject-all, same time");
  assert.equal(await storedLocal(page), stored);
  assert.equal((await events(page)).filter((e) => e.name === "change").length, 1, "only the first decision's");
  // A set() that changes something is a decision, as ever.
  await page.evaluate(() => window.kloudconsent.set({ analytics: true }));
  assert.equal(await page.evaluate(() => window.kloudconsent.get().method), "custom");
  const mine = (id) => fetch("/__receipts/log").then((r) => r.json()).then((l) => l.filter((r) => r.body.includes(id)).length);
  await page.waitForFunction(`(${mine})(${JSON.stringify(before.id)}).then((n) => n === 2)`);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(`(${mine})(${JSON.stringify(before.id)})`), 2, "the first decision's receipt and the change's");
  await context.close();
});

test("set() with a bad argument logs an error and changes nothing", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.set({ analytics: "yes" }));
  await page.evaluate(() => window.kloudconsent.set([1, 2]));
  // Nothing, or an object that is not a plain one: a page's `set(prefs)`
  // with `prefs` undefined must not store a decision nobody made.
  await page.evaluate(() => {
    const cyclic = { analytics: true };
    cyclic.self = cyclic;
    const api = window.kloudconsent;
    // An instance, or an object that inherits its choices: not plain (what
    // it inherits would be dropped without a word).
    const instance = new (class Prefs { constructor() { this.analytics = true; } })();
    [undefined, null, new Map([["analytics", true]]), new Date(), cyclic, instance, Object.create({ analytics: true })]
      .forEach((v) => api.set(v));
    api.set();
  });
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.equal(await storedLocal(page), null);
  assert.equal(await banner(page).count(), 1, "the banner still asks");
  assert.equal(page.logs.filter((l) => l.startsWith("error:") && l.includes("set()")).length, 10);
  // A plain object from another window (an iframe's), or one without a
  // prototype, is one.
  await page.evaluate(() => {
    const frame = document.body.appendChild(document.createElement("iframe"));
    window.kloudconsent.set(new frame.contentWindow.Object());
    window.kloudconsent.set(Object.assign(Object.create(null), { analytics: true }));
  });
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).categories.analytics, true);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("set() naming no category of the site ({}, a label, a wrong case) stores nothing: an error, a warning naming the unknown ids, and the banner still asks", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  await page.evaluate(() => {
    const api = window.kloudconsent;
    api.set({});
    api.set({ Analytics: true });
    api.set({ "Performance and analytics": true });
  });
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.equal(await storedLocal(page), null);
  assert.equal(await banner(page).count(), 1, "the banner still asks");
  const errors = page.logs.filter((l) => l.startsWith("error:") && l.includes("set(): names no category of this site; nothing was changed."));
  assert.equal(errors.length, 3, page.logs.join("\n"));
  assert.ok(page.logs.some((l) => l.includes("set(): ignored unknown categories `Analytics`.")), page.logs.join("\n"));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("accepted() answers false without throwing for anything but one of the site's ids", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  const answers = await page.evaluate(() => {
    const api = window.kloudconsent;
    return [Object.create(null), ["analytics"], { toString() { throw new Error("page's"); } }, Symbol("x"), "Analytics", "analytics"]
      .map((id) => { try { return api.accepted(id); } catch (e) { return "threw " + e.message; } });
  });
  assert.deepEqual(answers, [false, false, false, false, false, true]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("set() refuses values JSON would drop or rewrite: undefined, a function, a Symbol, toJSON", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  // A page's `set({analytics: prefs.analytics})` with the field missing
  // must not store a refusal nobody made.
  await page.evaluate(() => {
    const api = window.kloudconsent;
    api.set({ analytics: undefined });
    api.set({ marketing() {} });
    api.set({ marketing: Symbol("x") });
    api.set({ analytics: true, toJSON() { return {}; } });
  });
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.equal(await storedLocal(page), null);
  assert.equal(await banner(page).count(), 1, "the banner still asks");
  const errors = page.logs.filter((l) => l.startsWith("error:") && l.includes("set()"));
  assert.equal(errors.length, 4, errors.join("\n"));
  assert.match(errors[0], /`analytics` must be true or false/);
  assert.match(errors[3], /`toJSON` must be true or false/);
  await context.close();
});

test("a listener that decides: every listener hears the events in the order they happened", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: `<script>
    window.__heard = { on: [], window: [] };
    addEventListener("DOMContentLoaded", () => {
      const api = window.kloudconsent, seen = (to) => (name) => (state) =>
        window.__heard[to].push(name + ":" + (state ? state.method + "/" + state.categories.analytics : "null"));
      // The first subscriber decides; api.md's own recipe follows it.
      api.on("ready", (state) => { if (!state) api.acceptAll(); });
      api.on("change", (state) => { if (state.categories.analytics && !window.__second) { window.__second = 1; api.set({ analytics: false }); } });
      for (const name of ["ready", "consent", "change"]) {
        api.on(name, seen("on")(name));
        addEventListener("kloudconsent:" + name, (e) => seen("window")(name)(e.detail));
      }
    });
  </script>` });
  await waitReady(page);
  await page.waitForFunction(() => window.__heard.window.length >= 4);
  await page.waitForTimeout(100);
  const heard = await page.evaluate(() => window.__heard);
  const order = ["ready:null", "change:accept-all/true", "consent:accept-all/true", "change:custom/false"];
  assert.deepEqual(heard.on, order, "on() subscribers");
  assert.deepEqual(heard.window, order, "window listeners");
  assert.equal(await page.evaluate(() => window.kloudconsent.accepted("analytics")), false, "the last heard is in force");
  await context.close();
});

// Inline gated scripts record what ran: opt-in ones and a clean-up.
const RECORDING_TAGS = `
<script type="text/plain" data-consent="analytics">(window.__ran = window.__ran || []).push("analytics")</script>
<script type="text/plain" data-consent="marketing">(window.__ran = window.__ran || []).push("marketing")</script>
<script type="text/plain" data-consent="!analytics">(window.__ran = window.__ran || []).push("!analytics")</script>`;

test("a listener that decides twice: only the decision in force afterwards releases anything", async () => {
  for (const [label, listener, expected] of [
    ["acceptAll(); rejectAll() in ready", `addEventListener("kloudconsent:ready", () => { kloudconsent.acceptAll(); kloudconsent.rejectAll(); });`, ["!analytics"]],
    ["set() twice in on('ready')", `addEventListener("DOMContentLoaded", () => kloudconsent.on("ready", () => { kloudconsent.set({ analytics: true }); kloudconsent.set({ analytics: false }); }));`, ["!analytics"]],
    ["rejectAll(); acceptAll() in ready", `addEventListener("kloudconsent:ready", () => { kloudconsent.rejectAll(); kloudconsent.acceptAll(); });`, ["analytics", "marketing"]],
  ]) {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { body: `<script>${listener}</script>${RECORDING_TAGS}` });
    await waitReady(page);
    await page.waitForFunction(() => window.kloudconsent.get() !== null);
    await page.waitForTimeout(150);
    assert.deepEqual(await page.evaluate(() => (window.__ran || []).sort()), expected, label);
    await context.close();
  }
});

test("a listener's decisions: each tells Consent Mode before its events; one receipt, of the decision in force", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {
    config: { googleConsentMode: true, receiptUrl: "/__receipts" },
    body: `<script>
      addEventListener("kloudconsent:ready", () => { kloudconsent.acceptAll(); kloudconsent.rejectAll(); });
      addEventListener("kloudconsent:change", (e) => window.dataLayer.push({ event: "page_change", method: e.detail.method }));
    </script>`,
  });
  await waitReady(page);
  await page.waitForFunction(() => window.dataLayer.filter((e) => e.event === "page_change").length === 2);
  const order = await page.evaluate(() => window.dataLayer.map((e) =>
    e.event === "page_change" ? "change:" + e.method
      : e[0] === "consent" && e[1] === "update" ? "update:" + e[2].ad_storage : null).filter(Boolean));
  assert.deepEqual(order, ["update:granted", "update:denied", "change:accept-all", "change:reject-all"]);
  const id = await page.evaluate(() => window.kloudconsent.get().id);
  // The receipt travels over the network: wait for it, then a little for a second one.
  await page.waitForFunction((id) => fetch("/__receipts/log").then((r) => r.json())
    .then((l) => l.some((r) => r.body.includes(id))), id);
  await page.waitForTimeout(300);
  const receipts = await page.evaluate((id) => fetch("/__receipts/log").then((r) => r.json())
    .then((l) => l.filter((r) => r.body.includes(id)).map((r) => JSON.parse(r.body).method)), id);
  assert.deepEqual(receipts, ["reject-all"], "the replaced accept-all never reaches the receipt service, and nothing is sent twice");
  await context.close();
});

test("a change listener that flips the decision several times: only the last one releases", async () => {
  for (const flips of [2, 3]) {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { body: `<script>
      addEventListener("DOMContentLoaded", () => {
        let n = 0;
        kloudconsent.on("change", (d) => { if (n++ < ${flips}) d.method === "accept-all" ? kloudconsent.rejectAll() : kloudconsent.acceptAll(); });
      });
    </script>${RECORDING_TAGS}` });
    await waitReady(page);
    await page.evaluate(() => window.kloudconsent.acceptAll());
    await page.waitForTimeout(150);
    const method = (await page.evaluate(() => window.kloudconsent.get())).method;
    assert.equal(method, flips % 2 ? "reject-all" : "accept-all");
    assert.deepEqual(await page.evaluate(() => (window.__ran || []).sort()),
      flips % 2 ? ["!analytics"] : ["analytics", "marketing"], `${flips} flips`);
    await context.close();
  }
});

test("listeners that keep deciding (a category flipped on every change) are stopped after 100 events, with an error", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: `<script>
    addEventListener("DOMContentLoaded", () => {
      window.__changes = 0;
      // Flips analytics on every change (a set() that changes nothing is no decision).
      kloudconsent.on("change", (s) => { window.__changes++; kloudconsent.set({ analytics: !s.categories.analytics }); });
    });
  </script>` });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.set({ analytics: true }));
  assert.equal(await page.evaluate(() => 1 + 1), 2, "the tab is still responsive");
  assert.ok(await page.evaluate(() => window.__changes) <= 100);
  assert.equal(page.logs.filter((l) => l.includes("listeners kept changing the decision")).length, 1, page.logs.join("\n"));
  assert.equal(typeof await page.evaluate(() => window.kloudconsent.accepted("analytics")), "boolean");
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("reset() forgets the decision, clears both stores and shows the banner again", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  assert.ok(await storedLocal(page));
  await page.evaluate(() => window.kloudconsent.reset());
  await banner(page).waitFor();
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.equal(await storedLocal(page), null);
  assert.equal((await consentCookies(context)).length, 0);
  await page.reload();
  await waitReady(page);
  await banner(page).waitFor();
  assert.deepEqual(await gatedRuns(page), []);
  await context.close();
});

test("reset() and another tab's reset fire change: what is in force now (method null), and which ids it took back", async () => {
  const { context, page } = await openPage(env);
  const url = await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  const other = await context.newPage();
  await other.goto(url);
  await other.waitForFunction(() => (window.__events || []).some((e) => e.name === "ready"));
  await page.evaluate(() => window.kloudconsent.set({ analytics: true }));
  await other.waitForFunction(() => window.kloudconsent.accepted("analytics"));
  // The documented reload recipe (docs/api.md), in the other tab.
  await other.evaluate(() => {
    window.kloudconsent.on("change", (state) => {
      if (state.changed.some((id) => !state.categories[id])) window.__wouldReload = true;
    });
  });
  await page.evaluate(() => window.kloudconsent.reset());
  for (const p of [page, other]) {
    await p.waitForFunction(() => window.__events.filter((e) => e.name === "change").length === 2);
    const last = (await events(p)).filter((e) => e.name === "change")[1].detail;
    assert.equal(last.method, null);
    assert.deepEqual(last.changed, ["analytics"]);
    assert.deepEqual(last.categories, {
      necessary: true, analytics: false, functionality: false, security: true, marketing: false,
    });
    assert.equal(last.id, null);
    assert.equal(await p.evaluate(() => window.kloudconsent.get()), null, "get() says undecided");
    await banner(p).waitFor();
  }
  assert.equal(await other.evaluate(() => window.__wouldReload), true, "the withdrawal is heard");
  // Nothing was in force to forget: no event.
  await page.evaluate(() => window.kloudconsent.reset());
  await page.waitForTimeout(200);
  assert.equal((await events(page)).filter((e) => e.name === "change").length, 2);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a change listener that opens the tool when the decision is forgotten: the tool opens, over the banner", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.evaluate(() => {
    window.kloudconsent.acceptAll();
    window.kloudconsent.on("change", (state) => { if (state.method === null) window.kloudconsent.show(); });
    window.kloudconsent.reset();
  });
  await dialog(page).getByRole("switch").first().waitFor();
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a change listener that opens the tool after a decision (Reject all on the banner, acceptAll()): the tool opens", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  await page.evaluate(() => {
    window.__shows = 0;
    window.kloudconsent.on("change", () => { window.__shows++; window.kloudconsent.show(); });
  });
  await banner(page).getByRole("button", { name: "Reject all" }).click();
  await dialog(page).getByRole("switch").first().waitFor();
  assert.equal(await page.evaluate(() => window.kloudconsent.get().method), "reject-all");
  await page.keyboard.press("Escape");
  await dialog(page).waitFor({ state: "detached" });
  await page.evaluate(() => window.kloudconsent.acceptAll());
  await dialog(page).getByRole("switch").first().waitFor();
  assert.equal(await page.evaluate(() => window.__shows), 2);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("a change listener that decides when the decision is forgotten: its decision holds, no banner over it", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: GATED_PAIR });
  await waitReady(page);
  await page.evaluate(() => {
    window.kloudconsent.acceptAll();
    window.kloudconsent.on("change", (state) => { if (state.method === null) window.kloudconsent.rejectAll(); });
    window.kloudconsent.reset();
  });
  await page.waitForTimeout(300);
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "reject-all");
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("on() subscribes with or without the prefix, returns an unsubscribe function, and hears ready late", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  const result = await page.evaluate(async () => {
    const seen = [];
    const off1 = window.kloudconsent.on("change", (d) => seen.push(["change", d.method, d.changed]));
    const off2 = window.kloudconsent.on("kloudconsent:consent", (d) => seen.push(["consent", d.method]));
    const late = await new Promise((r) => window.kloudconsent.on("ready", (d) => r(d)));
    window.kloudconsent.rejectAll();
    off1(); off2();
    window.kloudconsent.acceptAll();
    return { seen, late, typeofOff: typeof off1 };
  });
  assert.equal(result.typeofOff, "function");
  assert.equal(result.late, null);
  assert.deepEqual(result.seen, [["change", "reject-all", []], ["consent", "reject-all"]]);
  await context.close();
});

// Stop 63's review of long-lived pages: `ready` is heard once, yet its
// callbacks (and all their closures hold) were kept for the page's life:
// an app subscribing per route without unsubscribing grew by each one.
test("on(\"ready\") callbacks, early or late, are let go once called", chromiumOnly("collects garbage through Chromium's DevTools protocol"), async () => {
  const { context, page } = await openPage(env);
  await page.addInitScript(() => {
    window.__refs = [];
    const hold = () => { const big = { payload: new Array(1000).fill(1) }; window.__refs.push(new WeakRef(big)); return () => big.payload.length; };
    addEventListener("DOMContentLoaded", () => window.kloudconsent.on("ready", hold()));
  });
  await hostPage(env, page, {});
  await waitReady(page);
  await page.evaluate(async () => {
    const big = { payload: new Array(1000).fill(1) };
    window.__refs.push(new WeakRef(big));
    await new Promise((r) => window.kloudconsent.on("ready", () => r(big.payload.length)));
  });
  await page.waitForTimeout(50);
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  assert.deepEqual(await page.evaluate(() => window.__refs.map((r) => r.deref() === undefined)), [true, true]);
  await context.close();
});

test("a late on(\"ready\") hears the decision in force, not the one read at start, and after the change it was told", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  const heard = await page.evaluate(async () => {
    const heard = [];
    window.kloudconsent.acceptAll();
    // Lazily loaded code subscribing after a decision, with another one in
    // the same task: what it hears last must be the decision in force, not
    // the null read at start.
    const apply = (d) => heard.push(d && d.method);
    window.kloudconsent.on("ready", apply);
    window.kloudconsent.on("change", apply);
    window.kloudconsent.rejectAll();
    await new Promise((r) => setTimeout(r, 50));
    return heard;
  });
  assert.deepEqual(heard, ["reject-all", "reject-all"]);
  await context.close();
});

// The contract gives on() a callback without saying its argument: one
// written for the event's form (`e.detail`) must work as one written for
// the state (docs/api.md).
test("on()'s callback gets the state, which also answers as an event's detail, and the event itself", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  const result = await page.evaluate(() => {
    const seen = [];
    window.kloudconsent.on("change", (state, event) => seen.push({
      changed: state.changed, viaDetail: state.detail.changed, method: state.detail.method,
      keys: Object.keys(state).sort().join(), json: JSON.stringify(state).includes("detail"),
      eventType: event && event.type, sameAsEvent: event && event.detail.method === state.method,
    }));
    // Page code in strict mode (a module, a class) may still assign it.
    window.kloudconsent.on("change", function (state) { "use strict"; state.detail = 1; seen.push(state.detail); });
    window.kloudconsent.set({ analytics: true });
    return seen;
  });
  assert.deepEqual(page.errors, []);
  assert.equal(result.pop(), 1);
  assert.deepEqual(result, [{
    changed: ["analytics"], viaDetail: ["analytics"], method: "custom",
    keys: "categories,changed,decidedAt,expiresAt,id,method,revision", json: false,
    eventType: "kloudconsent:change", sameAsEvent: true,
  }]);
  await context.close();
});

test("on() with a name that is not an event, or no callback, logs which and never throws", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  const result = await page.evaluate(() => {
    const api = window.kloudconsent, offs = [];
    for (const name of [Symbol("change"), { toString() { throw new Error("x"); } }, "toString", "nope", null]) {
      offs.push(typeof api.on(name, () => {}));
    }
    offs.push(typeof api.on("change"));
    return offs;
  });
  assert.deepEqual(result, Array(6).fill("function"));
  const errors = page.logs.filter((l) => l.startsWith("error:") && l.includes("kloudconsent.on"));
  assert.equal(errors.length, 6, page.logs.join("\n"));
  assert.equal(errors.filter((l) => l.includes("unknown event")).length, 5);
  assert.ok(errors[5].includes('on("change", callback): the callback is not a function'), errors[5]);
  assert.ok(errors[0].includes("unknown event `Symbol(change)`"), errors[0]);
  // A name that converts to one (a String object) still subscribes.
  await page.evaluate(() => { window.kloudconsent.on(new String("change"), () => { window.__heardBoxed = true; }); window.kloudconsent.acceptAll(); });
  assert.equal(await page.evaluate(() => window.__heardBoxed), true);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test("calls made before the engine has loaded are queued and applied in order", async () => {
  const { context, page } = await openPage(env);
  // Delay the wasm so the page's own script runs first.
  await context.route("**/kloudconsent_bg.wasm", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await hostPage(env, page, {
    body: `${GATED_PAIR}<script src="/fixtures/gated/early-api.js" defer></script>`,
  });
  await waitReady(page);
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 1);
  assert.equal(await page.evaluate(() => window.__early), null);
  assert.deepEqual(await gatedRuns(page), ["analytics"]);
  await context.close();
});

test("calls queued before the engine started change a stored decision before anything runs on it", async () => {
  // A page that passes the visitor's saved preferences from DOMContentLoaded
  // (api.md): the stored Accept all never runs marketing, nor tells Google
  // it is granted, when the page's queued call takes it back.
  for (const [call, ran, adStorage] of [
    ["kloudconsent.set({ marketing: false })", ["analytics"], "denied"],
    ["kloudconsent.rejectAll()", ["!analytics"], "denied"],
    ["kloudconsent.reset()", [], undefined],
    ["kloudconsent.set({ marketing: true })", ["analytics", "marketing"], "granted"],
  ]) {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { config: { googleConsentMode: true }, body: RECORDING_TAGS });
    await waitReady(page);
    await page.evaluate(() => window.kloudconsent.acceptAll());
    await context.addInitScript((call) => addEventListener("DOMContentLoaded", () => (0, eval)(call)), call);
    await page.reload();
    await waitReady(page);
    await page.waitForTimeout(300);
    assert.deepEqual(await page.evaluate(() => (window.__ran || []).sort()), ran, call);
    const updates = await page.evaluate(() => window.dataLayer.filter((e) => e[0] === "consent" && e[1] === "update").map((e) => e[2].ad_storage));
    assert.deepEqual(updates, adStorage ? [adStorage] : ["denied"], `${call}: only the decision in force reaches Google`);
    const names = (await events(page)).map((e) => e.name);
    assert.deepEqual(names.slice(0, 2), ["ready", "consent"], call);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test("calls queued before the engine started keep Consent Mode's order: each update reaches dataLayer before the events of its decision", async () => {
  // A marketer's listener pushing to dataLayer (marketers.md's consent-rate
  // recipe) must find the decision's update there first, queued call or not.
  for (const [call, stored, expected] of [
    ["kloudconsent.hide()", true, ["update:granted", "kloudconsent_update", "page_ready"]],
    ["kloudconsent.set({ marketing: false })", true, ["page_ready", "update:denied", "kloudconsent_update", "page_change"]],
    ["kloudconsent.acceptAll()", false, ["page_ready", "update:granted", "kloudconsent_update", "page_change"]],
  ]) {
    const { context, page } = await openPage(env);
    await hostPage(env, page, { config: { googleConsentMode: true } });
    await waitReady(page);
    if (stored) await page.evaluate(() => window.kloudconsent.acceptAll());
    await context.addInitScript((call) => addEventListener("DOMContentLoaded", () => {
      kloudconsent.on("ready", () => window.dataLayer.push({ event: "page_ready" }));
      kloudconsent.on("change", () => window.dataLayer.push({ event: "page_change" }));
      (0, eval)(call);
    }), call);
    await page.reload();
    await waitReady(page);
    await page.waitForTimeout(300);
    const order = await page.evaluate(() => window.dataLayer.map((e) => e.event
      || (e[0] === "consent" && e[1] === "update" ? "update:" + e[2].ad_storage : null)).filter((x) => x && !x.startsWith("gtm")));
    assert.deepEqual(order, expected, call);
    await context.close();
  }
});

test("ready fires once with the stored state; consent fires on each load with a decision", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, {});
  await waitReady(page);
  await page.evaluate(() => window.kloudconsent.rejectAll());
  await page.reload();
  await waitReady(page);
  const ev = await events(page);
  assert.deepEqual(ev.map((e) => e.name), ["ready", "consent"]);
  assert.equal(ev[0].detail.method, "reject-all");
  assert.deepEqual(ev[0].detail, ev[1].detail);
  await context.close();
});

test("a ready listener that decides: the banner is never drawn, and what it chose is in force", async () => {
  const { context, page } = await openPage(env);
  // Records every element the widget adds to <body>, from before it boots.
  await hostPage(env, page, { body: `${GATED_PAIR}<script>
    window.__added = [];
    new MutationObserver((list) => list.forEach((m) => m.addedNodes.forEach((n) => window.__added.push(n.localName))))
      .observe(document.body, { childList: true });
    // (Before the deferred kloudconsent.js has run: window.kloudconsent does not exist yet.)
    window.addEventListener("kloudconsent:ready", (e) => { if (!e.detail) window.kloudconsent.rejectAll(); });
  </script>` });
  await waitReady(page);
  await page.waitForFunction(() => window.kloudconsent.get() !== null);
  // Two frames and a task: long after the first draw was due.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  assert.equal((await page.evaluate(() => window.kloudconsent.get())).method, "reject-all");
  assert.deepEqual(await page.evaluate(() => window.__added.filter((n) => n === "kloud-consent")), [], "no widget UI was ever added");
  assert.equal(await banner(page).count(), 0);
  assert.deepEqual(await gatedRuns(page), []);
  // The page's own opener still brings up the preference tool.
  await page.click("#open-prefs");
  await toolShown(page);
  await context.close();
});

test("api.md's recipes: hide() from a ready listener keeps the banner off the page; a withdrawal reloads", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: `${GATED_PAIR}<script>
    window.__added = [];
    new MutationObserver((list) => list.forEach((m) => m.addedNodes.forEach((n) => window.__added.push(n.localName))))
      .observe(document.body, { childList: true });
    window.addEventListener("kloudconsent:ready", function (e) { if (!e.detail) kloudconsent.hide(); });
  </script>` });
  await waitReady(page);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
  assert.deepEqual(await page.evaluate(() => window.__added.filter((n) => n === "kloud-consent")), [], "no banner was drawn");
  assert.equal(await page.evaluate(() => window.kloudconsent.get()), null, "still undecided");
  assert.deepEqual(await gatedRuns(page), []);
  // The page's opener still brings up the tool; a choice there applies.
  await page.click("#open-prefs");
  await toolShown(page);
  assert.equal(await page.locator("kloud-consent").getAttribute("data-nosnippet"), "", "kept out of search snippets");
  await dialog(page).getByRole("button", { name: "Accept all", exact: true }).click();
  await page.waitForFunction(() => window.__gatedRuns && window.__gatedRuns.length === 2);
  // The reload recipe: granting more never reloads, refusing what was granted does.
  await page.evaluate(() => {
    window.__notReloaded = true;
    kloudconsent.on("change", function (state) {
      var withdrawn = state.changed.some(function (id) { return !state.categories[id]; });
      if (withdrawn) location.reload();
    });
  });
  await page.evaluate(() => kloudconsent.set({ functionality: true }));
  assert.equal(await page.evaluate(() => window.__notReloaded), true);
  await Promise.all([page.waitForEvent("load"), page.evaluate(() => kloudconsent.rejectAll())]);
  await waitReady(page);
  assert.equal(await page.evaluate(() => window.__notReloaded), undefined, "reloaded");
  assert.deepEqual(await gatedRuns(page), [], "nothing refused runs after the reload");
  await context.close();
});

test("marketers.md's consent-rate recipe: one impression, then the first choice; nothing on a returning page", async () => {
  const recipe = readFileSync(new URL("../../docs/marketers.md", import.meta.url), "utf8")
    .split("### Recipe: measuring the consent rate")[1].split("```js")[1].split("```")[0];
  const { context, page } = await openPage(env);
  const url = await hostPage(env, page, { body: `<script>addEventListener("DOMContentLoaded", function () {${recipe}});</script>` });
  await waitReady(page);
  await banner(page).getByRole("button", { name: "Reject all", exact: true }).click();
  const pushed = () => page.evaluate(() => window.dataLayer.filter((e) => /^consent_/.test(e.event)));
  await page.waitForFunction(() => window.dataLayer.some((e) => e.event === "consent_first_choice"));
  assert.deepEqual(await pushed(), [{ event: "consent_banner_shown" }, { event: "consent_first_choice", consentMethod: "reject-all" }]);
  await page.evaluate(() => window.kloudconsent.acceptAll());
  assert.equal((await pushed()).length, 2, "a change of mind is not a first choice");
  await page.goto(url);
  await waitReady(page);
  await page.waitForTimeout(100);
  assert.deepEqual(await pushed(), [], "a returning page is not asked");
  await context.close();
});

test("an exception in a page listener does not break the widget", async () => {
  const { context, page } = await openPage(env);
  await hostPage(env, page, { body: `${GATED_PAIR}<script>
    window.addEventListener("kloudconsent:change", () => { throw new Error("page bug"); });
    window.kloudconsent.on("change", () => { throw new Error("page bug 2"); });
  </script>` });
  await waitReady(page);
  await banner(page).getByRole("button", { name: "Accept all" }).click();
  await page.waitForFunction(() => (window.__gatedRuns || []).length === 2);
  assert.equal(await banner(page).count(), 0);
  assert.equal(page.errors.length, 2, "the page's own errors are reported, ours are not");
  await page.click("#open-prefs");
  await toolShown(page);
  await context.close();
});
