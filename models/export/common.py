"""Shared pieces of the real-checkpoint exporters: ONNX export in the layout of models/CONTRACT.md
(names, dtypes, dynamic axes), KV-cache flattening, digests, the model.json writer and the
tokenizer export. Plain torch + onnx; transformers is imported lazily where a cache is built."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path

import torch
from torch import nn

OPSET = 17
F32, F16, I64 = "float32", "float16", "int64"
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
# Under --external-data auto, graphs at least this large keep their weights in an external-data file.
EXTERNAL_DATA_BYTES = 1_500_000_000
EXTERNAL_DATA_POLICIES = ("auto", "always", "never")
_external_data = "auto"  # set for one export by external_data_policy (the CLI's --external-data)

# Filled by export_graph when onnxruntime is importable: {file: {output: max_abs_diff}}.
CHECKS: dict = {}

FAMILIES = ("albef", "blip", "blip2", "instructblip", "xinstructblip")
CAPABILITIES = ("retrieval", "captioning", "vqa-rank", "vqa-generate", "instruction-generate", "instruction-rank")
TOKENIZER_KINDS = ("bert", "gpt2-bpe", "t5-unigram", "llama-sp")
MANIFEST_KEYS = ("formatVersion", "name", "family", "variant", "description", "llm", "modalities", "capabilities",
                 "graphs", "tokenizers", "specialTokens", "preprocess", "prompts", "generation", "retrieval",
                 "vqa", "xinstruct")
REQUIRED_KEYS = ("formatVersion", "name", "family", "variant", "llm", "modalities", "capabilities", "graphs",
                 "tokenizers", "specialTokens", "preprocess", "prompts", "generation")


class ExportError(Exception):
    """A problem with the user's input (checkpoint, options, --out), reported as one line, no traceback."""


def sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- KV caches

def kv_specs(layers: int, heads: int, head_dim: int, dtype: str = F32):
    """Past inputs, present outputs (name -> (dtype, shape)) and the manifest kvCache block."""
    ins, outs, pairs = {}, {}, []
    for i in range(layers):
        for part in ("key", "value"):
            past, present = f"past_key_values.{i}.{part}", f"present.{i}.{part}"
            ins[past] = (dtype, ["batch", heads, "past_seq", head_dim])
            outs[present] = (dtype, ["batch", heads, "total_seq", head_dim])
            pairs.append([past, present])
    return ins, outs, {"layers": layers, "heads": heads, "headDim": head_dim, "pairs": pairs}


def dummy_past(layers, heads, head_dim, batch=2, past=3, dtype=torch.float32):
    return [torch.randn(batch, heads, past, head_dim).to(dtype) for _ in range(2 * layers)]


