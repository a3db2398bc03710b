"""The plumbing of the self-supervised training loops (training/moco.py, training/swav.py): the
flags they share, the run set-up (threads, device, seeds, corpus, schedule, log), the batches of an
epoch, the end-of-epoch bookkeeping (log line, checkpoint, time budget), and the end of a run (BN
re-estimation on clean images, label-free health check, `final.pt`, export).

A recipe only writes its model, its loss and its card fields; everything else is here, so the two
recipes cannot drift apart on seeding, schedules, checkpoints or what the cards record.

`final.pt` (training/runs/<id>/final.pt, and --save-final) holds the trained backbone (BN statistics
already re-estimated) and the card's `training` field; training/export_checkpoint.py exports it.
That is how a model trained elsewhere (training/gpu_run.sh on a GPU machine) is exported here with
the same torch/ONNX as every other model.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple

import torch

from augment import clean, glyph_centres, to_float
from backbone import Backbone
from common.export import repo_root
from common.train_utils import (
    RunLog,
    TimeCosine,
    embedding_stats,
    export_backbone,
    git_commit,
    hardware,
    pick_device,
    recalibrate_bn,
    save_checkpoint,
    seed_everything,
    set_threads,
    summarize_epochs,
)
from data import Corpus, load_corpus


def add_common_args(ap: argparse.ArgumentParser, model_id: str, lr: float, wd: float) -> None:
    """Flags every self-supervised recipe takes (the recipe adds its own)."""
    ap.add_argument("--epochs", type=int, default=400, help="maximum epochs (see --budget-minutes)")
    ap.add_argument("--budget-minutes", type=float, default=55.0,
                    help="training time budget: the cosine LR runs over max(step / max steps, time / budget) "
                         "and training stops after the epoch where it reaches 1; 0 = epochs only")
    ap.add_argument("--max-minutes", type=float, default=58.0, help="hard stop after the epoch that crosses this")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=lr)
    ap.add_argument("--wd", type=float, default=wd)
    ap.add_argument("--warmup-epochs", type=float, default=2.0)
    ap.add_argument("--input-size", type=int, default=None,
                    help="input size of the exported model (default: --size); the app area-averages the 64 px images to it")
    ap.add_argument("--device", default="auto", help="auto (a CUDA GPU if there is one), cpu or cuda")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--id", default=model_id)
    ap.add_argument("--no-export", action="store_true", help="train and write final.pt only")
    ap.add_argument("--save-final", default="", help="also copy final.pt to this path")
    ap.add_argument("--smoke", type=int, default=0, help="debug: only this many steps per epoch")


@dataclass
class Run:
    """One training run's state outside the model: see setup()."""

    args: argparse.Namespace
    recipe: str
    device: torch.device
    g: torch.Generator
    commit: str
    threads: int
    run_dir: str
    log: RunLog
    corpus: Corpus
    images: torch.Tensor  # uint8 N x 3 x 64 x 64 on `device`
    centres: torch.Tensor  # N x 2 glyph centres on `device` (augment.glyph_centres)
    n: int
    steps_per_epoch: int
    total_steps: int
    warmup: int
    sched: TimeCosine
    t_start: float = field(default_factory=time.time)
    step: int = 0
    stopped_early: bool = False
    epochs: List[Dict[str, Any]] = field(default_factory=list)

    def batches(self) -> Iterator[Tuple[float, torch.Tensor, torch.Tensor]]:
        """One epoch: (lr, float [0, 1] images N x 3 x 64 x 64, their glyph centres) per step,
        the order drawn from the run's generator; advances `step`."""
        perm = torch.randperm(self.n, generator=self.g).to(self.device)
        bs = self.args.batch
        for it in range(self.steps_per_epoch):
            idx = perm[it * bs:(it + 1) * bs]
            yield self.sched.lr(self.step), to_float(self.images[idx]), self.centres[idx]
            self.step += 1


def set_lr(opt: torch.optim.Optimizer, lr: float) -> None:
    for grp in opt.param_groups:
        grp["lr"] = lr


def setup(args: argparse.Namespace, recipe: str) -> Run:
    """Threads, device, seeds (Python, NumPy, torch, and the generator that draws every augmentation
    and batch order), the corpus on the device, the schedule and the log."""
    threads = set_threads()
    commit = git_commit()  # at start: the code that runs is the code of this commit
    device = pick_device(args.device)
    g = seed_everything(args.seed)
    run_dir = os.path.join(repo_root(), "training", "runs", args.id)
    log = RunLog(run_dir)
    corpus = load_corpus()
    images = corpus.tensor().to(device)
    n = images.shape[0]
    steps_per_epoch = args.smoke or n // args.batch
    total_steps = steps_per_epoch * args.epochs
    warmup = int(args.warmup_epochs * steps_per_epoch)
    sched = TimeCosine(args.lr, total_steps, warmup, args.budget_minutes * 60)
    log("start", recipe=recipe, n=n, threads=threads, device=str(device), steps_per_epoch=steps_per_epoch,
        total_steps=total_steps, args=vars(args))
    return Run(args, recipe, device, g, commit, threads, run_dir, log, corpus, images, glyph_centres(images), n,
               steps_per_epoch, total_steps, warmup, sched)


