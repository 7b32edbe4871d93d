// The site's analytics tag, gated on the analytics category: counts its runs.
window.siteAnalyticsRuns = (window.siteAnalyticsRuns || 0) + 1;
