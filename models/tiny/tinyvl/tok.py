"""Small tokenizers with the real special-token layouts, written as Hugging Face tokenizer.json.

Real vocabularies cannot be downloaded, so each tokenizer is built from the synthetic world's
text, but keeps the real kind, specials and conventions:
- BERT WordPiece (uncased): [PAD] [UNK] [CLS] [SEP] [MASK] first, [DEC] and [ENC] appended at
  the end as BLIP adds them (BLIP-2 uses the same vocabulary; its Q-Former only needs [DEC]).
- GPT-2 byte-level BPE with OPT's fairseq conventions: <s>=0 <pad>=1 </s>=2 <unk>=3, every text
  starts with </s> as BOS, newline ("Ċ") ends a generation.
- SentencePiece-style Unigram with Metaspace (FlanT5): <pad>=0 (= decoder start) </s>=1 <unk>=2,
  </s> appended to every text.
The Python encoders here are the ones training used; models/tiny/verify_tokenizers.mjs checks
that @huggingface/tokenizers gives the same ids on every text of the bundled test split.
"""

from __future__ import annotations

import collections
import json
import math
import re
import unicodedata

# ----------------------------------------------------------------------------------------- BERT

BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def bert_basic_split(text: str) -> list:
    """BertNormalizer (lowercase, strip accents, clean text) + BertPreTokenizer."""
    text = "".join(" " if ch in "\t\n\r" else ch for ch in text if ord(ch) != 0)
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    words = []
    for chunk in text.split():
        current = ""
        for ch in chunk:
            if _is_punct(ch):
                if current:
                    words.append(current)
                words.append(ch)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
    return words


