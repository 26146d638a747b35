"""Readers for the committed test split (datasets/bundled/): evaluation and fixtures only."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
from PIL import Image

from . import data, encoders

ROOT = data.REPO / "datasets" / "bundled"


def _json(rel):
    return json.loads((ROOT / rel).read_text())


def karpathy(split="test"):
    """[(image path, pixels, [5 captions])]."""
    out = []
    for item in _json(f"captions/synth_karpathy_{split}.json"):
        path = ROOT / item["image"]
        out.append((item["image"], data.pixels_from_pil(Image.open(path), resize="stretch"), item["caption"]))
    return out


def vqa(split="test"):
    qs = _json(f"vqa/v2_OpenEnded_synth_{split}_questions.json")["questions"]
    anns = {a["question_id"]: a for a in _json(f"vqa/v2_synth_{split}_annotations.json")["annotations"]}
    out = []
    for q in qs:
        rel = f"images/synth_test_{q['image_id']:012d}.png"
        a = anns[q["question_id"]]
        out.append({"image": rel, "question": q["question"], "question_id": q["question_id"],
                    "answers": [x["answer"] for x in a["answers"]]})
    return out


def answer_list():
    return _json("vqa/answer_list.json")


def image_pixels(rel, resize="stretch"):
    return data.pixels_from_pil(Image.open(ROOT / rel), resize=resize)


def instructions(split="test"):
    lines = (ROOT / f"instructions/instructions_{split}.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _wav(path):
    import wave
    with wave.open(str(path)) as w:
        raw = w.readframes(w.getnframes())
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def audio_captions(split="test"):
    rows = list(csv.DictReader(open(ROOT / f"audio/audiocaps_{split}.csv")))
    by_file = {}
    for r in rows:
        by_file.setdefault(r["file_name"], []).append(r["caption"])
    return [(f, caps) for f, caps in by_file.items()]


def audio_qa(split="test"):
    rows = list(csv.DictReader(open(ROOT / f"audio/clotho_aqa_{split}.csv")))
    by_q = {}
    for r in rows:
        by_q.setdefault((r["file_name"], r["QuestionText"]), []).append(r["answer"])
    return [(f, q, answers) for (f, q), answers in by_q.items()]


def audio_fbank(file_name):
    return encoders.fbank(_wav(ROOT / "audio/wav" / file_name))


def pointclouds(split="test"):
    ids = (ROOT / f"pointclouds/{split}.txt").read_text().split()
    names = (ROOT / "pointclouds/shape_names.txt").read_text().split()
    out = []
    for i in ids:
        label = i.rsplit("_", 1)[0]
        out.append((i, label, np.load(ROOT / "pointclouds" / label / f"{i}.npy")))
    return out, names


def video_qa(split="test"):
    return _json(f"video/msvd_qa_{split}.json")


def video_captions(split="test"):
    """[(video folder, [captions])]."""
    return [(v["video"], v["caption"]) for v in _json(f"video/video_captions_{split}.json")]


def video_frames(video):
    folder = ROOT / "video/frames" / video
    files = sorted(folder.glob("frame_*.png"))
    return np.stack([data.pixels_from_pil(Image.open(files[i]), resize="stretch") for i in encoders.frame_indices(len(files))])
