"""Quality numbers in Python on an evaluation set: retrieval (LAVIS protocol), CIDEr-D, VQA
accuracy, multiple-choice accuracy. CIDEr-D is pycocoevalcap's scorer, run from a copy outside
the repository (PYCOCOEVALCAP, default /tmp/pycoco); the captions are tokenised by lower-casing
and splitting off punctuation (the world's text has no PTB corner cases)."""

from __future__ import annotations

import os
import re
import sys

import numpy as np
import torch


def recall_at_k(score_i2t: np.ndarray, txt2img: list, img2txt: list) -> dict:
    ranks = []
    for i, row in enumerate(score_i2t):
        order = np.argsort(-row, kind="stable")
        ranks.append(min(int(np.where(order == t)[0][0]) for t in img2txt[i]))
    ranks = np.array(ranks)
    t_ranks = []
    for t, row in enumerate(score_i2t.T):
        order = np.argsort(-row, kind="stable")
        t_ranks.append(int(np.where(order == txt2img[t])[0][0]))
    t_ranks = np.array(t_ranks)
    out = {f"txt_r{k}": 100.0 * float(np.mean(ranks < k)) for k in (1, 5, 10)}
    out.update({f"img_r{k}": 100.0 * float(np.mean(t_ranks < k)) for k in (1, 5, 10)})
    return out


def rerank(sim: np.ndarray, k: int, itm_fn) -> tuple:
    """LAVIS: top-k by ITC, score = ITM + ITC there, -100 elsewhere; both directions."""
    i2t = np.full(sim.shape, -100.0)
    for i in range(sim.shape[0]):
        top = np.argsort(-sim[i], kind="stable")[:k]
        i2t[i, top] = itm_fn([i] * len(top), list(top)) + sim[i, top]
    t2i = np.full(sim.shape, -100.0)
    for t in range(sim.shape[1]):
        top = np.argsort(-sim[:, t], kind="stable")[:k]
        t2i[top, t] = itm_fn(list(top), [t] * len(top)) + sim[top, t]
    return i2t, t2i


def retrieval_metrics(i2t: np.ndarray, t2i: np.ndarray, txt2img: list, img2txt: list) -> dict:
    a = recall_at_k(i2t, txt2img, img2txt)
    b = recall_at_k(t2i, txt2img, img2txt)
    out = {k: a[k] for k in a if k.startswith("txt")}
    out.update({k: b[k] for k in b if k.startswith("img")})
    out["r_mean"] = float(np.mean(list(out.values())))
    return out


def _tok(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def cider_d(preds: dict, refs: dict) -> float:
    sys.path.insert(0, os.environ.get("PYCOCOEVALCAP", "/tmp/pycoco"))
    try:
        from pycocoevalcap.cider.cider import Cider
    except ImportError:
        return float("nan")
    gts = {k: [_tok(r) for r in refs[k]] for k in preds}
    res = {k: [_tok(preds[k])] for k in preds}
    return float(Cider().compute_score(gts, res)[0])


_PUNCT = re.compile(r"[;/\[\]\"{}()=+\\_\-><@`,?!*#%^&$~|:]")
_NUMBERS = {"none": "0", "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}


def vqa_normalise(a: str) -> str:
    a = _PUNCT.sub("", a.replace("\n", " ").replace("\t", " ").strip().lower())
    a = re.sub(r"(?!<=\d)(\.)(?!\d)", "", a)
    words = [_NUMBERS.get(w, w) for w in a.split() if w not in ("a", "an", "the")]
    return " ".join(words)


def vqa_accuracy(pred: str, answers: list) -> float:
    """min(#matches among the other 9 / 3, 1) averaged over the 10 leave-one-out sets."""
    p = vqa_normalise(pred)
    gts = [vqa_normalise(a) for a in answers]
    accs = []
    for i in range(len(gts)):
        others = gts[:i] + gts[i + 1:]
        accs.append(min(1.0, sum(1 for g in others if g == p) / 3.0))
    return float(np.mean(accs))


def pct(x) -> float:
    return round(100.0 * float(np.mean(x)), 2)


@torch.no_grad()
def batched(fn, items, size=64):
    out = []
    for i in range(0, len(items), size):
        out.append(fn(items[i:i + size]))
    return torch.cat(out)
