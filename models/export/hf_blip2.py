"""BLIP-2 checkpoints through Hugging Face transformers -> vlbench contract (models/CONTRACT.md).

  python -m models.export.hf_blip2 --checkpoint Salesforce/blip2-opt-2.7b --task llm --llm opt --out DIR [--dtype fp16]
  python -m models.export.hf_blip2 --checkpoint Salesforce/blip2-flan-t5-xl --task llm --llm t5 --out DIR
  python -m models.export.hf_blip2 --checkpoint Salesforce/blip2-itm-vit-g --task retrieval --out DIR

llm: vision_encoder (ViT incl. its final LayerNorm = LAVIS ln_vision), qformer (query_output,
language_embeds = language_projection(query_output)), llm_embed, llm_decoder (+ llm_encoder for T5).
retrieval (Blip2ForImageTextRetrieval): vision_encoder, qformer (query_output, image_feat),
qformer_text (text_feat), qformer_itm (itm_score = mean over the queries of the class-1 logit).
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from . import checkpoint as CK
from . import cli
from . import common as C
from . import hf_llm

OPT_CAPTION_PROMPT = "a photo of"
VQA_PROMPT = "Question: {question} Short answer:"


def _ones(states):
    return torch.ones_like(states[:, :, 0], dtype=torch.long)


class VisionEncoder(nn.Module):
    def __init__(self, vision_model):
        super().__init__()
        self.vision_model = vision_model

    def forward(self, pixel_values):
        return self.vision_model(pixel_values=pixel_values, return_dict=True).last_hidden_state


class QFormer(nn.Module):
    """The 32 learned queries cross-attending to the image; optional heads folded in."""

    def __init__(self, query_tokens, qformer, vision_proj=None, language_projection=None):
        super().__init__()
        self.query_tokens, self.qformer = query_tokens, qformer
        self.vision_proj, self.language_projection = vision_proj, language_projection

    def forward(self, encoder_embeds):
        queries = self.query_tokens.expand(encoder_embeds.shape[0], -1, -1)
        query_output = self.qformer(query_embeds=queries, encoder_hidden_states=encoder_embeds,
                                    encoder_attention_mask=_ones(encoder_embeds), return_dict=True).last_hidden_state
        outs = [query_output]
        if self.vision_proj is not None:
            outs.append(F.normalize(self.vision_proj(query_output), dim=-1))
        if self.language_projection is not None:
            outs.append(self.language_projection(query_output))
        return tuple(outs) if len(outs) > 1 else query_output


class QFormerText(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.embeddings, self.qformer, self.text_proj = model.embeddings, model.qformer, _text_projection(model)

    def forward(self, input_ids, attention_mask):
        embeds = self.embeddings(input_ids=input_ids)
        states = self.qformer(query_embeds=embeds, query_length=0, attention_mask=attention_mask,
                              return_dict=True).last_hidden_state
        return F.normalize(self.text_proj(states[:, 0, :]), dim=-1)


class QFormerItm(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.query_tokens, self.embeddings = model.query_tokens, model.embeddings
        self.qformer, self.itm_head = model.qformer, model.itm_head

    def forward(self, encoder_embeds, input_ids, attention_mask):
        queries = self.query_tokens.expand(encoder_embeds.shape[0], -1, -1)
        n_query = queries.shape[1]
        mask = torch.cat([torch.ones_like(queries[:, :, 0], dtype=torch.long), attention_mask], dim=1)
        embeds = self.embeddings(input_ids=input_ids, query_embeds=queries)
        # No encoder_attention_mask: image tokens are never padded, and transformers 5.17 builds that
        # mask over the query+text length (38 x 17 here), which only its mask-skipping hides in eager
        # mode; under tracing nothing is skipped and cross-attention fails on the shape.
        states = self.qformer(query_embeds=embeds, query_length=n_query, attention_mask=mask,
                              encoder_hidden_states=encoder_embeds, return_dict=True).last_hidden_state
        return self.itm_head(states[:, :n_query, :]).mean(dim=1)[:, 1]


def _vision_projection(model):
    return getattr(model, "vision_projection", None) or model.vision_proj


def _text_projection(model):
    return getattr(model, "text_projection", None) or model.text_proj


def patches_of(vision_config) -> int:
    return (vision_config.image_size // vision_config.patch_size) ** 2 + 1


def export_vision(model, out: Path) -> dict:
    vcfg = model.config.vision_config
    size = vcfg.image_size
    return C.export_graph(VisionEncoder(model.vision_model), {"pixel_values": torch.randn(2, 3, size, size)},
                          {"pixel_values": (C.F32, ["batch", 3, size, size])},
                          {"image_embeds": (C.F32, ["batch", patches_of(vcfg), vcfg.hidden_size])},
                          out / "vision_encoder.onnx", checks=[{"pixel_values": torch.randn(1, 3, size, size)}])


def export_qformer(model, out: Path, retrieval: bool) -> dict:
    vcfg, qcfg = model.config.vision_config, model.config.qformer_config
    n_query = model.query_tokens.shape[1]
    outputs = {"query_output": (C.F32, ["batch", n_query, qcfg.hidden_size])}
    if retrieval:
        proj = _vision_projection(model)
        outputs["image_feat"] = (C.F32, ["batch", n_query, proj.out_features])
        module = QFormer(model.query_tokens, model.qformer, vision_proj=proj)
    else:
        llm_hidden = model.language_projection.out_features
        outputs["language_embeds"] = (C.F32, ["batch", n_query, llm_hidden])
        module = QFormer(model.query_tokens, model.qformer, language_projection=model.language_projection)
    patches, width = patches_of(vcfg), vcfg.hidden_size
    return C.export_graph(module, {"encoder_embeds": torch.randn(2, patches, width)},
                          {"encoder_embeds": (C.F32, ["batch", patches, width])}, outputs, out / "qformer.onnx",
                          checks=[{"encoder_embeds": torch.randn(3, patches, width)}])


def _text_example(vocab, batch, seq):
    mask = torch.ones(batch, seq, dtype=torch.long)
    mask[0, -2:] = 0
    return torch.randint(3, vocab, (batch, seq)), mask


def export_qformer_text(model, out: Path) -> dict:
    vocab = model.config.qformer_config.vocab_size
    ids, mask = _text_example(vocab, 2, 6)
    ids2, mask2 = _text_example(vocab, 3, 9)
    return C.export_graph(QFormerText(model), {"input_ids": ids, "attention_mask": mask},
                          {"input_ids": (C.I64, ["batch", "seq"]), "attention_mask": (C.I64, ["batch", "seq"])},
                          {"text_feat": (C.F32, ["batch", _text_projection(model).out_features])},
                          out / "qformer_text.onnx", checks=[{"input_ids": ids2, "attention_mask": mask2}])


def export_qformer_itm(model, out: Path) -> dict:
    vcfg = model.config.vision_config
    vocab, patches, width = model.config.qformer_config.vocab_size, patches_of(vcfg), vcfg.hidden_size
    ids, mask = _text_example(vocab, 2, 6)
    ids2, mask2 = _text_example(vocab, 3, 9)
    return C.export_graph(
        QFormerItm(model), {"encoder_embeds": torch.randn(2, patches, width), "input_ids": ids, "attention_mask": mask},
        {"encoder_embeds": (C.F32, ["batch", patches, width]), "input_ids": (C.I64, ["batch", "seq"]),
         "attention_mask": (C.I64, ["batch", "seq"])},
        {"itm_score": (C.F32, ["batch"])}, out / "qformer_itm.onnx",
        checks=[{"encoder_embeds": torch.randn(3, patches, width), "input_ids": ids2, "attention_mask": mask2}])


# Architecture (config.architectures) -> (task, what it is); a hub checkpoint of each task.
ARCHITECTURES = {"Blip2ForConditionalGeneration": ("llm", "a BLIP-2 checkpoint with its LLM"),
                 "Blip2ForImageTextRetrieval": ("retrieval", "a Q-Former retrieval (ITM) checkpoint")}
EXAMPLES = {"llm": "Salesforce/blip2-opt-2.7b", "retrieval": "Salesforce/blip2-itm-vit-g"}
LLM_NAMES = {"opt": "opt", "t5": "t5"}  # text_config.model_type -> --llm


def load(checkpoint: str, task: str, config):
    import transformers as T
    cls = T.Blip2ForImageTextRetrieval if task == "retrieval" else T.Blip2ForConditionalGeneration
    model, info = CK.from_pretrained(cls, checkpoint, {"attn_implementation": "eager", "dtype": torch.float32},
                                     {"torch_dtype": torch.float32})  # transformers 4.x: torch_dtype
    CK.check_weights(checkpoint, config, info, task, ARCHITECTURES, EXAMPLES)
    return model.eval(), CK.tokenizer(checkpoint)


def llm_manifest_parts(lm, tokenizer, llm_name: str, out: Path) -> dict:
    """tokenizers.llm, specialTokens.llm and the llm record of an LLM model."""
    if llm_name == "t5":
        tok = C.save_tokenizer(tokenizer, out, "llm", "t5-unigram", "right", None)
        special = C.t5_special(tokenizer)
    elif llm_name == "opt":
        tok = C.save_tokenizer(tokenizer, out, "llm", "gpt2-bpe", "right", None)
        special = C.opt_special(tokenizer)
    else:
        tok = C.save_tokenizer(tokenizer, out, "llm", "llama-sp", "left", None)
        special = C.vicuna_special(tokenizer)
    return {"tokenizer": tok, "special": special, "llm": hf_llm.llm_spec(lm, llm_name)}


def llm_generation(llm_name: str, caption_min: int, repetition: float = 1.0) -> dict:
    """LAVIS evaluation defaults (model-contracts sections 4.4, 4.5, 5.3)."""
    if llm_name == "t5":
        return {"caption": C.generation(5, 30, caption_min, 1.0, repetition, max_new_tokens=30),
                "vqa": C.generation(5, 10, 1, -1.0, repetition, max_new_tokens=10)}
    return {"caption": C.generation(5, 30, caption_min, 1.0, repetition),
            "vqa": C.generation(5, 10, 1, 0.0, repetition)}


def export(checkpoint: str, task: str, out: Path, llm_name: str | None, dtype: str = C.F32,
           name: str | None = None, overwrite: bool = False, external_data: str = "auto") -> Path:
    """Exports into `out` (see cli.staged) and returns its model.json. `llm_name` None: the
    checkpoint's; one that contradicts the checkpoint is refused."""
    out = Path(out)
    cli.check_out(out, overwrite)
    config = CK.read_config(checkpoint, "blip-2")
    if task == "retrieval" and llm_name is not None:
        raise C.ExportError(f"--llm {llm_name}: --task retrieval exports no LLM; drop --llm")
    if task == "llm":
        llm_name = CK.resolve_llm(checkpoint, config, llm_name, LLM_NAMES)
    why_not = "only OPT and Vicuna LLM roles take fp16" if task == "llm" else "--task retrieval has no LLM roles"
    dtype = cli.llm_dtype(dtype, task == "llm" and llm_name != "t5", why_not)
    model, tokenizer = load(checkpoint, task, config)
    with cli.staged(out, overwrite, external_data) as stage:
        write_export(model, tokenizer, checkpoint, task, stage, llm_name, dtype, name)
    return out / "model.json"


