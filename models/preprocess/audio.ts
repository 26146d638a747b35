/**
 * X-InstructBLIP's audio input (LAVIS `beats_audio` processor, lavis/processors/audio_processors.py):
 * load (torchaudio semantics, see wav.ts), two channels -> mean, resample to 16 kHz (resample.ts),
 * waveform × 2^15, Kaldi fbank with 128 mel bins / 25 ms / 10 ms (fbank.ts), normalise
 * (fbank - 15.41663) / (2 × 6.55582), then cut into clips of 512 frames (5.12 s each):
 * - `fixed` (is_eval: false, what every X-InstructBLIP eval YAML uses): zero-pad or truncate to
 *   nClips × 512 frames, giving exactly nClips clips (2 by default: the first 10.24 s);
 * - `lavis-is-eval` (is_eval: true): LAVIS pads by (frames % 512) zero rows — not up to a multiple
 *   of 512, a LAVIS quirk reproduced as is — then keeps floor(frames / 512) full clips.
 * `.mp4` inputs are read as LAVIS reads them, through moviepy: ffmpeg decodes the audio track as
 * 16-bit stereo at 16 kHz (ffmpeg does the resampling), samples / 2^15, channel mean; no
 * torchaudio resampling follows. That path needs the ffmpeg program.
 * LAVIS turns any load or fbank failure (including audio shorter than one 25 ms frame) into an
 * all-zero input; here that is an error unless `onInvalid: 'zeros'` asks for LAVIS's behaviour.
 */
import { readFile } from 'node:fs/promises';
import { FfmpegError, runFfmpegTool } from './ffmpeg.js';
import { AudioDecodeError, decodeWav, lavisMono } from './wav.js';
import type { DecodedAudio } from './wav.js';
import { resampleInputSpan, resampleSinc, resampledLength } from './resample.js';
import { BEATS_FBANK, kaldiFbank } from './fbank.js';

export const BEATS_FBANK_MEAN = 15.41663;
export const BEATS_FBANK_STD = 6.55582;
export const BEATS_SAMPLE_RATE = 16000;

export type ClipMode = 'fixed' | 'lavis-is-eval';

export interface AudioPreprocessOptions {
  /** Clips per input in `fixed` mode (LAVIS `n_frames`, default 2). */
  readonly nClips?: number;
  /** Fbank frames per clip (LAVIS `frame_length`, default 512). */
  readonly clipFrames?: number;
  readonly clipMode?: ClipMode;
  /** 'error' (default) or LAVIS's silent all-zero input for unreadable/too-short audio. */
  readonly onInvalid?: 'error' | 'zeros';
}

export interface AudioTensor {
  /** clips × clipFrames × 128, row-major float32. */
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number];
  /** Fbank frames computed before padding/truncation (0 when zeros were substituted). */
  readonly sourceFrames: number;
}

/** The fbank's hop and window in 16 kHz samples (160 and 400). */
const FRAME_SHIFT = (BEATS_SAMPLE_RATE * BEATS_FBANK.frameShift) / 1000;
const FRAME_SIZE = (BEATS_SAMPLE_RATE * BEATS_FBANK.frameLength) / 1000;

/** Fbank frames of `samples` 16 kHz samples (Kaldi snip_edges: none shorter than one window). */
function fbankFrameCount(samples: number): number {
  return samples < FRAME_SIZE ? 0 : 1 + Math.floor((samples - FRAME_SIZE) / FRAME_SHIFT);
}

/**
 * Only the first `maxFrames` fbank frames' worth of audio: each frame reads its own 25 ms of the
 * 16 kHz waveform and each resampled sample a few input samples around it, so cutting first
 * changes none of the kept frames (a ten-minute recording took a minute and 3 GB when all of it
 * was resampled and then all but 10 s dropped).
 */
function leadingAudio(audio: DecodedAudio, maxFrames: number): DecodedAudio {
  if (!Number.isFinite(maxFrames)) return audio;
  const samples16k = (maxFrames - 1) * FRAME_SHIFT + FRAME_SIZE;
  const span = resampleInputSpan(samples16k, audio.sampleRate, BEATS_SAMPLE_RATE);
  return { ...audio, channels: audio.channels.map((channel) => channel.subarray(0, span)) };
}

/**
 * Normalised BEATs fbank [frames, 128] of a decoded audio file; with `maxFrames`, only that many
 * leading frames are computed (`frames` still counts the whole file's).
 */
export function beatsFbank(audio: DecodedAudio, maxFrames = Infinity): { frames: number; data: Float32Array } {
  const totalFrames = fbankFrameCount(resampledLength(audio.channels[0]?.length ?? 0, audio.sampleRate, BEATS_SAMPLE_RATE));
  const mono = resampleSinc(lavisMono(leadingAudio(audio, maxFrames)), audio.sampleRate, BEATS_SAMPLE_RATE);
  const scaled = new Float32Array(mono.length);
  for (let i = 0; i < mono.length; i++) scaled[i] = mono[i]! * 2 ** 15;
  const fbank = kaldiFbank(scaled, BEATS_FBANK);
  const data = fbank.data.subarray(0, Math.min(fbank.frames, maxFrames) * BEATS_FBANK.numMelBins);
  const mean = Math.fround(BEATS_FBANK_MEAN);
  const twoStd = Math.fround(2 * BEATS_FBANK_STD);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]! - mean) / twoStd;
  return { frames: Number.isFinite(maxFrames) ? totalFrames : fbank.frames, data };
}

