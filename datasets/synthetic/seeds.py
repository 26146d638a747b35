"""Seeding: every sample of every split has its own numpy Generator, derived from
(seed, split, stream, index), so any subset or count change leaves the other samples intact.
"""

from __future__ import annotations

import numpy as np

DEFAULT_SEED = 2026
SPLITS = ("train", "val", "test")
STREAMS = ("image", "vqa", "instruction", "audio", "pointcloud", "video")


def split_rng(seed: int, split: str, stream: str, index: int) -> np.random.Generator:
    """The Generator of sample `index` of `stream` in `split`."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}; expected one of {STREAMS}")
    return np.random.default_rng([seed, SPLITS.index(split), STREAMS.index(stream), index])
