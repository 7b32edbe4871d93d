// Shared set-up for the WebKit suite: Safari's engine as WebKitGTK ships it
// in Debian (WebKitWebDriver driving MiniBrowser), under a virtual display
// that this file starts and stops itself (MiniBrowser has no headless mode).
// One display, driver and browser session per test file; each test starts
// from a clean origin (`fresh`). The server is tests/e2e/server.mjs, in front
// of the built dist/ and the fixture pages; `hostPage` serves a generated
// page through its `routes`, as the Chromium suite's helper of the same name
// does through Playwright's routing.
import { spawn, execSync } from "node:child_process";
import { createServer } from "node:net";
import { Builder, By, Key } from "selenium-webdriver";
import { startServer, cspFor } from "../e2e/server.mjs";

export { By, Key };

const MINIBROWSER = process.env.MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const DRIVER = process.env.WEBKIT_DRIVER || "WebKitWebDriver";
/**
 * How long each attempt at a MiniBrowser session may take: one comes up in
 * about a second here, ten under heavy load; a failed one never does.
 */
const SESSION_TIMEOUTS_MS = [20000, 30000, 45000, 45000, 45000];
/** Every `*.kloud.test` host reaches the test server through it (see `launch`). */
export const KLOUD_TEST = "www.kloud.test";

/** A free TCP port on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts Xvfb on the first free display (it picks one and writes its number
 * to the pipe on fd 3: no clash with another suite's display).
 */
function startDisplay() {
  const xvfb = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    xvfb.stderr.on("data", (b) => { err += b; });
    xvfb.stdio[3].on("data", (b) => {
      out += b;
      if (out.includes("\n")) resolve({ process: xvfb, display: ":" + out.trim() });
    });
    xvfb.once("error", (e) => reject(new Error(`Xvfb could not start (${e.message}); run scripts/setup.sh test`)));
    xvfb.once("exit", (code) => reject(new Error(`Xvfb exited (${code}): ${err.trim()}`)));
  });
}

/** Resolves once `port` accepts connections (the driver is listening). */
async function listening(port, child, what) {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    const ok = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on port ${port}`);
}

/**
 * Stops `child`: a process group leader (the driver) with everything it
 * started, by SIGKILL; anything else (Xvfb) by SIGTERM, so it removes its
 * lock file and socket.
 */
function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, "SIGKILL"); } catch { child.kill("SIGTERM"); }
}

/**
 * One attempt at a session: a fresh virtual display, a fresh WebKitWebDriver
 * on a free port and a MiniBrowser session through it. Resolves to
 * `{ driver, children }`, or to `{ failed }` (with the driver's last output)
 * when no session is there within `timeoutMs`; the attempt's
 * processes are then already gone.
 */
async function attempt(server, timeoutMs) {
  const children = [];
  const { process: xvfb, display } = await startDisplay();
  children.push(xvfb);
  const port = await freePort();
  // Its own process group, so that MiniBrowser and WebKit's web and network
  // processes (the driver's children) die with it, not one file later.
  // GIO_USE_PROXY_RESOLVER=dummy: MiniBrowser's UI process would otherwise
  // load libproxy to read a desktop's proxy settings it has no use for (the
  // capability's proxy is applied by WebKit's network process itself), and
  // GLib warns of libproxy's threads racing an unsetenv. The silent exits
  // once blamed on it were the `noProxy` crash described below.
  const driverProcess = spawn(DRIVER, [`--port=${port}`], {
    env: { ...process.env, DISPLAY: display, GIO_USE_PROXY_RESOLVER: "dummy" },
    stdio: ["ignore", "pipe", "pipe"], detached: true,
  });
  children.push(driverProcess);
  let log = "";
  const keep = (b) => { log = (log + b).slice(-4000); };
  driverProcess.stdout.on("data", keep);
  driverProcess.stderr.on("data", keep);
  driverProcess.once("error", (e) => keep(`spawn: ${e.message}\n`));
  const stop = () => children.forEach(killGroup);
  try {
    await listening(port, driverProcess, "WebKitWebDriver");
  } catch (e) {
    stop();
    throw new Error(`${e.message}\n${log}`);
  }
  const proxy = server.url.replace(/^http:\/\//, "");
  const session = new Builder()
    .usingServer(`http://127.0.0.1:${port}`)
    .withCapabilities({
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
      // No `noProxy`: WebKitGTK copies that list into a proxy-settings call
      // without the NULL that ends it, and MiniBrowser then crashes at
      // start whenever the memory after it is not zero (a SIGSEGV in
      // g_strdupv under webkit_network_proxy_settings_new, caught in gdb
      // here: 1 start in 10 or so, in runs). Nothing needs it: the proxy is
      // the test server itself, which serves 127.0.0.1 in absolute form too.
      proxy: { proxyType: "manual", httpProxy: proxy },
    })
    .build();
  let timer;
  let watch;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
  // Should MiniBrowser exit before the session is made (as it did with the
  // `noProxy` crash), the driver waits for it for ever. Once it has been
  // seen and is gone, this attempt is over (no need to sit out the timeout).
  const died = new Promise((resolve) => {
    let seen = false;
    watch = setInterval(() => {
      const running = execSync(`ps -o comm= -g ${driverProcess.pid} || true`).toString().includes("MiniBrowser");
      if (seen && !running) {
        keep("MiniBrowser exited before the session was made\n");
        resolve(null);
      }
      seen ||= running;
    }, 250);
  });
  const driver = await Promise.race([
    session.then((d) => d, (e) => { keep(`session: ${e.message}\n`); return null; }), timeout, died,
  ]);
  clearTimeout(timer);
  clearInterval(watch);
  if (driver) return { driver, children };
  session.then((late) => late.quit().catch(() => {}), () => {});
  // What was still running: whether MiniBrowser died or hangs.
  keep(execSync(`ps -o pid,stat,etimes,args -g ${driverProcess.pid} || true`).toString());
  stop();
  return { failed: log.trim().split("\n").slice(-15).join("\n") || "(the driver printed nothing)" };
}

