"""Video world: 8-frame 64x64 clips of one shape moving left, right, up or down, sometimes past
a second, static shape. Captions and MSVD-QA-style questions follow from the metadata.
"""

from __future__ import annotations

import numpy as np

from . import vocab
from .world import IMAGE_SIZE, SHAPE_EXTENT, render_array

N_FRAMES = 8
DIRECTIONS = ("left", "right", "up", "down")
DIRECTION_VECTORS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}
RADIUS = {"small": 6.0, "large": 8.5}
DISTRACTOR_PROBABILITY = 0.5


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _obj(shape, color, size, x, y, rng) -> dict:
    base = np.array(vocab.COLOR_RGB[color], dtype=np.int64)
    rgb = np.clip(base + rng.integers(-12, 13, size=3), 0, 255)
    return {"shape": shape, "color": color, "size": size, "x": int(x), "y": int(y),
            "radius": RADIUS[size], "rgb": [int(v) for v in rgb]}


def sample_video_meta(rng: np.random.Generator, n_frames: int = N_FRAMES) -> dict:
    shape, color = _pick(rng, vocab.SHAPES), _pick(rng, vocab.COLORS)
    size = _pick(rng, vocab.SIZES)
    direction = _pick(rng, DIRECTIONS)
    margin = int(np.ceil(SHAPE_EXTENT * RADIUS[size])) + 1
    travel_max = IMAGE_SIZE - 2 * margin
    step = int(rng.integers(max(2, travel_max // (2 * (n_frames - 1))), travel_max // (n_frames - 1) + 1))
    travel = step * (n_frames - 1)
    along = margin + int(rng.integers(0, travel_max - travel + 1))
    across = int(rng.integers(margin, IMAGE_SIZE - margin + 1))
    dx, dy = DIRECTION_VECTORS[direction]
    if dx:
        start = (along if dx > 0 else IMAGE_SIZE - along, across)
    else:
        start = (across, along if dy > 0 else IMAGE_SIZE - along)
    mover = _obj(shape, color, size, start[0], start[1], rng)
    meta = {"background": {"rgb": list(_pick(rng, vocab.BACKGROUND_RGB)), "texture": "plain"},
            "moving": mover, "direction": direction, "step_px": step, "n_frames": n_frames,
            "static": None}
    if rng.random() < DISTRACTOR_PROBABILITY:
        meta["static"] = _static_distractor(rng, meta)
    return meta


def _static_distractor(rng: np.random.Generator, meta: dict):
    mover = meta["moving"]
    dx, dy = DIRECTION_VECTORS[meta["direction"]]
    for _ in range(100):
        shape, color = _pick(rng, vocab.SHAPES), _pick(rng, vocab.COLORS)
        if shape == mover["shape"] or color == mover["color"]:
            continue
        x, y = (int(v) for v in rng.integers(9, IMAGE_SIZE - 9, size=2))
        # Keep clear of the mover's lane so the shapes never touch.
        lane_offset = abs(y - mover["y"]) if dx else abs(x - mover["x"])
        if lane_offset > SHAPE_EXTENT * (RADIUS["small"] + mover["radius"]) + 2:
            return _obj(shape, color, "small", x, y, rng)
    return None


def frame_positions(meta: dict) -> list:
    dx, dy = DIRECTION_VECTORS[meta["direction"]]
    x0, y0 = meta["moving"]["x"], meta["moving"]["y"]
    return [(x0 + dx * meta["step_px"] * t, y0 + dy * meta["step_px"] * t)
            for t in range(meta["n_frames"])]


def render_frames(meta: dict) -> np.ndarray:
    """uint8 [n_frames, 64, 64, 3]."""
    frames = []
    for x, y in frame_positions(meta):
        objects = [dict(meta["moving"], x=x, y=y)]
        if meta["static"] is not None:
            objects.append(meta["static"])
        frames.append(render_array({"background": meta["background"], "objects": objects}))
    return np.stack(frames)


MOTION = {"left": "to the left", "right": "to the right", "up": "upward", "down": "downward"}


def video_captions(meta: dict, rng: np.random.Generator, k: int = 5) -> list:
    m = meta["moving"]
    name = f"{m['color']} {m['shape']}"
    motion = MOTION[meta["direction"]]
    pool = [
        f"{vocab.article(m['size'])} {m['size']} {name} moves {motion}",
        f"{vocab.article(m['color'])} {name} is moving {meta['direction']}",
        f"{vocab.article(m['color'])} {name} slides {motion} across the screen",
        f"a {m['shape']} moving {meta['direction']}",
        f"the {name} goes {motion}",
    ]
    if meta["static"] is not None:
        s = meta["static"]
        pool.append(f"{vocab.article(m['color'])} {name} moves {motion} past "
                    f"{vocab.article(s['color'])} {s['color']} {s['shape']}")
    chosen = [pool[0]]
    for index in rng.permutation(len(pool) - 1) + 1:
        if len(chosen) == k:
            break
        chosen.append(pool[int(index)])
    return chosen


def video_questions(meta: dict, rng: np.random.Generator, k: int = 2) -> list:
    """MSVD-QA-style lowercase questions with one-word answers."""
    m = meta["moving"]
    count = 1 if meta["static"] is None else 2
    pool = [
        ("what is moving?", m["shape"], "shape"),
        ("what color is the moving shape?", m["color"], "color"),
        (f"which direction does the {m['shape']} move?", meta["direction"], "direction"),
        (f"where is the {m['color']} shape moving?", meta["direction"], "direction"),
        ("how many shapes are there?", str(count), "count"),
    ]
    picked = [pool[int(i)] for i in rng.permutation(len(pool))[:k]]
    return [{"question": q, "answer": a, "attribute": attr} for q, a, attr in picked]


def sample_video(rng: np.random.Generator, n_frames: int = N_FRAMES) -> tuple:
    """(frames uint8 [T, 64, 64, 3], metadata, 5 captions, 2 questions)."""
    meta = sample_video_meta(rng, n_frames)
    return render_frames(meta), meta, video_captions(meta, rng), video_questions(meta, rng)
