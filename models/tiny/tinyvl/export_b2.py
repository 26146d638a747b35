"""ONNX roles of the BLIP-2 family (CONTRACT.md §2: Q-Former roles, frozen LLM roles, modality
encoders)."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from . import lms, nets
from .export import F32, I64, padded_mask, dummy_past, export_role, flatten, kv_spec, pairs_of
from .qformer import NUM_QUERIES

PATCHES = 65


class VisionB2(nn.Module):
    def __init__(self, vit, ln):
        super().__init__()
        self.vit, self.ln = vit, ln

    def forward(self, pixel_values):
        return self.ln(self.vit(pixel_values))


class QFormerRole(nn.Module):
    """Query pass. `retrieval` (stage-1 model) adds image_feat; `bridge` (stage-2/instruction
    model) adds language_embeds and provides query_output; instruction-aware when `instruct`."""

    def __init__(self, retrieval=None, bridge=None, instruct=False):
        super().__init__()
        self.retrieval, self.bridge, self.instruct = retrieval, bridge, instruct

    def forward(self, encoder_embeds, qformer_input_ids=None, qformer_attention_mask=None):
        outs = []
        if self.bridge is not None:
            qf = self.bridge.qformer
            if self.instruct:
                q = qf.joint(encoder_embeds, qformer_input_ids, qformer_attention_mask)[:, :NUM_QUERIES]
            else:
                q = qf.queries(encoder_embeds)
            outs.append(q)
        if self.retrieval is not None:
            r = self.retrieval.qformer.queries(encoder_embeds)
            if self.bridge is None:
                outs.append(r)
            outs.append(nets.l2norm(self.retrieval.vision_proj(r)))
        if self.bridge is not None:
            outs.append(self.bridge.proj(q))
        return tuple(outs)


class QTextRole(nn.Module):
    def __init__(self, st):
        super().__init__()
        self.st = st

    def forward(self, input_ids, attention_mask):
        return self.st.text_feat(input_ids, attention_mask)


class QItmRole(nn.Module):
    def __init__(self, st):
        super().__init__()
        self.st = st

    def forward(self, encoder_embeds, input_ids, attention_mask):
        return self.st.itm_score(encoder_embeds, input_ids, attention_mask)


class EmbedRole(nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, input_ids):
        return self.table(input_ids)


class OptDecoderRole(nn.Module):
    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        logits, presents = self.lm(inputs_embeds, attention_mask, position_ids, pairs_of(list(past)))
        return (logits,) + flatten(presents)


class T5EncoderRole(nn.Module):
    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, inputs_embeds, attention_mask):
        return self.lm.encode(inputs_embeds, attention_mask)


class T5DecoderRole(nn.Module):
    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, input_ids, encoder_hidden_states, encoder_attention_mask, *past):
        logits, presents = self.lm.decode(input_ids, encoder_hidden_states, encoder_attention_mask, pairs_of(list(past)))
        return (logits,) + flatten(presents)


def export_vision(vit, ln, out: Path) -> dict:
    return export_role(VisionB2(vit, ln), {"pixel_values": torch.randn(2, 3, 64, 64)},
                       {"pixel_values": (F32, ["batch", 3, 64, 64])},
                       {"image_embeds": (F32, ["batch", PATCHES, vit.width])}, out / "vision_encoder.onnx")


def export_qformer(out: Path, file: str, enc_dim: int, enc_len, retrieval=None, bridge=None, instruct=False) -> dict:
    enc = torch.randn(2, enc_len if isinstance(enc_len, int) else 3, enc_dim)
    args = {"encoder_embeds": enc}
    ins = {"encoder_embeds": (F32, ["batch", enc_len, enc_dim])}
    if instruct:
        args.update({"qformer_input_ids": torch.randint(5, 100, (2, 6)), "qformer_attention_mask": padded_mask(2, 6)})
        ins.update({"qformer_input_ids": (I64, ["batch", "seq"]), "qformer_attention_mask": (I64, ["batch", "seq"])})
    d = 64
    outs = {"query_output": (F32, ["batch", NUM_QUERIES, d])}
    if retrieval is not None:
        outs["image_feat"] = (F32, ["batch", NUM_QUERIES, retrieval.vision_proj.out_features])
    if bridge is not None:
        outs["language_embeds"] = (F32, ["batch", NUM_QUERIES, bridge.proj.out_features])
    return export_role(QFormerRole(retrieval, bridge, instruct), args, ins, outs, out / file)


def export_retrieval_text(st, out: Path) -> dict:
    ids, mask = torch.randint(5, 100, (2, 7)), padded_mask(2, 7)
    text = export_role(QTextRole(st), {"input_ids": ids, "attention_mask": mask},
                       {"input_ids": (I64, ["batch", "seq"]), "attention_mask": (I64, ["batch", "seq"])},
                       {"text_feat": (F32, ["batch", st.text_proj.out_features])}, out / "qformer_text.onnx")
    itm = export_role(QItmRole(st), {"encoder_embeds": torch.randn(2, PATCHES, 64), "input_ids": ids, "attention_mask": mask},
                      {"encoder_embeds": (F32, ["batch", PATCHES, 64]), "input_ids": (I64, ["batch", "seq"]),
                       "attention_mask": (I64, ["batch", "seq"])},
                      {"itm_score": (F32, ["batch"])}, out / "qformer_itm.onnx")
    return {"qformer_text": text, "qformer_itm": itm}


def export_opt(lm: lms.OptLM, out: Path) -> dict:
    v, h = lm.embed.num_embeddings, lm.dim
    heads, hd = lm.heads, h // lm.heads
    g = {"llm_embed": export_role(EmbedRole(lm.embed), {"input_ids": torch.randint(0, v, (2, 4))},
                                  {"input_ids": (I64, ["batch", "seq"])},
                                  {"inputs_embeds": (F32, ["batch", "seq", h])}, out / "llm_embed.onnx")}
    kin, kout, kv = kv_spec(lm.n_layers, heads, hd)
    args = {"inputs_embeds": torch.randn(2, 2, h), "attention_mask": torch.tensor([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]]),
            "position_ids": torch.tensor([[3, 4], [1, 2]])}
    args.update(dict(zip(kin, dummy_past(lm.n_layers, heads, hd, 2, 3))))
    g["llm_decoder"] = export_role(
        OptDecoderRole(lm), args,
        {"inputs_embeds": (F32, ["batch", "seq", h]), "attention_mask": (I64, ["batch", "total_seq"]),
         "position_ids": (I64, ["batch", "seq"]), **kin},
        {"logits": (F32, ["batch", "seq", v]), **kout}, out / "llm_decoder.onnx", kv)
    return g


def export_t5(lm: lms.T5LM, out: Path) -> dict:
    v, h = lm.shared.num_embeddings, lm.dim
    heads, hd = lm.heads, h // lm.heads
    g = {"llm_embed": export_role(EmbedRole(lm.shared), {"input_ids": torch.randint(0, v, (2, 4))},
                                  {"input_ids": (I64, ["batch", "seq"])},
                                  {"inputs_embeds": (F32, ["batch", "seq", h])}, out / "llm_embed.onnx")}
    g["llm_encoder"] = export_role(
        T5EncoderRole(lm), {"inputs_embeds": torch.randn(2, 6, h), "attention_mask": padded_mask(2, 6)},
        {"inputs_embeds": (F32, ["batch", "enc_seq", h]), "attention_mask": (I64, ["batch", "enc_seq"])},
        {"encoder_hidden_states": (F32, ["batch", "enc_seq", h])}, out / "llm_encoder.onnx")
    kin, kout, kv = kv_spec(lm.n_layers, heads, hd)
    args = {"input_ids": torch.randint(0, v, (2, 2)), "encoder_hidden_states": torch.randn(2, 6, h),
            "encoder_attention_mask": padded_mask(2, 6)}
    args.update(dict(zip(kin, dummy_past(lm.n_layers, heads, hd, 2, 3))))
    g["llm_decoder"] = export_role(
        T5DecoderRole(lm), args,
        {"input_ids": (I64, ["batch", "seq"]), "encoder_hidden_states": (F32, ["batch", "enc_seq", h]),
         "encoder_attention_mask": (I64, ["batch", "enc_seq"]), **kin},
        {"logits": (F32, ["batch", "seq", v]), **kout}, out / "llm_decoder.onnx", kv)
    return g


class Modality(nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, x):
        return self.enc(x)


def export_audio(enc, out: Path) -> dict:
    return export_role(Modality(enc), {"fbank": torch.randn(2, 512, 128)}, {"fbank": (F32, ["batch", 512, 128])},
                       {"audio_embeds": (F32, ["batch", 256, enc.width])}, out / "audio_encoder.onnx")


def export_points(enc, out: Path) -> dict:
    return export_role(Modality(enc), {"points": torch.randn(2, 100, 3)}, {"points": (F32, ["batch", "points", 3])},
                       {"pointcloud_embeds": (F32, ["batch", 1, enc.width])}, out / "pointcloud_encoder.onnx")
