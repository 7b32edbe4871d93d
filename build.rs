//! Minifies the two embedded stylesheets (src/ui/style.css and the embed
//! placeholders' www/placeholder.css) into OUT_DIR, where `include_str!` picks them
//! up: comments go, whitespace collapses. Every byte of CSS ships inside the
//! wasm on every page. The minifier is scripts/minify_css.rs, shared with the
//! preference tool's build script.

#[path = "scripts/minify_css.rs"]
mod minify_css;

use minify_css::minify;
use std::{env, fs, path::Path};

const SHEETS: [(&str, &str); 2] = [
    ("src/ui/style.css", "style.min.css"),
    ("www/placeholder.css", "placeholder.min.css"),
];

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (source, target) in SHEETS {
        println!("cargo:rerun-if-changed={source}");
        let css = fs::read_to_string(source).expect("stylesheet is readable");
        fs::write(Path::new(&out).join(target), minify(&css)).expect("OUT_DIR is writable");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
