// Makes the publish-ready npm package `kloudconsent` from the release build.
//
//   bash scripts/build.sh            # dist/
//   node scripts/package.mjs --release   # target/package/kloudconsent-<version>.tgz
//   npm publish target/package/kloudconsent-<version>.tgz
//
// The repo's own package.json is the dev tooling's (private, never
// published). The package is assembled in target/package/kloudconsent/ from
// package/ (its package.json, README, type declarations and config schema),
// CHANGELOG.md, the licences and dist/ (everything a site serves: the loader,
// the wasm, the preference tool, their .br/.gz copies and whatever else the
// build puts there, except the demo page and its assets), then `npm pack`
// makes the tarball. It refuses a dist/ built for another version, and
// versions that disagree (CONTRIBUTING.md, "Releasing").
//
// Options: --dist DIR (default dist/), --out DIR (default target/package/),
// --release (refuse while CHANGELOG.md lists unreleased changes).
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { VERSION } from "../www/version.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** The hand-kept files of the package, in package/. */
const TEMPLATE = join(ROOT, "package");
/** Files of the repo root the package carries as they are. */
const FROM_ROOT = ["CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE", "THIRD-PARTY-NOTICES.md"];
/** Top-level names in dist/ that are the demo page and its assets, not the widget. */
export const DEMO_ONLY = /^(index\.html(\.br|\.gz)?|demo)$/;

/** The files of `dist` that go into the package, as paths relative to it (sorted). */
export function packagedDistFiles(dist) {
  const out = [];
  const walk = (dir, rel) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (!rel && DEMO_ONLY.test(entry.name)) continue;
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
      else out.push(path);
    }
  };
  walk(dist, "");
  return out.sort();
}

/** The version of the newest release in a Keep a Changelog text (the first `## [x.y.z]` after Unreleased). */
export function changelogVersion(text) {
  const m = /^## \[(\d+\.\d+\.\d+[^\]]*)\] - \d{4}-\d{2}-\d{2}\s*$/m.exec(text);
  if (!m) throw new Error("CHANGELOG.md: no `## [x.y.z] - YYYY-MM-DD` release heading");
  return m[1];
}

/**
 * The entries under `## [Unreleased]` in a Keep a Changelog text (empty when
 * it has none): changes made since the newest release, which a tarball
 * carrying that release's version would ship under its name.
 */
export function unreleasedEntries(text) {
  const m = /^## \[Unreleased\]\s*$([\s\S]*?)^## \[/m.exec(text);
  return m ? m[1].split("\n").filter((line) => /^\s*- /.test(line)) : [];
}

/** Throws unless the template, the changelog and dist/kloudconsent.js all carry VERSION. */
function checkVersions(dist) {
  const problems = [];
  const template = JSON.parse(readFileSync(join(TEMPLATE, "package.json"), "utf8")).version;
  if (template !== VERSION) problems.push(`package/package.json says ${template}`);
  const changelog = changelogVersion(readFileSync(join(ROOT, "CHANGELOG.md"), "utf8"));
  if (changelog !== VERSION) problems.push(`CHANGELOG.md's newest release is ${changelog}`);
  const loader = readFileSync(join(dist, "kloudconsent.js"), "utf8");
  if (!loader.startsWith(`/*! KloudConsent ${VERSION} |`)) {
    problems.push(`${join(dist, "kloudconsent.js")} was not built for ${VERSION} (run bash scripts/build.sh)`);
  }
  if (problems.length) {
    throw new Error(`package.mjs: Cargo.toml's version is ${VERSION}, but ${problems.join("; ")}`);
  }
}

/**
 * Assembles `<out>/kloudconsent/` and packs it. Returns `{dir, tarball,
 * files}`: the staging directory, the tarball's path, and the paths the
 * tarball holds (as `npm pack` lists them).
 */
export function buildPackage({ dist = join(ROOT, "dist"), out = join(ROOT, "target", "package") } = {}) {
  dist = resolve(dist);
  out = resolve(out);
  for (const file of ["kloudconsent.js", "kloudconsent_bg.wasm", "kloudconsent-tool.js", "kloudconsent-tool_bg.wasm"]) {
    if (!existsSync(join(dist, file))) throw new Error(`package.mjs: ${join(dist, file)} is missing (run bash scripts/build.sh)`);
  }
  checkVersions(dist);
  const dir = join(out, "kloudconsent");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "dist"), { recursive: true });
  for (const name of readdirSync(TEMPLATE)) cpSync(join(TEMPLATE, name), join(dir, name));
  for (const name of FROM_ROOT) cpSync(join(ROOT, name), join(dir, name));
  for (const rel of packagedDistFiles(dist)) cpSync(join(dist, rel), join(dir, "dist", rel));
  // --ignore-scripts: the package has none, and the repo's must not run.
  const report = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], {
    cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
  }))[0];
  return { dir, tarball: join(out, report.filename), files: report.files.map((f) => f.path).sort() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  // A release must not carry changes the changelog lists as unreleased
  // (CONTRIBUTING.md, "Releasing", step 1): --release refuses them; any
  // other tarball (to install before a release) says what it is.
  const unreleased = unreleasedEntries(readFileSync(join(ROOT, "CHANGELOG.md"), "utf8"));
  if (unreleased.length) {
    const why = `CHANGELOG.md lists ${unreleased.length} unreleased changes since ${VERSION}`;
    if (process.argv.includes("--release")) {
      console.error(`package.mjs: ${why}: make them a release first (CONTRIBUTING.md, "Releasing", step 1).`);
      process.exit(1);
    }
    console.warn(`== package: note: ${why}; this tarball is not release ${VERSION}'s contents. Not for npm publish.`);
  }
  const { tarball, files } = buildPackage({ dist: arg("--dist"), out: arg("--out") });
  console.log(`== package: kloudconsent ${VERSION}, ${files.length} files`);
  for (const f of files) console.log(`  ${f}`);
  console.log(`== package: ${tarball}`);
  console.log(`publish with: npm publish ${tarball}`);
}
