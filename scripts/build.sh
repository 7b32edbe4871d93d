#!/usr/bin/env bash
# Release build of the widget into dist/ (kloudconsent.js + wasm + demo page,
# with .br and .gz copies), then a report of the bytes a page fetches.
#
# This is `trunk build --release` with a size-optimized toolchain: when the
# nightly toolchain has rust-src (setup.sh adds it), std is rebuilt for size
# and panics compile to a bare trap (no formatting machinery, no messages).
# The environment below passes through Trunk to cargo. Without nightly it
# falls back to plain stable `trunk build --release`: same behaviour, ~11 KB
# brotli more wasm. KLOUDCONSENT_STABLE=1 forces stable. See docs/performance.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"

nightly_ready() {
  local sysroot
  sysroot=$(rustup run nightly rustc --print sysroot 2>/dev/null) || return 1
  [ -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ] \
    && [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]
}

if [ "${KLOUDCONSENT_STABLE:-}" != 1 ] && nightly_ready; then
  export RUSTUP_TOOLCHAIN=nightly
  export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
  export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
  # immediate-abort: a panic is a trap, so no panic hook or message code
  # ships; fmt-debug/location-detail: no Debug impls, no panic locations.
  # mir-opt-level=3 with a MIR inline threshold of 100: rustc's MIR inliner
  # at a level that is sound but off by default, tuned for size (measured
  # 2026-12-02 over 60/80/100/150/300 and levels 2-4: 100 at level 3 is the
  # smallest; core -1.0 KB brotli, tool -2.3 KB).
  # Every function's MIR kept for inlining into other crates
  # (cross-crate-inline-threshold=always; by default only small and
  # `#[inline]` ones are), so the MIR inliner can fold std's and our crates'
  # helpers into their callers where that is smaller, with its threshold for
  # `#[inline]` functions at 15 instead of 100: core -2.9 KB brotli, tool
  # -4.3 KB (measured 2026-12-03; hint thresholds 0/10/15/18/22/30/60/100
  # with it, 15 the smallest for both; the plain threshold made no
  # difference between 30 and 300). LLVM's inliner is left at its -Oz
  # default after it: its threshold 0, which had saved 38 B and 116 B before,
  # now costs 31 B and 0.52 KB (15, 35, 50 and 100 measured too).
  # Reference types off: wasm-bindgen then keeps the JS values the wasm holds
  # in an array of its glue instead of a wasm table managed by code in the
  # wasm (core -0.39 KB brotli, tool -0.28 KB; measured 2026-12-03).
  export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none -Zmir-opt-level=3 -Zinline-mir-threshold=100 -Zinline-mir-hint-threshold=15 -Zcross-crate-inline-threshold=always -Ctarget-feature=-reference-types"
  echo "== build: $(rustc --version), std rebuilt for size"
else
  echo "== build: $(rustc --version) (stable: nightly with rust-src not available or KLOUDCONSENT_STABLE=1)"
fi
trunk build --release
node scripts/size.mjs dist --check
