"""SwAV (Caron et al. 2020, arXiv:2006.09882) on the demo corpus, without labels; exports the
backbone as public/models/swav.{onnx,card.json} (+ index entry and parity fixture).

    flock /tmp/recall-lens-train.lock /usr/bin/python3 training/swav.py            # CPU, <= 58 min
    python3 training/swav.py --device cuda --size 64 --small-size 32 ...           # GPU (training/gpu_run.sh)

Recipe (see training/README.md for the reasons):
  - training/backbone.py + projection head Linear(128,512)-BN-ReLU-Linear(512,128), L2-normalised;
    K prototypes (default 100; the corpus has 7,076 images), a bias-free linear layer whose rows are
    re-normalised to unit length before every step;
  - multi-crop: 2 global views (--size px, area 0.35-1) + 4 local views (--small-size px, area
    0.15-0.45), the same augmentations as MoCo (training/augment.py: milder colour, crops that keep
    the glyph, no flip, no hue);
  - codes: Sinkhorn-Knopp equal-partition assignment (--epsilon, default 0.05 as published; 3
    iterations) of the two global views' scores, computed without gradient, with a queue of past
    global-view embeddings (default 1536 = 6 batches, from epoch 5 on): a batch of 256 over 100
    prototypes is too small for the equal-partition constraint alone (SwAV's own advice for small
    batches);
  - swapped prediction: every view predicts the codes of each *other* global view,
    cross-entropy against softmax(scores / 0.1);
  - prototypes frozen (no gradient) for the first --freeze-prototypes-iters steps (published: the
    first epoch's iterations);
  - collapse check (fails the run with SystemExit): if, after --collapse-check-epochs epochs (10), the
    epoch's mean loss is within 1% of ln K (nothing learned: predictions stay uniform), or the
    entropy of the predicted-prototype histogram over the epoch falls under 30% of ln K (everything
    lands on a few prototypes); every 10 epochs the effective rank of the backbone feature on 1,024
    clean images is logged (the label-free health number the issue asks to keep >= 32 of 128);
  - SGD momentum 0.9, lr 0.1, weight decay 1e-4 (plain SGD; SwAV's LARS matters for batch 4096, not
    for 256), 2 warm-up epochs, cosine; BN statistics re-estimated on clean images before export.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from augment import ViewConfig, clean, to_float, view  # noqa: E402
from backbone import Backbone  # noqa: E402
from common.loop import add_common_args, end_epoch, finish, set_lr, setup  # noqa: E402
from common.train_utils import embed_all, effective_rank  # noqa: E402

SCRIPT = "training/swav.py"


class SwAVNet(nn.Module):
    def __init__(self, prototypes: int, hidden: int = 512, out: int = 128):
        super().__init__()
        self.backbone = Backbone()
        d = self.backbone.embed_dim
        self.head = nn.Sequential(nn.Linear(d, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                                  nn.Linear(hidden, out))
        self.prototypes = nn.Linear(out, prototypes, bias=False)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.head(self.backbone(x)), dim=1)


@torch.no_grad()
def sinkhorn(scores: torch.Tensor, eps: float, iters: int) -> torch.Tensor:
    """scores B x K -> codes B x K (rows sum to 1), equal partition over the K prototypes."""
    s = scores.double() / eps
    q = torch.exp(s - s.max()).T  # K x B
    q /= q.sum()
    k, b = q.shape
    for _ in range(iters):
        q /= q.sum(dim=1, keepdim=True)
        q /= k
        q /= q.sum(dim=0, keepdim=True)
        q /= b
    q *= b
    return q.T.float()


def entropy_of_histogram(idx: torch.Tensor, k: int) -> float:
    h = torch.bincount(idx, minlength=k).double()
    p = h / h.sum()
    p = p[p > 0]
    return float(-(p * p.log()).sum())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_common_args(ap, "swav", lr=0.1, wd=1e-4)
    ap.add_argument("--size", type=int, default=32, help="resolution of the 2 global views (divisible by 16)")
    ap.add_argument("--small-crops", type=int, default=4)
    ap.add_argument("--small-size", type=int, default=16)
    ap.add_argument("--prototypes", type=int, default=100)
    ap.add_argument("--temperature", type=float, default=0.1)
    ap.add_argument("--epsilon", type=float, default=0.05)
    ap.add_argument("--sinkhorn-iters", type=int, default=3)
    ap.add_argument("--freeze-prototypes-iters", type=int, default=100)
    ap.add_argument("--queue", type=int, default=1536, help="0 disables the queue")
    ap.add_argument("--queue-start-epoch", type=int, default=5)
    ap.add_argument("--collapse-check-epochs", type=int, default=10)
    args = ap.parse_args()

    run = setup(args, "swav")
    dev, g, bs = run.device, run.g, args.batch
    big = ViewConfig(size=args.size, scale=(0.35, 1.0))
    small = ViewConfig(size=args.small_size, scale=(0.15, 0.45))
    n_crops = 2 + args.small_crops
    ln_k = math.log(args.prototypes)
    run.log("swav", ln_K=round(ln_k, 4))
    probe = clean(to_float(run.images[torch.randperm(run.n, generator=torch.Generator().manual_seed(7))[:1024].to(dev)]),
                  args.input_size or args.size)

    model = SwAVNet(args.prototypes).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.wd)
    queue = torch.zeros(2, args.queue, 128, device=dev) if args.queue > 0 else None
    queue_filled = 0

    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        loss_sum = torch.zeros((), device=dev)
        pred_idx, code_idx = [], []
        use_queue = queue is not None and epoch + 1 >= args.queue_start_epoch
        for lr, x, centres in run.batches():
            set_lr(opt, lr)
            with torch.no_grad():
                w = model.prototypes.weight
                w.copy_(F.normalize(w, dim=1))
            xg = torch.cat([view(x, big, g, centres) for _ in range(2)])
            z = [model.embed(xg)]
            if args.small_crops:
                xs = torch.cat([view(x, small, g, centres) for _ in range(args.small_crops)])
                z.append(model.embed(xs))
            z = torch.cat(z)  # n_crops*bs x 128, crop-major
            scores = model.prototypes(z)
            loss = 0.0
            for i in range(2):
                with torch.no_grad():
                    out = scores[i * bs:(i + 1) * bs].detach()
                    if use_queue and queue_filled >= args.queue:
                        out = torch.cat([queue[i] @ model.prototypes.weight.T, out])
                    codes = sinkhorn(out, args.epsilon, args.sinkhorn_iters)[-bs:]
                    code_idx.append(codes.argmax(1))
                sub = 0.0
                for v in range(n_crops):
                    if v == i:
                        continue
                    logp = F.log_softmax(scores[v * bs:(v + 1) * bs] / args.temperature, dim=1)
                    sub = sub - (codes * logp).sum(1).mean()
                loss = loss + sub / (n_crops - 1)
            loss = loss / 2
            if queue is not None and use_queue:
                with torch.no_grad():
                    for i in range(2):
                        queue[i, bs:] = queue[i, :-bs].clone()
                        queue[i, :bs] = z[i * bs:(i + 1) * bs].detach()
                    queue_filled = min(args.queue, queue_filled + bs)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if run.step < args.freeze_prototypes_iters:  # (run.step counts this step from 0)
                model.prototypes.weight.grad = None
            opt.step()
            pred_idx.append(scores[:2 * bs].detach().argmax(1))
            loss_sum += loss.detach()
        mean_loss = float(loss_sum) / run.steps_per_epoch
        if mean_loss != mean_loss or mean_loss == float("inf"):
            raise SystemExit(f"SwAV: loss is {mean_loss} in epoch {epoch + 1}: diverged (lower --lr)")
        h_pred = entropy_of_histogram(torch.cat(pred_idx).cpu(), args.prototypes) / ln_k
        h_code = entropy_of_histogram(torch.cat(code_idx).cpu(), args.prototypes) / ln_k
        rec = {"epoch": epoch + 1, "loss": mean_loss, "loss_over_lnK": mean_loss / ln_k,
               "pred_entropy_over_lnK": h_pred, "code_entropy_over_lnK": h_code, "lr": lr,
               "queue": bool(use_queue and queue_filled >= args.queue)}
        if (epoch + 1) % 10 == 0:
            rec["feature_rank"] = round(effective_rank(embed_all(model.backbone, probe)), 2)
        stop = end_epoch(run, rec, t0, {"model": model.state_dict()})
        if epoch + 1 >= args.collapse_check_epochs:
            if abs(mean_loss - ln_k) <= 0.01 * ln_k:
                raise SystemExit(
                    f"SwAV COLLAPSE: after {epoch + 1} epochs the mean loss {mean_loss:.4f} is within 1% of "
                    f"ln K = {ln_k:.4f}: the predictions stay uniform over the prototypes, nothing is learned. "
                    f"Try a lower --temperature, a higher --epsilon, more --sinkhorn-iters or a different --lr.")
            if h_pred < 0.3:
                raise SystemExit(
                    f"SwAV COLLAPSE: after {epoch + 1} epochs the predicted prototypes' histogram has entropy "
                    f"{h_pred:.3f} x ln K: the views map to a handful of the {args.prototypes} prototypes. "
                    f"Try the queue (--queue), more frozen-prototype iterations or a lower --lr.")
        if stop:
            break

    last = run.epochs[-1]
    training = {
        "recipe": "SwAV (online clustering, Sinkhorn-Knopp codes, swapped prediction, multi-crop), no labels",
        "final": {"ln_K": round(ln_k, 4), "final_pred_entropy_over_lnK": round(last["pred_entropy_over_lnK"], 4)},
        "hyperparameters": {
            "prototypes": args.prototypes, "temperature": args.temperature,
            "sinkhorn": {"epsilon": args.epsilon, "iterations": args.sinkhorn_iters},
            "prototypes_frozen_iterations": args.freeze_prototypes_iters,
            "collapse_check_from_epoch": args.collapse_check_epochs,
            "queue": {"length": args.queue, "start_epoch": args.queue_start_epoch},
            "multi_crop": {"global": [2, args.size, list(big.scale)],
                           "local": [args.small_crops, args.small_size, list(small.scale)]},
            "projection_head": "Linear(128,512)-BN-ReLU-Linear(512,128), L2-normalised",
            "augmentations": big.as_dict(),
        },
        "per_epoch_pred_entropy_over_lnK": [round(e["pred_entropy_over_lnK"], 3) for e in run.epochs],
        "per_10_epochs_feature_rank": [e["feature_rank"] for e in run.epochs if "feature_rank" in e],
    }
    finish(run, model.backbone, args.id, "SwAV (self-supervised CNN)",
           "SwAV: swapped prediction of Sinkhorn-Knopp cluster codes over %d prototypes (temperature %.2g, "
           "epsilon %.2g), multi-crop; no labels" % (args.prototypes, args.temperature, args.epsilon),
           SCRIPT, training)


if __name__ == "__main__":
    main()
