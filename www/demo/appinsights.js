// Demo "Application Insights tag": records that it ran, and how many times.
window.__gatedRuns = window.__gatedRuns || [];
window.__gatedRuns.push("analytics.appinsights");
var out = document.getElementById("appinsights-status");
if (out) out.textContent = "ran " + window.__gatedRuns.filter(function (n) { return n === "analytics.appinsights"; }).length + "×";
