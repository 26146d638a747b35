"""Greedy and beam search with Hugging Face transformers 4.33 semantics (one sample at a time).

Written from the documented semantics (model-contracts.md §0, CONTRACT.md §6), not from the
transformers code: scores are log-softmax of the logits; the repetition penalty and min-length
processors act on those log-probs and the processed values accumulate into beam scores; a
finished hypothesis scores sum / len**length_penalty with len = the sequence `generate` holds,
EOS excluded; early_stopping=False (stop when the best running beam cannot beat the worst kept
hypothesis at the current length).

`step(seqs)` returns next-token LOGITS [N, V] for N sequences (each a list of the ids
`generate` holds, i.e. the sequence the processors see; `prefix_len` of them are the prompt ids
for the BERT decoder or the T5 start token).
"""

from __future__ import annotations

import math

import torch


def process(logp: torch.Tensor, seq: list, cur_len: int, eos: int, min_length: int, rep: float) -> torch.Tensor:
    logp = logp.clone()
    if rep != 1.0 and seq:
        idx = torch.tensor(sorted(set(seq)))
        vals = logp[idx]
        logp[idx] = torch.where(vals < 0, vals * rep, vals / rep)
    if cur_len < min_length:
        logp[eos] = -math.inf
    return logp


def greedy(step, start: list, eos: int, max_length: int, min_length: int = 0, rep: float = 1.0) -> list:
    """Returns the full held sequence (start + generated, EOS included when produced).

    HF greedy_search runs the processors on the raw logits (not log-softmax), which matters for
    the repetition penalty: a positive logit is divided by the penalty, a negative one multiplied.
    """
    seq = list(start)
    while len(seq) < max_length:
        logp = process(step([seq])[0].float(), seq, len(seq), eos, min_length, rep)
        nxt = int(torch.argmax(logp))
        seq.append(nxt)
        if nxt == eos:
            break
    return seq


class _Hyps:
    def __init__(self, beams: int, lp: float):
        self.beams, self.lp, self.items, self.worst = beams, lp, [], 1e9

    def add(self, seq: list, sum_logp: float):
        score = sum_logp / (len(seq) ** self.lp)
        if len(self.items) < self.beams or score > self.worst:
            self.items.append((score, seq))
            if len(self.items) > self.beams:
                ranked = sorted((sc, i) for i, (sc, _) in enumerate(self.items))
                del self.items[ranked[0][1]]
                self.worst = ranked[1][0]
            else:
                self.worst = min(score, self.worst)

    def done(self, best_sum: float, cur_len: int) -> bool:
        if len(self.items) < self.beams:
            return False
        return self.worst >= best_sum / (cur_len ** self.lp)


def beam_search(step, start: list, eos: int, max_length: int, num_beams: int = 3,
                min_length: int = 0, rep: float = 1.0, length_penalty: float = 1.0, done_offset: int = 1):
    """Returns (best full sequence incl. EOS if it finished with one, its score).

    `done_offset`: the stopping test normalises the best running score by the held length + 1 in
    transformers 4.29-4.35 (BLIP-2, InstructBLIP, X-InstructBLIP: LAVIS pinned 4.33.2) and by the
    held length before 4.27 (BLIP's LAVIS asserted transformers < 4.27): pass 0 for BLIP."""
    beams = [list(start)]
    scores = torch.tensor([0.0])
    hyps = _Hyps(num_beams, length_penalty)
    while True:
        cur_len = len(beams[0])
        logp = step(beams).float().log_softmax(-1)
        processed = torch.stack([process(logp[i], beams[i], cur_len, eos, min_length, rep) for i in range(len(beams))])
        total = processed + scores[:, None]
        if len(beams) < num_beams:  # first step: only beam 0 is live (HF gives others -1e9)
            total = torch.cat([total, torch.full((num_beams - len(beams), total.shape[1]), -1e9)])
            beams = beams + [beams[0]] * (num_beams - len(beams))
        vocab = total.shape[1]
        top_scores, top_idx = torch.topk(total.reshape(-1), 2 * num_beams)
        next_beams, next_scores = [], []
        for rank, (sc, idx) in enumerate(zip(top_scores.tolist(), top_idx.tolist())):
            beam, token = divmod(idx, vocab)
            if token == eos:
                if rank >= num_beams:
                    continue
                hyps.add(beams[beam], sc)
            else:
                next_beams.append(beams[beam] + [token])
                next_scores.append(sc)
            if len(next_beams) == num_beams:
                break
        done = hyps.done(float(top_scores.max()), cur_len + done_offset)
        beams, scores = next_beams, torch.tensor(next_scores)
        if done or len(beams[0]) >= max_length:
            break
    if not done:
        for b, s in zip(beams, scores.tolist()):
            hyps.add(b, s)
    best = sorted(hyps.items, key=lambda it: it[0])[-1]  # stable sort + pop, as HF
    seq = list(best[1])
    if len(seq) < max_length:  # HF's finalize writes EOS after a hypothesis shorter than max_length
        seq.append(eos)
    return seq, best[0]
