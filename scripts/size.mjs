// The byte ratchet: what each part of the widget costs as served (brotli,
// as precompressed by www/assemble.mjs), against the budgets committed in
// scripts/size-budget.json. Bytes are deterministic for the pinned
// toolchain, so a part that grows past its budget fails the build: a stray
// `format!` cannot silently undo the size work. When a part shrinks, lower
// its budget in the same commit (the output says to what).
//
// Usage: node scripts/size.mjs [dist] [--check]
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const check = args.includes("--check");
const dist = args.find((a) => !a.startsWith("--")) || "dist";
const budgets = JSON.parse(readFileSync(join(here, "size-budget.json"), "utf8"));

// Each part: the files a page fetches for it.
const PARTS = {
  core: { files: ["kloudconsent.js", "kloudconsent_bg.wasm"], what: "every page (engine, banner, API)" },
  tool: { files: ["kloudconsent-tool.js", "kloudconsent-tool_bg.wasm"], what: "the preference tool, when opened" },
  embeds: { files: ["kloudconsent-embeds.js"], what: "the embeds' placeholders, on pages with a gated embed" },
};

const size = (f) => statSync(join(dist, f)).size;
let failed = false;
for (const [name, part] of Object.entries(PARTS)) {
  if (!part.files.every((f) => existsSync(join(dist, f)))) {
    if (budgets[name] !== undefined) {
      console.log(`${name.padEnd(13)} missing from ${dist}/ (${part.files.join(", ")})`);
      failed = true;
    }
    continue;
  }
  let total = 0;
  for (const f of part.files) {
    const br = size(f + ".br");
    total += br;
    console.log(`  ${f.padEnd(28)} ${String(size(f)).padStart(7)} B raw ${String(br).padStart(7)} B brotli`);
  }
  const budget = budgets[name];
  let verdict = "no budget";
  if (budget !== undefined) {
    if (total > budget) {
      verdict = `OVER its budget of ${budget} B by ${total - budget} B`;
      failed = true;
    } else if (budget - total > 200) {
      verdict = `within ${budget} B (shrank: lower the budget in scripts/size-budget.json to ${total})`;
    } else {
      verdict = `within ${budget} B`;
    }
  }
  console.log(`${name.padEnd(13)} ${String(total).padStart(7)} B brotli, ${part.what}: ${verdict}`);
}
if (failed && check) {
  console.error("size.mjs: a part of the widget is over its committed byte budget (see above).");
  process.exit(1);
}
