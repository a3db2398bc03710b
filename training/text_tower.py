"""Text tower of the image-title model: hashed title tokens -> 128-d unit vector.

    tokens int64 N x L (ids 1..B, 0 = padding; training/tokenize_titles.py == src/encoders/tokenize.ts)
      -> nn.Embedding(B + 1, E) (row 0 fixed at zero)           N x L x E    (ONNX Gather)
      -> masked mean over the non-zero ids                      N x E        (Greater, Cast, ReduceSum, Max, Div)
      -> Linear(E, H) ReLU Linear(H, D)                         N x D
      -> L2 normalisation                                       N x D

An all-padding row (empty title) averages to the zero vector, so its embedding is the MLP's bias,
normalised: finite, the same for every empty title.
Size: (B + 1) x E float32 dominates: B = 2^14, E = 128 -> 8.4 MB (<= 10 MB per model).
"""

from __future__ import annotations

import io
import os
from typing import Any, Dict

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

from common.export import OPSET, OUTPUT_NAME, save_onnx
from tokenize_titles import BUCKETS, MAX_TOKENS, NGRAM

TEXT_INPUT_NAME = "tokens"
EMBED_WIDTH = 128
HIDDEN = 256
DIM = 128


def l2_normalise(x: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """x / max(||x||, eps): plain ops (ReduceSum, Sqrt, Max, Div) in ONNX."""
    norm = torch.sqrt(torch.sum(x * x, dim=1, keepdim=True))
    return x / torch.clamp(norm, min=eps)


class TextTower(nn.Module):
    def __init__(self, buckets: int = BUCKETS, width: int = EMBED_WIDTH, hidden: int = HIDDEN, dim: int = DIM):
        super().__init__()
        self.buckets = buckets
        self.embed = nn.Embedding(buckets + 1, width, padding_idx=0)
        nn.init.normal_(self.embed.weight, std=0.1)
        with torch.no_grad():
            self.embed.weight[0].zero_()
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, dim))

    def pooled(self, tokens: torch.Tensor) -> torch.Tensor:
        mask = (tokens > 0).to(torch.float32)  # N x L
        e = self.embed(tokens) * mask.unsqueeze(2)  # N x L x E
        count = torch.clamp(torch.sum(mask, dim=1, keepdim=True), min=1.0)
        return torch.sum(e, dim=1) / count

    def pooled_fast(self, tokens: torch.Tensor) -> torch.Tensor:
        """Same as `pooled` (up to float rounding) without the N x L x E intermediate: for training."""
        return F.embedding_bag(tokens, self.embed.weight, mode="mean", padding_idx=0)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        pooled = self.pooled_fast(tokens) if self.training else self.pooled(tokens)
        return l2_normalise(self.mlp(pooled))


def export_text_onnx(module: nn.Module, path: str, max_tokens: int = MAX_TOKENS, opset: int = OPSET) -> None:
    """Input "tokens" int64 N x L, output "embedding" float32 N x D, N dynamic."""
    module = module.eval()
    dummy = torch.zeros(2, max_tokens, dtype=torch.int64)
    dummy[:, :3] = torch.tensor([1, 2, 3])
    buf = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(
            module,
            dummy,
            buf,
            input_names=[TEXT_INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={TEXT_INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=opset,
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
        )
    save_onnx(onnx.load_from_string(buf.getvalue()), path)


def text_input_spec(max_tokens: int = MAX_TOKENS) -> Dict[str, Any]:
    """The card's `input` for a text model (src/encoders/card.ts TextInput)."""
    return {
        "name": TEXT_INPUT_NAME,
        "kind": "hashed-ngrams",
        "version": "hashed-ngrams-v1",
        "buckets": BUCKETS,
        "maxTokens": max_tokens,
        "ngram": NGRAM,
        "column": "title",
    }