/** Split [frames, bins] into clips per the LAVIS mode. */
export function splitClips(fbank: { frames: number; data: Float32Array }, bins: number, options: AudioPreprocessOptions = {}): AudioTensor {
  const clipFrames = options.clipFrames ?? 512;
  const mode = options.clipMode ?? 'fixed';
  let clips: number;
  switch (mode) {
    case 'fixed':
      clips = options.nClips ?? 2;
      break;
    case 'lavis-is-eval': {
      const padded = fbank.frames + (fbank.frames % clipFrames);
      clips = Math.floor(padded / clipFrames);
      break;
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown clip mode ${String(never)}`);
    }
  }
  const data = new Float32Array(clips * clipFrames * bins);
  data.set(fbank.data.subarray(0, Math.min(fbank.data.length, data.length)));
  return { data, dims: [clips, clipFrames, bins], sourceFrames: fbank.frames };
}

/**
 * moviepy's `VideoFileClip(path).audio.to_soundarray(fps=16000)` then `.mean(axis=1)`: ffmpeg
 * decodes to s16le stereo at 16 kHz; moviepy divides by 2^15 and averages in float64.
 */
export async function decodeMp4Audio(path: string): Promise<DecodedAudio> {
  // -map 0:a:0 makes a file without an audio track fail here, with the message below.
  const args = ['-v', 'error', '-i', path, '-map', '0:a:0', '-vn', '-f', 's16le', '-acodec', 'pcm_s16le', '-ar', String(BEATS_SAMPLE_RATE), '-ac', '2', 'pipe:1'];
  let raw: Buffer;
  try {
    raw = await runFfmpegTool('ffmpeg', args, path, 'extract the audio to a WAV file first');
  } catch (error) {
    if (error instanceof FfmpegError && /matches no streams/.test(error.message)) {
      throw new AudioDecodeError(path, 'the file has no audio track (a video without sound?): point the sample at a file with audio, or remove it from the annotations');
    }
    throw error;
  }
  const samples = new Int16Array(raw.buffer, raw.byteOffset, Math.floor(raw.byteLength / 4) * 2);
  const mono = new Float32Array(samples.length / 2);
  for (let i = 0; i < mono.length; i++) mono[i] = (samples[2 * i]! / 32768 + samples[2 * i + 1]! / 32768) / 2;
  if (mono.length === 0) throw new AudioDecodeError(path, 'the file has no audio samples');
  return { sampleRate: BEATS_SAMPLE_RATE, channels: [mono] };
}

/** A clip shorter than one fbank window gives no frame at all, which LAVIS would turn into zeros. */
function checkLongEnough(audio: DecodedAudio, path: string): void {
  const samples16k = resampledLength(audio.channels[0]?.length ?? 0, audio.sampleRate, BEATS_SAMPLE_RATE);
  if (fbankFrameCount(samples16k) > 0) return;
  const ms = ((audio.channels[0]?.length ?? 0) / audio.sampleRate) * 1000;
  throw new AudioDecodeError(
    path,
    `the clip is ${ms.toFixed(1)} ms long, shorter than one ${BEATS_FBANK.frameLength} ms fbank frame (${samples16k} samples at 16 kHz, ${FRAME_SIZE} needed); ` +
      "LAVIS would feed all-zero audio here, which would score a silence, so the sample fails instead: use a clip of at least 25 ms (library callers can ask for LAVIS's zeros with preprocessAudio's onInvalid: 'zeros')",
  );
}

async function readAudioFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new AudioDecodeError(path, `cannot read the file (${(error as Error).message})`);
  }
}

/** Read a WAV (or, with ffmpeg, .mp4) file and produce the BEATs input clips X-InstructBLIP feeds its audio encoder. */
export async function preprocessAudio(path: string, options: AudioPreprocessOptions = {}): Promise<AudioTensor> {
  const bins = BEATS_FBANK.numMelBins;
  try {
    const audio = path.toLowerCase().endsWith('.mp4') ? await decodeMp4Audio(path) : decodeWav(await readAudioFile(path), path);
    // `fixed` keeps the first nClips clips; `lavis-is-eval` keeps every full clip.
    const maxFrames = (options.clipMode ?? 'fixed') === 'fixed' ? (options.nClips ?? 2) * (options.clipFrames ?? 512) : Infinity;
    checkLongEnough(audio, path);
    let fbank: { frames: number; data: Float32Array };
    try {
      fbank = beatsFbank(audio, maxFrames);
    } catch (error) {
      throw new AudioDecodeError(path, `cannot compute the BEATs fbank (${(error as Error).message}); re-encode the file at 16 kHz (ffmpeg -i IN -ac 1 -ar 16000 -c:a pcm_s16le OUT.wav)`);
    }
    return splitClips(fbank, bins, options);
  } catch (error) {
    if (options.onInvalid !== 'zeros') throw error;
    // LAVIS's empty_audio_tensor is n_frames clips whatever the clip mode.
    const clips = options.nClips ?? 2;
    const clipFrames = options.clipFrames ?? 512;
    return { data: new Float32Array(clips * clipFrames * bins), dims: [clips, clipFrames, bins], sourceFrames: 0 };
  }
}
