// The standard gtag.js snippet a site pastes, plus a counter so the test can
// see that the widget went through this gtag instead of replacing it.
window.dataLayer = window.dataLayer || [];
window.dataLayer.push({ site: "before-widget" });
window.__ownGtagCalls = 0;
function gtag() { window.__ownGtagCalls++; dataLayer.push(arguments); }
gtag("js", "2026-11-28");
gtag("config", "G-TEST");
