#!/usr/bin/env bash
# Sets everything up, builds, and serves the demo host page on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh demo
bash scripts/build.sh
source scripts/env.sh
PORT="${PORT:-8080}"
echo
echo "KloudConsent demo: http://127.0.0.1:$PORT/   (Ctrl+C to stop)"
exec node tests/e2e/server.mjs --port "$PORT"
