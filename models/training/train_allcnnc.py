#!/usr/bin/env python3
"""Trains a zoo of All-CNN-C instances that differ only in their init seed.

    /usr/bin/python3 models/training/train_allcnnc.py --out models/fmnist-allcnnc --seeds 0-9
    /usr/bin/python3 models/training/train_allcnnc.py --smoke          # seconds, to a temp dir

Resumable: instances already listed in <out>/zoo.json with a matching file are
skipped. After each instance the ONNX file, zoo.json and README.md are
(re)written atomically. See README.md beside this file.
"""
import argparse
import hashlib
import json
import os
import shlex
import sys
import tempfile
import time

# Must be set before CUDA is initialised for deterministic cuBLAS.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from allcnnc import AllCNNC, LAYER_NAMES  # noqa: E402
from data import DATASETS, Normalise, augment, load  # noqa: E402
from zoo_readme import write_readme  # noqa: E402

# Fields of `training` that must agree when an existing zoo is resumed.
RECIPE_KEYS = ["dataset", "width", "dropout", "epochs", "batch_size", "optimizer", "lr", "momentum", "nesterov",
               "weight_decay", "warmup_epochs", "schedule", "augmentation", "data_seed",
               "train_limit", "test_limit"]


def parse_seeds(text):
    seeds = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            seeds += list(range(int(lo), int(hi) + 1))
        else:
            seeds.append(int(part))
    return seeds


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dataset", choices=sorted(DATASETS), default="fmnist")
    p.add_argument("--data-dir", help="folder with the data set (default for fmnist: Debian's)")
    p.add_argument("--out", help="zoo folder (default: a new temp folder with --smoke)")
    p.add_argument("--name", help="zoo name (default: the folder's name)")
    p.add_argument("--seeds", default="0-9", help="init seeds, e.g. 0-9 or 0,3,5")
    p.add_argument("--width", type=float, default=0.333, help="channel multiplier (1 = 96/192)")
    p.add_argument("--dropout", action="store_true", help="dropout 0.5 after each stride-2 block")
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd",
                   help="sgd: SGD with (Nesterov) momentum; adam: AdamW (decoupled weight decay)")
    p.add_argument("--lr", type=float, default=0.05, help="peak learning rate")
    p.add_argument("--warmup-epochs", type=float, default=0.5, help="linear warm-up, then cosine to 0")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD momentum, or Adam's beta1")
    p.add_argument("--no-nesterov", dest="nesterov", action="store_false")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--pad", type=int, default=2, help="random crop after zero padding by this many pixels")
    p.add_argument("--no-flip", dest="flip", action="store_false", help="no random horizontal flips")
    p.add_argument("--data-seed", type=int, default=20201125, help="data order and augmentation, all instances")
    p.add_argument("--device", default="cpu", help="cpu, cuda, cuda:1 ...")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    p.add_argument("--train-limit", type=int, default=0, help="use only the first N training images")
    p.add_argument("--test-limit", type=int, default=0, help="evaluate on the first N test images only")
    p.add_argument("--smoke", action="store_true", help="one tiny epoch on a few hundred images, tiny width")
    p.add_argument("--eval-each-epoch", action="store_true", help="log test accuracy after every epoch")
    p.add_argument("--log-every", type=int, default=0, help="log every N steps (0: per epoch only)")
    p.add_argument("--state-only", action="store_true",
                   help="save each trained instance as <out>/seedN.npz (weights, accuracy, recipe) and export "
                        "nothing; for training on a machine without onnx, or seeds in parallel processes")
    p.add_argument("--from-state", metavar="DIR",
                   help="train nothing: export the seedN.npz files in DIR (from --state-only) to ONNX in --out "
                        "and write zoo.json, with the recipe and accuracies recorded at training time")
    p.add_argument("--quiet", action="store_true")
    a = p.parse_args(argv)
    if a.smoke:
        a.epochs, a.train_limit, a.test_limit = 1, 512, 256
        a.width, a.batch_size, a.warmup_epochs = 0.125, 64, 0.0
        if a.out is None:
            a.out = tempfile.mkdtemp(prefix="allcnnc-smoke-")
        if a.seeds == "0-9":
            a.seeds = "0"
    if a.out is None:
        p.error("--out is required (or use --smoke)")
    if a.data_dir is None:
        a.data_dir = DATASETS[a.dataset]["default_dir"]
        if a.data_dir is None:
            p.error(f"--data-dir is required for {a.dataset}")
    return a


