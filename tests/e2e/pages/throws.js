// A gated third-party script that crashes as it runs.
window.__gatedRuns = window.__gatedRuns || [];
window.__gatedRuns.push("throws");
throw new Error("gated script boom");
