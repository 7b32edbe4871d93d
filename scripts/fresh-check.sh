#!/usr/bin/env bash
# Rehearses a fresh machine: a clean clone of this repository's HEAD, then
# the set-up and the release build with an empty cargo home and an empty npm
# cache in a temporary directory, so that cargo's registry and npm's cache
# are as empty as on a new machine. A step that only works because this
# machine fetched something once (std's own crates for the offline build,
# a crate, an npm package) fails here.
#
#   bash scripts/fresh-check.sh          set-up (demo mode) + release build
#   bash scripts/fresh-check.sh test     set-up (test mode) + the whole test command
#
# Run it whenever a set-up or build script, a toolchain pin or a dependency
# changes. Tools that live outside cargo's home and npm's cache (rustup's
# toolchains, Debian packages) are not reinstalled; cargo-installed tools
# (Trunk, wasm-bindgen CLI, ...) are, because they live in the cargo home:
# expect ~15 min for the default mode, ~40 min for `test` on 2 cores.
set -euo pipefail
MODE="${1:-demo}"
case "$MODE" in demo|test) ;; *) echo "usage: fresh-check.sh [demo|test]" >&2; exit 2 ;; esac
REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kloudconsent-fresh.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# rustup's toolchains stay where they are (the image has them); everything
# cargo and npm download goes to the empty directories below.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export CARGO_HOME="$WORK/cargo-home"
export npm_config_cache="$WORK/npm-cache"
mkdir -p "$CARGO_HOME/bin" "$npm_config_cache"
# rustup's proxies (cargo, rustc, rustup) come from the machine's cargo home;
# nothing else from it is visible.
for tool in cargo rustc rustup rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver; do
  if [ -x "$HOME/.cargo/bin/$tool" ]; then ln -s "$HOME/.cargo/bin/$tool" "$CARGO_HOME/bin/$tool"; fi
done
# The image's own directories, sbin included (scripts/postgres.sh runs the
# server as its own user with runuser, which lives in /usr/sbin).
export PATH="$CARGO_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

echo "== fresh-check: clean clone of $(git -C "$REPO" rev-parse --short HEAD) into $WORK/repo"
git clone --quiet --no-hardlinks "$REPO" "$WORK/repo"
cd "$WORK/repo"
start=$SECONDS
if [ "$MODE" = demo ]; then
  bash scripts/setup.sh demo
  bash scripts/build.sh
  test -s dist/kloudconsent.js && test -s dist/kloudconsent_bg.wasm
else
  bash scripts/test.sh
fi
echo "== fresh-check ($MODE): passed in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
