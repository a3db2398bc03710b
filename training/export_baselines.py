"""Export the two untrained baseline encoders of Recall Lens to public/models/ (ONNX + model card),
update public/models/index.json, and write the ORT-vs-PyTorch fixtures to tests/fixtures/encoders/.

    /usr/bin/python3 training/export_baselines.py

Deterministic: seeded weights and sample images, ONNX bytes without doc strings, so a rerun with the
same torch version reproduces the same files and sha256 (checked by `--check`).

Baselines (both honest: no training, no data seen):
  pixels      raw pixels, 64x64 -> 8x8 by area averaging (AveragePool 8x8 stride 8), flattened in
              NCHW order (192-d: 64 red, then 64 green, then 64 blue values, row-major). Card
              normalisation mean 0 / std 1, so values are the pixel intensities in [0, 1]
              (Euclidean KNN is unchanged by any constant shift). 8x8 keeps D <= 256 for KNN
              in the browser; 16x16 would be 768-d.
  random-cnn  training/backbone.py with its own initialisation (Backbone.reset_parameters: He-normal
              convolutions, BN gamma 1, beta 0, running mean 0, var 1, so in eval mode BN is the
              identity up to 1/sqrt(1 + 1e-5)) under torch.manual_seed(SEED), BN folded;
              normalisation (v - 0.5) / 0.5, as every model on this backbone.

It also writes tests/fixtures/encoders/preprocess.json: seeded images at several source sizes
resized to a small target with torch (avg_pool2d for integer downscaling factors, bilinear
interpolate with align_corners=False otherwise) and normalised, the reference for preprocess.ts.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from backbone import ARCHITECTURE, INPUT_SIZE, NORM_MEAN, NORM_STD, Backbone, fold_bn  # noqa: E402
from common.export import (  # noqa: E402
    INPUT_NAME,
    OPSET,
    OUTPUT_NAME,
    b64,
    export_onnx,
    repo_root,
    sample_images,
    save_onnx,
    sha256_file,
    update_index,
    write_card,
    write_fixture,
    write_json,
)

SEED = 0
SCRIPT = "training/export_baselines.py"
PIXELS_GRID = 8


def provenance(extra: str = "") -> str:
    return f"{SCRIPT} (seed {SEED}, torch {torch.__version__}, ONNX opset {OPSET}){extra}"


def base_card(model_id: str, name: str, dim: int, mean, std) -> dict:
    return {
        "id": model_id,
        "name": name,
        "modality": "image",
        "file": f"{model_id}.onnx",
        "sha256": "",
        "input": {
            "name": INPUT_NAME,
            "size": INPUT_SIZE,
            "channels": 3,
            "layout": "NCHW",
            "mean": list(mean),
            "std": list(std),
        },
        "output": {"name": OUTPUT_NAME, "dim": dim},
    }


def export_pixels(models_dir: str, fixtures_dir: str) -> dict:
    k = INPUT_SIZE // PIXELS_GRID
    module = nn.Sequential(nn.AvgPool2d(kernel_size=k, stride=k), nn.Flatten(1)).eval()
    dim = 3 * PIXELS_GRID * PIXELS_GRID
    card = base_card("pixels", f"Raw pixels ({PIXELS_GRID}x{PIXELS_GRID} RGB)", dim, (0, 0, 0), (1, 1, 1))
    card.update(
        {
            "architecture": (
                f"no weights: {INPUT_SIZE}x{INPUT_SIZE} RGB in [0, 1] -> {k}x{k} average pooling "
                f"-> {PIXELS_GRID}x{PIXELS_GRID}x3, flattened channel-major (NCHW) -> {dim}-d"
            ),
            "objective": "none (untrained baseline: downsampled raw pixels)",
            "provenance": provenance(),
            "licence": "MIT",
        }
    )
    # Built by hand (torch 1.13 exports AvgPool2d as Pad + AveragePool): AveragePool -> Flatten.
    # The fixture's reference is still PyTorch's nn.AvgPool2d.
    graph = helper.make_graph(
        [
            helper.make_node("AveragePool", [INPUT_NAME], ["pooled"], kernel_shape=[k, k], strides=[k, k]),
            helper.make_node("Flatten", ["pooled"], [OUTPUT_NAME], axis=1),
        ],
        "pixels",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", 3, INPUT_SIZE, INPUT_SIZE])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", dim])],
    )
    onnx_model = helper.make_model(
        graph, producer_name="recall-lens", opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8
    )
    save_onnx(onnx_model, os.path.join(models_dir, card["file"]))
    card["sha256"] = sha256_file(os.path.join(models_dir, card["file"]))
    write_card(models_dir, card)
    write_fixture(fixtures_dir, card, module, sample_images(SEED, 4, INPUT_SIZE), SEED, SCRIPT)
    return card


def export_random_cnn(models_dir: str, fixtures_dir: str) -> dict:
    torch.manual_seed(SEED)
    model = Backbone().eval()
    folded = fold_bn(model)
    card = base_card("random-cnn", "Random-init CNN (untrained backbone)", model.embed_dim, NORM_MEAN, NORM_STD)
    card.update(
        {
            "architecture": ARCHITECTURE,
            "objective": (
                "none (untrained baseline: He-normal initialisation of the backbone the "
                "self-supervised recipes train, torch.manual_seed(0); BN at its initial state)"
            ),
            "provenance": provenance(", weights from torch.manual_seed before Backbone()"),
            "licence": "MIT",
        }
    )
    export_onnx(folded, os.path.join(models_dir, card["file"]), INPUT_SIZE)
    card["sha256"] = sha256_file(os.path.join(models_dir, card["file"]))
    write_card(models_dir, card)
    # PyTorch reference is the unfolded eval-mode model, so the fixture also covers BN folding.
    write_fixture(fixtures_dir, card, folded, sample_images(SEED, 4, INPUT_SIZE), SEED, SCRIPT, reference=model)
    return card


def torch_resize(x: torch.Tensor, size: int) -> torch.Tensor:
    """The documented resize of preprocess.ts: identity, area averaging for integer downscaling
    factors, bilinear (half-pixel centres, edge clamp) otherwise."""
    s = x.shape[-1]
    if s == size:
        return x
    if s > size and s % size == 0:
        return F.avg_pool2d(x, kernel_size=s // size, stride=s // size)
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)


def export_preprocess_fixture(fixtures_dir: str) -> None:
    target = 16
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    cases = []
    for i, src in enumerate((16, 32, 64, 12, 20, 40)):
        images = sample_images(SEED + 100 + i, 2, src)
        x = torch.from_numpy(images.astype(np.float64) / 255.0).permute(0, 3, 1, 2)
        y = torch_resize(x, target)
        y = (y - torch.tensor(mean, dtype=torch.float64).view(1, 3, 1, 1)) / torch.tensor(
            std, dtype=torch.float64
        ).view(1, 3, 1, 1)
        cases.append(
            {
                "srcSize": src,
                "count": 2,
                "method": "identity" if src == target else ("area" if src > target and src % target == 0 else "bilinear"),
                "images": b64(images),
                "expected": b64(y.numpy().astype(np.float32)),
            }
        )
    write_json(
        os.path.join(fixtures_dir, "preprocess.json"),
        {
            "generator": SCRIPT + " (torch avg_pool2d / interpolate bilinear align_corners=False)",
            "torch": torch.__version__,
            "size": target,
            "mean": list(mean),
            "std": list(std),
            "cases": cases,
        },
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=os.path.join(repo_root(), "public", "models"))
    ap.add_argument("--fixtures", default=os.path.join(repo_root(), "tests", "fixtures", "encoders"))
    ap.add_argument("--check", action="store_true", help="export twice and fail unless the bytes are identical")
    args = ap.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    cards = [export_pixels(args.models, args.fixtures), export_random_cnn(args.models, args.fixtures)]
    export_preprocess_fixture(args.fixtures)
    index = update_index(args.models)
    for c in cards:
        size = os.path.getsize(os.path.join(args.models, c["file"]))
        print(f"{c['id']}: {c['file']} {size} bytes, dim {c['output']['dim']}, sha256 {c['sha256']}")
    print(f"index.json: {index}")
    if args.check:
        first = {c["id"]: c["sha256"] for c in cards}
        again = [export_pixels(args.models, args.fixtures), export_random_cnn(args.models, args.fixtures)]
        for c in again:
            if first[c["id"]] != c["sha256"]:
                raise SystemExit(f"{c['id']}: not deterministic ({first[c['id']]} != {c['sha256']})")
        print("deterministic: second export identical")


if __name__ == "__main__":
    main()