/**
 * The virtual display, WebKitWebDriver and a MiniBrowser session, plus the
 * test server; call from `before`, and `close()` from `after`. The children
 * are also killed if the test process exits without `after` (a crash).
 * MiniBrowser's HTTP proxy is the test server itself, which answers
 * absolute-form requests for any host: so `http://www.kloud.test:<port>/`
 * is the same server under a real domain (host-only and `Domain=` cookies).
 *
 * Should MiniBrowser still fail to come up (it exits at once and
 * WebKitWebDriver then never answers the new-session request; `attempt`
 * notices within a quarter second), each retry starts from nothing: a new
 * display as well as a new driver on a new port.
 */
export async function launch() {
  const server = await startServer();
  let children = [];
  const kill = () => children.forEach(killGroup);
  process.once("exit", kill);
  try {
    let driver = null;
    for (const [i, timeoutMs] of SESSION_TIMEOUTS_MS.entries()) {
      const result = await attempt(server, timeoutMs);
      if (result.driver) {
        ({ driver, children } = result);
        break;
      }
      const why = `no MiniBrowser session (attempt ${i + 1} of ${SESSION_TIMEOUTS_MS.length}); the driver's last output:\n${result.failed}`;
      if (i + 1 === SESSION_TIMEOUTS_MS.length) throw new Error(why);
      console.warn(`webkit.mjs: ${why}\nwebkit.mjs: trying again on a new display`);
    }
    return {
      server,
      driver,
      /** The server's origin under a `*.kloud.test` name (through the proxy). */
      kloudOrigin: `http://${KLOUD_TEST}:${new URL(server.url).port}`,
      async close() {
        await driver.quit().catch(() => {});
        kill();
        process.removeListener("exit", kill);
        await server.close();
      },
    };
  } catch (e) {
    kill();
    process.removeListener("exit", kill);
    await server.close();
    throw e;
  }
}

/** Runs `fn` in the page with `args`; returns its (JSON-able) result. */
export const js = (d, fn, ...args) => d.executeScript(`return (${fn}).apply(null, arguments)`, ...args);
/** Runs an async `fn` in the page and waits for its result. */
export const jsAsync = (d, fn, ...args) => d.executeAsyncScript(
  `const done = arguments[arguments.length - 1];
   Promise.resolve((${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
     .then(done, (e) => done({ __error: String(e) }));`, ...args);

/** Waits until `fn` (run in the page) returns something truthy. */
export async function until(d, fn, what, timeout = 10000, ...args) {
  await d.wait(() => js(d, fn, ...args), timeout, `waiting for ${what}`);
  return js(d, fn, ...args);
}

export const get = (d) => js(d, () => window.kloudconsent.get());
export const gatedRuns = (d) => js(d, () => window.__gatedRuns || []);
export const eventNames = (d) => js(d, () => window.__events.map((e) => e.name));
export const pageErrors = (d) => js(d, () => window.__errors);
export const storedLocal = (d) => js(d, () => localStorage.getItem("kloudconsent"));
/** The raw `kloudconsent` cookies the page can read (two: host-only and domain). */
export const pageCookies = (d) => js(d, () => document.cookie.split("; ")
  .filter((c) => c.startsWith("kloudconsent=")).map((c) => c.slice("kloudconsent=".length)));

