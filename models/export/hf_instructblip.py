"""InstructBLIP checkpoints through Hugging Face transformers -> vlbench contract (models/CONTRACT.md).

  python -m models.export.hf_instructblip --checkpoint Salesforce/instructblip-vicuna-7b --llm vicuna --out DIR --dtype fp16
  python -m models.export.hf_instructblip --checkpoint Salesforce/instructblip-flan-t5-xl --llm t5 --out DIR

Roles: vision_encoder, qformer (instruction-aware: encoder_embeds, qformer_input_ids,
qformer_attention_mask -> query_output, language_embeds), llm_embed, llm_decoder (+ llm_encoder for T5).
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from . import checkpoint as CK
from . import cli
from . import common as C
from . import hf_blip2, hf_llm

CAPTION_PROMPT = "A short image caption."


class InstructQFormer(nn.Module):
    """[32 queries ; instruction tokens], fully bidirectional; only the query positions are kept."""

    def __init__(self, model):
        super().__init__()
        self.query_tokens, self.qformer = model.query_tokens, model.qformer
        self.language_projection = model.language_projection

    def forward(self, encoder_embeds, qformer_input_ids, qformer_attention_mask):
        queries = self.query_tokens.expand(encoder_embeds.shape[0], -1, -1)
        n_query = queries.shape[1]
        mask = torch.cat([torch.ones_like(queries[:, :, 0], dtype=torch.long), qformer_attention_mask], dim=1)
        states = self.qformer(input_ids=qformer_input_ids, attention_mask=mask, query_embeds=queries,
                              encoder_hidden_states=encoder_embeds,
                              encoder_attention_mask=torch.ones_like(encoder_embeds[:, :, 0], dtype=torch.long),
                              return_dict=True).last_hidden_state
        query_output = states[:, :n_query, :]
        return query_output, self.language_projection(query_output)


def export_qformer(model, out: Path) -> dict:
    vcfg, qcfg = model.config.vision_config, model.config.qformer_config
    n_query, patches, width = model.query_tokens.shape[1], hf_blip2.patches_of(vcfg), vcfg.hidden_size

    def example(batch, seq):
        mask = torch.ones(batch, seq, dtype=torch.long)
        mask[0, :2] = 0  # the Q-Former copy is left-truncated and padded
        return {"encoder_embeds": torch.randn(batch, patches, width),
                "qformer_input_ids": torch.randint(3, qcfg.vocab_size, (batch, seq)), "qformer_attention_mask": mask}

    return C.export_graph(
        InstructQFormer(model), example(2, 6),
        {"encoder_embeds": (C.F32, ["batch", patches, width]), "qformer_input_ids": (C.I64, ["batch", "seq"]),
         "qformer_attention_mask": (C.I64, ["batch", "seq"])},
        {"query_output": (C.F32, ["batch", n_query, qcfg.hidden_size]),
         "language_embeds": (C.F32, ["batch", n_query, model.language_projection.out_features])},
        out / "qformer.onnx", checks=[example(3, 9), example(1, 3)])


ARCHITECTURES = {"InstructBlipForConditionalGeneration": ("llm", "an InstructBLIP checkpoint")}
EXAMPLES = {"llm": "Salesforce/instructblip-flan-t5-xl"}
LLM_NAMES = {"llama": "vicuna", "opt": "opt", "t5": "t5"}  # text_config.model_type -> --llm
# LAVIS truncates the Q-Former's copy of the instruction to 128 tokens (max_txt_len).
QFORMER_MAX_TOKENS = 128


def load(checkpoint: str, config):
    import transformers as T
    model, info = CK.from_pretrained(T.InstructBlipForConditionalGeneration, checkpoint,
                                     {"attn_implementation": "eager", "dtype": torch.float32},
                                     {"torch_dtype": torch.float32})  # transformers 4.x: torch_dtype
    CK.check_weights(checkpoint, config, info, "llm", ARCHITECTURES, EXAMPLES)
    return model.eval(), CK.tokenizer(checkpoint), CK.tokenizer(checkpoint, subfolder="qformer_tokenizer")


def qformer_max_length(qformer_config) -> int:
    """The instruction's text positions come from the Q-Former's position table (the 32 queries
    take none): a longer instruction fails in the graph, so cap LAVIS's 128 at the table size."""
    return min(QFORMER_MAX_TOKENS, int(qformer_config.max_position_embeddings))


