"""PyTorch fidelity fixtures: for 16 test samples per model, the outputs vlbench must reproduce
(embeddings, matching logits, greedy and 3-beam token sequences, candidate scores), written to
test/golden/tiny/<model>.json. Inputs are named by their test-split file plus the sha256 of the
preprocessed float32 tensor (little-endian, row-major)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import torch

from . import blip, bundled, data, pipeline, stages, xstages
from .generate import beam_search, greedy
from .quality import (_b2_soft, blip_caption_start, blip_caption_step, blip_rank, candidate_scores,
                      cpu_embed, llm_adapter, llm_generate, x_soft)

GOLDEN = data.REPO / "test" / "golden" / "tiny"
N = 16


def sha(x) -> str:
    return hashlib.sha256(np.ascontiguousarray(np.asarray(x, dtype="<f4")).tobytes()).hexdigest()


def r(x):
    return [round(float(v), 6) for v in torch.as_tensor(x).reshape(-1).tolist()]


def write(name, payload):
    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / f"{name}.json").write_text(json.dumps(payload, separators=(",", ":")) + "\n")


def _pixels(rel, resize="stretch"):
    px = bundled.image_pixels(rel, resize)
    return torch.from_numpy(px)[None], sha(px)


def _seq(ids, text):
    return {"ids": [int(i) for i in ids], "text": text}


# --------------------------------------------------------------------------------- ALBEF/BLIP

@torch.no_grad()
def blip_fixture(m, name):
    tok = m.tok
    items = bundled.karpathy("test")[:N]
    qs = bundled.vqa("test")
    answers = bundled.answer_list()
    samples = []
    for k, (rel, px, caps) in enumerate(items):
        img = m.vit(torch.from_numpy(px)[None])
        caption = data.blip_caption(caps[0])
        ids, mask = m.encode_texts([caption])
        te = m.text.text(ids, mask)
        if m.albef:
            itm = m.itm_head(m.text.fuse(te, mask, img)[:, 0])[0]
        else:
            itm = m.itm_logits(ids, mask, img)[0]
        s = {"image": rel, "pixelsSha256": sha(px), "text": caption, "textIds": ids[0].tolist(),
             "imageFeat": r(m.image_feat(img)[0]), "textFeat": r(m.text_feat(te)[0]), "itmLogits": r(itm)}
        q = qs[k * 3]
        qimg = m.vit(torch.from_numpy(bundled.image_pixels(q["image"]))[None])
        cands, scores = blip_rank(m, q["question"], qimg, answers)
        order = torch.argsort(scores, descending=True)
        s["vqa"] = {"image": q["image"], "question": q["question"], "processed": data.blip_question(q["question"]),
                    "answer": cands[int(order[0])],
                    "candidates": [[cands[int(i)], round(float(scores[i]), 6)] for i in order]}
        if not m.albef:
            start = blip_caption_start(m)
            step = blip_caption_step(m, img)
            g = greedy(step, start, tok.sep, 20, 5)
            b, _ = beam_search(step, start, tok.sep, 20, 3, 5, done_offset=0)
            strip = len(blip.CAPTION_PROMPT)
            s["caption"] = {"greedy": _seq(g, tok.decode(g)[strip:].strip()), "beam": _seq(b, tok.decode(b)[strip:].strip())}
            s["vqa"]["generate"] = _blip_answer_generate(m, q, qimg)
        samples.append(s)
    settings = {"retrieval": "text max_length 35 (no padding needed for a single text)",
                "vqaRank": {"numAnswerCandidates": 128, "answerList": "datasets/bundled/vqa/answer_list.json",
                            "score": "-(sum of label-smoothed (0.1) CE over answer tokens incl. [SEP])"}}
    if not m.albef:
        settings["transformersEra"] = "pre-4.27 (beam stopping normalises by the held length)"
        settings["caption"] = {"prompt": blip.CAPTION_PROMPT, "greedy": {"numBeams": 1, "maxLength": 20, "minLength": 5},
                               "beam": {"numBeams": 3, "maxLength": 20, "minLength": 5, "lengthPenalty": 1.0}}
        settings["vqaGenerate"] = {"numBeams": 3, "maxLength": 10, "minLength": 1, "bos": "[DEC]", "eos": "[SEP]",
                                   "encoderAttentionMask": "all ones (LAVIS)"}
    write(name, {"model": name, "split": "datasets/bundled (test)", "settings": settings, "samples": samples})


def _blip_answer_generate(m, q, img):
    q_ids, q_mask = m.encode_texts([data.blip_question(q["question"])])
    states = m.question_states(q_ids, q_mask, img)

    def step(seqs):
        ids = torch.tensor(seqs)
        logits, _ = m.answer_decoder(ids, torch.ones_like(ids), states.expand(len(seqs), -1, -1),
                                     torch.ones(len(seqs), states.shape[1], dtype=torch.long))
        return logits[:, -1]
    seq, _ = beam_search(step, [m.tok.dec], m.tok.sep, 10, 3, 1, done_offset=0)
    return _seq(seq, m.tok.decode(seq))


# --------------------------------------------------------------------------------- BLIP-2 family

@torch.no_grad()
def blip2_fixture(kind):
    name = f"tiny-blip2-{kind}"
    st, _ = stages.qformer_retrieval()
    st = st.cpu().eval()
    embed = cpu_embed()
    br = stages.stage2_final(kind).cpu().eval()
    ad = llm_adapter(kind)
    tok = stages.bert()
    lp = 0.0 if kind == "opt" else -1.0
    samples = []
    for k, (rel, px, caps) in enumerate(bundled.karpathy("test")[:N]):
        enc = embed(torch.from_numpy(px)[None])
        caption = data.blip_caption(caps[0])
        ids, mask = data.pad_ids([tok.encode(caption, 35)], tok.pad)
        img_f = st.image_feat(enc)[0]
        txt_f = st.text_feat(ids, mask)[0]
        s = {"image": rel, "pixelsSha256": sha(px), "text": caption, "textIds": ids[0].tolist(),
             "imageFeatRows": {"0": r(img_f[0]), "31": r(img_f[31])}, "textFeat": r(txt_f),
             "itcMaxSim": round(float((img_f @ txt_f).max()), 6), "itmScore": round(float(st.itm_score(enc, ids, mask)[0]), 6)}
        soft = _b2_soft(br, enc)
        s["languageEmbedsRow0"] = r(soft[0])
        s["caption"] = {"greedy": _seq(*llm_generate(ad, kind, soft, stages.B2_CAPTION_PROMPT, 1, 30, 1, 1.0)),
                        "beam": _seq(*llm_generate(ad, kind, soft, stages.B2_CAPTION_PROMPT, 3, 30, 1, 1.0))}
        q = bundled.vqa("test")[k * 3]
        qenc = embed(torch.from_numpy(bundled.image_pixels(q["image"]))[None])
        prompt = stages.B2_VQA_PROMPT.format(data.blip_question(q["question"]))
        qsoft = _b2_soft(br, qenc)
        s["vqa"] = {"image": q["image"], "prompt": prompt,
                    "greedy": _seq(*llm_generate(ad, kind, qsoft, prompt, 1, 10, 1, lp)),
                    "beam": _seq(*llm_generate(ad, kind, qsoft, prompt, 3, 10, 1, lp))}
        samples.append(s)
    settings = _llm_settings(kind, {"caption": {"prompt": stages.B2_CAPTION_PROMPT, "maxLength": 30, "minLength": 1,
                                                "lengthPenalty": 1.0, "repetitionPenalty": 1.0},
                                    "vqa": {"maxLength": 10, "minLength": 1, "lengthPenalty": lp, "repetitionPenalty": 1.0}})
    write(name, {"model": name, "split": "datasets/bundled (test)", "settings": settings, "samples": samples})


def _llm_settings(kind, tasks):
    rule = ("decoder-only: held ids = generated tokens only (inputs_embeds path), EOS = newline; maxLength counts "
            "generated tokens" if kind == "opt" else
            "encoder-decoder: held ids start with <pad>; maxNewTokens = maxLength; minLength counts the start token; "
            "ids below exclude the start token")
    return {"lengths": rule, "transformersEra": "4.29-4.35 (beam stopping normalises by the held length + 1)",
            "greedy": {"numBeams": 1, "note": "processors on raw logits"}, "beam": {"numBeams": 3}, **tasks}


@torch.no_grad()
def instruct_fixture(kind):
    name = f"tiny-instructblip-{kind}"
    embed = cpu_embed()
    br = stages.instruct_final(kind).cpu().eval()
    ad = llm_adapter(kind)
    insts = bundled.instructions("test")
    by_type = {}
    for s in insts:
        by_type.setdefault(s["type"], []).append(s)
    picked = []
    while len(picked) < N:
        for t in sorted(by_type):
            if by_type[t] and len(picked) < N:
                picked.append(by_type[t].pop(0))
    lp = 0.0 if kind == "opt" else -1.0
    samples = []
    for s in picked:
        px = bundled.image_pixels(s["image"])
        enc = embed(torch.from_numpy(px)[None])
        soft = _b2_soft(br, enc, s["prompt"])
        out = {"id": s["id"], "type": s["type"], "image": s["image"], "pixelsSha256": sha(px), "prompt": s["prompt"],
               "qformerText": s["prompt"], "languageEmbedsRow0": r(soft[0])}
        if s["format"] == "multiple_choice":
            out["choices"] = s["choices"]
            out["candidateScores"] = [round(v, 5) for v in candidate_scores(ad, kind, soft, s["prompt"], s["choices"])]
        else:
            out["greedy"] = _seq(*llm_generate(ad, kind, soft, s["prompt"], 1, 10, 1, lp, 1.5))
            out["beam"] = _seq(*llm_generate(ad, kind, soft, s["prompt"], 3, 10, 1, lp, 1.5))
        samples.append(out)
    cand = ("summed log-likelihood of ' ' + choice tokens (no BOS, no EOS) after [soft; </s> prompt]"
            if kind == "opt" else "summed log-likelihood of choice tokens + </s> (decoder from <pad>)")
    settings = _llm_settings(kind, {"instruction": {"maxLength": 10, "minLength": 1, "lengthPenalty": lp,
                                                    "repetitionPenalty": 1.5},
                                    "candidateScore": cand, "qformerTruncation": "left, 128"})
    write(name, {"model": name, "split": "datasets/bundled (test)", "settings": settings, "samples": samples})


@torch.no_grad()
def xinstruct_fixture():
    name = "tiny-xinstructblip"
    ad = llm_adapter("opt_x")
    bpe = ad.tok
    embed = cpu_embed()
    samples = []
    br = xstages.xinstruct("image").cpu().eval()
    for q in bundled.vqa("test")[:12:3]:
        px = bundled.image_pixels(q["image"], "crop")
        prompt = stages.B2_VQA_PROMPT.format(data.blip_question(q["question"]))
        samples.append(_x_gen(ad, bpe, br, "image", [embed(torch.from_numpy(px)[None])], prompt,
                              {"image": q["image"], "pixelsSha256": sha(px)}))
    br = xstages.xinstruct("audio").cpu().eval()
    enc = stages.frozen_audio().cpu().eval()
    for f, _ in bundled.audio_captions("test")[:4]:
        fb = torchaudio_fbank(f)
        samples.append(_x_gen(ad, bpe, br, "audio", [enc(torch.from_numpy(fb)[None])], xstages.CAPTION_PROMPT,
                              {"audio": f"audio/wav/{f}", "fbankSha256": sha(fb)}))
    br = xstages.xinstruct("video").cpu().eval()
    for v in bundled.video_qa("test")[:4]:
        frames = bundled.video_frames(v["video"])
        chunks = [embed(torch.from_numpy(frames[i:i + 1])) for i in range(len(frames))]
        prompt = xstages.QA_PROMPT.format(data.blip_question(v["question"]))
        samples.append(_x_gen(ad, bpe, br, "video", chunks, prompt,
                              {"video": f"video/frames/{v['video']}", "framesSha256": sha(frames)}))
    br = xstages.xinstruct("pointcloud").cpu().eval()
    enc = stages.frozen_points().cpu().eval()
    clouds, names = bundled.pointclouds("test")
    for pid, label, pts in clouds[::16][:4]:
        soft = x_soft(br, [enc(torch.from_numpy(pts)[None])], xstages.PC_PROMPT)
        parts = xstages.assemble(bpe, [("pointcloud", soft)], xstages.PC_PROMPT)
        prefix = ad.prefix([parts], [None])[0]
        scores = [round(-ad.candidate_nll(prefix, xstages.PC_CANDIDATE.format(n)), 5) for n in names]
        samples.append({"modality": "pointcloud", "points": f"pointclouds/{label}/{pid}.npy", "prompt": xstages.PC_PROMPT,
                        "candidates": [xstages.PC_CANDIDATE.format(n) for n in names], "candidateScores": scores,
                        "languageEmbedsRow0": r(soft[0])})
    settings = _llm_settings("opt", {"generate": {"maxLength": 10, "minLength": 1, "lengthPenalty": -1.0,
                                                  "repetitionPenalty": 1.5},
                                     "assembly": "</s> + cue + soft tokens + ' ' + prompt.strip() (no BOS); qformer text = prompt",
                                     "audio": "torchaudio kaldi fbank (128 bins, 25/10 ms) of the WAV x 2^15, "
                                              "(x - 15.41663) / (2 x 6.55582), zero-padded to 512 frames",
                                     "video": "4 frames, indices floor(i*8/4), stretch to 64"})
    write(name, {"model": name, "split": "datasets/bundled (test)", "settings": settings, "samples": samples})


def _x_gen(ad, bpe, br, modality, chunks, prompt, extra):
    soft = x_soft(br, chunks, prompt)
    parts = xstages.assemble(bpe, [(modality, soft)], prompt)
    return {"modality": modality, **extra, "prompt": prompt, "languageEmbedsRow0": r(soft[0]),
            "greedy": _seq(*llm_generate(ad, "opt", None, None, 1, 10, 1, -1.0, 1.5, parts)),
            "beam": _seq(*llm_generate(ad, "opt", None, None, 3, 10, 1, -1.0, 1.5, parts))}


def torchaudio_fbank(file_name):
    import torchaudio
    wave = bundled._wav(bundled.ROOT / "audio/wav" / file_name)
    fb = torchaudio.compliance.kaldi.fbank(torch.from_numpy(wave)[None] * 32768.0, num_mel_bins=128,
                                           sample_frequency=16000, frame_length=25, frame_shift=10)
    fb = (fb - 15.41663) / (2 * 6.55582)
    out = torch.zeros(512, 128)
    out[: min(512, fb.shape[0])] = fb[:512]
    return out.numpy()


def write_all():
    blip_fixture(pipeline.itm_blip().cpu().eval(), "tiny-blip")
    blip_fixture(pipeline.itm_albef().cpu().eval(), "tiny-albef")
    for kind in ("opt", "t5"):
        blip2_fixture(kind)
        instruct_fixture(kind)
    xinstruct_fixture()
