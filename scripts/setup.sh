#!/usr/bin/env bash
# Installs whatever is missing, idempotently (each step checks first), from
# the package registries only (the crates registry, npm, Debian's archive).
#
#   bash scripts/setup.sh demo   what the demo needs: build tools and the
#                                crates and npm packages the build reads
#   bash scripts/setup.sh test   (default) all of the above plus the browsers,
#                                drivers and fuzzer the tests use
#
# First run on a fresh machine (2 cores): the four `cargo install`s are most
# of it, run side by side (Trunk, the wasm-bindgen CLI; for tests
# geckodriver and cargo-fuzz, beside Chromium, Firefox ESR, PostgreSQL,
# WebKitGTK's driver and Xvfb from Debian). CONTRIBUTING.md has the table
# and the times.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-test}"
case "$MODE" in demo|test) ;; *) echo "usage: setup.sh [demo|test]" >&2; exit 2 ;; esac

TRUNK_VERSION=0.21.14
# Firefox ESR's WebDriver server (second browser engine for the tests).
GECKODRIVER_VERSION=0.37.1
# The fuzzing front end (runs on nightly, which the image has).
CARGO_FUZZ_VERSION=0.13.2
# Must equal the `wasm-bindgen = "=..."` pin in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Each step says when it began (minutes since setup started), so a slow one shows.
step() { printf '\n== setup: %s (at %dm%02ds)\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }
# `cargo install` without fat LTO and with 16 codegen units: tools run a few
# times a day do not need a crate's slowest release settings (Trunk's install
# took 6.6 min instead of 9.7 on 2 cores without them, measured 2026-12-01).
quick_install() { CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"; }
# And without optimisation for the tools whose own work is small next to what
# they start (Trunk runs cargo and wasm-opt; geckodriver relays WebDriver
# commands; cargo-fuzz runs cargo): Trunk's install 2 min 57 s instead of
# 5 min 46 s at opt-level 1 and about 6 min 50 s at 3, and a build with it
# took as long and wrote the same bytes (measured 2026-12-06). Not the
# wasm-bindgen CLI: unoptimised it took 10 s instead of 2 on each browser
# test's 28 MB wasm. At opt-level 1 it installs in 143 s instead of 170 and
# binds an 18 MB test wasm as fast (0.53 s against 0.55 s at 3).
unoptimised_install() { CARGO_PROFILE_RELEASE_OPT_LEVEL=0 quick_install "$@"; }
lightly_optimised_install() { CARGO_PROFILE_RELEASE_OPT_LEVEL=1 quick_install "$@"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

step "Rust wasm32 target"
rustup target add wasm32-unknown-unknown >/dev/null

# The size-optimized release build (scripts/build.sh) rebuilds std with the
# nightly toolchain on the image; it needs nightly's std sources and wasm32
# target. Without them build.sh falls back to stable (larger output).
if rustup run nightly rustc --version >/dev/null 2>&1; then
  sysroot=$(rustup run nightly rustc --print sysroot)
  if [ ! -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ] \
     || [ ! -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]; then
    step "nightly rust-src and wasm32 target (size-optimized release build)"
    rustup component add rust-src --toolchain nightly \
      && rustup target add wasm32-unknown-unknown --toolchain nightly \
      || echo "setup: could not add them; scripts/build.sh will build on stable (larger)" >&2
  fi
  # Trunk builds offline (Trunk.toml), and rebuilding std reads the crates
  # that std's own Cargo.lock names (wasip1, ...) from cargo's local
  # registry. A fresh machine has none of them: fetch them now. Seconds when
  # they are already there.
  if [ -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ]; then
    step "crates std's own build needs (for the offline size-optimized build)"
    cargo +nightly fetch --quiet --manifest-path "$sysroot/lib/rustlib/src/rust/library/Cargo.toml"
  fi
else
  echo "setup: no nightly toolchain; scripts/build.sh will build on stable (larger)" >&2
fi

# The offline build needs the project's own crates in cargo's registry too.
step "the project's crates"
cargo fetch --quiet

# The tools cargo installs build side by side, and beside the Debian
# packages and npm, which wait on the network and the disk, not the CPU.
# The builds themselves keep 2 cores busy either way (side by side they
# took about as long as one after another would), so the gain is the
# overlap with apt and npm. Each install's output goes to its own log,
# shown if it fails. (Times: CONTRIBUTING.md's table.)
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/kloudconsent-setup.XXXXXX")
# (A step that fails while installs run leaves them to finish: a finished
# install is what the next run wants anyway.)
trap 'rm -rf "$LOGS"' EXIT
JOBS=()
# background NAME COMMAND...: runs COMMAND with its output in $LOGS/NAME,
# which ends with when it finished.
background() {
  local name=$1; shift
  step "$name (in the background)"
  ( set +e; "$@"; rc=$?
    printf 'finished at %dm%02ds\n' $((SECONDS / 60)) $((SECONDS % 60)); exit $rc ) >"$LOGS/$name" 2>&1 &
  JOBS+=("$!:$name")
}

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  # Trunk's own release profile asks for fat LTO and one codegen unit.
  background "Trunk $TRUNK_VERSION (cargo install, ~3 min)" \
    unoptimised_install --locked trunk --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  # Not --locked: the registry lacks one of its locked dependency versions.
  background "wasm-bindgen CLI $WASM_BINDGEN_VERSION (cargo install, ~2 min)" \
    lightly_optimised_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [ "$MODE" = test ]; then
  if [ "$(geckodriver --version 2>/dev/null | head -n1)" != "geckodriver $GECKODRIVER_VERSION" ]; then
    background "geckodriver $GECKODRIVER_VERSION (cargo install, ~1 min)" \
      unoptimised_install --locked geckodriver --version "$GECKODRIVER_VERSION" --force
  fi
  if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    step "nightly Rust (for cargo fuzz)"
    rustup toolchain install nightly --profile minimal
  fi
  if [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
    background "cargo-fuzz $CARGO_FUZZ_VERSION (cargo install, ~1 min)" \
      unoptimised_install --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION" --force
  fi

  APT_MISSING=()
  [ -x /usr/bin/chromium ] || APT_MISSING+=(chromium)
  # The same Chromium without its window layer: the end-to-end level drives
  # it (half the CPU of the full browser; tests/e2e/helpers.mjs).
  [ -x /usr/bin/chromium-headless-shell ] || APT_MISSING+=(chromium-headless-shell)
  [ -x /usr/bin/chromedriver ] || APT_MISSING+=(chromium-driver)
  [ -x /usr/bin/firefox-esr ] || APT_MISSING+=(firefox-esr)
  # The receipt service's tests and benchmark start their own server from it
  # (scripts/postgres.sh).
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || APT_MISSING+=(postgresql)
  # WebKit (Safari's engine): WebKitGTK's WebDriver server and MiniBrowser,
  # which has no headless mode and runs under a virtual display (Xvfb).
  command -v WebKitWebDriver >/dev/null 2>&1 || APT_MISSING+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null 2>&1 || APT_MISSING+=(xvfb)
  if [ ${#APT_MISSING[@]} -gt 0 ]; then
    step "Debian packages: ${APT_MISSING[*]} (~1-3 min)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_MISSING[@]}" >/dev/null
  fi
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] \
   || [ ! -d node_modules/selenium-webdriver ] || [ ! -d node_modules/terser ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm packages (binaryen's wasm-opt, terser, playwright-core, axe-core, selenium-webdriver, typescript, ajv, esbuild, react)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Every background install must have succeeded.
failed=0
for job in "${JOBS[@]}"; do
  name=${job#*:}
  if wait "${job%%:*}"; then
    echo "== setup: $name: $(tail -n 1 "$LOGS/$name")"
  else
    echo "setup: $name failed:" >&2
    tail -n 60 "$LOGS/$name" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
step "ready ($MODE)"
