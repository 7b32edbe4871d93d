// The app's routes. Each one adds something the widget gates or opens.
import { useConsent, useGatedScript } from "./consent.js";

export function Home() {
  const consent = useConsent();
  const status = consent === undefined ? "loading" : consent === null ? "undecided"
    : Object.entries(consent.categories).map(([id, on]) => `${id} ${on ? "on" : "off"}`).join(", ");
  return (
    <>
      <h1>Example App</h1>
      <p>Your cookie choice: <output id="consent-status">{status}</output></p>
    </>
  );
}

/** A route with an analytics tag (external) and a marketing snippet (inline), both gated. */
export function Stats() {
  useGatedScript({ id: "vendor-analytics", consent: "analytics", src: "/vendor/analytics.js" });
  useGatedScript({
    id: "campaign-snippet",
    consent: "marketing",
    code: '(window.exampleVendorRuns = window.exampleVendorRuns || []).push("campaign");',
  });
  return (
    <>
      <h1>Stats</h1>
      <p>This page counts visits once you allow analytics.</p>
    </>
  );
}

/** A route with a gated video: the widget shows a placeholder until marketing is allowed. */
export function Video() {
  return (
    <>
      <h1>Product tour</h1>
      <iframe data-consent="marketing" data-src="/vendor/video.html"
              width="560" height="315" title="Product tour video"></iframe>
    </>
  );
}

/** The privacy page links to the preference tool, as a cookie policy should. */
export function Privacy() {
  return (
    <>
      <h1>Privacy</h1>
      <p>
        You can change your cookie choice at any time:{" "}
        <a href="#" data-kloudconsent-open>Manage Cookie Preferences</a>.
      </p>
    </>
  );
}
