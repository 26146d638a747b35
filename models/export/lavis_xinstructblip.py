"""X-InstructBLIP (Vicuna-7B) through LAVIS -> vlbench contract (models/CONTRACT.md). NOT YET VERIFIED:
written against LAVIS HEAD (lavis/models/blip2_models/blip2_vicuna_xinstruct.py) but never run.

  python -m models.export.lavis_xinstructblip --checkpoint vicuna7b --out DIR [--dtype fp16]

Roles: vision_encoder (image_ln(image_encoder)), audio_encoder (audio_ln(BEATs(fbank)) per 5.12 s
clip), pointcloud_encoder (pc_ln(ULIP encoder)), qformer / qformer_video / qformer_audio /
qformer_pointcloud (instruction-aware, language_embeds = {modality}_llm_proj), llm_embed,
llm_decoder (Vicuna with explicit position_ids and KV cache). Known gap: video frames go through
the image encoder and image_ln (the contract has no video encoder); LAVIS applies video_ln, which
equals image_ln only when both were loaded from the same checkpoint — compare before trusting video.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from . import cli
from . import common as C
from . import hf_llm

ROLE_OF = {"image": "qformer", "video": "qformer_video", "audio": "qformer_audio", "pc": "qformer_pointcloud"}
MODALITY_OF = {"image": "image", "video": "video", "audio": "audio", "pc": "pointcloud"}


class Encoder(nn.Module):
    def __init__(self, encoder, ln):
        super().__init__()
        self.encoder, self.ln = encoder, ln

    def forward(self, x):
        states = self.ln(self.encoder(x)).float()
        return states.unsqueeze(1) if states.dim() == 2 else states


class InstructQFormer(nn.Module):
    def __init__(self, qformer, query_tokens, llm_proj):
        super().__init__()
        self.qformer, self.query_tokens, self.llm_proj = qformer, query_tokens, llm_proj

    def forward(self, encoder_embeds, qformer_input_ids, qformer_attention_mask):
        queries = self.query_tokens.expand(encoder_embeds.shape[0], -1, -1)
        n_query = queries.shape[1]
        mask = torch.cat([torch.ones_like(queries[:, :, 0], dtype=torch.long), qformer_attention_mask], dim=1)
        states = self.qformer.bert(qformer_input_ids, attention_mask=mask, query_embeds=queries,
                                   encoder_hidden_states=encoder_embeds,
                                   encoder_attention_mask=torch.ones_like(encoder_embeds[:, :, 0], dtype=torch.long),
                                   return_dict=True).last_hidden_state[:, :n_query, :]
        return states, self.llm_proj(states)


def _export_encoder(model, modality, example, in_name, out_name, role, out: Path) -> tuple:
    module = Encoder(getattr(model, f"{modality}_encoder"), getattr(model, f"{modality}_ln")).eval()
    with torch.no_grad():
        shape = module(example).shape
    in_shape = ["batch"] + list(example.shape[1:])
    entry = C.export_graph(module, {in_name: example}, {in_name: (C.F32, in_shape)},
                           {out_name: (C.F32, ["batch", shape[1], shape[2]])}, out / f"{role}.onnx",
                           checks=[{in_name: torch.randn(1, *example.shape[1:])}])
    return entry, shape


def _export_qformer(model, modality, enc_shape, out: Path) -> dict:
    qformer, tokens = getattr(model, f"{modality}_Qformer"), getattr(model, f"{modality}_query_tokens")
    proj = getattr(model, f"{modality}_llm_proj")
    vocab = qformer.bert.embeddings.word_embeddings.num_embeddings

    def example(batch, seq):
        mask = torch.ones(batch, seq, dtype=torch.long)
        mask[0, :1] = 0
        return {"encoder_embeds": torch.randn(batch, enc_shape[1], enc_shape[2]),
                "qformer_input_ids": torch.randint(999, vocab, (batch, seq)), "qformer_attention_mask": mask}

    role = ROLE_OF[modality]
    return C.export_graph(
        InstructQFormer(qformer, tokens, proj), example(2, 6),
        {"encoder_embeds": (C.F32, ["batch", enc_shape[1], enc_shape[2]]), "qformer_input_ids": (C.I64, ["batch", "seq"]),
         "qformer_attention_mask": (C.I64, ["batch", "seq"])},
        {"query_output": (C.F32, ["batch", tokens.shape[1], tokens.shape[2]]),
         "language_embeds": (C.F32, ["batch", tokens.shape[1], proj.out_features])},
        out / f"{role}.onnx", checks=[example(3, 9)])


def export(checkpoint: str, out: Path, dtype: str = C.F32, name: str | None = None, overwrite: bool = False,
           external_data: str = "auto") -> Path:
    """Exports into `out` (see cli.staged) and returns its model.json."""
    out = Path(out)
    cli.check_out(out, overwrite)
    from lavis.models import load_model
    model = load_model("blip2_vicuna_xinstruct", checkpoint, is_eval=True, device="cpu").float().eval()
    with cli.staged(out, overwrite, external_data) as stage:
        write_export(model, checkpoint, stage, dtype, name)
    return out / "model.json"


def write_export(model, checkpoint: str, out: Path, dtype: str, name: str | None) -> Path:
    from transformers import BertTokenizerFast, LlamaTokenizerFast
    size = 224
    graphs = {}
    graphs["vision_encoder"], image_shape = _export_encoder(model, "image", torch.randn(2, 3, size, size),
                                                            "pixel_values", "image_embeds", "vision_encoder", out)
    graphs["audio_encoder"], audio_shape = _export_encoder(model, "audio", torch.randn(2, 512, 128), "fbank",
                                                           "audio_embeds", "audio_encoder", out)
    graphs["pointcloud_encoder"], pc_shape = _export_encoder(model, "pc", torch.randn(2, 8192, 3), "points",
                                                             "pointcloud_embeds", "pointcloud_encoder", out)
    for modality, shape in (("image", image_shape), ("video", image_shape), ("audio", audio_shape), ("pc", pc_shape)):
        graphs[ROLE_OF[modality]] = _export_qformer(model, modality, shape, out)
    graphs.update(hf_llm.export_llm(model.llm_model, out, dtype))
    bert = BertTokenizerFast.from_pretrained("bert-base-uncased", truncation_side="left")
    bert.add_special_tokens({"bos_token": "[DEC]"})
    llm_tok = LlamaTokenizerFast.from_pretrained(model.llm_model.config._name_or_path, truncation_side="left")
    llm_tok.add_special_tokens({"pad_token": "[PAD]", "bos_token": "</s>", "eos_token": "</s>", "unk_token": "</s>"})
    cue = getattr(model, "MODALITY_TO_CUE", {})
    manifest = {
        "name": name or f"xinstructblip-{checkpoint}" + ("-fp16" if dtype == C.F16 else ""), "family": "xinstructblip",
        "variant": f"lavis:blip2_vicuna_xinstruct {checkpoint} ({dtype} LLM)", "llm": {"kind": "decoder-only", "name": "vicuna"},
        "modalities": ["image", "audio", "video", "pointcloud"],
        "capabilities": ["captioning", "vqa-generate", "instruction-generate", "instruction-rank"], "graphs": graphs,
        "tokenizers": {"text": C.save_tokenizer(bert, out, "text", "bert", "left", 128),
                       "llm": C.save_tokenizer(llm_tok, out, "llm", "llama-sp", "left", None)},
        "specialTokens": {"text": {**C.bert_special(bert, dec=False, enc=False), "dec": C.token_id(bert, "[DEC]")},
                          "llm": C.vicuna_special(llm_tok)},
        "preprocess": {"image": C.image_preprocess(size, "crop"),
                       "video": {"frames": 4, "sampling": "uniform", "size": size, "channelOrder": "rgb"},
                       "audio": {"sampleRate": 16000, "clips": 2, "clipSeconds": 5.12, "melBins": 128, "framesPerClip": 512},
                       "pointcloud": {"points": 8192, "mode": "modelnet", "seed": 0}},
        "prompts": {"caption": "A short description", "vqa": "Question: {question} Short answer:", "instruction": "{question}"},
        "generation": {"caption": C.generation(5, 30, 1, 1.0, 1.5), "vqa": C.generation(5, 10, 1, -1.0, 1.5),
                       "instruction": C.generation(5, 256, 1, 1.0, 1.5)},
        "vqa": {"method": "generate"},  # numAnswerCandidates is for ranking models only
        "xinstruct": {"cues": {MODALITY_OF[m]: c for m, c in cue.items() if m in MODALITY_OF},
                      "cleanTokenization": bool(getattr(model, "clean_tokenization", False)),
                      "addSpace": bool(getattr(model, "add_space", False)),
                      "prefix": getattr(model, "prefix", "") or "", "postfix": getattr(model, "postfix", "") or ""},
    }
    return C.write_manifest(out, manifest)


def main(argv=None):
    parser = cli.base_args(__doc__.splitlines()[0], ("llm",))
    for action in parser._actions:
        if action.dest == "task":
            action.required = False
    args = parser.parse_args(argv)
    with cli.user_errors("lavis_xinstructblip"):
        print(export(args.checkpoint, Path(args.out), cli.norm_dtype(args.dtype), args.name, args.overwrite,
                     args.external_data))


if __name__ == "__main__":
    main()
