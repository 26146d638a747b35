"""Tiny random LAVIS ALBEF models (retrieval, VQA) -> exported by lavis_albef.export_model (the code
path a LAVIS checkpoint takes after load_model) + LAVIS's own evaluation outputs as fixtures.

  python -m models.export.verify_tiny_lavis --out OUT [--lavis-src PATH]

LAVIS is taken from an installed `salesforce-lavis`, or with --lavis-src from a source checkout of
the LAVIS repository. `import lavis` imports every dataset builder and processor (decord, OpenCV,
webdataset, spaCy, ...); with --lavis-src only the model modules are imported, and the third-party
modules that they import but never call on the evaluation path are replaced by placeholders that
fail if called (`_placeholder_modules`). The records come from LAVIS's own evaluation code:
`compute_sim_matrix` (ITC top-k, then ITM + ITC; the retrieval protocol) and
`AlbefVQA.predict_answers` (rank the answer list by the answer decoder).

Writes OUT/lavis-tiny/ (per case model.json, ONNX graphs, tokenizer) and OUT/lavis-tiny/expected.json."""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import json
import os
import sys
import tempfile
import time
import types
from functools import partial
from pathlib import Path

import torch
from torch import nn

from . import lavis_albef
from . import tiny_configs as TC
from . import tiny_tokenizers as TT
from . import verify_common as V

TEXTS = ["a red circle on the left", "two blue squares", "a small green triangle", "the yellow star is large",
         "three shapes", "a big red square on the right"]
# Fixed points of LAVIS's question / caption processors (lower case, none of the punctuation they drop),
# so that LAVIS (given processed text) and vlbench (which processes raw text) see the same tokens.
QUESTIONS = ["what colour is the circle?", "how many shapes are there?", "is there a square?",
             "what shape is on the left?", "is the star large?", "what colour is the small square?"]
ANSWERS = ["red", "blue", "green", "two", "three", "yes", "no", "a circle", "one", "the left side"]
N_IMAGES, K_TEST, N_CANDIDATES = 4, 3, 4


# ---------------------------------------------------------------- importing LAVIS from a checkout

class _AnyAttribute(type):
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return f"{cls.__name__}.{name}"


def _fail(*_args, **_kwargs):
    raise RuntimeError("a placeholder for a dependency LAVIS's evaluation path never calls was called")


