"""Audio world: 1-second 16 kHz mono clips of 1-3 beeps or buzzes, low or high, short or long.

Frequencies divide 16000 exactly, so each tone is an exact repetition of whole periods (clean,
and small once compressed). A 5 ms fade at each edge avoids clicks. Captions and questions are
computed from the metadata.
"""

from __future__ import annotations

import numpy as np

from . import vocab

SAMPLE_RATE = 16000
CLIP_SECONDS = 1.0
FREQUENCIES = {"low": (250, 320, 400, 500), "high": (1000, 1600, 2000)}
TONE_SECONDS = {"short": 0.08, "long": 0.25}
GAP_SECONDS = 0.1
FADE_SECONDS = 0.005
TIMBRES = ("beep", "buzz")
TIMBRE_PLURAL = {"beep": "beeps", "buzz": "buzzes"}
AMPLITUDE = 0.5


def sample_audio_meta(rng: np.random.Generator) -> dict:
    pitch = ("low", "high")[int(rng.integers(2))]
    frequencies = FREQUENCIES[pitch]
    length = ("short", "long")[int(rng.integers(2))]
    count = 1 + int(rng.integers(3))
    tone = TONE_SECONDS[length]
    span = count * tone + (count - 1) * GAP_SECONDS
    # Onsets on a 10 ms grid, keeping at least 20 ms of silence at both ends.
    steps = int(round((CLIP_SECONDS - span - 0.04) * 100))
    start = round(0.02 + 0.01 * int(rng.integers(0, steps + 1)), 2)
    onsets = [round(start + i * (tone + GAP_SECONDS), 3) for i in range(count)]
    return {
        "pitch": pitch,
        "frequency_hz": int(frequencies[int(rng.integers(len(frequencies)))]),
        "count": count,
        "length": length,
        "timbre": TIMBRES[int(rng.integers(len(TIMBRES)))],
        "onsets_s": onsets,
        "tone_s": tone,
        "duration_s": CLIP_SECONDS,
        "sample_rate": SAMPLE_RATE,
    }


def synthesize(meta: dict) -> np.ndarray:
    """The clip as float32 samples in [-1, 1] at 16 kHz."""
    total = int(round(meta["duration_s"] * SAMPLE_RATE))
    wave = np.zeros(total, dtype=np.float64)
    n_tone = int(round(meta["tone_s"] * SAMPLE_RATE))
    t = np.arange(n_tone) / SAMPLE_RATE
    carrier = np.sin(2 * np.pi * meta["frequency_hz"] * t)
    if meta["timbre"] == "buzz":
        # A soft-clipped sine: rich odd harmonics without aliasing a hard square wave.
        carrier = np.tanh(4.0 * carrier) / np.tanh(4.0)
    n_fade = int(round(FADE_SECONDS * SAMPLE_RATE))
    envelope = np.ones(n_tone)
    envelope[:n_fade] = np.linspace(0.0, 1.0, n_fade, endpoint=False)
    envelope[-n_fade:] = np.linspace(1.0, 0.0, n_fade, endpoint=False)
    tone = AMPLITUDE * carrier * envelope
    for onset in meta["onsets_s"]:
        begin = int(round(onset * SAMPLE_RATE))
        wave[begin:begin + n_tone] += tone[: total - begin]
    return wave.astype(np.float32)


def to_pcm16(wave: np.ndarray) -> np.ndarray:
    return np.clip(np.round(wave * 32767.0), -32768, 32767).astype("<i2")


def _count_phrase(meta: dict, rng: np.random.Generator) -> str:
    noun = meta["timbre"] if meta["count"] == 1 else TIMBRE_PLURAL[meta["timbre"]]
    count = meta["count"]
    number = _pick(rng, ("a", "one", "a single")) if count == 1 else vocab.NUMBER_WORDS[count]
    length = meta["length"] if rng.random() < 0.7 else {"short": "quick", "long": "long"}[meta["length"]]
    return f"{number} {length} {meta['pitch']} {noun}"


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def canonical_audio_caption(meta: dict) -> str:
    count = meta["count"]
    noun = meta["timbre"] if count == 1 else TIMBRE_PLURAL[meta["timbre"]]
    number = "a" if count == 1 else vocab.NUMBER_WORDS[count]
    return f"{number} {meta['length']} {meta['pitch']} {noun}"


def audio_captions(meta: dict, rng: np.random.Generator, k: int = 5) -> list:
    """`k` (<= 6) distinct captions, canonical first."""
    times = {1: "once", 2: "twice", 3: "three times"}[meta["count"]]
    pitched = f"{meta['pitch']} pitched"
    verb = {"beep": "beeps", "buzz": "buzzes"}[meta["timbre"]]
    pool = [
        f"{_count_phrase(meta, rng)} in silence",
        f"a {pitched} tone {verb} {times}",
        f"{_count_phrase(meta, rng)} are heard" if meta["count"] > 1 else f"{_count_phrase(meta, rng)} is heard",
        f"a {meta['length']} {meta['pitch']} {meta['timbre']} repeated {times}",
        f"an electronic {meta['timbre']} sounds {times} at a {meta['pitch']} pitch",
    ]
    chosen = [canonical_audio_caption(meta)]
    for index in rng.permutation(len(pool)):
        if len(chosen) == k:
            break
        if pool[int(index)] not in chosen:
            chosen.append(pool[int(index)])
    return chosen


def audio_questions(meta: dict, rng: np.random.Generator, k: int = 2) -> list:
    """`k` distinct (question, answer) dicts; answers are 'yes'/'no', digits or a word."""
    plural = TIMBRE_PLURAL[meta["timbre"]]
    other_pitch = "high" if meta["pitch"] == "low" else "low"
    asked_pitch = meta["pitch"] if rng.random() < 0.5 else other_pitch
    asked_length = ("short", "long")[int(rng.integers(2))]
    pool = [
        ("How many times does the sound repeat?", str(meta["count"]), "count"),
        (f"How many {plural} are there?", str(meta["count"]), "count"),
        (f"Is the sound {asked_pitch} pitched?", "yes" if asked_pitch == meta["pitch"] else "no", "pitch"),
        ("Is the pitch of the sound high or low?", meta["pitch"], "pitch"),
        (f"Are the sounds {asked_length}?", "yes" if asked_length == meta["length"] else "no", "length"),
        ("Is it a buzzing sound?", "yes" if meta["timbre"] == "buzz" else "no", "timbre"),
    ]
    picked = [pool[int(i)] for i in rng.permutation(len(pool))[:k]]
    return [{"question": q, "answer": a, "attribute": attr} for q, a, attr in picked]


def sample_audio(rng: np.random.Generator) -> tuple:
    """(waveform float32 @16 kHz, metadata, 5 captions, 2 questions)."""
    meta = sample_audio_meta(rng)
    return synthesize(meta), meta, audio_captions(meta, rng), audio_questions(meta, rng)
