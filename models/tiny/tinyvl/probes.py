"""Token ids the Python tokenizers give for every text of the bundled test split, for the node
check in models/tiny/verify.mjs (@huggingface/tokenizers must give the same)."""

from __future__ import annotations

import json

from . import bundled, data, pipeline, util


def test_split_texts() -> list:
    texts = []
    for _, _, caps in bundled.karpathy("test"):
        texts += caps
    for q in bundled.vqa("test"):
        texts += [q["question"], data.blip_question(q["question"])] + q["answers"]
    texts += bundled.answer_list()
    for s in bundled.instructions("test"):
        texts += [s["prompt"], s["question"]] + list(s["choices"]) + list(s["answers"])
    for _, caps in bundled.audio_captions("test"):
        texts += caps
    for _, q, answers in bundled.audio_qa("test"):
        texts += [q] + answers
    for v in bundled.video_qa("test"):
        texts += [v["question"], v["answer"]]
    texts += [data.blip_caption(t) for t in list(texts)]
    return sorted(set(t for t in texts if t))


def write_token_ids(models: dict) -> None:
    """models: tokenizer json path (relative to models/tiny) -> kind."""
    toks = pipeline.tokenizers()
    texts = test_split_texts()
    out = {}
    for path, kind in models.items():
        tok = toks[kind]
        out[path] = [[t, tok.encode(t)] for t in texts]
    (util.CACHE / "token_ids.json").write_text(json.dumps(out))
