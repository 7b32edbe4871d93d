#!/usr/bin/env bash
# Receipt service benchmark: sustained ingest over loopback at bounded
# concurrency, on SQLite and on PostgreSQL; receipts/s, p50/p99 latency, and
# zero lost (every 201 has its row, checked through the export afterwards).
#
#   bash bench/receipts/run.sh [seconds per run, default 30] [concurrency, default 32]
#
# Run it on a quiet machine: the load generator and the service share the
# same cores. Results go to stdout; bench/receipts/RESULTS.md keeps the record.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/env.sh
SECONDS_PER_RUN="${1:-30}"
CONCURRENCY="${2:-32}"
TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
export KLOUDCONSENT_RECEIPTS_TOKEN="$TOKEN"
WORK=$(mktemp -d /tmp/kloudconsent-bench.XXXXXX)
SERVICE_PID=""
PG_DIR=""
cleanup() {
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null
  [ -n "$PG_DIR" ] && bash scripts/postgres.sh stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build (service profile)"
cargo build --quiet --profile service -p kloudconsent-receipts --bin kloudconsent-receipts --example load

# Starts the service on $1 (a database URL) and waits for it to listen.
start_service() {
  : >"$WORK/service.log"
  target/service/kloudconsent-receipts --listen 127.0.0.1:0 --database-url "$1" \
    --allowed-origin https://kloudstack.com.au --rate-limit-per-minute 0 \
    >"$WORK/service.out" 2>"$WORK/service.log" &
  SERVICE_PID=$!
  for _ in $(seq 100); do
    URL=$(sed -n 's/^kloudconsent-receipts: listening on //p' "$WORK/service.out")
    [ -n "$URL" ] && return
    sleep 0.1
  done
  cat "$WORK/service.log"; exit 1
}

stop_service() {
  kill "$SERVICE_PID"; wait "$SERVICE_PID" || true; SERVICE_PID=""
}

run() {
  local name="$1"
  echo "== $name: ${SECONDS_PER_RUN}s at concurrency $CONCURRENCY (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  target/service/examples/load "$URL" "$SECONDS_PER_RUN" "$CONCURRENCY" https://kloudstack.com.au | tee "$WORK/$name.json"
}

echo "== machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1), $(uname -r)"
start_service "sqlite:$WORK/receipts.sqlite3"
run sqlite
stop_service

PG_ENV=$(bash scripts/postgres.sh start)
eval "$PG_ENV"
PG_DIR="$KLOUDCONSENT_POSTGRES_DIR"
start_service "$KLOUDCONSENT_TEST_POSTGRES_URL"
run postgres
stop_service
echo "== done ($(date -u +%Y-%m-%dT%H:%MZ))"
