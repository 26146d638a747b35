"""VQAv2-style questions about an image scene, each with a program, its answer and 10 human answers.

Every question carries a small `program` (a JSON dict) that computes its answer from the scene
metadata alone; `evaluate_program` is the reference semantics, mirrored by the TypeScript test
of the committed split. Canonical answers are VQAv2-like: lowercase, digits for numbers.
"""

from __future__ import annotations

import numpy as np

from . import vocab
from .humans import human_answers
from .programs import balanced_relation, evaluate_program, the_object as _the

# Longest-prefix question types, a subset of VQAv2's official first-words list.
QUESTION_TYPES = ("what is the color of the", "what color is the", "what is the", "where is the",
                  "is there a", "is there", "how many", "is the", "what")
RELATION_PHRASES = {"left of": "to the left of", "right of": "to the right of",
                    "above": "above", "below": "below"}
# Relative weights of the question kinds in a random draw.
KIND_WEIGHTS = {"count": 3, "count_color": 2, "count_shape": 2, "query_color": 3,
                "query_shape": 3, "query_position": 2, "query_size": 2, "exists": 3,
                "is_color": 2, "is_size": 1, "relate": 3}


def question_type(question: str) -> str:
    lowered = question.lower()
    for prefix in QUESTION_TYPES:
        if lowered.startswith(prefix + " "):
            return prefix
    return "none of the above"


def _unique_values(scene: dict, attribute: str) -> list:
    values = [obj[attribute] for obj in scene["objects"]]
    return [v for v in values if values.count(v) == 1]


def _choice(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _object_ref(obj: dict) -> tuple:
    return {"color": obj["color"], "shape": obj["shape"]}, f"{obj['color']} {obj['shape']}"


def _absent_pair(scene: dict, rng: np.random.Generator) -> tuple:
    """A colour-shape pair not in the scene, usually a near miss (one attribute shared)."""
    present = {(o["color"], o["shape"]) for o in scene["objects"]}
    anchor = _choice(rng, scene["objects"])
    while True:
        color = anchor["color"] if rng.random() < 0.4 else _choice(rng, vocab.COLORS)
        shape = anchor["shape"] if rng.random() < 0.4 else _choice(rng, vocab.SHAPES)
        if (color, shape) not in present:
            return color, shape


def _make(kind: str, scene: dict, rng: np.random.Generator):
    """(question, program) for one question kind, or None when the scene does not allow it."""
    objects = scene["objects"]
    if kind == "count":
        text = _choice(rng, ("How many shapes are there?", "How many objects are in the picture?",
                             "How many shapes are in the image?"))
        return text, {"op": "count"}
    if kind == "count_color":
        color = _choice(rng, objects)["color"] if rng.random() < 0.7 else _choice(rng, vocab.COLORS)
        return f"How many {color} shapes are there?", {"op": "count", "filter": {"color": color}}
    if kind == "count_shape":
        shape = _choice(rng, objects)["shape"] if rng.random() < 0.7 else _choice(rng, vocab.SHAPES)
        text = _choice(rng, ("How many {} are there?", "How many {} are in the image?"))
        return text.format(vocab.plural(shape)), {"op": "count", "filter": {"shape": shape}}
    if kind == "query_color":
        shapes = _unique_values(scene, "shape")
        if not shapes:
            return None
        shape = _choice(rng, shapes)
        text = _choice(rng, ("What color is the {}?", "What is the color of the {}?"))
        return text.format(shape), {"op": "query", "attribute": "color", "object": {"shape": shape}}
    if kind == "query_shape":
        colors = _unique_values(scene, "color")
        if not colors:
            return None
        color = _choice(rng, colors)
        text = _choice(rng, ("What shape is the {} object?", "What is the {} shape?"))
        return text.format(color), {"op": "query", "attribute": "shape", "object": {"color": color}}
    if kind in ("query_position", "query_size"):
        selector, name = _object_ref(_choice(rng, objects))
        attribute = "position" if kind == "query_position" else "size"
        text = f"Where is the {name}?" if attribute == "position" else f"What size is the {name}?"
        return text, {"op": "query", "attribute": attribute, "object": selector}
    return _make_yes_no(kind, scene, rng)


def _make_yes_no(kind: str, scene: dict, rng: np.random.Generator):
    """The yes/no kinds of `_make`."""
    objects = scene["objects"]
    if kind == "exists":
        if rng.random() < 0.5:
            present = _choice(rng, objects)
            color, shape = present["color"], present["shape"]
        else:
            color, shape = _absent_pair(scene, rng)
        text = _choice(rng, ("Is there {} {} {}?", "Is there {} {} {} in the image?"))
        return (text.format(vocab.article(color), color, shape),
                {"op": "exists", "filter": {"color": color, "shape": shape}})
    if kind == "is_color":
        shapes = _unique_values(scene, "shape")
        if not shapes:
            return None
        shape = _choice(rng, shapes)
        actual = _the(scene, {"shape": shape})["color"]
        color = actual if rng.random() < 0.5 else _choice(rng, [c for c in vocab.COLORS if c != actual])
        return (f"Is the {shape} {color}?",
                {"op": "verify", "attribute": "color", "value": color, "object": {"shape": shape}})
    if kind == "is_size":
        selector, name = _object_ref(_choice(rng, objects))
        size = _choice(rng, vocab.SIZES)
        return (f"Is the {name} {size}?",
                {"op": "verify", "attribute": "size", "value": size, "object": selector})
    if kind == "relate":
        if len(objects) < 2:
            return None
        first, second = (objects[int(i)] for i in rng.choice(len(objects), size=2, replace=False))
        relation = balanced_relation(first, second, rng)
        (sel_a, name_a), (sel_b, name_b) = _object_ref(first), _object_ref(second)
        return (f"Is the {name_a} {RELATION_PHRASES[relation]} the {name_b}?",
                {"op": "relate", "subject": sel_a, "relation": relation, "object": sel_b})
    raise ValueError(f"unknown question kind {kind!r}")


def answer_type(answer: str) -> str:
    if answer in ("yes", "no"):
        return "yes/no"
    if answer.isdigit():
        return "number"
    return "other"


def vqa_questions(scene: dict, rng: np.random.Generator, k: int = 3) -> list:
    """`k` distinct questions about `scene`, each a dict with keys:

    question, question_type, answer_type, answer (canonical), program, kind,
    answers (10 simulated human answers), answer_confidences (10 of yes/maybe/no).
    """
    kinds = list(KIND_WEIGHTS)
    weights = np.array([KIND_WEIGHTS[kind] for kind in kinds], dtype=np.float64)
    out, seen = [], set()
    for _ in range(50 * k):
        if len(out) == k:
            break
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        made = _make(kind, scene, rng)
        if made is None or made[0] in seen:
            continue
        text, program = made
        seen.add(text)
        answer = evaluate_program(scene, program)
        answers, confidences = human_answers(answer, rng)
        out.append({
            "question": text,
            "question_type": question_type(text),
            "answer_type": answer_type(answer),
            "answer": answer,
            "program": program,
            "kind": kind,
            "answers": answers,
            "answer_confidences": confidences,
        })
    return out


def answer_vocabulary() -> list:
    """Every canonical answer a VQA program can produce, sorted (the candidate list for ranking)."""
    positions = [vocab.position_name(r, c) for r in range(3) for c in range(3)]
    words = set(vocab.COLORS) | set(vocab.SHAPES) | set(vocab.SIZES) | set(positions)
    words |= {"yes", "no", "0", "1", "2", "3"}
    return sorted(words)
