"""Tiny random transformers models of BLIP, BLIP-2 and InstructBLIP -> exported with the exporters of
this package (the same code path a hub checkpoint takes) + transformers' own outputs as fixtures.

  python -m models.export.verify_tiny_random --out OUT

Writes OUT/hf-tiny.tar.gz holding, per case, <case>/model.json, its ONNX graphs and tokenizer files,
and expected.json (versions, inputs, tensors, exact generate() kwargs and their sequences). Each
case runs in its own try/except; a failure is recorded with its traceback and the rest go on."""

from __future__ import annotations

import argparse
import json
import shutil
import tarfile
import tempfile
import time
import traceback
from pathlib import Path

import torch

from . import common as C
from . import hf_blip, hf_blip2, hf_instructblip, hf_llm
from . import tiny_configs as TC
from . import tiny_tokenizers as TT
from . import verify_common as V

GEN_MAX_NEW, GEN_MIN_NEW = 12, 4


def ids(t) -> list:
    return t.detach().cpu().long().tolist()


def run_generate(model, record: dict, name: str, **kwargs) -> None:
    """Greedy, num_beams=3 with the family's length penalty, and num_beams=3 with length_penalty 0
    (a raw log-prob sum: the same under every transformers version, unlike the length
    normalisation, which newer versions compute over generated tokens only)."""
    runs = (("greedy", {"num_beams": 1}), ("beam3", {"num_beams": 3}), ("beam3-lp0", {"num_beams": 3, "length_penalty": 0.0}))
    for label, extra in runs:
        merged = {**kwargs, **extra}
        shown = {k: v for k, v in merged.items() if not torch.is_tensor(v)}
        gen_kwargs = dict(do_sample=False, return_dict_in_generate=True, output_scores=True, **merged)
        with torch.no_grad():
            out = model.generate(**gen_kwargs)
        entry = {"generate_kwargs": {**shown, "do_sample": False}, "sequences": ids(out.sequences)}
        if getattr(out, "sequences_scores", None) is not None:
            entry["sequences_scores"] = [float(v) for v in out.sequences_scores.tolist()]
        record.setdefault("generate", {})[f"{name}/{label}"] = entry


def _eager(cls, folder):
    try:
        return cls.from_pretrained(str(folder), attn_implementation="eager").float().eval()
    except (TypeError, ValueError):
        return cls.from_pretrained(str(folder)).float().eval()


# ---------------------------------------------------------------- BLIP

def case_blip_caption(work: Path, out: Path, toks: dict) -> dict:
    import transformers as T
    ckpt = TC.blip("caption", toks["bert"], work / "ckpt-blip-caption")
    hf_blip.export(str(ckpt), "caption", out, name="hf-tiny-blip-caption")
    model = _eager(T.BlipForConditionalGeneration, ckpt)
    bert, pixels = toks["bert"], V.images()
    dec, sep, pad = model.config.text_config.bos_token_id, bert.sep_token_id, bert.pad_token_id
    prompt = bert([hf_blip.LAVIS_CAPTION_PROMPT] * 2, return_tensors="pt").input_ids
    prompt[:, 0] = dec
    prompt = prompt[:, :-1]  # LAVIS drops the trailing [SEP]
    with torch.no_grad():
        image_embeds = model.vision_model(pixel_values=pixels, return_dict=True).last_hidden_state
        logits = model.text_decoder(input_ids=prompt, attention_mask=torch.ones_like(prompt),
                                    encoder_hidden_states=image_embeds, return_dict=True).logits
    record = {"inputs": {"pixel_values": V.tensor(pixels), "prompt": hf_blip.LAVIS_CAPTION_PROMPT,
                         "decoder_input_ids": ids(prompt)},
              "tensors": {"image_embeds": V.tensor(image_embeds), "prompt_logits": V.tensor(logits)}}
    run_generate(model.text_decoder, record, "caption", input_ids=prompt, attention_mask=torch.ones_like(prompt),
                 encoder_hidden_states=image_embeds, eos_token_id=sep, pad_token_id=pad, max_length=4 + GEN_MAX_NEW,
                 min_length=4 + GEN_MIN_NEW, length_penalty=1.0, repetition_penalty=1.0)
    return record


