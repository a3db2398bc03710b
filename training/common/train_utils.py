"""Shared helpers of the training recipes (training/moco.py, training/swav.py through common/loop.py,
and training/image_title.py): seeding, threads and device, the LR schedule, provenance (git commit,
hardware), per-epoch logging, checkpoints, BN re-estimation on clean images, label-free embedding
health checks (effective rank, held-out augmentation retrieval), and the export of a trained
backbone (ONNX + card + index entry + ORT-vs-PyTorch fixture) through common/export.py.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import subprocess
import time
from typing import Any, Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn

from augment import PROBE_VIEW, clean, glyph_centres, to_float, view
from backbone import ARCHITECTURE, INPUT_SIZE, NORM_MEAN, NORM_STD, Backbone, fold_bn
from common.export import (
    INPUT_NAME,
    OPSET,
    OUTPUT_NAME,
    export_onnx,
    repo_root,
    sample_images,
    sha256_file,
    update_index,
    write_card,
    write_fixture,
)


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    g = torch.Generator()
    g.manual_seed(seed + 1)
    return g


def set_threads() -> int:
    """All cores, or $RECALL_LENS_THREADS (several runs sharing one machine, as in training/gpu_run.sh)."""
    torch.set_num_threads(int(os.environ.get("RECALL_LENS_THREADS") or os.cpu_count() or 1))
    return torch.get_num_threads()


def pick_device(name: str = "auto") -> torch.device:
    """"auto": the first CUDA GPU when there is one, else the CPU. On a GPU, cuDNN autotuning and
    TF32 matrix products are enabled (training only; exports and fixtures run on the CPU)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    dev = torch.device(name)
    if dev.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    return dev


def cosine_lr(step: int, total: int, base: float, warmup: int, final: float = 0.0) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return final + (base - final) * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))


RECIPE_FILES = ["training/backbone.py", "training/data.py", "training/augment.py", "training/common",
                "training/moco.py", "training/swav.py", "training/image_title.py"]


class TimeCosine:
    """Cosine learning rate over *progress* = max(step / max_steps, elapsed / budget): linear warm-up
    for `warmup` steps, then cosine from `base` to 0. On a machine whose speed varies (shared cores)
    the schedule still anneals to 0 exactly when the time budget (or the step cap) runs out, instead
    of being cut off half-way by a hard stop. `done()` is checked after each epoch."""

    def __init__(self, base: float, max_steps: int, warmup: int, budget_seconds: float):
        self.base, self.max_steps, self.warmup, self.budget = base, max_steps, warmup, budget_seconds
        self.t0 = time.time()

    def progress(self, step: int) -> float:
        p = step / max(1, self.max_steps)
        if self.budget > 0:
            p = max(p, (time.time() - self.t0) / self.budget)
        return min(1.0, p)

    def lr(self, step: int) -> float:
        if step < self.warmup:
            return self.base * (step + 1) / self.warmup
        p = self.progress(step)
        return self.base * 0.5 * (1 + math.cos(math.pi * p))

    def done(self, step: int) -> bool:
        return self.progress(step) >= 1.0


def git_commit() -> str:
    """HEAD, flagged when the recipe's own files differ from it. $RECALL_LENS_GIT_COMMIT overrides it
    (a copy of training/ run without its git history, e.g. by training/gpu_run.sh on a GPU machine)."""
    if os.environ.get("RECALL_LENS_GIT_COMMIT"):
        return os.environ["RECALL_LENS_GIT_COMMIT"]
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo_root(), capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", *RECIPE_FILES], cwd=repo_root(),
                               capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + (" (recipe files had uncommitted changes)" if dirty else "")
    except Exception:  # noqa: BLE001 - provenance only
        return "unknown"


