// A gated external script that records its name (?name=...) when it runs.
(function (s) {
  var name = s && new URL(s.src).searchParams.get("name");
  window.__gatedRuns = (window.__gatedRuns || []).concat(name || "named");
})(document.currentScript);