def case_blip_retrieval(work: Path, out: Path, toks: dict) -> dict:
    import transformers as T
    ckpt = TC.blip("retrieval", toks["bert"], work / "ckpt-blip-retrieval")
    hf_blip.export(str(ckpt), "retrieval", out, name="hf-tiny-blip-retrieval")
    model = _eager(T.BlipForImageTextRetrieval, ckpt)
    bert, pixels = toks["bert"], V.images()
    texts = ["a red circle on the left", "two blue squares"]
    enc = bert(texts, padding="max_length", max_length=12, truncation=True, return_tensors="pt")
    itm_ids = enc.input_ids.clone()
    itm_ids[:, 0] = bert.convert_tokens_to_ids("[ENC]")
    with torch.no_grad():
        itm = model(input_ids=itm_ids, pixel_values=pixels, attention_mask=enc.attention_mask, use_itm_head=True,
                    return_dict=True)
        itc = model(input_ids=enc.input_ids, pixel_values=pixels, attention_mask=enc.attention_mask,
                    use_itm_head=False, return_dict=True)
    first = lambda o: o[0] if isinstance(o, (tuple, list)) else getattr(o, "itm_score", None)  # noqa: E731
    return {"inputs": {"pixel_values": V.tensor(pixels), "texts": texts, "input_ids": ids(enc.input_ids),
                       "itm_input_ids": ids(itm_ids), "attention_mask": ids(enc.attention_mask)},
            "tensors": {"itm_logits": V.tensor(first(itm)), "itc_cosine": V.tensor(first(itc))}}


def case_blip_vqa(work: Path, out: Path, toks: dict) -> dict:
    import transformers as T
    ckpt = TC.blip("vqa", toks["bert"], work / "ckpt-blip-vqa")
    hf_blip.export(str(ckpt), "vqa", out, name="hf-tiny-blip-vqa")
    model = _eager(T.BlipForQuestionAnswering, ckpt)
    bert, pixels = toks["bert"], V.images()
    enc = bert(["what colour is the circle?", "how many shapes are there?"], padding="longest", return_tensors="pt")
    q_ids = enc.input_ids.clone()
    q_ids[:, 0] = bert.convert_tokens_to_ids("[ENC]")
    with torch.no_grad():
        image_embeds = model.vision_model(pixel_values=pixels, return_dict=True).last_hidden_state
        q_states = model.text_encoder(input_ids=q_ids, attention_mask=enc.attention_mask,
                                      encoder_hidden_states=image_embeds, return_dict=True).last_hidden_state
    dec = model.config.text_config.bos_token_id
    record = {"inputs": {"pixel_values": V.tensor(pixels), "question_ids": ids(q_ids),
                         "question_mask": ids(enc.attention_mask)},
              "tensors": {"image_embeds": V.tensor(image_embeds), "question_states": V.tensor(q_states)}}
    bos = torch.full((2, 1), dec, dtype=torch.long)
    run_generate(model.text_decoder, record, "vqa", input_ids=bos, encoder_hidden_states=q_states,
                 encoder_attention_mask=torch.ones_like(enc.attention_mask), eos_token_id=bert.sep_token_id,
                 pad_token_id=bert.pad_token_id, max_length=10, min_length=1)
    return record


# ---------------------------------------------------------------- BLIP-2 / InstructBLIP LLM side

