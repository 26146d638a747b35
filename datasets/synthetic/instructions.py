"""Instruction-following samples on image scenes, in the spirit of InstructBLIP's held-out eval.

Instruction TYPES are split like InstructBLIP's datasets: HELD_IN types are for instruction
tuning (the trainer uses only these); HELD_OUT types appear only in evaluation, with phrasings
and formats the model never saw (VSR-like true/false statements, IconQA-like counting choices,
ScienceQA-like questions with a textual context, GQA-like relational short answers).

A sample is a dict:
    type, category, held_out (bool), format ("open_ended" | "multiple_choice"),
    prompt (the full instruction text, options listed as "(a) x (b) y"),
    question, context ("" when none), choices ([] when open-ended),
    answer_index (-1 when open-ended), answers (acceptable answers; [choice] for MC),
    program (computes the answer from the scene, see programs.py; None for captions).
"""

from __future__ import annotations

import numpy as np

from . import vocab
from .captions import captions
from .programs import (RELATIONS, balanced_relation, corner_ranking, evaluate_program, related,
                       select)
from .vqa import RELATION_PHRASES, vqa_questions

HELD_IN_TYPES = ("vqa_short", "caption", "color_choice", "exists_yes_no")
HELD_OUT_TYPES = ("spatial_true_false", "count_choice", "context_choice", "relation_short",
                  "position_short")
OPTION_LETTERS = "abcdefgh"
WARM_COOL_CONTEXT = ("Red, orange and yellow are warm colors. "
                     "Green, blue and purple are cool colors.")


