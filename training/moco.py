"""MoCo v2 (Chen et al. 2020, arXiv:2003.04297) on the demo corpus, without labels; exports the
backbone as public/models/moco-v2.{onnx,card.json} (+ index entry and parity fixture).

    flock /tmp/recall-lens-train.lock /usr/bin/python3 training/moco.py            # CPU, <= 58 min
    python3 training/moco.py --device cuda --size 64 --budget-minutes 5 ...        # GPU (training/gpu_run.sh)

Recipe (see training/README.md for the reasons):
  - query encoder = training/backbone.py + 2-layer MLP head (128 -> 512 -> ReLU -> 128), L2-normalised;
  - key encoder = momentum copy (m = 0.99: a schedule of a few thousand steps needs a key encoder
    that follows the query encoder faster than ImageNet's 0.999 over 500k steps);
  - queue of 4096 negatives (~58% of the 7,076-image corpus), InfoNCE with temperature 0.2;
  - "shuffle BN" emulated on one device: the key batch is permuted and passed through the key
    encoder in 4 chunks, so a query and its key never share BN batch statistics (the leak that
    MoCo's shuffling BN prevents);
  - views: training/augment.py (MoCo v2's list with milder colour jitter and grayscale, crops that
    keep the glyph, no flip, no hue), resampled to --size (default 32; training/gpu_run.sh passes 64);
  - SGD momentum 0.9, lr 0.06 (batch 256), weight decay 5e-4, 2 warm-up epochs, then cosine to 0
    over the time budget (common/train_utils.py TimeCosine);
  - after training, BN running statistics are re-estimated on the clean corpus images at the export
    size (label-free) before export (common/loop.py finish).
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from augment import ViewConfig, view  # noqa: E402
from backbone import Backbone  # noqa: E402
from common.loop import add_common_args, end_epoch, finish, set_lr, setup  # noqa: E402

SCRIPT = "training/moco.py"


class MoCoNet(nn.Module):
    def __init__(self, hidden: int = 512, out: int = 128):
        super().__init__()
        self.backbone = Backbone()
        d = self.backbone.embed_dim
        self.head = nn.Sequential(nn.Linear(d, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.head(self.backbone(x)), dim=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_args(ap, "moco-v2", lr=0.06, wd=5e-4)
    ap.add_argument("--size", type=int, default=32, help="training resolution of the views (divisible by 16)")
    ap.add_argument("--momentum-encoder", type=float, default=0.99)
    ap.add_argument("--queue", type=int, default=4096)
    ap.add_argument("--temperature", type=float, default=0.2)
    ap.add_argument("--shuffle-chunks", type=int, default=4)
    args = ap.parse_args()

    run = setup(args, "moco-v2")
    dev, g = run.device, run.g
    cfg = ViewConfig(size=args.size)
    model_q = MoCoNet().to(dev)
    model_k = copy.deepcopy(model_q)
    for p in model_k.parameters():
        p.requires_grad_(False)
    queue = F.normalize(torch.randn(args.queue, 128, generator=g), dim=1).to(dev)
    queue_ptr = 0
    opt = torch.optim.SGD(model_q.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.wd)

    for epoch in range(args.epochs):
        model_q.train()
        model_k.train()
        t0 = time.time()
        loss_sum = torch.zeros((), device=dev)
        acc_sum = torch.zeros((), device=dev)
        for lr, x, centres in run.batches():
            set_lr(opt, lr)
            xq = view(x, cfg, g, centres)
            xk = view(x, cfg, g, centres)
            q = model_q(xq)
            with torch.no_grad():
                for pq, pk in zip(model_q.parameters(), model_k.parameters()):
                    pk.mul_(args.momentum_encoder).add_(pq.detach(), alpha=1 - args.momentum_encoder)
                shuf = torch.randperm(xk.shape[0], generator=g).to(dev)
                k_sh = torch.cat([model_k(c) for c in xk[shuf].chunk(args.shuffle_chunks)])
                k = torch.empty_like(k_sh)
                k[shuf] = k_sh
            l_pos = (q * k).sum(1, keepdim=True)
            l_neg = q @ queue.T
            logits = torch.cat([l_pos, l_neg], dim=1) / args.temperature
            labels = torch.zeros(logits.shape[0], dtype=torch.long, device=dev)  # the positive is column 0
            loss = F.cross_entropy(logits, labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                b = k.shape[0]
                idx = (torch.arange(b, device=dev) + queue_ptr) % args.queue
                queue[idx] = k
                queue_ptr = (queue_ptr + b) % args.queue
                acc_sum += (logits.argmax(1) == 0).float().mean()
                loss_sum += loss.detach()
        mean_loss = float(loss_sum) / run.steps_per_epoch
        if mean_loss != mean_loss or mean_loss == float("inf"):
            raise SystemExit(f"MoCo: loss is {mean_loss} in epoch {epoch + 1}: diverged (lower --lr)")
        rec = {"epoch": epoch + 1, "loss": mean_loss, "top1": float(acc_sum) / run.steps_per_epoch, "lr": lr}
        if end_epoch(run, rec, t0, {"model_q": model_q.state_dict()}):
            break

    training = {
        "recipe": "MoCo v2 (momentum encoder, queue, MLP head, InfoNCE), no labels",
        "final": {"final_top1_positive": round(run.epochs[-1]["top1"], 4)},
        "hyperparameters": {
            "momentum_encoder": args.momentum_encoder, "queue": args.queue, "temperature": args.temperature,
            "projection_head": "Linear(128,512)-ReLU-Linear(512,128), L2-normalised",
            "shuffle_bn": f"key batch permuted, key encoder run in {args.shuffle_chunks} chunks",
            "augmentations": cfg.as_dict(),
        },
    }
    finish(run, model_q.backbone, args.id, "MoCo v2 (self-supervised CNN)",
           "MoCo v2: InfoNCE (temperature %.2g) between two augmented views of an image, momentum key encoder, "
           "queue of %d negatives; no labels" % (args.temperature, args.queue), SCRIPT, training)


if __name__ == "__main__":
    main()