def hardware(device: Optional[torch.device] = None) -> str:
    """Where the training ran: the GPU (name, memory, CUDA and torch versions) or the CPU (model,
    cores, torch threads)."""
    if device is not None and device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        return (f"GPU: {p.name} ({p.total_memory / 2**30:.0f} GiB), CUDA {torch.version.cuda}, torch {torch.__version__}, "
                f"{os.cpu_count()} CPU cores")
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"CPU only: {cpu}, {os.cpu_count()} cores visible, torch.set_num_threads({torch.get_num_threads()}), torch {torch.__version__}"


class RunLog:
    """Prints and appends one JSON line per event to training/runs/<id>/log.jsonl."""

    def __init__(self, run_dir: str):
        os.makedirs(run_dir, exist_ok=True)
        self.path = os.path.join(run_dir, "log.jsonl")
        self.t0 = time.time()
        open(self.path, "w").close()

    def __call__(self, msg: str, **fields: Any) -> None:
        fields = {"t": round(time.time() - self.t0, 1), "msg": msg, **fields}
        print(json.dumps(fields), flush=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(fields) + "\n")


@torch.no_grad()
def recalibrate_bn(model: nn.Module, clean_images: torch.Tensor, batch: int = 256) -> None:
    """Re-estimate every BatchNorm's running mean/var as the exact average over the clean,
    un-augmented corpus images (what the exported model sees), instead of the EMA over augmented
    training views. Label-free; the weights are unchanged."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    saved = [(m.momentum) for m in bns]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average
    was = model.training
    model.train()
    for i in range(0, clean_images.shape[0], batch):
        model(clean_images[i:i + batch])
    model.train(was)
    for m, mom in zip(bns, saved):
        m.momentum = mom


@torch.no_grad()
def embed_all(model: nn.Module, x: torch.Tensor, batch: int = 512) -> torch.Tensor:
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, x.shape[0], batch)])


def effective_rank(z: torch.Tensor) -> float:
    """exp(entropy) of the normalised covariance spectrum (Roy & Vetterli 2007): 1 for one direction,
    D when all D directions carry equal variance."""
    z = z.double() - z.double().mean(0)
    ev = torch.linalg.eigvalsh((z.T @ z) / (z.shape[0] - 1)).clamp(min=0)
    p = ev / ev.sum()
    return float(torch.exp(-(p[p > 0] * p[p > 0].log()).sum()))


@torch.no_grad()
def augmentation_retrieval(model: nn.Module, images_u8: torch.Tensor, size: int, count: int = 1000,
                           seed: int = 12345) -> float:
    """Label-free model-selection score (the held-out augmentation task): `count` corpus images, a
    fixed seed, one augmented view each (augment.PROBE_VIEW: area 0.5-1 crop around the glyph, mild
    colour jitter, blur), resized to the model's input size; the score is the fraction of views whose
    Euclidean nearest neighbour among ALL clean corpus images (at `size`, as the app embeds them) is
    their own source image. No label is read; the views are not training views (own generator,
    own parameters), so it measures invariance + discrimination, not memorised pairs."""
    g = torch.Generator().manual_seed(seed)
    pick = torch.randperm(images_u8.shape[0], generator=g)[:count]
    dev = next(model.parameters()).device
    x = to_float(images_u8.to(dev))
    src = x[pick.to(dev)]
    cfg = PROBE_VIEW.__class__(**{**PROBE_VIEW.__dict__, "size": size})
    views = view(src, cfg, g, glyph_centres(images_u8[pick].to(dev)))
    zc = embed_all(model, clean(x, size))
    zv = embed_all(model, views)
    d = torch.cdist(zv.double(), zc.double())
    hit = d.argmin(dim=1).cpu() == pick
    return float(hit.float().mean())


@torch.no_grad()
def embedding_stats(model: Backbone, clean_images: torch.Tensor, images_u8: Optional[torch.Tensor] = None,
                    batch: int = 512) -> Dict[str, float]:
    """Label-free health check of an embedding: mean per-dimension std, effective rank (of 128), and,
    given the uint8 corpus, the held-out augmentation retrieval top-1 (augmentation_retrieval)."""
    z = embed_all(model, clean_images, batch)
    out = {"std_mean": round(float((z - z.mean(0)).std(0).mean()), 4), "effective_rank": round(effective_rank(z), 2)}
    if images_u8 is not None:
        out["augmentation_retrieval_top1"] = round(augmentation_retrieval(model, images_u8, clean_images.shape[-1]), 4)
    return out


def export_backbone(
    model_id: str,
    name: str,
    backbone: Backbone,
    objective: str,
    training: Dict[str, Any],
    script: str,
    seed: int,
    corpus_images: Optional[np.ndarray] = None,
    models_dir: Optional[str] = None,
    fixtures_dir: Optional[str] = None,
    input_size: int = INPUT_SIZE,
) -> Dict[str, Any]:
    """Fold BN, export ONNX (dynamic batch, input_size x input_size; the app resizes the 64 px corpus
    images to it, by area averaging for integer factors), write the card (with `training`), refresh
    index.json with export.update_index (it re-reads the folder), and write the parity fixture
    (4 synthetic images + 3 corpus images at the card size; PyTorch reference = the unfolded eval-mode backbone)."""
    models_dir = models_dir or os.path.join(repo_root(), "public", "models")
    fixtures_dir = fixtures_dir or os.path.join(repo_root(), "tests", "fixtures", "encoders")
    backbone = backbone.eval()
    folded = fold_bn(backbone)
    onnx_path = os.path.join(models_dir, f"{model_id}.onnx")
    export_onnx(folded, onnx_path, input_size)
    size = os.path.getsize(onnx_path)
    if size > 10 * 1024 * 1024:
        raise SystemExit(f"{onnx_path}: {size} bytes > 10 MB")
    card: Dict[str, Any] = {
        "id": model_id,
        "name": name,
        "modality": "image",
        "file": f"{model_id}.onnx",
        "sha256": "",
        "input": {"name": INPUT_NAME, "size": input_size, "channels": 3, "layout": "NCHW",
                  "mean": list(NORM_MEAN), "std": list(NORM_STD)},
        "output": {"name": OUTPUT_NAME, "dim": backbone.embed_dim},
        "architecture": ARCHITECTURE,
        "objective": objective,
        "provenance": f"{script} (seed {seed}, torch {torch.__version__}, ONNX opset {OPSET}); "
                      f"trained without labels on the demo corpus images (public/data/emoji-styles); "
                      f"only the backbone is exported, projection head/prototypes dropped",
        "licence": "MIT",
        "training": training,
    }
    card["sha256"] = sha256_file(onnx_path)
    write_card(models_dir, card)
    images = sample_images(seed, 4, input_size)
    if corpus_images is not None:
        pick = np.sort(np.random.RandomState(seed).choice(corpus_images.shape[0], 3, replace=False))
        real = corpus_images[pick]
        f = real.shape[1] // input_size
        if f > 1 and real.shape[1] == f * input_size:  # area-average to the card size, as the app would
            real = real.reshape(3, input_size, f, input_size, f, 3).astype(np.float64).mean(axis=(2, 4))
            real = np.clip(np.round(real), 0, 255).astype(np.uint8)
        if real.shape[1] == input_size:
            images = np.concatenate([images, real], axis=0)
    write_fixture(fixtures_dir, card, folded, images, seed, script, reference=backbone)
    update_index(models_dir)
    return card


def save_checkpoint(path: str, state: Dict[str, Any]) -> None:
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def fmt_hms(seconds: float) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(seconds))


def summarize_epochs(epochs: List[Dict[str, Any]]) -> Dict[str, Any]:
    times = [e["seconds"] for e in epochs]
    return {
        "per_epoch_loss": [round(e["loss"], 4) for e in epochs],
        "per_epoch_seconds": [round(t, 1) for t in times],
        "median_epoch_seconds": round(float(np.median(times)), 1) if times else None,
    }
