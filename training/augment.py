"""Batched tensor augmentations for the 64x64 emoji of the demo corpus (MoCo v2 / SwAV views).

Everything works on a whole batch at once (N x 3 x S x S float in [0, 1], on the CPU or a GPU) with
per-sample random parameters drawn on the CPU from a torch.Generator (so a seed gives the same
parameters on any device), so a view costs a few tensor ops instead of a PIL loop per image.

MoCo v2's ImageNet pipeline, and what is kept here (defaults of ViewConfig):
  - RandomResizedCrop(scale=(0.2, 1), ratio=(3/4, 4/3))  kept as one affine_grid + grid_sample per
                                                          batch, but with area 0.35-1 and the crop
                                                          centre pulled towards the glyph (its ink
                                                          centroid stays in the central half of
                                                          the crop, see glyph_centres): an emoji is
                                                          one object on white, and an ImageNet-style
                                                          0.2-area crop in a corner often shows only
                                                          white or an edge, a positive pair with
                                                          nothing in common to learn from;
  - ColorJitter(0.4, 0.4, 0.4, 0.1) with p = 0.8         MILDER: brightness/contrast/saturation 0.2
                                                          with p = 0.5, no hue;
  - RandomGrayscale(p = 0.2)                             MILDER: p = 0.05;
  - GaussianBlur(sigma in [0.1, 2.0]) with p = 0.5       sigma scaled to 64 px (0.1-1.0), p = 0.3,
                                                          separable 5-tap kernel per sample;
  - RandomHorizontalFlip(p = 0.5)                        DROPPED: a flip changes the meaning of
                                                          direction-bearing glyphs (arrows, "left"
                                                          vs "right" hands, flags, text-like
                                                          symbols), so it would teach the encoder
                                                          to equate different emoji.

Why milder colour: on this corpus colour carries the category and the style. Faces and people are
yellow/skin-toned, plants green, flags and keycaps have their own palettes, and each vendor draws
with its own palette (that *is* the style the demo measures). MoCo's strong jitter + 20% grayscale
makes the two views of a pair differ in exactly these colours, so the InfoNCE/swapped-prediction
objective rewards an encoder that ignores them; with the ImageNet-strength settings the trained
MoCo v2 was no better than 8x8 pixels (docs/RESULTS.md). Hue stays off (it rotates the vendor's
palette away); a little brightness/contrast/saturation jitter and rare grayscale remain so that the
encoder cannot match on the exact colour histogram alone.

Crop boxes are always inside the image, and the emoji are on white, so no padding value is needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Tuple

import torch
import torch.nn.functional as F

from backbone import NORM_MEAN, NORM_STD


@dataclass
class ViewConfig:
    size: int = 64
    scale: Tuple[float, float] = (0.35, 1.0)
    ratio: Tuple[float, float] = (3 / 4, 4 / 3)
    jitter_p: float = 0.5
    brightness: float = 0.2
    contrast: float = 0.2
    saturation: float = 0.2
    gray_p: float = 0.05
    blur_p: float = 0.3
    blur_sigma: Tuple[float, float] = (0.1, 1.0)
    keep_glyph: bool = True  # crop centre pulled towards the ink centroid (glyph_centres)

    def as_dict(self) -> dict:
        return {
            "size": self.size,
            "scale": list(self.scale),
            "ratio": [round(r, 4) for r in self.ratio],
            "colour_jitter": {"p": self.jitter_p, "brightness": self.brightness, "contrast": self.contrast,
                              "saturation": self.saturation, "hue": 0},
            "grayscale_p": self.gray_p,
            "blur": {"p": self.blur_p, "sigma": list(self.blur_sigma), "kernel": 5},
            "horizontal_flip": "dropped",
            "crop_keeps_glyph": "ink centroid inside the central half of every crop" if self.keep_glyph else False,
        }


# The held-out augmentation task used for label-free model selection (common/train_utils.py
# augmentation_retrieval): fixed, milder than training views, the same for every encoder.
PROBE_VIEW = ViewConfig(size=64, scale=(0.5, 1.0), jitter_p=1.0, brightness=0.1, contrast=0.1, saturation=0.1,
                        gray_p=0.0, blur_p=0.5, blur_sigma=(0.1, 0.8))


def _uniform(n: int, lo: float, hi: float, g: torch.Generator) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(n, generator=g)


def glyph_centres(images_u8: torch.Tensor, white: int = 245) -> torch.Tensor:
    """Ink centroid of each image (uint8 N x 3 x S x S) in affine_grid coordinates [-1, 1] (N x 2,
    x then y): the mean position of the pixels that are not near-white in some channel; (0, 0) for
    an all-white image. Label-free: it only looks at the pixels."""
    s = images_u8.shape[-1]
    ink = (images_u8.min(dim=1).values < white).float()  # N x S x S
    mass = ink.sum(dim=(1, 2)).clamp(min=1.0)
    coord = (torch.arange(s, dtype=torch.float32, device=images_u8.device) + 0.5) / s * 2 - 1
    cx = (ink.sum(dim=1) * coord).sum(dim=1) / mass
    cy = (ink.sum(dim=2) * coord).sum(dim=1) / mass
    return torch.stack([cx, cy], dim=1)


def random_resized_crop(x: torch.Tensor, size: int, scale: Tuple[float, float], ratio: Tuple[float, float],
                        g: torch.Generator, centres: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Per-sample crop box (area fraction in `scale`, aspect in `ratio`, clamped to the image),
    resampled to size x size with bilinear grid_sample. With `centres` (N x 2, glyph_centres), the
    box centre is clamped to within a quarter of the box's side of the glyph's ink centroid, so the
    centroid lies in the central half of the crop (staying inside the image wins)."""
    n = x.shape[0]
    area = _uniform(n, scale[0], scale[1], g)
    log_r = _uniform(n, math.log(ratio[0]), math.log(ratio[1]), g)
    r = torch.exp(log_r)
    w = torch.sqrt(area * r).clamp(max=1.0)  # fraction of the image width (= half-extent in [-1, 1] units)
    h = torch.sqrt(area / r).clamp(max=1.0)
    cx = (torch.rand(n, generator=g) * (1 - w) + w / 2) * 2 - 1  # centre in [-1, 1] coordinates
    cy = (torch.rand(n, generator=g) * (1 - h) + h / 2) * 2 - 1
    if centres is not None:
        c = centres.detach().float().cpu()
        cx = torch.max(torch.min(cx, c[:, 0] + w / 2), c[:, 0] - w / 2).clamp(min=w - 1, max=1 - w)
        cy = torch.max(torch.min(cy, c[:, 1] + h / 2), c[:, 1] - h / 2).clamp(min=h - 1, max=1 - h)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = w
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = h
    theta[:, 1, 2] = cy
    theta = theta.to(device=x.device, dtype=x.dtype)
    grid = F.affine_grid(theta, [n, x.shape[1], size, size], align_corners=False)
    # (No anti-aliasing: boxes are at most ~2x the output side in every recipe here.)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


