"""BLIP-2 / InstructBLIP / X-InstructBLIP training stages (each cached; frozen parts shared).

Order: frozen encoders (image ViT, audio, point cloud: contrastive pretraining) and the two
frozen LMs (pretrained on the world's text, lmstages) -> Q-Former stage 1 (ITC/ITM/ITG) -> stage 2
per LM (projection + Q-Former into the frozen LM) -> InstructBLIP per LM (instruction-aware
Q-Former on the held-in instruction types) -> both moved onto each LM's reading phase, the LM the
models ship with -> X-InstructBLIP per modality (xstages: each trained alone, frozen OPT).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from . import data, encoders, lms, nets, util
from .data import syn
from .llm import OptAdapter, T5Adapter
from .pipeline import timed, tokenizers
from .qformer import NUM_QUERIES, QFormer, Stage1
# LM pretraining lives in lmstages; its names are re-exported for the stages built on it.
from .lmstages import (B2_CAPTION_PROMPT, B2_VQA_PROMPT, _inst_target, _pick_caption, dev, frozen,  # noqa: F401
                       instruction_train_prompt, lm_texts, opt_lm, opt_lm_phase, opt_lm_pretrain,
                       reading_lm, t5_lm)

QF = {"dim": 64, "layers": 4, "heads": 4, "ffn": 128}
VIT = {"dim": 64, "layers": 4, "heads": 4, "mlp": 128}


def _contrastive(name, make_encoder, sample, total, seed, pool="cls"):
    """`make_encoder()` builds the encoder; it is called again after seeding, so that a fresh
    encoder's initial weights come from the stage's seed (this torch seeds each process at random)."""
    bert = tokenizers()["bert"]
    model = encoders.Contrastive(make_encoder(), len(bert.vocab), pool=pool)
    if util.load(model, name):
        return frozen(dev(model.encoder))
    rng = util.setup(seed)
    model = dev(encoders.Contrastive(make_encoder(), len(bert.vocab), pool=pool))
    tr = util.Trainer(model.parameters(), total, lr=1e-3, name=name)
    while tr.running():
        x, texts = sample(rng)
        ids, mask = data.pad_ids([bert.encode(t, 35) for t in texts], bert.pad)
        tr.step({"itc": model.loss(x, ids, mask, encoders.same_matrix(texts, ids.device))})
    util.save(model, name)
    return frozen(model.encoder)


@timed("frozen_vit")
def frozen_vit():
    def sample(rng):
        b = data.image_batch(rng, 48, vqa_k=0)
        return b["pixels"], [_pick_caption(rng, c) for c in b["captions"]]
    return _contrastive("vit", lambda: nets.ViT(final_norm=False, **VIT), sample, util.steps(1500), 21)


@timed("frozen_audio")
def frozen_audio():
    def sample(rng):
        x, caps, _ = encoders.audio_batch(rng, 32)
        return x, [_pick_caption(rng, c) for c in caps]
    return _contrastive("audio", encoders.AudioEncoder, sample, util.steps(500), 22, pool="mean")


@timed("frozen_points")
def frozen_points():
    def sample(rng):
        x, labels = encoders.pointcloud_batch(rng, 32)
        return x, [syn_pc_caption(l) for l in labels]
    return _contrastive("points", encoders.PointEncoder, sample, util.steps(400), 23, pool="cls")


def syn_pc_caption(label):
    from synthetic import pointcloud
    return pointcloud.pointcloud_caption(label)


# ------------------------------------------------------------------------------ Q-Former

def bert():
    return tokenizers()["bert"]


def new_stage1():
    return Stage1(len(bert().vocab), VIT["dim"], **QF)


@timed("qformer_stage1")
def qformer_stage1():
    vit = frozen_vit()
    st = new_stage1()
    if util.load(st, "qf1"):
        return dev(st).eval(), vit
    rng = util.setup(41)
    st = dev(new_stage1())
    return _train_stage1(st, vit, "qf1", util.Trainer(st.parameters(), util.steps(2000), lr=5e-4, name="qf1"), rng), vit


def _train_stage1(st, vit, name, tr, rng):
    """ITC / ITM / ITG on captions of fresh images."""
    tok = bert()
    while tr.running():
        b = data.image_batch(rng, 32, vqa_k=0)
        with torch.no_grad():
            feats = vit(b["pixels"])
        enc = st.ln_vision(feats)
        texts = [data.blip_caption(c[int(rng.integers(len(c)))]) for c in b["captions"]]
        ids, mask = data.pad_ids([tok.encode(t, 35) for t in texts], tok.pad)
        tr.step(st.losses(enc, ids, mask, encoders.same_matrix(texts, ids.device), tok.dec))
    util.save(st, name)
    return st.eval()


# Stage 1 ran 460 of its 2000 steps (a 58 s GPU cap); its retrieval is what the BLIP-2 retrieval
# graphs ship (TR@1 51.0 on the 100-image default subset, 17.8 on the 500-image test split). A
# second phase continues the same objectives with ln_vision frozen, so the frozen image features
# every stage-2, InstructBLIP and X-InstructBLIP model was trained on stay exactly as they are.
# Its ITM loss sat at the class prior (0.637) as BLIP's and ALBEF's did, so the term gets their
# phase-4 remedy: weighted 40x, no gradient clipping.
QF1_SECOND_PHASE_STEPS = 3000


@timed("qformer_stage1_final")
def qformer_retrieval():
    """The stage-1 Q-Former the BLIP-2 retrieval graphs ship (image_feat, qformer_text, qformer_itm)."""
    first, vit = qformer_stage1()
    st = new_stage1()
    if util.load(st, "qf1_more"):
        return dev(st).eval(), vit
    st.load_state_dict(first.state_dict())
    st = dev(st).train()
    st.ln_vision.requires_grad_(False)  # the Trainer optimises only parameters that require grad
    rng = util.setup(42)
    tr = util.Trainer(st.parameters(), util.steps(QF1_SECOND_PHASE_STEPS), lr=3e-4, name="qf1_more",
                      weights={"itm": 40.0}, clip=None)
    return _train_stage1(st, vit, "qf1_more", tr, rng), vit


class LLMBridge(nn.Module):
    """Q-Former (+ ln of the modality) + projection into a frozen LLM."""

    def __init__(self, enc_dim, llm_dim):
        super().__init__()
        self.qformer = QFormer(len(bert().vocab), enc_dim, **QF)
        self.proj = nn.Linear(QF["dim"], llm_dim)

    def soft(self, enc, ids=None, mask=None):
        """[B, 32, llm_dim]; instruction-aware when ids are given."""
        q = self.qformer.queries(enc) if ids is None else self.qformer.joint(enc, ids, mask)[:, :NUM_QUERIES]
        return self.proj(q)


def _copy_bridge(trained):
    br = LLMBridge(VIT["dim"], trained.proj.out_features)
    br.load_state_dict(trained.state_dict())
    return br


def _bridge_from_stage1(llm_dim, seed):
    """Stage 1's Q-Former and a fresh projection, initialised under `seed` (the training stage's)."""
    st, _ = qformer_stage1()
    util.setup(seed)
    br = LLMBridge(VIT["dim"], llm_dim)
    br.qformer.load_state_dict(st.qformer.state_dict())
    return dev(br)


def _train_bridge(name, br, lm_kind, sample_fn, total, seed, lr=5e-4, lm=None, answer_space=""):
    """sample_fn(rng) -> (enc list / tensor, qformer texts or None, llm prompts, targets); `lm`: the
    frozen LM, by default the one `lm_kind`'s bridges were first trained on. `answer_space`: what
    goes between an OPT prompt and its target (see OPT_ANSWER_SPACE)."""
    if util.load(br, name):
        return dev(br).eval()
    rng = util.setup(seed)
    br = dev(br)
    lm = lm or (opt_lm() if lm_kind == "opt" else t5_lm())
    ad = OptAdapter(lm, tokenizers()["bpe"]) if lm_kind == "opt" else T5Adapter(lm, tokenizers()["unigram"])
    tr = util.Trainer(br.parameters(), total, lr=lr, name=name)
    while tr.running():
        enc, qtexts, prompts, targets = sample_fn(rng)
        if qtexts is None:
            soft = br.soft(enc)
        else:
            tok = bert()
            ids, mask = data.pad_ids([left_trunc(tok, t) for t in qtexts], tok.pad)
            soft = br.soft(enc, ids, mask)
        if lm_kind == "opt":
            bpe = tokenizers()["bpe"]
            prefixes = ad.prefix(list(soft), [bpe.encode(p) for p in prompts])
            loss = ad.loss(prefixes, [answer_space + t for t in targets])
        else:
            loss = ad.loss(list(soft), prompts, targets)
        tr.step({"lm": loss})
    util.save(br, name)
    return br.eval()


def left_trunc(tok, text, max_len=128):
    ids = tok.encode(text)
    if len(ids) <= max_len:
        return ids
    return [ids[0]] + ids[len(ids) - max_len + 1:]  # left truncation keeps [CLS]


def vision_embeds():
    """The frozen image encoder as every BLIP-2-family graph sees it: ViT + stage-1 ln_vision."""
    st, vit = qformer_stage1()
    frozen(st)

    def run(pixels):
        with torch.no_grad():
            return st.ln_vision(vit(pixels))
    return run


def _image_caption_vqa(rng, embed, n=32):
    b = data.image_batch(rng, n, vqa_k=1)
    feats = embed(b["pixels"])
    prompts, targets = [], []
    for caps, qs in zip(b["captions"], b["vqa"]):
        if rng.random() < 0.5:
            prompts.append(B2_CAPTION_PROMPT)
            targets.append(_pick_caption(rng, caps))
        else:
            prompts.append(B2_VQA_PROMPT.format(data.blip_question(qs[0]["question"])))
            targets.append(qs[0]["answer"])
    return feats, prompts, targets


def _stage2_sample(embed):
    def sample(rng):
        feats, prompts, targets = _image_caption_vqa(rng, embed)
        return feats, None, prompts, targets
    return sample


@timed("blip2_stage2")
def stage2(lm_kind):
    lm = opt_lm() if lm_kind == "opt" else t5_lm()
    seed = 51 if lm_kind == "opt" else 52
    br = _bridge_from_stage1(lm.dim, seed)
    return _train_bridge(f"qf2_{lm_kind}", br, lm_kind, _stage2_sample(vision_embeds()), util.steps(1500), seed)


# Later phases (peak LR 3e-4), each continuing the one before with the same objectives: the first
# phases were capped at a few hundred steps (time caps) or 1500, and the bridges' losses were still
# falling after each. The third phases were added after InstructBLIP had been tuned from stage 2's
# second phase, and trained beside it (the two need not wait for each other).
LATER_PHASE_STEPS = {("qf2", "t5"): (6000, 3000), ("ib", "t5"): (3000, 3000),
                     ("qf2", "opt"): (3000, 3000), ("ib", "opt"): (3000, 3000)}


def _phases(stem, bridge, lm_kind, sample_fn, steps, seed, count=None, **train):
    """The bridge after `count` phases (all when None) of the step counts `steps`, each continuing
    the one before at peak LR 3e-4: `{stem}`, `{stem}2`, ... (seeds `seed`, `seed + 100`, ...)."""
    for index, total in enumerate(steps[:count]):
        bridge = _train_bridge(stem + (str(index + 1) if index else ""), _copy_bridge(bridge), lm_kind, sample_fn,
                               util.steps(total), seed + 100 * index, lr=3e-4, **train)
    return bridge


def _later_phases(prefix, first, lm_kind, sample_fn, seed, count=None):
    """The bridge after `count` later phases (all when None): `{prefix}_{lm}_more`, `..._more2`."""
    return _phases(f"{prefix}_{lm_kind}_more", first, lm_kind, sample_fn, LATER_PHASE_STEPS[(prefix, lm_kind)], seed, count)


# The models ship on the reading LMs (lmstages.reading_lm): their bridges, trained on the shared
# LMs, get one more phase on them (the LM moved; the bridge follows).
# BLIP-2-OPT's bridge gets a second reading phase: after the first its loss was still falling and
# its VQA (default subset 56.9) was the one below the floor.
BRIDGE_READING_PHASE_STEPS = {("qf2", "opt"): (3000, 3000), ("qf2", "t5"): (3000,), ("ib", "opt"): (3000,),
                              ("ib", "t5"): (3000,)}


# The OPT bridges' earlier phases tokenized the target apart from the prompt with no space between
# ("Short answer:" + "red"), so they trained the word-start form (`red`) that the LM had only ever
# seen right after `</s>`, where LAVIS tokenizes prompt + target as one text (" red", as the LM was
# pretrained and as candidates are scored). The reading phases train the spaced form.
OPT_ANSWER_SPACE = " "


def _reading_phases(prefix, lm_kind, bridge, sample_fn, seed, count=None):
    """The bridge after `count` reading phases (all when None): `{prefix}_{lm}_read`, `..._read2`."""
    return _phases(f"{prefix}_{lm_kind}_read", bridge, lm_kind, sample_fn, BRIDGE_READING_PHASE_STEPS[(prefix, lm_kind)],
                   seed, count, lm=reading_lm(lm_kind), answer_space=OPT_ANSWER_SPACE if lm_kind == "opt" else "")


@timed("blip2_stage2_final")
def stage2_final(lm_kind, count=None, reading=None):
    """The stage-2 bridge the BLIP-2 models ship: its last phase, then the reading phases (or the
    one after `count` later phases, InstructBLIP being tuned from the second; or after `reading`
    reading phases)."""
    sample_fn = _stage2_sample(vision_embeds())
    bridge = _later_phases("qf2", stage2(lm_kind), lm_kind, sample_fn, 53, count)
    if count is None:
        bridge = _reading_phases("qf2", lm_kind, bridge, sample_fn, 57, reading)
    return bridge


def instruction_sample_fn(embed):
    def sample(rng):
        b = data.image_batch(rng, 32, vqa_k=0, inst_types=syn.HELD_IN_TYPES)
        feats = embed(b["pixels"])
        prompts = [instruction_train_prompt(i) for i in b["inst"]]
        return feats, prompts, prompts, [_inst_target(rng, i) for i in b["inst"]]
    return sample


@timed("instructblip")
def instruct(lm_kind):
    """Instruction tuning starts from a pretrained BLIP-2 model (stage 2 after its second phase),
    as InstructBLIP starts from pretrained BLIP-2."""
    return _train_bridge(f"ib_{lm_kind}", _copy_bridge(stage2_final(lm_kind, 1)), lm_kind, instruction_sample_fn(vision_embeds()),
                         util.steps(1500), 61 if lm_kind == "opt" else 62)


@timed("instructblip_final")
def instruct_final(lm_kind, count=None):
    """The InstructBLIP bridge the models ship: its last phase, then the reading phase (or the
    one after `count` later phases)."""
    sample_fn = instruction_sample_fn(vision_embeds())
    bridge = _later_phases("ib", instruct(lm_kind), lm_kind, sample_fn, 63, count)
    if count is None:
        bridge = _reading_phases("ib", lm_kind, bridge, sample_fn, 67)
    return bridge
