// Page code that runs after the widget's (deferred) tag but before its wasm
// has loaded: the API must already exist and queue the call.
window.__early = window.kloudconsent.get();
window.kloudconsent.set({ analytics: true });