class _PlaceholderModule(types.ModuleType):
    """Every attribute is a class that fails when instantiated (imported, never used)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = _AnyAttribute(name, (object,), {"__init__": _fail})
        setattr(self, name, value)
        return value


class _Placeholders(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, roots):
        self.roots = tuple(roots)

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] in self.roots:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _PlaceholderModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def _placeholder_modules() -> list:
    """Modules the ALBEF model files import at module level, missing here, never called at evaluation:
    omegaconf (config loading), iopath (downloads), fairscale (gradient checkpointing), torchvision
    (dataset helpers; timm imports it too)."""
    missing = []
    for root in ("omegaconf", "iopath", "fairscale", "torchvision"):
        try:
            __import__(root)
        except Exception:  # noqa: BLE001 - absent or broken: replaced
            sys.modules.pop(root, None)
            missing.append(root)
    if missing:
        sys.meta_path.insert(0, _Placeholders(missing))
    return missing


def _package(name: str, path: Path) -> None:
    module = types.ModuleType(name)
    module.__path__ = [str(path)]
    sys.modules[name] = module


def import_lavis_models(src: str | None) -> dict:
    """Imports AlbefRetrieval / AlbefVQA; with `src`, from a checkout without lavis/__init__."""
    import transformers.modeling_utils as modeling_utils
    import transformers.pytorch_utils as pytorch_utils
    shims = []
    for helper in ("apply_chunking_to_forward", "find_pruneable_heads_and_indices", "prune_linear_layer"):
        if not hasattr(modeling_utils, helper):  # LAVIS med.py imports them from their pre-4.2x home
            setattr(modeling_utils, helper, getattr(pytorch_utils, helper))
            shims.append(f"transformers.modeling_utils.{helper} = transformers.pytorch_utils.{helper}")
    placeholders = []
    if src:
        placeholders = _placeholder_modules()
        lavis_dir = Path(src) / "lavis"
        _package("lavis", lavis_dir)
        _package("lavis.models", lavis_dir / "models")
        from lavis.common.registry import registry
        from lavis.models.base_model import BaseModel
        sys.modules["lavis.models"].BaseModel = BaseModel  # registry.register_model checks against it
        registry.register_path("library_root", str(lavis_dir))
        registry.register("MAX_INT", sys.maxsize)
    from lavis.models.albef_models import compute_sim_matrix
    from lavis.models.albef_models.albef_retrieval import AlbefRetrieval
    from lavis.models.albef_models.albef_vqa import AlbefVQA
    from lavis.models.med import BertLMHeadModel, XBertEncoder
    from lavis.models.vit import VisionTransformerEncoder
    return {"AlbefRetrieval": AlbefRetrieval, "AlbefVQA": AlbefVQA, "compute_sim_matrix": compute_sim_matrix,
            "BertLMHeadModel": BertLMHeadModel, "XBertEncoder": XBertEncoder,
            "VisionTransformerEncoder": VisionTransformerEncoder, "shims": shims, "placeholders": placeholders}


# ---------------------------------------------------------------- tiny models

def tokenizers(work: Path):
    """The tiny uncased WordPiece vocabulary as LAVIS loads BERT's (slow BertTokenizer) and as the
    exporter saves it (BertTokenizerFast), both from one vocab.txt."""
    from transformers import BertTokenizer, BertTokenizerFast
    fast = TT.bert_wordpiece(with_enc=False)
    vocab = sorted(fast.get_vocab().items(), key=lambda item: item[1])
    path = work / "vocab.txt"
    path.write_text("".join(f"{token}\n" for token, _ in vocab))
    return BertTokenizer(str(path), do_lower_case=True), BertTokenizerFast(str(path), do_lower_case=True)


def text_config(vocab: int, layers: int, fusion_layer: int):
    from transformers import BertConfig
    return BertConfig(vocab_size=vocab, hidden_size=TC.WIDTH, num_hidden_layers=layers, num_attention_heads=TC.HEADS,
                      intermediate_size=TC.FFN, max_position_embeddings=64, layer_norm_eps=1e-12, hidden_act="gelu",
                      pad_token_id=0, encoder_width=TC.WIDTH, add_cross_attention=True, fusion_layer=fusion_layer,
                      add_type_embeddings=False)


def vision_encoder(lavis: dict):
    """LAVIS's ViT (vit.py) at the tiny size; from_config only builds base/large."""
    vit = lavis["VisionTransformerEncoder"](img_size=TC.IMAGE_SIZE, patch_size=TC.PATCH, embed_dim=TC.WIDTH,
                                            depth=TC.LAYERS, num_heads=TC.HEADS, mlp_ratio=TC.FFN / TC.WIDTH,
                                            norm_layer=partial(nn.LayerNorm, eps=1e-6))
    vit.vision_width = TC.WIDTH  # as VisionTransformerEncoder.from_config sets it
    return vit


def with_tokenizer(cls, slow):
    """LAVIS's init_tokenizer loads bert-base-uncased from the hub; the tiny models use the tiny vocabulary."""
    return type(cls.__name__, (cls,), {"init_tokenizer": classmethod(lambda _cls: slow)})


def build(lavis: dict, task: str, slow, seed: int = 0):
    torch.manual_seed(seed)
    vocab = len(slow)
    text = lavis["XBertEncoder"](config=text_config(vocab, 3, 1), add_pooling_layer=False)
    if task == "retrieval":
        model = with_tokenizer(lavis["AlbefRetrieval"], slow)(
            image_encoder=vision_encoder(lavis), text_encoder=text, queue_size=8, embed_dim=16, use_distill=False)
    else:
        decoder = lavis["BertLMHeadModel"](config=text_config(vocab, 2, 0))
        model = with_tokenizer(lavis["AlbefVQA"], slow)(
            image_encoder=vision_encoder(lavis), text_encoder=text, text_decoder=decoder, use_distill=False)
    TC.sharpen(model, seed)
    return model.float().eval()


# ---------------------------------------------------------------- cases

class _Gallery:
    """What compute_sim_matrix reads of a data loader: dataset.text, dataset.image and batches."""

    def __init__(self, pixels, texts):
        self.dataset = types.SimpleNamespace(text=list(texts), image=list(range(len(pixels))))
        self.batches = [{"image": pixels[i:i + 2]} for i in range(0, len(pixels), 2)]

    def __iter__(self):
        return iter(self.batches)


