"""The two frozen LLMs, pretrained once on the world's text:
- OptLM: decoder-only OPT (pre-LN, ReLU FFN, learned positions with OPT's offset 2, final LN,
  LM head tied to the token embeddings); takes inputs_embeds + explicit position_ids.
- T5LM: FlanT5-style encoder-decoder (RMSNorm, no attention scaling, bucketed relative position
  bias in the first layer of each stack, gated GELU FFN with exact GELU as LAVIS overrides,
  untied LM head)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from . import nets

OPT_POS_OFFSET = 2


class OptLayer(nn.Module):
    def __init__(self, dim, heads, ffn):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = nets.Attention(dim, heads)
        self.ffn = nets.FeedForward(dim, ffn, act=F.relu)

    def forward(self, x, mask, past=None):
        a, present = self.attn(self.ln1(x), mask=mask, past=past)
        x = x + a
        return x + self.ffn(self.ln2(x)), present


class OptLM(nn.Module):
    def __init__(self, vocab, dim=96, layers=3, heads=4, ffn=256, max_pos=192):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_pos + OPT_POS_OFFSET, dim)
        self.layers = nn.ModuleList([OptLayer(dim, heads, ffn) for _ in range(layers)])
        self.final_ln = nn.LayerNorm(dim)
        self.dim, self.heads, self.n_layers = dim, heads, layers
        nn.init.normal_(self.pos.weight, std=0.02)  # OPT's init (PyTorch's default is std 1)

    def forward(self, inputs_embeds, attention_mask, position_ids, pasts=None):
        x = inputs_embeds + self.pos(position_ids + OPT_POS_OFFSET)
        mask = nets.causal_mask(attention_mask, inputs_embeds.shape[1], nets.LLM_NEG)
        presents = []
        for i, layer in enumerate(self.layers):
            x, p = layer(x, mask, None if pasts is None else pasts[i])
            presents.append(p)
        return self.final_ln(x) @ self.embed.weight.t(), presents


def positions_from_mask(mask: torch.Tensor) -> torch.Tensor:
    """HF: cumsum(attention_mask) - 1, pads get 1."""
    pos = mask.long().cumsum(-1) - 1
    return pos.masked_fill(mask == 0, 1)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(dim)), eps

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


def relative_bucket(rel, bidirectional, num_buckets=32, max_distance=64):
    ret = torch.zeros_like(rel)
    if bidirectional:
        num_buckets //= 2
        ret = ret + (rel > 0).long() * num_buckets
        n = rel.abs()
    else:
        n = -torch.min(rel, torch.zeros_like(rel))
    max_exact = num_buckets // 2
    large = max_exact + (torch.log(n.float().clamp(min=1.0) / max_exact) / math.log(max_distance / max_exact)
                         * (num_buckets - max_exact)).long()
    large = torch.min(large, torch.full_like(large, num_buckets - 1))
    return ret + torch.where(n < max_exact, n, large)


class T5Block(nn.Module):
    def __init__(self, dim, heads, ffn, cross=False, bias=False, bidirectional=True):
        super().__init__()
        self.ln_self = RMSNorm(dim)
        self.attn = nets.Attention(dim, heads, bias=False, scale=False)
        self.rel = nn.Embedding(32, heads) if bias else None
        self.bidirectional = bidirectional
        self.ln_cross = RMSNorm(dim) if cross else None
        self.cross = nets.Attention(dim, heads, bias=False, scale=False) if cross else None
        self.ln_ffn = RMSNorm(dim)
        self.wi0, self.wi1 = nn.Linear(dim, ffn, bias=False), nn.Linear(dim, ffn, bias=False)
        self.wo = nn.Linear(ffn, dim, bias=False)

    def position_bias(self, q_len, k_len, device):
        ctx = torch.arange(q_len, device=device)[:, None] + (k_len - q_len)
        mem = torch.arange(k_len, device=device)[None, :]
        buckets = relative_bucket(mem - ctx, self.bidirectional)
        return self.rel(buckets).permute(2, 0, 1)[None]  # [1, heads, q, k]

    def forward(self, x, mask, bias, enc=None, enc_mask=None, past=None):
        a, present = self.attn(self.ln_self(x), mask=mask, past=past, bias=bias)
        x = x + a
        if self.cross is not None:
            x = x + self.cross(self.ln_cross(x), enc, enc_mask)[0]
        h = self.ln_ffn(x)
        return x + self.wo(F.gelu(self.wi0(h)) * self.wi1(h)), present


class T5LM(nn.Module):
    def __init__(self, vocab, dim=96, layers=2, heads=4, ffn=192):
        super().__init__()
        self.shared = nn.Embedding(vocab, dim)
        self.enc = nn.ModuleList([T5Block(dim, heads, ffn, False, i == 0, True) for i in range(layers)])
        self.dec = nn.ModuleList([T5Block(dim, heads, ffn, True, i == 0, False) for i in range(layers)])
        self.enc_ln, self.dec_ln = RMSNorm(dim), RMSNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        self.dim, self.heads, self.n_layers = dim, heads, layers

    def encode(self, inputs_embeds, attention_mask):
        n = inputs_embeds.shape[1]
        bias = self.enc[0].position_bias(n, n, inputs_embeds.device)
        mask = nets.padding_mask(attention_mask, nets.LLM_NEG)
        x = inputs_embeds
        for block in self.enc:
            x, _ = block(x, mask, bias)
        return self.enc_ln(x)

    def decode(self, ids, enc, enc_mask, pasts=None):
        past_len = 0 if pasts is None else pasts[0][0].shape[2]
        total = past_len + ids.shape[1]
        bias = self.dec[0].position_bias(ids.shape[1], total, ids.device)
        ones = torch.ones(ids.shape[0], total, dtype=torch.long, device=ids.device)
        mask = nets.causal_mask(ones, ids.shape[1], nets.LLM_NEG)
        em = nets.padding_mask(enc_mask, nets.LLM_NEG)
        x = self.shared(ids)
        presents = []
        for i, block in enumerate(self.dec):
            x, p = block(x, mask, bias, enc, em, None if pasts is None else pasts[i])
            presents.append(p)
        return self.lm_head(self.dec_ln(x)), presents


def lm_loss(logits, labels):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)
