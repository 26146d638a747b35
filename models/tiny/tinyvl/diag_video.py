"""Where does X-InstructBLIP's video QA fail? Accuracy by question attribute on freshly drawn clips
(never the test split), and probes of what survives each frozen or trained part: the moving
shape's direction and shape read by a small classifier from the frozen image encoder's features
and from the video Q-Former's soft tokens (README, "X-InstructBLIP video").

  cd models/tiny && /usr/bin/python3 -m tinyvl.diag_video [checkpoint] [clips]
"""

from __future__ import annotations

import collections
import sys

import numpy as np
import torch

from . import data, encoders, evaluate, quality, stages, util, xstages
from .data import syn

PROBE_TRAIN, PROBE_TEST = 1200, 300


def _clip_frames(rng):
    """A fresh clip as the bundled loader samples it: 4 of 8 frames, normalised [4, 3, 64, 64]."""
    frames, meta, _, questions = syn.video.sample_video(rng)
    chosen = np.stack([data.normalise(frames[i]) for i in encoders.frame_indices(len(frames))])
    return torch.from_numpy(chosen), meta, questions


def _bridge(checkpoint):
    """The shipped video bridge, or a checkpoint of its shape from the cache."""
    if not checkpoint:
        return xstages.xinstruct("video").cpu().eval()
    br = stages._copy_bridge(xstages.xinstruct_first("video"))
    if not util.load(br, checkpoint):
        raise SystemExit(f"no checkpoint {checkpoint!r} in {util.CACHE}; train it or name another")
    return br.cpu().eval()


@torch.no_grad()
def qa_by_attribute(br, embed, clips: int, seed: int = 987654) -> dict:
    ad, rng = quality.llm_adapter("opt_x"), np.random.default_rng(seed)
    hits = collections.defaultdict(list)
    for _ in range(clips):
        frames, _, questions = _clip_frames(rng)
        chunks = [embed(frames[i:i + 1]) for i in range(frames.shape[0])]
        for qa in questions:
            prompt = xstages.QA_PROMPT.format(data.blip_question(qa["question"]))
            answer = quality._x_answer(ad, br, "video", chunks, prompt)
            hits[qa["attribute"]].append(evaluate.vqa_normalise(answer) == evaluate.vqa_normalise(qa["answer"]))
    hits["all"] = [h for attribute in list(hits) for h in hits[attribute]]
    return {attribute: 100 * float(np.mean(h)) for attribute, h in hits.items()}


def probe_accuracy(features: torch.Tensor, labels: list, classes: int, seed: int = 0) -> float:
    """Held-out accuracy of a one-hidden-layer classifier: is the label recoverable at all?"""
    torch.manual_seed(seed)
    x = (features - features[:PROBE_TRAIN].mean(0)) / (features[:PROBE_TRAIN].std(0) + 1e-5)
    y = torch.tensor(labels)
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], 256), torch.nn.ReLU(), torch.nn.Linear(256, classes))
    opt = torch.optim.Adam(net.parameters(), 1e-3, weight_decay=1e-4)
    with torch.enable_grad():  # the features were gathered under no_grad
        for _ in range(400):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(x[:PROBE_TRAIN]), y[:PROBE_TRAIN]).backward()
            opt.step()
    with torch.no_grad():
        return 100 * float((net(x[PROBE_TRAIN:]).argmax(1) == y[PROBE_TRAIN:]).float().mean())


@torch.no_grad()
def probes(br, embed, seed: int = 5) -> dict:
    rng = np.random.default_rng(seed)
    ids, mask = xstages._qf_ids([xstages.QA_PROMPT.format("what is moving?")])
    vit_ends, soft_ends, vit_pooled, vit_first, soft_first, shapes, directions = [], [], [], [], [], [], []
    for _ in range(PROBE_TRAIN + PROBE_TEST):
        frames, meta, _ = _clip_frames(rng)
        ends = embed(frames[[0, -1]])
        vit_ends.append(ends.reshape(-1))
        soft_ends.append(torch.cat([br.soft(ends[i:i + 1], ids, mask).reshape(-1) for i in range(2)]))
        vit_pooled.append(torch.cat([ends[0].mean(0), ends[0].amax(0)]))
        # Pooling could hide a shape that attention over the tokens would still find, so the
        # first frame's tokens are also probed whole, before and after the Q-Former.
        vit_first.append(ends[0].reshape(-1))
        soft_first.append(soft_ends[-1][: soft_ends[-1].numel() // 2])
        shapes.append(syn.vocab.SHAPES.index(meta["moving"]["shape"]))
        directions.append(syn.video.DIRECTIONS.index(meta["direction"]))
    n_shapes, n_directions = len(syn.vocab.SHAPES), len(syn.video.DIRECTIONS)
    return {"direction from image-encoder features": probe_accuracy(torch.stack(vit_ends), directions, n_directions),
            "direction from Q-Former soft tokens": probe_accuracy(torch.stack(soft_ends), directions, n_directions),
            "shape from pooled image-encoder features": probe_accuracy(torch.stack(vit_pooled), shapes, n_shapes),
            "shape from every image-encoder token": probe_accuracy(torch.stack(vit_first), shapes, n_shapes),
            "shape from Q-Former soft tokens": probe_accuracy(torch.stack(soft_first), shapes, n_shapes),
            "chance (direction, shape)": (100 / n_directions, 100 / n_shapes)}


def main(argv: list) -> None:
    torch.set_num_threads(1)
    br, embed = _bridge(argv[0] if argv else None), quality.cpu_embed()
    clips = int(argv[1]) if len(argv) > 1 else 120
    print("video QA accuracy by attribute:", {k: round(v, 1) for k, v in qa_by_attribute(br, embed, clips).items()})
    for name, value in probes(br, embed).items():
        print(f"probe, {name}: {value if isinstance(value, tuple) else round(value, 1)}")


if __name__ == "__main__":
    main(sys.argv[1:])
