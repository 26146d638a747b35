"""Simulated annotators: 10 human answers per question with realistic disagreement.

At least 6 of the 10 give the canonical answer, so it is always the strict majority (and the
VQAv2 `multiple_choice_answer`). The others paraphrase it (synonyms, number words, articles,
trailing punctuation) or, rarely, get it wrong, as real VQAv2 annotators do.
"""

from __future__ import annotations

import numpy as np

from . import vocab

ANSWERS_PER_QUESTION = 10
MIN_CANONICAL = 6
WRONG_PROBABILITY = 0.25  # among the non-canonical answers
POSITION_VARIANTS = {
    "center": ("middle", "in the center"),
    "top": ("at the top", "up"),
    "bottom": ("at the bottom", "down"),
    "left": ("on the left", "left side"),
    "right": ("on the right", "right side"),
}


def _position_variants(answer: str) -> tuple:
    if answer in POSITION_VARIANTS:
        return POSITION_VARIANTS[answer]
    vertical, horizontal = answer.split(" ")
    upper = {"top": "upper", "bottom": "lower"}[vertical]
    return (f"{upper} {horizontal}", f"{answer} corner", horizontal)


# Words of the audio and video worlds (pitch, motion direction).
EXTRA_VARIANTS = {"high": ("high pitched",), "low": ("low pitched",),
                  "up": ("upward", "upwards"), "down": ("downward", "downwards")}
EXTRA_DOMAINS = (("high", "low"), ("left", "right", "up", "down"))


def variants(answer: str) -> tuple:
    """Answers a careful annotator might give instead of the canonical one."""
    if answer in EXTRA_VARIANTS:
        return EXTRA_VARIANTS[answer]
    if answer == "yes":
        return ("yeah", "yes.")
    if answer == "no":
        return ("nope", "no.")
    if answer.isdigit():
        return (vocab.NUMBER_WORDS[int(answer)], f"{answer}.")
    if answer in vocab.COLORS:
        return vocab.COLOR_SYNONYMS.get(answer, ()) + (f"{answer}.", f"{answer} color")
    if answer in vocab.SHAPES:
        return (f"{vocab.article(answer)} {answer}",) + vocab.SHAPE_SYNONYMS[answer]
    if answer in vocab.SIZES:
        return vocab.SIZE_SYNONYMS[answer]
    return _position_variants(answer)


def wrong_answers(answer: str) -> tuple:
    """Plausible mistakes: another value of the same kind."""
    for domain in EXTRA_DOMAINS:
        if answer in domain and answer not in ("left", "right"):
            return tuple(v for v in domain if v != answer)
    if answer in ("yes", "no"):
        return ("no",) if answer == "yes" else ("yes",)
    if answer.isdigit():
        value = int(answer)
        return tuple(str(v) for v in (value - 1, value + 1) if 0 <= v <= 4)
    for pool in (vocab.COLORS, vocab.SHAPES, vocab.SIZES):
        if answer in pool:
            return tuple(v for v in pool if v != answer)
    positions = [vocab.position_name(r, c) for r in range(3) for c in range(3)]
    return tuple(p for p in positions if p != answer)


def _confidence(rng: np.random.Generator, role: str) -> str:
    table = {"canonical": (0.9, 0.1, 0.0), "variant": (0.8, 0.2, 0.0), "wrong": (0.3, 0.5, 0.2)}
    return ("yes", "maybe", "no")[int(rng.choice(3, p=table[role]))]


def human_answers(answer: str, rng: np.random.Generator, n: int = ANSWERS_PER_QUESTION,
                  min_canonical: int = MIN_CANONICAL) -> tuple:
    """(n answers, n confidences) for a question whose canonical answer is `answer`.

    Defaults are VQAv2's 10 annotators; Clotho-AQA uses n=3, min_canonical=2.
    """
    n_canonical = int(rng.integers(min_canonical, n + 1))
    roles = ["canonical"] * n_canonical
    for _ in range(n - n_canonical):
        roles.append("wrong" if rng.random() < WRONG_PROBABILITY else "variant")
    roles = [roles[int(i)] for i in rng.permutation(n)]
    answers, confidences = [], []
    for role in roles:
        if role == "canonical":
            answers.append(answer)
        else:
            pool = variants(answer) if role == "variant" else wrong_answers(answer)
            answers.append(pool[int(rng.integers(len(pool)))])
        confidences.append(_confidence(rng, role))
    return answers, confidences
