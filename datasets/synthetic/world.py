"""The image world: scenes of 1-3 coloured shapes on a 3x3 grid, and their rasterisation.

A scene is a plain JSON-serialisable dict (it is committed as metadata next to each image):

    {"background": {"rgb": [232, 232, 232], "texture": "plain"},
     "objects": [{"shape": "circle", "color": "red", "size": "large", "row": 0, "col": 2,
                  "position": "top right", "x": 53, "y": 11, "radius": 8.5,
                  "rgb": [220, 31, 40]}, ...]}

Objects are listed in reading order (row, then column). No two objects share a grid cell, and
no two share both colour and shape, so "the red circle" always names exactly one object.
Rendering is pure numpy (boolean masks over the pixel grid), about 0.1 ms per image.

`rng` everywhere is a `numpy.random.Generator` (e.g. `numpy.random.default_rng(seed)`).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from . import vocab

IMAGE_SIZE = 64
OBJECT_COUNT_PROBABILITIES = (0.3, 0.35, 0.35)  # for 1, 2, 3 objects
# Cell centres of the 3x3 grid on the 64-pixel canvas, in whole pixels.
CELL_CENTERS = (11, 32, 53)
# Shapes reach at most this factor times their radius from the centre (star and triangle tips).
SHAPE_EXTENT = 1.1
COLOR_JITTER = 12
TEXTURE_DARKEN = 10

_YY, _XX = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(np.float32) + 0.5


def _quantised_radius(rng: np.random.Generator, size: str) -> float:
    low, high = vocab.SIZE_RADIUS[size]
    steps = int(round((high - low) / 0.5))
    return float(low + 0.5 * int(rng.integers(0, steps + 1)))


def _sample_object(rng: np.random.Generator, cell: int, taken: set) -> dict:
    while True:
        shape = vocab.SHAPES[int(rng.integers(len(vocab.SHAPES)))]
        color = vocab.COLORS[int(rng.integers(len(vocab.COLORS)))]
        if (color, shape) not in taken:
            break
    taken.add((color, shape))
    size = vocab.SIZES[int(rng.integers(len(vocab.SIZES)))]
    radius = _quantised_radius(rng, size)
    row, col = divmod(cell, 3)
    max_jitter = max(0, int(np.floor(IMAGE_SIZE / 6 - SHAPE_EXTENT * radius - 1)))
    x = CELL_CENTERS[col] + int(rng.integers(-max_jitter, max_jitter + 1))
    y = CELL_CENTERS[row] + int(rng.integers(-max_jitter, max_jitter + 1))
    base = np.array(vocab.COLOR_RGB[color], dtype=np.int64)
    rgb = np.clip(base + rng.integers(-COLOR_JITTER, COLOR_JITTER + 1, size=3), 0, 255)
    return {
        "shape": shape,
        "color": color,
        "size": size,
        "row": row,
        "col": col,
        "position": vocab.position_name(row, col),
        "x": x,
        "y": y,
        "radius": radius,
        "rgb": [int(v) for v in rgb],
    }


def sample_scene(rng: np.random.Generator, n_objects: int | None = None) -> dict:
    """Draw a random scene. `n_objects` (1-3) fixes the object count; default draws it."""
    if n_objects is None:
        n_objects = 1 + int(rng.choice(3, p=OBJECT_COUNT_PROBABILITIES))
    if not 1 <= n_objects <= 3:
        raise ValueError(f"n_objects must be 1, 2 or 3, got {n_objects}")
    background = {
        "rgb": list(vocab.BACKGROUND_RGB[int(rng.integers(len(vocab.BACKGROUND_RGB)))]),
        "texture": vocab.BACKGROUND_TEXTURES[int(rng.integers(len(vocab.BACKGROUND_TEXTURES)))],
    }
    cells = sorted(int(c) for c in rng.choice(9, size=n_objects, replace=False))
    taken: set = set()
    objects = [_sample_object(rng, cell, taken) for cell in cells]
    return {"background": background, "objects": objects}


def _polygon_mask(dx: np.ndarray, dy: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon test over the whole pixel grid at once."""
    inside = np.zeros(dx.shape, dtype=bool)
    count = len(vertices)
    for i in range(count):
        x1, y1 = vertices[i]
        x2, y2 = vertices[(i + 1) % count]
        straddles = (y1 > dy) != (y2 > dy)
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing_x = (x2 - x1) * (dy - y1) / (y2 - y1) + x1
        inside ^= straddles & (dx < crossing_x)
    return inside


