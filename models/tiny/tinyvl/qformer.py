"""The Q-Former (BLIP-2, InstructBLIP, X-InstructBLIP) and its stage-1 objectives.

32 learned queries; queries and text share self-attention layers; cross-attention to the frozen
encoder features every other layer (0, 2, ...) for query positions only; separate query/text
FFNs; queries also pass through the embedding LayerNorm; text positions start at 0.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import nets

NUM_QUERIES = 32


class QFormer(nn.Module):
    def __init__(self, vocab, enc_dim, dim=64, layers=4, heads=4, ffn=256, cross_freq=2):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, NUM_QUERIES, dim) * 0.02)
        self.word = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(160, dim)
        self.ln = nn.LayerNorm(dim, eps=1e-12)
        self.layers = nn.ModuleList([
            nets.BertLayer(dim, heads, ffn, enc_dim if i % cross_freq == 0 else None, query_ffn=True)
            for i in range(layers)])
        self.head = nets.LMHead(dim, self.word)
        self.dim = dim

    def embed(self, ids=None, with_queries=True, batch=None):
        parts = []
        if with_queries:
            b = ids.shape[0] if ids is not None else batch
            parts.append(self.query.expand(b, -1, -1))
        if ids is not None:
            pos = torch.arange(ids.shape[1], device=ids.device)
            parts.append(self.word(ids) + self.pos(pos)[None])
        x = parts[0] if len(parts) == 1 else torch.cat(parts, dim=1)
        return self.ln(x)

    def run(self, x, mask, enc, query_len):
        for layer in self.layers:
            x, _ = layer(x, mask, enc, None, None, query_len)
        return x

    def queries(self, enc):
        """Query-only pass (ITC image side, LLM soft prompts): [B, 32, dim]."""
        return self.run(self.embed(None, True, enc.shape[0]), None, enc, NUM_QUERIES)

    def text(self, ids, mask):
        """Text-only pass (ITC text side): [B, T, dim]."""
        return self.run(self.embed(ids, False), nets.padding_mask(mask), None, 0)

    def joint(self, enc, ids, mask):
        """[queries; text] bidirectional (ITM; instruction-aware Q-Former). Returns [B, 32+T, dim]."""
        ones = torch.ones(ids.shape[0], NUM_QUERIES, dtype=mask.dtype, device=mask.device)
        full = torch.cat([ones, mask], dim=1)
        return self.run(self.embed(ids, True), nets.padding_mask(full), enc, NUM_QUERIES)

    def itg_logits(self, enc, ids, mask):
        """Image-grounded generation: queries see queries; text sees all queries + causal text."""
        b, t = ids.shape
        n = NUM_QUERIES + t
        allowed = torch.zeros(b, 1, n, n, device=ids.device)
        allowed[:, :, :NUM_QUERIES, :NUM_QUERIES] = 1
        allowed[:, :, NUM_QUERIES:, :NUM_QUERIES] = 1
        causal = torch.tril(torch.ones(t, t, device=ids.device))
        allowed[:, :, NUM_QUERIES:, NUM_QUERIES:] = causal[None, None] * mask[:, None, None, :].float()
        x = self.run(self.embed(ids, True), (1.0 - allowed) * nets.BERT_NEG, enc, NUM_QUERIES)
        return self.head(x[:, NUM_QUERIES:])


class Stage1(nn.Module):
    """BLIP-2 stage 1 around a frozen image encoder: ln_vision + Q-Former + heads."""

    def __init__(self, vocab, enc_dim, embed_dim=32, **qf):
        super().__init__()
        self.ln_vision = nn.LayerNorm(enc_dim)
        self.qformer = QFormer(vocab, enc_dim, **qf)
        d = self.qformer.dim
        self.vision_proj, self.text_proj = nn.Linear(d, embed_dim), nn.Linear(d, embed_dim)
        self.itm_head = nn.Linear(d, 2)
        self.temp = nn.Parameter(torch.tensor(0.07))

    def image_feat(self, enc):
        return nets.l2norm(self.vision_proj(self.qformer.queries(enc)))

    def text_feat(self, ids, mask):
        return nets.l2norm(self.text_proj(self.qformer.text(ids, mask)[:, 0]))

    def itm_score(self, enc, ids, mask):
        out = self.qformer.joint(enc, ids, mask)[:, :NUM_QUERIES]
        return self.itm_head(out)[..., 1].mean(1)

    def losses(self, enc, ids, mask, same, dec_id):
        img_f, txt_f = self.image_feat(enc), self.text_feat(ids, mask)
        temp = self.temp.clamp(0.001, 0.5)
        sim = torch.einsum("iqd,td->itq", img_f, txt_f).max(-1).values / temp  # max over queries
        targets = same.float() / same.float().sum(1, keepdim=True)
        itc = 0.5 * (-(sim.log_softmax(1) * targets).sum(1).mean() - (sim.t().log_softmax(1) * targets).sum(1).mean())
        with torch.no_grad():
            neg_text = torch.multinomial(sim.softmax(1).masked_fill(same, 0) + 1e-8, 1)[:, 0]
            neg_img = torch.multinomial(sim.t().softmax(1).masked_fill(same, 0) + 1e-8, 1)[:, 0]
        all_enc = torch.cat([enc, enc, enc[neg_img]])
        all_ids = torch.cat([ids, ids[neg_text], ids])
        all_mask = torch.cat([mask, mask[neg_text], mask])
        out = self.qformer.joint(all_enc, all_ids, all_mask)[:, :NUM_QUERIES]
        logits = self.itm_head(out).mean(1)  # mean over queries
        b = ids.shape[0]
        labels = torch.cat([torch.ones(b), torch.zeros(2 * b)]).long().to(ids.device)
        itm = F.cross_entropy(logits, labels)
        dec_ids = ids.clone()
        dec_ids[:, 0] = dec_id
        logits = self.qformer.itg_logits(enc, dec_ids, mask)
        labels = dec_ids.masked_fill(mask == 0, -100)[:, 1:]
        itg = nets.token_mean_ce(logits[:, :-1], labels)
        return {"itc": itc, "itm": itm, "itg": itg}
