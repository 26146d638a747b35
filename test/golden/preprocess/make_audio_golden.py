#!/usr/bin/python3
"""Audio fixtures and golden values: WAVs written with scipy, processed by torchaudio 0.13.1 (Debian).

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 test/golden/preprocess/make_audio_golden.py

Writes test/fixtures/audio/*.wav (seeded) and, per file, test/golden/preprocess/audio/<name>.npz-like
trio of .npy files:
  <name>.loaded.npy     torchaudio.load(path)[0][:, :256] (float32, sox_io backend, normalize=True)
  <name>.resampled.npy  LAVIS beats_audio steps: mean if 2 channels, Resample(sr, 16000); first 2048
                        samples of channel 0 (float32)
  <name>.fbank.npy      ta_kaldi.fbank(w * 2**15, num_mel_bins=128, sample_frequency=16000,
                        frame_length=25, frame_shift=10), then (fbank - 15.41663) / (2 * 6.55582)
The steps are those of LAVIS 506965b lavis/processors/audio_processors.py BeatsAudioProcessor.__call__.
"""
import os

import numpy as np
import scipy.io.wavfile as wavfile
import torch
import torchaudio
import torchaudio.compliance.kaldi as ta_kaldi

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "fixtures", "audio")
OUT = os.path.join(HERE, "audio")
rng = np.random.default_rng(7)


def signal(sr, seconds, channels):
    t = np.arange(int(sr * seconds)) / sr
    chans = []
    for c in range(channels):
        chirp = np.sin(2 * np.pi * (200 + 900 * c + 3000 * t) * t)
        bursts = (np.sin(2 * np.pi * 3 * t) > 0.6) * rng.normal(0, 0.3, t.shape)
        chans.append(0.5 * chirp + bursts + 0.05 * np.sin(2 * np.pi * 7300 * t))
    x = np.stack(chans, axis=1) / 1.6
    return x if channels > 1 else x[:, 0]


def write(name, sr, data):
    path = os.path.join(FIXTURES, name)
    wavfile.write(path, sr, data)
    print(f"{name:34s} {sr:6d} Hz {data.dtype} {data.shape} {os.path.getsize(path)} B")
    return path


def lavis_steps(path):
    waveform, sr = torchaudio.load(path)
    loaded = waveform.clone()
    if waveform.shape[0] == 2:
        waveform = torch.mean(waveform, dim=0)
    if sr != 16000:
        waveform = torchaudio.transforms.Resample(sr, 16000)(waveform)
    if waveform.ndim == 1:
        waveform = waveform.unsqueeze(0)
    resampled = waveform[0].clone()
    waveform = waveform * 2**15
    fbank = ta_kaldi.fbank(waveform, num_mel_bins=128, sample_frequency=16000, frame_length=25, frame_shift=10)
    fbank = (fbank - 15.41663) / (2 * 6.55582)
    return loaded, resampled, fbank


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    os.makedirs(OUT, exist_ok=True)
    files = [
        write("mono_16k_pcm16.wav", 16000, (signal(16000, 0.6, 1) * 32767).astype(np.int16)),
        write("stereo_44k1_pcm16.wav", 44100, (signal(44100, 0.4, 2) * 32767).astype(np.int16)),
        write("mono_8k_pcm8.wav", 8000, (signal(8000, 0.6, 1) * 127 + 128).astype(np.uint8)),
        write("mono_48k_float32.wav", 48000, signal(48000, 0.3, 1).astype(np.float32)),
        write("three_ch_11025_pcm32.wav", 11025, (signal(11025, 0.35, 3) * 2**31).astype(np.int32)),
    ]
    # 24-bit PCM: scipy cannot write it; build the RIFF by hand.
    files.append(write_pcm24("mono_22050_pcm24.wav", 22050, (signal(22050, 0.4, 1) * (2**23 - 1)).astype(np.int32)))
    write("too_short_16k.wav", 16000, (signal(16000, 0.02, 1) * 32767).astype(np.int16))
    for path in files:
        name = os.path.basename(path)[:-4]
        loaded, resampled, fbank = lavis_steps(path)
        np.save(os.path.join(OUT, f"{name}.loaded.npy"), np.ascontiguousarray(loaded.numpy()[:, :256]).astype("<f4"))
        np.save(os.path.join(OUT, f"{name}.resampled.npy"), np.ascontiguousarray(resampled.numpy()[:2048]).astype("<f4"))
        np.save(os.path.join(OUT, f"{name}.fbank.npy"), fbank.numpy().astype("<f4"))
        print(f"  {name}: loaded {tuple(loaded.shape)} resampled {tuple(resampled.shape)} fbank {tuple(fbank.shape)}")


def write_pcm24(name, sr, samples):
    import struct

    data = b"".join(int(v).to_bytes(3, "little", signed=True) for v in samples)
    fmt = struct.pack("<HHIIHH", 1, 1, sr, sr * 3, 3, 24)
    riff = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path = os.path.join(FIXTURES, name)
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(riff)) + riff)
    print(f"{name:34s} {sr:6d} Hz pcm24 {samples.shape} {os.path.getsize(path)} B")
    return path


if __name__ == "__main__":
    main()
