"""Quality of every tiny model on the bundled test split, computed in PyTorch. Nothing is selected
on these numbers; how far they informed later training phases is in models/tiny/README.md ("How
these were chosen")."""

from __future__ import annotations

import functools
import os

import numpy as np
import torch

from . import blip, bundled, data, encoders, evaluate, pipeline, stages, xstages
from .generate import beam_search, greedy
from .llm import OptAdapter, T5Adapter

SPLIT = os.environ.get("TINY_EVAL_SPLIT", "test")
K_TEST = 32


def _t(x):
    return torch.from_numpy(np.asarray(x))


# ----------------------------------------------------------------------------- ALBEF / BLIP

@torch.no_grad()
def blip_image_embeds(m, pixels):
    return torch.cat([m.vit(pixels[i:i + 64]) for i in range(0, len(pixels), 64)])


def _retrieval_texts(items):
    """Karpathy items -> (processed captions, caption -> image index, image -> caption indices)."""
    texts, txt2img, img2txt = [], [], []
    for i, (_, _, caps) in enumerate(items):
        img2txt.append(list(range(len(texts), len(texts) + len(caps))))
        for c in caps:
            texts.append(data.blip_caption(c))
            txt2img.append(i)
    return texts, txt2img, img2txt


@torch.no_grad()
def blip_retrieval(m, items):
    pixels = _t(np.stack([p for _, p, _ in items]))
    img = blip_image_embeds(m, pixels)
    img_f = m.image_feat(img)
    texts, txt2img, img2txt = _retrieval_texts(items)
    ids, mask = m.encode_texts(texts)
    ids, mask = _pad35(ids, mask, m.tok.pad)
    temb = torch.cat([m.text.text(ids[i:i + 256], mask[i:i + 256]) for i in range(0, len(texts), 256)])
    sim = (img_f @ m.text_feat(temb).t()).numpy()

    def itm(ii, tt):
        ii, tt = torch.tensor(ii), torch.tensor(tt)
        if m.albef:
            out = m.text.fuse(temb[tt], mask[tt], img[ii])
            return m.itm_head(out[:, 0])[:, 1].numpy()
        return m.itm_logits(ids[tt], mask[tt], img[ii])[:, 1].numpy()
    i2t, t2i = evaluate.rerank(sim, K_TEST, itm)
    return evaluate.retrieval_metrics(i2t, t2i, txt2img, img2txt)


def _pad35(ids, mask, pad):
    if ids.shape[1] < 35:
        extra = 35 - ids.shape[1]
        ids = torch.cat([ids, torch.full((ids.shape[0], extra), pad)], 1)
        mask = torch.cat([mask, torch.zeros(mask.shape[0], extra, dtype=torch.long)], 1)
    return ids, mask


def blip_caption_step(m, img):
    def step(seqs):
        ids = torch.tensor(seqs)
        logits, _ = m.decoder(ids, torch.ones_like(ids), img.expand(len(seqs), -1, -1))
        return logits[:, -1]
    return step


def blip_caption_start(m):
    return [m.tok.dec] + m.tok.encode(blip.CAPTION_PROMPT)[1:-1]


@torch.no_grad()
def blip_captions(m, items, beams=3):
    preds = {}
    for rel, px, _ in items:
        img = m.vit(_t(px)[None])
        seq, _ = beam_search(blip_caption_step(m, img), blip_caption_start(m), m.tok.sep, 20, beams, 5, done_offset=0)
        preds[rel] = m.tok.decode(seq)[len(blip.CAPTION_PROMPT):].strip()
    return preds


@torch.no_grad()
def blip_rank(m, question, img, answers, k=128):
    """LAVIS rank_answers: first-token top-k, then label-smoothed summed CE; returns scores."""
    q_ids, q_mask = m.encode_texts([data.blip_question(question)])
    states = m.question_states(q_ids, q_mask, img)
    a_ids, a_mask = m.answer_ids(answers)
    first, _ = m.answer_decoder(a_ids[:1, :1], a_mask[:1, :1], states, q_mask)
    probs = first[0, 0].softmax(-1)[a_ids[:, 1]]
    top = torch.topk(probs, min(k, len(answers))).indices
    logits, _ = m.answer_decoder(a_ids[top], a_mask[top], states.expand(len(top), -1, -1), q_mask.expand(len(top), -1))
    labels = a_ids[top].masked_fill(a_mask[top] == 0, -100)[:, 1:]
    scores = -blip_nets_loss(logits[:, :-1], labels)
    return [answers[int(i)] for i in top], scores


