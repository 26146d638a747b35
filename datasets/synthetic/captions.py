"""Reference captions for image scenes: several templates and paraphrases per image.

The first caption of every image is the canonical description (objects in reading order, with
size and colour); the others paraphrase it with synonyms, counts, relations and the background.
Every colour or shape word in a caption belongs to an object in the scene.
"""

from __future__ import annotations

import numpy as np

from . import vocab
from .world import relation

SYNONYM_PROBABILITY = 0.35
RELATION_WORDS = {"left of": "to the left of", "right of": "to the right of",
                  "above": "above", "below": "below"}


def _pick(rng: np.random.Generator, canonical: str, synonyms: tuple) -> str:
    if synonyms and rng.random() < SYNONYM_PROBABILITY:
        return synonyms[int(rng.integers(len(synonyms)))]
    return canonical


def _words(obj: dict, rng: np.random.Generator | None) -> tuple:
    """(size, colour, shape) words for an object, paraphrased when an rng is given."""
    if rng is None:
        return obj["size"], obj["color"], obj["shape"]
    return (
        _pick(rng, obj["size"], vocab.SIZE_SYNONYMS[obj["size"]]),
        _pick(rng, obj["color"], vocab.COLOR_SYNONYMS.get(obj["color"], ())),
        _pick(rng, obj["shape"], vocab.SHAPE_SYNONYMS[obj["shape"]]),
    )


def noun_phrase(obj: dict, rng: np.random.Generator | None = None, with_size: bool = True) -> str:
    """'a large red circle' (canonical) or a paraphrase such as 'a big violet rhombus'."""
    size, color, shape = _words(obj, rng)
    words = f"{size} {color} {shape}" if with_size else f"{color} {shape}"
    return f"{vocab.article(words)} {words}"


def _join(phrases: list) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def canonical_caption(scene: dict) -> str:
    objects = scene["objects"]
    if len(objects) == 1:
        obj = objects[0]
        return f"{noun_phrase(obj)} {vocab.position_phrase(obj['row'], obj['col'])}"
    return _join([noun_phrase(obj) for obj in objects])


def _single_object_templates(obj: dict, scene: dict, rng: np.random.Generator) -> list:
    where = vocab.position_phrase(obj["row"], obj["col"])
    texture = scene["background"]["texture"]
    return [
        f"there is {noun_phrase(obj, rng)} {where}",
        f"{noun_phrase(obj, rng, with_size=False)} on a {texture} background",
        f"a picture of one {' '.join(_words(obj, rng)[1:])}",
        f"{noun_phrase(obj, rng)}",
        f"an image with {noun_phrase(obj, rng)} {where}",
        f"a single {' '.join(_words(obj, rng))} {where}",
        f"one {' '.join(_words(obj, rng)[1:])} on a {texture} background",
    ]


def _multi_object_templates(scene: dict, rng: np.random.Generator) -> list:
    objects = scene["objects"]
    count = vocab.NUMBER_WORDS[len(objects)]
    texture = scene["background"]["texture"]
    first, second = objects[0], objects[1]
    forward = RELATION_WORDS[relation(first, second)]
    backward = RELATION_WORDS[relation(second, first)]
    rest = [noun_phrase(obj, rng) for obj in objects[2:]]
    with_rest = (" and " + _join(rest)) if rest else ""
    return [
        f"{count} shapes: {_join([noun_phrase(obj, rng) for obj in objects])}",
        f"{noun_phrase(first, rng, with_size=False)} {forward} {noun_phrase(second, rng, with_size=False)}",
        f"{noun_phrase(second, rng)} {backward} {noun_phrase(first, rng)}{with_rest}",
        f"there are {count} shapes on a {texture} background",
        f"{_join([noun_phrase(obj, rng, with_size=False) for obj in objects])}",
        f"{count} objects on a {texture} background including {noun_phrase(objects[-1], rng)}",
        f"an image with {_join([noun_phrase(obj, rng) for obj in objects])}",
    ]


def captions(scene: dict, rng: np.random.Generator, k: int = 5) -> list:
    """`k` distinct reference captions (k <= 8): the canonical one first, then paraphrases."""
    if not 1 <= k <= 8:
        raise ValueError(f"k must be between 1 and 8, got {k}")
    objects = scene["objects"]
    if len(objects) == 1:
        pool = _single_object_templates(objects[0], scene, rng)
    else:
        pool = _multi_object_templates(scene, rng)
    chosen = [canonical_caption(scene)]
    for index in rng.permutation(len(pool)):
        if len(chosen) == k:
            break
        if pool[int(index)] not in chosen:
            chosen.append(pool[int(index)])
    return chosen
