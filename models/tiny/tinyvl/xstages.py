"""X-InstructBLIP: one instruction-aware Q-Former per modality into the frozen OPT-style LM,
each modality trained alone. Sequence (§6.2, clean_tokenization=True, empty prefix/postfix):
`</s>` + cue("image: ") + soft tokens + " " + prompt (no BOS), target + "\\n"."""

from __future__ import annotations

import torch

from . import data, encoders, stages, util
from .data import syn
from .llm import OptAdapter
from .pipeline import timed, tokenizers
from .stages import (VIT, _copy_bridge, _inst_target, _pick_caption, _bridge_from_stage1, bert, dev,
                     frozen_audio, frozen_points, instruction_train_prompt, left_trunc, lm_texts, opt_lm,
                     opt_lm_phase, vision_embeds)

CUES = {"image": "image: ", "video": "video: ", "audio": "audio: ", "pointcloud": "3d: "}
CAPTION_PROMPT = "a short description"
QA_PROMPT = "Question: {} Answer:"
PC_PROMPT = "describe the 3d model."
PC_CANDIDATE = " a 3d model of a {}"


def assemble(bpe, modality_softs, prompt):
    """Parts in order: cue ids (BOS on the first only), soft [n, H], space ids, ..., prompt ids."""
    parts = []
    for i, (modality, soft) in enumerate(modality_softs):
        parts.append(bpe.encode(CUES[modality], bos=(i == 0)))
        parts.append(soft)
        parts.append(bpe.encode(" ", bos=False))
    parts.append(bpe.encode(prompt.strip(), bos=False))
    return parts


def _qf_ids(texts):
    tok = bert()
    return data.pad_ids([left_trunc(tok, t) for t in texts], tok.pad)


def _sampler(modality):
    if modality == "image":
        embed = vision_embeds()

        def sample(rng):
            b = data.image_batch(rng, 32, vqa_k=0, inst_types=syn.HELD_IN_TYPES)
            prompts = [CAPTION_PROMPT if i["type"] == "caption" else instruction_train_prompt(i) for i in b["inst"]]
            return [embed(b["pixels"])], prompts, [_inst_target(rng, i) for i in b["inst"]]
        return sample
    if modality == "video":
        embed = vision_embeds()

        def sample(rng):
            frames, caps, qas = encoders.video_batch(rng, 16)
            per_frame = embed(frames.reshape(-1, *frames.shape[2:])).reshape(frames.shape[0], frames.shape[1], -1, VIT["dim"])
            prompts, targets = _cap_or_qa(rng, caps, qas)
            return [per_frame[:, f] for f in range(per_frame.shape[1])], prompts, targets
        return sample
    if modality == "audio":
        enc = frozen_audio()

        def sample(rng):
            fb, caps, qas = encoders.audio_batch(rng, 32)
            with torch.no_grad():
                feats = enc(fb)
            prompts, targets = _cap_or_qa(rng, caps, qas)
            return [feats], prompts, targets
        return sample
    enc = frozen_points()

    def sample(rng):
        pts, labels = encoders.pointcloud_batch(rng, 32)
        with torch.no_grad():
            feats = enc(pts)
        return [feats], [PC_PROMPT] * len(labels), [PC_CANDIDATE.format(l).strip() for l in labels]
    return sample


def _cap_or_qa(rng, caps, qas):
    prompts, targets = [], []
    for c, q in zip(caps, qas):
        if rng.random() < 0.5:
            prompts.append(CAPTION_PROMPT)
            targets.append(_pick_caption(rng, c))
        else:
            qa = q[int(rng.integers(len(q)))]
            prompts.append(QA_PROMPT.format(data.blip_question(qa["question"])))
            targets.append(qa["answer"])
    return prompts, targets


def modality_texts(rng, n):
    """Text of the audio, video and 3D worlds as X-InstructBLIP asks for it: captions (alone or
    after its caption prompt), QA pairs in its QA prompt, the 3D description. No signal is made."""
    from synthetic import audio, pointcloud, video
    out = []
    for _ in range(n):
        kind = ("audio", "video", "pointcloud")[int(rng.integers(3))]
        if kind == "pointcloud":
            label = pointcloud.SHAPE_NAMES[int(rng.integers(len(pointcloud.SHAPE_NAMES)))]
            out.append((PC_PROMPT if rng.random() < 0.5 else "", PC_CANDIDATE.format(label).strip()))
            continue
        sample_meta, captions, questions = {
            "audio": (audio.sample_audio_meta, audio.audio_captions, audio.audio_questions),
            "video": (video.sample_video_meta, video.video_captions, video.video_questions)}[kind]
        meta = sample_meta(rng)
        caps, qas = captions(meta, rng), questions(meta, rng)
        r = rng.random()
        if r < 0.25:
            out.append(("", _pick_caption(rng, caps)))
        elif r < 0.6:
            out.append((CAPTION_PROMPT, _pick_caption(rng, caps)))
        else:
            qa = qas[int(rng.integers(len(qas)))]
            out.append((QA_PROMPT.format(data.blip_question(qa["question"])), qa["answer"]))
    return out


