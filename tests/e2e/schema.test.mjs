// The config's JSON Schema (package/kloudconsent.schema.json) against the
// widget's own parser: every example config of the docs, the tests and the
// examples passes both; a table of bad configs fails both, each blamed on
// the same field; good edge cases pass both; the schema's few deliberate
// differences stay exactly those. The parser runs on the host
// (crates/domain/examples/check-config.rs): the same code as in the browser.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { ROOT } from "./docs-snippets-extract.mjs";
import { BAD, BROKEN_FIXTURES, DIFFERENCES, GOOD, exampleConfigs } from "./schema-configs.mjs";

const SCHEMA = JSON.parse(readFileSync(join(ROOT, "package", "kloudconsent.schema.json"), "utf8"));

/**
 * The schema compiled by ajv in strict mode, all errors reported.
 * `patternErrorMessage` is what VS Code shows instead of a bare regex.
 */
function compileSchema(schema = SCHEMA) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  ajv.addKeyword("patternErrorMessage");
  return ajv.compile(schema);
}

/**
 * The real parser's verdict on each config text: `{ok: true}` or
 * `{ok: false, message}` (the widget's console message).
 */
function parseWithWidget(texts) {
  const run = spawnSync("cargo", ["run", "-q", "-p", "kloudconsent-domain", "--example", "check-config"], {
    cwd: ROOT, input: texts.map((t) => t + "\0").join(""), encoding: "utf8", maxBuffer: 64 << 20,
  });
  if (run.status !== 0) throw new Error(`check-config failed (${run.status}): ${run.stderr}`);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.length, texts.length, "one verdict per config");
  return lines.map((line) => line === "ok" ? { ok: true } : { ok: false, message: JSON.parse(line.replace(/^error /, "")) });
}

/** `categories[0].id` as a JSON pointer: `/categories/0/id`. */
const pointer = (field) => field === "" ? "" : "/" + field.replace(/\[(\d+)\]/g, ".$1").split(".").join("/");

/** The JSON pointers of the fields ajv's errors blame. */
function blamed(errors) {
  return errors.map((e) => {
    if (e.keyword === "required") return `${e.instancePath}/${e.params.missingProperty}`;
    if (e.keyword === "additionalProperties") return `${e.instancePath}/${e.params.additionalProperty}`;
    return e.instancePath;
  });
}

/** What the parser said about the field, as its message names it. */
const parserBlames = (message, field) => field === ""
  ? !message.includes("config field")
  : message.includes(`config field \`${field}\`:`);

let validate;
let verdicts;
const examples = exampleConfigs();
before(() => {
  validate = compileSchema();
  const all = [
    ...examples.map((e) => e.text),
    ...[...BAD, ...GOOD, ...DIFFERENCES].map(([, config]) => JSON.stringify(config)),
  ];
  const results = parseWithWidget(all);
  verdicts = new Map(all.map((text, i) => [text, results[i]]));
});

const schemaErrors = (config) => (validate(config) ? [] : validate.errors);

test("the schema is draft 2020-12, compiles in strict mode, and describes every key", () => {
  assert.equal(SCHEMA.$schema, "https://json-schema.org/draft/2020-12/schema");
  const undocumented = [];
  (function walk(node, path) {
    if (!node || typeof node !== "object") return;
    for (const [key, sub] of Object.entries(node.properties || {})) {
      if (!sub.description) undocumented.push(`${path}.${key}`);
      walk(sub, `${path}.${key}`);
    }
    for (const [key, sub] of Object.entries(node)) if (key !== "properties") walk(sub, path);
  })(SCHEMA, "");
  assert.deepEqual(undocumented, [], "every property has a description (editors show it)");
  const patterns = [...JSON.stringify(SCHEMA).matchAll(/"pattern":/g)].length;
  assert.equal([...JSON.stringify(SCHEMA).matchAll(/"patternErrorMessage":/g)].length, patterns,
    "every pattern comes with a message a site owner can read");
});

