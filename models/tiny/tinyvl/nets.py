"""Transformer building blocks of the tiny BLIP-family models.

Hand-written attention (no nn.MultiheadAttention / nn.TransformerEncoderLayer) so that every
module exports to ONNX with dynamic batch/sequence axes and explicit KV caches. Masks are
additive and built where LAVIS builds them: -10000 for BERT / Q-Former (LAVIS), a large negative
for the LLMs (HF uses finfo.min; -1e9 behaves the same after softmax and never overflows).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

BERT_NEG = -10000.0
LLM_NEG = -1e9


def gelu(x: torch.Tensor) -> torch.Tensor:
    return F.gelu(x)  # exact erf GELU (BERT, ViT, Q-Former, FlanT5 as LAVIS overrides it)


class Attention(nn.Module):
    """Multi-head attention; self-attention when `source` is None. Returns (out, (k, v))."""

    def __init__(self, dim: int, heads: int, source_dim: int | None = None, bias: bool = True,
                 scale: bool = True):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        src = source_dim or dim
        self.q = nn.Linear(dim, dim, bias=bias)
        self.k = nn.Linear(src, dim, bias=bias)
        self.v = nn.Linear(src, dim, bias=bias)
        self.o = nn.Linear(dim, dim, bias=bias)
        self.scale = 1.0 / math.sqrt(self.head_dim) if scale else 1.0

    def split(self, x: torch.Tensor) -> torch.Tensor:
        b, t = x.shape[0], x.shape[1]
        return x.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x, source=None, mask=None, past=None, bias=None):
        q = self.split(self.q(x))
        src = x if source is None else source
        k, v = self.split(self.k(src)), self.split(self.v(src))
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        scores = torch.matmul(q, k.transpose(-1, -2)) * self.scale
        if bias is not None:
            scores = scores + bias
        if mask is not None:
            scores = scores + mask
        out = torch.matmul(scores.softmax(dim=-1), v)
        b, t = x.shape[0], x.shape[1]
        out = out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim)
        return self.o(out), (k, v)


class FeedForward(nn.Module):
    def __init__(self, dim: int, hidden: int, act=gelu):
        super().__init__()
        self.fc1, self.fc2, self.act = nn.Linear(dim, hidden), nn.Linear(hidden, dim), act

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class ViTBlock(nn.Module):
    """Pre-norm ViT block (LN eps 1e-6, exact GELU), as lavis/models/vit.py."""

    def __init__(self, dim: int, heads: int, mlp: int):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.attn, self.mlp = Attention(dim, heads), FeedForward(dim, mlp)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))[0]
        return x + self.mlp(self.ln2(x))


class ViT(nn.Module):
    """Patch-8 ViT over 64x64 images: 64 patches + CLS = 65 tokens, final LayerNorm."""

    def __init__(self, dim=64, layers=3, heads=4, mlp=256, image=64, patch=8, final_norm=True):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, patch, patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, dim) * 0.02)
        self.blocks = nn.ModuleList([ViTBlock(dim, heads, mlp) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim, eps=1e-6) if final_norm else nn.Identity()
        self.width = dim

    def forward(self, pixels):
        x = self.patch(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        for block in self.blocks:
            x = block(x)
        return self.norm(x)


class BertLayer(nn.Module):
    """Post-norm BERT layer (LN eps 1e-12) with optional cross-attention.

    With `query_len` > 0 (Q-Former), cross-attention and a separate FFN apply to the first
    `query_len` positions only, and the remaining (text) positions use the text FFN.
    """

    def __init__(self, dim, heads, ffn, cross_dim=None, query_ffn=False):
        super().__init__()
        self.attn, self.ln_attn = Attention(dim, heads), nn.LayerNorm(dim, eps=1e-12)
        self.cross = Attention(dim, heads, cross_dim) if cross_dim else None
        self.ln_cross = nn.LayerNorm(dim, eps=1e-12) if cross_dim else None
        self.ffn, self.ln_ffn = FeedForward(dim, ffn), nn.LayerNorm(dim, eps=1e-12)
        self.ffn_q = FeedForward(dim, ffn) if query_ffn else None
        self.ln_ffn_q = nn.LayerNorm(dim, eps=1e-12) if query_ffn else None

    def _ffn(self, x, query=False):
        if query:
            return self.ln_ffn_q(x + self.ffn_q(x))
        return self.ln_ffn(x + self.ffn(x))

    def forward(self, x, mask=None, enc=None, enc_mask=None, past=None, query_len=0):
        a, present = self.attn(x, mask=mask, past=past)
        x = self.ln_attn(x + a)
        if query_len > 0:
            q, t = x[:, :query_len], x[:, query_len:]
            if self.cross is not None and enc is not None:
                q = self.ln_cross(q + self.cross(q, enc, enc_mask)[0])
            q = self._ffn(q, query=True)
            if t.shape[1] == 0:
                return q, present
            return torch.cat([q, self._ffn(t)], dim=1), present
        if self.cross is not None and enc is not None:
            x = self.ln_cross(x + self.cross(x, enc, enc_mask)[0])
        return self._ffn(x), present


class BertEmbeddings(nn.Module):
    def __init__(self, vocab, dim, max_pos=64):
        super().__init__()
        self.word = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_pos, dim)
        self.ln = nn.LayerNorm(dim, eps=1e-12)

    def forward(self, ids, start=0):
        positions = torch.arange(ids.shape[1], device=ids.device) + start
        return self.ln(self.word(ids) + self.pos(positions)[None])


class LMHead(nn.Module):
    """BERT prediction head: dense + GELU + LN + decoder tied to the word embeddings + bias."""

    def __init__(self, dim, embedding: nn.Embedding):
        super().__init__()
        self.dense, self.ln = nn.Linear(dim, dim), nn.LayerNorm(dim, eps=1e-12)
        self.embedding = embedding
        self.bias = nn.Parameter(torch.zeros(embedding.num_embeddings))

    def forward(self, x):
        return self.ln(gelu(self.dense(x))) @ self.embedding.weight.t() + self.bias


def padding_mask(mask: torch.Tensor, neg=BERT_NEG) -> torch.Tensor:
    """[B, S] 1/0 -> additive [B, 1, 1, S]."""
    return (1.0 - mask[:, None, None, :].to(torch.float32)) * neg


def causal_mask(mask: torch.Tensor, seq: int, neg=BERT_NEG) -> torch.Tensor:
    """Causal + padding additive mask [B, 1, seq, total] for the last `seq` of `total` positions."""
    total = mask.shape[1]
    q_pos = torch.arange(seq, device=mask.device)[:, None] + (total - seq)
    k_pos = torch.arange(total, device=mask.device)[None, :]
    allowed = (k_pos <= q_pos).to(torch.float32)[None, None] * mask[:, None, None, :].to(torch.float32)
    return (1.0 - allowed) * neg


class BertStack(nn.Module):
    """BERT/MED text transformer: embeddings + layers (cross-attention where `cross` says)."""

    def __init__(self, vocab, dim=64, layers=3, heads=4, ffn=256, cross_dim=None, cross_from=0,
                 max_pos=64):
        super().__init__()
        self.emb = BertEmbeddings(vocab, dim, max_pos)
        self.layers = nn.ModuleList([
            BertLayer(dim, heads, ffn, cross_dim if (cross_dim and i >= cross_from) else None)
            for i in range(layers)])
        self.dim = dim

    def run_layers(self, x, mask, enc=None, enc_mask=None, layers=None, pasts=None):
        presents = []
        chosen = self.layers if layers is None else layers
        for i, layer in enumerate(chosen):
            x, present = layer(x, mask, enc, enc_mask, None if pasts is None else pasts[i])
            presents.append(present)
        return x, presents

    def forward(self, ids, mask, enc=None, enc_mask=None, causal=False):
        x = self.emb(ids)
        m = causal_mask(mask, ids.shape[1]) if causal else padding_mask(mask)
        em = None if enc_mask is None else padding_mask(enc_mask)
        return self.run_layers(x, m, enc, em)[0]


def l2norm(x):
    return F.normalize(x, dim=-1)


def label_smoothed_ce(logits, labels, smoothing=0.1, ignore=-100):
    """Per-sequence summed cross-entropy with label smoothing (BertLMHeadModel, reduction none)."""
    vocab = logits.shape[-1]
    logp = logits.log_softmax(-1)
    valid = labels != ignore
    safe = labels.clamp(min=0)
    nll = -logp.gather(-1, safe[..., None])[..., 0]
    smooth = -logp.mean(-1)
    loss = (1 - smoothing) * nll + smoothing * smooth
    return (loss * valid).sum(-1)


def token_mean_ce(logits, labels, smoothing=0.1):
    """Mean over non-ignored tokens (BertLMHeadModel with reduction='mean')."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                           ignore_index=-100, label_smoothing=smoothing)
