// Helpers of the TypeScript declaration tests (types.test.mjs,
// package.test.mjs): run tsc, read the declarations with TypeScript's own
// parser, compare the declared API with the real object.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { ROOT } from "./docs-snippets-extract.mjs";

export const DTS = join(ROOT, "package", "kloudconsent.d.ts");
export const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** Runs tsc on a tsconfig; returns {status, output}. */
export function tsc(project) {
  const run = spawnSync(process.execPath, [TSC, "-p", project, "--noEmit", "--strict", "--pretty", "false"], { encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

/**
 * The declarations, read with TypeScript's own parser: for each interface
 * and type alias, its members `{name, method, optional}`, and the string
 * literals of unions.
 */
export function declared(text = readFileSync(DTS, "utf8")) {
  const file = ts.createSourceFile("kloudconsent.d.ts", text, ts.ScriptTarget.Latest, true);
  const interfaces = {};
  const unions = {};
  const visit = (node) => {
    if (ts.isInterfaceDeclaration(node)) {
      const members = node.members.map((m) => ({
        name: m.name && (ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(file)),
        method: ts.isMethodSignature(m),
        optional: !!m.questionToken,
      }));
      const heritage = (node.heritageClauses || []).flatMap((h) => h.types.map((t) => t.expression.getText(file)));
      interfaces[node.name.text] = { members: (interfaces[node.name.text]?.members || []).concat(members), heritage };
    }
    if (ts.isTypeAliasDeclaration(node) && ts.isUnionTypeNode(node.type)) {
      unions[node.name.text] = node.type.types.filter((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)).map((t) => t.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { interfaces, unions, names: (name) => (interfaces[name]?.members || []).map((m) => m.name) };
}

/**
 * What differs between the declared API and the real object's members
 * (`{name: typeof}`): declared calls that do not exist or are not functions,
 * declared properties of the wrong type, real members not declared.
 */
export function compareApi(api, real) {
  const problems = [];
  for (const m of api) {
    if (!(m.name in real)) problems.push(`declared ${m.name} does not exist at run time`);
    else if (m.method && real[m.name] !== "function") problems.push(`declared ${m.name}() is a ${real[m.name]} at run time`);
    else if (!m.method && m.name === "version" && real[m.name] !== "string") problems.push(`declared version is a ${real[m.name]}`);
  }
  for (const name of Object.keys(real)) {
    if (!api.some((m) => m.name === name)) problems.push(`${name} exists at run time but is not declared`);
  }
  return problems;
}
