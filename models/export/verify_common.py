"""Shared by the verification scripts (verify_tiny_random: transformers; verify_tiny_lavis: LAVIS):
fixture records, seeded inputs, package versions and the per-case runner."""

from __future__ import annotations

import platform
import time
import traceback

import torch

from . import common as C
from . import tiny_configs as TC


def tensor(t) -> dict:
    t = t.detach().float().cpu()
    return {"shape": list(t.shape), "data": [float(v) for v in t.reshape(-1).tolist()]}


def images(count: int = 2, seed: int = 1234):
    """Seeded N(0, 1) "images" at the tiny configurations' size."""
    return torch.randn(count, 3, TC.IMAGE_SIZE, TC.IMAGE_SIZE, generator=torch.Generator().manual_seed(seed))


def versions(modules) -> dict:
    """Python, torch, numpy and each of `modules` (or why it is unavailable)."""
    import numpy
    found = {"python": platform.python_version(), "torch": torch.__version__, "numpy": numpy.__version__}
    for mod in modules:
        try:
            found[mod] = __import__(mod).__version__
        except Exception as error:  # noqa: BLE001
            found[mod] = f"unavailable: {error}"
    return found


def run_case(name: str, build) -> dict:
    """Runs one verification case (`build()` -> its record) with the export self-checks it triggers;
    a failure is recorded with its traceback, so that one case's failure does not lose the others."""
    started = time.time()
    C.CHECKS.clear()
    try:
        record = build()
        record.update(status="ok", model=f"{name}/model.json")
    except Exception:  # noqa: BLE001 - recorded, the caller goes on with the next case
        record = {"status": "error", "traceback": traceback.format_exc()}
    record["onnx_vs_torch_max_abs_diff"] = dict(C.CHECKS)
    record["seconds"] = round(time.time() - started, 1)
    print(f"== {name}: {record['status']} in {record['seconds']} s; onnx-vs-torch {record['onnx_vs_torch_max_abs_diff']}",
          flush=True)
    if record["status"] == "error":
        print(record["traceback"], flush=True)
    return record