def _regular_vertices(count: int, radii: tuple, start_degrees: float) -> np.ndarray:
    angles = np.deg2rad(start_degrees + np.arange(count) * 360.0 / count)
    r = np.array([radii[i % len(radii)] for i in range(count)])
    return np.stack([r * np.cos(angles), r * np.sin(angles)], axis=1)


def shape_mask(shape: str, dx: np.ndarray, dy: np.ndarray, radius: float) -> np.ndarray:
    """Pixels covered by `shape` of `radius`, given offsets dx, dy from its centre (y down)."""
    if shape == "circle":
        return dx * dx + dy * dy <= radius * radius
    if shape == "square":
        half = 0.85 * radius
        return (np.abs(dx) <= half) & (np.abs(dy) <= half)
    if shape == "diamond":
        return np.abs(dx) + np.abs(dy) <= SHAPE_EXTENT * radius
    if shape == "cross":
        arm, half_width = 0.95 * radius, 0.33 * radius
        vertical = (np.abs(dx) <= half_width) & (np.abs(dy) <= arm)
        horizontal = (np.abs(dy) <= half_width) & (np.abs(dx) <= arm)
        return vertical | horizontal
    if shape == "triangle":
        # Apex up; the circumcentre sits at the object centre.
        return _polygon_mask(dx, dy, _regular_vertices(3, (SHAPE_EXTENT * radius,), -90.0))
    if shape == "star":
        radii = (SHAPE_EXTENT * radius, 0.45 * radius)
        return _polygon_mask(dx, dy, _regular_vertices(10, radii, -90.0))
    raise ValueError(f"unknown shape {shape!r}; expected one of {vocab.SHAPES}")


def _background(background: dict, size: int) -> np.ndarray:
    canvas = np.empty((size, size, 3), dtype=np.int16)
    canvas[:] = np.array(background["rgb"], dtype=np.int16)
    texture = background["texture"]
    if texture == "striped":
        canvas[(np.arange(size) // 3) % 2 == 0, :, :] -= TEXTURE_DARKEN
    elif texture == "checkered":
        cells = np.arange(size) // 8
        checker = (cells[:, None] + cells[None, :]) % 2 == 1
        canvas[checker] -= TEXTURE_DARKEN
    elif texture != "plain":
        raise ValueError(f"unknown background texture {texture!r}")
    return canvas


def render_array(scene: dict) -> np.ndarray:
    """The scene as a (64, 64, 3) uint8 RGB array."""
    canvas = _background(scene["background"], IMAGE_SIZE)
    for obj in scene["objects"]:
        mask = shape_mask(obj["shape"], _XX - obj["x"], _YY - obj["y"], obj["radius"])
        canvas[mask] = np.array(obj["rgb"], dtype=np.int16)
    return canvas.astype(np.uint8)


def render_image(scene: dict) -> Image.Image:
    """The scene as a 64x64 RGB PIL image."""
    return Image.fromarray(render_array(scene), mode="RGB")


def relation(a: dict, b: dict) -> str:
    """Spatial relation of object a to object b: 'left of', 'right of', 'above' or 'below'.

    Rows take precedence when both differ, matching how captions describe reading order.
    """
    if a["row"] != b["row"]:
        return "above" if a["row"] < b["row"] else "below"
    return "left of" if a["col"] < b["col"] else "right of"
