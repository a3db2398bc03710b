"""The one CNN backbone of Recall Lens: the `random-cnn` baseline and every self-supervised recipe
(MoCo v2, SwAV, the image tower of the image-title model) use exactly this architecture.

Architecture (64x64 RGB in, 128-d embedding out):

    stage  layers                                          output (N, C, H, W)
    1      conv3x3 s2 (3->16)   BN ReLU, conv3x3 (16->16)   BN ReLU   N x  16 x 32 x 32
    2      conv3x3 s2 (16->32)  BN ReLU, conv3x3 (32->32)   BN ReLU   N x  32 x 16 x 16
    3      conv3x3 s2 (32->64)  BN ReLU, conv3x3 (64->64)   BN ReLU   N x  64 x  8 x  8
    4      conv3x3 s2 (64->128) BN ReLU, conv3x3 (128->128) BN ReLU   N x 128 x  4 x  4
    head   global average pool, flatten                              N x 128

i.e. 4 blocks of 2 conv3x3-BN-ReLU layers, the first of each block with stride 2 (no pooling
layers), convolutions without bias (the BN that follows has one). The embedding is the pooled
feature itself (no projection, no L2 normalisation); SSL recipes put their projection heads on
top of it and export only the backbone. Because the head is a global average pool the network
accepts any input side divisible by 16 (e.g. 32x32 multi-crops for SwAV); exported models are
fixed at INPUT_SIZE.

Cost, measured with `python3 training/backbone.py` (torch 1.13 CPU, Debian python3-torch,
2 shared cores of an AMD EPYC with AVX-512, torch.set_num_threads(2)):
    13.4 M multiply-adds per 64x64 image (6.9 GFLOP forward per batch of 256), 294 k parameters
    (1.2 MB float32). Forward + backward + SGD step on a batch of 256:
      64x64: median 0.28-0.32 s (min 0.21 s) on quiet cores; 0.8-1.9 s while other jobs share
             the 2 cores (the 64x64 layers are memory-bound: 16 MB of activations per layer);
      32x32: 0.035 s.
A MoCo v2 step (query fwd+bwd plus key forward) at batch 256 is therefore ~0.4 s + augmentation,
~15 s per epoch over the ~9k-image demo corpus at 64x64 on quiet cores: 100+ epochs fit in 60
minutes, several times more with 32-48 px crops. (A variant with one conv per block costs 4 M MACs
and ~0.18 s; the second conv per block doubles the depth and receptive field for ~1.5x the time,
the better trade for SSL. It exceeds a "~1 GFLOP per batch" rule of thumb, but the measured time,
not the FLOP count, is what the 60-minute budget needs.)
Inference of the exported model (batch 64, incl. preprocessing): onnxruntime-node ~2.6-5.2 k images/s;
onnxruntime-web WASM (SIMD, 2 threads) ~0.7-1.1 k images/s in Node, 0.2-0.4 k in headless Chromium
(native MLAS uses AVX-512 NCHWc kernels; WASM has 128-bit SIMD and im2col + GEMM).

Normalisation: pixels scaled to [0, 1], then (v - 0.5) / 0.5 per channel (NORM_MEAN / NORM_STD).
The demo images are emoji on white, for which ImageNet statistics mean nothing; every model on
this backbone uses the same constants so their cards agree.

Export: `fold_bn` returns an eval-mode copy with every BatchNorm folded into the preceding
convolution (conv weights scaled, bias added), which is what goes into ONNX (Conv, Relu,
GlobalAveragePool, Flatten only).
"""

from __future__ import annotations

import copy
import os
import time
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn

INPUT_SIZE = 64
WIDTHS: Tuple[int, ...] = (16, 32, 64, 128)
CONVS_PER_BLOCK = 2
EMBED_DIM = WIDTHS[-1]
NORM_MEAN = (0.5, 0.5, 0.5)
NORM_STD = (0.5, 0.5, 0.5)

ARCHITECTURE = (
    "CNN, 4 blocks x 2 conv3x3-BN-ReLU (widths 16-32-64-128, first conv of each block stride 2), "
    "global average pool -> 128-d; BN folded into the convolutions at export "
    "(training/backbone.py)"
)


def conv_bn_relu(c_in: int, c_out: int, stride: int) -> List[nn.Module]:
    return [
        nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    ]


class Backbone(nn.Module):
    """x: (N, 3, S, S) normalised float32 with S divisible by 16 -> (N, EMBED_DIM) embedding."""

    def __init__(self, widths: Sequence[int] = WIDTHS, convs_per_block: int = CONVS_PER_BLOCK):
        super().__init__()
        layers: List[nn.Module] = []
        c = 3
        for w in widths:
            layers += conv_bn_relu(c, w, 2)
            for _ in range(convs_per_block - 1):
                layers += conv_bn_relu(w, w, 1)
            c = w
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.embed_dim = c
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """He (Kaiming) normal init, fan_in, ReLU gain, for every conv; BN gamma 1, beta 0.
        It keeps the activations' second moment ~constant through the ReLU layers, so the untrained
        network's embedding has a sane scale (~0.1-1); PyTorch's own Conv2d default
        (kaiming_uniform with a=sqrt(5), variance 1/(3 fan_in)) shrinks it ~6x per layer (to ~1e-3
        after 8 layers), which would leave whitening's epsilon larger than the eigenvalues.
        Draws from torch's global RNG: seed with torch.manual_seed before constructing."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.flatten(self.pool(self.features(x)))


def fold_bn(model: Backbone) -> nn.Module:
    """An eval-mode copy of `model` with each BatchNorm folded into the conv before it."""
    src = copy.deepcopy(model).eval()
    mods = list(src.features)
    out: List[nn.Module] = []
    i = 0
    while i < len(mods):
        m = mods[i]
        if isinstance(m, nn.Conv2d) and i + 1 < len(mods) and isinstance(mods[i + 1], nn.BatchNorm2d):
            out.append(torch.nn.utils.fusion.fuse_conv_bn_eval(m, mods[i + 1]))
            i += 2
        else:
            out.append(m)
            i += 1
    folded = nn.Sequential(*out, nn.AdaptiveAvgPool2d(1), nn.Flatten(1))
    return folded.eval()


def count_macs(model: nn.Module, size: int = INPUT_SIZE) -> int:
    """Multiply-adds of the convolutions for one image of size x size."""
    total = 0

    def hook(mod: nn.Conv2d, _inp, out):
        nonlocal total
        total += out.numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    model.train(was_training)
    for h in handles:
        h.remove()
    return total


def benchmark(batch: int = 256, size: int = INPUT_SIZE, repeats: int = 6) -> List[float]:
    """Seconds for forward + backward + SGD step on a random batch (sorted)."""
    model = Backbone().train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, 3, size, size)
    times = []
    for _ in range(repeats + 1):
        t = time.perf_counter()
        model(x).pow(2).mean().backward()
        opt.step()
        opt.zero_grad()
        times.append(time.perf_counter() - t)
    return sorted(times[1:])


if __name__ == "__main__":
    torch.set_num_threads(os.cpu_count() or 1)
    m = Backbone()
    macs = count_macs(m)
    params = sum(p.numel() for p in m.parameters())
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{macs / 1e6:.1f} M MACs/image, {2 * macs * 256 / 1e9:.2f} GFLOP forward per batch of 256, "
          f"{params / 1e3:.0f} k parameters")
    for s in (INPUT_SIZE, 32):
        t = benchmark(size=s)
        print(f"forward+backward+step, batch 256 at {s}x{s}: median {t[len(t) // 2]:.3f} s, min {t[0]:.3f} s")