def build_cache(flat, encoder_decoder: bool = False):
    """A transformers cache holding the flat [k0, v0, k1, v1, ...] self-attention tensors.
    Works with transformers 4.36+ (DynamicCache.update) and 5.x (lazily created layers). The
    cross-attention half of an EncoderDecoderCache starts empty, so cross-attention is
    recomputed from encoder_hidden_states at every step, as the contract says."""
    try:
        from transformers.cache_utils import DynamicCache
    except ImportError:  # transformers < 4.36 (or none): legacy ((k, v), ...) tuples
        return tuple((flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2))
    cache = DynamicCache()
    for i in range(len(flat) // 2):
        cache.update(flat[2 * i], flat[2 * i + 1], i)
    if encoder_decoder:
        from transformers.cache_utils import EncoderDecoderCache
        return EncoderDecoderCache(cache, DynamicCache())
    return cache


def flatten_cache(cache, layers: int):
    """The self-attention keys/values of a returned cache as a flat tuple [k0, v0, k1, v1, ...]."""
    if hasattr(cache, "self_attention_cache"):
        cache = cache.self_attention_cache
    flat = []
    for i in range(layers):
        if hasattr(cache, "layers"):                      # transformers 5.x
            flat += [cache.layers[i].keys, cache.layers[i].values]
        elif hasattr(cache, "key_cache"):                 # transformers 4.36-4.5x
            flat += [cache.key_cache[i], cache.value_cache[i]]
        else:                                             # legacy tuples
            flat += [cache[i][0], cache[i][1]]
    return tuple(flat)


# ---------------------------------------------------------------- ONNX export

def _dynamic_axes(specs: dict) -> dict:
    axes = {}
    for name, (_, shape) in specs.items():
        named = {i: s for i, s in enumerate(shape) if isinstance(s, str)}
        if named:
            axes[name] = named
    return axes


def _as_tuple(value):
    return value if isinstance(value, (tuple, list)) else (value,)


def export_graph(module: nn.Module, example: dict, inputs: dict, outputs: dict, path: Path,
                 kv: dict | None = None, checks: list | None = None, large: bool = False,
                 unread=None) -> dict:
    """Exports `module(*example.values())` to `path` with the contract's names and symbolic axes;
    `inputs`/`outputs` map name -> (dtype, shape). `checks` are further example dicts (other
    sequence/past lengths) run through onnxruntime and compared with torch, when onnxruntime is
    importable, so a shape baked in at trace time shows up at export. `unread(example, output)`
    may return a boolean array (broadcastable to that output) of positions no consumer reads,
    e.g. left-padding rows, which the comparison skips. Returns the manifest entry."""
    import onnx
    path = Path(path)
    module.eval()
    specs = {**inputs, **outputs}
    before = set(os.listdir(path.parent))
    with torch.no_grad():
        kwargs = dict(input_names=list(inputs), output_names=list(outputs), dynamic_axes=_dynamic_axes(specs),
                      opset_version=OPSET, do_constant_folding=True)
        try:
            torch.onnx.export(module, tuple(example.values()), str(path), dynamo=False, **kwargs)
        except TypeError:  # torch < 2.5 has no `dynamo` argument
            torch.onnx.export(module, tuple(example.values()), str(path), **kwargs)
    external = []
    # torch itself writes a >2 GB graph (ViT-g in fp32, any LLM) with one external file per tensor.
    spilled = set(os.listdir(path.parent)) - before - {path.name}
    if spilled and _external_data == "never":
        raise ExportError(f"{path.name} is over 2 GB, more than one .onnx file can hold (protobuf limit); "
                          "export with --external-data auto or always")
    if spilled or wants_external_data(path.stat().st_size, large):
        external = _move_to_external_data(path, before)
    model = onnx.load(str(path), load_external_data=False)
    graph_inputs = {i.name for i in model.graph.input}
    missing = [n for n in inputs if n not in graph_inputs]
    extra = sorted(graph_inputs - set(inputs))
    if missing or extra:
        raise RuntimeError(f"{path.name}: graph inputs differ from the declared ones: missing {missing} "
                           f"(unused by the traced module), extra {extra}")
    onnx.checker.check_model(str(path))
    # A multi-GB graph would need its weights twice in memory for the check, inline (--external-data
    # never) or not; a small one forced into external data (always) is checked like any other.
    weights = path.stat().st_size + sum(os.path.getsize(path.parent / d["file"]) for d in external)
    if weights < EXTERNAL_DATA_BYTES:
        _compare_with_onnxruntime(module, path, [example] + list(checks or []), list(outputs), unread)
    entry = {"file": path.name, "sha256": sha256(path), "externalData": external,
             "inputs": {n: {"dtype": d, "shape": list(s)} for n, (d, s) in inputs.items()},
             "outputs": {n: {"dtype": d, "shape": list(s)} for n, (d, s) in outputs.items()}}
    if kv is not None:
        entry["kvCache"] = kv
    return entry


def _move_to_external_data(path: Path, before: set) -> list:
    """One `<graph>.onnx.data` file beside the graph. torch writes a >2 GB graph with one external
    file per tensor; those strays (files that appeared during this export) are removed."""
    import onnx
    model = onnx.load(str(path))
    data_name = path.name + ".data"
    if (path.parent / data_name).exists():
        os.remove(path.parent / data_name)
    onnx.save(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
              location=data_name, size_threshold=1024)
    del model
    for stray in set(os.listdir(path.parent)) - before - {path.name, data_name}:
        os.remove(path.parent / stray)
    if not (path.parent / data_name).exists():  # every tensor under the size threshold
        return []
    # onnx creates the file 0600; an export folder shared with others needs the graph's own mode.
    os.chmod(path.parent / data_name, stat.S_IMODE(os.stat(path).st_mode))
    return [{"file": data_name, "sha256": sha256(path.parent / data_name)}]


def wants_external_data(size_bytes: int, large: bool = False) -> bool:
    """Whether a graph of `size_bytes` (or one whose weights are known to be `large`) keeps its
    weights in `<graph>.onnx.data` under the current --external-data policy."""
    if _external_data == "always":
        return True
    return _external_data == "auto" and (large or size_bytes >= EXTERNAL_DATA_BYTES)


@contextlib.contextmanager
def external_data_policy(policy: str):
    """--external-data for the exports inside the block: auto (EXTERNAL_DATA_BYTES and up),
    always (every graph with a tensor of 1 KiB or more) or never (fails for a graph over 2 GB)."""
    global _external_data
    if policy not in EXTERNAL_DATA_POLICIES:
        raise ExportError(f"--external-data {policy!r}: use one of {', '.join(EXTERNAL_DATA_POLICIES)}")
    previous, _external_data = _external_data, policy
    try:
        yield
    finally:
        _external_data = previous


def _compare_with_onnxruntime(module, path: Path, examples: list, output_names: list, unread=None) -> None:
    try:
        import numpy as np
        import onnxruntime as ort
    except ImportError:
        return
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst, failures = {}, []
    for index, example in enumerate(examples):
        with torch.no_grad():
            expected = _as_tuple(module(*example.values()))
        feeds = {name: value.detach().cpu().numpy() for name, value in example.items()}
        got = session.run(output_names, feeds)
        for name, want, have in zip(output_names, expected, got):
            half = want.dtype == torch.float16
            want = want.detach().float().cpu().numpy()
            if want.shape != have.shape:
                raise RuntimeError(f"{path.name}: output {name} has shape {have.shape} in onnxruntime, "
                                   f"{want.shape} in torch for example {index} (a shape was baked in at trace time)")
            have = have.astype(np.float32)
            skipped = None if unread is None else unread(example, name)
            if skipped is not None:
                want, have = np.where(skipped, 0.0, want), np.where(skipped, 0.0, have)
            diff, scale = _max_abs_diff(want, have)
            worst[name] = max(worst.get(name, 0.0), diff)
            if diff > (3e-2 if half else 1e-3) * max(1.0, scale):
                failures.append(f"{name} (example {index}, shapes {[tuple(v.shape) for v in feeds.values()][:3]}...): "
                                f"max |onnxruntime - torch| = {diff:.3g} at scale {scale:.3g}")
    CHECKS[path.name] = worst
    if failures:
        raise RuntimeError(f"{path.name} differs from torch: " + "; ".join(failures))


def _max_abs_diff(want, have):
    """Largest difference and largest |want|, ignoring positions that are NaN in both (fully
    masked padding rows); a NaN on one side only counts as infinite."""
    import numpy as np
    if want.size == 0:
        return 0.0, 0.0
    both = np.isnan(want) & np.isnan(have)
    diff = np.where(both, 0.0, np.abs(want - have))
    diff = np.where(np.isnan(diff), np.inf, diff)
    return float(diff.max()), float(np.nanmax(np.abs(np.where(both, 0.0, want))))


# ---------------------------------------------------------------- dtype

def to_dtype(module: nn.Module, dtype: str) -> nn.Module:
    """fp16 is for LLM roles only (CONTRACT section 1); everything else stays fp32."""
    return module.half() if dtype == F16 else module.float()


# ---------------------------------------------------------------- manifest

def image_preprocess(size: int, resize: str = "stretch", mean=None, std=None) -> dict:
    return {"size": int(size), "resize": resize, "mean": [float(v) for v in (mean or CLIP_MEAN)],
            "std": [float(v) for v in (std or CLIP_STD)]}


def image_preprocess_from(checkpoint: str, size: int, resize: str = "stretch") -> dict:
    """Mean/std/size from the checkpoint's image processor config when it has one."""
    try:
        from transformers import AutoImageProcessor
        proc = AutoImageProcessor.from_pretrained(checkpoint)
        mean, std = getattr(proc, "image_mean", None), getattr(proc, "image_std", None)
        psize = getattr(proc, "size", None) or {}
        size = int(psize.get("height", size)) if isinstance(psize, dict) else size
        return image_preprocess(size, resize, mean, std)
    except Exception:  # noqa: BLE001 - a checkpoint without a processor config keeps the LAVIS constants
        return image_preprocess(size, resize)


def validate_manifest(manifest: dict, out_dir: Path) -> None:
    """The parts of CONTRACT section 4 an exporter can get wrong; models/manifest.ts checks the rest."""
    unknown = sorted(set(manifest) - set(MANIFEST_KEYS))
    missing = [k for k in REQUIRED_KEYS if k not in manifest]
    if unknown or missing:
        raise ValueError(f"model.json: unknown keys {unknown}, missing keys {missing}")
    if manifest["family"] not in FAMILIES:
        raise ValueError(f"model.json /family: {manifest['family']!r} is not one of {FAMILIES}")
    bad = [c for c in manifest["capabilities"] if c not in CAPABILITIES]
    if bad:
        raise ValueError(f"model.json /capabilities: unknown {bad}")
    for side, spec in manifest["tokenizers"].items():
        if spec["kind"] not in TOKENIZER_KINDS:
            raise ValueError(f"model.json /tokenizers/{side}/kind: {spec['kind']!r} not in {TOKENIZER_KINDS}")
        if not (out_dir / spec["file"]).is_file():
            raise ValueError(f"model.json /tokenizers/{side}/file: {spec['file']} was not written")
        if side not in manifest["specialTokens"]:
            raise ValueError(f"model.json /specialTokens/{side}: required with tokenizers.{side}")
    for role, graph in manifest["graphs"].items():
        if not (out_dir / graph["file"]).is_file():
            raise ValueError(f"model.json /graphs/{role}/file: {graph['file']} missing")
        for pair in graph.get("kvCache", {}).get("pairs", []):
            if pair[0] not in graph["inputs"] or pair[1] not in graph["outputs"]:
                raise ValueError(f"model.json /graphs/{role}/kvCache: {pair} names undeclared tensors")


def write_manifest(out_dir: Path, manifest: dict) -> Path:
    full = {"formatVersion": 1, **manifest}
    validate_manifest(full, Path(out_dir))
    path = Path(out_dir) / "model.json"
    path.write_text(json.dumps(full, indent=2) + "\n")
    return path


def generation(num_beams, max_length, min_length, length_penalty=1.0, repetition_penalty=1.0,
               max_new_tokens=None) -> dict:
    g = {"numBeams": num_beams, "maxLength": max_length, "minLength": min_length,
         "lengthPenalty": length_penalty, "repetitionPenalty": repetition_penalty}
    if max_new_tokens is not None:
        g["maxNewTokens"] = max_new_tokens
    return g


# ---------------------------------------------------------------- tokenizers

def save_tokenizer(tokenizer, out_dir: Path, key: str, kind: str, truncation_side: str, max_length) -> dict:
    """Writes tokenizer/{key}.json (the fast tokenizer's tokenizer.json) and returns the manifest
    entry. A slow-only tokenizer is converted to a fast one first (needs sentencepiece)."""
    tok_dir = Path(out_dir) / "tokenizer"
    tok_dir.mkdir(parents=True, exist_ok=True)
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        from transformers.convert_slow_tokenizer import convert_slow_tokenizer
        backend = convert_slow_tokenizer(tokenizer)
    backend.save(str(tok_dir / f"{key}.json"))
    return {"file": f"tokenizer/{key}.json", "kind": kind, "truncationSide": truncation_side, "maxLength": max_length}


def token_id(tokenizer, token: str) -> int:
    ids = tokenizer.convert_tokens_to_ids([token])
    if not ids or ids[0] is None or (ids[0] == tokenizer.unk_token_id and token != tokenizer.unk_token):
        raise ValueError(f"tokenizer has no token {token!r}")
    return int(ids[0])


def bert_special(tokenizer, dec: bool = True, enc: bool = True) -> dict:
    """BERT ids as LAVIS uses them (model-contracts section 1.3): [DEC] is BLIP's and the Q-Former's
    bos, [ENC] BLIP's ITM/VQA position-0 token."""
    special = {"pad": int(tokenizer.pad_token_id), "cls": int(tokenizer.cls_token_id),
               "sep": int(tokenizer.sep_token_id), "mask": int(tokenizer.mask_token_id)}
    if dec:
        special["dec"] = token_id(tokenizer, "[DEC]")
    if enc:
        special["enc"] = token_id(tokenizer, "[ENC]")
    return special


def newline_id(tokenizer) -> int:
    """OPT's generation eos: the id of "\\n" (50118 for the real OPT vocabulary)."""
    ids = tokenizer("\n", add_special_tokens=False).input_ids
    if len(ids) != 1:
        raise ValueError(f"'\\n' is not a single token in this tokenizer ({ids})")
    return int(ids[0])


def opt_special(tokenizer) -> dict:
    return {"bos": int(tokenizer.bos_token_id), "eos": newline_id(tokenizer),
            "pad": int(tokenizer.pad_token_id), "decoderStart": None}


def t5_special(tokenizer) -> dict:
    return {"bos": None, "eos": int(tokenizer.eos_token_id), "pad": int(tokenizer.pad_token_id),
            "decoderStart": int(tokenizer.pad_token_id)}


def vicuna_special(tokenizer) -> dict:
    """LAVIS: bos = eos = unk = "</s>" (2), pad "[PAD]" (model-contracts section 1.3)."""
    eos = token_id(tokenizer, "</s>")
    pad = tokenizer.pad_token_id
    return {"bos": eos, "eos": eos, "pad": int(pad if pad is not None else eos), "decoderStart": None}
