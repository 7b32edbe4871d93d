// Runs right after a classic (not deferred) widget tag, before the engine has
// booted: subscribes with kloudconsent.on(), then dispatches fake events on
// window, before boot and again after the real `ready`, and subscribes to
// `ready` late. window.__heard records what on() subscribers were given:
// the method, or "fake" for a fake detail.
window.__heard = [];
var FAKE = { method: "accept-all", categories: { marketing: true }, fake: true };
function fake(name) {
  dispatchEvent(new CustomEvent("kloudconsent:" + name, { detail: FAKE }));
}
function heard(name) {
  return function (detail) {
    window.__heard.push([name, detail && detail.fake ? "fake" : detail && detail.method]);
  };
}
["ready", "consent", "change"].forEach(function (name) { window.kloudconsent.on(name, heard(name)); });
fake("ready");
fake("consent");
addEventListener("kloudconsent:ready", function (e) {
  if (e.detail && e.detail.fake) return;
  setTimeout(function () {
    fake("ready");
    fake("change");
    window.kloudconsent.on("ready", heard("late-ready"));
    window.__fakesDone = true;
  }, 0);
});
