"""ONNX export, model cards and ORT-vs-PyTorch fixtures, shared by every encoder in public/models.

Conventions (they are what src/encoders/card-validate.ts and node-session.ts check):
  - ONNX opset 17, input "images" float32 N x 3 x S x S (N dynamic, S fixed), output "embedding"
    float32 N x D (N dynamic);
  - the model card `<id>.card.json` sits next to `<id>.onnx` and records its sha256;
  - public/models/index.json lists the cards: {"models": ["<id>.card.json", ...]} (INDEX_ORDER, then sorted);
  - tests/fixtures/encoders/<id>.json holds a few seeded uint8 images and PyTorch's embeddings
    of them after the card's preprocessing (tests/encoders/onnx-parity.test.ts compares ORT).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import onnx
import torch
import torch.nn as nn

OPSET = 17
INPUT_NAME = "images"
OUTPUT_NAME = "embedding"


def repo_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(module: nn.Module, path: str, size: int, opset: int = OPSET) -> None:
    """Export `module` (eval mode, BN already folded) with a dynamic batch axis, then check it."""
    module = module.eval()
    dummy = torch.zeros(2, 3, size, size, dtype=torch.float32)
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            module,
            dummy,
            buf,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=opset,
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
        )
    save_onnx(onnx.load_from_string(buf.getvalue()), path)


def strip_identities(model: onnx.ModelProto) -> None:
    """Remove Identity nodes (torch's exporter emits them for deduplicated initialisers)."""
    graph = model.graph
    outputs = {o.name for o in graph.output}
    rename = {}
    keep = []
    for node in graph.node:
        if node.op_type == "Identity" and node.output[0] not in outputs:
            rename[node.output[0]] = rename.get(node.input[0], node.input[0])
        else:
            keep.append(node)
    for node in keep:
        for i, name in enumerate(node.input):
            if name in rename:
                node.input[i] = rename[name]
    del graph.node[:]
    graph.node.extend(keep)


def save_onnx(model: onnx.ModelProto, path: str) -> None:
    """Strip Identity nodes and doc strings (they can carry source paths), check, write."""
    strip_identities(model)
    model.doc_string = ""
    for node in model.graph.node:
        node.doc_string = ""
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def preprocess(images: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """uint8 N x S x S x 3 -> float32 N x 3 x S x S: v / 255, then (v - mean) / std per channel.
    Same order of operations as src/encoders/preprocess.ts (no resize here: S == card size)."""
    x = torch.from_numpy(images.astype(np.float64) / 255.0).permute(0, 3, 1, 2)
    m = torch.tensor(mean, dtype=torch.float64).view(1, 3, 1, 1)
    s = torch.tensor(std, dtype=torch.float64).view(1, 3, 1, 1)
    return ((x - m) / s).float().contiguous()


def sample_images(seed: int, count: int = 4, size: int = 64) -> np.ndarray:
    """Deterministic synthetic RGB uint8 images (count x size x size x 3), emoji-like and not:
    a coloured disc on white, a smooth colour gradient, uniform noise, random coloured blocks."""
    rng = np.random.RandomState(seed)
    out = np.zeros((count, size, size, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    for i in range(count):
        kind = i % 4
        if kind == 0:
            img = np.full((size, size, 3), 255.0)
            cy, cx = rng.uniform(0.3, 0.7, 2) * size
            r = rng.uniform(0.15, 0.35) * size
            colour = rng.randint(0, 256, 3)
            img[(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = colour
        elif kind == 1:
            a, b = rng.randint(0, 256, 3), rng.randint(0, 256, 3)
            t = ((yy + xx) / (2 * (size - 1)))[..., None]
            img = a * (1 - t) + b * t
        elif kind == 2:
            img = rng.randint(0, 256, (size, size, 3)).astype(np.float64)
        else:
            cells = rng.randint(0, 256, (8, 8, 3)).astype(np.float64)
            img = np.kron(cells, np.ones((size // 8, size // 8, 1)))
        out[i] = np.clip(np.round(img), 0, 255).astype(np.uint8)
    return out


def b64(a: np.ndarray) -> str:
    """Base64 of the array's bytes (little-endian; uint8 or float32)."""
    le = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
    return base64.b64encode(le.tobytes()).decode("ascii")


def write_json(path: str, obj: Any) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_card(models_dir: str, card: Dict[str, Any]) -> str:
    """Fill in `sha256` from the ONNX file named by card["file"] and write `<id>.card.json`."""
    onnx_path = os.path.join(models_dir, card["file"])
    card = dict(card)
    card["sha256"] = sha256_file(onnx_path)
    path = os.path.join(models_dir, f"{card['id']}.card.json")
    write_json(path, card)
    return path


# The order the app lists the encoders in (public/models/index.json; src/state/sources.ts keeps it):
# strongest first, by the best variant's category consistency@10 in docs/RESULTS.md (2026-12-04:
# image-title pair 0.620 image / 0.800 text / 0.746 fused, pixels 0.532, moco-v2 0.525,
# random-cnn 0.457, swav 0.382). Cards not named here follow, sorted.
INDEX_ORDER = ("image-title-image", "image-title-text", "pixels", "moco-v2", "random-cnn", "swav")


def update_index(models_dir: str) -> List[str]:
    """Rewrite index.json to list every `*.card.json` in models_dir: INDEX_ORDER first, the rest sorted."""
    cards = sorted(f for f in os.listdir(models_dir) if f.endswith(".card.json"))
    first = [f"{c}.card.json" for c in INDEX_ORDER if f"{c}.card.json" in cards]
    ordered = first + [c for c in cards if c not in first]
    write_json(os.path.join(models_dir, "index.json"), {"models": ordered})
    return ordered


def write_fixture(
    fixtures_dir: str,
    card: Dict[str, Any],
    module: nn.Module,
    images: np.ndarray,
    seed: int,
    generator: str,
    reference: Optional[nn.Module] = None,
) -> str:
    """PyTorch's embeddings of `images` (uint8 N x S x S x 3, S == card input size) under the card's
    preprocessing. `reference` (default `module`) is the model PyTorch evaluates; pass the unfolded
    eval-mode model to make the fixture also cover BN folding."""
    x = preprocess(images, card["input"]["mean"], card["input"]["std"])
    ref = (reference if reference is not None else module).eval()
    with torch.no_grad():
        y = ref(x).numpy().astype(np.float32)
        y_folded = module.eval()(x).numpy()
    assert np.max(np.abs(y - y_folded)) <= 1e-5, "folded and unfolded models disagree"
    fixture = {
        "model": card["id"],
        "card": f"public/models/{card['id']}.card.json",
        "sha256": card["sha256"] if "sha256" in card else None,
        "generator": generator,
        "seed": seed,
        "torch": torch.__version__,
        "count": int(images.shape[0]),
        "size": int(images.shape[1]),
        "images": b64(images),
        "dim": int(y.shape[1]),
        "embedding": [[float(v) for v in row] for row in y],
    }
    path = os.path.join(fixtures_dir, f"{card['id']}.json")
    write_json(path, fixture)
    return path
