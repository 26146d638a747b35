"""BLIP checkpoints through Hugging Face transformers -> vlbench contract (models/CONTRACT.md).

  python -m models.export.hf_blip --checkpoint Salesforce/blip-image-captioning-base --task caption --out DIR
  python -m models.export.hf_blip --checkpoint Salesforce/blip-itm-base-coco --task retrieval --out DIR
  python -m models.export.hf_blip --checkpoint Salesforce/blip-vqa-base --task vqa --out DIR

Task -> roles: caption: vision_encoder, text_decoder (KV cache); retrieval: vision_encoder
(+image_feat), text_encoder, fusion_encoder (input_ids carry [ENC] at position 0, supplied by the
runtime, as LAVIS does; HF's own retrieval forward feeds [CLS], model-contracts section 3.3);
vqa: vision_encoder, fusion_encoder (question encoder), answer_decoder.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from . import checkpoint as CK
from . import cli
from . import common as C

LAVIS_CAPTION_PROMPT = "a picture of "


def _ones_like_tokens(states):
    return torch.ones_like(states[:, :, 0], dtype=torch.long)


class VisionEncoder(nn.Module):
    def __init__(self, vision_model, vision_proj=None):
        super().__init__()
        self.vision_model, self.vision_proj = vision_model, vision_proj

    def forward(self, pixel_values):
        image_embeds = self.vision_model(pixel_values=pixel_values, return_dict=True).last_hidden_state
        if self.vision_proj is None:
            return image_embeds
        return image_embeds, F.normalize(self.vision_proj(image_embeds[:, 0, :]), dim=-1)


class TextEncoder(nn.Module):
    def __init__(self, text_encoder, text_proj):
        super().__init__()
        self.text_encoder, self.text_proj = text_encoder, text_proj

    def forward(self, input_ids, attention_mask):
        states = self.text_encoder(input_ids=input_ids, attention_mask=attention_mask, return_dict=True).last_hidden_state
        return states, F.normalize(self.text_proj(states[:, 0, :]), dim=-1)


class FusionEncoder(nn.Module):
    """Image-grounded text encoder; `itm_head` None for the VQA question encoder."""

    def __init__(self, text_encoder, itm_head=None):
        super().__init__()
        self.text_encoder, self.itm_head = text_encoder, itm_head

    def forward(self, input_ids, attention_mask, image_embeds):
        states = self.text_encoder(input_ids=input_ids, attention_mask=attention_mask,
                                   encoder_hidden_states=image_embeds,
                                   encoder_attention_mask=_ones_like_tokens(image_embeds),
                                   return_dict=True).last_hidden_state
        if self.itm_head is None:
            return states
        return states, self.itm_head(states[:, 0, :])


class TextDecoder(nn.Module):
    """BlipTextLMHeadModel step with a self-attention KV cache; cross-attention recomputed."""

    def __init__(self, text_decoder, layers):
        super().__init__()
        self.text_decoder, self.layers = text_decoder, layers

    def forward(self, input_ids, attention_mask, encoder_hidden_states, *past):
        out = self.text_decoder(input_ids=input_ids, attention_mask=attention_mask,
                                encoder_hidden_states=encoder_hidden_states,
                                encoder_attention_mask=_ones_like_tokens(encoder_hidden_states),
                                past_key_values=C.build_cache(list(past), encoder_decoder=True),
                                use_cache=True, return_dict=True)
        return (out.logits,) + C.flatten_cache(out.past_key_values, self.layers)


def honour_cross_attention_mask(text_model: nn.Module) -> None:
    """transformers 5.17's BlipTextLayer hands the encoder mask to cross-attention as `attention_mask`,
    and BlipTextSelfAttention then reads `encoder_attention_mask` (None), so padded question tokens
    are attended to. LAVIS (and transformers 4.x) mask them; the hook restores that, and is a no-op
    where the mask already arrives (4.x passes it positionally)."""

    def move_mask(_module, args, kwargs):
        if kwargs.get("encoder_hidden_states") is not None and kwargs.get("encoder_attention_mask") is None \
                and kwargs.get("attention_mask") is not None:
            kwargs = {**kwargs, "encoder_attention_mask": kwargs["attention_mask"]}
        return args, kwargs

    for name, module in text_model.named_modules():
        if name.endswith("crossattention.self") and not getattr(module, "_vlbench_mask_hook", False):
            module.register_forward_pre_hook(move_mask, with_kwargs=True)
            module._vlbench_mask_hook = True


class AnswerDecoder(nn.Module):
    """Teacher-forced answer decoder over the question states (no cache)."""

    def __init__(self, text_decoder):
        super().__init__()
        self.text_decoder = text_decoder
        honour_cross_attention_mask(text_decoder)

    def forward(self, input_ids, attention_mask, encoder_hidden_states, encoder_attention_mask):
        return self.text_decoder(input_ids=input_ids, attention_mask=attention_mask,
                                 encoder_hidden_states=encoder_hidden_states,
                                 encoder_attention_mask=encoder_attention_mask,
                                 use_cache=False, return_dict=True).logits


# ---------------------------------------------------------------- role exporters

def export_vision(model, out: Path, with_feat: bool) -> dict:
    vcfg = model.config.vision_config
    size, width = vcfg.image_size, vcfg.hidden_size
    patches = (size // vcfg.patch_size) ** 2 + 1
    outputs = {"image_embeds": (C.F32, ["batch", patches, width])}
    proj = model.vision_proj if with_feat else None
    if with_feat:
        outputs["image_feat"] = (C.F32, ["batch", proj.out_features])
    example = {"pixel_values": torch.randn(2, 3, size, size)}
    return C.export_graph(VisionEncoder(model.vision_model, proj), example,
                          {"pixel_values": (C.F32, ["batch", 3, size, size])}, outputs,
                          out / "vision_encoder.onnx", checks=[{"pixel_values": torch.randn(1, 3, size, size)}])


def _tokens(vocab, batch, seq):
    ids = torch.randint(3, vocab, (batch, seq))
    mask = torch.ones(batch, seq, dtype=torch.long)
    mask[0, -1] = 0
    return ids, mask


def _image_states(model, batch):
    vcfg = model.config.vision_config
    patches = (vcfg.image_size // vcfg.patch_size) ** 2 + 1
    return torch.randn(batch, patches, vcfg.hidden_size)


def export_text_encoder(model, out: Path) -> dict:
    tcfg = model.config.text_config
    ids, mask = _tokens(tcfg.vocab_size, 2, 5)
    ids2, mask2 = _tokens(tcfg.vocab_size, 3, 7)
    return C.export_graph(TextEncoder(model.text_encoder, model.text_proj), {"input_ids": ids, "attention_mask": mask},
                          {"input_ids": (C.I64, ["batch", "seq"]), "attention_mask": (C.I64, ["batch", "seq"])},
                          {"text_embeds": (C.F32, ["batch", "seq", tcfg.hidden_size]),
                           "text_feat": (C.F32, ["batch", model.text_proj.out_features])},
                          out / "text_encoder.onnx", checks=[{"input_ids": ids2, "attention_mask": mask2}])


def export_fusion(model, out: Path, itm: bool) -> dict:
    tcfg, vcfg = model.config.text_config, model.config.vision_config
    patches = (vcfg.image_size // vcfg.patch_size) ** 2 + 1
    ids, mask = _tokens(tcfg.vocab_size, 2, 5)
    ids2, mask2 = _tokens(tcfg.vocab_size, 3, 8)
    outputs = {"multimodal_embeds": (C.F32, ["batch", "seq", tcfg.hidden_size])}
    if itm:
        outputs["itm_logits"] = (C.F32, ["batch", 2])
    module = FusionEncoder(model.text_encoder, model.itm_head if itm else None)
    return C.export_graph(module, {"input_ids": ids, "attention_mask": mask, "image_embeds": _image_states(model, 2)},
                          {"input_ids": (C.I64, ["batch", "seq"]), "attention_mask": (C.I64, ["batch", "seq"]),
                           "image_embeds": (C.F32, ["batch", patches, vcfg.hidden_size])}, outputs,
                          out / "fusion_encoder.onnx",
                          checks=[{"input_ids": ids2, "attention_mask": mask2, "image_embeds": _image_states(model, 3)}])


def _decoder_example(model, batch, seq, past, heads, head_dim, layers):
    tcfg = model.config.text_config
    ids = torch.randint(3, tcfg.vocab_size, (batch, seq))
    example = {"input_ids": ids, "attention_mask": torch.ones(batch, past + seq, dtype=torch.long),
               "encoder_hidden_states": _image_states(model, batch)}
    for i, t in enumerate(C.dummy_past(layers, heads, head_dim, batch, past)):
        example[f"past_key_values.{i // 2}.{'key' if i % 2 == 0 else 'value'}"] = t
    return example


def export_text_decoder(model, out: Path) -> dict:
    tcfg, vcfg = model.config.text_config, model.config.vision_config
    layers, heads = tcfg.num_hidden_layers, tcfg.num_attention_heads
    head_dim = tcfg.hidden_size // heads
    patches = (vcfg.image_size // vcfg.patch_size) ** 2 + 1
    past_in, present_out, kv = C.kv_specs(layers, heads, head_dim)
    inputs = {"input_ids": (C.I64, ["batch", "seq"]), "attention_mask": (C.I64, ["batch", "total_seq"]),
              "encoder_hidden_states": (C.F32, ["batch", patches, vcfg.hidden_size]), **past_in}
    outputs = {"logits": (C.F32, ["batch", "seq", tcfg.vocab_size]), **present_out}
    make = lambda b, s, p: _decoder_example(model, b, s, p, heads, head_dim, layers)  # noqa: E731
    return C.export_graph(TextDecoder(model.text_decoder, layers), make(2, 2, 3), inputs, outputs,
                          out / "text_decoder.onnx", kv=kv, checks=[make(2, 4, 0), make(3, 1, 6)])


def export_answer_decoder(model, out: Path) -> dict:
    tcfg = model.config.text_config
    ids, mask = _tokens(tcfg.vocab_size, 2, 4)
    q_ids, q_mask = _tokens(tcfg.vocab_size, 2, 6)
    q_states = torch.randn(2, 6, tcfg.hidden_size)
    ids2, mask2 = _tokens(tcfg.vocab_size, 3, 2)
    return C.export_graph(
        AnswerDecoder(model.text_decoder),
        {"input_ids": ids, "attention_mask": mask, "encoder_hidden_states": q_states, "encoder_attention_mask": q_mask},
        {"input_ids": (C.I64, ["batch", "seq"]), "attention_mask": (C.I64, ["batch", "seq"]),
         "encoder_hidden_states": (C.F32, ["batch", "enc_seq", tcfg.hidden_size]),
         "encoder_attention_mask": (C.I64, ["batch", "enc_seq"])},
        {"logits": (C.F32, ["batch", "seq", tcfg.vocab_size])}, out / "answer_decoder.onnx",
        checks=[{"input_ids": ids2, "attention_mask": mask2, "encoder_hidden_states": torch.randn(3, 9, tcfg.hidden_size),
                 "encoder_attention_mask": torch.ones(3, 9, dtype=torch.long)}])


# ---------------------------------------------------------------- whole checkpoints

def blip_special(tokenizer, text_config) -> dict:
    """[DEC] is the text config's bos (30522 in the real vocabulary); [ENC] follows it (30523)."""
    special = C.bert_special(tokenizer, dec=False, enc=False)
    special["dec"] = int(text_config.bos_token_id)
    try:
        special["enc"] = C.token_id(tokenizer, "[ENC]")
    except ValueError:
        if special["dec"] + 1 >= text_config.vocab_size:
            raise
        special["enc"] = special["dec"] + 1  # LAVIS adds [ENC] right after [DEC]
    return special


