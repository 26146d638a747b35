"""Export every tiny model (ONNX + model.json + tokenizers), then evaluate and write fixtures."""

from __future__ import annotations

import json
import shutil

from . import export_b2 as xb
from . import pipeline, stages, util, xstages
from .export import bert_special, image_preprocess, write_manifest
from .export_blip import export_blip
from .stages import B2_CAPTION_PROMPT, B2_VQA_PROMPT

OUT = util.TINY
INSTRUCT_CAPTION_PROMPT = "A short image caption."


def _fresh(name):
    out = OUT / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    return out


def opt_special(bpe):
    return {"bos": bpe.bos, "eos": bpe.newline, "pad": bpe.pad, "decoderStart": None}


def t5_special(uni):
    return {"bos": None, "eos": uni.eos, "pad": uni.pad, "decoderStart": uni.pad}


def _llm_tokenizer(kind):
    return {"file": "tokenizer/llm.json", "kind": "gpt2-bpe" if kind == "opt" else "t5-unigram",
            "truncationSide": "right", "maxLength": None}


def _text_tokenizer(side="right", max_length=35):
    return {"file": "tokenizer/text.json", "kind": "bert", "truncationSide": side, "maxLength": max_length}


def _llm_graphs(kind, out):
    lm = stages.reading_lm(kind).cpu()  # the LM the BLIP-2 and InstructBLIP models ship with
    return xb.export_opt(lm, out) if kind == "opt" else xb.export_t5(lm, out)


def _gen(kind, beams, max_len, min_len, lp, rep=1.0):
    g = {"numBeams": beams, "minLength": min_len, "lengthPenalty": lp, "repetitionPenalty": rep}
    if kind == "t5":
        g["maxNewTokens"] = max_len
        g["maxLength"] = max_len
    else:
        g["maxLength"] = max_len
    return g


def export_blip2(kind):
    toks = pipeline.tokenizers()
    name = f"tiny-blip2-{kind}"
    out = _fresh(name)
    st, vit = stages.qformer_retrieval()
    st, vit = st.cpu().eval(), vit.cpu().eval()
    bridge = stages.stage2_final(kind).cpu().eval()
    graphs = {"vision_encoder": xb.export_vision(vit, st.ln_vision, out),
              "qformer": xb.export_qformer(out, "qformer.onnx", 64, xb.PATCHES, retrieval=st, bridge=bridge)}
    graphs.update(xb.export_retrieval_text(st, out))
    graphs.update(_llm_graphs(kind, out))
    llm_tok = toks["bpe"] if kind == "opt" else toks["unigram"]
    manifest = {
        "name": name, "family": "blip2",
        "variant": f"tiny {'OPT-style decoder-only' if kind == 'opt' else 'FlanT5-style encoder-decoder'} LM "
                   "(synthetic world, 64 px); the qformer graph holds the stage-1 Q-Former (image_feat) and "
                   "the stage-2 Q-Former of this LM (query_output, language_embeds)",
        "llm": {"kind": "decoder-only" if kind == "opt" else "encoder-decoder", "name": kind},
        "modalities": ["image"], "capabilities": ["retrieval", "captioning", "vqa-generate"],
        "graphs": graphs,
        "tokenizers": {"text": _text_tokenizer(), "llm": _llm_tokenizer(kind)},
        "specialTokens": {"text": bert_special(toks["bert"]),
                          "llm": opt_special(llm_tok) if kind == "opt" else t5_special(llm_tok)},
        "preprocess": {"image": image_preprocess("stretch")},
        "prompts": {"caption": B2_CAPTION_PROMPT, "vqa": B2_VQA_PROMPT.replace("{}", "{question}")},
        "generation": {"caption": _gen(kind, 5, 30, 1, 1.0),
                       "vqa": _gen(kind, 5, 10, 1, 0.0 if kind == "opt" else -1.0)},
        "retrieval": {"kTest": 128, "maxTextLength": 35},
        "vqa": {"method": "generate"},
        "xinstruct": None,
    }
    write_manifest(out, manifest, {"text": (toks["bert"], "bert"), "llm": (llm_tok, kind)})


def export_instruct(kind):
    toks = pipeline.tokenizers()
    name = f"tiny-instructblip-{kind}"
    out = _fresh(name)
    st, vit = stages.qformer_stage1()
    bridge = stages.instruct_final(kind).cpu().eval()
    graphs = {"vision_encoder": xb.export_vision(vit.cpu().eval(), st.cpu().ln_vision, out),
              "qformer": xb.export_qformer(out, "qformer.onnx", 64, xb.PATCHES, bridge=bridge, instruct=True)}
    graphs.update(_llm_graphs(kind, out))
    llm_tok = toks["bpe"] if kind == "opt" else toks["unigram"]
    variant = ("tiny, FlanT5-style LM" if kind == "t5" else
               "tiny, OPT-style decoder-only LM (real InstructBLIP uses Vicuna; this variant keeps the "
               "decoder-only path with OPT conventions: </s> BOS, newline ends generation)")
    manifest = {
        "name": name, "family": "instructblip", "variant": variant + "; tuned on the held-in instruction types",
        "llm": {"kind": "decoder-only" if kind == "opt" else "encoder-decoder", "name": kind},
        "modalities": ["image"],
        "capabilities": ["captioning", "vqa-generate", "instruction-generate", "instruction-rank"],
        "graphs": graphs,
        "tokenizers": {"text": _text_tokenizer("left", 128), "llm": _llm_tokenizer(kind)},
        "specialTokens": {"text": bert_special(toks["bert"]),
                          "llm": opt_special(llm_tok) if kind == "opt" else t5_special(llm_tok)},
        "preprocess": {"image": image_preprocess("stretch")},
        "prompts": {"caption": INSTRUCT_CAPTION_PROMPT, "vqa": B2_VQA_PROMPT.replace("{}", "{question}"),
                    "instruction": "{question}"},
        "generation": {"caption": _gen(kind, 5, 30, 1, 1.0, 1.5),
                       "vqa": _gen(kind, 5, 10, 1, 0.0 if kind == "opt" else -1.0, 1.5),
                       "instruction": _gen(kind, 5, 30, 1, 1.0, 1.5)},
        "retrieval": None, "vqa": {"method": "generate"}, "xinstruct": None,
    }
    write_manifest(out, manifest, {"text": (toks["bert"], "bert"), "llm": (llm_tok, kind)})


