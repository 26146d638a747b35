"""The frozen-LLM roles of BLIP-2 / InstructBLIP through transformers: llm_embed, llm_decoder
(decoder-only OPT / Llama-Vicuna with explicit position_ids and a KV cache), llm_encoder +
llm_decoder (T5, always float32, self-attention cache only)."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from . import common as C


class LlmEmbed(nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, input_ids):
        return self.table(input_ids)


def causal_4d(attention_mask, seq: int, dtype):
    """[batch, 1, seq, total] additive mask (0 = attend, dtype min = masked) for the last `seq`
    positions of a [batch, total] padding mask. transformers passes a 4D mask through unchanged,
    which sidesteps its mask builders when they do not trace."""
    total = attention_mask.shape[1]
    queries = torch.arange(seq) + (total - seq)
    keys = torch.arange(total)
    allowed = (keys[None, :] <= queries[:, None])[None, None, :, :] & attention_mask[:, None, None, :].bool()
    return (~allowed).to(dtype) * torch.finfo(dtype).min


class DecoderOnlyStep(nn.Module):
    """OPT adds its learned-position offset (2) to the given position_ids inside
    OPTLearnedPositionalEmbedding; Llama uses them for rotary embeddings as given."""

    def __init__(self, lm, layers, mask4d: bool = False):
        super().__init__()
        self.lm, self.layers, self.mask4d = lm, layers, mask4d

    def forward(self, inputs_embeds, attention_mask, position_ids, *past):
        mask = causal_4d(attention_mask, inputs_embeds.shape[1], inputs_embeds.dtype) if self.mask4d else attention_mask
        out = self.lm(inputs_embeds=inputs_embeds, attention_mask=mask, position_ids=position_ids,
                      past_key_values=C.build_cache(list(past)), use_cache=True, return_dict=True)
        return (out.logits,) + C.flatten_cache(out.past_key_values, self.layers)


class T5Encoder(nn.Module):
    def __init__(self, lm):
        super().__init__()
        self.encoder = lm.get_encoder()

    def forward(self, inputs_embeds, attention_mask):
        return self.encoder(inputs_embeds=inputs_embeds, attention_mask=attention_mask, return_dict=True).last_hidden_state


class T5DecoderStep(nn.Module):
    """The whole T5ForConditionalGeneration forward from given encoder states, so the tied-embedding
    rescaling before lm_head is transformers' own."""

    def __init__(self, lm, layers, mask4d: bool = False):
        super().__init__()
        self.lm, self.layers, self.mask4d = lm, layers, mask4d

    def forward(self, input_ids, encoder_hidden_states, encoder_attention_mask, *past):
        from transformers.modeling_outputs import BaseModelOutput
        decoder_mask = None
        if self.mask4d:
            seen = torch.cat([torch.ones_like(past[0][:, 0, :, 0], dtype=torch.long), torch.ones_like(input_ids)], dim=1)
            decoder_mask = causal_4d(seen, input_ids.shape[1], encoder_hidden_states.dtype)
        out = self.lm(encoder_outputs=BaseModelOutput(last_hidden_state=encoder_hidden_states),
                      attention_mask=encoder_attention_mask, decoder_input_ids=input_ids,
                      decoder_attention_mask=decoder_mask,
                      past_key_values=C.build_cache(list(past), encoder_decoder=True), use_cache=True,
                      return_dict=True)
        return (out.logits,) + C.flatten_cache(out.past_key_values, self.layers)


def is_t5(lm) -> bool:
    return bool(getattr(lm.config, "is_encoder_decoder", False))


def _kv_shape(cfg):
    heads = getattr(cfg, "num_key_value_heads", None) or cfg.num_attention_heads
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    return cfg.num_hidden_layers, heads, head_dim


def _with_past(example, layers, heads, head_dim, batch, past, dtype):
    for i, t in enumerate(C.dummy_past(layers, heads, head_dim, batch, past, dtype)):
        example[f"past_key_values.{i // 2}.{'key' if i % 2 == 0 else 'value'}"] = t
    return example


