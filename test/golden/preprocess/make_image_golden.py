#!/usr/bin/python3
"""Golden values for the image preprocessing tests, computed with PIL 9.4 + torch 1.13 (Debian).

    /usr/bin/python3 test/golden/preprocess/make_image_golden.py

For every fixture in test/fixtures/images/ (bench_* excluded) it records the sha256 of
`Image.open(f).convert("RGB").tobytes()` and of the uint8 RGB result of each resize case
(and the full bytes of results with at most 64 pixels, to debug a mismatch):
  stretch S : LAVIS blip_image_eval  = torchvision Resize((S, S), BICUBIC)
  crop S    : LAVIS clip_image_eval  = torchvision Resize(S, BICUBIC) + CenterCrop(S)
  exact WxH : PIL Image.resize((W, H), BICUBIC) (one axis unchanged, so one pass is skipped)
torchvision is not installed on Debian 12, so its two PIL-path functions are written out below
from torchvision's source (transforms/functional.py: _compute_resized_output_size, center_crop).
ToTensor + Normalize are run with torch using torchvision's exact operations.
"""
import glob
import hashlib
import json
import os

import numpy as np
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "fixtures", "images")
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def tv_resize_shorter(im, size):
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    return im.resize((new_w, new_h), Image.BICUBIC)


def tv_center_crop(im, size):
    w, h = im.size
    top = int(round((h - size) / 2.0))
    left = int(round((w - size) / 2.0))
    return im.crop((left, top, left + size, top + size))


def to_tensor_normalize(im):
    """torchvision ToTensor (uint8 -> float32 / 255) then Normalize (sub_ then div_ in float32)."""
    t = torch.from_numpy(np.array(im, dtype=np.uint8)).permute(2, 0, 1).contiguous()
    t = t.to(dtype=torch.float32).div(255)
    mean = torch.as_tensor(MEAN, dtype=torch.float32)[:, None, None]
    std = torch.as_tensor(STD, dtype=torch.float32)[:, None, None]
    return t.sub_(mean).div_(std)


def sha(im):
    return hashlib.sha256(im.tobytes()).hexdigest()


def cases_for(im):
    w, h = im.size
    out = []
    for s in (7, 224, 384):
        out.append(({"kind": "stretch", "size": s}, im.resize((s, s), Image.BICUBIC)))
    for s in (224, 364):
        out.append(({"kind": "crop", "size": s}, tv_center_crop(tv_resize_shorter(im, s), s)))
    out.append(({"kind": "exact", "width": w, "height": 50}, im.resize((w, 50), Image.BICUBIC)))
    out.append(({"kind": "exact", "width": 37, "height": h}, im.resize((37, h), Image.BICUBIC)))
    out.append(({"kind": "exact", "width": 5, "height": 3}, im.resize((5, 3), Image.BICUBIC)))
    return out


def write_npy_float32(path, arr):
    np.save(path, np.ascontiguousarray(arr, dtype="<f4"))


def main():
    images, cases, full = {}, [], {}
    for path in sorted(glob.glob(os.path.join(FIXTURES, "*"))):
        name = os.path.basename(path)
        if name.endswith(".py") or name.startswith("bench_"):
            continue
        src = Image.open(path)
        im = src.convert("RGB")
        images[name] = {"mode": src.mode, "width": im.size[0], "height": im.size[1], "rgbSha256": sha(im)}
        for spec, res in cases_for(im):
            cases.append({"image": name, **spec, "outWidth": res.size[0], "outHeight": res.size[1], "sha256": sha(res)})
            if res.size[0] * res.size[1] <= 64:
                key = f"{name}:{json.dumps(spec, sort_keys=True)}"
                full[key] = list(res.tobytes())

    lut = to_tensor_normalize(Image.fromarray(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2)))
    # lut has shape [3, 1, 256]: channel c, value v -> what the model sees.
    write_npy_float32(os.path.join(HERE, "normalize_lut_3x256.npy"), lut[:, 0, :].numpy())
    for name, kind, s in (("photo_coffee_300x200.jpg", "stretch", 16), ("rgb_tall_23x311.png", "crop", 16)):
        im = Image.open(os.path.join(FIXTURES, name)).convert("RGB")
        res = im.resize((s, s), Image.BICUBIC) if kind == "stretch" else tv_center_crop(tv_resize_shorter(im, s), s)
        write_npy_float32(os.path.join(HERE, f"tensor_{kind}{s}_{name.split('.')[0]}.npy"), to_tensor_normalize(res).numpy())

    with open(os.path.join(HERE, "image-resize.json"), "w") as f:
        json.dump({"mean": MEAN, "std": STD, "images": images, "cases": cases, "fullBytes": full}, f, indent=1)
    print(f"{len(images)} images, {len(cases)} resize cases, {len(full)} full arrays")


if __name__ == "__main__":
    main()
