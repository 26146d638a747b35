"""Does a frozen LM read a passage for its answer? VQA accuracy of the text-only LM on freshly drawn
scenes (never the test split), asked the family's VQA prompt with no context and after a written
description of the scene in the place of the soft prompt (lmstages.reading_texts' layout), for the
shared LM and for its reading phase (README, "BLIP-2-OPT VQA").

  cd models/tiny && /usr/bin/python3 -m tinyvl.diag_reading opt|t5 [questions]
"""

from __future__ import annotations

import sys

import numpy as np
import torch

from . import data, evaluate, lmstages, quality
from .data import syn
from .llm import OptAdapter, T5Adapter
from .pipeline import tokenizers


def scene_questions(count: int, seed: int = 12345) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        scene = syn.sample_scene(rng)
        context = lmstages.scene_description(scene, rng)
        question = syn.vqa_questions(scene, rng, k=1)[0]
        prompt = lmstages.B2_VQA_PROMPT.format(data.blip_question(question["question"]))
        out.append((context, prompt, question["answers"]))
    return out


@torch.no_grad()
def accuracy(lm_kind: str, lm, items: list, with_context: bool) -> float:
    toks = tokenizers()
    lm = lm.cpu()
    if lm_kind == "opt":
        ad, embed = OptAdapter(lm, toks["bpe"]), lambda text: lm.embed(torch.tensor(toks["bpe"].encode(text, bos=False), dtype=torch.long))
    else:
        ad, embed = T5Adapter(lm, toks["unigram"]), lambda text: lm.shared(torch.tensor(toks["unigram"].encode(text, eos=False), dtype=torch.long))
    accs = []
    for context, prompt, answers in items:
        soft = embed(context if with_context else "")
        answer = quality.llm_generate(ad, lm_kind, soft, prompt, 1, 10, 1, 0.0)[1]
        accs.append(evaluate.vqa_accuracy(answer, answers))
    return 100 * float(np.mean(accs))


def main(argv: list) -> None:
    lm_kind = argv[0] if argv else "opt"
    items = scene_questions(int(argv[1]) if len(argv) > 1 else 80)
    torch.set_num_threads(1)
    shared = lmstages.opt_lm() if lm_kind == "opt" else lmstages.t5_lm()
    for name, lm in (("shared LM", shared), ("reading LM", lmstages.reading_lm(lm_kind))):
        print(f"{name}: VQA accuracy {accuracy(lm_kind, lm, items, False):.1f} with no context, "
              f"{accuracy(lm_kind, lm, items, True):.1f} after the scene's description")


if __name__ == "__main__":
    main(sys.argv[1:])
