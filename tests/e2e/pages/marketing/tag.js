// Stands in for a Google tag: records the consent commands that were in
// dataLayer when it ran (synchronously, right after the widget's tag).
window.__tagSaw = (window.dataLayer || []).map(function (e) {
  return Object.prototype.toString.call(e) === "[object Arguments]" ? Array.prototype.slice.call(e) : e;
});
