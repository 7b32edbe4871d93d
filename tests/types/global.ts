// The global form, without an import: a script that only references the
// types. Compiled by tests/e2e/package.test.mjs against the installed package.
/// <reference types="kloudconsent" />
kloudconsent.on("ready", (detail) => {
  if (detail && detail.categories.analytics) kloudconsent.show();
});
window.kloudconsent.acceptAll();
window.addEventListener("kloudconsent:change", (event) => console.log(event.detail.changed.length));
