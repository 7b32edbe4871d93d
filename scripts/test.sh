#!/usr/bin/env bash
# Sets everything up and runs every test, cheapest first, then prints each
# level's count. The gates run first, so a formatting or lint slip fails in
# seconds, not after the browsers:
#   0. gates: cargo fmt --check, clippy with warnings denied (host and
#      wasm32, tests included; missing_docs is denied in the crates)
#   1. host tests: the pure engine (crates/domain), the JSON reader
#      (crates/json, against serde_json), the tool's draft rules
#   2. the receipt service (cargo test -p kloudconsent-receipts) against
#      SQLite and a throwaway PostgreSQL server (scripts/postgres.sh)
#   3. fuzzing (cargo fuzz, 20 s per target, on one core beside level 2;
#      a longer run: scripts/fuzz.sh)
#   4. browser tests of the core's adapters and the preference tool's
#      components (wasm-bindgen-test) in Chromium
#   5. the same browser tests in Firefox ESR
#   then the release build (trunk build --release), whose byte ratchet
#   (scripts/size.mjs --check) fails when the core or the tool outgrows
#   its committed budget
#   6. end-to-end in Chromium (playwright-core) against the built dist/:
#      Debian's chromium-headless-shell, the full browser where a file asks
#      (tests/e2e/helpers.mjs `launch`)
#   7. the engine-sensitive files of the same end-to-end suite in Firefox ESR
#      (playwright-core over WebDriver BiDi); what only Chromium's
#      automation can do is skipped, with why
#   8. core end-to-end flows in Firefox ESR (selenium-webdriver: WebDriver's
#      own clicks and keys, double clicks included)
#   9. end-to-end flows in WebKit (WebKitGTK's MiniBrowser, selenium-webdriver;
#      the suite starts and stops its own virtual display)
set -euo pipefail
cd "$(dirname "$0")/.."
# Minutes and seconds since the script started (bash's $SECONDS).
clock() { printf '%dm%02ds' $((SECONDS / 60)) $((SECONDS % 60)); }
bash scripts/setup.sh test
echo "setup done at $(clock)"
source scripts/env.sh

LOGS="$(mktemp -d)"
KLOUDCONSENT_POSTGRES_DIR=""
# Whatever happens, the log directory goes and the PostgreSQL server stops.
cleanup() {
  # A fuzz run still going (a level before it failed) is stopped.
  if [ -n "${FUZZ_PID:-}" ]; then pkill -TERM -P "$FUZZ_PID" 2>/dev/null || true; kill "$FUZZ_PID" 2>/dev/null || true; fi
  rm -rf "$LOGS"
  if [ -n "$KLOUDCONSENT_POSTGRES_DIR" ]; then bash scripts/postgres.sh stop "$KLOUDCONSENT_POSTGRES_DIR"; fi
}
trap cleanup EXIT
SUMMARY=()
TIMES=()
TOTAL_PASSED=0
LEVELS=9

# Notes how long a step took since `$1` (a $SECONDS reading), as `$2`.
took() {
  local spent=$((SECONDS - $1))
  TIMES+=("$(printf '%4dm%02ds  %s' $((spent / 60)) $((spent % 60)) "$2")")
}

# Runs one level, showing its output and keeping it to count from.
level() {
  local n="$1" name="$2"; shift 2
  local start=$SECONDS
  echo; echo "== test $n/$LEVELS: $name (at $(clock))"
  "$@" 2>&1 | tee "$LOGS/$n.log"
  took "$start" "$n. ${name%% (*}"
}

# Tests passed in a level's log: cargo's "test result" lines or node's "# pass".
count() {
  local log="$LOGS/$1.log" passed
  passed=$(sed -n -e 's/^test result: ok\. \([0-9]*\) passed.*/\1/p' -e 's/^# pass \([0-9]*\)$/\1/p' "$log" \
    | awk '{ s += $1 } END { print s + 0 }')
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  SUMMARY+=("$(printf '%-52s %5s passed' "$2" "$passed")")
}

WASM_CRATES=(-p kloudconsent -p kloudconsent-tool -p tokise -p gloo)
gates() {
  cargo fmt --all --check
  cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings
  cargo clippy --target wasm32-unknown-unknown "${WASM_CRATES[@]}" --all-targets --quiet -- -D warnings
  echo "gates passed"
}
level 0 "gates (cargo fmt --check, clippy -D warnings on host and wasm32)" gates
SUMMARY+=("$(printf '%-52s %s' "gates (fmt, clippy host + wasm32)" "$(tail -n1 "$LOGS/0.log")")")

level 1 "host tests (crates/domain, crates/json, the tool's rules, its panic hook)" \
  cargo test --quiet -p kloudconsent-domain -p kloudconsent-json -p kloudconsent-tool -p console_error_panic_hook
count 1 "host (domain, JSON reader, tool rules)"

# Fuzzing (level 3: one core, 20 s per target) runs beside the receipt
# service's tests, which mostly wait out the timeouts of the faults they
# provoke: about 1.5 minutes less in all. Its output is shown after level 2.
bash scripts/fuzz.sh 20 > "$LOGS/3.fuzz.log" 2>&1 &
FUZZ_PID=$!

