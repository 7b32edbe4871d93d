// First script of a host page driven through WebDriver, which has no
// pageerror hook and no init scripts: records page errors and every
// kloudconsent:* event from before the widget runs.
window.__errors = [];
window.__events = [];
addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
addEventListener("unhandledrejection", function (e) { window.__errors.push(String(e.reason)); });
["ready", "consent", "change"].forEach(function (name) {
  addEventListener("kloudconsent:" + name, function (e) { window.__events.push({ name: name, detail: e.detail }); });
});
