"""Image-title contrastive model (a small stand-in for the seed's M6): a dual encoder trained with a
symmetric InfoNCE loss and a learnable temperature on (emoji image, emoji title) pairs of the demo
corpus. No label (style, category, subcategory) is used; the title is the emoji's CLDR name and
keywords (emojibase-data), the `title` column of public/data/emoji-styles/manifest.json.

    flock /tmp/recall-lens-train.lock /usr/bin/python3 training/image_title.py --bench 5     # time steps
    flock /tmp/recall-lens-train.lock /usr/bin/python3 training/image_title.py --epochs 40   # train
    /usr/bin/python3 training/image_title.py --export                                       # ONNX + cards

Towers
  image: training/backbone.py (the shared CNN, 128-d pooled feature) -> Linear(128, 256) ReLU
         Linear(256, 128) -> L2 normalisation. Exported as `image-title-image` (BN folded).
  text:  training/text_tower.py (hashed word + character 3-gram ids, embedding table, masked mean,
         MLP, L2 normalisation). Exported as `image-title-text` (input int64 "tokens" N x L).
Loss: logits = exp(t) * img @ txt^T, t learnable (CLIP init ln(1/0.07), clamped to ln(100)); cross
  entropy image->text and text->image, averaged. The same title occurs once per vendor, so for an
  anchor every *other* pair with the same identity (= the same title) is removed from the softmax
  denominator (it is neither the positive nor a negative).
Augmentation (images only, light, on the fly): random resized crop (area 0.6-1, aspect 3/4-4/3,
  bilinear, border padding = white background) and brightness/contrast jitter (+-0.15, p 0.8).
  No flips (direction-bearing glyphs: arrows, hands, text-like symbols), no hue/saturation jitter and
  no grayscale (they erase the vendor's palette, the `style` signal), no blur (64 px is small already).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

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
    sha256_file,
    update_index,
    write_card,
    write_fixture,
    write_json,
)
from augment import normalise, resize  # noqa: E402  (the app's resize: area averaging for integer factors)
from common.train_utils import git_commit, hardware, set_threads  # noqa: E402
from data import load_corpus as read_corpus  # noqa: E402
from text_tower import DIM, EMBED_WIDTH, HIDDEN, TextTower, export_text_onnx, l2_normalise, text_input_spec  # noqa: E402
from tokenize_titles import BUCKETS, MAX_TOKENS, NGRAM, tokenize  # noqa: E402

SCRIPT = "training/image_title.py"
RUN_DIR = os.path.join(repo_root(), "training", "runs", "image_title")
CKPT = os.path.join(RUN_DIR, "checkpoint.pt")
MAX_LOGIT_SCALE = math.log(100.0)


class ImageTower(nn.Module):
    def __init__(self, hidden: int = 256, dim: int = DIM):
        super().__init__()
        self.backbone = Backbone()
        self.proj = nn.Sequential(nn.Linear(self.backbone.embed_dim, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return l2_normalise(self.proj(self.backbone(x)))


class FoldedImageTower(nn.Module):
    """Export form: BN folded into the convolutions."""

    def __init__(self, tower: ImageTower):
        super().__init__()
        self.backbone = fold_bn(tower.backbone)
        import copy

        self.proj = copy.deepcopy(tower.proj).eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return l2_normalise(self.proj(self.backbone(x)))


def load_corpus(root: str) -> Tuple[np.ndarray, List[str], np.ndarray, Dict[str, List[str]]]:
    """Images (n x 64 x 64 x 3 uint8), titles, identity ids and the manifest, through data.load_corpus."""
    d = os.path.join(root, "public", "data", "emoji-styles")
    c = read_corpus(d)
    with open(os.path.join(d, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
    titles = c.columns["title"]
    _, identity = np.unique(np.array(c.columns["identity"]), return_inverse=True)
    return c.images, titles, identity.astype(np.int64), m


def to_input(batch_u8: torch.Tensor) -> torch.Tensor:
    """uint8 N x S x S x 3 -> float [0, 1] N x 3 x S x S."""
    return batch_u8.permute(0, 3, 1, 2).float().div_(255.0)


def augment(x: torch.Tensor, g: torch.Generator, size: int) -> torch.Tensor:
    """Light augmentation of [0, 1] images (see the module docstring), resampled to size x size."""
    n = x.shape[0]
    area = torch.empty(n).uniform_(0.6, 1.0, generator=g)
    log_r = torch.empty(n).uniform_(math.log(3 / 4), math.log(4 / 3), generator=g)
    r = torch.exp(log_r)
    w = torch.sqrt(area * r).clamp(max=1.0)
    h = torch.sqrt(area / r).clamp(max=1.0)
    cx = (torch.rand(n, generator=g) * 2 - 1) * (1 - w)
    cy = (torch.rand(n, generator=g) * 2 - 1) * (1 - h)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = w
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = h
    theta[:, 1, 2] = cy
    grid = F.affine_grid(theta, [n, 3, size, size], align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    apply = (torch.rand(n, 1, 1, 1, generator=g) < 0.8).float()
    b = 1 + apply * torch.empty(n, 1, 1, 1).uniform_(-0.15, 0.15, generator=g)
    c = 1 + apply * torch.empty(n, 1, 1, 1).uniform_(-0.15, 0.15, generator=g)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = ((x * b - mean * b) * c + mean * b).clamp_(0, 1)
    return x


def clip_loss(zi: torch.Tensor, zt: torch.Tensor, ident: torch.Tensor, logit_scale: torch.Tensor) -> Tuple[torch.Tensor, float]:
    """Symmetric InfoNCE; other pairs with the same identity (title) are masked out of both softmaxes."""
    scale = logit_scale.clamp(max=MAX_LOGIT_SCALE).exp()
    logits = scale * zi @ zt.t()
    same = ident.unsqueeze(0) == ident.unsqueeze(1)
    eye = torch.eye(len(ident), dtype=torch.bool)
    masked = logits.masked_fill(same & ~eye, float("-inf"))
    target = torch.arange(len(ident))
    loss = 0.5 * (F.cross_entropy(masked, target) + F.cross_entropy(masked.t(), target))
    acc = (masked.argmax(1) == target).float().mean().item()
    return loss, acc


def consistency_at_k(z: np.ndarray, labels: np.ndarray, k: int = 10) -> float:
    """Mean fraction of the k nearest neighbours (cosine = Euclidean on unit vectors, self excluded)
    sharing the seed's label: a quick training-time check, not the app's metric."""
    sims = z @ z.T
    np.fill_diagonal(sims, -np.inf)
    nn_idx = np.argpartition(-sims, k, axis=1)[:, :k]
    return float((labels[nn_idx] == labels[:, None]).mean())


def train(a: argparse.Namespace) -> None:
    set_threads()
    root = repo_root()
    commit = git_commit()  # the code that trains, recorded before anything can change it
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    images_np, titles, ident_np, manifest = load_corpus(root)
    n = len(titles)
    images = torch.from_numpy(images_np)
    tokens = torch.from_numpy(tokenize(titles))
    ident = torch.from_numpy(ident_np)

    img_tower = ImageTower()
    txt_tower = TextTower()
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))
    decay, no_decay = [], []
    for mod in (img_tower, txt_tower):
        for name, p in mod.named_parameters():
            (no_decay if p.ndim < 2 or "embed" in name else decay).append(p)
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": a.wd}, {"params": no_decay + [logit_scale], "weight_decay": 0.0}], lr=a.lr
    )
    steps_per_epoch = min(n // a.batch, a.max_steps) if a.max_steps else n // a.batch
    total = steps_per_epoch * a.epochs
    warm = steps_per_epoch

    budget = a.budget_min * 60.0

    def progress(step: int) -> float:
        """Fraction of the schedule done: by steps, or by wall time when the time budget runs out first."""
        return max(step / total, (time.time() - t_start) / budget if budget > 0 else 0.0)

    def lr_at(step: int) -> float:
        if step < warm:
            return a.lr * (step + 1) / warm
        p = min(1.0, progress(step))
        return a.lr * 0.5 * (1 + math.cos(math.pi * p))

    os.makedirs(os.path.dirname(os.path.abspath(a.ckpt)), exist_ok=True)
    log: List[Dict[str, float]] = []
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {n} pairs, {len(set(titles))} titles, "
          f"{steps_per_epoch} steps/epoch x {a.epochs} epochs, batch {a.batch}", flush=True)
    t_start = time.time()
    step = 0
    for epoch in range(a.epochs):
        img_tower.train()
        txt_tower.train()
        perm = torch.randperm(n, generator=g)
        t_epoch = time.time()
        losses, accs = [], []
        for b in range(steps_per_epoch):
            idx = perm[b * a.batch : (b + 1) * a.batch]
            for grp in opt.param_groups:
                grp["lr"] = lr_at(step)
            t_step = time.time()
            x = normalise(augment(to_input(images[idx]), g, a.size))
            zi = img_tower(x)
            zt = txt_tower(tokens[idx])
            loss, acc = clip_loss(zi, zt, ident[idx], logit_scale)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                logit_scale.clamp_(max=MAX_LOGIT_SCALE)
            losses.append(loss.item())
            accs.append(acc)
            step += 1
            if a.bench and step >= a.bench:
                print(f"bench: {step} steps, last step {time.time() - t_step:.2f} s, "
                      f"mean {(time.time() - t_epoch) / step:.2f} s/step -> {(time.time() - t_epoch) / step * steps_per_epoch:.0f} s/epoch")
                return
        rec = {
            "epoch": epoch + 1,
            "loss": float(np.mean(losses)),
            "acc": float(np.mean(accs)),
            "temperature": float(1 / logit_scale.exp().item()),
            "seconds": time.time() - t_epoch,
        }
        log.append(rec)
        print(f"epoch {epoch + 1}/{a.epochs}: loss {rec['loss']:.4f}, in-batch acc {rec['acc']:.3f}, "
              f"T {rec['temperature']:.4f}, {rec['seconds']:.1f} s (total {(time.time() - t_start) / 60:.1f} min)", flush=True)
        if progress(step) >= 1.0:
            break
    wall = time.time() - t_start

    # Final loss over the whole corpus, un-augmented, eval mode (fixed batches of a.batch).
    img_tower.eval()
    txt_tower.eval()
    with torch.no_grad():
        zi = torch.cat([img_tower(normalise(resize(to_input(images[i : i + 512]), a.size))) for i in range(0, n, 512)])
        zt = torch.cat([txt_tower(tokens[i : i + 512]) for i in range(0, n, 512)])
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(a.seed + 1))
        eval_losses = []
        for b in range(steps_per_epoch):
            idx = perm[b * a.batch : (b + 1) * a.batch]
            eval_losses.append(clip_loss(zi[idx], zt[idx], ident[idx], logit_scale)[0].item())
    cats = np.unique(np.array(manifest["columns"]["category"]), return_inverse=True)[1]
    quick = {
        "image_category_consistency@10": consistency_at_k(zi.numpy(), cats),
        "text_category_consistency@10": consistency_at_k(zt.numpy(), cats),
    }
    print(f"wall {wall / 60:.1f} min; eval loss {np.mean(eval_losses):.4f}; quick check {quick}", flush=True)
    torch.save(
        {
            "image": img_tower.state_dict(),
            "text": txt_tower.state_dict(),
            "logit_scale": logit_scale.detach(),
            "log": log,
            "facts": {
                "epochs": len(log),
                "epochs_planned": a.epochs,
                "time_budget_min": a.budget_min,
                "input_size": a.size,
                "steps": step,
                "wall_time_s": round(wall, 1),
                "wall_time_seconds": round(wall, 1),
                "seconds_per_epoch_median": round(float(np.median([r["seconds"] for r in log])), 1),
                "hardware": hardware(),
                "torch": torch.__version__,
                "final_train_loss": round(log[-1]["loss"], 4),
                "final_loss": round(log[-1]["loss"], 4),
                "final_eval_loss": round(float(np.mean(eval_losses)), 4),
                "final_in_batch_accuracy": round(log[-1]["acc"], 4),
                "final_temperature": round(float(1 / logit_scale.exp().item()), 4),
                "seed": a.seed,
                "git_commit": commit,
                "data": f"public/data/emoji-styles (corpus hash {manifest['hash']}), {n} (image, title) pairs, "
                        f"{len(set(titles))} distinct titles; titles = CLDR emoji names + keywords from emojibase-data "
                        "(the corpus `title` column); labels (style, category, subcategory) never used",
                "hyperparameters": {
                    "batch": a.batch,
                    "optimizer": "AdamW",
                    "lr": a.lr,
                    "weight_decay": a.wd,
                    "schedule": f"1 epoch linear warm-up, then cosine to 0 over max(steps / {a.epochs} epochs, wall time / {a.budget_min} min); stops at the end of the epoch where either reaches 1",
                    "initial_temperature": 0.07,
                    "max_logit_scale": 100,
                    "loss": "symmetric InfoNCE (CLIP), same-identity pairs masked out of both softmax denominators",
                    "augmentation": "random resized crop (area 0.6-1, aspect 3/4-4/3) + brightness/contrast +-0.15 (p 0.8); "
                                    "no flips, no hue/saturation, no grayscale, no blur",
                    "image_input": f"{a.size}x{a.size} (corpus 64x64 resized as the app's preprocessing: area averaging for an integer factor, "
                                   f"else bilinear; augmented crops resampled bilinearly to {a.size}), (v - 0.5) / 0.5",
                    "text_tokens": f"hashed-ngrams-v1: words + character {NGRAM}-grams, FNV-1a 32 mod {BUCKETS}, max {MAX_TOKENS} ids",
                    "text_tower": f"Embedding({BUCKETS + 1}, {EMBED_WIDTH}) masked mean -> Linear({EMBED_WIDTH},{HIDDEN}) ReLU Linear({HIDDEN},{DIM})",
                    "image_projection": "Linear(128,256) ReLU Linear(256,128)",
                },
                "quick_check": quick,
                "loss_per_epoch": [round(r["loss"], 4) for r in log],
            },
        },
        a.ckpt,
    )
    print(f"saved {a.ckpt}", flush=True)


def export(a: argparse.Namespace) -> None:
    set_threads()
    root = repo_root()
    ck = torch.load(a.ckpt)
    facts = ck["facts"]
    if a.train_commit:
        facts["git_commit"] = a.train_commit
    size = int(facts["input_size"])
    img_tower = ImageTower()
    img_tower.load_state_dict(ck["image"])
    img_tower.eval()
    txt_tower = TextTower()
    txt_tower.load_state_dict(ck["text"])
    txt_tower.eval()
    models = os.path.join(a.dest or root, "public", "models")
    fixtures = os.path.join(a.dest or root, "tests", "fixtures", "encoders")
    os.makedirs(models, exist_ok=True)
    prov = f"{SCRIPT} (seed {facts['seed']}, torch {torch.__version__}, ONNX opset {OPSET}), trained from scratch"
    common = {
        "objective": "image-title contrastive (CLIP-style symmetric InfoNCE with a learnable temperature; "
                     "other pairs with the same title masked out of the denominators); no labels",
        "provenance": prov,
        "licence": "MIT (weights); trained on the demo corpus (emoji: MIT, Apache-2.0, CC-BY-4.0, CC-BY-SA-4.0; "
                   "names and keywords: emojibase-data, MIT / Unicode CLDR)",
        "training": facts,
    }

    # Image tower.
    folded = FoldedImageTower(img_tower).eval()
    img_card = {
        "id": "image-title-image",
        "name": "Image-title contrastive: image tower",
        "modality": "image",
        "file": "image-title-image.onnx",
        "sha256": "",
        "input": {"name": INPUT_NAME, "size": size, "channels": 3, "layout": "NCHW",
                  "mean": list(NORM_MEAN), "std": list(NORM_STD)},
        "output": {"name": OUTPUT_NAME, "dim": DIM},
        "architecture": ARCHITECTURE + "; projection Linear(128,256) ReLU Linear(256,128); L2-normalised output "
                        "(the shared image-title space)",
        "pairs": "image-title-text",
        **common,
    }
    export_onnx(folded, os.path.join(models, img_card["file"]), size)
    img_card["sha256"] = sha256_file(os.path.join(models, img_card["file"]))
    write_card(models, img_card)
    write_fixture(fixtures, img_card, folded, sample_images(facts["seed"] + 100, 4, size), facts["seed"] + 100,
                  SCRIPT + " --export", reference=img_tower)

    # Text tower.
    txt_card = {
        "id": "image-title-text",
        "name": "Image-title contrastive: text tower (titles)",
        "modality": "text",
        "file": "image-title-text.onnx",
        "sha256": "",
        "input": text_input_spec(MAX_TOKENS),
        "output": {"name": OUTPUT_NAME, "dim": DIM},
        "architecture": f"hashed word + character {NGRAM}-gram ids (FNV-1a 32 mod {BUCKETS}, <= {MAX_TOKENS} per title; "
                        f"src/encoders/tokenize.ts) -> Embedding({BUCKETS + 1}, {EMBED_WIDTH}), masked mean -> "
                        f"Linear({EMBED_WIDTH},{HIDDEN}) ReLU Linear({HIDDEN},{DIM}) -> L2-normalised (training/text_tower.py)",
        "pairs": "image-title-image",
        **common,
    }
    export_text_onnx(txt_tower, os.path.join(models, txt_card["file"]), MAX_TOKENS)
    txt_card["sha256"] = sha256_file(os.path.join(models, txt_card["file"]))
    write_card(models, txt_card)
    _, titles, _, _ = load_corpus(root)
    sample = [titles[0], titles[len(titles) // 2], "grinning face — face, grin", "", "Café ☕ 日本"]
    tok = tokenize(sample)
    with torch.no_grad():
        y = txt_tower(torch.from_numpy(tok)).numpy().astype(np.float32)
    write_json(os.path.join(fixtures, "image-title-text.json"), {
        "model": txt_card["id"],
        "card": f"public/models/{txt_card['id']}.card.json",
        "sha256": txt_card["sha256"],
        "generator": SCRIPT + " --export",
        "seed": facts["seed"],
        "torch": torch.__version__,
        "count": len(sample),
        "titles": sample,
        "tokens": [[int(v) for v in row if v != 0] for row in tok],
        "dim": int(y.shape[1]),
        "embedding": [[float(v) for v in row] for row in y],
    })
    print("index:", update_index(models))
    for f in (img_card["file"], txt_card["file"]):
        print(f, os.path.getsize(os.path.join(models, f)), "bytes")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="image-title contrastive model: train or export")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--wd", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=48, help="training/input resolution (divisible by 16)")
    ap.add_argument("--budget-min", type=float, default=22.0, help="wall-time budget for the schedule (0: none)")
    ap.add_argument("--max-steps", type=int, default=0, help="cap steps per epoch (smoke tests)")
    ap.add_argument("--ckpt", default=CKPT, help="checkpoint path")
    ap.add_argument("--dest", default="", help="--export: write under this root instead of the repository")
    ap.add_argument("--train-commit", default="", help="--export: the commit the checkpoint was trained from "
                    "(overrides the recorded one; checkpoints before ba6a2cb's successor recorded HEAD at the end of training)")
    ap.add_argument("--bench", type=int, default=0, help="run this many steps, print the time, exit")
    ap.add_argument("--export", action="store_true", help="export the checkpoint to public/models")
    a = ap.parse_args()
    if a.export:
        export(a)
    else:
        train(a)
