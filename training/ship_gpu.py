"""Choose and export the models of a GPU run (training/gpu_run.sh), by a label-free rule fixed before
any evaluation:

  1. SwAV epsilon: among the swav-eps* runs whose backbone feature has effective rank >= 32 (of
     128) on the clean corpus, the one with the highest held-out augmentation retrieval top-1
     (common/train_utils.py augmentation_retrieval); if none reaches 32, the highest rank.
  2. GPU or CPU model: the GPU model replaces the committed public/models/<id>.onnx when its
     augmentation retrieval top-1 is higher (both recomputed here on the CPU, each at its own input
     size; the committed model is rebuilt from its ONNX weights).

    /usr/bin/python3 training/ship_gpu.py DIR      # DIR holds the unpacked gpu_results.tgz (*.pt)
    /usr/bin/python3 training/ship_gpu.py DIR --dry-run

No label is read. Writes DIR/selection.json with every number it compared.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from typing import Any, Dict

import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from augment import clean, to_float  # noqa: E402
from backbone import Backbone  # noqa: E402
from common.export import repo_root  # noqa: E402
from common.loop import export_final  # noqa: E402
from common.train_utils import augmentation_retrieval, effective_rank, embed_all, set_threads  # noqa: E402
from data import load_corpus  # noqa: E402


def onnx_backbone(path: str) -> nn.Module:
    """The folded backbone of a committed ONNX model (Conv+bias / Relu ... GlobalAveragePool, Flatten)
    as a PyTorch module with the same weights."""
    m = onnx.load(path)
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    layers = []
    for node in m.graph.node:
        if node.op_type == "Conv":
            w = inits[node.input[1]]
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            conv = nn.Conv2d(w.shape[1], w.shape[0], w.shape[2], stride=attrs.get("strides", [1])[0],
                             padding=attrs.get("pads", [0])[0], bias=len(node.input) > 2)
            conv.weight.data.copy_(w)
            if len(node.input) > 2:
                conv.bias.data.copy_(inits[node.input[2]])
            layers.append(conv)
        elif node.op_type == "Relu":
            layers.append(nn.ReLU())
        elif node.op_type in ("GlobalAveragePool", "Flatten"):
            pass
        else:
            raise SystemExit(f"{path}: unexpected ONNX op {node.op_type}")
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(1)).eval()


def health(model: nn.Module, images_u8: torch.Tensor, size: int) -> Dict[str, float]:
    z = embed_all(model, clean(to_float(images_u8), size))
    return {"effective_rank": round(effective_rank(z), 2),
            "augmentation_retrieval_top1": round(augmentation_retrieval(model, images_u8, size), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("--recompute", action="store_true", help="recompute the candidates' health here (slow on 2 cores)")
    args = ap.parse_args()
    set_threads()
    corpus = load_corpus()
    images = corpus.tensor()
    finals: Dict[str, Any] = {}
    report: Dict[str, Any] = {"candidates": {}, "committed": {}, "shipped": {}}
    for path in sorted(glob.glob(os.path.join(args.dir, "*.pt"))):
        f = torch.load(path, map_location="cpu")
        rid = os.path.basename(path)[:-3]
        t = f["training"]
        if args.recompute:
            bb = Backbone()
            bb.load_state_dict(f["backbone"])
            h = health(bb.eval(), images, f["input_size"])
        else:
            h = {k: t["embedding_health"][k] for k in ("effective_rank", "augmentation_retrieval_top1")}
        report["candidates"][rid] = {"epochs": t["epochs"], "steps": t["steps"], "final_loss": t["final_loss"],
                                     "wall_time_seconds": t["wall_time_seconds"], **h,
                                     "on_device": t.get("embedding_health")}
        finals[rid] = f
        print(rid, json.dumps(report["candidates"][rid]), flush=True)
    swavs = {k: v for k, v in report["candidates"].items() if k.startswith("swav")}
    if swavs:
        healthy = {k: v for k, v in swavs.items() if v["effective_rank"] >= 32}
        pool = healthy or swavs
        key = "augmentation_retrieval_top1" if healthy else "effective_rank"
        best = max(pool, key=lambda k: pool[k][key])
        report["swav_choice"] = {"chosen": best, "by": key, "rank_ge_32": sorted(healthy)}
        finals["swav"] = finals[best]
        report["candidates"]["swav"] = report["candidates"][best]
    models_dir = os.path.join(repo_root(), "public", "models")
    for mid in ("moco-v2", "swav"):
        if mid not in finals:
            continue
        card_path = os.path.join(models_dir, f"{mid}.card.json")
        with open(card_path, encoding="utf-8") as fh:
            card = json.load(fh)
        old = health(onnx_backbone(os.path.join(models_dir, card["file"])), images, card["input"]["size"])
        report["committed"][mid] = {**old, "hardware": card["training"]["hardware"]}
        new = report["candidates"][mid]
        ship = new["augmentation_retrieval_top1"] > old["augmentation_retrieval_top1"]
        report["shipped"][mid] = ship
        print(f"{mid}: GPU {new['augmentation_retrieval_top1']} vs committed {old['augmentation_retrieval_top1']} "
              f"-> {'ship the GPU model' if ship else 'keep the committed model'}", flush=True)
        if ship and not args.dry_run:
            export_final(finals[mid], corpus.images, mid)
    with open(os.path.join(args.dir, "selection.json"), "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
    print(json.dumps({k: report[k] for k in ("shipped",) if k in report}))


if __name__ == "__main__":
    main()
