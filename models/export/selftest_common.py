"""Self-test of the plain-torch parts of common.py on a toy cached decoder (no transformers needed):
KV flattening names and pairing, dynamic axes, external data, sha256, the manifest writer and its
validation. Run: /usr/bin/python3 -m models.export.selftest_common"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import onnx
import torch
from torch import nn

from . import common as C


class ToyDecoder(nn.Module):
    """One attention layer per `layers` whose keys/values are the token embeddings themselves."""

    def __init__(self, vocab=200, heads=2, head_dim=3, layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, heads * head_dim)
        self.head = nn.Linear(heads * head_dim, vocab)
        self.heads, self.head_dim, self.layers = heads, head_dim, layers

    def forward(self, input_ids, attention_mask, *past):
        cache = C.build_cache(list(past))          # legacy tuples without transformers
        x = self.embed(input_ids)
        b, s, _ = x.shape
        kv = x.view(b, s, self.heads, self.head_dim).transpose(1, 2)
        presents = []
        for i in range(self.layers):
            k = torch.cat([cache[i][0], kv], dim=2)
            v = torch.cat([cache[i][1], kv * 2], dim=2)
            scores = kv @ k.transpose(-1, -2) + (1.0 - attention_mask[:, None, None, :].float()) * -1e4
            kv = torch.softmax(scores, -1) @ v
            presents.append((k, v))
        logits = self.head(kv.transpose(1, 2).reshape(b, s, -1))
        return (logits,) + C.flatten_cache(presents, self.layers)


def example(layers, heads, head_dim, batch, seq, past):
    ex = {"input_ids": torch.randint(0, 200, (batch, seq)), "attention_mask": torch.ones(batch, past + seq, dtype=torch.long)}
    for i, t in enumerate(C.dummy_past(layers, heads, head_dim, batch, past)):
        ex[f"past_key_values.{i // 2}.{'key' if i % 2 == 0 else 'value'}"] = t
    return ex


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def main():
    torch.manual_seed(0)
    layers, heads, head_dim = 2, 2, 3
    past_in, present_out, kv = C.kv_specs(layers, heads, head_dim)
    check(kv["pairs"][:2] == [["past_key_values.0.key", "present.0.key"], ["past_key_values.0.value", "present.0.value"]],
          f"pairs {kv['pairs']}")
    check(list(past_in)[3] == "past_key_values.1.value" and list(present_out)[3] == "present.1.value", "order")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        inputs = {"input_ids": (C.I64, ["batch", "seq"]), "attention_mask": (C.I64, ["batch", "total_seq"]), **past_in}
        outputs = {"logits": (C.F32, ["batch", "seq", 200]), **present_out}
        entry = C.export_graph(ToyDecoder(), example(layers, heads, head_dim, 2, 2, 3), inputs, outputs,
                               out / "toy.onnx", kv=kv, large=True)
        model = onnx.load(str(out / "toy.onnx"))
        names = [i.name for i in model.graph.input]
        check(names == list(inputs), f"input names {names}")
        check([o.name for o in model.graph.output] == list(outputs), "output names")
        dims = [d.dim_param or d.dim_value for d in model.graph.input[2].type.tensor_type.shape.dim]
        check(dims == ["batch", heads, "past_seq", head_dim], f"past dims {dims}")
        dims = [d.dim_param or d.dim_value for d in model.graph.output[1].type.tensor_type.shape.dim]
        check(dims == ["batch", heads, "total_seq", head_dim], f"present dims {dims}")
        check(entry["externalData"] and (out / entry["externalData"][0]["file"]).is_file(), "external data written")
        data = (out / entry["externalData"][0]["file"]).read_bytes()
        check(entry["externalData"][0]["sha256"] == hashlib.sha256(data).hexdigest(), "external sha256")
        check(entry["sha256"] == hashlib.sha256((out / "toy.onnx").read_bytes()).hexdigest(), "graph sha256")
        modes = [oct(os.stat(out / f).st_mode & 0o777) for f in ("toy.onnx", entry["externalData"][0]["file"])]
        check(modes[0] == modes[1], f"external data mode {modes[1]} differs from the graph's {modes[0]}")
        check(entry["kvCache"] is kv and entry["inputs"]["past_key_values.0.key"]["shape"][2] == "past_seq", "entry")
        (out / "tokenizer").mkdir()
        (out / "tokenizer" / "text.json").write_text("{}")
        manifest = {"name": "toy", "family": "blip", "variant": "toy", "llm": None, "modalities": ["image"],
                    "capabilities": ["captioning"], "graphs": {"text_decoder": entry},
                    "tokenizers": {"text": {"file": "tokenizer/text.json", "kind": "bert", "truncationSide": "right",
                                            "maxLength": 35}},
                    "specialTokens": {"text": {"pad": 0}}, "preprocess": {"image": C.image_preprocess(32)},
                    "prompts": {}, "generation": {"caption": C.generation(3, 20, 5)}}
        written = json.loads(C.write_manifest(out, manifest).read_text())
        check(written["formatVersion"] == 1 and list(written)[0] == "formatVersion", "formatVersion first")
        for bad, why in (({"family": "vit"}, "/family"), ({"extra": 1}, "unknown keys"),
                         ({"capabilities": ["caption"]}, "/capabilities")):
            try:
                C.write_manifest(out, {**manifest, **bad})
            except ValueError as error:
                check(why in str(error), f"{why} not in {error}")
            else:
                raise AssertionError(f"accepted {bad}")
    check_external_data_policy(layers, heads, head_dim, inputs, outputs, kv)
    check_output_folder()
    check_causal_4d()
    print("selftest_common: ok")


def check_external_data_policy(layers, heads, head_dim, inputs, outputs, kv):
    """--external-data: always moves even a tiny graph's weights out (and still self-checks it
    against onnxruntime), never keeps a graph marked large inline."""
    for policy, large, expect_external in (("always", False, True), ("never", True, False)):
        with tempfile.TemporaryDirectory() as tmp, C.external_data_policy(policy):
            C.CHECKS.clear()
            entry = C.export_graph(ToyDecoder(), example(layers, heads, head_dim, 2, 2, 3), inputs, outputs,
                                   Path(tmp) / "toy.onnx", kv=kv, large=large)
            check(bool(entry["externalData"]) == expect_external, f"--external-data {policy}: {entry['externalData']}")
            check(policy == "never" or "toy.onnx" in C.CHECKS or not _has_onnxruntime(), "external graph self-checked")
    try:
        with C.external_data_policy("sometimes"):
            pass
    except C.ExportError as error:
        check("auto, always, never" in str(error), f"policy error {error}")
    else:
        raise AssertionError("accepted --external-data sometimes")


def _has_onnxruntime() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def check_output_folder():
    """A non-empty --out is refused without --overwrite; a failed export leaves neither --out nor
    its staging folder; --overwrite replaces the old files instead of writing among them."""
    from . import cli
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        old = root / "old"
        old.mkdir()
        (old / "stale.onnx.data").write_text("x")
        try:
            cli.check_out(old, overwrite=False)
        except C.ExportError as error:
            check("--overwrite" in str(error) and "stale.onnx.data" in str(error), f"non-empty --out: {error}")
        else:
            raise AssertionError("a non-empty --out was accepted")
        for out, overwrite in ((root / "new" / "model", False), (old, True)):
            try:
                with cli.staged(out, overwrite) as stage:
                    (stage / "model.json").write_text("{}")
                    raise RuntimeError("export failed midway")
            except RuntimeError:
                pass
            check(sorted(p.name for p in root.iterdir()) == ["old"], f"failure left {sorted(root.iterdir())}")
        check((old / "stale.onnx.data").exists(), "a failed --overwrite export kept the old one")
        with cli.staged(old, overwrite=True) as stage:
            (stage / "model.json").write_text("{}")
        check(sorted(p.name for p in old.iterdir()) == ["model.json"], f"overwrite left {list(old.iterdir())}")
        check(sorted(p.name for p in root.iterdir()) == ["old"], f"leftovers {list(root.iterdir())}")
        check(old.stat().st_mode & 0o777 == 0o777 & ~cli._umask(), "the export folder has the usual mode")


def check_causal_4d():
    from .hf_llm import causal_4d
    mask = torch.tensor([[0, 1, 1, 1], [1, 1, 1, 1]])
    got = causal_4d(mask, 2, torch.float32)
    check(tuple(got.shape) == (2, 1, 2, 4), f"causal_4d shape {tuple(got.shape)}")
    allowed = (got == 0).int()[:, 0].tolist()
    # the last two of four positions: position 2 sees 0..2, position 3 sees 0..3; row 0 never sees its pad
    check(allowed == [[[0, 1, 1, 0], [0, 1, 1, 1]], [[1, 1, 1, 0], [1, 1, 1, 1]]], f"causal_4d {allowed}")
    check(float(got.min()) == torch.finfo(torch.float32).min, "masked value is the dtype minimum")


if __name__ == "__main__":
    main()
