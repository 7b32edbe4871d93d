// Sums every layout shift (including those right after input, which CLS
// would forgive): the widget must cause none at all.
window.__layoutShift = 0;
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__layoutShift += e.value; });
  }).observe({ type: "layout-shift", buffered: true });
} catch (e) { /* not supported */ }
