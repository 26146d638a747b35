/**
 * X-InstructBLIP's audio input (LAVIS `beats_audio` processor, lavis/processors/audio_processors.py):
 * load (torchaudio semantics, see wav.ts), two channels -> mean, resample to 16 kHz (resample.ts),
 * waveform × 2^15, Kaldi fbank with 128 mel bins / 25 ms / 10 ms (fbank.ts), normalise
 * (fbank - 15.41663) / (2 × 6.55582), then cut into clips of 512 frames (5.12 s each):
 * - `fixed` (is_eval: false, what every X-InstructBLIP eval YAML uses): zero-pad or truncate to
 *   nClips × 512 frames, giving exactly nClips clips (2 by default: the first 10.24 s);
 * - `lavis-is-eval` (is_eval: true): LAVIS pads by (frames % 512) zero rows — not up to a multiple
 *   of 512, a LAVIS quirk reproduced as is — then keeps floor(frames / 512) full clips.
 * LAVIS turns any load or fbank failure (including audio shorter than one 25 ms frame) into an
 * all-zero input; here that is an error unless `onInvalid: 'zeros'` asks for LAVIS's behaviour.
 */
import { readFile } from 'node:fs/promises';
import { AudioDecodeError, decodeWav, lavisMono } from './wav.js';
import type { DecodedAudio } from './wav.js';
import { resampleSinc } from './resample.js';
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

/** Normalised BEATs fbank [frames, 128] of a decoded audio file. */
export function beatsFbank(audio: DecodedAudio): { frames: number; data: Float32Array } {
  const mono = resampleSinc(lavisMono(audio), audio.sampleRate, BEATS_SAMPLE_RATE);
  const scaled = new Float32Array(mono.length);
  for (let i = 0; i < mono.length; i++) scaled[i] = mono[i]! * 2 ** 15;
  const fbank = kaldiFbank(scaled, BEATS_FBANK);
  const data = fbank.data;
  const mean = Math.fround(BEATS_FBANK_MEAN);
  const twoStd = Math.fround(2 * BEATS_FBANK_STD);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(data[i]! - mean) / twoStd;
  return { frames: fbank.frames, data };
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

/** Read a WAV file and produce the BEATs input clips X-InstructBLIP feeds its audio encoder. */
export async function preprocessAudio(path: string, options: AudioPreprocessOptions = {}): Promise<AudioTensor> {
  const bins = BEATS_FBANK.numMelBins;
  try {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new AudioDecodeError(path, `cannot read the file (${(error as Error).message})`);
    }
    const audio = decodeWav(bytes, path);
    let fbank: { frames: number; data: Float32Array };
    try {
      fbank = beatsFbank(audio);
    } catch (error) {
      throw new AudioDecodeError(path, `${(error as Error).message}; LAVIS would feed all-zero audio here (pass onInvalid 'zeros' for that)`);
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
