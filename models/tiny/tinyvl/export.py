"""ONNX export in the layout of models/CONTRACT.md, and the model.json manifest writer."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import onnx
import torch
from torch import nn

from . import data
from .tok import write_json

OPSET = 17
F32, I64 = "float32", "int64"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_role(module: nn.Module, args: dict, inputs: dict, outputs: dict, path: Path,
                kv: dict | None = None) -> dict:
    """Export `module(*args.values())` to `path`; `inputs`/`outputs` map name -> (dtype, shape)
    with symbolic axes as strings. Returns the manifest entry of the graph."""
    dynamic = {}
    for name, (_, shape) in {**inputs, **outputs}.items():
        axes = {i: s for i, s in enumerate(shape) if isinstance(s, str)}
        if axes:
            dynamic[name] = axes
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, tuple(args.values()), str(path), input_names=list(inputs),
                          output_names=list(outputs), dynamic_axes=dynamic, opset_version=OPSET,
                          do_constant_folding=True)
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    present = {i.name for i in model.graph.input}
    missing = set(inputs) - present
    if missing:
        raise RuntimeError(f"{path.name}: inputs {sorted(missing)} were optimised away; use them")
    entry = {
        "file": path.name, "sha256": sha256(path), "externalData": [],
        "inputs": {n: {"dtype": d, "shape": list(s)} for n, (d, s) in inputs.items()},
        "outputs": {n: {"dtype": d, "shape": list(s)} for n, (d, s) in outputs.items()},
    }
    if kv is not None:
        entry["kvCache"] = kv
    _write_probe(module, args, list(outputs), path)
    return entry


def _tensor_json(t: torch.Tensor) -> dict:
    dtype = I64 if t.dtype == torch.long else F32
    return {"dtype": dtype, "dims": list(t.shape), "data": t.reshape(-1).tolist()}


def _write_probe(module, args, output_names, path: Path) -> None:
    """The export inputs and PyTorch's outputs, for models/tiny/verify.mjs (ONNX Runtime)."""
    from .util import CACHE
    with torch.no_grad():
        outs = module(*args.values())
    if isinstance(outs, torch.Tensor):
        outs = (outs,)
    probe = {"inputs": {k: _tensor_json(v) for k, v in args.items()},
             "outputs": {k: _tensor_json(v) for k, v in zip(output_names, outs)}}
    folder = CACHE / "probes" / path.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{path.stem}.json").write_text(json.dumps(probe))


def kv_spec(layers: int, heads: int, head_dim: int, batch="batch"):
    """Past/present inputs and outputs and the manifest kvCache block."""
    ins, outs, pairs = {}, {}, []
    for i in range(layers):
        for part in ("key", "value"):
            ins[f"past_key_values.{i}.{part}"] = (F32, [batch, heads, "past_seq", head_dim])
            outs[f"present.{i}.{part}"] = (F32, [batch, heads, "total_seq", head_dim])
            pairs.append([f"past_key_values.{i}.{part}", f"present.{i}.{part}"])
    return ins, outs, {"layers": layers, "heads": heads, "headDim": head_dim, "pairs": pairs}


def padded_mask(batch, length):
    """Ones with the last two positions of the second row padded (exercises the masks)."""
    m = torch.ones(batch, length, dtype=torch.long)
    if batch > 1 and length > 2:
        m[1, -2:] = 0
    return m


def dummy_past(layers, heads, head_dim, batch=2, past=3):
    return [torch.randn(batch, heads, past, head_dim) for _ in range(2 * layers)]


def pairs_of(flat):
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2)]


def flatten(presents):
    return tuple(t for kv in presents for t in kv)


def image_preprocess(resize: str = "stretch") -> dict:
    return {"size": data.IMAGE_SIZE, "resize": resize, "mean": list(data.CLIP_MEAN), "std": list(data.CLIP_STD)}


def write_manifest(out_dir: Path, manifest: dict, tokenizers: dict) -> None:
    """Writes tokenizer files, then model.json (digests computed last)."""
    tok_dir = out_dir / "tokenizer"
    tok_dir.mkdir(parents=True, exist_ok=True)
    for key, (obj, _) in tokenizers.items():
        write_json(obj.to_json(), tok_dir / f"{key}.json")
    full = {"formatVersion": 1}
    full.update(manifest)
    (out_dir / "model.json").write_text(json.dumps(full, indent=2) + "\n")


def bert_special(tok) -> dict:
    return {"pad": tok.pad, "cls": tok.cls, "sep": tok.sep, "mask": tok.mask, "dec": tok.dec, "enc": tok.enc}
