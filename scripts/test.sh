#!/usr/bin/env bash
# Sets everything up and runs every test: host (cargo test), browser
# (wasm-bindgen-test in headless Chromium) and end-to-end (Chromium driving
# the built dist/ through real host pages).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

echo; echo "== test 1/3: host tests (cargo test)"
cargo test --lib --quiet

echo; echo "== test 2/3: browser tests (wasm-bindgen-test, headless Chromium)"
cargo test --target wasm32-unknown-unknown --test browser --test components

echo; echo "== build: trunk build --release"
bash scripts/build.sh

echo; echo "== test 3/3: end-to-end tests (node --test, Chromium via playwright-core)"
node --test --test-concurrency=1 tests/e2e/
