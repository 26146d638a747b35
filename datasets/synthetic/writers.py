"""Byte-deterministic file writers: the same data always gives the same bytes.

PNG through PIL with fixed settings (no timestamps or text chunks), WAV through the standard
`wave` module (16-bit PCM), .npy through numpy, ASCII PLY with fixed float formatting, JSON with
sorted keys and compact separators, CSV with '\\n' line endings.
"""

from __future__ import annotations

import csv
import io
import json
import wave
from pathlib import Path

import numpy as np
from PIL import Image

PNG_COMPRESS_LEVEL = 9


def _ensure_parent(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)


def write_png(path: Path, array: np.ndarray) -> None:
    _ensure_parent(path)
    Image.fromarray(array, mode="RGB").save(path, format="PNG", optimize=False,
                                            compress_level=PNG_COMPRESS_LEVEL)


def write_wav(path: Path, pcm16: np.ndarray, sample_rate: int) -> None:
    _ensure_parent(path)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm16.astype("<i2").tobytes())


def write_npy(path: Path, array: np.ndarray) -> None:
    _ensure_parent(path)
    with open(path, "wb") as out:
        np.save(out, np.ascontiguousarray(array), allow_pickle=False)


def write_ply(path: Path, points: np.ndarray) -> None:
    _ensure_parent(path)
    lines = ["ply", "format ascii 1.0", f"element vertex {len(points)}",
             "property float x", "property float y", "property float z", "end_header"]
    lines += [f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in points.tolist()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def dumps_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def write_json(path: Path, value) -> None:
    _ensure_parent(path)
    path.write_text(dumps_json(value) + "\n", encoding="utf-8")


def write_jsonl(path: Path, rows: list) -> None:
    _ensure_parent(path)
    path.write_text("".join(dumps_json(row) + "\n" for row in rows), encoding="utf-8")


def write_csv(path: Path, header: list, rows: list) -> None:
    _ensure_parent(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_lines(path: Path, lines: list) -> None:
    _ensure_parent(path)
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
