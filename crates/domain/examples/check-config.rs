//! Runs site configs through the widget's real config parser, for the tests
//! that hold the published JSON Schema (`package/kloudconsent.schema.json`)
//! to what the widget accepts (`tests/e2e/schema.test.mjs`).
//!
//! Input on stdin: configs, each followed by a NUL byte. Output: one line per
//! config, `ok`, or `error ` and the widget's console message as a JSON
//! string. Run: `cargo run -q -p kloudconsent-domain --example check-config`.

use std::io::{self, Read, Write};

fn main() -> io::Result<()> {
    let mut input = Vec::new();
    io::stdin().read_to_end(&mut input)?;
    let mut out = io::stdout().lock();
    let mut configs: Vec<&[u8]> = input.split(|b| *b == 0).collect();
    // Every config ends with a NUL, so the last piece is what follows the
    // last one: nothing.
    if configs.pop().is_some_and(|rest| !rest.is_empty()) {
        eprintln!("check-config: the input must end with a NUL byte after the last config");
        std::process::exit(2);
    }
    for bytes in configs {
        let verdict = match std::str::from_utf8(bytes) {
            Err(_) => String::from("error \"config is not UTF-8\""),
            Ok(text) => match kloudconsent_domain::config::parse(text) {
                Ok(_) => String::from("ok"),
                Err(e) => format!("error {}", kloudconsent_json::string(&e.message())),
            },
        };
        writeln!(out, "{verdict}")?;
    }
    Ok(())
}