def _llm_runs(model, lm, language_embeds, llm_tok, record, kind: str, eos: int, prompts: dict, **extra) -> None:
    """LAVIS-style: [language_embeds ; embed(prompt ids)] -> lm.generate(inputs_embeds=...)."""
    t5 = kind == "t5"
    llm_tok.padding_side = "right" if t5 else "left"
    for task, texts in prompts.items():
        enc = llm_tok(texts, padding="longest", return_tensors="pt")
        with torch.no_grad():
            embeds = torch.cat([language_embeds, lm.get_input_embeddings()(enc.input_ids)], dim=1)
            mask = torch.cat([torch.ones(language_embeds.shape[:2], dtype=torch.long), enc.attention_mask], dim=1)
            if t5:
                first = lm(inputs_embeds=embeds, attention_mask=mask,
                           decoder_input_ids=torch.zeros(len(texts), 1, dtype=torch.long), return_dict=True).logits
            else:  # positions as generate() derives them from the mask (Llama's forward would not)
                positions = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
                first = lm(inputs_embeds=embeds, attention_mask=mask, position_ids=positions,
                           return_dict=True).logits[:, -1:]
        record["inputs"][f"{task}/llm_input_ids"] = ids(enc.input_ids)
        record["inputs"][f"{task}/llm_attention_mask"] = ids(enc.attention_mask)
        record["inputs"][f"{task}/texts"] = texts
        record["tensors"][f"{task}/first_step_logits"] = V.tensor(first)
        lengths = dict(max_new_tokens=GEN_MAX_NEW, min_length=GEN_MIN_NEW) if t5 else \
            dict(max_new_tokens=GEN_MAX_NEW, min_new_tokens=GEN_MIN_NEW)
        run_generate(lm, record, task, inputs_embeds=embeds, attention_mask=mask, eos_token_id=eos,
                     pad_token_id=llm_tok.pad_token_id, **lengths, **extra)


def _vision_qformer(model, pixels, qformer_ids=None, qformer_mask=None):
    with torch.no_grad():
        image_embeds = model.vision_model(pixel_values=pixels, return_dict=True).last_hidden_state
        queries = model.query_tokens.expand(pixels.shape[0], -1, -1)
        ones = torch.ones(image_embeds.shape[:2], dtype=torch.long)
        if qformer_ids is None:
            states = model.qformer(query_embeds=queries, encoder_hidden_states=image_embeds,
                                   encoder_attention_mask=ones, return_dict=True).last_hidden_state
        else:
            mask = torch.cat([torch.ones(queries.shape[:2], dtype=torch.long), qformer_mask], dim=1)
            states = model.qformer(input_ids=qformer_ids, attention_mask=mask, query_embeds=queries,
                                   encoder_hidden_states=image_embeds, encoder_attention_mask=ones,
                                   return_dict=True).last_hidden_state[:, :queries.shape[1]]
        return image_embeds, states, model.language_projection(states)


BLIP2_PROMPTS = {"caption": ["a photo of", "a photo of"],
                 "vqa": ["Question: what colour is the circle? Short answer:", "Question: how many? Short answer:"]}


def _blip2_case(kind: str):
    def case(work: Path, out: Path, toks: dict) -> dict:
        import transformers as T
        llm_tok = toks["opt"] if kind == "opt" else toks["t5"]
        ckpt = TC.blip2(kind, llm_tok, toks["bert"], work / f"ckpt-blip2-{kind}")
        hf_blip2.export(str(ckpt), "llm", out, kind, name=f"hf-tiny-blip2-{kind}")
        model = _eager(T.Blip2ForConditionalGeneration, ckpt)
        pixels = V.images()
        image_embeds, query_output, language_embeds = _vision_qformer(model, pixels)
        record = {"inputs": {"pixel_values": V.tensor(pixels)},
                  "tensors": {"image_embeds": V.tensor(image_embeds), "query_output": V.tensor(query_output),
                              "language_embeds": V.tensor(language_embeds)}}
        eos = C.newline_id(llm_tok) if kind == "opt" else llm_tok.eos_token_id
        _llm_runs(model, hf_llm.causal_lm(model), language_embeds, llm_tok, record, kind, eos, BLIP2_PROMPTS,
                  length_penalty=1.0, repetition_penalty=1.0)
        return record
    return case


