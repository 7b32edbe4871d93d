//! The CSS minifier both build scripts share: the core's (build.rs, for
//! src/ui/style.css) and the preference tool's (crates/tool/build.rs, for
//! crates/tool/style.css). Each includes this file with `#[path]` (a
//! build-dependency crate for one function would be more machinery than the
//! function). The embeds' stylesheet, which ships in JavaScript, is minified
//! by www/minify-css.mjs with the same rules; an end-to-end test checks that
//! both give the same bytes for the two stylesheets here.
//! No crates: the rules below are the conservative subset that cannot change
//! what a browser parses (checked rule by rule against Chromium's CSSOM when
//! this was written).

/// Drops comments; turns each run of whitespace (comments included) into one
/// space, or into nothing next to `{ } ;` and after `:` (where CSS never
/// needs it: a space *before* a colon can be a descendant combinator, so that
/// one stays), and drops a `;` right before `}`. Strings are copied as they
/// are. `+ - > ~ ( )` and everything else keep their spaces (`calc(a + b)`);
/// so do commas, because the private custom properties' values (which a page
/// can read with getComputedStyle) keep their text as written.
pub fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut space = false; // whitespace or a comment seen since the last output
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'*') {
            chars.next();
            let mut last = ' ';
            for d in chars.by_ref() {
                if last == '*' && d == '/' {
                    break;
                }
                last = d;
            }
            space = true;
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        if space {
            let prev = out.chars().next_back();
            let tight = |ch: char| matches!(ch, '{' | '}' | ';');
            if !(prev.is_none_or(|p| tight(p) || p == ':') || tight(c)) {
                out.push(' ');
            }
            space = false;
        }
        out.push(c);
        if c == '"' || c == '\'' {
            while let Some(d) = chars.next() {
                out.push(d);
                if d == '\\' {
                    if let Some(e) = chars.next() {
                        out.push(e);
                    }
                } else if d == c {
                    break;
                }
            }
        }
    }
    out
}