echo; echo "== PostgreSQL for the receipt service (scripts/postgres.sh start)"
PG_ENV=$(bash scripts/postgres.sh start)
eval "$PG_ENV"
# tests/faults.rs mostly waits: for timeouts it provokes (a client that never
# reads, a database that hangs) and for servers it stops and starts. Each of
# its tests has its own database, service and, where it stops one, its own
# PostgreSQL, so eight run at once: 45 s instead of 2 min 7 s. The other
# files share one PostgreSQL and keep cargo's default.
receipt_tests() {
  local others=() file
  for file in crates/receipts/tests/*.rs; do
    [ "$(basename "$file")" = faults.rs ] || others+=(--test "$(basename "$file" .rs)")
  done
  cargo test -p kloudconsent-receipts --lib --bins "${others[@]}"
  cargo test -p kloudconsent-receipts --doc
  cargo test -p kloudconsent-receipts --test faults -- --test-threads=8
}
level 2 "receipt service (cargo test -p kloudconsent-receipts, SQLite and PostgreSQL)" receipt_tests
count 2 "receipt service (SQLite and PostgreSQL)"
bash scripts/postgres.sh stop "$KLOUDCONSENT_POSTGRES_DIR"
KLOUDCONSENT_POSTGRES_DIR=""

# Waited for here, in this shell (a level runs in a pipeline's subshell,
# which cannot wait for it).
waited=$SECONDS
fuzz_status=0
wait "$FUZZ_PID" || fuzz_status=$?
FUZZ_PID=""
level 3 "fuzzing (cargo fuzz, 20 s per target; beside level 2, then $((SECONDS - waited)) s more)" \
  bash -c 'cat "$1"; exit "$2"' _ "$LOGS/3.fuzz.log" "$fuzz_status"
SUMMARY+=("$(printf '%-52s %s' "fuzz (cargo fuzz, 20 s/target)" "$(tail -n1 "$LOGS/3.log")")")

browser_tests() {
  cargo test --target wasm32-unknown-unknown -p kloudconsent --test browser
  cargo test --target wasm32-unknown-unknown -p kloudconsent-tool --tests
  # Yew's stand-ins (crates/yew-tokise, crates/yew-gloo).
  cargo test --target wasm32-unknown-unknown -p tokise -p gloo --tests
}
level 4 "browser tests (wasm-bindgen-test, headless Chromium)" browser_tests
count 4 "browser, Chromium (wasm-bindgen-test)"

level 5 "browser tests (wasm-bindgen-test, headless Firefox ESR)" \
  env -u CHROMEDRIVER GECKODRIVER="$(command -v geckodriver)" bash -c "set -euo pipefail; $(declare -f browser_tests); browser_tests"
count 5 "browser, Firefox ESR (wasm-bindgen-test)"

echo; echo "== build: trunk build --release (and the byte ratchet) (at $(clock))"
build_start=$SECONDS
bash scripts/build.sh
took "$build_start" "the release build"

level 6 "end-to-end (node --test, Chromium's headless shell via playwright-core)" \
  node --test --test-concurrency=1 tests/e2e/
count 6 "end-to-end, Chromium (playwright-core)"

# In Firefox, the files where engines differ: focus, layout, the tool and
# its loading, gating and embeds, storage, signals, CSP, hostile markup
# (about 9.5 minutes). The rest (the API's and Consent Mode's rules, config
# and stored-value parsing, languages, the loader's integrity checks,
# stalled networks, the npm package, the docs' snippets) runs our own code
# the same way in any engine; the whole suite passes in Firefox too, in
# about 16 minutes, run by hand (CONTRIBUTING.md, "Tests").
FIREFOX_E2E=()
for f in a11y csp dom-tampering embeds-module environments focus-obscured gating layout lazy-tool markup-attacks phone \
  partytown preferences reopen security-engine services signals skeleton spa-dynamics storage theming tool-opening top-layer; do
  FIREFOX_E2E+=("tests/e2e/$f.test.mjs")
done
level 7 "end-to-end, the engine-sensitive files of the same suite (node --test, Firefox ESR via playwright-core over WebDriver BiDi)" \
  env KLOUDCONSENT_E2E_BROWSER=firefox node --test --test-concurrency=1 "${FIREFOX_E2E[@]}"
count 7 "end-to-end, Firefox ESR (playwright-core, BiDi)"

level 8 "end-to-end core flows (node --test, Firefox ESR via selenium-webdriver)" \
  node --test --test-concurrency=1 tests/firefox/
count 8 "end-to-end, Firefox ESR (selenium-webdriver)"

level 9 "end-to-end flows (node --test, WebKit's MiniBrowser via selenium-webdriver)" \
  node --test --test-concurrency=1 tests/webkit/
count 9 "end-to-end, WebKit (selenium-webdriver)"

echo; echo "== summary"
printf '%s\n' "${SUMMARY[@]}"
echo "total: $TOTAL_PASSED passed, 0 failed"
echo; echo "== time per level"
printf '%s\n' "${TIMES[@]}"
echo "whole run: $(clock)"
