#!/usr/bin/env bash
# npm run bench: compute kernels (vs numpy + OpenBLAS), then the browser (page load, encode vs Node).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-chromium.sh
npm run assets
npx vite build --logLevel warn
npx tsx bench/compute.bench.ts
npx tsx bench/compare.bench.ts
npx tsx bench/knn-few.bench.ts
npx tsx bench/cli-scale.ts
npx vite preview --host 127.0.0.1 --port 4183 --strictPort >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -sf http://127.0.0.1:4183/ >/dev/null && break; sleep 0.2; done
BENCH_URL=http://127.0.0.1:4183 npx tsx bench/page.bench.ts
BENCH_URL=http://127.0.0.1:4183 npx tsx bench/interaction.bench.ts
# Side by side with an earlier build: BENCH_TARGETS="now=http://127.0.0.1:4183,before=http://127.0.0.1:4184"
BENCH_URL=http://127.0.0.1:4183 npx tsx bench/umap.bench.ts
for dim in 512 784; do BENCH_DIM=$dim BENCH_RUNS=1 npx tsx bench/umap.bench.ts; done
npx tsx bench/umap-mnist.ts
BENCH_URL=http://127.0.0.1:4183 npx tsx bench/page-scale.ts
