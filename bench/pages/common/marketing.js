// Gated "marketing" script: must run only after the visitor accepts marketing.
window.__benchRan = window.__benchRan || {};
window.__benchRan.marketing = performance.now();
window.dispatchEvent(new Event('bench:ran'));
