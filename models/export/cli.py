"""What the exporters' command lines share: the options, the --out folder and user errors.

--out is refused when it holds files, unless --overwrite: a typo there would otherwise mix a new
model.json with another export's graphs. The export is written to a hidden sibling folder and
renamed into place only once model.json is written, so a failure midway leaves nothing behind,
and an export being replaced stays intact until the new one is complete. Problems with the
user's input (common.ExportError) are printed as one line with exit status 1, not a traceback."""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import common as C


def base_args(description: str, tasks) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--checkpoint", required=True, help="hub id or local folder")
    parser.add_argument("--task", choices=list(tasks), required=True)
    parser.add_argument("--out", required=True, help="output folder (model.json, *.onnx, tokenizer/)")
    parser.add_argument("--name", default=None, help="registered model name (default: derived from the checkpoint)")
    parser.add_argument("--dtype", choices=[C.F32, C.F16, "fp32", "fp16"], default=C.F32,
                        help="LLM roles only (OPT, Vicuna); vision, Q-Former and T5 always stay float32")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the export in --out (a non-empty --out is refused without it)")
    parser.add_argument("--external-data", choices=C.EXTERNAL_DATA_POLICIES, default="auto",
                        help="weights in <role>.onnx.data beside each graph: auto (graphs of 1.5 GB and more, "
                             "the default), always, or never (fails for a graph over 2 GB)")
    return parser


def norm_dtype(value: str) -> str:
    return {"fp32": C.F32, "fp16": C.F16}.get(value, value)


def llm_dtype(requested: str, fp16_applies: bool, why_not: str) -> str:
    """The dtype the LLM roles get: --dtype fp16 only where it applies, with a note where it does not,
    so that a float32 export is neither named "-fp16" nor taken for an fp16 one."""
    if requested == C.F16 and not fp16_applies:
        print(f"note: --dtype fp16 not applied: {why_not}; every graph is float32", file=sys.stderr)
        return C.F32
    return requested


def default_name(checkpoint: str, llm_dtype: str = C.F32) -> str:
    """The checkpoint's last path part; an fp16 LLM export gets "-fp16", so that the fp32 and
    fp16 exports of one checkpoint do not share a model id (a suite refuses two models with one id)."""
    base = Path(checkpoint.rstrip("/")).name.lower()
    return base + ("-fp16" if llm_dtype == C.F16 else "")


@contextlib.contextmanager
def user_errors(prog: str):
    try:
        yield
    except C.ExportError as error:
        raise SystemExit(f"{prog}: error: {error}") from None


def check_out(out: Path, overwrite: bool) -> None:
    """Called before the checkpoint loads, so that a refused --out costs nothing."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise C.ExportError(f"--out {out} is a file, not a folder")
    entries = sorted(p.name for p in out.iterdir()) if out.is_dir() else []
    if entries and not overwrite:
        shown = ", ".join(entries[:4]) + (", ..." if len(entries) > 4 else "")
        raise C.ExportError(f"--out {out} is not empty ({shown}); pass --overwrite to replace what it holds, "
                            "or choose another folder")


@contextlib.contextmanager
def staged(out: Path, overwrite: bool, external_data: str = "auto"):
    """Yields a hidden folder beside `out` to export into (under the given --external-data
    policy); on success it replaces `out`, on any failure it is removed."""
    out = Path(out)
    check_out(out, overwrite)
    created = [parent for parent in out.absolute().parents if not parent.exists()]  # nearest first
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes it 0700; the export should read like any folder
    try:
        with C.external_data_policy(external_data):
            yield stage
        _replace(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        for parent in created:
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise


def _replace(stage: Path, out: Path) -> None:
    old = None
    if out.is_dir() and any(out.iterdir()):
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
    elif out.is_dir():
        out.rmdir()
    try:
        os.rename(stage, out)
    except OSError:
        if old is not None:
            os.rename(old, out)
        raise
    if old is not None:
        shutil.rmtree(old)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
