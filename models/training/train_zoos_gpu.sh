#!/bin/sh
# Trains the default zoos on one GPU: one process per (zoo, seed), PARALLEL at a time
# (these small networks leave a GPU mostly idle; parallel processes fill it). Each
# process saves STATE_DIR/<zoo>/seedN.npz (--state-only: weights, test accuracy, recipe),
# so this needs no onnx and is resumable (finished seeds are skipped). Then export
# each zoo to ONNX + zoo.json on any machine (the same exporter for every zoo):
#   python3 models/training/train_allcnnc.py --from-state STATE_DIR/<zoo> --out models/<zoo> --seeds 0-9
# Usage (repository root): sh models/training/train_zoos_gpu.sh STATE_DIR [DATA_DIR] [PARALLEL] [ZOOS]
#   ZOOS: a space-separated subset of: fmnist-allcnnc-w1 fmnist-allcnnc fmnist-allcnnc-dropout
# Environment: DEVICE (default cuda), TRAIN_ARGS (appended to the recipe, e.g. --smoke for a check).
set -e
HERE=$(dirname "$0")
. "$HERE/recipe.sh"
if [ "$1" = "--one" ]; then  # internal: one (zoo, seed) job, run by xargs below
  STATE=$2; DATA=$3; zoo=$4; seed=$5
  case $zoo in
    fmnist-allcnnc) extra="" ;;
    fmnist-allcnnc-dropout) extra="--dropout" ;;
    fmnist-allcnnc-w1) extra="--width 1" ;;
    *) echo "unknown zoo $zoo" >&2; exit 2 ;;
  esac
  OMP_NUM_THREADS=1 python3 "$HERE/train_allcnnc.py" --state-only --device "${DEVICE:-cuda}" --data-dir "$DATA" \
    --out "$STATE/$zoo" --seeds "$seed" $RECIPE $extra $TRAIN_ARGS > "$STATE/logs/$zoo-seed$seed.log" 2>&1 \
    || { echo "$zoo seed $seed failed: see $STATE/logs/$zoo-seed$seed.log" >&2; exit 1; }
  exit 0
fi
STATE=${1:?usage: train_zoos_gpu.sh STATE_DIR [DATA_DIR] [PARALLEL] [ZOOS]}
DATA=${2:-/usr/share/datasets/fashion-mnist}
PARALLEL=${3:-12}
ZOOS=${4:-"fmnist-allcnnc-w1 fmnist-allcnnc fmnist-allcnnc-dropout"}
mkdir -p "$STATE/logs"
# Listed zoo by zoo: the full-width zoo (the long one) first.
for zoo in $ZOOS; do
  for seed in 0 1 2 3 4 5 6 7 8 9; do echo "$zoo $seed"; done
done | xargs -P "$PARALLEL" -L 1 sh "$0" --one "$STATE" "$DATA"
