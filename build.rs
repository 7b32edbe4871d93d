//! Minifies the banner's stylesheet (src/ui/style.css) into OUT_DIR, where
//! `include_str!` picks it up: comments go, whitespace collapses. Every byte
//! of it ships inside the wasm on every page. The minifier is
//! scripts/minify_css.rs, shared with the preference tool's build script
//! (the embeds' placeholders' stylesheet ships in JavaScript, minified by its
//! JS twin, www/minify-css.mjs).

#[path = "scripts/minify_css.rs"]
mod minify_css;

use minify_css::minify;
use std::{env, fs, path::Path};

const SHEETS: [(&str, &str); 1] = [("src/ui/style.css", "style.min.css")];

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (source, target) in SHEETS {
        println!("cargo:rerun-if-changed={source}");
        let css = fs::read_to_string(source).expect("stylesheet is readable");
        fs::write(Path::new(&out).join(target), minify(&css)).expect("OUT_DIR is writable");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
