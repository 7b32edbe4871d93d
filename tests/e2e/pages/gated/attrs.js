window.__attrs = (function (s) {
  return { id: s.id, async: s.async, crossOrigin: s.crossOrigin, nonce: s.nonce, type: s.type,
           integrity: s.getAttribute("integrity"), extra: s.getAttribute("data-extra") };
})(document.currentScript);
