// Gated "analytics" script: must run only after the visitor accepts analytics.
window.__benchRan = window.__benchRan || {};
window.__benchRan.analytics = performance.now();
window.dispatchEvent(new Event('bench:ran'));
