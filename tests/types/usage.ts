// Compiled with `tsc --noEmit --strict` by tests/e2e/types.test.mjs (against
// package/kloudconsent.d.ts) and by tests/e2e/package.test.mjs (against the
// installed npm package): what a site's TypeScript writes must type-check,
// and each `@ts-expect-error` line must stay an error.
import type {
  KloudConsent, KloudConsentChange, KloudConsentConfig, KloudConsentState,
} from "kloudconsent";

// Every call of the API, as docs/api.md shows it.
const api: KloudConsent = window.kloudconsent;
const state: KloudConsentState | null = api.get();
if (state) {
  const analytics: boolean | undefined = state.categories.analytics;
  const method: "accept-all" | "reject-all" | "custom" | "signal" = state.method;
  const revision: number = state.revision;
  const when: string | null = state.decidedAt;
  const until: string | null = state.expiresAt;
  const id: string | null = state.id;
  console.log(analytics, method, revision, when, until, id);
}
const granted: boolean = kloudconsent.accepted("analytics");
kloudconsent.acceptAll();
kloudconsent.rejectAll();
kloudconsent.set({ analytics: true, marketing: false });
kloudconsent.show();
kloudconsent.hide();
kloudconsent.reset();
const version: string = kloudconsent.version;
console.log(granted, version);

// on(): the detail is typed by the event name, with or without the prefix.
const off: () => void = kloudconsent.on("change", (detail) => {
  const changed: string[] = detail.changed;
  console.log(changed, detail.categories);
});
off();
kloudconsent.on("kloudconsent:ready", (detail) => {
  const maybe: KloudConsentState | null = detail;
  console.log(maybe?.method);
});
// A callback written for the DOM event reads `.detail` (api.md).
kloudconsent.on("change", (e) => console.log(e.detail.changed.length));
kloudconsent.on("ready", (e) => console.log(e === null ? "undecided" : e.detail.categories.analytics));
kloudconsent.on("consent", (detail, event) => {
  const method: string = detail.method;
  console.log(method, event?.type);
});

// The events on window are typed CustomEvents.
window.addEventListener("kloudconsent:change", (event) => {
  const detail: KloudConsentChange = event.detail;
  console.log(detail.changed.includes("analytics"));
});
window.addEventListener("kloudconsent:ready", (event) => {
  console.log(event.detail === null ? "undecided" : event.detail.method);
});
addEventListener("kloudconsent:consent", (event) => console.log(event.detail.categories));

// A config, as docs/configuration.md shows it.
const config: KloudConsentConfig = {
  $schema: "https://cdn.jsdelivr.net/npm/kloudconsent@0.1.0/kloudconsent.schema.json",
  revision: 3,
  expiresAfterDays: 365,
  categories: [
    { id: "necessary", label: "Strictly necessary", required: true, providers: ["Microsoft Azure"] },
    { id: "analytics", label: "Analytics", cookies: ["_ga", "_ga_*"], description: null },
  ],
  cookie: { domain: ".kloudstack.com.au" },
  signals: { showBanner: false },
  googleConsentMode: { wait_for_update: 500, regions: [{ region: ["AU"], analytics_storage: "granted" }] },
  receiptUrl: "https://consent.example.net/receipts",
  texts: { bannerTitle: "Cookies on KloudStack", cookiePolicyUrl: "/cookie-policy/" },
  language: "en-GB",
  dir: "ltr",
  theme: "light",
  layout: "box",
};
const simple: KloudConsentConfig = { googleConsentMode: true, revision: null };
console.log(config, simple);

// What the declarations must refuse.
// @ts-expect-error: not an event of the widget
kloudconsent.on("changed", () => {});
// @ts-expect-error: set() takes booleans
kloudconsent.set({ analytics: "yes" });
// @ts-expect-error: accepted() takes an id
kloudconsent.accepted();
// @ts-expect-error: there is no acceptAl()
kloudconsent.acceptAl();
// @ts-expect-error: get() may be null
kloudconsent.get().method;
// @ts-expect-error: the version is read-only
kloudconsent.version = "9";
window.addEventListener("kloudconsent:ready", (event) => {
  // @ts-expect-error: ready's detail may be null
  console.log(event.detail.method);
});
// @ts-expect-error: not a method
const wrongMethod: KloudConsentState["method"] = "accept";
// @ts-expect-error: a category needs a label
const noLabel: KloudConsentConfig = { categories: [{ id: "x" }] };
// @ts-expect-error: not a layout
const badLayout: KloudConsentConfig = { layout: "modal" };
// @ts-expect-error: not a Consent Mode signal
const badSignal: KloudConsentConfig = { googleConsentMode: { regions: [{ region: ["AU"], ad_stuff: "granted" }] } };
// @ts-expect-error: a misspelt key
const typo: KloudConsentConfig = { expiresAfterDay: 30 };
console.log(wrongMethod, noLabel, badLayout, badSignal, typo);