def _instruct_case(kind: str):
    def case(work: Path, out: Path, toks: dict) -> dict:
        import transformers as T
        llm_tok = toks["llama"] if kind == "vicuna" else toks["t5"]
        ckpt = TC.instructblip(kind, llm_tok, toks["bert_qformer"], work / f"ckpt-instructblip-{kind}")
        hf_instructblip.export(str(ckpt), out, kind, name=f"hf-tiny-instructblip-{kind}")
        model = _eager(T.InstructBlipForConditionalGeneration, ckpt)
        pixels, bert = V.images(), toks["bert_qformer"]
        texts = ["A short image caption.", "Question: which side is the red square on? Short answer:"]
        q = bert(texts, padding="longest", truncation=True, max_length=128, return_tensors="pt")
        image_embeds, query_output, language_embeds = _vision_qformer(model, pixels, q.input_ids, q.attention_mask)
        record = {"inputs": {"pixel_values": V.tensor(pixels), "qformer_input_ids": ids(q.input_ids),
                             "qformer_attention_mask": ids(q.attention_mask)},
                  "tensors": {"image_embeds": V.tensor(image_embeds), "query_output": V.tensor(query_output),
                              "language_embeds": V.tensor(language_embeds)}}
        eos = llm_tok.eos_token_id
        _llm_runs(model, hf_llm.causal_lm(model), language_embeds, llm_tok, record, kind, eos, {"instruction": texts},
                  length_penalty=1.0, repetition_penalty=1.5)
        return record
    return case


def case_blip2_retrieval(work: Path, out: Path, toks: dict) -> dict:
    import transformers as T
    ckpt = TC.blip2_retrieval(toks["bert_qformer"], work / "ckpt-blip2-itm")
    hf_blip2.export(str(ckpt), "retrieval", out, None, name="hf-tiny-blip2-itm")
    model = _eager(T.Blip2ForImageTextRetrieval, ckpt)
    bert, pixels = toks["bert_qformer"], V.images()
    texts = ["a red circle on the left", "two blue squares"]
    enc = bert(texts, padding="max_length", max_length=12, truncation=True, return_tensors="pt")
    with torch.no_grad():
        itm = model(pixel_values=pixels, input_ids=enc.input_ids, attention_mask=enc.attention_mask,
                    use_image_text_matching_head=True, return_dict=True)
        itc = model(pixel_values=pixels, input_ids=enc.input_ids, attention_mask=enc.attention_mask,
                    use_image_text_matching_head=False, return_dict=True)
    return {"inputs": {"pixel_values": V.tensor(pixels), "texts": texts, "input_ids": ids(enc.input_ids),
                       "attention_mask": ids(enc.attention_mask)},
            "tensors": {"itm_logits_per_image": V.tensor(itm.logits_per_image), "image_feat": V.tensor(itc.image_embeds),
                        "text_feat": V.tensor(itc.text_embeds), "itc_logits_per_image": V.tensor(itc.logits_per_image)}}


def case_blip2_opt_fp16(work: Path, out: Path, toks: dict) -> dict:
    """The blip2-opt checkpoint again with `--dtype fp16` (LLM roles in float16, self-checked by
    onnxruntime against the fp16 torch module). Its LLM records come from transformers with the LLM
    in float16 too (a near-tie may resolve differently in fp32); the rest are blip2-opt's."""
    import transformers as T
    ckpt = work / "ckpt-blip2-opt"
    if not ckpt.exists():
        ckpt = TC.blip2("opt", toks["opt"], toks["bert"], ckpt)
    hf_blip2.export(str(ckpt), "llm", out, "opt", dtype=C.F16, name="hf-tiny-blip2-opt-fp16")
    model = _eager(T.Blip2ForConditionalGeneration, ckpt)
    _, _, language_embeds = _vision_qformer(model, V.images())
    record = {"derived_from": "blip2-opt", "dtype": C.F16, "inputs": {}, "tensors": {}}
    # vlbench casts the float32 Q-Former output to the LLM's float16 input, as .half() does here
    _llm_runs(model, hf_llm.causal_lm(model).half(), language_embeds.half(), toks["opt"], record, "opt",
              C.newline_id(toks["opt"]), BLIP2_PROMPTS, length_penalty=1.0, repetition_penalty=1.0)
    return record


def case_blip_caption_external(work: Path, out: Path, toks: dict) -> dict:
    """The blip-caption checkpoint with every graph's weights in an external-data file (what
    graphs of 1.5 GB and more get), compared with blip-caption's transformers outputs."""
    ckpt = work / "ckpt-blip-caption"
    if not ckpt.exists():
        ckpt = TC.blip("caption", toks["bert"], ckpt)
    hf_blip.export(str(ckpt), "caption", out, name="hf-tiny-blip-caption-external", external_data="always")
    return {"derived_from": "blip-caption", "external_data": True, "inputs": {}, "tensors": {}}


