#!/usr/bin/python3
"""Resize fuzz cases for the PIL-exact bicubic resize: synthetic hash-pattern images (high-frequency
content that any rounding difference would show), random sizes, PIL 9.4 results hashed.

    /usr/bin/python3 test/golden/preprocess/make_resize_fuzz.py

Pixel (x, y, channel c) of a W x H image = ((x * 7919 + y * 104729 + c * 31337 + W * 13 + H * 17)
* 2654435761 mod 2^32) >> 24, which the TypeScript test recomputes, so no image is stored.
"""
import hashlib
import json
import os
import random

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def pattern(w, h):
    y, x, c = np.meshgrid(np.arange(h, dtype=np.uint64), np.arange(w, dtype=np.uint64), np.arange(3, dtype=np.uint64), indexing="ij")
    v = (x * 7919 + y * 104729 + c * 31337 + w * 13 + h * 17) * 2654435761 % (1 << 32)
    return Image.fromarray((v >> 24).astype(np.uint8), "RGB")


def main():
    rng = random.Random(1234)
    sizes = [(1, 700, 300, 1), (700, 1, 1, 300), (1, 1, 517, 3), (640, 480, 384, 384), (640, 480, 224, 224), (17, 16, 16, 16), (16, 17, 16, 16)]
    while len(sizes) < 150:
        w, h = rng.randint(1, 700), rng.randint(1, 700)
        tw = rng.choice([w, rng.randint(1, 520)])
        th = rng.choice([h, rng.randint(1, 520)])
        if (tw, th) != (w, h):
            sizes.append((w, h, tw, th))
    cases = []
    for w, h, tw, th in sizes:
        out = pattern(w, h).resize((tw, th), Image.BICUBIC)
        cases.append({"width": w, "height": h, "outWidth": tw, "outHeight": th, "sha256": hashlib.sha256(out.tobytes()).hexdigest()})
    # Source boxes (PIL's box argument), including fractional ones (stored as C floats by Pillow).
    for _ in range(20):
        w, h = rng.randint(8, 300), rng.randint(8, 300)
        x0, y0 = rng.uniform(0, w / 2), rng.uniform(0, h / 2)
        x1, y1 = rng.uniform(x0 + 1, w), rng.uniform(y0 + 1, h)
        if rng.random() < 0.3:
            x0, y0, x1, y1 = int(x0), int(y0), int(x1), int(y1)
        tw, th = rng.randint(1, 200), rng.randint(1, 200)
        box = [x0, y0, x1, y1]
        out = pattern(w, h).resize((tw, th), Image.BICUBIC, box=box)
        cases.append({"width": w, "height": h, "outWidth": tw, "outHeight": th, "box": box, "sha256": hashlib.sha256(out.tobytes()).hexdigest()})
    with open(os.path.join(HERE, "resize-fuzz.json"), "w") as f:
        json.dump(cases, f, indent=0)
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
