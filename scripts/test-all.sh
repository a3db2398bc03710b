#!/usr/bin/env bash
# Every test: types, lint (ESLint + Prettier), unit tests (Node), then browser tests against the built
# site (WASM and WebGPU) and against what `npm start` serves (the dev project).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npm run assets
npx tsc -b
npm run -s lint
npx vitest run
npx vite build --logLevel warn
npx playwright test
