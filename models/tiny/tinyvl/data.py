"""Training data drawn on the fly from the synthetic world (datasets/synthetic), and the text
and image processing LAVIS applies (blip_caption, blip_question, CLIP normalisation).

Training never reads datasets/bundled/ (the committed test split); it draws fresh samples from
the generator with the trainer's own seeds.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

REPO = Path(__file__).resolve().parents[3]
# Imported as the top-level package `synthetic` (datasets/ is a namespace package whose name a
# Hugging Face `datasets` install would shadow).
if str(REPO / "datasets") not in sys.path:
    sys.path.insert(0, str(REPO / "datasets"))

import synthetic as syn  # noqa: E402

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
IMAGE_SIZE = 64


def blip_caption(text: str, max_words: int = 50) -> str:
    text = re.sub(r"([.!\"()*#:;~])", " ", text.lower())
    text = re.sub(r"\s{2,}", " ", text).rstrip("\n").strip(" ")
    return " ".join(text.split(" ")[:max_words])


def blip_question(text: str, max_words: int = 50) -> str:
    text = re.sub(r"([.!\"()*#:;~])", "", text.lower()).rstrip(" ")
    return " ".join(text.split(" ")[:max_words])


def pixels_from_pil(image: Image.Image, size: int = IMAGE_SIZE, resize: str = "stretch") -> np.ndarray:
    """LAVIS blip_image_eval ('stretch') / clip_image_eval ('crop') at `size`, CHW float32."""
    image = image.convert("RGB")
    if resize == "stretch":
        image = image.resize((size, size), Image.BICUBIC)
    else:
        w, h = image.size
        short = min(w, h)
        nw, nh = (size, int(size * h / w)) if w == short else (int(size * w / h), size)
        image = image.resize((nw, nh), Image.BICUBIC)
        top, left = int(round((nh - size) / 2)), int(round((nw - size) / 2))
        image = image.crop((left, top, left + size, top + size))
    return normalise(np.asarray(image))


def normalise(array: np.ndarray) -> np.ndarray:
    x = array.astype(np.float32) / 255.0
    x = (x - np.array(CLIP_MEAN, np.float32)) / np.array(CLIP_STD, np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def image_batch(rng: np.random.Generator, n: int, vqa_k: int = 1, inst_types=None):
    """n scenes with pixels [n,3,64,64], 5 captions each, `vqa_k` VQA questions each and,
    when `inst_types` is given, one instruction sample of a random type among them each.

    The generator renders 64x64 images, so LAVIS's bicubic resize to 64 is the identity and the
    array is normalised directly (what pixels_from_pil gives for the saved PNG).
    """
    scenes, pixels, caps, vqas, insts = [], [], [], [], []
    for _ in range(n):
        scene = syn.sample_scene(rng)
        scenes.append(scene)
        pixels.append(normalise(syn.render_array(scene)))
        caps.append(syn.captions(scene, rng, k=5))
        vqas.append(syn.vqa_questions(scene, rng, k=vqa_k))
        if inst_types is not None:
            insts.append(draw_instruction(scene, rng, inst_types))
    return {"scenes": scenes, "pixels": to_device(torch.from_numpy(np.stack(pixels))), "captions": caps,
            "vqa": vqas, "inst": insts}


def draw_instruction(scene: dict, rng: np.random.Generator, types) -> dict:
    """One instruction sample of a type drawn uniformly from `types`."""
    while True:  # some types need e.g. two objects; draw another type
        sample = syn.instruction_sample(scene, rng, types[int(rng.integers(len(types)))])
        if sample is not None:
            return sample


def corpus(seed: int = 7, n: int = 3000) -> list:
    """Text of the world for building vocabularies: captions, questions, answers, instruction
    prompts of every type (prompts only for held-out types: no held-out answers)."""
    rng = np.random.default_rng(seed)
    texts = []
    for _ in range(n):
        scene = syn.sample_scene(rng)
        texts += syn.captions(scene, rng, k=5)
        for q in syn.vqa_questions(scene, rng, k=3):
            texts += [q["question"]] + list(q["answers"])
        for kind in syn.HELD_IN_TYPES + syn.HELD_OUT_TYPES:
            s = syn.instruction_sample(scene, rng, kind)
            if s is None:
                continue
            texts.append(s["prompt"])
            if kind in syn.HELD_IN_TYPES:
                texts += list(s["answers"])
    texts += extra_modality_text(rng)
    texts += [" image: ", " video: ", " audio: ", " 3d: ", "image: ", "video: ", "audio: ", "3d: ",
              "a short description", "describe the audio", "describe the 3d model", "describe the video"]
    return texts


def extra_modality_text(rng: np.random.Generator) -> list:
    from synthetic import audio, pointcloud, video
    texts = []
    for _ in range(500):
        _, _, caps, qs = audio.sample_audio(rng)
        texts += caps + [q["question"] for q in qs] + [q["answer"] for q in qs]
        meta = video.sample_video_meta(rng)
        texts += video.video_captions(meta, rng) + [q["question"] for q in video.video_questions(meta, rng)]
        texts += [q["answer"] for q in video.video_questions(meta, rng)]
    texts += [pointcloud.pointcloud_caption(label) for label in pointcloud.SHAPE_NAMES]
    return texts


def to_device(t: torch.Tensor) -> torch.Tensor:
    import os
    return t.to(os.environ.get("TINY_DEVICE", "cpu"))


def pad_ids(seqs: list, pad: int, side: str = "right"):
    """List of id lists -> (ids [B,L] int64, mask [B,L] int64)."""
    length = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), length), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), length), dtype=torch.long)
    for i, s in enumerate(seqs):
        if side == "right":
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = 1
        else:
            ids[i, length - len(s):] = torch.tensor(s)
            mask[i, length - len(s):] = 1
    return to_device(ids), to_device(mask)
