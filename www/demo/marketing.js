// Demo "marketing tag": records that it ran, and how many times.
window.__gatedRuns = window.__gatedRuns || [];
window.__gatedRuns.push("marketing");
var out = document.getElementById("marketing-status");
if (out) out.textContent = "ran " + window.__gatedRuns.filter(function (n) { return n === "marketing"; }).length + "×";
