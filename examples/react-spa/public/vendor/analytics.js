// Stands for a third-party analytics tag: records each time it runs.
(window.exampleVendorRuns = window.exampleVendorRuns || []).push("analytics");
