//! Minifies the tool's stylesheet (style.css) into OUT_DIR, where
//! `include_str!` picks it up, with the same minifier as the core's build
//! script (scripts/minify_css.rs): every byte of it ships in the tool's wasm.

#[path = "../../scripts/minify_css.rs"]
mod minify_css;

use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let css = fs::read_to_string("style.css").expect("style.css is readable");
    fs::write(
        Path::new(&out).join("style.min.css"),
        minify_css::minify(&css),
    )
    .expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=style.css");
    println!("cargo:rerun-if-changed=build.rs");
}