def set_determinism(device):
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    try:
        torch.use_deterministic_algorithms(True, warn_only=True)
    except TypeError:  # very old PyTorch without warn_only
        torch.use_deterministic_algorithms(True)


def lr_at(step, total, warmup, peak):
    """Linear warm-up to the peak, then half a cosine down to zero (per iteration)."""
    import math
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return 0.5 * peak * (1 + math.cos(math.pi * t))


def evaluate(model, x, y, norm, device, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits = model(norm(x[i:i + batch]).to(device))
            correct += (logits.argmax(1).cpu() == y[i:i + batch]).sum().item()
    return correct / len(x)


def train_instance(a, seed, train, test, ds, log):
    (xtr, ytr), (xte, yte) = train, test
    device = torch.device(a.device)
    # Only the initial weights depend on the instance seed.
    torch.manual_seed(seed)
    model = AllCNNC(ds["shape"][0], len(ds["classes"]), a.width, a.dropout).to(device)
    # Dropout masks and everything else random come from the data seed.
    torch.manual_seed(a.data_seed + 1)
    gen = torch.Generator().manual_seed(a.data_seed)
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if not n.endswith("weight")]
    groups = [{"params": decay, "weight_decay": a.weight_decay},
              {"params": no_decay, "weight_decay": 0.0}]
    if a.optimizer == "adam":
        opt = torch.optim.AdamW(groups, lr=a.lr, betas=(a.momentum, 0.999))
    else:
        opt = torch.optim.SGD(groups, lr=a.lr, momentum=a.momentum, nesterov=a.nesterov)
    norm = Normalise(ds["mean"], ds["std"])
    n = len(xtr)
    steps_per_epoch = (n + a.batch_size - 1) // a.batch_size
    total = a.epochs * steps_per_epoch
    warmup = int(round(a.warmup_epochs * steps_per_epoch))
    step = 0
    t0 = time.time()
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(n, generator=gen)
        # Accumulated on the device: a .item() per step would wait for the GPU every step.
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), dtype=torch.long, device=device)
        te = time.time()
        for i in range(0, n, a.batch_size):
            idx = order[i:i + a.batch_size]
            xb = norm(augment(xtr[idx], gen, a.pad, a.flip)).to(device)
            yb = ytr[idx].to(device)
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, warmup, a.lr)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            loss_sum += loss.detach() * len(idx)
            correct += (logits.argmax(1) == yb).sum()
            if a.log_every and step % a.log_every == 0:
                log(f"    step {step}/{total} loss {loss.item():.4f} lr {opt.param_groups[0]['lr']:.4f} "
                    f"({time.time() - t0:.0f} s)")
        extra = ""
        if a.eval_each_epoch and epoch + 1 < a.epochs:
            extra = f", test acc {evaluate(model, xte, yte, norm, device):.4f}"
        log(f"  seed {seed} epoch {epoch + 1}/{a.epochs}: loss {loss_sum.item() / n:.4f} "
            f"train acc {correct.item() / n:.4f} ({time.time() - te:.0f} s){extra}")
    seconds = time.time() - t0
    acc = evaluate(model, xte, yte, norm, device)
    return model, acc, seconds