def blip_nets_loss(logits, labels):
    from .nets import label_smoothed_ce
    return label_smoothed_ce(logits, labels)


@torch.no_grad()
def blip_vqa(m, questions, answers):
    accs = []
    for q in questions:
        img = m.vit(_t(bundled.image_pixels(q["image"]))[None])
        cands, scores = blip_rank(m, q["question"], img, answers)
        accs.append(evaluate.vqa_accuracy(cands[int(torch.argmax(scores))], q["answers"]))
    return evaluate.pct(accs)


def eval_blip_like(m, name):
    items = bundled.karpathy(SPLIT)
    out = {"retrieval": blip_retrieval(m, items)}
    qs = bundled.vqa(SPLIT)[:400]
    out["vqa_rank_acc"] = blip_vqa(m, qs, bundled.answer_list())
    out["vqa_questions"] = len(qs)
    if not m.albef:
        caps = items[:200]
        preds = blip_captions(m, caps)
        out["cider_d"] = evaluate.cider_d(preds, {rel: c for rel, _, c in caps})
        out["caption_images"] = len(caps)
    return out


# ----------------------------------------------------------------------------- BLIP-2 family

@torch.no_grad()
def b2_retrieval(st, embed, items):
    pixels = _t(np.stack([p for _, p, _ in items]))
    enc = torch.cat([embed(pixels[i:i + 64]) for i in range(0, len(pixels), 64)])
    img_f = st.image_feat(enc)
    tok = stages.bert()
    texts, txt2img, img2txt = _retrieval_texts(items)
    ids, mask = data.pad_ids([tok.encode(t, 35) for t in texts], tok.pad)
    ids, mask = _pad35(ids, mask, tok.pad)
    txt_f = torch.cat([st.text_feat(ids[i:i + 256], mask[i:i + 256]) for i in range(0, len(texts), 256)])
    sim = torch.einsum("iqd,td->itq", img_f, txt_f).max(-1).values.numpy()

    def itm(ii, tt):
        return st.itm_score(enc[torch.tensor(ii)], ids[torch.tensor(tt)], mask[torch.tensor(tt)]).numpy()
    i2t, t2i = evaluate.rerank(sim, K_TEST, itm)
    return evaluate.retrieval_metrics(i2t, t2i, txt2img, img2txt)


def llm_adapter(kind):
    """kind: "opt" / "t5" (the BLIP-2 and InstructBLIP LMs) or "opt_x" (X-InstructBLIP's LM)."""
    toks = pipeline.tokenizers()
    if kind == "opt_x":
        return OptAdapter(xstages.x_lm().cpu(), toks["bpe"])
    if kind == "opt":
        return OptAdapter(stages.reading_lm("opt").cpu(), toks["bpe"])
    return T5Adapter(stages.reading_lm("t5").cpu(), toks["unigram"])


@torch.no_grad()
def llm_generate(ad, kind, soft, prompt, beams, max_len, min_len, lp, rep=1.0, parts=None):
    """Returns (new token ids, text). soft: [32*n, H]; parts: X-InstructBLIP assembly."""
    if kind == "opt":
        bpe = ad.tok
        pieces = parts if parts is not None else [soft, bpe.encode(prompt)]
        prefix = ad.prefix([pieces], [None])[0]
        if beams == 1:
            seq = greedy(ad.step_fn(prefix), [], bpe.newline, max_len, min_len, rep)
        else:
            seq, _ = beam_search(ad.step_fn(prefix), [], bpe.newline, max_len, beams, min_len, rep, lp)
        gen = [i for i in seq if i != bpe.newline]
        return seq, bpe.decode(gen).strip()
    step, _, _ = ad.step_fn(soft, prompt)
    if beams == 1:
        seq = greedy(step, [ad.tok.pad], ad.tok.eos, max_len + 1, min_len, rep)
    else:
        seq, _ = beam_search(step, [ad.tok.pad], ad.tok.eos, max_len + 1, beams, min_len, rep, lp)
    return seq[1:], ad.tok.decode(seq[1:]).strip()


def _b2_soft(br, enc, qtext=None):
    if qtext is None:
        return br.soft(enc)[0]
    tok = stages.bert()
    ids, mask = data.pad_ids([stages.left_trunc(tok, qtext)], tok.pad)
    return br.soft(enc, ids, mask)[0]


