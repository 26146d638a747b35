#!/usr/bin/python3
"""PIL (+ torch for ToTensor/Normalize) timing on one core, for test/bench/preprocess.bench.ts.

    OMP_NUM_THREADS=1 /usr/bin/python3 test/golden/preprocess/bench_pil.py

Times, on test/fixtures/images/bench_coffee_640x480.jpg, what LAVIS's blip_image_eval does:
Image.open(...).convert("RGB"), torchvision Resize((384, 384), BICUBIC) (= PIL resize), ToTensor,
Normalize(CLIP mean/std) — the last two written with torchvision's exact torch operations since
torchvision is not packaged in Debian 12. Like test/bench/preprocess.bench.ts, the rate is the
best of many batches of 5 (timeit's advice for a shared machine); mean CPU time is printed too.
"""
import io
import os
import time

import numpy as np
import torch
from PIL import Image

torch.set_num_threads(1)
PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "images", "bench_coffee_640x480.jpg")
MEAN = torch.as_tensor((0.48145466, 0.4578275, 0.40821073), dtype=torch.float32)[:, None, None]
STD = torch.as_tensor((0.26862954, 0.26130258, 0.27577711), dtype=torch.float32)[:, None, None]
DATA = open(PATH, "rb").read()
DECODED = Image.open(io.BytesIO(DATA)).convert("RGB")
RESIZED = DECODED.resize((384, 384), Image.BICUBIC)


def to_tensor_normalize(im):
    t = torch.from_numpy(np.array(im, dtype=np.uint8)).permute(2, 0, 1).contiguous().to(torch.float32).div(255)
    return t.sub_(MEAN).div_(STD)


def full():
    to_tensor_normalize(Image.open(io.BytesIO(DATA)).convert("RGB").resize((384, 384), Image.BICUBIC))


def measure(label, fn, seconds=3.0, batch=5):
    for _ in range(10):
        fn()
    runs, best, cpu, wall = 0, float("inf"), time.process_time(), time.perf_counter()
    while time.perf_counter() - wall < seconds or runs < 20 * batch:
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        best = min(best, (time.perf_counter() - start) * 1000 / batch)
        runs += batch
    cpu_ms = (time.process_time() - cpu) * 1000 / runs
    print(f"{label:55s} {1000 / best:8.1f} images/s (best batch {best:.2f} ms/image; mean {cpu_ms:.2f} CPU-ms)")


if __name__ == "__main__":
    measure("PIL: decode+resize+ToTensor+Normalize 640x480 -> 384", full)
    measure("PIL: decode 640x480 JPEG only", lambda: Image.open(io.BytesIO(DATA)).convert("RGB"), 2)
    measure("PIL: resize 640x480 -> 384x384 only", lambda: DECODED.resize((384, 384), Image.BICUBIC), 2)
    measure("torch: ToTensor+Normalize 3x384x384 only", lambda: to_tensor_normalize(RESIZED), 2)
