"""BLIP-2 zero-shot VQA with and without the image: the frozen LM's answer to the same prompt
after the stage-2 soft tokens and with no soft tokens at all, per question kind (README,
"BLIP-2-OPT VQA"). Shows whether the soft prompt adds what the image shows or drowns the question.

  cd models/tiny && /usr/bin/python3 -m tinyvl.diag_vqa opt [split] [questions]
"""

from __future__ import annotations

import sys
from collections import defaultdict

import torch

from . import bundled, data, evaluate, quality, stages

KINDS = (("how many", "number"), ("what", "other"), ("where", "other"))


def question_kind(question: str) -> str:
    lowered = question.lower()
    return next((kind for start, kind in KINDS if lowered.startswith(start)), "yes/no")


@torch.no_grad()
def main(argv: list) -> None:
    lm_kind = argv[0] if argv else "opt"
    split = argv[1] if len(argv) > 1 else "default"
    count = int(argv[2]) if len(argv) > 2 else 60
    torch.set_num_threads(1)
    adapter, embed = quality.llm_adapter(lm_kind), quality.cpu_embed()
    bridge = stages.stage2_final(lm_kind).cpu().eval()
    lp = 0.0 if lm_kind == "opt" else -1.0  # the manifests' VQA length penalties
    totals = defaultdict(lambda: [0, 0.0, 0.0])
    for q in bundled.vqa(split)[:count]:
        prompt = stages.B2_VQA_PROMPT.format(data.blip_question(q["question"]))
        soft = bridge.soft(embed(quality._t(bundled.image_pixels(q["image"]))[None]))[0]
        seen = quality.llm_generate(adapter, lm_kind, soft, prompt, 5, 10, 1, lp)[1]
        unseen = quality.llm_generate(adapter, lm_kind, soft[:0], prompt, 5, 10, 1, lp)[1]
        row = totals[question_kind(q["question"])]
        row[0] += 1
        row[1] += evaluate.vqa_accuracy(seen, q["answers"])
        row[2] += evaluate.vqa_accuracy(unseen, q["answers"])
        print(f"{q['question']} | with image: {seen} | text only: {unseen}")
    for kind, (n, seen, unseen) in sorted(totals.items()):
        print(f"{kind}: {n} questions, VQA accuracy with image {100 * seen / n:.1f}, text only {100 * unseen / n:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