# The shared OPT-style LM was pretrained on the image world's text only, so X-InstructBLIP's
# audio captions came out as loops of image words (CIDEr-D ~0): the LM had never read "beep" or
# "pitched". X-InstructBLIP's frozen LM is that LM after a third phase on every modality's text
# (half of each batch still the image world's, so it keeps what it knew), as the real one's LLM
# has read about sounds and motion long before it meets a Q-Former.
X_LM_PHASE_STEPS = 3000


@timed("opt_lm_all_modalities")
def x_lm():
    return opt_lm_phase("opt_x", opt_lm, 34, X_LM_PHASE_STEPS, 3e-4,
                        lambda r: lm_texts(r, 24, processed_share=0.5) + modality_texts(r, 24))


def soft_tokens(br, chunks, prompts):
    """Per-chunk (video frame / clip) instruction-aware Q-Former outputs, concatenated: [B, n*32, H]."""
    ids, mask = _qf_ids(prompts)
    return torch.cat([br.soft(c, ids, mask) for c in chunks], dim=1)


# Steps per modality at full scale; the committed weights ran fewer (a time cap; models/tiny/README.md).
X_STEPS = {"image": 4000, "video": 3000, "audio": 2000, "pointcloud": 1000}
X_SEEDS = {"image": 71, "video": 72, "audio": 73, "pointcloud": 74}
# Image and video losses were still falling when the first phases' cosine schedules ran out
# (video 1.47 -> 1.08 -> 0.91 -> 0.84 at steps 500/1000/1500/2000), so those two get a second
# phase (peak LR 3e-4) as the stage-2 and InstructBLIP bridges did.
X_SECOND_PHASE_STEPS = {"image": 2500, "video": 2000}


def _train_x(name, br, modality, total, seed, lr, answer_space=""):
    lm = x_lm()
    rng = util.setup(seed)
    sample = _sampler(modality)
    bpe = tokenizers()["bpe"]
    ad = OptAdapter(lm, bpe)
    br = dev(br).train()
    tr = util.Trainer(br.parameters(), total, lr=lr, name=name)
    while tr.running():
        chunks, prompts, targets = sample(rng)
        soft = soft_tokens(br, chunks, prompts)
        prefixes = ad.prefix([assemble(bpe, [(modality, s)], p) for s, p in zip(soft, prompts)], [None] * len(prompts))
        tr.step({"lm": ad.loss(prefixes, [answer_space + t for t in targets])})
    util.save(br, name)
    return br.eval()


@timed("xinstructblip")
def xinstruct_first(modality):
    """A modality's first phase: every modality's Q-Former starts from stage 1 (widths agree)."""
    br = _bridge_from_stage1(x_lm().dim, X_SEEDS[modality])
    if util.load(br, f"x_{modality}"):
        return dev(br).eval()
    return _train_x(f"x_{modality}", br, modality, util.steps(X_STEPS[modality]), X_SEEDS[modality], 5e-4)


# The image and video bridges' VQA is their weakest task (test: 60.3, 51.3); like the OPT bridges
# of BLIP-2 and InstructBLIP (stages.OPT_ANSWER_SPACE) they had trained the target tokenized apart
# from the prompt with no space, so a third phase trains the spaced form the LM was pretrained on.
X_SPACED_PHASE_STEPS = {"image": 2000, "video": 2000}


def _x_phase(previous, modality, phase, steps, seed, answer_space=""):
    br = _copy_bridge(previous)
    if util.load(br, f"x_{modality}_{phase}"):
        return dev(br).eval()
    return _train_x(f"x_{modality}_{phase}", br, modality, util.steps(steps), seed, 3e-4, answer_space)


@timed("xinstructblip_final")
def xinstruct(modality, phases=None):
    """The bridge X-InstructBLIP ships for a modality: its last phase (or the one after `phases`
    later phases)."""
    bridge = xinstruct_first(modality)
    later = [("more", X_SECOND_PHASE_STEPS, X_SEEDS[modality] + 100, ""),
             ("spaced", X_SPACED_PHASE_STEPS, X_SEEDS[modality] + 200, stages.OPT_ANSWER_SPACE)]
    for phase, steps, seed, space in [p for p in later if modality in p[1]][:phases]:
        bridge = _x_phase(bridge, modality, phase, steps[modality], seed, space)
    return bridge