def export_embed(lm, out: Path, dtype: str) -> dict:
    cfg = lm.config
    hidden = cfg.d_model if is_t5(lm) else cfg.hidden_size
    table = lm.get_input_embeddings()
    vocab = table.num_embeddings
    return C.export_graph(LlmEmbed(table), {"input_ids": torch.randint(0, vocab, (2, 5))},
                          {"input_ids": (C.I64, ["batch", "seq"])},
                          {"inputs_embeds": (dtype, ["batch", "seq", hidden])}, out / "llm_embed.onnx",
                          checks=[{"input_ids": torch.randint(0, vocab, (1, 1))}])


def _positions(mask, seq):
    pos = torch.cumsum(mask, dim=1) - 1
    pos = pos.masked_fill(mask == 0, 1)
    return pos[:, -seq:]


def _padding_positions(example: dict, output: str):
    """Left-padding query rows attend to nothing; their logits and cache entries are never read
    (later queries mask those keys), and in float16 torch and onnxruntime fill such fully masked
    rows differently (-65504 vs -inf after overflow), so the export self-check skips them."""
    pad = example["attention_mask"].numpy() == 0  # [batch, total]
    if output == "logits":  # [batch, seq, vocab]: the last seq positions of the mask
        return pad[:, pad.shape[1] - example["inputs_embeds"].shape[1]:, None]
    return pad[:, None, :, None]  # present.*: [batch, heads, total, head_dim]


def export_decoder_only(lm, out: Path, dtype: str) -> dict:
    layers, heads, head_dim = _kv_shape(lm.config)
    hidden, vocab = lm.config.hidden_size, lm.get_output_embeddings().out_features
    tdtype = torch.float16 if dtype == C.F16 else torch.float32

    def make(batch, seq, past, left_pad=0):
        mask = torch.ones(batch, past + seq, dtype=torch.long)
        mask[0, :left_pad] = 0
        example = {"inputs_embeds": torch.randn(batch, seq, hidden).to(tdtype), "attention_mask": mask,
                   "position_ids": _positions(mask, seq)}
        return _with_past(example, layers, heads, head_dim, batch, past, tdtype)

    past_in, present_out, kv = C.kv_specs(layers, heads, head_dim, dtype)
    inputs = {"inputs_embeds": (dtype, ["batch", "seq", hidden]), "attention_mask": (C.I64, ["batch", "total_seq"]),
              "position_ids": (C.I64, ["batch", "seq"]), **past_in}
    outputs = {"logits": (dtype, ["batch", "seq", vocab]), **present_out}
    return with_mask_fallback(
        lambda mask4d: C.export_graph(DecoderOnlyStep(lm, layers, mask4d), make(2, 2, 3), inputs, outputs,
                                      out / "llm_decoder.onnx", kv=kv,
                                      checks=[make(2, 5, 0, left_pad=2), make(3, 1, 6, left_pad=1)],
                                      large=_is_large(lm), unread=_padding_positions), "llm_decoder.onnx")


def with_mask_fallback(export, file: str) -> dict:
    """Exports with transformers' own 2D-mask handling; if that fails to trace or to match
    onnxruntime, once more with the causal mask built in the wrapper (recorded in CHECKS)."""
    try:
        return export(False)
    except Exception as error:  # noqa: BLE001 - the retry below raises if it fails too
        first = f"{type(error).__name__}: {error}"[:2000]
    entry = export(True)
    C.CHECKS.setdefault(file, {})["mask"] = f"4d mask built in the wrapper; the 2d path failed with {first}"
    return entry