# Architecture (config.architectures) -> (task, what it is); a hub checkpoint of each task.
ARCHITECTURES = {"BlipForConditionalGeneration": ("caption", "a captioning checkpoint"),
                 "BlipForImageTextRetrieval": ("retrieval", "an image-text retrieval (ITM) checkpoint"),
                 "BlipForQuestionAnswering": ("vqa", "a VQA checkpoint")}
EXAMPLES = {"caption": "Salesforce/blip-image-captioning-base", "retrieval": "Salesforce/blip-itm-base-coco",
            "vqa": "Salesforce/blip-vqa-base"}


def load(checkpoint: str, task: str):
    import transformers as T
    config = CK.read_config(checkpoint, "blip")
    cls = {"caption": T.BlipForConditionalGeneration, "retrieval": T.BlipForImageTextRetrieval,
           "vqa": T.BlipForQuestionAnswering}[task]
    model, info = CK.from_pretrained(cls, checkpoint, {"attn_implementation": "eager"}, {})
    CK.check_weights(checkpoint, config, info, task, ARCHITECTURES, EXAMPLES)
    return model.float().eval(), CK.tokenizer(checkpoint)


def export(checkpoint: str, task: str, out: Path, name: str | None = None, overwrite: bool = False,
           external_data: str = "auto") -> Path:
    """Exports into `out` (see cli.staged) and returns its model.json."""
    out = Path(out)
    cli.check_out(out, overwrite)
    model, tokenizer = load(checkpoint, task)
    with cli.staged(out, overwrite, external_data) as stage:
        write_export(model, tokenizer, checkpoint, task, stage, name)
    return out / "model.json"


