// Demo "analytics tag": records that it ran, and how many times.
window.__gatedRuns = window.__gatedRuns || [];
window.__gatedRuns.push("analytics");
var out = document.getElementById("analytics-status");
if (out) out.textContent = "ran " + window.__gatedRuns.filter(function (n) { return n === "analytics"; }).length + "×";