_LUMA = (0.299, 0.587, 0.114)


def _gray(x: torch.Tensor) -> torch.Tensor:
    return (_LUMA[0] * x[:, 0:1] + _LUMA[1] * x[:, 1:2] + _LUMA[2] * x[:, 2:3])


def colour_transform(x: torch.Tensor, cfg: ViewConfig, g: torch.Generator) -> torch.Tensor:
    """Colour jitter (brightness, contrast, saturation; no hue) with probability jitter_p, then
    grayscale with probability gray_p, as ONE per-sample affine colour map y = M x + b followed by
    a single clamp to [0, 1]. Each of these torchvision operations is affine in RGB (contrast blends
    with the image's mean gray level, which is known from the per-channel means), so composing them
    costs one batched 3x3 matmul instead of ~15 full-image passes; the only difference from
    torchvision is that intermediate values are not clamped between the steps."""
    n, dev = x.shape[0], x.device
    eye = torch.eye(3, device=dev).expand(n, 3, 3)
    luma = torch.tensor(_LUMA, device=dev).view(1, 1, 3)
    gray_m = torch.tensor(_LUMA, device=dev).view(1, 3).expand(3, 3)  # every output channel = luma
    apply = (torch.rand(n, generator=g) < cfg.jitter_p).view(n, 1, 1)
    b = _uniform(n, 1 - cfg.brightness, 1 + cfg.brightness, g).view(n, 1, 1)
    c = _uniform(n, 1 - cfg.contrast, 1 + cfg.contrast, g).view(n, 1, 1)
    s = _uniform(n, 1 - cfg.saturation, 1 + cfg.saturation, g).view(n, 1, 1)
    ones = torch.ones(n, 1, 1)
    b, c, s = torch.where(apply, b, ones), torch.where(apply, c, ones), torch.where(apply, s, ones)
    b, c, s = b.to(dev), c.to(dev), s.to(dev)
    mean_rgb = x.mean(dim=(2, 3)).unsqueeze(2)  # n x 3 x 1
    m = b * eye  # brightness
    # contrast: y = c*y + (1-c)*mean_gray(y), mean_gray(y) = luma . (m @ mean_rgb)
    mean_gray = luma @ (m @ mean_rgb)  # n x 1 x 1
    m = c * m
    off = (1 - c) * mean_gray * torch.ones(n, 3, 1, device=dev)
    # saturation: y = s*y + (1-s)*gray(y)
    sat = s * eye + (1 - s) * gray_m
    m, off = sat @ m, sat @ off
    gray = (torch.rand(n, generator=g) < cfg.gray_p).view(n, 1, 1).to(dev)
    m = torch.where(gray, gray_m @ m, m)
    off = torch.where(gray, gray_m @ off, off)
    hw = x.shape[2] * x.shape[3]
    y = torch.baddbmm(off, m, x.reshape(n, 3, hw))
    return y.clamp_(0, 1).view_as(x)


