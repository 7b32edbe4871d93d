#!/usr/bin/env bash
# Sets everything up, builds, and serves the demo host page on 127.0.0.1,
# with the receipt service behind it: every decision made on the demo page
# is stored (SQLite, target/demo/receipts.sqlite3) and can be looked up.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
bash scripts/build.sh
source scripts/env.sh
PORT="${PORT:-8080}"
RECEIPTS_PORT="${RECEIPTS_PORT:-8081}"

echo
# The dev profile: about 3 minutes from nothing on 2 cores, against many
# more for the optimised `service` profile (docs/receipts.md), and a demo
# sends a handful of receipts.
echo "== build: the receipt service (cargo build, ~3 min the first time)"
cargo build -p kloudconsent-receipts
mkdir -p target/demo
# A fresh token per demo run, shown below, never written to disk.
TOKEN=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
SERVICE_LOG=target/demo/receipts.log
KLOUDCONSENT_RECEIPTS_TOKEN="$TOKEN" target/debug/kloudconsent-receipts \
  --listen "127.0.0.1:$RECEIPTS_PORT" \
  --database-url "sqlite:target/demo/receipts.sqlite3" \
  --allowed-origin "http://127.0.0.1:$PORT" --allowed-origin "http://localhost:$PORT" \
  >"$SERVICE_LOG" 2>&1 &
SERVICE_PID=$!
trap 'kill "$SERVICE_PID" 2>/dev/null; wait "$SERVICE_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "listening on" "$SERVICE_LOG" && break
  kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$SERVICE_LOG"; echo "demo: the receipt service did not start" >&2; exit 1; }
  sleep 0.1
done
RECEIPTS="http://127.0.0.1:$RECEIPTS_PORT"

cat <<EOT

KloudConsent demo: http://127.0.0.1:$PORT/   (Ctrl+C stops the page and the receipt service)
The built-in default (KloudStack's policy) on the front page; its analytics
tools one by one (services) at http://127.0.0.1:$PORT/demo/services.html

Each decision on the page is sent to the receipt service at $RECEIPTS/receipts
and stored in target/demo/receipts.sqlite3 (its log: $SERVICE_LOG).
The privacy team's view: make a decision, open "Manage Cookie Preferences" for
the consent id, then

  curl -H "Authorization: Bearer $TOKEN" $RECEIPTS/receipts/<consent id>
  curl -H "Authorization: Bearer $TOKEN" "$RECEIPTS/export?format=csv"

(this token is made for this run only). More: docs/receipts.md
EOT
node tests/e2e/server.mjs --port "$PORT" --receipt-url "$RECEIPTS/receipts"