@torch.no_grad()
def b2_caption_vqa(br, kind, embed, items, questions, caption_prompt, instruct, rep=1.0):
    ad = llm_adapter(kind)
    preds = {}
    for rel, px, _ in items:
        enc = embed(_t(px)[None])
        soft = _b2_soft(br, enc, caption_prompt if instruct else None)
        preds[rel] = llm_generate(ad, kind, soft, caption_prompt, 5, 30, 1, 1.0, rep)[1]
    accs = []
    for q in questions:
        enc = embed(_t(bundled.image_pixels(q["image"]))[None])
        prompt = stages.B2_VQA_PROMPT.format(data.blip_question(q["question"]))
        soft = _b2_soft(br, enc, prompt if instruct else None)
        ans = llm_generate(ad, kind, soft, prompt, 5, 10, 1, 0.0 if kind == "opt" else -1.0, rep)[1]
        accs.append(evaluate.vqa_accuracy(ans, q["answers"]))
    return evaluate.cider_d(preds, {rel: c for rel, _, c in items}), evaluate.pct(accs)


@torch.no_grad()
def candidate_scores(ad, kind, soft, prompt, choices, parts=None):
    if kind == "opt":
        pieces = parts if parts is not None else [soft, ad.tok.encode(prompt)]
        prefix = ad.prefix([pieces], [None])[0]
        return [-ad.candidate_nll(prefix, " " + c) for c in choices]
    return [-ad.candidate_nll(soft, prompt, c) for c in choices]


@torch.no_grad()
def instruction_eval(br, kind, embed, samples):
    ad = llm_adapter(kind)
    per_type = {}
    for s in samples:
        enc = embed(_t(bundled.image_pixels(s["image"]))[None])
        soft = _b2_soft(br, enc, s["prompt"])
        if s["format"] == "multiple_choice":
            scores = candidate_scores(ad, kind, soft, s["prompt"], s["choices"])
            ok = float(int(np.argmax(scores)) == s["answer"])
        else:
            ans = llm_generate(ad, kind, soft, s["prompt"], 5, 10, 1, 0.0 if kind == "opt" else -1.0, 1.5)[1]
            ok = float(evaluate.vqa_normalise(ans) in {evaluate.vqa_normalise(a) for a in s["answers"]})
        per_type.setdefault(s["type"], []).append(ok)
    return {t: {"acc": evaluate.pct(v), "n": len(v)} for t, v in sorted(per_type.items())}


def eval_blip2(kind):
    st, _ = stages.qformer_retrieval()
    st = st.cpu().eval()
    embed = cpu_embed()
    items = bundled.karpathy(SPLIT)
    out = {"retrieval": b2_retrieval(st, embed, items)}
    br = stages.stage2_final(kind).cpu().eval()
    out["cider_d"], out["vqa_acc"] = b2_caption_vqa(br, kind, embed, items[:150], bundled.vqa(SPLIT)[:300],
                                                    stages.B2_CAPTION_PROMPT, False)
    return out


def eval_instruct(kind):
    embed = cpu_embed()
    br = stages.instruct_final(kind).cpu().eval()
    out = {}
    out["cider_d"], out["vqa_acc"] = b2_caption_vqa(br, kind, embed, bundled.karpathy(SPLIT)[:100],
                                                    bundled.vqa(SPLIT)[:200], "A short image caption.", True, 1.5)
    out["instructions"] = instruction_eval(br, kind, embed, bundled.instructions(SPLIT))
    return out


def cpu_embed():
    st, vit = stages.qformer_stage1()
    st, vit = st.cpu().eval(), vit.cpu().eval()

    def run(pixels):
        with torch.no_grad():
            return st.ln_vision(vit(pixels))
    return run


# ----------------------------------------------------------------------------- X-InstructBLIP

@torch.no_grad()
def x_soft(br, chunks, prompt):
    return xstages.soft_tokens(br, chunks, [prompt])[0]


def _x_caption(ad, br, modality, chunks):
    soft = x_soft(br, chunks, xstages.CAPTION_PROMPT)
    parts = xstages.assemble(ad.tok, [(modality, soft)], xstages.CAPTION_PROMPT)
    return llm_generate(ad, "opt", None, None, 5, 30, 1, 1.0, 1.5, parts)[1]


def _x_answer(ad, br, modality, chunks, prompt):
    parts = xstages.assemble(ad.tok, [(modality, x_soft(br, chunks, prompt))], prompt)
    return llm_generate(ad, "opt", None, None, 5, 10, 1, -1.0, 1.5, parts)[1]


