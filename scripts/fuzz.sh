#!/usr/bin/env bash
# Fuzzes the decoders of everything a page, storage or a site owner can hand
# the widget, and the receipt service's body parser (cargo-fuzz: libFuzzer +
# AddressSanitizer, on nightly). Usage:
#   bash scripts/fuzz.sh [seconds per target] [target ...]
# scripts/test.sh runs 20 s per target; for a long run (see CONTRIBUTING.md, "Fuzzing"):
#   bash scripts/fuzz.sh 1800
# A crash stops the run and leaves the input in fuzz/artifacts/<target>/:
# turn it into a regression test (crates/domain, or crates/receipts for the
# receipt target) before fixing it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
SECONDS_PER_TARGET="${1:-20}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(cookie_record json_record config load receipt)
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
cargo +nightly fuzz build
for target in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  dict=()
  [ -f "fuzz/dicts/$target.dict" ] && dict=(-dict="fuzz/dicts/$target.dict")
  # -max_len 8192: past the 4 KB stored-value limit, so the size checks are hit.
  if ! cargo +nightly fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
      -max_total_time="$SECONDS_PER_TARGET" -max_len=8192 -rss_limit_mb=2048 \
      -print_final_stats=1 "${dict[@]}" >"$LOG" 2>&1; then
    tail -n 40 "$LOG"
    echo "fuzz $target: CRASH (input in fuzz/artifacts/$target/)"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG")
  echo "fuzz $target: ${runs:-?} runs in ${SECONDS_PER_TARGET}s, no crash"
done
echo "${#TARGETS[@]} targets, no crash"