CASES = {
    "blip-caption": case_blip_caption, "blip-retrieval": case_blip_retrieval, "blip-vqa": case_blip_vqa,
    "blip2-opt": _blip2_case("opt"), "blip2-t5": _blip2_case("t5"), "blip2-itm": case_blip2_retrieval,
    "instructblip-vicuna": _instruct_case("vicuna"), "instructblip-t5": _instruct_case("t5"),
    "blip2-opt-fp16": case_blip2_opt_fp16, "blip-caption-external": case_blip_caption_external,
}


class Tokenizers(dict):
    """A missing tokenizer raises with the error that prevented building it."""

    def __init__(self):
        super().__init__()
        self.errors = {}

    def __missing__(self, key):
        raise RuntimeError(f"tokenizer {key!r} could not be built:\n{self.errors.get(key, 'unknown')}")


def build_tokenizers(work: Path) -> Tokenizers:
    from transformers import AutoTokenizer
    builders = {"bert": lambda: TT.bert_wordpiece(with_enc=True), "bert_qformer": lambda: TT.bert_wordpiece(with_enc=False),
                "opt": TT.opt_bpe, "t5": TT.t5_unigram, "llama": TT.llama_bpe}
    loaded = Tokenizers()
    for key, build in builders.items():
        try:  # round-trip through save_pretrained: what a hub checkpoint would give
            build().save_pretrained(str(work / f"tok-{key}"))
            loaded[key] = AutoTokenizer.from_pretrained(str(work / f"tok-{key}"))
        except Exception:  # noqa: BLE001 - only the cases that need this tokenizer fail
            loaded.errors[key] = traceback.format_exc()
            print(f"tokenizer {key}: {loaded.errors[key]}", flush=True)
    return loaded


def write_outputs(expected: dict, bundle: Path, out_root: Path) -> Path:
    (bundle / "expected.json").write_text(json.dumps(expected) + "\n")
    archive = out_root / "hf-tiny.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(str(bundle), arcname="hf-tiny")
    shutil.copy(bundle / "expected.json", out_root / "expected.json")
    return archive


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--only", nargs="*", default=None, help="case names (default: all)")
    args = parser.parse_args(argv)
    out_root = Path(args.out)
    out_root.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(min(8, torch.get_num_threads()))
    expected = {"versions": V.versions(("transformers", "tokenizers", "onnx", "onnxruntime")), "created_unix": int(time.time()), "cases": {},
                "settings": {"gen_max_new": GEN_MAX_NEW, "gen_min_new": GEN_MIN_NEW, "image_size": TC.IMAGE_SIZE,
                             "num_query_tokens": TC.N_QUERY, "weight_std": TC.WEIGHT_STD}}
    print(json.dumps(expected["versions"]), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work, bundle = Path(tmp), Path(tmp) / "hf-tiny"
        bundle.mkdir()
        try:
            toks = build_tokenizers(work)
            expected["tokenizer_errors"] = toks.errors
        except Exception:  # noqa: BLE001 - e.g. transformers itself missing
            expected["tokenizer_errors"] = {"all": traceback.format_exc()}
            print(expected["tokenizer_errors"]["all"], flush=True)
            toks = None
        for name, case in CASES.items():
            if toks is None or (args.only and name not in args.only):
                continue
            def build(case=case, name=name):
                torch.manual_seed(0)
                return case(work, bundle / name, toks)
            expected["cases"][name] = V.run_case(name, build)
            archive = write_outputs(expected, bundle, out_root)  # after every case: a timeout keeps the rest
        archive = write_outputs(expected, bundle, out_root)
    summary = {n: c["status"] for n, c in expected["cases"].items()}
    print(json.dumps({"archive": str(archive), "bytes": archive.stat().st_size, "cases": summary}), flush=True)
    return 0 if summary and all(s == "ok" for s in summary.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
