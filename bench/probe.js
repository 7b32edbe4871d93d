// In-page probe, installed with context.addInitScript() so it runs before any
// page script. It measures from inside the page (performance.now() is relative
// to the navigation's time origin) and never touches the widgets' own code.
//
// window.__bench:
//   bannerAt        first time the target button ("Accept all") exists, is
//                   visible (checkVisibility with opacity/visibility), has a
//                   nonzero box inside the viewport, is not disabled, and is
//                   what a click at its centre would hit (hit test through
//                   open shadow roots)
//   bannerSeenAt    first time any button with that label was in the DOM
//   longtasks       [{start, duration}] ('longtask', buffered)
//   shifts          [{start, value, input}] ('layout-shift', buffered)
//   clicks          [{t, label}] trusted clicks (capture phase on window)
//   find(label)     the clickable button with that exact text, or null
//   waitBanner(ms)  promise -> bannerAt (or null on timeout)
//   waitRan(key,ms) promise -> window.__benchRan[key] (or null on timeout)
//
// Checks run on every DOM mutation (document and every open shadow root met)
// and on every animation frame, until the button is found (window.__benchCfg =
// {watch: false}, set before this script, turns the banner watch off).
(() => {
  if (window.__bench) return;
  const cfg = Object.assign({ label: 'Accept all', watch: true }, window.__benchCfg || {});
  const B = {
    cfg,
    bannerAt: null,
    bannerSeenAt: null,
    longtasks: [],
    shifts: [],
    clicks: [],
    observedRoots: 0,
  };
  window.__bench = B;

  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim();

  function* roots(root) {
    yield root;
    const all = root.querySelectorAll('*');
    for (let i = 0; i < all.length; i++) {
      const sr = all[i].shadowRoot; // open shadow roots only
      if (sr) yield* roots(sr);
    }
  }

  const viewport = () => [document.documentElement.clientWidth || window.innerWidth,
    document.documentElement.clientHeight || window.innerHeight];

  // Rendered and not see-through (checkVisibility with opacity and
  // visibility), with a box: its bounding rectangle, or null.
  function visibleBox(el) {
    if (!el || !el.isConnected) return null;
    if (typeof el.checkVisibility === 'function'
        && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return null;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? r : null;
  }

  function clickable(el) {
    if (!el.isConnected || el.disabled || el.getAttribute('aria-disabled') === 'true') return false;
    const r = visibleBox(el);
    if (!r) return false;
    const [vw, vh] = viewport();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x >= vw || y >= vh) return false;
    const root = el.getRootNode();
    const hit = (root && root.elementFromPoint) ? root.elementFromPoint(x, y) : document.elementFromPoint(x, y);
    return !!hit && (hit === el || el.contains(hit));
  }

  // Candidate buttons with exactly this label, in document order (document
  // first, then open shadow roots).
  function candidates(label) {
    const out = [];
    if (!document.documentElement) return out;
    for (const root of roots(document)) {
      observeRoot(root);
      const list = root.querySelectorAll('button, [role="button"], input[type="button"], input[type="submit"]');
      for (let i = 0; i < list.length; i++) {
        const el = list[i];
        const text = el.tagName === 'INPUT' ? el.value : el.textContent;
        if (norm(text) === label || norm(el.getAttribute('aria-label')) === label) out.push(el);
      }
    }
    return out;
  }

  B.find = (label) => {
    for (const el of candidates(label)) if (clickable(el)) return el;
    return null;
  };

  // The banner's way into the preferences: a button, or a link (Klaro's
  // "learn more" is an <a>).
  B.findOpener = (label) => {
    const found = B.find(label);
    if (found) return found;
    for (const root of roots(document)) {
      const list = root.querySelectorAll('a');
      for (let i = 0; i < list.length; i++) {
        if (norm(list[i].textContent) === label && clickable(list[i])) return list[i];
      }
    }
    return null;
  };

  // A switch of a preference tool is shown: a [role=switch] or a checkbox
  // (or, where a widget hides the input under its own toggle picture, the
  // input's label or parent) that is visible with a box inside the viewport.
  // Each widget's read-only "necessary" toggle counts too.
  function shown(el) {
    const r = visibleBox(el);
    const [vw, vh] = viewport();
    return !!r && r.right > 0 && r.bottom > 0 && r.left < vw && r.top < vh;
  }
  function switchShown() {
    for (const root of roots(document)) {
      const list = root.querySelectorAll('[role="switch"], input[type="checkbox"]');
      for (let i = 0; i < list.length; i++) {
        const el = list[i];
        const near = [el, ...(el.labels ? Array.from(el.labels) : []), el.parentElement];
        if (near.some(shown)) return true;
      }
    }
    return false;
  }
  B.waitSwitch = (ms) => new Promise((resolve) => {
    const t0 = performance.now();
    const frame = () => {
      if (switchShown()) return resolve(performance.now());
      if (performance.now() - t0 > ms) return resolve(null);
      requestAnimationFrame(frame);
    };
    frame();
  });

  // ---- observers
  const observed = new WeakSet();
  let mo = null;
  function observeRoot(root) {
    if (!mo || observed.has(root)) return;
    observed.add(root);
    B.observedRoots++;
    mo.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
  }

  let done = false;
  const waiters = [];
  function check() {
    if (done) return;
    const c = candidates(cfg.label);
    if (c.length && B.bannerSeenAt === null) B.bannerSeenAt = performance.now();
    for (const el of c) {
      if (clickable(el)) {
        B.bannerAt = performance.now();
        done = true;
        if (mo) mo.disconnect();
        for (const w of waiters.splice(0)) w(B.bannerAt);
        return;
      }
    }
  }

  if (cfg.watch !== false) {
    mo = new MutationObserver(check);
    // documentElement does not exist yet when init scripts run: observe the document.
    observeRoot(document);
    const frame = () => { check(); if (!done) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
  }

  B.waitBanner = (ms) => new Promise((resolve) => {
    if (B.bannerAt !== null) return resolve(B.bannerAt);
    waiters.push(resolve);
    setTimeout(() => resolve(B.bannerAt), ms);
  });

  B.waitRan = (key, ms) => new Promise((resolve) => {
    const get = () => (window.__benchRan && window.__benchRan[key] !== undefined ? window.__benchRan[key] : null);
    if (get() !== null) return resolve(get());
    const onRan = () => { if (get() !== null) { cleanup(); resolve(get()); } };
    const iv = setInterval(onRan, 10);
    const to = setTimeout(() => { cleanup(); resolve(get()); }, ms);
    function cleanup() { clearInterval(iv); clearTimeout(to); window.removeEventListener('bench:ran', onRan); }
    window.addEventListener('bench:ran', onRan);
  });

  B.sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

  B.snapshot = () => ({
    bannerAt: B.bannerAt,
    bannerSeenAt: B.bannerSeenAt,
    now: performance.now(),
    longtasks: B.longtasks.slice(),
    shifts: B.shifts.slice(),
    clicks: B.clicks.slice(),
    ran: Object.assign({}, window.__benchRan || {}),
    resources: performance.getEntriesByType('resource').map((e) => ({
      url: e.name,
      type: e.initiatorType,
      start: e.startTime,
      end: e.responseEnd,
      transfer: e.transferSize,
      encoded: e.encodedBodySize,
      decoded: e.decodedBodySize,
    })),
    nav: (() => {
      const n = performance.getEntriesByType('navigation')[0];
      return n ? { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, transfer: n.transferSize } : null;
    })(),
  });

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { B.longtaskError = String(e); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.shifts.push({ start: e.startTime, value: e.value, input: e.hadRecentInput });
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (e) { B.layoutShiftError = String(e); }

  window.addEventListener('click', (e) => {
    if (!e.isTrusted) return;
    const path = e.composedPath();
    const btn = path.find((n) => n && n.nodeType === 1 && (n.tagName === 'BUTTON' || n.tagName === 'A' || n.getAttribute('role') === 'button'));
    B.clicks.push({ t: performance.now(), label: btn ? norm(btn.textContent) : null });
  }, true);
})();