/**
 * Clears cookies and localStorage of `origin` (from a page without the
 * widget), then opens `path` there and waits for the widget's ready event.
 * The page must record events (tests/e2e/pages/record.js, or `hostPage`).
 */
export async function fresh(env, path, origin = env.server.url) {
  await clear(env, origin);
  return open(env, path, origin);
}

/**
 * Leaves `origin` (open on a page without the widget) with no cookies and
 * no localStorage. WebKit keeps a copy of the cookies in the page's own
 * process, updated from the network process asynchronously: it waits until
 * the page itself sees no cookie, or a cookie set right after could be
 * wiped by the late update.
 */
export async function clear(env, origin = env.server.url) {
  const d = env.driver;
  await d.get(origin + "/fixtures/plain.html");
  await d.manage().deleteAllCookies();
  await js(d, () => { localStorage.clear(); sessionStorage.clear(); });
  await until(d, () => document.cookie === "", "the cookies to be gone");
}

/**
 * Sets raw `document.cookie` strings on the page that is open, as a site's
 * script would, and waits until the browser's cookie store (what the next
 * page load reads) holds as many `kloudconsent` cookies as the page sees.
 */
export async function setCookies(env, cookies) {
  const d = env.driver;
  const seen = await js(d, (cookies) => {
    for (const c of cookies) document.cookie = c;
    return document.cookie.split("; ").filter((c) => c.startsWith("kloudconsent=")).length;
  }, cookies);
  await d.wait(async () => (await d.manage().getCookies()).filter((c) => c.name === "kloudconsent").length === seen,
    10000, "the planted cookies in the cookie store");
}

/** Opens `path` (keeping storage) and waits for the ready event. */
export async function open(env, path, origin = env.server.url) {
  await env.driver.get(origin + path);
  await until(env.driver, () => (window.__events || []).some((e) => e.name === "ready"), "ready", 20000);
}

let generated = 0;
/**
 * Serves a host page at a new path and returns that path: record.js first
 * (page errors and every kloudconsent:* event), then `head`, an inline
 * config, the embed tag with `scriptAttrs`, and `body`. A `?csp=strict` or
 * `?csp=nonce` on the returned path adds that Content-Security-Policy.
 */
export function hostPage(env, { config, scriptAttrs = "", head = "", body = "" } = {}) {
  const path = `/fixtures/webkit-${++generated}.html`;
  const inline = config === undefined ? ""
    : `<script type="application/json" id="kloudconsent-config">${typeof config === "string" ? config : JSON.stringify(config)}</script>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>generated host</title>
<script src="/fixtures/record.js"></script>${head}
${inline}
<script src="/kloudconsent.js" ${scriptAttrs} defer></script></head>
<body><h1>Generated host page</h1><a href="#" id="open-prefs" data-kloudconsent-open>Manage Cookie Preferences</a>
${body}</body></html>`;
  env.server.routes.set(path, async (req, res, url) => {
    const headers = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };
    const csp = cspFor(url);
    if (csp) headers["content-security-policy"] = csp;
    res.writeHead(200, headers);
    res.end(html);
  });
  return path;
}

/** The widget's shadow root (a WebDriver ShadowRoot), waiting for the host. */
export async function shadow(d) {
  await d.wait(async () => (await d.findElements(By.css("kloud-consent"))).length > 0, 10000, "the widget's host");
  return (await d.findElement(By.css("kloud-consent"))).getShadowRoot();
}

/**
 * Whether the banner is drawn. The widget draws a task after its ready
 * event (and its host element only then): 50 ms and a task are let pass
 * first, so a slow machine does not read "not yet drawn" as "no banner".
 * (Timers, not frames: a window out of sight may draw no frames.)
 */
export async function bannerShown(d) {
  await jsAsync(d, () => new Promise((r) => setTimeout(() => setTimeout(r, 0), 50)));
  const hosts = await d.findElements(By.css("kloud-consent"));
  if (hosts.length === 0) return false;
  return (await (await hosts[0].getShadowRoot()).findElements(By.css(".kc-banner"))).length === 1;
}

