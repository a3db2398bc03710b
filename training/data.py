"""The demo corpus for training, read exactly as `npm run corpus` writes it (src/data/corpus.ts):

    public/data/emoji-styles/manifest.json = {name, version: 1, hash, n, imageSize, channels: 3,
                                              images: "images.rgb", columns: {id: [...], ...}}
    public/data/emoji-styles/images.rgb    = n x imageSize x imageSize x 3 uint8, row-major

Only the images are used for training; `columns` (style, category, ... labels) are loaded for
bookkeeping and are never passed to a training objective.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Dict, List

import numpy as np
import torch

DEMO_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "public", "data", "emoji-styles")


@dataclass
class Corpus:
    name: str
    hash: str
    n: int
    image_size: int
    images: np.ndarray  # n x S x S x 3 uint8
    columns: Dict[str, List[str]]

    def tensor(self) -> torch.Tensor:
        """All images as a uint8 tensor N x 3 x S x S (channels first, contiguous)."""
        return torch.from_numpy(self.images).permute(0, 3, 1, 2).contiguous()


def load_corpus(directory: str = DEMO_DIR) -> Corpus:
    manifest_path = os.path.join(directory, "manifest.json")
    if not os.path.exists(manifest_path):
        raise SystemExit(f"{manifest_path} not found: build the demo corpus first (npm run corpus)")
    with open(manifest_path, "r", encoding="utf-8") as f:
        m = json.load(f)
    if m.get("version", 1) != 1 or m.get("channels", 3) != 3:
        raise SystemExit(f"{manifest_path}: unsupported version/channels")
    n, s = int(m["n"]), int(m["imageSize"])
    img_path = os.path.join(directory, m.get("images", "images.rgb"))
    raw = np.fromfile(img_path, dtype=np.uint8)
    if raw.size != n * s * s * 3:
        raise SystemExit(f"{img_path}: {raw.size} bytes, expected n x {s} x {s} x 3 = {n * s * s * 3}")
    columns = m["columns"]
    for k, col in columns.items():
        if len(col) != n:
            raise SystemExit(f"{manifest_path}: column {k!r} has {len(col)} values, expected {n}")
    return Corpus(m["name"], m["hash"], n, s, raw.reshape(n, s, s, 3), columns)


if __name__ == "__main__":
    c = load_corpus()
    print(f"{c.name}: n={c.n}, {c.image_size}x{c.image_size}, columns {list(c.columns)}, hash {c.hash[:12]}")
