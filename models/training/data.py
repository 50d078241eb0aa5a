"""Data sets (Fashion-MNIST IDX files, CIFAR-10 binary batches) and augmentation.

Everything random here draws from a torch.Generator seeded with the data seed,
on the CPU, so data order and augmentation are identical for every instance
and every device.
"""
import gzip
import os

import numpy as np
import torch

FMNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck"]

DATASETS = {
    "fmnist": {"name": "fashion-mnist", "shape": [1, 28, 28], "mean": [0.286], "std": [0.353],
               "classes": FMNIST_CLASSES, "default_dir": "/usr/share/datasets/fashion-mnist"},
    "cifar10": {"name": "cifar-10", "shape": [3, 32, 32], "mean": [0.4914, 0.4822, 0.4465],
                "std": [0.2470, 0.2435, 0.2616], "classes": CIFAR10_CLASSES, "default_dir": None},
}


def _read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _find(data_dir, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{stem}[.gz] not found in {data_dir}")


def load_fmnist(data_dir):
    def part(prefix):
        x = _read_idx(_find(data_dir, f"{prefix}-images-idx3-ubyte"))
        y = _read_idx(_find(data_dir, f"{prefix}-labels-idx1-ubyte"))
        return torch.from_numpy(x.copy()).unsqueeze(1), torch.from_numpy(y.astype(np.int64))
    return part("train"), part("t10k")


def load_cifar10(data_dir):
    sub = os.path.join(data_dir, "cifar-10-batches-bin")
    if os.path.isdir(sub):
        data_dir = sub

    def read(names):
        xs, ys = [], []
        for name in names:
            raw = np.fromfile(os.path.join(data_dir, name), dtype=np.uint8).reshape(-1, 3073)
            ys.append(raw[:, 0].astype(np.int64))
            xs.append(raw[:, 1:].reshape(-1, 3, 32, 32))
        return torch.from_numpy(np.concatenate(xs)), torch.from_numpy(np.concatenate(ys))
    return read([f"data_batch_{i}.bin" for i in range(1, 6)]), read(["test_batch.bin"])


def load(dataset, data_dir):
    """((train_x uint8 NCHW, train_y), (test_x, test_y))"""
    return load_fmnist(data_dir) if dataset == "fmnist" else load_cifar10(data_dir)


class Normalise:
    def __init__(self, mean, std):
        self.mean = torch.tensor(mean).view(1, -1, 1, 1)
        self.std = torch.tensor(std).view(1, -1, 1, 1)

    def __call__(self, x_uint8_or_float):
        return (x_uint8_or_float.float() / 255.0 - self.mean) / self.std


def augment(x, gen, pad, flip):
    """Random crop after zero padding (in pixel space) and random horizontal flip."""
    n, c, h, w = x.shape
    if pad > 0:
        padded = torch.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
        padded[:, :, pad:pad + h, pad:pad + w] = x
        dy = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        dx = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
        rows = (dy[:, None] + torch.arange(h)[None, :])[:, :, None]  # n,h,1
        cols = (dx[:, None] + torch.arange(w)[None, :])[:, None, :]  # n,1,w
        idx = torch.arange(n)[:, None, None]
        x = padded.permute(0, 2, 3, 1)[idx, rows, cols].permute(0, 3, 1, 2).contiguous()
    if flip:
        mask = torch.rand(n, generator=gen) < 0.5
        x = torch.where(mask[:, None, None, None], x.flip(3), x)
    return x
