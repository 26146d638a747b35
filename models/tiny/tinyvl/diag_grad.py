"""Gradient norm of each training loss of tiny-blip / tiny-albef on a few fresh batches: shows how
much of the shared layers' update each objective drives (README, "ITM heads did not learn").

  cd models/tiny && /usr/bin/python3 -m tinyvl.diag_grad blip [checkpoint] [batches]
"""

from __future__ import annotations

import sys

import numpy as np
import torch

from . import blip, data, pipeline, util


def main(argv: list) -> None:
    family = argv[0] if argv else "blip"
    checkpoint = argv[1] if len(argv) > 1 else f"{family}_more2"
    batches = int(argv[2]) if len(argv) > 2 else 3
    model = blip.BlipModel(pipeline.tokenizers()["bert"], albef=family == "albef")
    if not util.load(model, checkpoint):
        raise SystemExit(f"no checkpoint {checkpoint}.pt in {util.CACHE}: train the stages first")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng, gen = np.random.default_rng(0), torch.Generator().manual_seed(0)
    params = [p for p in model.parameters() if p.requires_grad]
    model.train()
    for _ in range(batches):
        losses = blip.train_step(model, data.image_batch(rng, 32), rng, gen)
        norms = {}
        for name, loss in losses.items():
            grads = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
            norms[name] = float(torch.sqrt(sum((g ** 2).sum() for g in grads if g is not None)))
        print(" ".join(f"{k}: loss {float(v):.3f} grad {norms[k]:.3f}" for k, v in losses.items()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
