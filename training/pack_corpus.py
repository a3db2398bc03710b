"""Pack the demo corpus (public/data/emoji-styles: manifest.json + images.rgb, 87 MB raw) into one
compressed .npz for a machine without the Node tool chain (training/gpu_run.sh), and unpack it there.

    /usr/bin/python3 training/pack_corpus.py pack corpus.npz      # here
    python3 training/pack_corpus.py unpack corpus.npz             # there, before training
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import DEMO_DIR  # noqa: E402


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("pack", "unpack"):
        raise SystemExit("usage: pack_corpus.py pack|unpack FILE.npz")
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "pack":
        with open(os.path.join(DEMO_DIR, "manifest.json"), "rb") as f:
            manifest = np.frombuffer(f.read(), dtype=np.uint8)
        images = np.fromfile(os.path.join(DEMO_DIR, "images.rgb"), dtype=np.uint8)
        np.savez_compressed(path, manifest=manifest, images=images)
        print(f"{path}: {os.path.getsize(path) / 2**20:.1f} MiB")
    else:
        d = np.load(path)
        os.makedirs(DEMO_DIR, exist_ok=True)
        with open(os.path.join(DEMO_DIR, "manifest.json"), "wb") as f:
            f.write(d["manifest"].tobytes())
        d["images"].tofile(os.path.join(DEMO_DIR, "images.rgb"))
        print(f"unpacked {DEMO_DIR}")


if __name__ == "__main__":
    main()