def export_t5(lm, out: Path) -> dict:
    cfg = lm.config
    layers = getattr(cfg, "num_decoder_layers", None) or cfg.num_layers
    heads, head_dim, hidden, vocab = cfg.num_heads, cfg.d_kv, cfg.d_model, lm.config.vocab_size

    def enc_example(batch, seq):
        mask = torch.ones(batch, seq, dtype=torch.long)
        mask[0, -1:] = 0
        return {"inputs_embeds": torch.randn(batch, seq, hidden), "attention_mask": mask}

    def dec_example(batch, seq, past, enc):
        mask = torch.ones(batch, enc, dtype=torch.long)
        mask[0, -1:] = 0
        example = {"input_ids": torch.randint(0, vocab, (batch, seq)),
                   "encoder_hidden_states": torch.randn(batch, enc, hidden), "encoder_attention_mask": mask}
        return _with_past(example, layers, heads, head_dim, batch, past, torch.float32)

    encoder = C.export_graph(T5Encoder(lm), enc_example(2, 6),
                             {"inputs_embeds": (C.F32, ["batch", "enc_seq", hidden]),
                              "attention_mask": (C.I64, ["batch", "enc_seq"])},
                             {"encoder_hidden_states": (C.F32, ["batch", "enc_seq", hidden])},
                             out / "llm_encoder.onnx", checks=[enc_example(3, 9)], large=_is_large(lm))
    past_in, present_out, kv = C.kv_specs(layers, heads, head_dim)
    inputs = {"input_ids": (C.I64, ["batch", "seq"]),
              "encoder_hidden_states": (C.F32, ["batch", "enc_seq", hidden]),
              "encoder_attention_mask": (C.I64, ["batch", "enc_seq"]), **past_in}
    outputs = {"logits": (C.F32, ["batch", "seq", vocab]), **present_out}
    decoder = with_mask_fallback(
        lambda mask4d: C.export_graph(T5DecoderStep(lm, layers, mask4d), dec_example(2, 2, 3, 6), inputs, outputs,
                                      out / "llm_decoder.onnx", kv=kv,
                                      checks=[dec_example(2, 1, 0, 6), dec_example(3, 1, 5, 4), dec_example(2, 4, 0, 7)],
                                      large=_is_large(lm)), "llm_decoder.onnx")
    return {"llm_encoder": encoder, "llm_decoder": decoder}


def _is_large(lm) -> bool:
    return sum(p.numel() * p.element_size() for p in lm.parameters()) >= C.EXTERNAL_DATA_BYTES


def export_llm(lm, out: Path, dtype: str) -> dict:
    """All LLM roles; T5 is always float32 (fp16 T5 overflows, CONTRACT section 1)."""
    if is_t5(lm):
        lm.float()
        graphs = {"llm_embed": export_embed(lm, out, C.F32)}
        graphs.update(export_t5(lm, out))
        return graphs
    C.to_dtype(lm, dtype)
    return {"llm_embed": export_embed(lm, out, dtype), "llm_decoder": export_decoder_only(lm, out, dtype)}


def llm_spec(lm, name: str) -> dict:
    return {"kind": "encoder-decoder" if is_t5(lm) else "decoder-only", "name": name}


def causal_lm(model):
    """The composite model's LLM with its LM head. Some transformers versions keep only the base
    model under `language_model` and the head on the composite model; then the two are joined
    into a fresh *ForCausalLM / *ForConditionalGeneration with the same weights."""
    lm = model.language_model
    if lm.get_output_embeddings() is not None:
        return lm
    head = getattr(model, "lm_head", None)
    if head is None:
        raise RuntimeError("language_model has no LM head and the composite model has no lm_head")
    from transformers import AutoModelForCausalLM, AutoModelForSeq2SeqLM
    make = AutoModelForSeq2SeqLM if getattr(lm.config, "is_encoder_decoder", False) else AutoModelForCausalLM
    full = make.from_config(lm.config)
    getattr(full, full.base_model_prefix).load_state_dict(lm.state_dict())
    full.get_output_embeddings().load_state_dict(head.state_dict())
    return full.to(next(lm.parameters()).dtype).eval()
