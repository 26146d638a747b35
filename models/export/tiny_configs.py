"""Tiny randomly initialised transformers models of BLIP, BLIP-2 and InstructBLIP (seeded), saved
with save_pretrained together with their tokenizers and image processor, so the exporters load them
exactly as they load a hub checkpoint."""

from __future__ import annotations

from pathlib import Path

import torch

from . import common as C

IMAGE_SIZE, PATCH = 32, 8
WIDTH, HEADS, FFN, LAYERS = 32, 4, 64, 2
N_QUERY = 32
# Random weights drawn wider than the usual 0.02 so logits are peaked: near-ties would make the
# greedy/beam fixtures depend on rounding noise between PyTorch and onnxruntime.
WEIGHT_STD = 0.2


def vision_config() -> dict:
    return dict(hidden_size=WIDTH, intermediate_size=FFN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                image_size=IMAGE_SIZE, patch_size=PATCH)


def qformer_config(vocab: int) -> dict:
    return dict(vocab_size=vocab, hidden_size=WIDTH, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                intermediate_size=FFN, encoder_hidden_size=WIDTH, cross_attention_frequency=1,
                max_position_embeddings=64, pad_token_id=0)


def opt_config(vocab: int) -> dict:
    from transformers import OPTConfig
    return OPTConfig(vocab_size=vocab, hidden_size=WIDTH, num_hidden_layers=LAYERS, ffn_dim=FFN,
                     num_attention_heads=HEADS, max_position_embeddings=128, word_embed_proj_dim=WIDTH,
                     bos_token_id=2, eos_token_id=2, pad_token_id=1).to_dict()


def t5_config(vocab: int) -> dict:
    from transformers import T5Config
    return T5Config(vocab_size=vocab, d_model=WIDTH, d_kv=WIDTH // HEADS, d_ff=FFN, num_layers=LAYERS,
                    num_decoder_layers=LAYERS, num_heads=HEADS, feed_forward_proj="gated-gelu", dense_act_fn="gelu",
                    tie_word_embeddings=False, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
                    bos_token_id=1).to_dict()


def llama_config(vocab: int, pad: int) -> dict:
    from transformers import LlamaConfig
    return LlamaConfig(vocab_size=vocab, hidden_size=WIDTH, intermediate_size=FFN, num_hidden_layers=LAYERS,
                       num_attention_heads=HEADS, num_key_value_heads=HEADS, max_position_embeddings=128,
                       bos_token_id=2, eos_token_id=2, pad_token_id=pad).to_dict()


def sharpen(model, seed: int) -> None:
    torch.manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (torch.nn.Linear, torch.nn.Embedding)):
                module.weight.normal_(0.0, WEIGHT_STD)
        for name, param in model.named_parameters():
            if name.endswith("query_tokens"):
                param.normal_(0.0, 1.0)


def save(model, tokenizers: dict, folder: Path) -> Path:
    """tokenizers: {subfolder or "": tokenizer}; writes the image processor config too."""
    from transformers import BlipImageProcessor
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    for sub, tok in tokenizers.items():
        tok.save_pretrained(str(folder / sub) if sub else str(folder))
    BlipImageProcessor(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE}, image_mean=C.CLIP_MEAN,
                       image_std=C.CLIP_STD).save_pretrained(str(folder))
    return folder


def blip(kind: str, bert, folder: Path, seed: int = 0) -> Path:
    import transformers as T
    text = dict(vocab_size=len(bert), hidden_size=WIDTH, encoder_hidden_size=WIDTH, intermediate_size=FFN,
                num_hidden_layers=LAYERS, num_attention_heads=HEADS, max_position_embeddings=64,
                bos_token_id=bert.convert_tokens_to_ids("[DEC]"), pad_token_id=bert.pad_token_id,
                sep_token_id=bert.sep_token_id, eos_token_id=bert.sep_token_id)
    config = T.BlipConfig(text_config=text, vision_config=vision_config(), projection_dim=16, image_text_hidden_size=16)
    cls = {"caption": T.BlipForConditionalGeneration, "retrieval": T.BlipForImageTextRetrieval,
           "vqa": T.BlipForQuestionAnswering}[kind]
    torch.manual_seed(seed)
    model = cls(config).eval()
    sharpen(model, seed)
    return save(model, {"": bert}, folder)


def blip2(llm: str, llm_tok, bert, folder: Path, seed: int = 0) -> Path:
    import transformers as T
    text = opt_config(len(llm_tok)) if llm == "opt" else t5_config(len(llm_tok))
    config = T.Blip2Config(vision_config=vision_config(), qformer_config=qformer_config(len(bert)),
                           text_config=text, num_query_tokens=N_QUERY)
    torch.manual_seed(seed)
    model = T.Blip2ForConditionalGeneration(config).eval()
    sharpen(model, seed)
    return save(model, {"": llm_tok}, folder)


def blip2_retrieval(bert, folder: Path, seed: int = 0) -> Path:
    import transformers as T
    qcfg = qformer_config(len(bert))
    qcfg["use_qformer_text_input"] = True
    # No image-token expansion: the retrieval forward then takes plain BERT ids, as the exported graphs do.
    config = T.Blip2Config(vision_config=vision_config(), qformer_config=qcfg, num_query_tokens=N_QUERY,
                           image_text_hidden_size=16, image_token_index=None)
    torch.manual_seed(seed)
    model = T.Blip2ForImageTextRetrieval(config).eval()
    sharpen(model, seed)
    return save(model, {"": bert}, folder)


def instructblip(llm: str, llm_tok, bert, folder: Path, seed: int = 0) -> Path:
    import transformers as T
    text = llama_config(len(llm_tok), llm_tok.pad_token_id) if llm == "vicuna" else t5_config(len(llm_tok))
    config = T.InstructBlipConfig(vision_config=vision_config(), qformer_config=qformer_config(len(bert)),
                                  text_config=text, num_query_tokens=N_QUERY)
    torch.manual_seed(seed)
    model = T.InstructBlipForConditionalGeneration(config).eval()
    sharpen(model, seed)
    return save(model, {"": llm_tok, "qformer_tokenizer": bert}, folder)