/** The button named `name` (text or aria-label) inside `scopeCss` in the shadow root. */
export async function button(d, scopeCss, name) {
  const root = await shadow(d);
  await d.wait(async () => (await root.findElements(By.css(scopeCss))).length > 0, 10000, scopeCss);
  // By text content, not WebDriver's rendered text: that is empty while an
  // entrance animation still has the dialog transparent.
  for (const b of await root.findElements(By.css(`${scopeCss} button`))) {
    const label = await js(d, (el) => el.getAttribute("aria-label") || el.textContent.trim(), b);
    if (label === name) return b;
  }
  throw new Error(`no button ${name} in ${scopeCss}`);
}

/** Waits for the preference tool (its switches are drawn) and returns the shadow root. */
export async function toolShown(d) {
  const root = await shadow(d);
  await d.wait(async () => (await root.findElements(By.css("[role=dialog] [role=switch]"))).length > 0,
    15000, "the preference tool");
  return root;
}

/**
 * Resizes the window, centred on the 1280×1024 display. Xvfb has no window
 * manager: the window under the pointer (the display's centre) has the
 * keyboard focus, and a window shrunk at 0,0 leaves it, so `:focus` and
 * `document.hasFocus()` stop matching and focus checks pass for the wrong
 * reason. Fails when the window has lost focus all the same.
 */
export async function resizeWindow(d, width, height) {
  await d.manage().window().setRect({
    x: Math.max(0, Math.round((1280 - width) / 2)), y: Math.max(0, Math.round((1024 - height) / 2)), width, height,
  });
  await d.wait(() => js(d, () => document.hasFocus()), 5000, `the window has focus at ${width}×${height}`);
}

/** Waits until no dialog is drawn. */
export async function toolGone(d) {
  await until(d, () => !document.querySelector("kloud-consent")?.shadowRoot?.querySelector("[role=dialog]"),
    "the dialog to close");
}

/** Presses keys through WebDriver's actions (real key events in WebKit). */
export async function press(d, ...keys) {
  for (const key of keys) {
    if (Array.isArray(key)) {
      // [modifier, key]: e.g. [Key.SHIFT, Key.TAB]
      await d.actions().keyDown(key[0]).sendKeys(key[1]).keyUp(key[0]).perform();
    } else {
      await d.actions().sendKeys(key).perform();
    }
  }
}

/**
 * What has focus, as "role:name" inside the widget ("button:Accept all",
 * "switch:Security", "dialog"), or "page:<tag>#id" in the page (as
 * tests/e2e/a11y-helpers.mjs `focused`).
 */
export const focused = (d) => js(d, () => {
  const root = document.querySelector("kloud-consent")?.shadowRoot;
  const inner = root && root.activeElement;
  if (!inner) {
    const a = document.activeElement;
    return `page:${a.tagName.toLowerCase()}${a.id ? "#" + a.id : ""}`;
  }
  const role = inner.getAttribute("role") || { A: "link", BUTTON: "button" }[inner.tagName] || inner.tagName;
  if (role === "dialog") return "dialog";
  const name = inner.getAttribute("aria-label") || inner.labels?.[0]?.textContent || inner.textContent;
  return `${role}:${name.trim()}`;
});

/**
 * What has focus once it is `expected`, or after 3 s whatever has it then.
 * The tool's dialog takes focus in a Yew effect, and Yew's scheduler may run
 * effects one task after it drew the dialog (it yields every 16 ms), so a
 * check made the moment the switches appear can come too early.
 */
export async function focusedSoon(d, expected) {
  const deadline = Date.now() + 3000;
  let now = await focused(d);
  while (now !== expected && Date.now() < deadline) {
    await d.sleep(25);
    now = await focused(d);
  }
  return now;
}

/** Waits until `n` gated scripts have run. */
export const waitRuns = (d, n) => until(d, (n) => (window.__gatedRuns || []).length >= n, `${n} gated runs`, 10000, n);

/**
 * Lets the page settle: two animation frames and a short timer, so released
 * scripts and deferred work have run. Not a timing assertion: what follows
 * checks that nothing *more* happened.
 */
export const settle = (d) => jsAsync(d, () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 150)))));

const DAY = 86400000;
/** A valid localStorage record (JSON text), as the widget writes it. */
export function localRecord({ revision = 1, decided = Date.now() - DAY, expires = Date.now() + 100 * DAY,
  method = "custom", id = "LocalIdLocalIdLocalId1", analytics = false, marketing = true } = {}) {
  return JSON.stringify({
    v: 1,
    categories: { necessary: true, analytics, functionality: false, security: true, marketing },
    method, revision, decidedAt: new Date(decided).toISOString(),
    expiresAt: new Date(expires).toISOString(), id,
  });
}
export { consentCookie } from "../e2e/helpers.mjs";
