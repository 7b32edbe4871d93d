// First script of a host page driven through WebDriver, which has no
// pageerror hook, no console access and no init scripts: records page
// errors, console errors and warnings, Content-Security-Policy violations,
// and every kloudconsent:* event from before the widget runs, with the
// document's readyState at the time.
window.__errors = [];
window.__events = [];
window.__console = [];
window.__violations = [];
["error", "warn"].forEach(function (level) {
  var original = console[level];
  console[level] = function () {
    window.__console.push(level + ": " + Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
});
addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
addEventListener("unhandledrejection", function (e) { window.__errors.push(String(e.reason)); });
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sample);
});
(function () {
  // document.readyState through its getter: a page may shadow it by markup.
  var readyState = Object.getOwnPropertyDescriptor(Document.prototype, "readyState").get;
  ["ready", "consent", "change"].forEach(function (name) {
    addEventListener("kloudconsent:" + name, function (e) {
      window.__events.push({ name: name, detail: e.detail, readyState: readyState.call(document) });
    });
  });
})();
