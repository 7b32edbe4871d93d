// Injects the widget's tag once the DOM is parsed (a tag manager's way).
document.addEventListener("DOMContentLoaded", function () {
  window.addEventListener("kloudconsent:ready", function () { window.__readyState = document.readyState; });
  var s = document.createElement("script");
  s.src = "/kloudconsent.js";
  document.head.appendChild(s);
});
