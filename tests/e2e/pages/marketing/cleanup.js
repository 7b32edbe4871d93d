// A clean-up script: records which refused category it cleaned up after.
window.__cleanups = window.__cleanups || [];
window.__cleanups.push(document.currentScript.getAttribute("data-category"));
