#!/usr/bin/env python3
"""Writes a zoo folder's README.md from its zoo.json (rerun any time).

    /usr/bin/python3 models/training/zoo_readme.py models/fmnist-allcnnc
"""
import json
import os
import sys


def render(zoo):
    inst = zoo.get("instances", [])
    acc = [i["test_accuracy"] for i in inst]
    secs = [i.get("training_seconds", 0.0) for i in inst]
    t = zoo.get("training", {})
    lines = [
        f"# {zoo['name']}",
        "",
        f"{len(inst)} instance{'s' if len(inst) != 1 else ''} of {zoo['architecture']} (width multiplier {zoo['width']}, "
        f"dropout {'0.5 after each stride-2 block' if zoo['dropout'] else 'none'}) trained on "
        f"{zoo['dataset']} that differ only in the seed of their initial weights. "
        "Data order and augmentation come from one data seed shared by all instances "
        f"(data_seed {t.get('data_seed')}).",
        "",
        "Made by `models/training/train_allcnnc.py` (see models/training/README.md); the exact "
        "recipe and command line are in `zoo.json` under `training`. Every ONNX file outputs the "
        "logits and every layer after its nonlinearity (" + ", ".join(l["tensor"] for l in zoo["layers"]) + ").",
        "",
        "Input: `input`, float32 NCHW " + "×".join(str(s) for s in zoo["input"]["shape"]) +
        f", x = (pixel/{zoo['input']['scale']} − mean)/std with mean {zoo['input']['mean']}, std {zoo['input']['std']}.",
        "",
        "## Test accuracy (whole 10,000-image test set)",
        "",
    ]
    if acc:
        lines += [
            f"mean {100 * sum(acc) / len(acc):.2f} %, min {100 * min(acc):.2f} %, max {100 * max(acc):.2f} % "
            f"over {len(acc)} instance{'s' if len(acc) != 1 else ''}.",
            "",
            "| instance | seed | test accuracy | training time (s) | file |",
            "| --- | --- | --- | --- | --- |",
        ]
        for i, s in zip(inst, secs):
            lines.append(f"| {i['name']} | {i['seed']} | {100 * i['test_accuracy']:.2f} % | {s:.0f} | {i['file']} |")
        lines.append("")
        if str(t.get("device", "cpu")).startswith("cuda"):
            where = (f"on one {t.get('device_name') or 'GPU'} (PyTorch {t.get('torch', '?')}), shared by "
                     "the instances trained in parallel processes (models/training/train_zoos_gpu.sh)")
        else:
            where = (f"on the CPU ({t.get('threads', '?')} thread(s), PyTorch {t.get('torch', '?')}) of a "
                     "2-core machine shared with other work")
        lines.append(f"Training time is the wall time of the training loop {where}, so it varies with the "
                     "load, not with the instance.")
    else:
        lines.append("No instance has finished training yet.")
    lines.append("")
    return "\n".join(lines)


def write_readme(zoo_dir):
    with open(os.path.join(zoo_dir, "zoo.json")) as f:
        zoo = json.load(f)
    path = os.path.join(zoo_dir, "README.md")
    with open(path + ".tmp", "w") as f:
        f.write(render(zoo))
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    for d in sys.argv[1:] or ["."]:
        write_readme(d)