def _choice(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def format_options(choices: list) -> str:
    return " ".join(f"({OPTION_LETTERS[i]}) {c}" for i, c in enumerate(choices))


def _sample(kind: str, question: str, *, prompt: str, answers: list, program,
            context: str = "", choices: list | None = None, answer_index: int = -1) -> dict:
    return {
        "type": kind,
        "category": kind,
        "held_out": kind in HELD_OUT_TYPES,
        "format": "multiple_choice" if choices else "open_ended",
        "prompt": prompt,
        "question": question,
        "context": context,
        "choices": list(choices or []),
        "answer_index": answer_index,
        "answers": answers,
        "program": program,
    }


def _multiple_choice(kind: str, question: str, correct: str, distractors: list,
                     rng: np.random.Generator, program, *, context: str = "",
                     template: str = "Question: {q} Options: {o}. Answer:") -> dict:
    choices = [correct] + list(distractors)
    choices = [choices[int(i)] for i in rng.permutation(len(choices))]
    prompt = template.format(q=question, o=format_options(choices), c=context)
    return _sample(kind, question, prompt=prompt, answers=[correct], program=program,
                   context=context, choices=choices, answer_index=choices.index(correct))


def _named(obj: dict) -> tuple:
    return {"color": obj["color"], "shape": obj["shape"]}, f"{obj['color']} {obj['shape']}"


def _vqa_short(scene, rng):
    q = vqa_questions(scene, rng, k=1)[0]
    return _sample("vqa_short", q["question"], prompt=f"Question: {q['question']} Short answer:",
                   answers=q["answers"], program=q["program"])


def _caption(scene, rng):
    prompt = _choice(rng, ("A short image caption.", "Write a short description of the image."))
    return _sample("caption", prompt, prompt=prompt, answers=captions(scene, rng), program=None)


def _color_choice(scene, rng):
    obj = _choice(rng, scene["objects"])
    selector = {"shape": obj["shape"], "size": obj["size"]}
    if len(select(scene, selector)) != 1:
        return None
    others = [c for c in vocab.COLORS if c != obj["color"]]
    distractors = [others[int(i)] for i in rng.choice(len(others), size=2, replace=False)]
    question = f"What color is the {obj['size']} {obj['shape']}?"
    return _multiple_choice("color_choice", question, obj["color"], distractors, rng,
                            {"op": "query", "attribute": "color", "object": selector})


def _exists_yes_no(scene, rng):
    obj = _choice(rng, scene["objects"])
    color = obj["color"] if rng.random() < 0.5 else _choice(rng, vocab.COLORS)
    shape = obj["shape"]
    program = {"op": "exists", "filter": {"color": color, "shape": shape}}
    question = f"Is there {vocab.article(color)} {color} {shape} in this picture?"
    return _sample("exists_yes_no", question, prompt=f"{question} Answer yes or no.",
                   answers=[evaluate_program(scene, program)], program=program)


def _spatial_true_false(scene, rng):
    objects = scene["objects"]
    if len(objects) < 2:
        return None
    a, b = (objects[int(i)] for i in rng.choice(len(objects), size=2, replace=False))
    relation = balanced_relation(a, b, rng)
    (sel_a, name_a), (sel_b, name_b) = _named(a), _named(b)
    statement = f"The {name_a} is {RELATION_PHRASES[relation]} the {name_b}."
    program = {"op": "statement", "subject": sel_a, "relation": relation, "object": sel_b}
    correct = evaluate_program(scene, program)
    prompt = f'Based on the image, is this statement true or false? "{statement}" Answer:'
    sample = _sample("spatial_true_false", statement, prompt=prompt, answers=[correct],
                     program=program, choices=["true", "false"],
                     answer_index=["true", "false"].index(correct))
    return sample


def _count_choice(scene, rng):
    if rng.random() < 0.5:
        question, program = "How many shapes are in the picture?", {"op": "count"}
    else:
        color = _choice(rng, scene["objects"])["color"]
        question = f"How many {color} shapes can you see?"
        program = {"op": "count", "filter": {"color": color}}
    correct = evaluate_program(scene, program)
    distractors = [str(n) for n in range(0, 4) if str(n) != correct]
    distractors = [distractors[int(i)] for i in rng.choice(3, size=2, replace=False)]
    return _multiple_choice("count_choice", question, correct, distractors, rng, program,
                            template="Question: {q} Options: {o}. Short answer:")


def _context_choice(scene, rng):
    template = "Context: {c} Question: {q} Options: {o}. Answer:"
    ranked = corner_ranking(scene)
    corners = [vocab.SHAPE_CORNERS[o["shape"]] for o in ranked]
    if len(ranked) >= 2 and corners[0] > corners[1] and rng.random() < 0.5:
        shapes = [o["shape"] for o in ranked]
        facts = " ".join(f"{vocab.article(s).capitalize()} {s} has {vocab.SHAPE_CORNERS[s]} corners."
                         for s in sorted(set(shapes)))
        return _multiple_choice("context_choice", "Which shape in the image has the most corners?",
                                shapes[0], shapes[1:], rng, {"op": "most_corners"},
                                context=facts, template=template)
    candidates = [o for o in scene["objects"] if o["color"] != "black"
                  and sum(p["shape"] == o["shape"] for p in scene["objects"]) == 1]
    if not candidates:
        return None
    obj = _choice(rng, candidates)
    program = {"op": "temperature", "object": {"shape": obj["shape"]}}
    correct = evaluate_program(scene, program)
    question = f"Is the {obj['shape']} a warm color or a cool color?"
    distractor = "cool" if correct == "warm" else "warm"
    return _multiple_choice("context_choice", question, correct, [distractor], rng, program,
                            context=WARM_COOL_CONTEXT, template=template)


def _relation_short(scene, rng):
    options = []
    for anchor in scene["objects"]:
        for relation in RELATIONS:
            if len(related(scene, relation, anchor)) == 1:
                options.append((anchor, relation))
    if not options:
        return None
    anchor, relation = _choice(rng, options)
    selector, name = _named(anchor)
    attribute = _choice(rng, ("color", "shape"))
    phrase = RELATION_PHRASES[relation]
    question = (f"Which shape is {phrase} the {name}?" if attribute == "shape"
                else f"What is the color of the object {phrase} the {name}?")
    program = {"op": "query_related", "attribute": attribute, "relation": relation,
               "object": selector}
    return _sample("relation_short", question, prompt=f"Question: {question} Short answer:",
                   answers=[evaluate_program(scene, program)], program=program)


def _position_short(scene, rng):
    selector, name = _named(_choice(rng, scene["objects"]))
    question = f"In which part of the picture is the {name}?"
    program = {"op": "query", "attribute": "position", "object": selector}
    return _sample("position_short", question, prompt=f"Question: {question} Short answer:",
                   answers=[evaluate_program(scene, program)], program=program)


_BUILDERS = {
    "vqa_short": _vqa_short,
    "caption": _caption,
    "color_choice": _color_choice,
    "exists_yes_no": _exists_yes_no,
    "spatial_true_false": _spatial_true_false,
    "count_choice": _count_choice,
    "context_choice": _context_choice,
    "relation_short": _relation_short,
    "position_short": _position_short,
}


def instruction_sample(scene: dict, rng: np.random.Generator, kind: str):
    """One sample of instruction type `kind`, or None when the scene cannot support it."""
    if kind not in _BUILDERS:
        raise ValueError(f"unknown instruction type {kind!r}; expected one of {sorted(_BUILDERS)}")
    return _BUILDERS[kind](scene, rng)


def instruction_samples(scene: dict, rng: np.random.Generator, types=HELD_IN_TYPES,
                        k: int = 1) -> list:
    """Up to `k` samples of types drawn uniformly from `types` (HELD_IN_TYPES by default)."""
    out = []
    for _ in range(20 * k):
        if len(out) == k:
            break
        sample = instruction_sample(scene, rng, _choice(rng, list(types)))
        if sample is not None:
            out.append(sample)
    return out
