#!/usr/bin/env bash
# Every test: types, unit tests (Node), then browser tests against the built site (WASM and WebGPU).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npm run assets
npx tsc -b
npx vitest run
npx vite build --logLevel warn
npx playwright test