def end_epoch(run: Run, rec: Dict[str, Any], t0: float, state: Dict[str, Any]) -> bool:
    """Log the epoch (`rec` + seconds, lr, progress), checkpoint `state` to runs/<id>/last.pt, and
    say whether to stop (the cosine schedule has run out, or --max-minutes has passed)."""
    rec = {**rec, "seconds": time.time() - t0, "progress": run.sched.progress(run.step)}
    run.epochs.append(rec)
    run.log("epoch", **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in rec.items()},
            elapsed=round(time.time() - run.t_start, 1))
    save_checkpoint(os.path.join(run.run_dir, "last.pt"), {**state, "epoch": rec["epoch"], "args": vars(run.args),
                                                           "epochs": run.epochs})
    over = (time.time() - run.t_start) / 60 > run.args.max_minutes
    if (run.sched.done(run.step) or over) and rec["epoch"] < run.args.epochs:
        run.stopped_early = True
        run.log("time budget reached: the cosine schedule has run out, stopping", epoch=rec["epoch"],
                budget_minutes=run.args.budget_minutes)
        return True
    return False


def finish(run: Run, backbone: Backbone, model_id: str, name: str, objective: str, script: str,
           training: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Re-estimate BN on the clean corpus at the export size, measure the label-free health
    (effective rank, held-out augmentation retrieval), complete the card's `training` field (run
    facts + `training`), write final.pt, and export unless --no-export. Returns the card, if exported."""
    args = run.args
    wall = time.time() - run.t_start
    input_size = args.input_size or args.size
    clean_images = clean(to_float(run.images), input_size)
    recalibrate_bn(backbone, clean_images)
    stats = embedding_stats(backbone, clean_images, run.images)
    last = run.epochs[-1]
    run.log("done", wall_seconds=round(wall, 1), final_loss=round(last["loss"], 4), embedding=stats)
    facts: Dict[str, Any] = {
        "recipe": training.pop("recipe"),
        "data": f"demo corpus {run.corpus.name} ({run.n} images, hash {run.corpus.hash[:16]}), images only",
        "epochs": len(run.epochs),
        "epochs_max": args.epochs,
        "time_budget_minutes": args.budget_minutes,
        "stopped_by_time_budget": run.stopped_early,
        "steps": run.step,
        "batch_size": args.batch,
        "wall_time_seconds": round(wall, 1),
        "hardware": hardware(run.device),
        "final_loss": round(last["loss"], 4),
        **training.pop("final", {}),
        "seed": args.seed,
        "git_commit": run.commit,
    }
    hyper = {
        "optimizer": "SGD momentum 0.9", "lr": args.lr, "weight_decay": args.wd, "batch_size": args.batch,
        "schedule": f"linear warm-up {args.warmup_epochs} epoch(s), then cosine to 0 over "
                    f"max(step / {run.total_steps} steps, elapsed / {args.budget_minutes} min) (common/train_utils.py TimeCosine)",
        **training.pop("hyperparameters"),
        "train_resolution": args.size,
        "bn_statistics": f"re-estimated on the clean corpus images at {input_size}x{input_size} after training",
        "exported_input_size": input_size,
    }
    card_training = {**facts, "hyperparameters": hyper, "embedding_health": stats, **training,
                     **summarize_epochs(run.epochs)}
    final = {"id": model_id, "name": name, "objective": objective, "script": script, "seed": args.seed,
             "input_size": input_size, "backbone": {k: v.detach().cpu() for k, v in backbone.state_dict().items()},
             "training": card_training}
    save_checkpoint(os.path.join(run.run_dir, "final.pt"), final)
    if args.save_final:
        os.makedirs(os.path.dirname(os.path.abspath(args.save_final)), exist_ok=True)
        save_checkpoint(args.save_final, final)
    if args.no_export:
        return None
    card = export_final(final, run.corpus.images)
    run.log("exported", card=f"public/models/{card['id']}.card.json", sha256=card["sha256"])
    return card


def export_final(final: Dict[str, Any], corpus_images, model_id: Optional[str] = None,
                 dest: Optional[str] = None) -> Dict[str, Any]:
    """ONNX + card + index + parity fixture of a final.pt dict, on the CPU, into the repository or
    under `dest` (dest/public/models, dest/tests/fixtures/encoders)."""
    backbone = Backbone()
    backbone.load_state_dict(final["backbone"])
    dirs = {}
    if dest:
        dirs = {"models_dir": os.path.join(dest, "public", "models"),
                "fixtures_dir": os.path.join(dest, "tests", "fixtures", "encoders")}
        os.makedirs(dirs["models_dir"], exist_ok=True)
    return export_backbone(model_id or final["id"], final["name"], backbone.cpu().eval(), final["objective"],
                           final["training"], final["script"], final["seed"], corpus_images=corpus_images,
                           input_size=final["input_size"], **dirs)