def case_retrieval(lavis: dict, toks, out: Path) -> dict:
    slow, fast = toks
    model = build(lavis, "retrieval", slow)
    lavis_albef.export_model(model, fast, "retrieval", out, "lavis-tiny-albef-retrieval", "lavis:albef_retrieval tiny-random")
    pixels = V.images(N_IMAGES)
    with torch.no_grad():
        image_feat = nn.functional.normalize(model.vision_proj(model.visual_encoder.forward_features(pixels)[:, 0, :]), dim=-1)
        enc = slow(TEXTS, padding="max_length", truncation=True, max_length=35, return_tensors="pt")
        text_feat = nn.functional.normalize(model.text_proj(model.text_encoder.forward_text(enc).last_hidden_state[:, 0, :]), dim=-1)
        i2t, t2i = lavis["compute_sim_matrix"](model, _Gallery(pixels, TEXTS), k_test=K_TEST)
    return {"inputs": {"pixel_values": V.tensor(pixels), "texts": TEXTS, "input_ids": enc.input_ids.tolist(),
                       "k_test": K_TEST},
            "tensors": {"image_feat": V.tensor(image_feat), "text_feat": V.tensor(text_feat),
                        "score_matrix_i2t": V.tensor(torch.from_numpy(i2t)), "score_matrix_t2i": V.tensor(torch.from_numpy(t2i))}}


def case_vqa(lavis: dict, toks, out: Path) -> dict:
    slow, fast = toks
    model = build(lavis, "vqa", slow, seed=1)
    lavis_albef.export_model(model, fast, "vqa", out, "lavis-tiny-albef-vqa", "lavis:albef_vqa tiny-random")
    pixels = V.images(len(QUESTIONS), seed=99)
    with torch.no_grad():
        samples = {"image": pixels, "text_input": list(QUESTIONS)}
        answers = model.predict_answers(samples, answer_list=list(ANSWERS), num_ans_candidates=N_CANDIDATES)
        encoded = {"image": pixels, "text_input": list(QUESTIONS)}
        q_states = model.forward_encoder(encoded)[0].last_hidden_state
        scores = answer_scores(model, q_states, encoded["tokenized_text"].attention_mask)
    return {"inputs": {"pixel_values": V.tensor(pixels), "questions": QUESTIONS, "answer_list": ANSWERS,
                       "num_ans_candidates": N_CANDIDATES},
            "tensors": {"question_states": V.tensor(q_states), "answer_scores": V.tensor(scores)}, "answers": answers}


def answer_scores(model, q_states, q_mask):
    """rank_answers' second-stage score (-text_decoder loss, reduction "none") of every answer in the
    list for every question, the way rank_answers computes it for its top-k candidates."""
    enc = model.tokenizer(ANSWERS, padding="longest", return_tensors="pt")
    targets = enc.input_ids.masked_fill(enc.input_ids == model.tokenizer.pad_token_id, -100)
    rows = []
    for q in range(q_states.shape[0]):
        out = model.text_decoder(enc.input_ids, attention_mask=enc.attention_mask,
                                 encoder_hidden_states=q_states[q:q + 1].repeat(len(ANSWERS), 1, 1),
                                 encoder_attention_mask=q_mask[q:q + 1].repeat(len(ANSWERS), 1),
                                 labels=targets, return_dict=True, reduction="none")
        rows.append(-out.loss)
    return torch.stack(rows)


CASES = {"albef-retrieval": case_retrieval, "albef-vqa": case_vqa}


def versions(lavis_src: str | None) -> dict:
    found = V.versions(("transformers", "tokenizers", "timm", "onnx", "onnxruntime"))
    if lavis_src:
        import subprocess
        commit = subprocess.run(["git", "-C", lavis_src, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        found["lavis"] = f"source checkout at commit {commit or 'unknown'}"
    else:
        try:
            from importlib.metadata import version
            found["lavis"] = version("salesforce-lavis")
        except Exception as error:  # noqa: BLE001
            found["lavis"] = f"unavailable: {error}"
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--lavis-src", default=os.environ.get("LAVIS_SRC"),
                        help="a LAVIS source checkout, imported without lavis/__init__ (see the module docstring)")
    args = parser.parse_args(argv)
    bundle = Path(args.out) / "lavis-tiny"
    bundle.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    lavis = import_lavis_models(args.lavis_src)
    expected = {"versions": versions(args.lavis_src), "created_unix": int(time.time()), "cases": {},
                "import_shims": lavis["shims"], "placeholder_modules": lavis["placeholders"],
                "settings": {"image_size": TC.IMAGE_SIZE, "patch": TC.PATCH, "width": TC.WIDTH,
                             "weight_std": TC.WEIGHT_STD}}
    with tempfile.TemporaryDirectory() as tmp:
        toks = tokenizers(Path(tmp))
        for name, case in CASES.items():
            expected["cases"][name] = V.run_case(name, lambda case=case, name=name: case(lavis, toks, bundle / name))
    (bundle / "expected.json").write_text(json.dumps(expected) + "\n")
    statuses = [c["status"] for c in expected["cases"].values()]
    return 0 if statuses and all(s == "ok" for s in statuses) else 1


if __name__ == "__main__":
    raise SystemExit(main())
