"""Seeds, threads, optimiser schedule and timing shared by every trainer."""

from __future__ import annotations

import math
import os
import random
import time
from pathlib import Path

import numpy as np
import torch

TINY = Path(__file__).resolve().parents[1]           # models/tiny
CACHE = Path(os.environ.get("TINY_CACHE", TINY / ".cache"))  # checkpoints (git-ignored)
DEVICE = os.environ.get("TINY_DEVICE", "cpu")          # "cuda" where a GPU is lent


def setup(seed: int) -> np.random.Generator:
    torch.set_num_threads(1)
    if DEVICE != "cpu" and hasattr(torch, "set_default_device"):
        torch.set_default_device(DEVICE)  # factory calls in the trainers follow
    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    return np.random.default_rng(seed)


def steps(default: int) -> int:
    """Step budget, scaled by TINY_SCALE (e.g. 0.1 for a smoke run)."""
    return max(1, int(default * float(os.environ.get("TINY_SCALE", "1"))))


class Trainer:
    """AdamW with linear warm-up and cosine decay; logs the (unweighted) loss terms every `every`
    steps. `weights` scale terms in the summed loss; `clip` None disables gradient clipping."""

    def __init__(self, params, total: int, lr: float = 5e-4, wd: float = 0.02, name: str = "", every: int = 100,
                 weights: dict | None = None, clip: float | None = 5.0):
        self.weights, self.clip = weights or {}, clip
        self.params = [p for p in params if p.requires_grad]
        self.opt = torch.optim.AdamW(self.params, lr=lr, weight_decay=wd)
        self.total, self.lr, self.step_no, self.name, self.every = total, lr, 0, name, every
        self.budget = total  # the uncapped step count: a cap only ever shrinks it
        self.mark = 0.0  # elapsed seconds at step 20, the start of the second pace estimate
        self.start = time.time()
        self.acc: dict = {}
        self.cap = float(os.environ.get("TINY_STAGE_SECONDS", "inf"))

    def running(self) -> bool:
        """True while steps remain. Under TINY_STAGE_SECONDS the budget shrinks (and the cosine
        schedule with it) so that the stage fits: first from the pace of steps 1-20, then again
        at step 120 from the pace of steps 20-120 (the first steps also pay for warm-up, e.g. a
        GPU's, and would leave time unused)."""
        if self.cap != math.inf and self.step_no in (20, 120):
            if self.step_no == 20:
                self.mark = self.elapsed()
                fit = int(self.cap / (self.mark / 20))
            else:
                pace = (self.elapsed() - self.mark) / 100
                fit = 120 + int((self.cap - self.elapsed()) / pace)
            fit = min(max(fit, self.step_no + 1), self.budget)
            if fit != self.total:
                print(f"[{self.name}] step {self.step_no}: {self.total} -> {fit} steps to fit {self.cap:.0f}s", flush=True)
                self.total = fit
        return self.step_no < self.total

    def step(self, losses: dict) -> None:
        warm = max(1, self.total // 20)
        s = self.step_no
        factor = s / warm if s < warm else 0.5 * (1 + math.cos(math.pi * (s - warm) / max(1, self.total - warm)))
        for g in self.opt.param_groups:
            g["lr"] = self.lr * max(factor, 0.02)
        loss = sum(v * self.weights.get(k, 1.0) for k, v in losses.items())
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.clip is not None:
            torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        self.opt.step()
        for k, v in losses.items():
            self.acc[k] = self.acc.get(k, 0.0) + float(v)
        self.step_no += 1
        if self.step_no % self.every == 0 or self.step_no == self.total:
            terms = " ".join(f"{k}={v / self.every:.3f}" for k, v in self.acc.items())
            print(f"[{self.name}] step {self.step_no}/{self.total} {terms} ({time.time() - self.start:.0f}s)", flush=True)
            self.acc = {}

    def elapsed(self) -> float:
        return time.time() - self.start


# Checkpoints this process has trained and saved (train.run_stage checks a stage trained only itself).
SAVED: list = []


def save(module: torch.nn.Module, name: str) -> None:
    torch.save({k: v.detach().cpu() for k, v in module.state_dict().items()}, CACHE / f"{name}.pt")
    SAVED.append(name)


def load(module: torch.nn.Module, name: str) -> bool:
    path = CACHE / f"{name}.pt"
    if not path.exists():
        return False
    module.load_state_dict(torch.load(path, map_location="cpu"))
    return True
