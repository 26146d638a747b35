"""The frozen LMs' text pretraining (OPT-style decoder and FlanT5-style encoder-decoder) and the
prompt helpers every bridge stage shares. The LMs read only the world's text, never pixels: captions,
QA pairs and held-in instructions, and (the reading phase) the same questions after a written
description of the scene, the way a real LLM has met questions about a passage long before a
Q-Former hands it a soft visual prompt in the passage's place.
"""

from __future__ import annotations

import numpy as np
import torch

from . import data, lms, util
from .data import syn
from .llm import OptAdapter, T5Adapter
from .pipeline import timed, tokenizers

# `synthetic` is importable once data has put datasets/ on the path
from synthetic.captions import noun_phrase  # noqa: E402
from synthetic.vocab import NUMBER_WORDS, position_phrase  # noqa: E402

B2_CAPTION_PROMPT = "a photo of"
B2_VQA_PROMPT = "Question: {} Short answer:"


def dev(m):
    return m.to(util.DEVICE)


def frozen(m):
    for p in m.parameters():
        p.requires_grad_(False)
    return m.eval()


def _pick_caption(rng, caps):
    return data.blip_caption(caps[0] if rng.random() < 0.5 else caps[int(rng.integers(len(caps)))])

# ---------------------------------------------------------------------------------- LMs

def lm_texts(rng, n, processed_share=0.0):
    """Text-only pretraining samples (prompt, target): captions, QA pairs, held-in instructions.
    `processed_share` of the questions appear as LAVIS's text processor leaves them (lower case,
    no punctuation), the form the BLIP-2 family asks them in."""
    out = []
    b = data.image_batch(rng, n, vqa_k=1, inst_types=syn.HELD_IN_TYPES)
    processed = lambda: processed_share and rng.random() < processed_share  # noqa: E731 - no draw at 0
    for caps, qs, inst in zip(b["captions"], b["vqa"], b["inst"]):
        r = rng.random()
        if r < 0.35:
            out.append((B2_CAPTION_PROMPT if rng.random() < 0.5 else "", _pick_caption(rng, caps)))
        elif r < 0.7:
            question = qs[0]["question"]
            out.append((B2_VQA_PROMPT.format(data.blip_question(question) if processed() else question), qs[0]["answer"]))
        else:
            out.append((instruction_train_prompt(inst) if processed() else inst["prompt"], _inst_target(rng, inst)))
    return out


def _inst_target(rng, inst):
    if inst["choices"]:
        return inst["choices"][inst["answer_index"]]
    if inst["type"] == "caption":
        return _pick_caption(rng, inst["answers"])
    values, counts = np.unique(inst["answers"], return_counts=True)
    return str(values[int(np.argmax(counts))])


def _train_opt_lm(lm, name, total, rng, lr, texts):
    """`texts(rng)` -> a batch of (prompt, target) pairs, or (prompt, target, context) triples."""
    bpe = tokenizers()["bpe"]
    ad = OptAdapter(lm, bpe)
    tr = util.Trainer(lm.parameters(), total, lr=lr, name=name)
    while tr.running():
        samples = texts(rng)
        # plain causal LM over "</s>prompt target\n" (prompt included in the loss: text pretraining)
        prefixes = [lm.embed(torch.tensor(_prefix_ids(bpe, s), device=util.DEVICE)) for s in samples]
        offsets = [int(o) for o in rng.integers(0, 140, size=len(samples))]
        # a context stands where the soft prompt will (positions from 0): only a small shift
        offsets = [o % 16 if len(s) == 3 else o for o, s in zip(offsets, samples)]
        tr.step({"lm": ad.loss(prefixes, [(s[0] + " " + s[1]).strip() for s in samples], offsets)})
    util.save(lm, name)
    return frozen(lm)


def _prefix_ids(bpe, sample):
    """`</s>`, or `context</s>`: the layout of BLIP-2-OPT's input with the context in the place of
    the 32 soft tokens (HF: query embeddings, then the prompt's ids from its BOS on)."""
    return ([] if len(sample) == 2 else bpe.encode(sample[2], bos=False)) + [bpe.bos]


@timed("opt_lm")
def opt_lm_pretrain():
    return opt_lm_phase("opt", None, 31, 2000, 1e-3, lambda r: lm_texts(r, 48))


# The first phase stopped at 698 steps under a 150 s cap and left an LM that loops and answers
# off-topic ("check", "direction"); every OPT-chain model sits on the frozen LM, so it gets a
# second pretraining phase before any bridge is trained on it. The first phase saw questions only
# as written ("What size ...?"), never as the family asks them ("what size ...?"; the byte-level
# BPE is case-sensitive), so half of the second phase's questions are in the processed form.
OPT_LM_SECOND_PHASE_STEPS = 4000


@timed("opt_lm_final")
def opt_lm():
    """The frozen OPT-style LM every OPT-chain model shares: pretraining + a second phase."""
    return opt_lm_phase("opt_more", opt_lm_pretrain, 33, OPT_LM_SECOND_PHASE_STEPS, 5e-4,
                        lambda r: lm_texts(r, 48, processed_share=0.5))


