#!/usr/bin/env bash
# Sets everything up and runs every test, level by level, then prints each
# level's count:
#   1. host tests (cargo test --lib: the pure consent engine)
#   2. the receipt service (cargo test -p kloudconsent-receipts) against
#      SQLite and a throwaway PostgreSQL server (scripts/postgres.sh)
#   3. fuzzing (cargo fuzz, 20 s per target; a longer run: scripts/fuzz.sh)
#   4. browser tests of the Rust adapters (wasm-bindgen-test) in Chromium
#   5. the same browser tests in Firefox ESR
#   6. end-to-end in Chromium (playwright-core) against the built dist/,
#      the receipt service included
#   7. core end-to-end flows in Firefox ESR (selenium-webdriver)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
source scripts/env.sh

LOGS="$(mktemp -d)"
KLOUDCONSENT_POSTGRES_DIR=""
# Whatever happens, the log directory goes and the PostgreSQL server stops.
cleanup() {
  rm -rf "$LOGS"
  if [ -n "$KLOUDCONSENT_POSTGRES_DIR" ]; then bash scripts/postgres.sh stop "$KLOUDCONSENT_POSTGRES_DIR"; fi
}
trap cleanup EXIT
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

echo; echo "== PostgreSQL for the receipt service (scripts/postgres.sh start)"
PG_ENV=$(bash scripts/postgres.sh start)
eval "$PG_ENV"
level 2 "receipt service (cargo test -p kloudconsent-receipts, SQLite and PostgreSQL)" \
  cargo test -p kloudconsent-receipts
count 2 "receipt service (SQLite and PostgreSQL)"
bash scripts/postgres.sh stop "$KLOUDCONSENT_POSTGRES_DIR"
KLOUDCONSENT_POSTGRES_DIR=""

level 3 "fuzzing (cargo fuzz, 20 s per target)" bash scripts/fuzz.sh 20
SUMMARY+=("$(printf '%-46s %s' "fuzz (cargo fuzz, 20 s/target)" "$(tail -n1 "$LOGS/3.log")")")

level 4 "browser tests (wasm-bindgen-test, headless Chromium)" \
  cargo test --target wasm32-unknown-unknown --test browser --test components
count 4 "browser, Chromium (wasm-bindgen-test)"

level 5 "browser tests (wasm-bindgen-test, headless Firefox ESR)" \
  env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" \
  cargo test --target wasm32-unknown-unknown --test browser --test components
count 5 "browser, Firefox ESR (wasm-bindgen-test)"

echo; echo "== build: trunk build --release"
bash scripts/build.sh

level 6 "end-to-end (node --test, Chromium via playwright-core)" \
  node --test --test-concurrency=1 tests/e2e/
count 6 "end-to-end, Chromium (playwright-core)"

level 7 "end-to-end core flows (node --test, Firefox ESR via selenium-webdriver)" \
  node --test --test-concurrency=1 tests/firefox/
count 7 "end-to-end, Firefox ESR (selenium-webdriver)"

echo; echo "== summary"
printf '%s\n' "${SUMMARY[@]}"
echo "total: $TOTAL_PASSED passed, 0 failed"
