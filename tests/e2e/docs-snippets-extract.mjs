// Finds the code blocks of README.md and docs/*.md that a site would paste.
//
// Convention (CONTRIBUTING.md, "The docs' snippets are tested"): the line
// right before the opening fence is a marker,
//
//   <!-- snippet: KIND -->  or  <!-- snippet: KIND {"option": ...} -->
//
// and blocks that only show a shape carry `<!-- illustration -->` instead.
// Every `html`, `json`, `js` or `css` block must carry one of the two, so a
// new pasteable block cannot slip in untested.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Which fence language each kind expects. */
export const KINDS = { config: "json", html: "html", js: "js", css: "css" };
const OPTIONS = ["config", "body", "colorScheme", "serveAs", "expectRequests"];
const CHECKED_LANGUAGES = new Set(Object.values(KINDS));

/** The Markdown files whose snippets are tested: README.md, docs/*.md and the npm package's README. */
export function docFiles(root = ROOT) {
  const docs = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort();
  return ["README.md", ...docs.map((f) => join("docs", f)), join("package", "README.md")];
}

/**
 * The marked snippets of one Markdown text: `{file, line, kind, options,
 * code}`, `line` being the fence's 1-based line. Throws on a malformed or
 * unknown marker, a marker whose kind does not fit the fence's language, an
 * unmarked block in a checked language, or an unclosed fence.
 */
export function extractSnippets(text, file = "(text)") {
  const lines = text.split("\n");
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== fence) end++;
    if (end >= lines.length) throw new Error(`${file}:${i + 1}: unclosed code fence`);
    const code = lines.slice(i + 1, end).map((l) => l.startsWith(indent) ? l.slice(indent.length) : l).join("\n");
    const marker = parseMarker(lines[i - 1] || "", `${file}:${i}`);
    if (marker === "illustration") {
      // Shown, not pasted.
    } else if (marker) {
      if (KINDS[marker.kind] !== lang) {
        throw new Error(`${file}:${i + 1}: a \`${marker.kind}\` snippet needs a \`${KINDS[marker.kind]}\` fence, not \`${lang}\``);
      }
      out.push({ file, line: i + 1, kind: marker.kind, options: marker.options, code });
    } else if (CHECKED_LANGUAGES.has(lang)) {
      throw new Error(`${file}:${i + 1}: a \`${lang}\` block needs <!-- snippet: KIND --> (tested) or <!-- illustration --> (not pasted) on the line before`);
    }
    i = end;
  }
  return out;
}

/** null (no marker), "illustration", or {kind, options}. */
function parseMarker(line, where) {
  const m = /^\s*<!--\s*(snippet:|illustration)(.*?)-->\s*$/.exec(line);
  if (!m) return null;
  if (m[1] === "illustration") {
    if (m[2].trim()) throw new Error(`${where}: <!-- illustration --> takes nothing more`);
    return "illustration";
  }
  const rest = m[2].trim();
  const kind = /^\w+/.exec(rest)?.[0];
  if (!kind || !KINDS[kind]) throw new Error(`${where}: unknown snippet kind in \`${line.trim()}\` (known: ${Object.keys(KINDS).join(", ")})`);
  const json = rest.slice(kind.length).trim();
  let options = {};
  if (json) {
    try { options = JSON.parse(json); } catch (e) { throw new Error(`${where}: snippet options are not JSON: ${e.message}`); }
    if (!options || typeof options !== "object" || Array.isArray(options)) throw new Error(`${where}: snippet options must be an object`);
  }
  const unknown = Object.keys(options).filter((k) => !OPTIONS.includes(k));
  if (unknown.length) throw new Error(`${where}: unknown snippet option(s) ${unknown.join(", ")} (known: ${OPTIONS.join(", ")})`);
  return { kind, options };
}

/** Every marked snippet of README.md and docs/*.md. */
export function allSnippets(root = ROOT) {
  return docFiles(root).flatMap((file) =>
    extractSnippets(readFileSync(join(root, file), "utf8"), relative(root, join(root, file))));
}

/**
 * The rows of the first Markdown table in `file` whose header row starts with
 * `header` (e.g. "| `texts` key |"), as arrays of cell texts without the
 * surrounding backticks.
 */
export function markdownTable(file, header, root = ROOT) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const at = lines.findIndex((l) => l.startsWith(header));
  if (at < 0) throw new Error(`${file}: no table starting with ${header}`);
  const rows = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.slice(1, -1).split("|").map((c) => c.trim().replace(/^`(.*)`$/, "$1")));
  }
  return rows;
}
