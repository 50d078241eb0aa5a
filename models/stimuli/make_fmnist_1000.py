#!/usr/bin/env python3
"""Builds the built-in stimulus set models/stimuli/fmnist-1000/.

The paper's stimulus set is 100 test images per class (1,000 in all). We take
the first 100 images of each class in Fashion-MNIST test-set order and store
them sorted by class (all of class 0 in test order, then class 1, ...), so
RDM figures show category blocks without re-ordering. `test_indices[i]` is the
index of stored image i in the 10,000-image test set.

Source: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/).
Run: python3 models/stimuli/make_fmnist_1000.py   (needs numpy only)
The output is deterministic (gzip mtime 0), so re-running gives the same bytes.
"""
import gzip
import hashlib
import json
import os
import re
import sys

import numpy as np

SRC = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fmnist-1000")
PER_CLASS = 100
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path, magic, ndim):
    with gzip.open(path, "rb") as f:
        data = f.read()
    got = int.from_bytes(data[0:4], "big")
    if got != magic:
        sys.exit(f"{path}: expected IDX magic {magic:#x} but found {got:#x}")
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        sys.exit(f"{path}: expected {int(np.prod(dims))} bytes of data but found {body.size}")
    return body.reshape(dims)


def write_idx_gz(path, array, magic):
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    # mtime=0 and no file name in the header: the same input gives the same bytes
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    images_src = os.path.join(SRC, "t10k-images-idx3-ubyte.gz")
    labels_src = os.path.join(SRC, "t10k-labels-idx1-ubyte.gz")
    images = read_idx(images_src, 0x803, 3)
    labels = read_idx(labels_src, 0x801, 1)
    if images.shape != (10000, 28, 28) or labels.shape != (10000,):
        sys.exit(f"unexpected test set shapes {images.shape} {labels.shape}")

    indices = []
    for c in range(len(CLASSES)):
        idx = np.flatnonzero(labels == c)[:PER_CLASS]
        if idx.size != PER_CLASS:
            sys.exit(f"class {c} has only {idx.size} test images")
        indices.extend(int(i) for i in idx)
    indices = np.array(indices, dtype=np.int64)

    os.makedirs(OUT, exist_ok=True)
    img_path = os.path.join(OUT, "images-idx3-ubyte.gz")
    lab_path = os.path.join(OUT, "labels-idx1-ubyte.gz")
    write_idx_gz(img_path, images[indices], 0x803)
    write_idx_gz(lab_path, labels[indices], 0x801)

    meta = {
        "name": "fmnist-1000",
        "dataset": "fashion-mnist",
        "split": "test",
        "n": int(indices.size),
        "per_class": PER_CLASS,
        "order": "by class, then test-set order within each class",
        "image_shape": [28, 28],
        "classes": CLASSES,
        "test_indices": [int(i) for i in indices],
        "licence": "MIT",
        "provenance": {
            "source": "Fashion-MNIST test set (Zalando Research, https://github.com/zalandoresearch/fashion-mnist)",
            "package": "Debian package dataset-fashion-mnist",
            "files": {
                "t10k-images-idx3-ubyte.gz": sha256(images_src),
                "t10k-labels-idx1-ubyte.gz": sha256(labels_src),
            },
            "script": "models/stimuli/make_fmnist_1000.py",
        },
        "sha256": {
            "images-idx3-ubyte.gz": sha256(img_path),
            "labels-idx1-ubyte.gz": sha256(lab_path),
        },
    }
    text = json.dumps(meta, indent=2)
    # keep number lists on one line each: the file stays short to read
    text = re.sub(r"\[\s*([0-9,\s]+?)\s*\]", lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]", text)
    with open(os.path.join(OUT, "stimuli.json"), "w") as f:
        f.write(text + "\n")
    print(f"wrote {indices.size} images to {OUT}")


if __name__ == "__main__":
    main()