class BertTokenizer:
    def __init__(self, vocab: list):
        self.vocab = vocab
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.pad, self.unk, self.cls, self.sep, self.mask = (self.ids[t] for t in BERT_SPECIALS)
        self.dec, self.enc = self.ids["[DEC]"], self.ids["[ENC]"]

    @classmethod
    def build(cls, texts) -> "BertTokenizer":
        counts = collections.Counter(w for t in texts for w in bert_basic_split(t))
        words = sorted(w for w in counts if len(w) > 1)
        chars = [chr(c) for c in range(33, 127) if not chr(c).isupper()]
        pieces = ["##" + c for c in "abcdefghijklmnopqrstuvwxyz0123456789"]
        return cls(BERT_SPECIALS + chars + words + pieces + ["[DEC]", "[ENC]"])

    def wordpiece(self, word: str) -> list:
        if len(word) > 100:
            return [self.unk]
        out, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    found = self.ids[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            out.append(found)
            start = end
        return out

    def encode(self, text: str, max_length: int | None = None) -> list:
        ids = [i for w in bert_basic_split(text) for i in self.wordpiece(w)]
        if max_length is not None:
            ids = ids[: max_length - 2]  # right truncation, specials kept
        return [self.cls] + ids + [self.sep]

    def decode(self, ids) -> str:
        specials = {self.pad, self.unk, self.cls, self.sep, self.mask, self.dec, self.enc}
        out = ""
        for i in ids:
            if i in specials:
                continue
            tok = self.vocab[i]
            out += tok[2:] if tok.startswith("##") else " " + tok
        out = out.strip()
        # clean_up_tokenization as transformers does
        for a, b in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
                     (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")):
            out = out.replace(a, b)
        return out

    def to_json(self) -> dict:
        n = len(self.vocab)
        special_ids = list(range(5)) + [n - 2, n - 1]
        added = [_added(i, self.vocab[i]) for i in special_ids]
        vocab = {t: i for i, t in enumerate(self.vocab)}

        def st(name):
            return {"SpecialToken": {"id": name, "type_id": 0}}
        return {
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                           "strip_accents": None, "lowercase": True},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [st("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, st("[SEP]")],
                "pair": [st("[CLS]"), {"Sequence": {"id": "A", "type_id": 0}}, st("[SEP]"),
                         {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                "special_tokens": {k: {"id": k, "ids": [self.ids[k]], "tokens": [k]} for k in ("[CLS]", "[SEP]")},
            },
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                      "max_input_chars_per_word": 100, "vocab": vocab},
        }


def _added(i, content):
    return {"id": i, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


# ----------------------------------------------------------------------------------- GPT-2 BPE

def _bytes_to_unicode() -> dict:
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_CHARS = _bytes_to_unicode()
# GPT-2's pattern with \p{L} / \p{N} narrowed to ASCII: the world's text is ASCII only, and the
# node check (verify_tokenizers.mjs) runs the real Unicode pattern on every test text.
GPT2_SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")
OPT_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def _byte_word(piece: str) -> str:
    return "".join(BYTE_CHARS[b] for b in piece.encode("utf-8"))


class BpeTokenizer:
    def __init__(self, vocab: list, merges: list):
        self.vocab, self.merges = vocab, merges
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.ranks = {tuple(m): r for r, m in enumerate(merges)}
        self.bos, self.pad, self.eos_token, self.unk = 2, 1, 2, 3
        self.newline = self.ids[BYTE_CHARS[10]]
        self._cache = {}

    @classmethod
    def build(cls, texts, max_merges=3000) -> "BpeTokenizer":
        counts = collections.Counter(_byte_word(p) for t in texts for p in GPT2_SPLIT.findall(t))
        words = {w: list(w) for w in counts}
        merges = []
        while len(merges) < max_merges:
            pairs = collections.Counter()
            for w, syms in words.items():
                for a, b in zip(syms, syms[1:]):
                    pairs[(a, b)] += counts[w]
            if not pairs:
                break
            best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
            if best[1] < 2:
                break
            a, b = best[0]
            merges.append([a, b])
            for w, syms in words.items():
                i, out = 0, []
                while i < len(syms):
                    if i + 1 < len(syms) and syms[i] == a and syms[i + 1] == b:
                        out.append(a + b)
                        i += 2
                    else:
                        out.append(syms[i])
                        i += 1
                words[w] = out
        vocab = OPT_SPECIALS + [BYTE_CHARS[b] for b in range(256)]
        seen = set(vocab)
        for a, b in merges:
            if a + b not in seen:
                vocab.append(a + b)
                seen.add(a + b)
        return cls(vocab, merges)

    def _bpe(self, word: str) -> list:
        if word in self._cache:
            return self._cache[word]
        syms = list(word)
        while len(syms) > 1:
            pairs = [(self.ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(syms, syms[1:]))]
            rank, i = min(pairs)
            if rank == math.inf:
                break
            a, b = syms[i], syms[i + 1]
            out, j = [], 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == a and syms[j + 1] == b:
                    out.append(a + b)
                    j += 2
                else:
                    out.append(syms[j])
                    j += 1
            syms = out
        ids = [self.ids[s] for s in syms]
        self._cache[word] = ids
        return ids

    def encode(self, text: str, bos: bool = True) -> list:
        ids = [i for p in GPT2_SPLIT.findall(text) for i in self._bpe(_byte_word(p))]
        return ([self.bos] if bos else []) + ids

    def decode(self, ids) -> str:
        inv = {c: b for b, c in BYTE_CHARS.items()}
        chars = "".join(self.vocab[i] for i in ids if i >= len(OPT_SPECIALS))
        return bytes(inv[c] for c in chars).decode("utf-8", errors="replace")

    def to_json(self) -> dict:
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [_added(i, t) for i, t in enumerate(OPT_SPECIALS)],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": "</s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {"</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}},
            },
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                      "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                      "vocab": {t: i for i, t in enumerate(self.vocab)}, "merges": [" ".join(m) for m in self.merges]},
        }


# ------------------------------------------------------------------------------ T5 Unigram (SP)

T5_SPECIALS = ["<pad>", "</s>", "<unk>"]
SP_SPACE = "\u2581"


class UnigramTokenizer:
    def __init__(self, pieces: list):
        self.pieces = pieces  # [(piece, score)]
        self.ids = {p: i for i, (p, _) in enumerate(pieces)}
        self.scores = [s for _, s in pieces]
        self.pad, self.eos, self.unk = 0, 1, 2
        self.max_len = max(len(p) for p, _ in pieces)

    @classmethod
    def build(cls, texts) -> "UnigramTokenizer":
        counts = collections.Counter(w for t in texts for w in _sp_normalize(t).split(" ") if w)
        total = sum(counts.values())
        words = sorted(counts, key=lambda w: (-counts[w], w))
        pieces = [(p, 0.0) for p in T5_SPECIALS]
        # whole-word pieces score log(freq) (distinct words never tie in the lattice), then the
        # bare space and single characters as a costly fallback
        pieces += [(SP_SPACE + w, math.log(counts[w] / total) - 1e-6 * i) for i, w in enumerate(words)]
        pieces.append((SP_SPACE, -15.0))
        chars = [chr(c) for c in range(33, 127)]
        pieces += [(ch, -20.0 - 1e-4 * i) for i, ch in enumerate(chars)]
        return cls(pieces)

    def _viterbi(self, s: str) -> list:
        n = len(s)
        unk_score = min(self.scores[3:]) - 10.0
        best = [(-math.inf, -1, -1)] * (n + 1)
        best[0] = (0.0, -1, -1)
        for i in range(n):
            if best[i][0] == -math.inf:
                continue
            single = False
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                pid = self.ids.get(s[i:j])
                if pid is None or pid < 3:
                    continue
                single = single or j == i + 1
                score = best[i][0] + self.scores[pid]
                if score > best[j][0]:
                    best[j] = (score, i, pid)
            if not single:
                score = best[i][0] + unk_score
                if score > best[i + 1][0]:
                    best[i + 1] = (score, i, self.unk)
        out, j = [], n
        while j > 0:
            _, i, pid = best[j]
            out.append(pid)
            j = i
        out.reverse()
        # fuse consecutive unknowns as the lattice does
        fused = []
        for pid in out:
            if pid == self.unk and fused and fused[-1] == self.unk:
                continue
            fused.append(pid)
        return fused

    def encode(self, text: str, eos: bool = True) -> list:
        s = _sp_normalize(text)
        if not s:
            return [self.eos] if eos else []
        s = SP_SPACE + s.replace(" ", SP_SPACE)
        return self._viterbi(s) + ([self.eos] if eos else [])

    def decode(self, ids) -> str:
        text = "".join(self.pieces[i][0] for i in ids if i >= 3)
        return text.replace(SP_SPACE, " ").strip()

    def to_json(self) -> dict:
        return {
            "version": "1.0", "truncation": None, "padding": None,
            "added_tokens": [_added(i, t) for i, t in enumerate(T5_SPECIALS)],
            "normalizer": {"type": "Sequence", "normalizers": [
                {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
                {"type": "Strip", "strip_left": True, "strip_right": True}]},
            "pre_tokenizer": {"type": "Metaspace", "replacement": SP_SPACE, "prepend_scheme": "always", "split": True},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                         {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                "special_tokens": {"</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}},
            },
            "decoder": {"type": "Metaspace", "replacement": SP_SPACE, "prepend_scheme": "always", "split": True},
            "model": {"type": "Unigram", "unk_id": 2, "vocab": [[p, s] for p, s in self.pieces], "byte_fallback": False},
        }


def _sp_normalize(text: str) -> str:
    return re.sub(" {2,}", " ", text).strip()


def write_json(obj: dict, path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
