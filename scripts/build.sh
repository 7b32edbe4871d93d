#!/usr/bin/env bash
# Release build of the widget into dist/ (kloudconsent.js + wasm + demo page,
# with .br and .gz copies).
set -euo pipefail
source "$(dirname "$0")/env.sh"
trunk build --release
ls -l dist/kloudconsent.js dist/kloudconsent_bg.wasm
