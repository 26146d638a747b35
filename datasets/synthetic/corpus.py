"""The world's text: a sentence stream for language-model pretraining and the full word list.

The tiny BLIP-2 / InstructBLIP / X-InstructBLIP families connect to a frozen LM "pretrained on
the world's text"; `text_corpus` draws that text (captions, questions with their answers,
instruction prompts with answers, for every modality) and `vocabulary` lists every word the
generator can emit, for building a tokenizer.
"""

from __future__ import annotations

import re

import numpy as np

from . import humans, vocab
from .audio import audio_captions, audio_questions, sample_audio_meta
from .captions import captions
from .instructions import HELD_IN_TYPES, HELD_OUT_TYPES, instruction_sample
from .pointcloud import SHAPE_NAMES, pointcloud_caption
from .video import sample_video_meta, video_captions, video_questions
from .vqa import answer_vocabulary, vqa_questions
from .world import sample_scene

_WORD = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


def _scene_text(rng: np.random.Generator, include_held_out: bool) -> list:
    scene = sample_scene(rng)
    lines = list(captions(scene, rng, k=5))
    lines += [f"{q['question']} {q['answer']}" for q in vqa_questions(scene, rng, k=3)]
    kinds = HELD_IN_TYPES + (HELD_OUT_TYPES if include_held_out else ())
    sample = instruction_sample(scene, rng, kinds[int(rng.integers(len(kinds)))])
    if sample is not None:
        lines.append(f"{sample['prompt']} {sample['answers'][0]}")
    return lines


def _media_text(rng: np.random.Generator) -> list:
    audio = sample_audio_meta(rng)
    audio_caps, audio_qa = audio_captions(audio, rng), audio_questions(audio, rng)
    video = sample_video_meta(rng)
    video_caps, video_qa = video_captions(video, rng), video_questions(video, rng)
    lines = audio_caps + video_caps + [pointcloud_caption(SHAPE_NAMES[int(rng.integers(6))])]
    lines += [f"{q['question']} {q['answer']}" for q in audio_qa + video_qa]
    return lines


def text_corpus(rng: np.random.Generator, n: int, include_held_out: bool = False) -> list:
    """About `n` sentences of the world's text. Held-out instruction phrasings are left out by
    default, so a LM trained on it has not seen them."""
    lines: list = []
    while len(lines) < n:
        lines += _scene_text(rng, include_held_out)
        if rng.random() < 0.3:
            lines += _media_text(rng)
    return lines[:n]


def tokenize(text: str) -> list:
    """Lowercase words and single punctuation marks."""
    return _WORD.findall(text.lower())


def _listed_words() -> set:
    """Words of the vocabulary tables and of every simulated annotator answer."""
    words: set = set()
    answers = list(answer_vocabulary()) + ["4", "high", "low", "up", "down"]
    texts = answers + list(vocab.NUMBER_WORDS) + list(vocab.SYNONYM_PLURAL.values())
    texts += list(vocab.SHAPE_PLURAL.values()) + list(vocab.BACKGROUND_TEXTURES)
    for answer in answers:
        texts += list(humans.variants(answer)) + list(humans.wrong_answers(answer))
    for group in (vocab.SHAPE_SYNONYMS, vocab.COLOR_SYNONYMS, vocab.SIZE_SYNONYMS):
        for synonyms in group.values():
            texts += list(synonyms)
    for text in texts:
        words.update(tokenize(text))
    return words


def vocabulary(samples: int = 4000, seed: int = 0) -> list:
    """Every word and punctuation mark the generator emits (held-out phrasings included):
    the listed vocabulary tables plus what `samples` draws of every text kind contain."""
    rng = np.random.default_rng(seed)
    words = _listed_words()
    for _ in range(samples):
        for line in _scene_text(rng, include_held_out=True) + _media_text(rng):
            words.update(tokenize(line))
    return sorted(words)