def export_xinstruct():
    toks = pipeline.tokenizers()
    name = "tiny-xinstructblip"
    out = _fresh(name)
    st, vit = stages.qformer_stage1()
    graphs = {"vision_encoder": xb.export_vision(vit.cpu().eval(), st.cpu().ln_vision, out),
              "audio_encoder": xb.export_audio(stages.frozen_audio().cpu().eval(), out),
              "pointcloud_encoder": xb.export_points(stages.frozen_points().cpu().eval(), out)}
    lens = {"image": xb.PATCHES, "video": xb.PATCHES, "audio": 256, "pointcloud": 1}
    files = {"image": "qformer", "video": "qformer_video", "audio": "qformer_audio", "pointcloud": "qformer_pointcloud"}
    for modality, role in files.items():
        br = xstages.xinstruct(modality).cpu().eval()
        graphs[role] = xb.export_qformer(out, f"{role}.onnx", 64, lens[modality], bridge=br, instruct=True)
    graphs.update(xb.export_opt(xstages.x_lm().cpu(), out))  # its own LM: the OPT-style one + every modality's text
    manifest = {
        "name": name, "family": "xinstructblip",
        "variant": "tiny, OPT-style decoder-only LM (with a phase on every modality's text) instead of Vicuna; audio: 1 clip; point cloud: PointNet-style encoder",
        "llm": {"kind": "decoder-only", "name": "opt"},
        "modalities": ["image", "audio", "video", "pointcloud"],
        "capabilities": ["captioning", "vqa-generate", "instruction-generate", "instruction-rank"],
        "graphs": graphs,
        "tokenizers": {"text": _text_tokenizer("left", 128), "llm": _llm_tokenizer("opt")},
        "specialTokens": {"text": bert_special(toks["bert"]), "llm": opt_special(toks["bpe"])},
        "preprocess": {
            "image": image_preprocess("crop"),
            "video": {"frames": 4, "sampling": "uniform", "size": 64, "channelOrder": "rgb"},
            "audio": {"sampleRate": 16000, "clips": 1, "clipSeconds": 5.12, "melBins": 128, "framesPerClip": 512},
            "pointcloud": {"points": 1024, "mode": "modelnet", "seed": 0},
        },
        # Image VQA asks in the form the image bridge trained on (the held-in vqa_short type); the
        # audio and video QA suites name X-InstructBLIP's own "Question: {} Answer:" template.
        "prompts": {"caption": xstages.CAPTION_PROMPT, "vqa": B2_VQA_PROMPT.replace("{}", "{question}"),
                    "instruction": "{question}"},
        "generation": {"caption": _gen("opt", 5, 30, 1, 1.0, 1.5), "vqa": _gen("opt", 5, 10, 1, -1.0, 1.5),
                       "instruction": _gen("opt", 5, 30, 1, 1.0, 1.5)},
        "retrieval": None, "vqa": {"method": "generate"},
        "xinstruct": {"cues": dict(xstages.CUES), "cleanTokenization": True, "addSpace": True,
                      "prefix": "", "postfix": "", "qformerText": "prompt"},
    }
    write_manifest(out, manifest, {"text": (toks["bert"], "bert"), "llm": (toks["bpe"], "opt")})


def export_all():
    toks = pipeline.tokenizers()
    export_blip(pipeline.itm_blip().cpu().eval(), _fresh("tiny-blip"), "tiny-blip")
    export_blip(pipeline.itm_albef().cpu().eval(), _fresh("tiny-albef"), "tiny-albef")
    for kind in ("opt", "t5"):
        export_blip2(kind)
        export_instruct(kind)
    export_xinstruct()
    del toks


# The tokenizer files node verify.mjs checks against the Python tokenizers (one per kind).
TOKENIZER_PROBES = {"tiny-blip/tokenizer/text.json": "bert", "tiny-blip2-opt/tokenizer/llm.json": "bpe",
                    "tiny-blip2-t5/tokenizer/llm.json": "unigram"}


def main():
    export_all()
    from . import fixtures, probes, quality
    probes.write_token_ids(TOKENIZER_PROBES)
    results = quality.evaluate_all()
    (util.CACHE / "quality.json").write_text(json.dumps(results, indent=2))
    fixtures.write_all()
    print(json.dumps(pipeline.TIMINGS, indent=2))
