// The TypeScript declarations (package/kloudconsent.d.ts): a usage file
// compiles under `tsc --noEmit --strict` (and what must be refused is); the
// declared API, state, events and methods match the real widget in Chromium;
// the declared config matches the parser's keys and the JSON Schema.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch, openPage, hostPage, waitReady, configParserSource, configTextKeys } from "./helpers.mjs";
import { ROOT } from "./docs-snippets-extract.mjs";
import { DTS, compareApi, declared, tsc } from "./types-helpers.mjs";

test("a usage file compiles with tsc --noEmit --strict, and what must be refused is refused", () => {
  const { status, output } = tsc(join(ROOT, "tests", "types", "tsconfig.json"));
  assert.equal(status, 0, output);
  const usage = readFileSync(join(ROOT, "tests", "types", "usage.ts"), "utf8");
  assert.ok((usage.match(/@ts-expect-error/g) || []).length >= 10, "the usage file checks what the types refuse");
  for (const call of ["get", "accepted", "acceptAll", "rejectAll", "set", "show", "hide", "reset", "on", "version"]) {
    assert.match(usage, new RegExp(`kloudconsent\\.${call}\\b`), `the usage file uses ${call}`);
  }
});

test("the tsc check fails when a declaration the usage file relies on is gone", () => {
  const dir = mkdtempSync(join(tmpdir(), "kc-types-"));
  try {
    cpSync(join(ROOT, "tests", "types", "usage.ts"), join(dir, "usage.ts"));
    const dts = readFileSync(DTS, "utf8");
    const broken = dts.replace(/^\s*acceptAll\(\): void;$/m, "");
    assert.notEqual(broken, dts, "acceptAll() was found in the declarations");
    writeFileSync(join(dir, "kloudconsent.d.ts"), broken);
    const config = JSON.parse(readFileSync(join(ROOT, "tests", "types", "tsconfig.json"), "utf8"));
    config.compilerOptions.paths = { kloudconsent: ["./kloudconsent.d.ts"] };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
    const { status, output } = tsc(join(dir, "tsconfig.json"));
    assert.notEqual(status, 0);
    assert.match(output, /acceptAll/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("compareApi reports a declared call that no longer exists, and an undeclared one", () => {
  const api = declared().interfaces.KloudConsent.members;
  const real = Object.fromEntries(api.map((m) => [m.name, m.method ? "function" : "string"]));
  assert.deepEqual(compareApi(api, real), []);
  const { hide: _gone, ...withoutHide } = real;
  assert.deepEqual(compareApi(api, withoutHide), ["declared hide does not exist at run time"]);
  assert.deepEqual(compareApi(api, { ...real, show: "undefined", extra: "function" }),
    ["declared show() is a undefined at run time", "extra exists at run time but is not declared"]);
});

test("the declared config has every key the parser reads and the schema lists", () => {
  const d = declared();
  const schema = JSON.parse(readFileSync(join(ROOT, "package", "kloudconsent.schema.json"), "utf8"));
  const parser = configParserSource();
  const topKeys = [...parser.matchAll(/(?:given\(top, |top\.key\()"(\w+)"\)/g)].map((m) => m[1]);
  const textKeys = configTextKeys();
  assert.ok(topKeys.length >= 12 && textKeys.length >= 20, "keys found in the parser");
  const sorted = (a) => [...a].sort();
  assert.deepEqual(sorted(d.names("KloudConsentConfig")), sorted(["$schema", ...topKeys]), "KloudConsentConfig");
  assert.deepEqual(sorted(Object.keys(schema.properties)), sorted(["$schema", ...topKeys]), "the schema's properties");
  assert.deepEqual(d.names("KloudConsentTexts"), textKeys, "KloudConsentTexts, in the parser's order");
  assert.deepEqual(Object.keys(schema.properties.texts.properties), textKeys, "the schema's texts, in the parser's order");
  assert.deepEqual(sorted(d.names("KloudConsentCategoryConfig")), sorted(Object.keys(schema.$defs.category.properties)));
  assert.deepEqual(d.names("KloudConsentConfig").filter((n) => !d.interfaces.KloudConsentConfig.members.find((m) => m.name === n).optional), [],
    "every config key is optional");
  assert.deepEqual(sorted(d.unions.KloudConsentConsentModeSignal),
    sorted(Object.keys(schema.$defs.region.properties).filter((k) => k !== "region")));
});

// ---- against the real widget ----------------------------------------------

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

/** `{name: typeof}` of window.kloudconsent's own enumerable members. */
const realApi = (page) => page.evaluate(() =>
  Object.fromEntries(Object.keys(window.kloudconsent).map((k) => [k, typeof window.kloudconsent[k]])));

test("the declared window.kloudconsent is the real one, before and after the engine is up", async () => {
  const api = declared().interfaces.KloudConsent.members;
  assert.deepEqual(api.map((m) => m.name).sort(),
    ["accepted", "acceptAll", "get", "hide", "on", "rejectAll", "reset", "set", "show", "version"].sort());
  const { context, page } = await openPage(env);
  // Right after the tag has run, before the wasm is in: the API is already there.
  await context.route("**/kloudconsent_bg.wasm", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await hostPage(env, page, {});
  await page.waitForFunction(() => !!window.kloudconsent);
  assert.deepEqual(compareApi(api, await realApi(page)), [], "before boot");
  await waitReady(page);
  assert.deepEqual(compareApi(api, await realApi(page)), [], "after boot");
  assert.deepEqual(page.errors, []);
  await context.close();
});

// A config with a service, so that the state's optional `services` is there.
const WITH_SERVICES = { categories: [
  { id: "necessary", label: "Necessary", required: true },
  { id: "analytics", label: "Analytics", services: [{ id: "stats", label: "Stats" }] },
] };

test("the declared state, events and methods are what the widget sends", async () => {
  const d = declared();
  const stateKeys = d.names("KloudConsentState").sort();
  // The state with `method` redeclared (null when a decision is forgotten).
  assert.deepEqual(d.interfaces.KloudConsentChange.heritage, ["Omit"]);
  const changeKeys = [...new Set([...stateKeys, ...d.names("KloudConsentChange")])].sort();
  const eventNames = d.names("KloudConsentEventDetails").sort();
  const windowEvents = d.names("WindowEventMap").sort();
  assert.deepEqual(windowEvents, eventNames.map((n) => `kloudconsent:${n}`), "WindowEventMap has every event");

  const { context, page } = await openPage(env);
  // Every kloudconsent:* event dispatched, whatever its name.
  await context.addInitScript(() => {
    const dispatch = EventTarget.prototype.dispatchEvent;
    window.__dispatched = [];
    EventTarget.prototype.dispatchEvent = function (event) {
      if (String(event.type).startsWith("kloudconsent:")) window.__dispatched.push(event.type);
      return dispatch.call(this, event);
    };
  });
  await hostPage(env, page, { config: WITH_SERVICES });
  await waitReady(page);
  await page.evaluate(() => { window.__viaOn = []; });
  const names = eventNames.flatMap((n) => [n, `kloudconsent:${n}`]);
  await page.evaluate((names) => {
    for (const name of names) window.kloudconsent.on(name, () => window.__viaOn.push(name));
  }, names);
  const seen = await page.evaluate(() => {
    const kc = window.kloudconsent;
    const states = [];
    kc.acceptAll(); states.push(kc.get());
    kc.set({ analytics: false }); states.push(kc.get());
    kc.rejectAll(); states.push(kc.get());
    return { states, events: window.__events, dispatched: window.__dispatched };
  });
  // Every declared name, with and without the prefix, reaches its subscribers
  // (ready, subscribed after it fired, asynchronously).
  await page.waitForFunction((names) => names.every((n) => window.__viaOn.includes(n)), names, { timeout: 5000 });
  for (const state of seen.states) assert.deepEqual(Object.keys(state).sort(), stateKeys, "get() has the declared fields");
  const changes = seen.events.filter((e) => e.name === "change");
  assert.ok(changes.length >= 3);
  for (const c of changes) assert.deepEqual(Object.keys(c.detail).sort(), changeKeys, "change detail has the declared fields");
  assert.deepEqual([...new Set(seen.dispatched)].sort(), windowEvents, "every declared event fires, and no other");
  assert.deepEqual(page.logs.filter((l) => l.startsWith("error:")), [], "on() accepts every declared name");
  const methods = new Set(seen.states.map((s) => s.method));
  await context.close();

  // The fourth method: a privacy signal and no stored decision.
  const signal = await openPage(env);
  await signal.context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
  await hostPage(env, signal.page, { config: WITH_SERVICES });
  await waitReady(signal.page);
  const signalState = await signal.page.evaluate(() => window.kloudconsent.get());
  assert.deepEqual(Object.keys(signalState).sort(), stateKeys);
  assert.deepEqual([signalState.decidedAt, signalState.expiresAt, signalState.id], [null, null, null], "declared nullable");
  methods.add(signalState.method);
  await signal.context.close();
  assert.deepEqual([...methods].sort(), [...d.unions.KloudConsentMethod].sort(), "KloudConsentMethod is every method there is");
  assert.deepEqual(page.errors, []);
});
