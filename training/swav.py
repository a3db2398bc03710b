"""SwAV (Caron et al. 2020, arXiv:2006.09882) on the demo corpus, without labels; exports the
backbone as public/models/swav.{onnx,card.json} (+ index entry and parity fixture).

    flock /tmp/recall-lens-train.lock /usr/bin/python3 training/swav.py [--epochs N]

Recipe (see training/README.md for the reasons):
  - training/backbone.py + projection head Linear(128,512)-BN-ReLU-Linear(512,128), L2-normalised;
    K prototypes (default 100; the corpus has 7,076 images), a bias-free linear layer whose rows are
    re-normalised to unit length before every step;
  - multi-crop: 2 global views (--size px, area 0.25-1) + 4 local views (32 px, area 0.1-0.4),
    the same augmentations as MoCo (training/augment.py: no flip, no hue jitter);
  - codes: Sinkhorn-Knopp equal-partition assignment (epsilon 0.05, 3 iterations) of the two global
    views' scores, computed without gradient; optional queue of past global-view embeddings
    (default 768, from epoch 3 on) so a batch of 256 is not forced to split evenly over the prototypes;
  - swapped prediction: every view predicts the codes of each *other* global view,
    cross-entropy against softmax(scores / 0.1);
  - prototypes frozen (no gradient) for the first epoch;
  - collapse check (fails the run with SystemExit): if, after --collapse-check-epochs epochs (10; at 3
    it fired on a run whose loss was still falling, 0.996 ln K), the
    epoch's mean loss is within 1% of ln K (nothing learned: predictions stay uniform), or the
    entropy of the predicted-prototype histogram over the epoch falls under 30% of ln K (everything
    lands on a few prototypes);
  - SGD momentum 0.9, lr 0.1, weight decay 1e-4 (plain SGD; SwAV's LARS matters for batch 4096, not
    for 256), 1 warm-up epoch, cosine; BN statistics re-estimated on clean 64x64 images before export.
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
from common.export import repo_root  # noqa: E402
from common.train_utils import (  # noqa: E402
    RunLog,
    TimeCosine,
    embedding_stats,
    export_backbone,
    git_commit,
    hardware,
    recalibrate_bn,
    save_checkpoint,
    seed_everything,
    set_threads,
    summarize_epochs,
)
from data import load_corpus  # noqa: E402

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
    ap.add_argument("--epochs", type=int, default=200, help="maximum epochs (see --budget-minutes)")
    ap.add_argument("--budget-minutes", type=float, default=20.0,
                    help="training time budget: the cosine LR runs over max(step / max steps, time / budget) "
                         "and training stops after the epoch where it reaches 1; 0 = epochs only")
    ap.add_argument("--max-minutes", type=float, default=25.0, help="hard stop after the epoch that crosses this")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--size", type=int, default=32, help="resolution of the 2 global views (divisible by 16)")
    ap.add_argument("--small-crops", type=int, default=4)
    ap.add_argument("--small-size", type=int, default=16)
    ap.add_argument("--prototypes", type=int, default=100)
    ap.add_argument("--temperature", type=float, default=0.1)
    ap.add_argument("--epsilon", type=float, default=0.05)
    ap.add_argument("--sinkhorn-iters", type=int, default=3)
    ap.add_argument("--freeze-prototypes-epochs", type=float, default=1.0)
    ap.add_argument("--queue", type=int, default=768, help="0 disables the queue")
    ap.add_argument("--queue-start-epoch", type=int, default=3)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--wd", type=float, default=1e-4)
    ap.add_argument("--warmup-epochs", type=float, default=1.0)
    ap.add_argument("--collapse-check-epochs", type=int, default=10)
    ap.add_argument("--input-size", type=int, default=None,
                    help="input size of the exported model (default: --size); the app area-averages the 64 px images to it")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--id", default="swav")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--smoke", type=int, default=0, help="debug: only this many steps per epoch")
    args = ap.parse_args()

    threads = set_threads()
    commit = git_commit()  # at start: the code that runs is the code of this commit
    g = seed_everything(args.seed)
    run_dir = os.path.join(repo_root(), "training", "runs", args.id)
    log = RunLog(run_dir)
    corpus = load_corpus()
    images = corpus.tensor()
    n = images.shape[0]
    bs = args.batch
    steps_per_epoch = args.smoke or n // bs
    total_steps = steps_per_epoch * args.epochs
    warmup = int(args.warmup_epochs * steps_per_epoch)
    freeze_steps = int(args.freeze_prototypes_epochs * steps_per_epoch)
    big = ViewConfig(size=args.size, scale=(0.25, 1.0))
    small = ViewConfig(size=args.small_size, scale=(0.1, 0.4))
    n_crops = 2 + args.small_crops
    ln_k = math.log(args.prototypes)
    log("start", recipe="swav", n=n, threads=threads, steps_per_epoch=steps_per_epoch, total_steps=total_steps,
        ln_K=round(ln_k, 4), args=vars(args))

    model = SwAVNet(args.prototypes)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.wd)
    queue = torch.zeros(2, args.queue, 128) if args.queue > 0 else None
    queue_filled = 0

    t_start = time.time()
    epochs = []
    step = 0
    stopped_early = False
    sched = TimeCosine(args.lr, total_steps, warmup, args.budget_minutes * 60)
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(n, generator=g)
        loss_sum = 0.0
        pred_idx, code_idx = [], []
        use_queue = queue is not None and epoch + 1 >= args.queue_start_epoch
        for it in range(steps_per_epoch):
            lr = sched.lr(step)
            for grp in opt.param_groups:
                grp["lr"] = lr
            with torch.no_grad():
                w = model.prototypes.weight
                w.copy_(F.normalize(w, dim=1))
            x = to_float(images[perm[it * bs:(it + 1) * bs]])
            xg = torch.cat([view(x, big, g) for _ in range(2)])
            z = [model.embed(xg)]
            if args.small_crops:
                xs = torch.cat([view(x, small, g) for _ in range(args.small_crops)])
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
            if step < freeze_steps:
                model.prototypes.weight.grad = None
            opt.step()
            if not torch.isfinite(loss):
                raise SystemExit(f"SwAV: loss is {float(loss)} at step {step}: diverged (lower --lr)")
            pred_idx.append(scores[:2 * bs].detach().argmax(1))
            loss_sum += float(loss)
            step += 1
        dt = time.time() - t0
        mean_loss = loss_sum / steps_per_epoch
        h_pred = entropy_of_histogram(torch.cat(pred_idx), args.prototypes) / ln_k
        h_code = entropy_of_histogram(torch.cat(code_idx), args.prototypes) / ln_k
        rec = {"epoch": epoch + 1, "loss": mean_loss, "loss_over_lnK": mean_loss / ln_k,
               "pred_entropy_over_lnK": h_pred, "code_entropy_over_lnK": h_code, "seconds": dt, "lr": lr,
               "progress": sched.progress(step), "queue": bool(use_queue and queue_filled >= args.queue)}
        epochs.append(rec)
        log("epoch", **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in rec.items()},
            elapsed=round(time.time() - t_start, 1))
        save_checkpoint(os.path.join(run_dir, "last.pt"), {"model": model.state_dict(), "epoch": epoch + 1,
                                                           "args": vars(args), "epochs": epochs})
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
                    f"Try the queue (--queue), more frozen-prototype epochs or a lower --lr.")
        if (sched.done(step) or (time.time() - t_start) / 60 > args.max_minutes) and epoch + 1 < args.epochs:
            stopped_early = True
            log("time budget reached: the cosine schedule has run out, stopping", epoch=epoch + 1,
                budget_minutes=args.budget_minutes)
            break
    wall = time.time() - t_start

    input_size = args.input_size or args.size
    clean_images = clean(to_float(images), input_size)
    backbone = model.backbone
    recalibrate_bn(backbone, clean_images)
    stats = embedding_stats(backbone, clean_images)
    log("done", wall_seconds=round(wall, 1), final_loss=round(epochs[-1]["loss"], 4), embedding=stats)
    if args.no_export:
        return
    last = epochs[-1]
    training = {
        "recipe": "SwAV (online clustering, Sinkhorn-Knopp codes, swapped prediction, multi-crop), no labels",
        "data": f"demo corpus {corpus.name} ({n} images, hash {corpus.hash[:16]}), images only",
        "epochs": len(epochs),
        "epochs_max": args.epochs,
        "time_budget_minutes": args.budget_minutes,
        "stopped_by_time_budget": stopped_early,
        "steps": step,
        "batch_size": bs,
        "wall_time_seconds": round(wall, 1),
        "hardware": hardware(),
        "final_loss": round(last["loss"], 4),
        "ln_K": round(ln_k, 4),
        "final_pred_entropy_over_lnK": round(last["pred_entropy_over_lnK"], 4),
        "seed": args.seed,
        "git_commit": commit,
        "hyperparameters": {
            "optimizer": "SGD momentum 0.9", "lr": args.lr, "weight_decay": args.wd,
            "schedule": f"linear warm-up {args.warmup_epochs} epoch(s), then cosine to 0 over "
                        f"max(step / max steps, elapsed / {args.budget_minutes} min) (common/train_utils.py TimeCosine)",
            "prototypes": args.prototypes, "temperature": args.temperature,
            "sinkhorn": {"epsilon": args.epsilon, "iterations": args.sinkhorn_iters},
            "prototypes_frozen_epochs": args.freeze_prototypes_epochs,
            "collapse_check_from_epoch": args.collapse_check_epochs,
            "queue": {"length": args.queue, "start_epoch": args.queue_start_epoch},
            "multi_crop": {"global": [2, args.size, list(big.scale)],
                           "local": [args.small_crops, args.small_size, list(small.scale)]},
            "projection_head": "Linear(128,512)-BN-ReLU-Linear(512,128), L2-normalised",
            "augmentations": big.as_dict(),
            "bn_statistics": f"re-estimated on the clean corpus images at {input_size}x{input_size} after training",
            "exported_input_size": input_size,
        },
        "embedding_health": stats,
        **summarize_epochs(epochs),
        "per_epoch_pred_entropy_over_lnK": [round(e["pred_entropy_over_lnK"], 3) for e in epochs],
    }
    card = export_backbone(
        args.id, "SwAV (self-supervised CNN)", backbone,
        "SwAV: swapped prediction of Sinkhorn-Knopp cluster codes over %d prototypes (temperature %.2g, "
        "epsilon %.2g), multi-crop; no labels" % (args.prototypes, args.temperature, args.epsilon),
        training, SCRIPT, args.seed, corpus_images=corpus.images, input_size=input_size,
    )
    log("exported", card=f"public/models/{card['id']}.card.json", sha256=card["sha256"])


if __name__ == "__main__":
    main()
