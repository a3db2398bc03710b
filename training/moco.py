"""MoCo v2 (Chen et al. 2020, arXiv:2003.04297) on the demo corpus, without labels; exports the
backbone as public/models/moco-v2.{onnx,card.json} (+ index entry and parity fixture).

    flock /tmp/recall-lens-train.lock /usr/bin/python3 training/moco.py [--epochs N] [--size 48]

Recipe (see training/README.md for the reasons):
  - query encoder = training/backbone.py + 2-layer MLP head (128 -> 512 -> ReLU -> 128), L2-normalised;
  - key encoder = momentum copy (m = 0.99: a short schedule of ~1-2k steps needs a key encoder
    that follows the query encoder faster than ImageNet's 0.999 over 500k steps);
  - queue of 4096 negatives (~58% of the 7,076-image corpus), InfoNCE with temperature 0.2;
  - "shuffle BN" emulated on one device: the key batch is permuted and passed through the key
    encoder in 4 chunks, so a query and its key never share BN batch statistics (the leak that
    MoCo's shuffling BN prevents);
  - views: training/augment.py (MoCo v2 set minus flip and hue jitter), global crops resampled to
    --size (48 by default: a 0.2-1 area crop of a 64 px emoji shown at 48 px has about the object
    scale of the full 64 px image at test time, at ~55% of the 64 px cost);
  - SGD momentum 0.9, lr 0.06 (batch 256), weight decay 5e-4, 1 warm-up epoch, cosine to 0 per step;
  - after training, BN running statistics are re-estimated on the clean 64x64 corpus images
    (label-free) before export.
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
    ap.add_argument("--epochs", type=int, default=200, help="maximum epochs (see --budget-minutes)")
    ap.add_argument("--budget-minutes", type=float, default=20.0,
                    help="training time budget: the cosine LR runs over max(step / max steps, time / budget) "
                         "and training stops after the epoch where it reaches 1; 0 = epochs only")
    ap.add_argument("--max-minutes", type=float, default=25.0, help="hard stop after the epoch that crosses this")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--size", type=int, default=32, help="training resolution of the views (divisible by 16)")
    ap.add_argument("--lr", type=float, default=0.06)
    ap.add_argument("--wd", type=float, default=5e-4)
    ap.add_argument("--warmup-epochs", type=float, default=1.0)
    ap.add_argument("--momentum-encoder", type=float, default=0.99)
    ap.add_argument("--queue", type=int, default=4096)
    ap.add_argument("--temperature", type=float, default=0.2)
    ap.add_argument("--shuffle-chunks", type=int, default=4)
    ap.add_argument("--input-size", type=int, default=None,
                    help="input size of the exported model (default: --size); the app area-averages the 64 px images to it")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--id", default="moco-v2")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--smoke", type=int, default=0, help="debug: only this many steps per epoch")
    args = ap.parse_args()

    threads = set_threads()
    commit = git_commit()  # at start: the code that runs is the code of this commit
    g = seed_everything(args.seed)
    run_dir = os.path.join(repo_root(), "training", "runs", args.id)
    log = RunLog(run_dir)
    corpus = load_corpus()
    images = corpus.tensor()  # uint8 N x 3 x 64 x 64
    n = images.shape[0]
    steps_per_epoch = args.smoke or n // args.batch
    total_steps = steps_per_epoch * args.epochs
    warmup = int(args.warmup_epochs * steps_per_epoch)
    cfg = ViewConfig(size=args.size)
    log("start", recipe="moco-v2", n=n, threads=threads, steps_per_epoch=steps_per_epoch, total_steps=total_steps,
        args=vars(args))

    model_q = MoCoNet()
    model_k = copy.deepcopy(model_q)
    for p in model_k.parameters():
        p.requires_grad_(False)
    queue = F.normalize(torch.randn(args.queue, 128, generator=g), dim=1)
    queue_ptr = 0
    opt = torch.optim.SGD(model_q.parameters(), lr=args.lr, momentum=0.9, weight_decay=args.wd)

    t_start = time.time()
    epochs = []
    step = 0
    stopped_early = False
    sched = TimeCosine(args.lr, total_steps, warmup, args.budget_minutes * 60)
    for epoch in range(args.epochs):
        model_q.train()
        model_k.train()
        t0 = time.time()
        perm = torch.randperm(n, generator=g)
        loss_sum, acc_sum = 0.0, 0.0
        for it in range(steps_per_epoch):
            lr = sched.lr(step)
            for grp in opt.param_groups:
                grp["lr"] = lr
            x = to_float(images[perm[it * args.batch:(it + 1) * args.batch]])
            xq = view(x, cfg, g)
            xk = view(x, cfg, g)
            q = model_q(xq)
            with torch.no_grad():
                for pq, pk in zip(model_q.parameters(), model_k.parameters()):
                    pk.mul_(args.momentum_encoder).add_(pq.detach(), alpha=1 - args.momentum_encoder)
                shuf = torch.randperm(xk.shape[0], generator=g)
                k_sh = torch.cat([model_k(c) for c in xk[shuf].chunk(args.shuffle_chunks)])
                k = torch.empty_like(k_sh)
                k[shuf] = k_sh
            l_pos = (q * k).sum(1, keepdim=True)
            l_neg = q @ queue.T
            logits = torch.cat([l_pos, l_neg], dim=1) / args.temperature
            labels = torch.zeros(logits.shape[0], dtype=torch.long)
            loss = F.cross_entropy(logits, labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                b = k.shape[0]
                idx = (torch.arange(b) + queue_ptr) % args.queue
                queue[idx] = k
                queue_ptr = (queue_ptr + b) % args.queue
                acc_sum += float((logits.argmax(1) == 0).float().mean())
            if not torch.isfinite(loss):
                raise SystemExit(f"MoCo: loss is {float(loss)} at step {step}: diverged (lower --lr)")
            loss_sum += float(loss)
            step += 1
        dt = time.time() - t0
        rec = {"epoch": epoch + 1, "loss": loss_sum / steps_per_epoch, "top1": acc_sum / steps_per_epoch,
               "seconds": dt, "lr": lr, "progress": sched.progress(step)}
        epochs.append(rec)
        log("epoch", **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in rec.items()},
            elapsed=round(time.time() - t_start, 1))
        save_checkpoint(os.path.join(run_dir, "last.pt"), {"model_q": model_q.state_dict(), "epoch": epoch + 1,
                                                           "args": vars(args), "epochs": epochs})
        if (sched.done(step) or (time.time() - t_start) / 60 > args.max_minutes) and epoch + 1 < args.epochs:
            stopped_early = True
            log("time budget reached: the cosine schedule has run out, stopping", epoch=epoch + 1,
                budget_minutes=args.budget_minutes)
            break
    wall = time.time() - t_start

    input_size = args.input_size or args.size
    clean_images = clean(to_float(images), input_size)
    backbone = model_q.backbone
    recalibrate_bn(backbone, clean_images)
    stats = embedding_stats(backbone, clean_images)
    log("done", wall_seconds=round(wall, 1), final_loss=round(epochs[-1]["loss"], 4), embedding=stats)
    if args.no_export:
        return
    training = {
        "recipe": "MoCo v2 (momentum encoder, queue, MLP head, InfoNCE), no labels",
        "data": f"demo corpus {corpus.name} ({n} images, hash {corpus.hash[:16]}), images only",
        "epochs": len(epochs),
        "epochs_max": args.epochs,
        "time_budget_minutes": args.budget_minutes,
        "stopped_by_time_budget": stopped_early,
        "steps": step,
        "batch_size": args.batch,
        "wall_time_seconds": round(wall, 1),
        "hardware": hardware(),
        "final_loss": round(epochs[-1]["loss"], 4),
        "final_top1_positive": round(epochs[-1]["top1"], 4),
        "seed": args.seed,
        "git_commit": commit,
        "hyperparameters": {
            "optimizer": "SGD momentum 0.9", "lr": args.lr, "weight_decay": args.wd,
            "schedule": f"linear warm-up {args.warmup_epochs} epoch(s), then cosine to 0 over "
                        f"max(step / max steps, elapsed / {args.budget_minutes} min) (common/train_utils.py TimeCosine)",
            "momentum_encoder": args.momentum_encoder, "queue": args.queue, "temperature": args.temperature,
            "projection_head": "Linear(128,512)-ReLU-Linear(512,128), L2-normalised",
            "shuffle_bn": f"key batch permuted, key encoder run in {args.shuffle_chunks} chunks",
            "train_resolution": args.size,
            "augmentations": cfg.as_dict(),
            "bn_statistics": f"re-estimated on the clean corpus images at {input_size}x{input_size} after training",
            "exported_input_size": input_size,
        },
        "embedding_health": stats,
        **summarize_epochs(epochs),
    }
    card = export_backbone(
        args.id, "MoCo v2 (self-supervised CNN)", backbone,
        "MoCo v2: InfoNCE (temperature %.2g) between two augmented views of an image, momentum key encoder, "
        "queue of %d negatives; no labels" % (args.temperature, args.queue),
        training, SCRIPT, args.seed, corpus_images=corpus.images, input_size=input_size,
    )
    log("exported", card=f"public/models/{card['id']}.card.json", sha256=card["sha256"])


if __name__ == "__main__":
    main()
