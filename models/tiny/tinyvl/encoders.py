"""Frozen modality encoders and their brief contrastive pretraining (CLIP-style ITC with a small
text tower on captions): the image ViT that BLIP-2 / InstructBLIP / X-InstructBLIP freeze (as
EVA-CLIP), a BEATs-style audio encoder and a PointNet-style point-cloud encoder (X-InstructBLIP).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import data, nets

FBANK_FRAMES, MEL_BINS = 512, 128
FBANK_MEAN, FBANK_STD = 15.41663, 6.55582
VIDEO_FRAMES = 4


class AudioEncoder(nn.Module):
    """BEATs-style: conv patch 16x16 over the [512, 128] fbank -> 32x8 = 256 tokens (time-major),
    LayerNorm + linear, learned positions, pre-norm transformer, then the modality LayerNorm."""

    def __init__(self, dim=64, layers=2, heads=4, mlp=128, patch=16):
        super().__init__()
        self.patch = nn.Conv2d(1, dim, patch, patch, bias=False)
        self.ln_patch, self.proj = nn.LayerNorm(dim), nn.Linear(dim, dim)
        self.pos = nn.Parameter(torch.randn(1, (FBANK_FRAMES // patch) * (MEL_BINS // patch), dim) * 0.02)
        self.blocks = nn.ModuleList([nets.ViTBlock(dim, heads, mlp) for _ in range(layers)])
        self.ln_out = nn.LayerNorm(dim)
        self.width = dim

    def forward(self, fbank):
        x = self.patch(fbank[:, None])                       # [B, d, 32, 8]
        x = x.reshape(x.shape[0], x.shape[1], -1).transpose(1, 2)  # time-major flatten
        x = self.proj(self.ln_patch(x)) + self.pos
        for block in self.blocks:
            x = block(x)
        return self.ln_out(x)


class PointEncoder(nn.Module):
    """PointNet-style (shared point MLP + max-pool, then a projection) -> [B, 1, width] after the
    modality LayerNorm. Stands in for ULIP-2 PointBERT's FPS/kNN grouping + transformer."""

    def __init__(self, dim=64, hidden=128):
        super().__init__()
        self.mlp1 = nn.Sequential(nn.Linear(3, hidden), nn.GELU(), nn.Linear(hidden, hidden))
        self.mlp2 = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.GELU(), nn.Linear(hidden, dim))
        self.ln_out = nn.LayerNorm(dim)
        self.width = dim

    def forward(self, points):
        h = self.mlp1(points)
        g = h.max(dim=1, keepdim=True).values
        h = torch.cat([h, g.expand(-1, h.shape[1], -1)], dim=-1)
        return self.ln_out(self.mlp2(h).max(dim=1, keepdim=True).values)


def fbank(wave: np.ndarray) -> np.ndarray:
    """BEATs front end: x * 2^15, Kaldi fbank (128 bins, 25/10 ms), normalised, padded/truncated
    to 512 frames (one 5.12 s clip)."""
    fb = (kaldi_fbank(np.asarray(wave, dtype=np.float32) * 32768.0) - FBANK_MEAN) / (2 * FBANK_STD)
    out = np.zeros((FBANK_FRAMES, MEL_BINS), np.float32)
    n = min(FBANK_FRAMES, fb.shape[0])
    out[:n] = fb[:n]
    return out


def _mel(f):
    return 1127.0 * np.log(1.0 + f / 700.0)