def opt_lm_phase(name, start, seed, steps, lr, texts):
    """An OPT-style LM phase: from freshly initialised weights when `start` is None, else
    continuing `start()` (called only when `name` is not cached)."""
    return _lm_phase(lambda: lms.OptLM(len(tokenizers()["bpe"].vocab)), _train_opt_lm, name, start, seed, steps, lr, texts)


def _lm_phase(make_lm, train, name, start, seed, steps, lr, texts):
    lm = make_lm()
    if util.load(lm, name):
        return frozen(dev(lm))
    if start is not None:
        lm.load_state_dict(start().state_dict())  # values only: lm's own parameters stay trainable
    rng = util.setup(seed)
    if start is None:
        lm = make_lm()  # initialised under this phase's seed
    return train(dev(lm).train(), name, util.steps(steps), rng, lr, texts)


@timed("t5_lm")
def t5_lm():
    return t5_lm_phase("t5", None, 32, 2000, 1e-3, lambda r: lm_texts(r, 48))


def t5_lm_phase(name, start, seed, steps, lr, texts):
    """A FlanT5-style LM phase, as opt_lm_phase."""
    return _lm_phase(lambda: lms.T5LM(len(tokenizers()["unigram"].pieces)), _train_t5_lm, name, start, seed, steps, lr, texts)


def _train_t5_lm(lm, name, total, rng, lr, texts):
    """`texts(rng)` -> (prompt, target) pairs or (prompt, target, context) triples; a context is
    embedded where the soft prompt will be, before the prompt in the encoder's input."""
    uni = tokenizers()["unigram"]
    ad = T5Adapter(lm, uni)
    tr = util.Trainer(lm.parameters(), total, lr=lr, name=name)
    empty = torch.zeros(0, lm.dim, device=util.DEVICE)
    while tr.running():
        contexts, prompts, targets = [], [], []
        for sample in texts(rng):
            p, t = sample[0], sample[1]
            if not p:  # prefix-LM split of a caption
                words = t.split(" ")
                cut = int(rng.integers(1, max(2, len(words))))
                p, t = " ".join(words[:cut]), " ".join(words[cut:]) or t
            contexts.append(empty if len(sample) == 2 else
                            lm.shared(torch.tensor(uni.encode(sample[2], eos=False), device=util.DEVICE)))
            prompts.append(p)
            targets.append(t)
        tr.step({"lm": ad.loss(contexts, prompts, targets)})
    util.save(lm, name)
    return frozen(lm)


def instruction_train_prompt(inst):
    """The prompt an instruction sample trains with. LAVIS runs VQA questions through its text
    processor (blip_question: lower case, punctuation dropped) in training as at evaluation, so
    held-in VQA samples are trained in the form the VQA task asks them in."""
    if inst["type"] == "vqa_short":
        return B2_VQA_PROMPT.format(data.blip_question(inst["question"]))
    return inst["prompt"]


# ------------------------------------------------------------------------------ reading phase

def scene_description(scene, rng):
    """Every object with its size, colour, shape and place, in the words captions use (synonyms
    drawn), sometimes after the object count: what a perfect soft visual prompt would say."""
    phrases = [f"{noun_phrase(o, rng)} {position_phrase(o['row'], o['col'])}" for o in scene["objects"]]
    text = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    if rng.random() < 0.5:
        text = f"{NUMBER_WORDS[len(phrases)]} shape{'s' if len(phrases) > 1 else ''}: {text}"
    return text


def reading_texts(rng, n):
    """(prompt, target, context) triples: a scene's description, then a question about it, a held-in
    instruction (half in the processed form the family trains with) or the caption prompt."""
    out = []
    for _ in range(n):
        scene = syn.sample_scene(rng)
        context = scene_description(scene, rng)
        r = rng.random()
        if r < 0.45:
            question = syn.vqa_questions(scene, rng, k=1)[0]
            out.append((B2_VQA_PROMPT.format(data.blip_question(question["question"]) if rng.random() < 0.5
                                             else question["question"]), question["answer"], context))
        elif r < 0.8:
            inst = data.draw_instruction(scene, rng, syn.HELD_IN_TYPES)
            out.append((instruction_train_prompt(inst) if rng.random() < 0.5 else inst["prompt"],
                        _inst_target(rng, inst), context))
        else:
            out.append((B2_CAPTION_PROMPT, _pick_caption(rng, syn.captions(scene, rng, k=5)), context))
    return out


# BLIP-2-OPT answered "what/where" questions with the right kind of word from text alone but said
# yes/no once the stage-2 soft tokens came first (tinyvl.diag_vqa): the LM had never seen a question
# follow anything but its BOS, so nothing in it reads a passage for the answer. The reading phase
# continues each shared LM with half its batches the old texts and half reading texts.
READING_PHASE_STEPS = {"opt": 4000, "t5": 3000}


@timed("lm_reading")
def reading_lm(lm_kind):
    """The frozen LM BLIP-2 and InstructBLIP of `lm_kind` ship with: the shared LM + the reading phase."""
    texts = lambda r: lm_texts(r, 24, processed_share=0.5) + reading_texts(r, 24)  # noqa: E731
    if lm_kind == "opt":
        return opt_lm_phase("opt_read", opt_lm, 35, READING_PHASE_STEPS["opt"], 5e-4, texts)
    return t5_lm_phase("t5_read", t5_lm, 36, READING_PHASE_STEPS["t5"], 5e-4, texts)
