// The config the Firefox ESR and WebKit services suites share
// (tests/firefox/services.test.mjs, tests/webkit/features.test.mjs): three
// categories, analytics with KloudStack's two tools as services, one with a
// cookie row and one with a bare cookie name.
export const TWO_TOOLS = {
  categories: [
    { id: "necessary", label: "Strictly necessary", required: true },
    { id: "analytics", label: "Performance and analytics", services: [
      { id: "appinsights", label: "Microsoft Azure Application Insights", provider: "Microsoft",
        cookies: [{ name: "ai_user", purpose: "Counts users.", duration: "1 year" }] },
      { id: "ga", label: "Google Analytics", provider: "Google", cookies: ["_ga"] },
    ] },
    { id: "marketing", label: "Marketing and communication" },
  ],
};
