// First script of a host page driven through WebDriver, which has no
// pageerror hook, no console log and no init scripts: records page errors,
// every kloudconsent:* event, the widget's console errors and warnings, and
// Content-Security-Policy violations, from before the widget runs.
window.__errors = [];
window.__events = [];
window.__console = [];
window.__violations = [];
addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
addEventListener("unhandledrejection", function (e) { window.__errors.push(String(e.reason)); });
["ready", "consent", "change"].forEach(function (name) {
  addEventListener("kloudconsent:" + name, function (e) { window.__events.push({ name: name, detail: e.detail }); });
});
["error", "warn"].forEach(function (type) {
  var original = console[type];
  console[type] = function () {
    window.__console.push(type + ": " + Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
});
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sample);
});
