// The CSS minifier for the one stylesheet that ships in JavaScript, the
// embeds' placeholders' (www/placeholder.css, into kloudconsent-embeds.js).
// The same rules as scripts/minify_css.rs, which minifies the stylesheets
// that ship inside the wasm; an end-to-end test (tests/e2e/embeds-module.test.mjs)
// checks that both give the same bytes for the banner's and the tool's
// stylesheets, whose minified text is in the built wasm.
//
// Drops comments; turns each run of whitespace (comments included) into one
// space, or into nothing next to `{ } ;` and after `:` (a space before a
// colon can be a descendant combinator, so that one stays), and drops a `;`
// right before `}`. Strings are copied as they are; everything else keeps
// its spaces (`calc(a + b)`, commas).
const TIGHT = "{};";

/** `css` minified by the rules above. */
export function minifyCss(css) {
  let out = "";
  let space = false; // whitespace or a comment seen since the last output
  for (let i = 0; i < css.length; i++) {
    const c = css[i];
    if (c === "/" && css[i + 1] === "*") {
      const end = css.indexOf("*/", i + 2);
      i = end < 0 ? css.length : end + 1;
      space = true;
      continue;
    }
    if (/\s/.test(c)) {
      space = true;
      continue;
    }
    if (c === "}" && out.endsWith(";")) out = out.slice(0, -1);
    if (space) {
      const prev = out[out.length - 1];
      if (!(prev === undefined || TIGHT.includes(prev) || prev === ":" || TIGHT.includes(c))) out += " ";
      space = false;
    }
    out += c;
    if (c === '"' || c === "'") {
      for (i++; i < css.length; i++) {
        out += css[i];
        if (css[i] === "\\") {
          if (i + 1 < css.length) out += css[++i];
        } else if (css[i] === c) {
          break;
        }
      }
    }
  }
  return out;
}
