"""ALBEF checkpoints through LAVIS -> vlbench contract (models/CONTRACT.md). Verified against LAVIS HEAD
on tiny random models (verify_tiny_lavis.py, test/unit/models/lavis-parity.test.ts); no hub
checkpoint was exported here.

  python -m models.export.lavis_albef --checkpoint coco --task retrieval --out DIR   # albef_retrieval coco|flickr
  python -m models.export.lavis_albef --checkpoint vqav2 --task vqa --out DIR       # albef_vqa vqav2

retrieval: vision_encoder (+image_feat), text_encoder (text_embeds, text_feat), fusion_encoder
(ALBEF form: text_embeds in, mode="fusion"); vqa: vision_encoder, text_encoder, fusion_encoder
(question states), answer_decoder (teacher-forced BertLMHeadModel over the question states).
Needs a LAVIS environment (salesforce-lavis, transformers 4.33).
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from . import cli
from . import common as C


class VisionEncoder(nn.Module):
    def __init__(self, visual_encoder, vision_proj=None):
        super().__init__()
        self.visual_encoder, self.vision_proj = visual_encoder, vision_proj

    def forward(self, pixel_values):
        states = self.visual_encoder.forward_features(pixel_values)
        if self.vision_proj is None:
            return states
        return states, F.normalize(self.vision_proj(states[:, 0, :]), dim=-1)


class TextEncoder(nn.Module):
    """mode="text": the text-only layers below the fusion layer (med.py BertModel)."""

    def __init__(self, text_encoder, text_proj=None):
        super().__init__()
        self.text_encoder, self.text_proj = text_encoder, text_proj

    def forward(self, input_ids, attention_mask):
        states = self.text_encoder(input_ids, attention_mask=attention_mask, return_dict=True, mode="text").last_hidden_state
        if self.text_proj is None:
            return states
        return states, F.normalize(self.text_proj(states[:, 0, :]), dim=-1)


class FusionEncoder(nn.Module):
    def __init__(self, text_encoder, itm_head=None):
        super().__init__()
        self.text_encoder, self.itm_head = text_encoder, itm_head

    def forward(self, text_embeds, attention_mask, image_embeds):
        states = self.text_encoder(encoder_embeds=text_embeds, attention_mask=attention_mask,
                                   encoder_hidden_states=image_embeds,
                                   encoder_attention_mask=torch.ones_like(image_embeds[:, :, 0], dtype=torch.long),
                                   return_dict=True, mode="fusion").last_hidden_state
        if self.itm_head is None:
            return states
        return states, self.itm_head(states[:, 0, :])


class AnswerDecoder(nn.Module):
    def __init__(self, text_decoder):
        super().__init__()
        self.text_decoder = text_decoder

    def forward(self, input_ids, attention_mask, encoder_hidden_states, encoder_attention_mask):
        return self.text_decoder(input_ids, attention_mask=attention_mask, encoder_hidden_states=encoder_hidden_states,
                                 encoder_attention_mask=encoder_attention_mask, return_dict=True,
                                 reduction="none").logits


def _mask(batch, seq):
    mask = torch.ones(batch, seq, dtype=torch.long)
    mask[0, -1] = 0
    return mask


def export(checkpoint: str, task: str, out: Path, name: str | None = None, overwrite: bool = False,
           external_data: str = "auto") -> Path:
    """Exports into `out` (see cli.staged) and returns its model.json."""
    out = Path(out)
    cli.check_out(out, overwrite)
    from lavis.models import load_model
    from transformers import BertTokenizerFast
    model = load_model("albef_retrieval" if task == "retrieval" else "albef_vqa", checkpoint, is_eval=True,
                       device="cpu").float().eval()
    tokenizer = BertTokenizerFast.from_pretrained("bert-base-uncased")  # LAVIS's ALBEF tokenizer, fast form
    with cli.staged(out, overwrite, external_data) as stage:
        export_model(model, tokenizer, task, stage, name or f"albef-{checkpoint}", f"lavis:albef_{task} {checkpoint}")
    return out / "model.json"


def export_model(model, tokenizer, task: str, out: Path, name: str, variant: str) -> Path:
    """A loaded LAVIS AlbefRetrieval / AlbefVQA (eval mode) -> contract files in `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    vit, text = model.visual_encoder, model.text_encoder
    size, width = vit.patch_embed.img_size[0], vit.embed_dim
    patches, hidden, vocab = vit.patch_embed.num_patches + 1, text.config.hidden_size, text.config.vocab_size
    retrieval = task == "retrieval"
    pix = lambda b: {"pixel_values": torch.randn(b, 3, size, size)}  # noqa: E731
    v_out = {"image_embeds": (C.F32, ["batch", patches, width])}
    if retrieval:
        v_out["image_feat"] = (C.F32, ["batch", model.vision_proj.out_features])
    graphs = {"vision_encoder": C.export_graph(VisionEncoder(vit, model.vision_proj if retrieval else None), pix(2),
                                               {"pixel_values": (C.F32, ["batch", 3, size, size])}, v_out,
                                               out / "vision_encoder.onnx", checks=[pix(1)])}
    tok_io = {"input_ids": (C.I64, ["batch", "seq"]), "attention_mask": (C.I64, ["batch", "seq"])}
    t_out = {"text_embeds": (C.F32, ["batch", "seq", hidden])}
    if retrieval:
        t_out["text_feat"] = (C.F32, ["batch", model.text_proj.out_features])
    first_word = 999 if vocab > 999 else 5  # past BERT's [unused*] / the tiny vocabularies' special tokens
    ids = lambda b, s: {"input_ids": torch.randint(first_word, vocab, (b, s)), "attention_mask": _mask(b, s)}  # noqa: E731
    graphs["text_encoder"] = C.export_graph(TextEncoder(text, model.text_proj if retrieval else None), ids(2, 6), tok_io,
                                            t_out, out / "text_encoder.onnx", checks=[ids(3, 9)])
    fuse = lambda b, s: {"text_embeds": torch.randn(b, s, hidden), "attention_mask": _mask(b, s),  # noqa: E731
                         "image_embeds": torch.randn(b, patches, width)}
    f_out = {"multimodal_embeds": (C.F32, ["batch", "seq", hidden])}
    if retrieval:
        f_out["itm_logits"] = (C.F32, ["batch", 2])
    graphs["fusion_encoder"] = C.export_graph(
        FusionEncoder(text, model.itm_head if retrieval else None), fuse(2, 6),
        {"text_embeds": (C.F32, ["batch", "seq", hidden]), "attention_mask": (C.I64, ["batch", "seq"]),
         "image_embeds": (C.F32, ["batch", patches, width])}, f_out, out / "fusion_encoder.onnx", checks=[fuse(3, 9)])
    if not retrieval:
        dec = lambda b, s, e: {**ids(b, s), "encoder_hidden_states": torch.randn(b, e, hidden),  # noqa: E731
                               "encoder_attention_mask": _mask(b, e)}
        graphs["answer_decoder"] = C.export_graph(
            AnswerDecoder(model.text_decoder), dec(2, 4, 7),
            {**tok_io, "encoder_hidden_states": (C.F32, ["batch", "enc_seq", hidden]),
             "encoder_attention_mask": (C.I64, ["batch", "enc_seq"])},
            {"logits": (C.F32, ["batch", "seq", model.text_decoder.config.vocab_size])}, out / "answer_decoder.onnx",
            checks=[dec(3, 2, 5)])
    manifest = {
        "name": name, "family": "albef", "variant": variant,
        "llm": None, "modalities": ["image"], "capabilities": ["retrieval"] if retrieval else ["vqa-rank"],
        "graphs": graphs,
        "tokenizers": {"text": C.save_tokenizer(tokenizer, out, "text", "bert", "right", 35 if retrieval else 25)},
        "specialTokens": {"text": C.bert_special(tokenizer, dec=False, enc=False)},
        "preprocess": {"image": C.image_preprocess(size, "stretch")},
        # A prompt only where a capability reads it (model.json refuses an unused one).
        "prompts": {} if retrieval else {"vqa": "{question}"}, "generation": {},
    }
    if retrieval:
        # LAVIS evaluates ALBEF with k_test 128 on COCO and Flickr30k (projects/albef/eval/ret_*_eval.yaml;
        # the original ALBEF repository used 256 for COCO).
        manifest["retrieval"] = {"kTest": 128, "maxTextLength": 35}
    else:
        manifest["vqa"] = {"method": "rank", "numAnswerCandidates": 128}
    return C.write_manifest(out, manifest)


def main(argv=None):
    args = cli.base_args(__doc__.splitlines()[0], ("retrieval", "vqa")).parse_args(argv)
    cli.llm_dtype(cli.norm_dtype(args.dtype), False, "ALBEF has no LLM roles")
    with cli.user_errors("lavis_albef"):
        print(export(args.checkpoint, args.task, Path(args.out), args.name, args.overwrite, args.external_data))


if __name__ == "__main__":
    main()