def _mel_banks(bins=MEL_BINS, fft=512, rate=16000, low=20.0):
    mel_low, mel_high = _mel(low), _mel(rate / 2)
    delta = (mel_high - mel_low) / (bins + 1)
    freqs = _mel(rate / fft * np.arange(fft // 2))
    left = mel_low + np.arange(bins)[:, None] * delta
    center, right = left + delta, left + 2 * delta
    up, down = (freqs - left) / (center - left), (right - freqs) / (right - center)
    banks = np.maximum(0.0, np.minimum(up, down))
    return np.pad(banks, ((0, 0), (0, 1))).astype(np.float32)  # the Nyquist bin gets no weight


_BANKS = _mel_banks()


def kaldi_fbank(x: np.ndarray) -> np.ndarray:
    """torchaudio.compliance.kaldi.fbank defaults (povey window, pre-emphasis 0.97, DC removal,
    snip_edges, power spectrum, 512-point FFT, no dither) with 128 bins, 25/10 ms at 16 kHz;
    numpy so the trainer needs no torchaudio (checked against torchaudio in fixtures)."""
    size, shift = 400, 160
    count = 1 + (len(x) - size) // shift
    idx = np.arange(size)[None, :] + shift * np.arange(count)[:, None]
    frames = x[idx].astype(np.float64)
    frames = frames - frames.mean(axis=1, keepdims=True)
    prev = np.concatenate([frames[:, :1], frames[:, :-1]], axis=1)
    frames = frames - 0.97 * prev
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(size) / (size - 1))) ** 0.85
    frames = np.pad(frames * window, ((0, 0), (0, 512 - size)))
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    mel = power.astype(np.float32) @ _BANKS.T
    return np.log(np.maximum(mel, np.finfo(np.float32).eps)).astype(np.float32)


class TextTower(nn.Module):
    def __init__(self, vocab, dim=64, layers=2, embed_dim=32):
        super().__init__()
        self.bert = nets.BertStack(vocab, dim, layers, 4, 4 * dim)
        self.proj = nn.Linear(dim, embed_dim)

    def forward(self, ids, mask):
        return nets.l2norm(self.proj(self.bert(ids, mask)[:, 0]))


class Contrastive(nn.Module):
    """Encoder + pooled projection + text tower, trained with symmetric ITC."""

    def __init__(self, encoder, vocab, embed_dim=32, pool="cls"):
        super().__init__()
        self.encoder, self.pool = encoder, pool
        self.proj = nn.Linear(encoder.width, embed_dim)
        self.text = TextTower(vocab, embed_dim=embed_dim)
        self.temp = nn.Parameter(torch.tensor(0.07))

    def loss(self, x, ids, mask, same):
        h = self.encoder(x)
        pooled = h[:, 0] if self.pool == "cls" else h.mean(1)
        img = nets.l2norm(self.proj(pooled))
        sim = img @ self.text(ids, mask).t() / self.temp.clamp(0.001, 0.5)
        t = same.float() / same.float().sum(1, keepdim=True)
        return 0.5 * (-(sim.log_softmax(1) * t).sum(1).mean() - (sim.t().log_softmax(1) * t).sum(1).mean())


def same_matrix(texts, device):
    return torch.tensor([[a == b for b in texts] for a in texts], device=device)


def audio_batch(rng, n):
    from synthetic import audio
    fbs, caps, qas = [], [], []
    for _ in range(n):
        wave, _, c, q = audio.sample_audio(rng)
        fbs.append(fbank(wave))
        caps.append(c)
        qas.append(q)
    return data.to_device(torch.from_numpy(np.stack(fbs))), caps, qas


def pointcloud_batch(rng, n):
    from synthetic import pointcloud
    pts, labels = [], []
    for _ in range(n):
        p, meta = pointcloud.sample_pointcloud(rng)
        pts.append(p)
        labels.append(meta["label"])
    return data.to_device(torch.from_numpy(np.stack(pts))), labels


def frame_indices(count):
    """Which of a clip's `count` frames the video models see: VIDEO_FRAMES uniform, floor(i*N/4)."""
    return [int(i * count / VIDEO_FRAMES) for i in range(VIDEO_FRAMES)]


def video_batch(rng, n):
    """Frames sampled uniformly (frame_indices), normalised like images: [n, 4, 3, 64, 64]."""
    from synthetic import video
    frames, caps, qas = [], [], []
    for _ in range(n):
        f, _, c, q = video.sample_video(rng)
        frames.append(np.stack([data.normalise(f[i]) for i in frame_indices(len(f))]))
        caps.append(c)
        qas.append(q)
    return data.to_device(torch.from_numpy(np.stack(frames))), caps, qas
