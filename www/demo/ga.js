// Demo "Google Analytics tag": records that it ran, and how many times.
window.__gatedRuns = window.__gatedRuns || [];
window.__gatedRuns.push("analytics.ga");
var out = document.getElementById("ga-status");
if (out) out.textContent = "ran " + window.__gatedRuns.filter(function (n) { return n === "analytics.ga"; }).length + "×";