def write_export(model, tokenizer, checkpoint: str, task: str, out: Path, name: str | None) -> Path:
    graphs = {"vision_encoder": export_vision(model, out, with_feat=task == "retrieval")}
    if task == "caption":
        graphs["text_decoder"] = export_text_decoder(model, out)
        capabilities = ["captioning"]
    elif task == "retrieval":
        graphs["text_encoder"] = export_text_encoder(model, out)
        graphs["fusion_encoder"] = export_fusion(model, out, itm=True)
        capabilities = ["retrieval"]
    else:
        graphs["fusion_encoder"] = export_fusion(model, out, itm=False)
        graphs["answer_decoder"] = export_answer_decoder(model, out)
        # LAVIS's BlipVQA ranks the answer list by default (inference_method "rank"); generating
        # is its option. Ranking needs only these three graphs.
        capabilities = ["vqa-rank", "vqa-generate"]
    size = model.config.vision_config.image_size
    manifest = {
        "name": name or cli.default_name(checkpoint), "family": "blip", "variant": f"hf:{checkpoint} ({task})",
        "llm": None, "modalities": ["image"], "capabilities": capabilities, "graphs": graphs,
        "tokenizers": {"text": C.save_tokenizer(tokenizer, out, "text", "bert", "right", 35)},
        "specialTokens": {"text": blip_special(tokenizer, model.config.text_config)},
        "preprocess": {"image": C.image_preprocess_from(checkpoint, size, "stretch")},
        # The task's own prompt and decoding settings only: model.json refuses what no capability reads.
        "prompts": ({"caption": LAVIS_CAPTION_PROMPT} if task == "caption"
                    else {"vqa": "{question}"} if task == "vqa" else {}),
        "generation": ({"caption": C.generation(3, 20, 5)} if task == "caption"
                       else {"vqa": C.generation(3, 10, 1)} if task == "vqa" else {}),
    }
    if task == "retrieval":
        manifest["retrieval"] = {"kTest": 256, "maxTextLength": 35}
    if task == "vqa":
        manifest["vqa"] = {"method": "rank", "numAnswerCandidates": 128}
    return C.write_manifest(out, manifest)


def main(argv=None):
    args = cli.base_args(__doc__.splitlines()[0], ("caption", "retrieval", "vqa")).parse_args(argv)
    cli.llm_dtype(cli.norm_dtype(args.dtype), False, "BLIP has no LLM roles")
    with cli.user_errors("hf_blip"):
        print(export(args.checkpoint, args.task, Path(args.out), args.name, args.overwrite, args.external_data))


if __name__ == "__main__":
    main()
