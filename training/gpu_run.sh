#!/usr/bin/env bash
# Train every self-supervised recipe at 64 px on one NVIDIA GPU, all at once, in about MINUTES
# (default 5.5) of training plus ~1 minute of start-up and health checks, and leave their final.pt
# (backbone with re-estimated BN + the card's `training` field) and logs in $WORK (default $OUT),
# all packed in $OUT/gpu_results.tgz:
#   moco-v2              MoCo v2, training/moco.py at 64 px                (unless SKIP_MOCO=1)
#   swav-k1000-eps0.05   SwAV, 1000 prototypes, queue 3840, published epsilon 0.05,
#                        2 x 64 px + 4 x 32 px crops
#   swav-k1000-eps0.03   the same with epsilon 0.03 (sharper codes)
# (The first GPU run, 2026-12-04, ran moco-v2 and SwAV with 100 prototypes at epsilon 0.05, 0.03
# and 0.02, four processes with 16 torch threads each: 7 s per MoCo epoch and 19 s per SwAV epoch,
# CPU-bound, and SwAV's feature rank stayed at 3.4-5.2; hence 4 threads per process and K = 1000,
# as solo-learn's SwAV for CIFAR uses 3000 prototypes for 50k images.)
# Back on the CPU machine, training/ship_gpu.py picks the SwAV epsilon by the label-free rule
# (feature rank >= 32, then held-out augmentation retrieval) and exports with
# training/export_checkpoint.py. Never used by tests or CI. (The image-title model is not trained
# here: it already leads on category and its recipe has no GPU path yet.)
#
#   OUT=/tmp/gpu CORPUS_NPZ=corpus.npz RECALL_LENS_GIT_COMMIT=<sha> bash training/gpu_run.sh [MINUTES]
#   SMOKE=2 OUT=/tmp/smoke bash training/gpu_run.sh 0.2     # CPU smoke test: 2 steps per epoch
set -euo pipefail
cd "$(dirname "$0")/.."
MIN=${1:-5.5}
OUT=${OUT:-training/runs/gpu}
WORK=${WORK:-$OUT}
PY=${PYTHON:-python3}
mkdir -p "$OUT" "$WORK"
export PYTHONUNBUFFERED=1 RECALL_LENS_THREADS=${RECALL_LENS_THREADS:-4}
if [ ! -f public/data/emoji-styles/images.rgb ]; then
  "$PY" training/pack_corpus.py unpack "${CORPUS_NPZ:-corpus.npz}"
fi
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available() and torch.cuda.get_device_name())"
MAXMIN=$(awk "BEGIN { print $MIN + 0.5 }")
COMMON=(--size 64 --budget-minutes "$MIN" --max-minutes "$MAXMIN" --epochs 2000 --no-export)
SWAV=(--small-size 32 --prototypes 1000 --queue 3840)
if [ -n "${SMOKE:-}" ]; then COMMON+=(--smoke "$SMOKE" --epochs 3 --batch 32); SWAV+=(--queue 64 --queue-start-epoch 1); fi
DEVICE=${DEVICE:-auto}

start() {  # id script args...
  local id=$1 script=$2
  shift 2
  "$PY" "training/$script" --id "$id" --device "$DEVICE" --save-final "$WORK/$id.pt" "${COMMON[@]}" "$@" \
    > "$WORK/$id.log" 2>&1 &
  PIDS+=("$!")
  IDS+=("$id")
}
PIDS=()
IDS=()
if [ -z "${SKIP_MOCO:-}" ]; then start moco-v2 moco.py; fi
start swav-k1000-eps0.05 swav.py "${SWAV[@]}" --epsilon 0.05
start swav-k1000-eps0.03 swav.py "${SWAV[@]}" --epsilon 0.03
FAILED=0
for i in "${!PIDS[@]}"; do
  if wait "${PIDS[$i]}"; then echo "${IDS[$i]}: ok"; else echo "${IDS[$i]}: FAILED"; FAILED=1; fi
  grep -E '"msg": "(done|time budget)' "$WORK/${IDS[$i]}.log" || tail -5 "$WORK/${IDS[$i]}.log"
done
tar czf "$OUT/gpu_results.tgz" -C "$WORK" $(cd "$WORK" && ls *.pt *.log 2>/dev/null)
ls -la "$WORK" "$OUT"
exit $FAILED