test("the parser ignores $schema, the key the docs' examples start with", () => {
  const config = { $schema: SCHEMA.$id, revision: 2 };
  assert.deepEqual(parseWithWidget([JSON.stringify(config)]), [{ ok: true }]);
  assert.deepEqual(schemaErrors(config), []);
});

test(`every example config of the docs, the tests and the examples passes the schema and the parser (${examples.length})`, () => {
  assert.ok(examples.length >= 15, `example configs found: ${examples.length}`);
  assert.ok(examples.some((e) => e.where.startsWith("docs/")) && examples.some((e) => e.where.startsWith("tests/"))
    && examples.some((e) => e.where.startsWith("examples/")), "configs come from docs/, tests/ and examples/");
  for (const { where, text } of examples) {
    const verdict = verdicts.get(text);
    if (BROKEN_FIXTURES.includes(where)) {
      assert.ok(!verdict.ok, `${where} is broken on purpose, but the parser accepts it`);
      let parsed;
      try { parsed = JSON.parse(text); } catch { continue; } // not JSON: nothing for a schema to accept
      assert.ok(schemaErrors(parsed).length, `${where} is broken on purpose, but the schema accepts it`);
      continue;
    }
    assert.ok(verdict.ok, `${where}: the parser refuses it: ${verdict.message}`);
    const errors = schemaErrors(JSON.parse(text));
    assert.deepEqual(errors, [], `${where}: the schema refuses it`);
  }
  for (const file of BROKEN_FIXTURES) assert.ok(examples.some((e) => e.where === file), `${file} still has its config`);
});

test(`${BAD.length} bad configs: the schema and the parser both refuse each, blaming the same field`, () => {
  assert.ok(BAD.length >= 25);
  for (const [name, config, field] of BAD) {
    const verdict = verdicts.get(JSON.stringify(config));
    assert.ok(!verdict.ok, `${name}: the parser accepts it`);
    assert.ok(parserBlames(verdict.message, field), `${name}: the parser blames another field: ${verdict.message}`);
    const errors = schemaErrors(config);
    assert.ok(errors.length, `${name}: the schema accepts it`);
    assert.ok(blamed(errors).includes(pointer(field)),
      `${name}: the schema does not blame ${pointer(field) || "the whole config"}: ${JSON.stringify(errors.map((e) => [e.instancePath, e.message]))}`);
  }
});

test(`${GOOD.length} good edge cases: the schema and the parser both accept each`, () => {
  for (const [name, config] of GOOD) {
    const verdict = verdicts.get(JSON.stringify(config));
    assert.ok(verdict.ok, `${name}: the parser refuses it: ${verdict.message}`);
    assert.deepEqual(schemaErrors(config), [], `${name}: the schema refuses it`);
  }
});

test("where the schema differs from the parser, it differs exactly as docs/configuration.md says", () => {
  for (const [name, config, parserAccepts, schemaAccepts] of DIFFERENCES) {
    assert.equal(verdicts.get(JSON.stringify(config)).ok, parserAccepts, `${name}: the parser`);
    assert.equal(validate(config), schemaAccepts, `${name}: the schema`);
  }
  const docs = readFileSync(join(ROOT, "docs", "configuration.md"), "utf8");
  for (const said of ["unknown keys", "duplicate", "bytes", "services", "3,072"]) {
    assert.match(docs, new RegExp(`schema[\\s\\S]{0,120}${said}|${said}[\\s\\S]{0,120}schema`, "i"), `docs/configuration.md explains the schema's ${said} difference`);
  }
});

test("the checks themselves: a schema without the id pattern lets a bad id through, and the table sees it", () => {
  const loose = structuredClone(SCHEMA);
  delete loose.$defs.category.properties.id.pattern;
  const looseValidate = compileSchema(loose);
  const [, config] = BAD.find(([name]) => name === "an id with a space");
  assert.equal(looseValidate(config), true);
  assert.equal(validate(config), false);
});
