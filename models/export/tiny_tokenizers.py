"""Small tokenizers, built with the `tokenizers` library, for the tiny random transformers models of
verify_tiny_random.py: BERT WordPiece (+[DEC]/[ENC]), OPT byte-level BPE, T5 Unigram, and a
Llama-style BPE with LAVIS's Vicuna conventions. Each is wrapped in PreTrainedTokenizerFast so that
save_pretrained / AutoTokenizer treat it like a hub tokenizer."""

from __future__ import annotations

WORDS = ("a picture of photo the an is there are what how many colour color shape shapes red green blue "
         "yellow small large big circle square triangle cube sphere cone on in left right top bottom next "
         "to and with two one three short answer question caption image describe describes yes no which "
         "side object objects image: : ? . , write").split()
CORPUS = [
    "a picture of a red circle", "a photo of two blue squares", "Question: what colour is the circle? Short answer:",
    "Question: how many shapes are there? Short answer: two", "A short image caption.", "a small green triangle\n",
    "a large yellow cube on the left\n", "Describe the image in detail.", "which side is the red square on?",
    "there are three objects: a cone, a sphere and a cube\n", "yes\n", "no\n", "one two three four five\n",
] * 4


def _mark_special(tok, tokens) -> None:
    """Registers tokens already in the vocabulary as special added tokens (ids unchanged), so they
    are never split or normalised and decode(skip_special_tokens=True) drops them."""
    from tokenizers import AddedToken
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in tokens])


def _wrap(tok, **specials):
    from transformers import PreTrainedTokenizerFast
    return PreTrainedTokenizerFast(tokenizer_object=tok, **specials)


def bert_wordpiece(with_enc: bool = True):
    """Uncased BERT layout: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, words, [DEC], [ENC] last
    (as LAVIS appends them after the BERT vocabulary)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + list("0123456789")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for piece in list(dict.fromkeys(WORDS)) + letters + ["##" + c for c in letters] + list("?.,:;!'\"-"):
        if piece not in vocab:
            vocab.append(piece)
    vocab.append("[DEC]")
    if with_enc:
        vocab.append("[ENC]")
    tok = Tokenizer(models.WordPiece({p: i for i, p in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True, clean_text=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tok.decoder = decoders.WordPiece(prefix="##")
    _mark_special(tok, vocab[:5] + vocab[-(2 if with_enc else 1):])
    return _wrap(tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
                 mask_token="[MASK]", bos_token="[DEC]")


def opt_bpe():
    """<s> 0, <pad> 1, </s> 2, <unk> 3; "</s>" prepended as BOS; "\\n" is one byte-level token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=320, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    _mark_special(tok, ["<s>", "<pad>", "</s>", "<unk>"])
    tok.post_processor = processors.TemplateProcessing(single="</s> $A", pair="</s> $A $B",
                                                       special_tokens=[("</s>", 2)])
    return _wrap(tok, bos_token="</s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>")


def t5_unigram():
    """<pad> 0 (= decoder start), </s> 1, <unk> 2; "</s>" appended."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.Unigram())
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=160, special_tokens=["<pad>", "</s>", "<unk>"], unk_token="<unk>",
                                      show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    _mark_special(tok, ["<pad>", "</s>", "<unk>"])
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", pair="$A </s> $B </s>",
                                                       special_tokens=[("</s>", 1)])
    return _wrap(tok, eos_token="</s>", pad_token="<pad>", unk_token="<unk>")


def llama_bpe():
    """Llama layout <unk> 0, <s> 1, </s> 2 and LAVIS's Vicuna conventions: bos = eos = unk = "</s>",
    "[PAD]" appended as a new token (so the embeddings grow by one)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=200, special_tokens=["<unk>", "<s>", "</s>"], show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    _mark_special(tok, ["<unk>", "<s>", "</s>"])
    tok.post_processor = processors.TemplateProcessing(single="</s> $A", pair="</s> $A $B",
                                                       special_tokens=[("</s>", 2)])
    wrapped = _wrap(tok, bos_token="</s>", eos_token="</s>", unk_token="</s>")
    wrapped.add_special_tokens({"pad_token": "[PAD]"})
    return wrapped
