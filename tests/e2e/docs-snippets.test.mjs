// Every code block of README.md and docs/*.md that a site would paste runs
// against the built dist/ in Chromium (the marker convention and what each
// kind must do: CONTRIBUTING.md, "The docs' snippets are tested"). The last
// tests feed the same checks broken snippets, so a check that stopped looking
// fails here too.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, configParserSource, configTextKeys, chromiumOnly } from "./helpers.mjs";
import { allSnippets, extractSnippets, markdownTable } from "./docs-snippets-extract.mjs";
import { checkSnippet, declarations, instrument } from "./docs-snippets-checks.mjs";

let env;
before(async () => { env = await launch(); });
after(async () => { await env.close(); });

const snippets = allSnippets();
/** Per doc file, the config snippets it serves at a path (option serveAs). */
const served = {};
for (const s of snippets) {
  if (s.options.serveAs) (served[s.file] ||= {})[s.options.serveAs] = s.code;
}

test("the docs have snippets of every kind", () => {
  const kinds = new Set(snippets.map((s) => s.kind));
  assert.deepEqual([...kinds].sort(), ["config", "css", "html", "js"]);
  assert.ok(snippets.some((s) => s.file === "README.md"), "the README's snippets are found");
});

test("docs/configuration.md lists every config key and every texts key the parser reads", () => {
  const parser = configParserSource();
  const textKeys = configTextKeys();
  assert.ok(textKeys.length >= 20, "the texts keys were found in config.rs");
  assert.deepEqual(markdownTable("docs/configuration.md", "| `texts` key |").map(([key]) => key), textKeys);
  // `given(top, "key")` or `top.key("key")`, depending on the parser's shape.
  const topKeys = [...parser.matchAll(/(?:given\(top, |top\.key\()"(\w+)"\)/g)].map((m) => m[1]);
  assert.ok(topKeys.length >= 12, "the top-level keys were found in config.rs");
  const listed = markdownTable("docs/configuration.md", "| key | default | meaning |").map(([key]) => key.split(".")[0]);
  assert.deepEqual([...new Set(listed)].sort(), [...new Set(topKeys)].sort());
});

for (const s of snippets) {
  const media = s.options.colorScheme ? chromiumOnly("no emulation of the system's colour scheme") : {};
  test(`${s.file}:${s.line} (${s.kind})`, media, async () => {
    await checkSnippet(env, s, served[s.file] || {});
  });
}

// ---- the checks themselves -------------------------------------------------

test("extraction: unmarked, unknown and mismatched blocks are refused", () => {
  const fence = (lang, body = "{}") => "```" + lang + "\n" + body + "\n```";
  assert.throws(() => extractSnippets(fence("json")), /needs <!-- snippet/);
  assert.throws(() => extractSnippets("<!-- snippet: conifg -->\n" + fence("json")), /unknown snippet kind/);
  assert.throws(() => extractSnippets("<!-- snippet: css -->\n" + fence("json")), /needs a `css` fence/);
  assert.throws(() => extractSnippets('<!-- snippet: config {"sever": 1} -->\n' + fence("json")), /unknown snippet option/);
  assert.throws(() => extractSnippets("<!-- snippet: config -->\n```json\n{}"), /unclosed/);
  assert.deepEqual(extractSnippets("<!-- illustration -->\n" + fence("json") + "\n" + fence("sh", "ls")), []);
  const [one] = extractSnippets('text\n<!-- snippet: css {"colorScheme": "dark"} -->\n' + fence("css", "a { color: red }"));
  assert.deepEqual(one, { file: "(text)", line: 3, kind: "css", options: { colorScheme: "dark" }, code: "a { color: red }" });
});

test("js instrumentation: `// →` lines become assertions", () => {
  const { code, assertions } = instrument('kloudconsent.get();   // → null\nfoo(); // a comment');
  assert.equal(assertions, 1);
  assert.ok(code.startsWith('__expect((kloudconsent.get()), (null), "line 1: kloudconsent.get()");'), code);
  assert.ok(code.endsWith("foo(); // a comment"));
});

test("css declarations: innermost blocks, comments ignored", () => {
  const { decls, blocks } = declarations("@media (x) { a { --kc-a: 1px; /* c: d */ } } b { border: 0 }");
  assert.equal(blocks, 2);
  assert.deepEqual(decls.map((d) => d.property), ["--kc-a", "border"]);
});

for (const [name, snippet, why] of [
  ["a config with a wrong type", { kind: "config", code: '{"revision": "two"}' }, /revision|console|region/i],
  ["a config that is not JSON", { kind: "config", code: '{"texts": {"bannerTitle": "Hi"}' }, /not valid JSON/],
  ["a config whose text is not shown", { kind: "config", code: '{"texts": {"bannerTitle": "Hi", "acceptAll": ""}}' }, /./],
  ["a gated script of an unknown category", { kind: "html", code: '<script type="text/plain" data-consent="analytcs" src="https://example.net/a.js"></script>' }, /./],
  ["an embed without data-src", { kind: "html", code: '<iframe data-consent="marketing" src="https://example.net/v" title="v"></iframe>' }, /./],
  ["Consent Mode after Google's tag", { kind: "html", code: `<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}gtag('js', new Date());</script>
<script type="application/json" id="kloudconsent-config">{"googleConsentMode": true}</script>
<script src="https://cdn.example.net/kloudconsent/kloudconsent.js"></script>` }, /default/],
  ["a preload hint that does not match the loader's URL", { kind: "html", code: `<link rel="preload" href="https://cdn.example.net/kloudconsent/kloudconsent_bg.wasm" as="fetch" type="application/wasm">
<script src="https://cdn.example.net/kloudconsent/kloudconsent.js" defer></script>` }, /fetched 2 times|preload/],
  ["js that throws", { kind: "js", code: "kloudconsent.acceptAl();" }, /acceptAl/],
  ["js whose `// →` is wrong", { kind: "js", code: 'kloudconsent.accepted("analytics"); // → true' }, /expected true/],
  ["css with a misspelt property", { kind: "css", code: "kloud-consent { --kc-accent: #006b4f; bordr-radius: 0; }" }, /dropped/],
  ["css that selects nothing", { kind: "css", code: "kloud-consnt { --kc-accent: #006b4f; }" }, /selects nothing/],
  ["css that changes nothing", { kind: "css", code: "kloud-consent { --kc-acent: #006b4f; }" }, /change nothing/],
]) {
  // Firefox downloads a preloaded wasm twice whether or not its URL is the
  // loader's, so there the count cannot tell a wrong preload hint.
  const counted = /preload/.test(name) ? chromiumOnly("a preloaded wasm is downloaded twice, matching or not") : {};
  test(`the checks catch ${name}`, counted, async () => {
    await assert.rejects(checkSnippet(env, { options: {}, ...snippet }), (e) => {
      assert.match(String(e.message) + JSON.stringify(e.actual ?? ""), why);
      return true;
    });
  });
}
