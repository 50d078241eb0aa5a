#!/bin/sh
# Trains (or resumes) the two default zoos, each in its own single-threaded process,
# side by side (small convolutions scale poorly across threads; on a shared machine
# two 1-thread processes use idle cores far better than one 2-thread process).
# Run from the repository root; logs go to models/training/logs/. Extra arguments are
# passed to both (e.g. --device cuda). Rerun to resume. The dropout zoo runs at idle
# scheduling priority (chrt --idle) so the default zoo (no dropout) finishes first.
. "$(dirname "$0")/recipe.sh"
mkdir -p models/training/logs
/usr/bin/python3 models/training/train_allcnnc.py --out models/fmnist-allcnnc --seeds 0-9 $RECIPE "$@" \
  > models/training/logs/fmnist-allcnnc.log 2>&1 &
IDLE=""; command -v chrt >/dev/null 2>&1 && IDLE="chrt --idle 0"
$IDLE /usr/bin/python3 models/training/train_allcnnc.py --out models/fmnist-allcnnc-dropout --dropout --seeds 0-9 $RECIPE "$@" \
  > models/training/logs/fmnist-allcnnc-dropout.log 2>&1 &
wait
