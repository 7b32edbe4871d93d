#!/usr/bin/env bash
# Sets everything up and runs every test, level by level, then prints each
# level's count:
#   1. host tests (cargo test --lib: the pure consent engine)
#   2. fuzzing (cargo fuzz, 20 s per target; a longer run: scripts/fuzz.sh)
#   3. browser tests of the Rust adapters (wasm-bindgen-test) in Chromium
#   4. the same browser tests in Firefox ESR
#   5. end-to-end in Chromium (playwright-core) against the built dist/
#   6. core end-to-end flows in Firefox ESR (selenium-webdriver)
#   7. end-to-end flows in WebKit (WebKitGTK's MiniBrowser, selenium-webdriver;
#      the suite starts and stops its own virtual display)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
source scripts/env.sh

LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
SUMMARY=()
TOTAL_PASSED=0

# Runs one level, showing its output and keeping it to count from.
level() {
  local n="$1" name="$2"; shift 2
  echo; echo "== test $n/7: $name"
  "$@" 2>&1 | tee "$LOGS/$n.log"
}

# Tests passed in a level's log: cargo's "test result" lines or node's "# pass".
count() {
  local log="$LOGS/$1.log" passed
  passed=$(sed -n -e 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' -e 's/^# pass \([0-9]*\)$/\1/p' "$log" \
    | awk '{ s += $1 } END { print s + 0 }')
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  SUMMARY+=("$(printf '%-46s %5s passed' "$2" "$passed")")
}

level 1 "host tests (cargo test --lib)" cargo test --lib --quiet
count 1 "host (cargo test --lib)"

level 2 "fuzzing (cargo fuzz, 20 s per target)" bash scripts/fuzz.sh 20
SUMMARY+=("$(printf '%-46s %s' "fuzz (cargo fuzz, 20 s/target)" "$(tail -n1 "$LOGS/2.log")")")

level 3 "browser tests (wasm-bindgen-test, headless Chromium)" \
  cargo test --target wasm32-unknown-unknown --test browser --test components
count 3 "browser, Chromium (wasm-bindgen-test)"

level 4 "browser tests (wasm-bindgen-test, headless Firefox ESR)" \
  env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" \
  cargo test --target wasm32-unknown-unknown --test browser --test components
count 4 "browser, Firefox ESR (wasm-bindgen-test)"

echo; echo "== build: trunk build --release"
bash scripts/build.sh

level 5 "end-to-end (node --test, Chromium via playwright-core)" \
  node --test --test-concurrency=1 tests/e2e/
count 5 "end-to-end, Chromium (playwright-core)"

level 6 "end-to-end core flows (node --test, Firefox ESR via selenium-webdriver)" \
  node --test --test-concurrency=1 tests/firefox/
count 6 "end-to-end, Firefox ESR (selenium-webdriver)"

level 7 "end-to-end flows (node --test, WebKit's MiniBrowser via selenium-webdriver)" \
  node --test --test-concurrency=1 tests/webkit/
count 7 "end-to-end, WebKit (selenium-webdriver)"

echo; echo "== summary"
printf '%s\n' "${SUMMARY[@]}"
echo "total: $TOTAL_PASSED passed, 0 failed"
