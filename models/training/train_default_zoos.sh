#!/bin/sh
# Trains (or resumes) the two default zoos one after the other, no dropout first.
# Run from the repository root; logs go to models/training/logs/.
set -e
RECIPE="--width 0.1667 --epochs 4 --batch-size 128 --lr 0.05 --warmup-epochs 0.2 --pad 0 --eval-each-epoch --log-every 100"
/usr/bin/python3 models/training/train_allcnnc.py --out models/fmnist-allcnnc --seeds 0-9 $RECIPE "$@"
/usr/bin/python3 models/training/train_allcnnc.py --out models/fmnist-allcnnc-dropout --dropout --seeds 0-9 $RECIPE "$@"
