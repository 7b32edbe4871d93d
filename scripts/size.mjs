// Prints what a page fetches for the widget, raw and as served (brotli, as
// precompressed by www/assemble.mjs), against the 45 KB budget (issue #7).
// Usage: node scripts/size.mjs [dist]
import { statSync } from "node:fs";
import { join } from "node:path";

const BUDGET = 45_000; // bytes, brotli: kloudconsent.js + kloudconsent_bg.wasm
const dist = process.argv[2] || "dist";
const files = ["kloudconsent_bg.wasm", "kloudconsent.js"];
const size = (f) => statSync(join(dist, f)).size;
let total = 0;
for (const f of files) {
  const br = size(f + ".br");
  total += br;
  console.log(`${f.padEnd(22)} ${String(size(f)).padStart(7)} B raw ${String(br).padStart(7)} B brotli ${String(size(f + ".gz")).padStart(7)} B gzip`);
}
const verdict = total <= BUDGET ? "within" : `over by ${total - BUDGET} B`;
console.log(`${"total as served".padEnd(22)} ${String(total).padStart(19)} B brotli (budget ${BUDGET} B: ${verdict})`);
