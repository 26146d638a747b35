"""X-InstructBLIP: one instruction-aware Q-Former per modality into the frozen OPT-style LM,
each modality trained alone. Sequence (§6.2, clean_tokenization=True, empty prefix/postfix):
`</s>` + cue("image: ") + soft tokens + " " + prompt (no BOS), target + "\\n"."""

from __future__ import annotations

import torch

from . import data, encoders, util
from .data import syn
from .llm import OptAdapter
from .pipeline import timed, tokenizers
from .stages import (VIT, _inst_target, _pick_caption, _bridge_from_stage1, bert, dev,
                     frozen_audio, frozen_points, instruction_train_prompt, left_trunc, opt_lm,
                     vision_embeds)

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


def soft_tokens(br, chunks, prompts):
    """Per-chunk (video frame / clip) instruction-aware Q-Former outputs, concatenated: [B, n*32, H]."""
    ids, mask = _qf_ids(prompts)
    return torch.cat([br.soft(c, ids, mask) for c in chunks], dim=1)


@timed("xinstructblip")
def xinstruct(modality):
    lm = opt_lm()
    name = f"x_{modality}"
    br = _bridge_from_stage1(lm.dim)  # every modality's Q-Former starts from stage 1 (widths agree)
    if util.load(br, name):
        return dev(br).eval()
    rng = util.setup({"image": 71, "video": 72, "audio": 73, "pointcloud": 74}[modality])
    sample = _sampler(modality)
    bpe = tokenizers()["bpe"]
    ad = OptAdapter(lm, bpe)
    total = util.steps({"image": 1200, "video": 800, "audio": 1000, "pointcloud": 600}[modality])
    tr = util.Trainer(br.parameters(), total, lr=5e-4, name=name)
    while tr.running():
        chunks, prompts, targets = sample(rng)
        soft = soft_tokens(br, chunks, prompts)
        prefixes = ad.prefix([assemble(bpe, [(modality, s)], p) for s, p in zip(soft, prompts)], [None] * len(prompts))
        tr.step({"lm": ad.loss(prefixes, targets)})
    util.save(br, name)
    return br.eval()
