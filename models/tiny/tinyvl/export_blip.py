"""ONNX roles of tiny-blip and tiny-albef (CONTRACT.md §2 'ALBEF and BLIP text side')."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from . import nets
from .blip import BlipModel, CAPTION_PROMPT
from .export import F32, I64, padded_mask, bert_special, dummy_past, export_role, flatten, image_preprocess, kv_spec, pairs_of, write_manifest


class VisionRole(nn.Module):
    def __init__(self, vit, proj=None):
        super().__init__()
        self.vit, self.proj = vit, proj

    def forward(self, pixel_values):
        x = self.vit(pixel_values)
        if self.proj is None:
            return x
        return x, nets.l2norm(self.proj(x[:, 0]))


class TextRole(nn.Module):
    def __init__(self, m: BlipModel):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        x = self.m.text.text(input_ids, attention_mask)
        return x, self.m.text_feat(x)


class FusionRole(nn.Module):
    """ALBEF: (text_embeds, attention_mask, image_embeds); BLIP: (input_ids, attention_mask, image_embeds)."""

    def __init__(self, m: BlipModel):
        super().__init__()
        self.m = m

    def forward(self, text, attention_mask, image_embeds):
        if self.m.albef:
            x = self.m.text.fuse(text, attention_mask, image_embeds)
        else:
            x = self.m.text.multimodal(text, attention_mask, image_embeds)
        return x, self.m.itm_head(x[:, 0])


class CachedDecoderRole(nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, input_ids, attention_mask, encoder_hidden_states, *past):
        logits, presents = self.dec(input_ids, attention_mask, encoder_hidden_states, None, pairs_of(list(past)))
        return (logits,) + flatten(presents)


class AnswerDecoderRole(nn.Module):
    def __init__(self, dec):
        super().__init__()
        self.dec = dec

    def forward(self, input_ids, attention_mask, encoder_hidden_states, encoder_attention_mask):
        return self.dec(input_ids, attention_mask, encoder_hidden_states, encoder_attention_mask)[0]


def export_blip(m: BlipModel, out: Path, name: str) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    cfg, tok, v = m.cfg, m.tok, len(m.tok.vocab)
    patches = (64 // 8) ** 2 + 1
    b, s = 2, 5
    px = torch.randn(b, 3, 64, 64)
    ids = torch.randint(5, v - 2, (b, s))
    mask = padded_mask(b, s)
    img = torch.randn(b, patches, cfg.vision_dim)
    txt = torch.randn(b, s, cfg.text_dim)
    graphs = {}
    graphs["vision_encoder"] = export_role(
        VisionRole(m.vit, m.vision_proj), {"pixel_values": px},
        {"pixel_values": (F32, ["batch", 3, 64, 64])},
        {"image_embeds": (F32, ["batch", patches, cfg.vision_dim]), "image_feat": (F32, ["batch", cfg.embed_dim])},
        out / "vision_encoder.onnx")
    graphs["text_encoder"] = export_role(
        TextRole(m), {"input_ids": ids, "attention_mask": mask},
        {"input_ids": (I64, ["batch", "seq"]), "attention_mask": (I64, ["batch", "seq"])},
        {"text_embeds": (F32, ["batch", "seq", cfg.text_dim]), "text_feat": (F32, ["batch", cfg.embed_dim])},
        out / "text_encoder.onnx")
    first = ("text_embeds", (F32, ["batch", "seq", cfg.text_dim]), txt) if m.albef else \
        ("input_ids", (I64, ["batch", "seq"]), ids)
    graphs["fusion_encoder"] = export_role(
        FusionRole(m), {first[0]: first[2], "attention_mask": mask, "image_embeds": img},
        {first[0]: first[1], "attention_mask": (I64, ["batch", "seq"]),
         "image_embeds": (F32, ["batch", patches, cfg.vision_dim])},
        {"multimodal_embeds": (F32, ["batch", "seq", cfg.text_dim]), "itm_logits": (F32, ["batch", 2])},
        out / "fusion_encoder.onnx")
    heads, hd = cfg.heads, cfg.text_dim // cfg.heads
    if not m.albef:
        kin, kout, kv = kv_spec(cfg.decoder_layers, heads, hd)
        past = dummy_past(cfg.decoder_layers, heads, hd, b, 3)
        args = {"input_ids": ids[:, :2], "attention_mask": padded_mask(b, 5),
                "encoder_hidden_states": img}
        args.update({k: t for k, t in zip(kin, past)})
        graphs["text_decoder"] = export_role(
            CachedDecoderRole(m.decoder), args,
            {"input_ids": (I64, ["batch", "seq"]), "attention_mask": (I64, ["batch", "total_seq"]),
             "encoder_hidden_states": (F32, ["batch", patches, cfg.vision_dim]), **kin},
            {"logits": (F32, ["batch", "seq", v]), **kout}, out / "text_decoder.onnx", kv)
    graphs["answer_decoder"] = export_role(
        AnswerDecoderRole(m.answer_decoder),
        {"input_ids": ids, "attention_mask": mask, "encoder_hidden_states": txt,
         "encoder_attention_mask": mask},
        {"input_ids": (I64, ["batch", "seq"]), "attention_mask": (I64, ["batch", "seq"]),
         "encoder_hidden_states": (F32, ["batch", "enc_seq", cfg.text_dim]),
         "encoder_attention_mask": (I64, ["batch", "enc_seq"])},
        {"logits": (F32, ["batch", "seq", v])}, out / "answer_decoder.onnx")
    manifest = {
        "name": name, "family": "albef" if m.albef else "blip",
        "variant": "tiny (synthetic world, 64 px)",
        "llm": None, "modalities": ["image"],
        "capabilities": ["retrieval", "vqa-rank"] if m.albef else ["retrieval", "captioning", "vqa-rank", "vqa-generate"],
        "graphs": graphs,
        "tokenizers": {"text": {"file": "tokenizer/text.json", "kind": "bert", "truncationSide": "right", "maxLength": 35}},
        "specialTokens": {"text": bert_special(tok)},
        "preprocess": {"image": image_preprocess("stretch")},
        "prompts": {"vqa": "{question}"} if m.albef else {"caption": CAPTION_PROMPT, "vqa": "{question}"},
        # ALBEF only ranks answers: a generation block would be unused, which the loader refuses.
        "generation": {} if m.albef else {
            "caption": {"numBeams": 3, "maxLength": 20, "minLength": 5},
            "vqa": {"numBeams": 3, "maxLength": 10, "minLength": 1}},
        "retrieval": {"kTest": 256, "maxTextLength": 35},
        "vqa": {"method": "rank", "numAnswerCandidates": 128},
        "xinstruct": None,
    }
    if m.albef:  # ALBEF has no [DEC]/[ENC]: its vocabulary carries them only because it is shared
        manifest["specialTokens"]["text"] = {k: v for k, v in bert_special(tok).items() if k not in ("dec", "enc")}
    write_manifest(out, manifest, {"text": (tok, "bert")})
    return manifest
