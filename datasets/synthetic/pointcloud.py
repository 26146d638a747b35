"""3D world: surface point clouds of six solids, ModelNet-style (xyz, z up, unit sphere).

Points are sampled uniformly by area on each solid's surface, the solid is stretched a little
per axis, turned about the vertical axis, jittered, then normalised as ULIP/LAVIS `pc_normalize`
does (centroid at the origin, farthest point at distance 1).
"""

from __future__ import annotations

import numpy as np

SHAPE_NAMES = ("cube", "sphere", "cone", "cylinder", "pyramid", "torus")
DEFAULT_POINTS = 1024
STRETCH_RANGE = (0.85, 1.15)
JITTER_SIGMA = 0.005
TORUS_RADII = (0.7, 0.25)


def _area_choice(rng: np.random.Generator, areas: list, n: int) -> np.ndarray:
    p = np.array(areas, dtype=np.float64)
    return rng.choice(len(areas), size=n, p=p / p.sum())


def _triangle_points(rng, a, b, c, n):
    u, v = rng.random(n), rng.random(n)
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    return a + u[:, None] * (b - a) + v[:, None] * (c - a)


def _cube(rng, n):
    face = rng.integers(0, 6, size=n)
    uv = rng.uniform(-1, 1, size=(n, 2))
    axis, sign = face // 2, np.where(face % 2 == 0, -1.0, 1.0)
    pts = np.empty((n, 3))
    for k in range(3):
        pts[:, k] = np.where(axis == k, sign, np.where(axis == (k + 1) % 3, uv[:, 0], uv[:, 1]))
    return pts


def _sphere(rng, n):
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _cylinder(rng, n, radius=0.6, half_height=1.0):
    part = _area_choice(rng, [2 * np.pi * radius * 2 * half_height, np.pi * radius**2,
                              np.pi * radius**2], n)
    theta = rng.uniform(0, 2 * np.pi, n)
    r = np.where(part == 0, radius, radius * np.sqrt(rng.random(n)))
    z = np.where(part == 0, rng.uniform(-half_height, half_height, n),
                 np.where(part == 1, half_height, -half_height))
    return np.stack([r * np.cos(theta), r * np.sin(theta), z], axis=1)


def _cone(rng, n, radius=0.8, height=1.6):
    slant = np.hypot(radius, height)
    part = _area_choice(rng, [np.pi * radius * slant, np.pi * radius**2], n)
    theta = rng.uniform(0, 2 * np.pi, n)
    frac = np.sqrt(rng.random(n))  # distance from apex (lateral) or centre (base), by area
    r = radius * frac
    z = np.where(part == 0, height / 2 - height * frac, -height / 2)
    return np.stack([r * np.cos(theta), r * np.sin(theta), z], axis=1)


def _pyramid(rng, n, half_base=0.8, height=1.4):
    apex = np.array([0.0, 0.0, height / 2])
    corners = [np.array([sx * half_base, sy * half_base, -height / 2])
               for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    side = 0.5 * (2 * half_base) * np.hypot(half_base, height)
    part = _area_choice(rng, [side] * 4 + [(2 * half_base) ** 2], n)
    pts = np.empty((n, 3))
    for k in range(4):
        idx = np.flatnonzero(part == k)
        pts[idx] = _triangle_points(rng, apex, corners[k], corners[(k + 1) % 4], len(idx))
    base = np.flatnonzero(part == 4)
    pts[base] = np.stack([rng.uniform(-half_base, half_base, len(base)),
                          rng.uniform(-half_base, half_base, len(base)),
                          np.full(len(base), -height / 2)], axis=1)
    return pts


def _torus(rng, n):
    big, small = TORUS_RADII
    out = np.empty((0, 3))
    while len(out) < n:
        u, v = rng.uniform(0, 2 * np.pi, (2, 2 * n))
        # Area element is proportional to (R + r cos v): rejection keeps it uniform.
        keep = rng.random(2 * n) < (big + small * np.cos(v)) / (big + small)
        u, v = u[keep], v[keep]
        ring = big + small * np.cos(v)
        out = np.concatenate([out, np.stack([ring * np.cos(u), ring * np.sin(u),
                                             small * np.sin(v)], axis=1)])
    return out[:n]


_SAMPLERS = {"cube": _cube, "sphere": _sphere, "cone": _cone, "cylinder": _cylinder,
             "pyramid": _pyramid, "torus": _torus}


def pc_normalize(points: np.ndarray) -> np.ndarray:
    centred = points - points.mean(axis=0)
    return centred / np.max(np.linalg.norm(centred, axis=1))


def sample_pointcloud(rng: np.random.Generator, label: str | None = None,
                      n_points: int = DEFAULT_POINTS) -> tuple:
    """(points float32 [n_points, 3], metadata). `label` fixes the solid; default draws it."""
    if label is None:
        label = SHAPE_NAMES[int(rng.integers(len(SHAPE_NAMES)))]
    if label not in _SAMPLERS:
        raise ValueError(f"unknown solid {label!r}; expected one of {SHAPE_NAMES}")
    points = _SAMPLERS[label](rng, n_points)
    stretch = rng.uniform(*STRETCH_RANGE, size=3)
    angle = float(rng.uniform(0, 2 * np.pi))
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
    points = (points * stretch) @ rotation.T + rng.normal(scale=JITTER_SIGMA, size=points.shape)
    meta = {"label": label, "label_index": SHAPE_NAMES.index(label), "n_points": n_points,
            "stretch": [round(float(s), 4) for s in stretch], "rotation_z": round(angle, 4)}
    return pc_normalize(points).astype(np.float32), meta


def pointcloud_caption(label: str) -> str:
    """X-InstructBLIP's ModelNet candidate text for a class."""
    return f"a 3d model of a {label}"
