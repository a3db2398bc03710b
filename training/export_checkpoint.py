"""Export a trained backbone from its final.pt (written by common/loop.py finish: the backbone with
re-estimated BN statistics and the card's `training` field) as public/models/<id>.{onnx,card.json},
refresh public/models/index.json and write tests/fixtures/encoders/<id>.json, on the CPU.

    /usr/bin/python3 training/export_checkpoint.py training/runs/swav/final.pt [--id swav]

This is how models trained on a GPU machine (training/gpu_run.sh returns final.pt files) are
exported with the same torch and ONNX exporter as every other model and fixture in the repository.
"""

from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common.loop import export_final  # noqa: E402
from data import load_corpus  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("final", help="a final.pt")
    ap.add_argument("--id", default="", help="model id to export as (default: the one in final.pt)")
    ap.add_argument("--dest", default="", help="write under DEST/public/models and DEST/tests/fixtures instead")
    args = ap.parse_args()
    final = torch.load(args.final, map_location="cpu")
    card = export_final(final, load_corpus().images, args.id or None, args.dest or None)
    print(f"exported {args.dest or '.'}/public/models/{card['id']}.onnx ({card['sha256'][:12]}), "
          f"embedding health {card['training'].get('embedding_health')}")


if __name__ == "__main__":
    main()
