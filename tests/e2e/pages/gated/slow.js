// External gated script that the inline one after it must not overtake.
window.__order = (window.__order || []).concat("external-1");
