"""Deterministic synthetic multimodal benchmark: a small world of coloured shapes, tones,
solids and moving shapes, with captions, questions and instructions that follow from what is
shown. See datasets/synthetic/README.md for the API; `rng` is always a numpy Generator.
"""

from .captions import canonical_caption, captions
from .instructions import HELD_IN_TYPES, HELD_OUT_TYPES, instruction_sample, instruction_samples
from .programs import evaluate_program
from .vqa import answer_vocabulary, vqa_questions
from .world import IMAGE_SIZE, render_array, render_image, sample_scene

__all__ = [
    "HELD_IN_TYPES",
    "HELD_OUT_TYPES",
    "IMAGE_SIZE",
    "answer_vocabulary",
    "canonical_caption",
    "captions",
    "evaluate_program",
    "instruction_sample",
    "instruction_samples",
    "render_array",
    "render_image",
    "sample_scene",
    "vqa_questions",
]
