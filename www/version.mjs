// The release's one version number, read from `[workspace.package]` in the
// root Cargo.toml (every crate inherits it). assemble.mjs bakes it into
// kloudconsent.js (`kloudconsent.version` and the licence banners);
// scripts/package.mjs and tests/e2e/version.test.mjs check the npm side
// against it.
import { readFileSync } from "node:fs";

const CARGO_TOML = new URL("../Cargo.toml", import.meta.url);

/** `version` of the `[workspace.package]` table of a Cargo.toml text. */
export function workspaceVersion(toml) {
  const section = /^\[workspace\.package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml);
  const version = section && /^version\s*=\s*"([^"]+)"\s*$/m.exec(section[1]);
  if (!version) throw new Error("Cargo.toml: no `version = \"...\"` in [workspace.package]");
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version[1])) {
    throw new Error(`Cargo.toml: [workspace.package] version ${version[1]} is not a semantic version`);
  }
  return version[1];
}

/** The release's version, e.g. "0.1.0". */
export const VERSION = workspaceVersion(readFileSync(CARGO_TOML, "utf8"));

/** The placeholder www/loader.js carries where the version goes. */
export const VERSION_PLACEHOLDER = "__KLOUDCONSENT_VERSION__";

/** `text` with its one version placeholder replaced by VERSION. */
export function withVersion(text) {
  const parts = text.split(VERSION_PLACEHOLDER);
  if (parts.length !== 2) {
    throw new Error(`expected one ${VERSION_PLACEHOLDER} in the loader, found ${parts.length - 1}`);
  }
  return parts.join(VERSION);
}
