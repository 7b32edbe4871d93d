// One version number everywhere (CONTRIBUTING.md, "Releasing"): the
// workspace version in Cargo.toml is the release; every crate, package.json
// (the dev tooling's, the npm package's and the example's), CHANGELOG.md's
// newest release, the built kloudconsent.js and every pinned
// `kloudconsent@x.y.z` URL in the docs say the same. The runtime
// `kloudconsent.version` is checked on the installed package
// (package.test.mjs). Host-side: no browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { VERSION, VERSION_PLACEHOLDER, workspaceVersion } from "../../www/version.mjs";
import { changelogVersion } from "../../scripts/package.mjs";
import { ROOT, docFiles } from "./docs-snippets-extract.mjs";

const read = (rel) => readFileSync(join(ROOT, rel), "utf8");
const json = (rel) => JSON.parse(read(rel));

test("the workspace version is a semantic version, and www/version.mjs reads it", () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  assert.equal(workspaceVersion(read("Cargo.toml")), VERSION);
  assert.throws(() => workspaceVersion('[package]\nversion = "1.0.0"\n'), /workspace\.package/);
  assert.equal(workspaceVersion('[workspace.package]\nedition = "2021"\nversion = "2.3.4"\n\n[dependencies]\nversion = "9"\n'), "2.3.4");
});

test("every crate of the workspace has the workspace version", () => {
  const meta = JSON.parse(execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--offline"],
    { cwd: ROOT, encoding: "utf8" }));
  // A stand-in patched over a crates.io crate ([patch.crates-io] in the root
  // Cargo.toml) carries that crate's name and version, not ours.
  const STAND_INS = { console_error_panic_hook: "0.1.7", tokise: "0.2.1", gloo: "0.11.0" };
  const ours = meta.packages.filter((p) => !(p.name in STAND_INS));
  const versions = Object.fromEntries(ours.map((p) => [p.name, p.version]));
  assert.ok(Object.keys(versions).length >= 4, `the workspace's crates: ${Object.keys(versions)}`);
  for (const [name, version] of Object.entries(versions)) assert.equal(version, VERSION, `crate ${name}`);
  // Inherited, not repeated: one place to change.
  for (const manifest of ours.map((p) => p.manifest_path)) {
    assert.match(readFileSync(manifest, "utf8"), /^version\.workspace = true$/m, `${manifest} inherits the version`);
  }
  const root = read("Cargo.toml");
  for (const p of meta.packages.filter((p) => p.name in STAND_INS)) {
    assert.equal(p.version, STAND_INS[p.name], `stand-in ${p.name} keeps the version of the crate it replaces`);
    assert.match(root, new RegExp(`^${p.name} = \\{ path = "`, "m"), `stand-in ${p.name} is patched in`);
  }
});

test("package.json, the npm package's and the example's say the same version", () => {
  assert.equal(json("package.json").version, VERSION, "package.json (dev tooling)");
  const pkg = json("package/package.json");
  assert.equal(pkg.name, "kloudconsent");
  assert.equal(pkg.version, VERSION, "package/package.json (the npm package)");
  const example = json("examples/react-spa/package.json");
  assert.equal(example.version, VERSION, "examples/react-spa/package.json");
  assert.equal(example.dependencies.kloudconsent, VERSION, "the example depends on this release");
});

test("CHANGELOG.md keeps a changelog, newest release first, and that is this version", () => {
  const text = read("CHANGELOG.md");
  assert.equal(changelogVersion(text), VERSION);
  assert.match(text, /^# Changelog$/m);
  assert.match(text, /keepachangelog\.com/);
  const headings = [...text.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
  assert.equal(headings[0], "[Unreleased]", "an Unreleased section comes first");
  const releases = headings.slice(1).map((h) => {
    const m = /^\[(\d+)\.(\d+)\.(\d+)[^\]]*\] - (\d{4}-\d{2}-\d{2})$/.exec(h);
    assert.ok(m, `release heading "## ${h}" is "## [x.y.z] - YYYY-MM-DD"`);
    return m.slice(1, 4).map(Number);
  });
  for (let i = 1; i < releases.length; i++) {
    const [a, b] = [releases[i - 1], releases[i]];
    assert.ok(a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] > b[2]))), "newest release first");
  }
  const kinds = [...text.matchAll(/^### (.*)$/gm)].map((m) => m[1]);
  for (const kind of kinds) assert.ok(["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"].includes(kind), `### ${kind}`);
  assert.throws(() => changelogVersion("# Changelog\n## [Unreleased]\n"), /release heading/);
});

test("the loader takes its version from the build, and the built kloudconsent.js carries it", (t) => {
  const loader = read("www/loader.js");
  assert.equal(loader.split(VERSION_PLACEHOLDER).length, 2, "www/loader.js has one version placeholder");
  assert.ok(!/version:\s*"\d/.test(loader), "www/loader.js hard-codes no version");
  const built = join(ROOT, "dist", "kloudconsent.js");
  if (!existsSync(built)) return t.skip("no dist/ (run bash scripts/build.sh)");
  const js = readFileSync(built, "utf8");
  assert.ok(js.startsWith(`/*! KloudConsent ${VERSION} |`), "the licence banner names the version");
  assert.ok(js.includes(`"${VERSION}"`), "kloudconsent.version");
  assert.ok(!js.includes(VERSION_PLACEHOLDER), "no placeholder left");
  assert.ok(readFileSync(join(ROOT, "dist", "kloudconsent-tool.js"), "utf8").startsWith(`/*! KloudConsent preference tool ${VERSION} |`));
  assert.ok(readFileSync(join(ROOT, "dist", "kloudconsent-embeds.js"), "utf8").startsWith(`/*! KloudConsent embeds ${VERSION} |`));
});

test("every pinned kloudconsent@x.y.z in the docs, the package, the schema and the examples is this version", () => {
  const files = [
    ...docFiles(), "package/README.md", "package/kloudconsent.schema.json", "package/kloudconsent.d.ts",
    "CONTRIBUTING.md", "tests/types/usage.ts",
    ...walk("examples").filter((f) => /\.(md|json|html|jsx?|mjs)$/.test(f)),
  ];
  let pins = 0;
  for (const file of files) {
    for (const m of read(file).matchAll(/kloudconsent@([0-9][^/"'\s)`]*)/g)) {
      pins++;
      assert.equal(m[1], VERSION, `${file}: kloudconsent@${m[1]}`);
    }
  }
  assert.ok(pins >= 5, `pinned URLs found: ${pins}`);
  assert.equal(json("package/kloudconsent.schema.json").$id,
    `https://cdn.jsdelivr.net/npm/kloudconsent@${VERSION}/kloudconsent.schema.json`);
});

/** Files under `dir` (relative to the repo), skipping build output and node_modules. */
function walk(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return ["node_modules", "build"].includes(e.name) ? [] : walk(rel);
    return [rel];
  });
}