class AllLayers(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return tuple(self.model(x, all_layers=True))


def export_onnx(model, ds, path):
    import copy
    m = copy.deepcopy(model).cpu().eval()
    outputs = ["logits"] + LAYER_NAMES[:-1]
    dummy = torch.zeros([2] + ds["shape"])
    tmp = path + ".tmp"
    kwargs = {}
    import inspect
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # PyTorch >= 2.9 defaults to the dynamo exporter
    torch.onnx.export(AllLayers(m), dummy, tmp, input_names=["input"], output_names=outputs,
                      dynamic_axes={k: {0: "batch"} for k in ["input"] + outputs},
                      opset_version=13, do_constant_folding=True, **kwargs)
    import onnx
    proto = onnx.load(tmp)
    onnx.checker.check_model(proto)
    got = [o.name for o in proto.graph.output]
    if got != outputs:
        raise RuntimeError(f"ONNX outputs are {got}, expected {outputs}")
    os.replace(tmp, path)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def recipe(a):
    return {
        "recipe": "models/training/train_allcnnc.py",
        "dataset": a.dataset, "width": a.width, "dropout": a.dropout,
        "epochs": a.epochs, "batch_size": a.batch_size,
        "optimizer": "AdamW" if a.optimizer == "adam" else "SGD",
        "lr": a.lr, "momentum": a.momentum, "nesterov": a.nesterov if a.optimizer == "sgd" else None,
        "weight_decay": a.weight_decay, "weight_decay_on": "conv weights only",
        "warmup_epochs": a.warmup_epochs,
        "schedule": "linear warm-up then cosine to 0, per iteration",
        "augmentation": {"random_crop_pad": a.pad, "horizontal_flip": a.flip},
        "data_seed": a.data_seed, "train_limit": a.train_limit, "test_limit": a.test_limit,
        "loss": "cross-entropy", "init": "He (kaiming normal, fan_in), zero biases",
        "torch": torch.__version__, "device": a.device,
        "device_name": torch.cuda.get_device_name(a.device) if a.device.startswith("cuda") else None,
        "threads": torch.get_num_threads() if a.device == "cpu" else None,
        "deterministic": True,
        "command": "python3 " + " ".join(shlex.quote(s) for s in sys.argv),
    }


def new_manifest(a, ds, name):
    return {
        "format": "seedscope-zoo/1", "name": name, "architecture": "All-CNN-C",
        "width": a.width, "dropout": a.dropout, "dataset": ds["name"],
        "input": {"name": "input", "shape": ds["shape"], "layout": "NCHW", "scale": 255,
                  "mean": ds["mean"], "std": ds["std"]},
        "classes": ds["classes"], "output": "logits",
        "layers": [{"name": n, "tensor": n} for n in LAYER_NAMES],
        "training": recipe(a), "instances": [],
    }


def write_json(path, obj):
    with open(path + ".tmp", "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)


def load_data(a):
    train, test = load(a.dataset, a.data_dir)
    if a.train_limit:
        train = (train[0][:a.train_limit], train[1][:a.train_limit])
    if a.test_limit:
        test = (test[0][:a.test_limit], test[1][:a.test_limit])
    return train, test


def train_to_state(a, ds, log):
    """--state-only: train each seed not yet saved and write <out>/seedN.npz; no ONNX, no zoo.json."""
    train, test = load_data(a)
    log(f"{os.path.basename(os.path.abspath(a.out))}: {len(train[0])} training, {len(test[0])} test images; width "
        f"{a.width}, dropout {a.dropout}, {a.epochs} epochs, device {a.device}, saving weights only")
    for seed in parse_seeds(a.seeds):
        path = os.path.join(a.out, f"seed{seed}.npz")
        if os.path.exists(path):
            log(f"seed {seed}: {path} exists, skipped")
            continue
        model, acc, seconds = train_instance(a, seed, train, test, ds, log)
        # Plain .npz (weights) with the metadata as a JSON string: readable by any numpy and
        # PyTorch version, unlike a pickled torch.save across major versions.
        meta = {"seed": seed, "test_accuracy": round(acc, 4), "training_seconds": round(seconds, 1),
                "training": recipe(a)}
        weights = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
        with open(path + ".tmp", "wb") as f:
            np.savez(f, __meta__=np.array(json.dumps(meta)), **weights)
        os.replace(path + ".tmp", path)
        log(f"seed {seed}: test accuracy {acc:.4f}, {seconds:.0f} s -> {path}")
    return 0


def load_states(a):
    """--from-state: {seed: state} for every seedN.npz in the folder."""
    states = {}
    for name in sorted(os.listdir(a.from_state)):
        if name.startswith("seed") and name.endswith(".npz"):
            with np.load(os.path.join(a.from_state, name)) as z:
                st = json.loads(str(z["__meta__"]))
                st["model"] = {k: torch.from_numpy(z[k].copy()) for k in z.files if k != "__meta__"}
            states[st["seed"]] = st
    if not states:
        sys.exit(f"{a.from_state}: no seedN.npz files (made by --state-only)")
    return states


def states_recipe(states):
    """The recipe shared by all state files; they must agree on every recipe key."""
    first = next(iter(states.values()))["training"]
    for seed, st in states.items():
        for k in RECIPE_KEYS:
            if st["training"].get(k) != first.get(k):
                sys.exit(f"seed{seed}.npz: training.{k} is {st['training'].get(k)!r}, other seeds have "
                         f"{first.get(k)!r}; a zoo's instances must share one recipe")
    return dict(first)


def main(argv=None):
    a = parse_args(argv if argv is not None else sys.argv[1:])
    log = (lambda s: None) if a.quiet else (lambda s: print(s, flush=True))
    if a.device == "cpu":
        torch.set_num_threads(a.threads or os.cpu_count() or 1)
    set_determinism(a.device)
    ds = DATASETS[a.dataset]
    os.makedirs(a.out, exist_ok=True)
    if a.state_only:
        return train_to_state(a, ds, log)
    name = a.name or os.path.basename(os.path.abspath(a.out))
    manifest_path = os.path.join(a.out, "zoo.json")
    states = load_states(a) if a.from_state else None
    if states:
        # the zoo is what was trained, whatever the defaults of this command line say
        trained = states_recipe(states)
        a.dataset, a.width, a.dropout = trained["dataset"], trained["width"], trained["dropout"]
        ds = DATASETS[a.dataset]
    manifest = new_manifest(a, ds, name)
    if states:
        manifest["training"] = trained
    if os.path.exists(manifest_path):
        with open(manifest_path) as f:
            old = json.load(f)
        for k in RECIPE_KEYS:
            if old["training"].get(k) != manifest["training"].get(k):
                sys.exit(f"{manifest_path}: training.{k} is {old['training'].get(k)!r} but this run "
                         f"uses {manifest['training'].get(k)!r}; use another --out or the same recipe")
        manifest["instances"] = old["instances"]
        manifest["training"]["device"] = old["training"].get("device", a.device)
    done = {}
    for inst in manifest["instances"]:
        path = os.path.join(a.out, inst["file"])
        if os.path.exists(path) and sha256(path) == inst["sha256"]:
            done[inst["seed"]] = inst
    manifest["instances"] = list(done.values())

    if states is None:
        train, test = load_data(a)
        log(f"{name}: {len(train[0])} training, {len(test[0])} test images; width {a.width}, dropout "
            f"{a.dropout}, {a.epochs} epochs, device {a.device}, threads {torch.get_num_threads()}")
    else:
        log(f"{name}: exporting {len(states)} trained instances from {a.from_state}")
    for seed in parse_seeds(a.seeds):
        if seed in done:
            log(f"seed {seed}: already done ({done[seed]['test_accuracy']:.4f}), skipped")
            continue
        if states is not None:
            if seed not in states:
                sys.exit(f"{a.from_state}: seed{seed}.npz not found")
            st = states[seed]
            model = AllCNNC(ds["shape"][0], len(ds["classes"]), st["training"]["width"], st["training"]["dropout"])
            model.load_state_dict(st["model"])
            acc, seconds = st["test_accuracy"], st["training_seconds"]
        else:
            model, acc, seconds = train_instance(a, seed, train, test, ds, log)
        file = f"seed{seed}.onnx"
        export_onnx(model, ds, os.path.join(a.out, file))
        inst = {"name": f"seed{seed}", "seed": seed, "file": file,
                "sha256": sha256(os.path.join(a.out, file)),
                "test_accuracy": round(acc, 4), "training_seconds": round(seconds, 1)}
        done[seed] = inst
        manifest["instances"] = sorted(done.values(), key=lambda i: i["seed"])
        write_json(manifest_path, manifest)
        write_readme(a.out)
        log(f"seed {seed}: test accuracy {acc:.4f}, {seconds:.0f} s -> {file}")
    if not os.path.exists(manifest_path):
        write_json(manifest_path, manifest)
        write_readme(a.out)
    print(a.out if a.smoke else "", end="\n" if a.smoke else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
