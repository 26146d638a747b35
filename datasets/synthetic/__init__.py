"""Deterministic synthetic multimodal benchmark: a small world of coloured shapes, tones,
solids and moving shapes, with captions, questions and instructions that follow from what is
shown. See datasets/synthetic/README.md for the API; `rng` is always a numpy Generator.
"""

from .audio import SAMPLE_RATE, audio_captions, audio_questions, sample_audio, synthesize
from .captions import canonical_caption, captions
from .corpus import text_corpus, tokenize, vocabulary
from .instructions import HELD_IN_TYPES, HELD_OUT_TYPES, instruction_sample, instruction_samples
from .pointcloud import SHAPE_NAMES as SOLID_NAMES, pointcloud_caption, sample_pointcloud
from .programs import evaluate_program
from .seeds import DEFAULT_SEED, split_rng
from .video import N_FRAMES, render_frames, sample_video, video_captions, video_questions
from .vqa import answer_vocabulary, vqa_questions
from .world import IMAGE_SIZE, render_array, render_image, sample_scene

__all__ = [
    "DEFAULT_SEED",
    "HELD_IN_TYPES",
    "HELD_OUT_TYPES",
    "IMAGE_SIZE",
    "N_FRAMES",
    "SAMPLE_RATE",
    "SOLID_NAMES",
    "answer_vocabulary",
    "audio_captions",
    "audio_questions",
    "canonical_caption",
    "captions",
    "evaluate_program",
    "instruction_sample",
    "instruction_samples",
    "pointcloud_caption",
    "render_array",
    "render_frames",
    "render_image",
    "sample_audio",
    "sample_pointcloud",
    "sample_scene",
    "sample_video",
    "split_rng",
    "synthesize",
    "text_corpus",
    "tokenize",
    "video_captions",
    "video_questions",
    "vocabulary",
    "vqa_questions",
]