def random_blur(x: torch.Tensor, p: float, sigma: Tuple[float, float], g: torch.Generator, taps: int = 5) -> torch.Tensor:
    """Gaussian blur with probability p, sigma uniform in `sigma` per image, separable 5-tap kernel,
    replicate padding, computed as weighted sums of shifted copies of the selected images
    (per-sample kernels; grouped or 1-channel convolutions are several times slower on CPU)."""
    n, ch, hgt, wid = x.shape
    apply = torch.rand(n, generator=g) < p
    sig = _uniform(n, sigma[0], sigma[1], g)
    idx = torch.nonzero(apply).flatten()
    if idx.numel() == 0:
        return x
    t = torch.arange(taps, dtype=x.dtype) - taps // 2
    k = torch.exp(-(t.view(1, -1) ** 2) / (2 * sig[idx].view(-1, 1) ** 2))
    k = (k / k.sum(dim=1, keepdim=True)).view(-1, taps, 1, 1, 1).to(x.device)
    idx = idx.to(x.device)
    r = taps // 2
    y = F.pad(x[idx], (r, r, r, r), mode="replicate")
    h = sum(k[:, j] * y[:, :, :, j:j + wid] for j in range(taps))  # horizontal: m x ch x (H+2r) x W
    v = sum(k[:, j] * h[:, :, j:j + hgt, :] for j in range(taps))  # vertical
    out = x.clone()
    out[idx] = v
    return out


def normalise(x: torch.Tensor) -> torch.Tensor:
    m = torch.tensor(NORM_MEAN, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    s = torch.tensor(NORM_STD, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x - m) / s


def to_float(images_u8: torch.Tensor) -> torch.Tensor:
    """uint8 N x 3 x S x S -> float32 in [0, 1]."""
    return images_u8.float().div_(255.0)


def view(x: torch.Tensor, cfg: ViewConfig, g: torch.Generator, centres: Optional[torch.Tensor] = None) -> torch.Tensor:
    """One augmented, normalised view of a batch x (float N x 3 x S x S in [0, 1]); `centres` are the
    batch's glyph_centres, used when cfg.keep_glyph."""
    y = random_resized_crop(x, cfg.size, cfg.scale, cfg.ratio, g, centres if cfg.keep_glyph else None)
    y = colour_transform(y, cfg, g)
    if cfg.blur_p > 0:
        y = random_blur(y, cfg.blur_p, cfg.blur_sigma, g)
    return normalise(y)


def clean(x: torch.Tensor, size: Optional[int] = None) -> torch.Tensor:
    """The un-augmented, normalised images (what the exported model sees), optionally resized the
    way src/encoders/preprocess.ts resizes (area averaging for integer factors, else bilinear)."""
    return normalise(resize(x, size))


def resize(x: torch.Tensor, size: Optional[int]) -> torch.Tensor:
    s = x.shape[-1]
    if size is None or size == s:
        return x
    if s > size and s % size == 0:
        return F.avg_pool2d(x, kernel_size=s // size, stride=s // size)
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)


def save_grid(path: str, views: torch.Tensor, rows: int) -> None:
    """Debug helper: write normalised views (N x 3 x S x S) as a PNG grid."""
    import numpy as np
    from PIL import Image

    v = (views * torch.tensor(NORM_STD).view(1, 3, 1, 1) + torch.tensor(NORM_MEAN).view(1, 3, 1, 1)).clamp(0, 1)
    n, _, s, _ = v.shape
    cols = math.ceil(n / rows)
    canvas = np.ones((rows * s, cols * s, 3), dtype=np.uint8) * 128
    for i in range(n):
        r, c = divmod(i, cols)
        canvas[r * s:(r + 1) * s, c * s:(c + 1) * s] = (v[i].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    Image.fromarray(canvas).save(path)