def write_export(model, tokenizer, checkpoint: str, task: str, out: Path, llm_name: str | None, dtype: str,
                 name: str | None) -> Path:
    """`dtype`: the LLM roles' dtype as applied (float32 for T5 and retrieval)."""
    size = model.config.vision_config.image_size
    graphs = {"vision_encoder": export_vision(model, out),
              "qformer": export_qformer(model, out, retrieval=task == "retrieval")}
    manifest = {"name": name or cli.default_name(checkpoint, dtype), "family": "blip2", "modalities": ["image"],
                "preprocess": {"image": C.image_preprocess_from(checkpoint, size, "stretch")}}
    if task == "retrieval":
        graphs["qformer_text"] = export_qformer_text(model, out)
        graphs["qformer_itm"] = export_qformer_itm(model, out)
        manifest.update({
            # models/manifest.ts requires an llm entry for every blip2 manifest, even the
            # retrieval half that has no LLM graphs; this one is declared but never used.
            "variant": f"hf:{checkpoint} (Q-Former retrieval)", "capabilities": ["retrieval"],
            "llm": {"kind": "decoder-only", "name": "opt"},
            "description": "BLIP-2 Q-Former retrieval model; no LLM graphs (the llm entry is a placeholder)",
            "tokenizers": {"text": C.save_tokenizer(tokenizer, out, "text", "bert", "right", 35)},
            "specialTokens": {"text": C.bert_special(tokenizer, dec=False, enc=False)},
            "prompts": {}, "generation": {}, "retrieval": {"kTest": 128, "maxTextLength": 35}})
    else:
        lm = hf_llm.causal_lm(model)
        graphs.update(hf_llm.export_llm(lm, out, dtype))
        parts = llm_manifest_parts(lm, tokenizer, llm_name, out)
        manifest.update({
            "variant": f"hf:{checkpoint} ({llm_name}, {dtype} LLM)",
            "llm": parts["llm"], "capabilities": ["captioning", "vqa-generate"],
            "tokenizers": {"llm": parts["tokenizer"]}, "specialTokens": {"llm": parts["special"]},
            "prompts": {"caption": OPT_CAPTION_PROMPT, "vqa": VQA_PROMPT},
            "generation": llm_generation(llm_name, 8),
            "vqa": {"method": "generate"}})  # numAnswerCandidates is for ranking models only
    manifest["graphs"] = graphs
    return C.write_manifest(out, manifest)


def main(argv=None):
    parser = cli.base_args(__doc__.splitlines()[0], ("llm", "retrieval"))
    parser.add_argument("--llm", choices=["opt", "t5"], default=None,
                        help="default: from the checkpoint's config (text_config.model_type), which it must match")
    args = parser.parse_args(argv)
    with cli.user_errors("hf_blip2"):
        print(export(args.checkpoint, args.task, Path(args.out), args.llm, cli.norm_dtype(args.dtype), args.name,
                     args.overwrite, args.external_data))


if __name__ == "__main__":
    main()