def qformer_special(tokenizer) -> dict:
    special = C.bert_special(tokenizer, dec=False, enc=False)
    try:
        special["dec"] = C.token_id(tokenizer, "[DEC]")
    except ValueError:
        pass  # the instruction path never uses [DEC]
    return special


def generation(llm_name: str) -> dict:
    """LAVIS InstructBLIP evaluation settings (model-contracts sections 5.3, 5.4)."""
    t5 = llm_name == "t5"
    vqa_lp = -1.0 if t5 else 0.0
    new = (lambda n: n) if t5 else (lambda n: None)  # noqa: E731
    return {"caption": C.generation(5, 80, 10, 1.0, 1.5, max_new_tokens=new(80)),
            "vqa": C.generation(5, 10, 1, vqa_lp, 1.5, max_new_tokens=new(10)),
            "instruction": C.generation(5, 256, 1, 1.0, 1.5, max_new_tokens=new(256))}


def export(checkpoint: str, out: Path, llm_name: str | None, dtype: str = C.F32, name: str | None = None,
           overwrite: bool = False, external_data: str = "auto") -> Path:
    """Exports into `out` (see cli.staged) and returns its model.json. `llm_name` None: the
    checkpoint's; one that contradicts the checkpoint is refused."""
    out = Path(out)
    cli.check_out(out, overwrite)
    config = CK.read_config(checkpoint, "instructblip")
    llm_name = CK.resolve_llm(checkpoint, config, llm_name, LLM_NAMES)
    dtype = cli.llm_dtype(dtype, llm_name != "t5", "only OPT and Vicuna LLM roles take fp16")
    model, llm_tok, qformer_tok = load(checkpoint, config)
    with cli.staged(out, overwrite, external_data) as stage:
        write_export(model, llm_tok, qformer_tok, checkpoint, stage, llm_name, dtype, name)
    return out / "model.json"


def write_export(model, llm_tok, qformer_tok, checkpoint: str, out: Path, llm_name: str, dtype: str,
                 name: str | None) -> Path:
    """`dtype`: the LLM roles' dtype as applied (float32 for T5)."""
    lm = hf_llm.causal_lm(model)
    size = model.config.vision_config.image_size
    graphs = {"vision_encoder": hf_blip2.export_vision(model, out), "qformer": export_qformer(model, out)}
    graphs.update(hf_llm.export_llm(lm, out, dtype))
    parts = hf_blip2.llm_manifest_parts(lm, llm_tok, llm_name, out)
    qformer_length = qformer_max_length(model.config.qformer_config)
    text_tok = C.save_tokenizer(qformer_tok, out, "text", "bert", "left", qformer_length)
    manifest = {
        "name": name or cli.default_name(checkpoint, dtype), "family": "instructblip",
        "variant": f"hf:{checkpoint} ({llm_name}, {dtype} LLM)",
        # Video as LAVIS runs InstructBLIP on MSVD/MSRVTT-QA: 4 frames (n_frms), each through
        # the image graphs, uniform RGB sampling as at paper time (model-contracts §5.2, §5.4).
        "llm": parts["llm"], "modalities": ["image", "video"],
        "capabilities": ["captioning", "vqa-generate", "instruction-generate", "instruction-rank"],
        "graphs": graphs,
        "tokenizers": {"text": text_tok, "llm": parts["tokenizer"]},
        "specialTokens": {"text": qformer_special(qformer_tok), "llm": parts["special"]},
        "preprocess": {"image": C.image_preprocess_from(checkpoint, size, "stretch"),
                       "video": {"frames": 4, "sampling": "uniform", "size": size, "channelOrder": "rgb"}},
        "prompts": {"caption": CAPTION_PROMPT, "vqa": hf_blip2.VQA_PROMPT, "instruction": "{question}"},
        "generation": generation(llm_name),
        "vqa": {"method": "generate"},  # numAnswerCandidates is for ranking models only
    }
    return C.write_manifest(out, manifest)


def main(argv=None):
    parser = cli.base_args(__doc__.splitlines()[0], ("llm",))
    parser.set_defaults(task="llm")
    for action in parser._actions:
        if action.dest == "task":
            action.required = False
    parser.add_argument("--llm", choices=["vicuna", "opt", "t5"], default=None,
                        help="default: from the checkpoint's config (text_config.model_type), which it must match")
    args = parser.parse_args(argv)
    with cli.user_errors("hf_instructblip"):
        print(export(args.checkpoint, Path(args.out), args.llm, cli.norm_dtype(args.dtype), args.name,
                     args.overwrite, args.external_data))


if __name__ == "__main__":
    main()
