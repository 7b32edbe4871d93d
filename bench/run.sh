#!/usr/bin/env bash
# KloudConsent size/performance benchmark: one command.
#
#   bench/run.sh [--n 15] [--latencies 0,50] [--widgets ours,preload,vanilla,klaro] [--warmup 1]
#                [--pages full,minimal] [--parts load,dom]
#
# Installs bench/ dev dependencies with `npm ci` when node_modules is missing
# or older than package-lock.json, starts server.mjs on 127.0.0.1 (a free
# port unless BENCH_PORT is set), runs bench.mjs, stops the server. Writes
# bench/RESULTS.md and bench/results.json (part `load`), bench/DOM-COST.md
# and bench/dom-cost.json (part `dom`). Exit code: bench.mjs's (1 when a
# correctness check failed). Env: see README.md.
set -euo pipefail
cd "$(dirname "$0")"

CHROMIUM="${BENCH_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  if [[ "$(id -u)" == 0 && "$CHROMIUM" == /usr/bin/chromium ]] && command -v apt-get >/dev/null; then
    echo "run.sh: $CHROMIUM missing; installing Debian's chromium (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "run.sh: no Chromium at $CHROMIUM (install Debian's: apt-get install -y chromium, or set BENCH_CHROMIUM)" >&2
    exit 2
  fi
fi

# Dependencies: reinstall when the lock file changed since the last npm ci.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.bench-lock.sha256
if [[ ! -d node_modules || ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "run.sh: npm ci (bench/ dev dependencies)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi

# Serve a snapshot of dist/ so a rebuild during the run cannot mix two builds.
dist_src="${BENCH_DIST:-../dist}"
snap=""
if [[ -f "$dist_src/kloudconsent.js" ]]; then
  snap="$(mktemp -d -t kloudconsent-bench-dist.XXXXXX)"
  cp -a "$dist_src/." "$snap/"
  export BENCH_DIST_ORIGIN="$dist_src" BENCH_DIST="$snap"
else
  echo "run.sh: $dist_src/kloudconsent.js not found: KloudConsent will be skipped (build it first)" >&2
fi

log="$(mktemp -t kloudconsent-bench-server.XXXXXX)"
node server.mjs --host 127.0.0.1 --port "${BENCH_PORT:-0}" --quiet >"$log" 2>&1 &
server_pid=$!
cleanup() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  rm -f "$log"
  [[ -n "$snap" ]] && rm -rf "$snap"
  return 0
}
trap cleanup EXIT INT TERM

base=""
for _ in $(seq 1 100); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: server failed to start:" >&2; cat "$log" >&2; exit 2
  fi
  base="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)"
  [[ -n "$base" ]] && break
  sleep 0.1
done
[[ -n "$base" ]] || { echo "run.sh: server did not report its address" >&2; cat "$log" >&2; exit 2; }
echo "run.sh: $(head -n1 "$log")" >&2

set +e
BENCH_BASE_URL="$base" BENCH_CHROMIUM="$CHROMIUM" node bench.mjs "$@"
status=$?
set -e
exit "$status"