@torch.no_grad()
def eval_x_audio(ad):
    audio_enc = stages.frozen_audio().cpu().eval()
    br = xstages.xinstruct("audio").cpu().eval()

    @functools.lru_cache(maxsize=None)  # a clip is captioned once and asked about twice
    def feats(file_name):
        return audio_enc(_t(bundled.audio_fbank(file_name))[None])
    preds, refs = {}, {}
    for f, caps in bundled.audio_captions(SPLIT):
        preds[f] = _x_caption(ad, br, "audio", [feats(f)])
        refs[f] = caps
    accs = []
    for f, q, answers in bundled.audio_qa(SPLIT):
        ans = _x_answer(ad, br, "audio", [feats(f)], xstages.QA_PROMPT.format(data.blip_question(q)))
        accs.append(float(evaluate.vqa_normalise(ans) in {evaluate.vqa_normalise(a) for a in answers}))
    return {"audio_cider_d": evaluate.cider_d(preds, refs), "audio_qa_acc": evaluate.pct(accs)}


@torch.no_grad()
def eval_x_pointcloud(ad):
    pc_enc = stages.frozen_points().cpu().eval()
    br = xstages.xinstruct("pointcloud").cpu().eval()
    clouds, names = bundled.pointclouds(SPLIT)
    accs = []
    for _, label, pts in clouds:
        feats = pc_enc(_t(pts)[None])
        parts = xstages.assemble(ad.tok, [("pointcloud", x_soft(br, [feats], xstages.PC_PROMPT))], xstages.PC_PROMPT)
        prefix = ad.prefix([parts], [None])[0]
        scores = [-ad.candidate_nll(prefix, xstages.PC_CANDIDATE.format(n)) for n in names]
        accs.append(float(names[int(np.argmax(scores))] == label))
    return {"pointcloud_cls_acc": evaluate.pct(accs), "pointcloud_classes": len(names)}


@torch.no_grad()
def eval_x_video(ad, embed):
    br = xstages.xinstruct("video").cpu().eval()

    @functools.lru_cache(maxsize=None)  # a video is asked about twice and captioned once
    def chunks(video):
        frames = _t(bundled.video_frames(video))
        return [embed(frames[i:i + 1]) for i in range(frames.shape[0])]
    accs = []
    for v in bundled.video_qa(SPLIT):
        ans = _x_answer(ad, br, "video", chunks(v["video"]), xstages.QA_PROMPT.format(data.blip_question(v["question"])))
        accs.append(float(evaluate.vqa_normalise(ans) == evaluate.vqa_normalise(v["answer"])))
    captions = bundled.video_captions(SPLIT)
    preds = {video: _x_caption(ad, br, "video", chunks(video)) for video, _ in captions}
    return {"video_qa_acc": evaluate.pct(accs), "video_cider_d": evaluate.cider_d(preds, dict(captions))}


@torch.no_grad()
def eval_x_image(ad, embed):
    br = xstages.xinstruct("image").cpu().eval()
    accs = []
    for q in bundled.vqa(SPLIT)[:200]:
        enc = embed(_t(bundled.image_pixels(q["image"], "crop"))[None])
        prompt = stages.B2_VQA_PROMPT.format(data.blip_question(q["question"]))
        accs.append(evaluate.vqa_accuracy(_x_answer(ad, br, "image", [enc], prompt), q["answers"]))
    items = bundled.karpathy(SPLIT)[:100]
    preds = {rel: _x_caption(ad, br, "image", [embed(_t(bundled.image_pixels(rel, "crop"))[None])]) for rel, _, _ in items}
    return {"image_vqa_acc": evaluate.pct(accs), "image_cider_d": evaluate.cider_d(preds, {rel: c for rel, _, c in items})}


def eval_xinstruct():
    """Every modality with the manifest's decoding settings (captions: 5 beams, max 30, rep 1.5;
    answers: 5 beams, max 10, length penalty -1, rep 1.5)."""
    ad, embed = llm_adapter("opt_x"), cpu_embed()
    return {**eval_x_audio(ad), **eval_x_pointcloud(ad), **eval_x_video(ad, embed), **eval_x_image(ad, embed)}


def evaluate_all() -> dict:
    results = {}
    results["tiny-blip"] = eval_blip_like(pipeline.itm_blip().cpu().eval(), "blip")
    results["tiny-albef"] = eval_blip_like(pipeline.itm_albef().cpu().eval(), "albef")
    for kind in ("opt", "t5"):
        results[f"tiny-blip2-{kind}"] = eval_blip2(kind)
        results[f"tiny-instructblip-{kind}"] = eval_instruct(kind)
    results["tiny-xinstructblip"] = eval_xinstruct()
    return results
