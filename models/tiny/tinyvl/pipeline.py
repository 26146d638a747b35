"""The training stages, each cached in models/tiny/.cache/ so that a stage is trained once and
reused by the later ones (frozen parts). `python3 -m tinyvl.train` runs them all in order."""

from __future__ import annotations

import json
import time

import numpy as np
import torch

from . import blip, data, util
from .tok import BertTokenizer, BpeTokenizer, UnigramTokenizer

TIMINGS: dict = {}


def timed(name):
    def wrap(fn):
        def run(*args, **kwargs):
            start = time.time()
            out = fn(*args, **kwargs)
            TIMINGS[name] = TIMINGS.get(name, 0.0) + time.time() - start
            return out
        return run
    return wrap


_TOKS: dict = {}


@timed("tokenizers")
def tokenizers():
    if _TOKS:
        return _TOKS
    path = util.CACHE / "tokenizers.json"
    if path.exists():
        saved = json.loads(path.read_text())
    else:
        util.setup(0)
        texts = data.corpus()
        bert = BertTokenizer.build(texts)
        bpe = BpeTokenizer.build(texts)
        uni = UnigramTokenizer.build(texts)
        saved = {"bert": bert.vocab, "bpe": [bpe.vocab, bpe.merges], "unigram": uni.pieces}
        path.write_text(json.dumps(saved))
    _TOKS["bert"] = BertTokenizer(saved["bert"])
    _TOKS["bpe"] = BpeTokenizer(*saved["bpe"])
    _TOKS["unigram"] = UnigramTokenizer([tuple(p) for p in saved["unigram"]])
    return _TOKS


def _blip_like(name: str, albef: bool, total: int, seed: int):
    tok = tokenizers()["bert"]
    model = blip.BlipModel(tok, albef=albef)
    if util.load(model, name):
        return model.eval()
    rng = util.setup(seed)
    model = blip.BlipModel(tok, albef=albef).to(util.DEVICE)
    gen = torch.Generator().manual_seed(seed)
    trainer = util.Trainer(model.parameters(), total, lr=5e-4, name=name)
    model.train()
    while trainer.running():
        batch = data.image_batch(rng, 32)
        trainer.step(blip.train_step(model, batch, rng, gen))
    util.save(model, name)
    return model.eval()


@timed("blip")
def train_blip():
    return _blip_like("blip", False, util.steps(1500), seed=11)


@timed("albef")
def train_albef():
    return _blip_like("albef", True, util.steps(1500), seed=12)


def _continue(name: str, albef: bool, total: int, seed: int, source: str | None = None, target: str | None = None,
              **trainer_options):
    """A further training phase on CPU, from the previous phase's checkpoint (lower peak LR)."""
    tok = tokenizers()["bert"]
    model = blip.BlipModel(tok, albef=albef)
    source = source or name
    target = target or name + "_more"
    if util.load(model, target):
        return model.eval()
    if not util.load(model, source):
        raise SystemExit(f"{target} needs the {source} stage first")
    rng = util.setup(seed)
    model = model.to(util.DEVICE)
    gen = torch.Generator().manual_seed(seed)
    trainer = util.Trainer(model.parameters(), total, lr=3e-4, name=target, every=50, **trainer_options)
    model.train()
    while trainer.running():
        trainer.step(blip.train_step(model, data.image_batch(rng, 32), rng, gen))
    util.save(model, target)
    return model.eval()


@timed("blip_more")
def continue_blip():
    return _continue("blip", False, util.steps(600), seed=13)


@timed("albef_more")
def continue_albef():
    return _continue("albef", True, util.steps(600), seed=14)


@timed("blip_more2")
def final_blip():
    """Third phase."""
    continue_blip()
    return _continue("blip", False, util.steps(500), seed=15, source="blip_more", target="blip_more2")


@timed("albef_more2")
def final_albef():
    continue_albef()
    return _continue("albef", True, util.steps(500), seed=16, source="albef_more", target="albef_more2")


# The ITM gradient is 1-2 % of the others on the shared layers (tinyvl.diag_grad), so under Adam
# the head stayed at the class prior through the first three phases; weighting ITM 40x without
# clipping lets it leave the prior (and the fusion layers it trains then ground VQA).
ITM_PHASE = {"weights": {"itm": 40.0}, "clip": None}


@timed("blip_more3")
def itm_blip():
    """Fourth phase (the committed tiny-blip): ITM weighted."""
    final_blip()
    return _continue("blip", False, util.steps(4000), seed=17, source="blip_more2", target="blip_more3", **ITM_PHASE)


@timed("albef_more3")
def itm_albef():
    """Fourth phase (the committed tiny-albef): ITM weighted."""
    final_albef()
    return _continue("albef", True, util.steps(4000), seed=18, source="albef_more2", target="albef_more3", **ITM_PHASE)


def eval_rng(seed=999):
    return np.random.default_rng(seed)
