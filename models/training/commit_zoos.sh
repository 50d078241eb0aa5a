#!/bin/sh
# Regenerates the default zoos' README.md from zoo.json and commits whatever has finished.
# Run from the repository root while (or after) train_default_zoos.sh runs.
set -e
for z in models/fmnist-allcnnc models/fmnist-allcnnc-dropout models/fmnist-allcnnc-w1; do
  [ -f "$z/zoo.json" ] || continue
  /usr/bin/python3 models/training/zoo_readme.py "$z"
  git add "$z/zoo.json" "$z/README.md" "$z"/seed*.onnx
done
n() { [ -f "$1/zoo.json" ] && /usr/bin/python3 -c "import json,sys;print(len(json.load(open(sys.argv[1]))['instances']))" "$1/zoo.json" || echo 0; }
git commit -m "Default zoos: $(n models/fmnist-allcnnc)/10 instances without dropout, $(n models/fmnist-allcnnc-dropout)/10 with dropout" || true
