"""Connecting Q-Former outputs to the frozen LLMs: sequence assembly, losses and generation
step functions for the OPT-style (decoder-only) and FlanT5-style (encoder-decoder) LMs."""

from __future__ import annotations

import torch

from . import data, lms


class OptAdapter:
    """[soft prompts ; </s> prompt] -> target + '\\n' (BLIP-2 OPT, InstructBLIP decoder-only)."""

    def __init__(self, lm: lms.OptLM, tok):
        self.lm, self.tok = lm, tok

    def prefix(self, soft_list, prompt_ids_list):
        """Per sample: list of soft tensors [n_i, H] and id lists, interleaved in order."""
        out = []
        for softs, ids in zip(soft_list, prompt_ids_list):
            parts = []
            for piece in ids_and_soft(softs, ids):
                parts.append(piece if isinstance(piece, torch.Tensor) else self.lm.embed(torch.tensor(piece, device=self.lm.embed.weight.device)))
            out.append(torch.cat(parts))
        return out

    def loss(self, prefixes, targets, offsets=None):
        """prefixes: list of [P_i, H]; targets: list of strings (newline appended). `offsets`
        (LM pretraining only) shift each sample's position ids, so that every position the
        BLIP-2 family later reaches (soft prompts come first) is trained."""
        seqs, labels = [], []
        for p, t in zip(prefixes, targets):
            ids = self.tok.encode(t + "\n", bos=False)
            emb = self.lm.embed(torch.tensor(ids, device=p.device))
            seqs.append(torch.cat([p, emb]))
            labels.append([-100] * (p.shape[0] - 1) + ids + [-100])
        return self._run(seqs, labels, offsets)

    def _run(self, seqs, labels, offsets=None):
        n = max(s.shape[0] for s in seqs)
        h = seqs[0].shape[1]
        x = torch.zeros(len(seqs), n, h, device=seqs[0].device)
        mask = torch.zeros(len(seqs), n, dtype=torch.long, device=x.device)
        lab = torch.full((len(seqs), n), -100, dtype=torch.long, device=x.device)
        for i, (s, l) in enumerate(zip(seqs, labels)):
            x[i, : s.shape[0]] = s
            mask[i, : s.shape[0]] = 1
            lab[i, : len(l)] = torch.tensor(l[: s.shape[0]], device=x.device)
        pos = lms.positions_from_mask(mask)
        if offsets is not None:
            pos = pos + torch.tensor(offsets, device=x.device)[:, None] * mask
        logits, _ = self.lm(x, mask, pos)
        return lms.lm_loss(logits, lab)

    def step_fn(self, prefix):
        """Generation over held ids = generated tokens only (inputs_embeds path)."""
        def step(seqs):
            embs = []
            for s in seqs:
                e = prefix if not s else torch.cat([prefix, self.lm.embed(torch.tensor(s, device=prefix.device))])
                embs.append(e)
            x = torch.stack(embs)
            mask = torch.ones(x.shape[0], x.shape[1], dtype=torch.long, device=x.device)
            logits, _ = self.lm(x, mask, lms.positions_from_mask(mask))
            return logits[:, -1].float().cpu()
        return step

    def candidate_nll(self, prefix, candidate: str) -> float:
        """Summed NLL of the candidate tokens (no BOS, no EOS), InstructBLIP decoder-only ranking."""
        ids = self.tok.encode(candidate, bos=False)
        emb = self.lm.embed(torch.tensor(ids, device=prefix.device))
        x = torch.cat([prefix, emb])[None]
        mask = torch.ones(1, x.shape[1], dtype=torch.long, device=x.device)
        pos = torch.arange(x.shape[1], device=x.device)[None]
        logits, _ = self.lm(x, mask, pos)
        logp = logits[0, prefix.shape[0] - 1: -1].log_softmax(-1)
        return float(-logp.gather(-1, torch.tensor(ids, device=x.device)[:, None]).sum())


class T5Adapter:
    """Encoder [soft ; prompt </s>] -> decoder <pad> target </s> (BLIP-2 / InstructBLIP FlanT5)."""

    def __init__(self, lm: lms.T5LM, tok):
        self.lm, self.tok = lm, tok

    def encoder_inputs(self, softs, prompts):
        embs = []
        for s, p in zip(softs, prompts):
            ids = self.tok.encode(p)
            embs.append(torch.cat([s, self.lm.shared(torch.tensor(ids, device=s.device))]))
        n = max(e.shape[0] for e in embs)
        x = torch.zeros(len(embs), n, embs[0].shape[1], device=embs[0].device)
        mask = torch.zeros(len(embs), n, dtype=torch.long, device=x.device)
        for i, e in enumerate(embs):
            x[i, : e.shape[0]] = e
            mask[i, : e.shape[0]] = 1
        return x, mask

    def loss(self, softs, prompts, targets):
        x, mask = self.encoder_inputs(softs, prompts)
        enc = self.lm.encode(x, mask)
        tgt = [self.tok.encode(t) for t in targets]
        dec_in, _ = data.pad_ids([[self.tok.pad] + t[:-1] for t in tgt], self.tok.pad)
        labels, lmask = data.pad_ids(tgt, self.tok.pad)
        labels = labels.masked_fill(lmask == 0, -100).to(x.device)
        logits, _ = self.lm.decode(dec_in.to(x.device), enc, mask)
        return lms.lm_loss(logits, labels)

    def step_fn(self, soft, prompt):
        x, mask = self.encoder_inputs([soft], [prompt])
        enc = self.lm.encode(x, mask)

        def step(seqs):
            ids = torch.tensor(seqs, device=x.device)
            logits, _ = self.lm.decode(ids, enc.expand(len(seqs), -1, -1), mask.expand(len(seqs), -1))
            return logits[:, -1].float().cpu()
        return step, enc, mask

    def candidate_nll(self, soft, prompt, candidate: str) -> float:
        x, mask = self.encoder_inputs([soft], [prompt])
        enc = self.lm.encode(x, mask)
        ids = self.tok.encode(candidate)  # candidate + </s>
        dec = torch.tensor([[self.tok.pad] + ids[:-1]], device=x.device)
        logits, _ = self.lm.decode(dec, enc, mask)
        logp = logits[0].log_softmax(-1)
        return float(-logp.gather(-1, torch.tensor(ids, device=x.device)[:, None]).sum())


def ids_and_soft(softs, ids):
    """Interleave: X-InstructBLIP passes a list alternating id lists and soft tensors."""
    if isinstance(softs, list):
        return softs
    return [softs, ids]
