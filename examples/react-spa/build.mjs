// Builds the example into build/ (or --out DIR): the app bundled by esbuild,
// index.html and public/, and the widget's files under kloudconsent/, the way
// a site self-hosts them: copied from the installed npm package
// (node_modules/kloudconsent/dist/), or, inside the KloudConsent repo, from
// its release build (dist/). `--widget DIR` picks another copy.
//
//   node build.mjs            build/
//   node build.mjs --serve    build, then serve it on http://127.0.0.1:8000/
//                             (unknown paths answer index.html, for the routes)
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/** The widget's dist/: --widget, else the npm package's, else the repo's build. */
function widgetDir() {
  if (arg("--widget")) return resolve(arg("--widget"));
  try {
    return join(dirname(createRequire(import.meta.url).resolve("kloudconsent/package.json")), "dist");
  } catch {
    return join(here, "..", "..", "dist");
  }
}

export async function build(out = resolve(arg("--out") || join(here, "build")), widget = widgetDir()) {
  if (!existsSync(join(widget, "kloudconsent.js"))) {
    throw new Error(`no kloudconsent.js in ${widget}: install kloudconsent, or build the widget (bash scripts/build.sh)`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [join(here, "src", "main.jsx")],
    outfile: join(out, "app.js"),
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2020",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  cpSync(join(here, "index.html"), join(out, "index.html"));
  cpSync(join(here, "public"), out, { recursive: true });
  // Everything a site serves; the repo's dist/ also has a demo page, left out.
  for (const name of readdirSync(widget)) {
    if (/^(index\.html(\.br|\.gz)?|demo)$/.test(name)) continue;
    cpSync(join(widget, name), join(out, "kloudconsent", name), { recursive: true });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await build();
  console.log(`built ${out}`);
  if (process.argv.includes("--serve")) {
    const ctx = await esbuild.context({});
    const { port } = await ctx.serve({ servedir: out, host: "127.0.0.1", port: 8000, fallback: join(out, "index.html") });
    console.log(`serving on http://127.0.0.1:${port}/`);
  }
}
