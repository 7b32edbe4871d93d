// Writes THIRD-PARTY-NOTICES.md: the crates compiled into the widget's two
// wasm modules (the core and the preference tool), each with its licence
// and its MIT licence text (copyright line included), which the MIT licence
// asks to travel with every copy. The npm package carries the file
// (scripts/package.mjs).
//
//   node scripts/third-party-notices.mjs           # writes the file
//   node scripts/third-party-notices.mjs --check   # exits 1 if it is out of date
//
// The crates are what `cargo metadata` resolves for wasm32 from the two
// packages through normal dependencies, stopping at procedural macros (they
// run in the compiler; none of their code ships). Rust's own standard
// library is compiled in too and is listed first. Every crate here offers
// MIT (alone or as a choice); the notices use it.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const NOTICES = join(ROOT, "THIRD-PARTY-NOTICES.md");
const SHIPPED_FROM = ["kloudconsent", "kloudconsent-tool"];

/** The crates (non-workspace packages) compiled into the wasm modules, sorted. */
export function shippedCrates() {
  const metadata = JSON.parse(execFileSync("cargo", [
    "metadata", "--offline", "--format-version", "1", "--filter-platform", "wasm32-unknown-unknown",
  ], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 }));
  const byId = new Map(metadata.packages.map((p) => [p.id, p]));
  const nodes = new Map(metadata.resolve.nodes.map((n) => [n.id, n]));
  const workspace = new Set(metadata.workspace_members);
  const isMacro = (p) => p.targets.some((t) => t.kind.includes("proc-macro"));
  const seen = new Set();
  const stack = metadata.packages.filter((p) => SHIPPED_FROM.includes(p.name)).map((p) => p.id);
  while (stack.length) {
    const id = stack.pop();
    if (seen.has(id) || isMacro(byId.get(id))) continue;
    seen.add(id);
    for (const dep of nodes.get(id).deps) {
      if (dep.dep_kinds.some((k) => k.kind === null)) stack.push(dep.pkg);
    }
  }
  return [...seen].filter((id) => !workspace.has(id)).map((id) => byId.get(id))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** A crate's MIT licence text: its LICENSE-MIT (or its only licence file, when the crate is MIT alone). */
function mitText(pkg) {
  const dir = dirname(pkg.manifest_path);
  const files = readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f));
  const mit = files.find((f) => /mit/i.test(f))
    || (/^MIT$/.test(pkg.license) && files.length === 1 ? files[0] : null)
    || files.find((f) => /^COPYING/i.test(f) && /MIT/.test(readFileSync(join(dir, f), "utf8")));
  if (!mit) return null;
  let text = readFileSync(join(dir, mit), "utf8").trim();
  // memchr's COPYING names its licences and points at LICENSE-MIT.
  if (!/Permission is hereby granted/.test(text)) return null;
  return text;
}

const MIT_TEMPLATE = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

/** The file's text. */
export function notices() {
  const crates = shippedCrates();
  const out = [
    "# Third-party notices",
    "",
    "The widget's WebAssembly modules (`kloudconsent_bg.wasm`, `kloudconsent-tool_bg.wasm`)",
    "contain code of the crates below, and of Rust's standard library. Each is",
    "used under the MIT licence (for those that offer a choice, the choice made",
    "here); its notice follows. Made by `node scripts/third-party-notices.mjs`.",
    "",
    "| crate | version | licence |",
    "|---|---|---|",
    "| Rust standard library (`core`, `alloc`, `std`) | the nightly toolchain's | MIT OR Apache-2.0 |",
    ...crates.map((c) => `| ${c.name} | ${c.version} | ${c.license} |`),
    "",
    "## Rust standard library",
    "",
    "Copyright (c) The Rust Project Contributors",
    "",
    "```text",
    MIT_TEMPLATE,
    "```",
  ];
  for (const c of crates) {
    out.push("", `## ${c.name} ${c.version}`, "");
    const who = `Copyright (c) ${(c.authors || []).join(", ") || `the ${c.name} authors`}`;
    const text = mitText(c);
    // A crate's file without a copyright line: its authors from Cargo.toml.
    if (!text || !/^\s*copyright\b/im.test(text)) out.push(who, "");
    out.push("```text", text || MIT_TEMPLATE, "```");
    // Data under the Unicode licence (unicode-ident's tables) carry its text too.
    const unicode = /Unicode/.test(c.license) && readdirSync(dirname(c.manifest_path))
      .find((f) => /^LICENSE-UNICODE/i.test(f));
    if (unicode) {
      out.push("", "```text", readFileSync(join(dirname(c.manifest_path), unicode), "utf8").trim(), "```");
    }
  }
  return out.join("\n") + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = notices();
  if (process.argv.includes("--check")) {
    const current = readFileSync(NOTICES, "utf8");
    if (current !== text) {
      console.error("THIRD-PARTY-NOTICES.md is out of date: run node scripts/third-party-notices.mjs");
      process.exit(1);
    }
  } else {
    writeFileSync(NOTICES, text);
    console.log(`THIRD-PARTY-NOTICES.md: ${shippedCrates().length} crates`);
  }
}
