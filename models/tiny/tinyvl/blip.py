"""tiny-blip and tiny-albef: ViT + BERT-style text encoder (+ fusion) + decoders, trained with
the families' objectives (ITC with a learned temperature, ITM with hard negatives mined from the
ITC similarities, captioning LM (BLIP) / masked LM (ALBEF), VQA answer decoder).

BLIP (MED): every text layer has cross-attention, skipped in `text` mode; ITM and the VQA
question encoder put [ENC] at position 0; the captioning decoder starts with [DEC] and the
prompt "a picture of ". ALBEF: the first `text_layers` layers are text-only, the rest fuse
(cross-attention), no [ENC]/[DEC] (answers start with [CLS]).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import data, nets
from .tok import BertTokenizer

CAPTION_PROMPT = "a picture of "


class BlipConfig:
    vision_dim, vision_layers, heads, mlp = 64, 3, 4, 128
    text_dim, text_layers, ffn = 64, 3, 128
    decoder_layers, answer_layers = 2, 2
    embed_dim = 32
    albef_text_layers, albef_fusion_layers = 2, 2


class TextModel(nn.Module):
    """Text encoder + fusion. BLIP: cross-attention in every layer; ALBEF: in the last layers."""

    def __init__(self, vocab, cfg, albef: bool):
        super().__init__()
        self.albef = albef
        n = cfg.albef_text_layers + cfg.albef_fusion_layers if albef else cfg.text_layers
        cross_from = cfg.albef_text_layers if albef else 0
        self.bert = nets.BertStack(vocab, cfg.text_dim, n, cfg.heads, cfg.ffn, cfg.vision_dim, cross_from)
        self.split = cfg.albef_text_layers if albef else n

    def text(self, ids, mask):
        """Unimodal pass (BLIP mode='text' skips cross-attention; ALBEF runs the text layers)."""
        x = self.bert.emb(ids)
        layers = self.bert.layers[: self.split]
        for layer in layers:
            x, _ = layer(x, nets.padding_mask(mask))
        return x

    def fuse(self, text_embeds, mask, image):
        """ALBEF fusion on text-layer output."""
        x = text_embeds
        for layer in self.bert.layers[self.split:]:
            x, _ = layer(x, nets.padding_mask(mask), image, None)
        return x

    def multimodal(self, ids, mask, image):
        """BLIP image-grounded encoder from ids (position 0 = [ENC]); ALBEF text then fusion."""
        if self.albef:
            return self.fuse(self.text(ids, mask), mask, image)
        x = self.bert.emb(ids)
        for layer in self.bert.layers:
            x, _ = layer(x, nets.padding_mask(mask), image, None)
        return x


class Decoder(nn.Module):
    """Causal BERT with cross-attention in every layer + tied LM head (BLIP text/answer decoder)."""

    def __init__(self, vocab, cfg, layers, cross_dim):
        super().__init__()
        self.bert = nets.BertStack(vocab, cfg.text_dim, layers, cfg.heads, cfg.ffn, cross_dim, 0)
        self.head = nets.LMHead(cfg.text_dim, self.bert.emb.word)

    def forward(self, ids, mask, enc, enc_mask=None, pasts=None):
        """ids [B,seq]; mask [B,total]; pasts: per-layer (k, v) or None. Returns logits, presents."""
        past_len = 0 if pasts is None else pasts[0][0].shape[2]
        x = self.bert.emb(ids, start=past_len)
        m = nets.causal_mask(mask, ids.shape[1])
        em = None if enc_mask is None else nets.padding_mask(enc_mask)
        x, presents = self.bert.run_layers(x, m, enc, em, pasts=pasts)
        return self.head(x), presents


class BlipModel(nn.Module):
    def __init__(self, tok: BertTokenizer, albef: bool = False, cfg=BlipConfig):
        super().__init__()
        v = len(tok.vocab)
        self.tok, self.cfg, self.albef = tok, cfg, albef
        self.vit = nets.ViT(cfg.vision_dim, cfg.vision_layers, cfg.heads, cfg.mlp)
        self.text = TextModel(v, cfg, albef)
        self.vision_proj = nn.Linear(cfg.vision_dim, cfg.embed_dim)
        self.text_proj = nn.Linear(cfg.text_dim, cfg.embed_dim)
        self.itm_head = nn.Linear(cfg.text_dim, 2)
        self.temp = nn.Parameter(torch.tensor(0.07))
        self.decoder = None if albef else Decoder(v, cfg, cfg.decoder_layers, cfg.vision_dim)
        self.answer_decoder = Decoder(v, cfg, cfg.answer_layers, cfg.text_dim)
        if albef:
            self.mlm_head = nets.LMHead(cfg.text_dim, self.text.bert.emb.word)

    # ----------------------------------------------------------------------------- features
    def image_feat(self, image_embeds):
        return nets.l2norm(self.vision_proj(image_embeds[:, 0]))

    def text_feat(self, text_embeds):
        return nets.l2norm(self.text_proj(text_embeds[:, 0]))

    def itm_logits(self, ids, mask, image_embeds):
        if not self.albef:
            ids = ids.clone()
            ids[:, 0] = self.tok.enc
        return self.itm_head(self.text.multimodal(ids, mask, image_embeds)[:, 0])

    def question_states(self, ids, mask, image_embeds):
        if not self.albef:
            ids = ids.clone()
            ids[:, 0] = self.tok.enc
        return self.text.multimodal(ids, mask, image_embeds)

    # ----------------------------------------------------------------------------- tokens
    def encode_texts(self, texts, max_length=35):
        return data.pad_ids([self.tok.encode(t, max_length) for t in texts], self.tok.pad)

    def answer_ids(self, answers):
        """[CLS] ans [SEP] with [CLS] -> [DEC] (BLIP); ALBEF keeps [CLS]."""
        ids, mask = data.pad_ids([self.tok.encode(a) for a in answers], self.tok.pad)
        if not self.albef:
            ids[:, 0] = self.tok.dec
        return ids, mask

    def caption_ids(self, captions):
        ids, mask = data.pad_ids([self.tok.encode(CAPTION_PROMPT + c, 40) for c in captions], self.tok.pad)
        ids[:, 0] = self.tok.dec
        return ids, mask

    def prompt_length(self):
        return len(self.tok.encode(CAPTION_PROMPT)) - 1  # [DEC] a picture of (SEP dropped)


# --------------------------------------------------------------------------------- training

def _itc_and_itm(model: BlipModel, image_embeds, text_embeds, ids, mask, same):
    img_f, txt_f = model.image_feat(image_embeds), model.text_feat(text_embeds)
    temp = model.temp.clamp(0.001, 0.5)
    sim_i2t = img_f @ txt_f.t() / temp
    targets = same.float() / same.float().sum(1, keepdim=True)
    itc = 0.5 * (-(sim_i2t.log_softmax(1) * targets).sum(1).mean()
                 - (sim_i2t.t().log_softmax(1) * targets).sum(1).mean())
    with torch.no_grad():  # hard negatives mined from the ITC similarities
        w_i2t = sim_i2t.softmax(1).masked_fill(same, 0) + 1e-8
        w_t2i = sim_i2t.t().softmax(1).masked_fill(same, 0) + 1e-8
        neg_text = torch.multinomial(w_i2t, 1)[:, 0]
        neg_img = torch.multinomial(w_t2i, 1)[:, 0]
    b = ids.shape[0]
    all_ids = torch.cat([ids, ids[neg_text], ids])
    all_mask = torch.cat([mask, mask[neg_text], mask])
    all_img = torch.cat([image_embeds, image_embeds, image_embeds[neg_img]])
    if model.albef:
        te = torch.cat([text_embeds, text_embeds[neg_text], text_embeds])
        logits = model.itm_head(model.text.fuse(te, all_mask, all_img)[:, 0])
    else:
        logits = model.itm_logits(all_ids, all_mask, all_img)
    labels = torch.cat([torch.ones(b), torch.zeros(2 * b)]).long().to(ids.device)
    return itc, F.cross_entropy(logits, labels)


def _vqa_loss(model: BlipModel, image_embeds, batch):
    questions, answers, weights, owner = [], [], [], []
    for i, qs in enumerate(batch["vqa"]):
        q = qs[0]
        questions.append(data.blip_question(q["question"]))
        uniq = list(dict.fromkeys(q["answers"]))
        for a in uniq:
            answers.append(a)
            weights.append(sum(1 for x in q["answers"] if x == a) / len(q["answers"]))
            owner.append(i)
    q_ids, q_mask = model.encode_texts(questions)
    states = model.question_states(q_ids, q_mask, image_embeds)
    owner_t = torch.tensor(owner, device=ids_device(image_embeds))
    a_ids, a_mask = model.answer_ids(answers)
    logits, _ = model.answer_decoder(a_ids, a_mask, states[owner_t], q_mask[owner_t])
    labels = a_ids.masked_fill(a_mask == 0, -100)[:, 1:]
    loss = nets.label_smoothed_ce(logits[:, :-1], labels)
    return (loss * torch.tensor(weights, device=loss.device)).sum() / len(questions)


def _caption_loss(model: BlipModel, image_embeds, captions):
    ids, mask = model.caption_ids(captions)
    logits, _ = model.decoder(ids, mask, image_embeds)
    labels = ids.masked_fill(mask == 0, -100)
    labels[:, : model.prompt_length()] = -100
    return nets.token_mean_ce(logits[:, :-1], labels[:, 1:])


def _mlm_loss(model: BlipModel, ids, mask, image_embeds, gen: torch.Generator):
    tok = model.tok
    probs = torch.rand(ids.shape, device=ids.device)
    special = (ids == tok.pad) | (ids == tok.cls) | (ids == tok.sep)
    masked = (probs < 0.15) & ~special
    labels = ids.masked_fill(~masked, -100)
    inp = ids.clone()
    r = torch.rand(ids.shape, device=ids.device)
    inp[masked & (r < 0.8)] = tok.mask
    rnd = masked & (r >= 0.8) & (r < 0.9)
    inp[rnd] = torch.randint(5, len(tok.vocab) - 2, ids.shape, device=ids.device)[rnd]
    x = model.text.fuse(model.text.text(inp, mask), mask, image_embeds)
    logits = model.mlm_head(x)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)


def ids_device(t):
    return t.device


def train_step(model: BlipModel, batch, rng, gen):
    image_embeds = model.vit(batch["pixels"])
    picks = [caps[int(rng.integers(len(caps)))] for caps in batch["captions"]]
    texts = [data.blip_caption(c) for c in picks]
    same = torch.tensor([[a == b for b in texts] for a in texts], device=ids_device(image_embeds))
    ids, mask = model.encode_texts(texts)
    text_embeds = model.text.text(ids, mask)
    itc, itm = _itc_and_itm(model, image_embeds, text_embeds, ids, mask, same)
    losses = {"itc": itc, "itm": itm, "vqa": _vqa_loss(model, image_embeds, batch)}
    if model.albef:
        losses["mlm"] = _mlm_loss(model, ids, mask, image_embeds, gen)
    else:
        # captioning LM on the canonical caption half of the time (beam search favours it)
        caps = [c[0] if rng.random() < 0.5 else p for c, p in zip(batch["captions"], picks)]
        losses["lm"] = _caption_loss(model, image_embeds, [data.blip_caption(c) for c in caps])
    return losses
