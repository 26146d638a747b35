/**
 * Kaldi-compatible log-mel filterbank, as `torchaudio.compliance.kaldi.fbank` (0.13) computes it
 * with its defaults and the caller's num_mel_bins / frame length / shift / sample rate — the call
 * BEATs (and LAVIS's `beats_audio` processor) makes with 128 bins, 25 ms, 10 ms, 16 kHz.
 *
 * Defaults reproduced: snip_edges (frames = 1 + (N - 400) // 160, none if N < 400 which torchaudio
 * rejects), dither 0, per-frame DC removal, pre-emphasis 0.97 with the first sample replicated,
 * Povey window (symmetric Hann ^ 0.85), zero-pad to the next power of two (512), power spectrum,
 * triangular mel filters on the 1127 ln(1 + f / 700) scale from 20 Hz to Nyquist over the first
 * 256 FFT bins (the Nyquist bin gets weight 0), log(max(energy, float32 epsilon)).
 * Spectra are computed in float64; torch works in float32, so values agree to about 1e-5.
 */

export interface FbankOptions {
  readonly numMelBins: number;
  readonly sampleFrequency: number;
  /** Milliseconds. */
  readonly frameLength: number;
  /** Milliseconds. */
  readonly frameShift: number;
}

export const BEATS_FBANK: FbankOptions = { numMelBins: 128, sampleFrequency: 16000, frameLength: 25, frameShift: 10 };

const PREEMPHASIS = 0.97;
const LOW_FREQ = 20;
const FLOAT32_EPSILON = 2 ** -23;
const f32 = Math.fround;

export interface Fbank {
  readonly frames: number;
  readonly bins: number;
  /** frames × bins, row-major. */
  readonly data: Float32Array;
}

interface MelFilter {
  readonly first: number;
  readonly weights: Float64Array;
}

/** torchaudio's get_mel_banks (no VTLN), evaluated in float32 like torch; sparse rows. */
export function melFilters(numBins: number, paddedWindow: number, sampleFrequency: number): MelFilter[] {
  const numFftBins = paddedWindow / 2;
  const nyquist = 0.5 * sampleFrequency;
  const melScale = (f: number) => 1127.0 * Math.log(1.0 + f / 700.0);
  const melLow = melScale(LOW_FREQ);
  const delta = (melScale(nyquist) - melLow) / (numBins + 1);
  const binWidth = f32(sampleFrequency / paddedWindow);
  const mel = Float64Array.from({ length: numFftBins }, (_, i) => f32(1127.0 * f32(Math.log(f32(1.0 + f32(f32(binWidth * i) / 700.0))))));
  const filters: MelFilter[] = [];
  for (let b = 0; b < numBins; b++) {
    const left = f32(f32(b * f32(delta)) + f32(melLow));
    const center = f32(f32((b + 1) * f32(delta)) + f32(melLow));
    const right = f32(f32((b + 2) * f32(delta)) + f32(melLow));
    const row = new Float64Array(numFftBins);
    let first = -1;
    let last = -1;
    for (let i = 0; i < numFftBins; i++) {
      const up = f32(f32(mel[i]! - left) / f32(center - left));
      const down = f32(f32(right - mel[i]!) / f32(right - center));
      const w = Math.max(0, Math.min(up, down));
      row[i] = w;
      if (w > 0) {
        if (first < 0) first = i;
        last = i;
      }
    }
    filters.push(first < 0 ? { first: 0, weights: new Float64Array(0) } : { first, weights: row.slice(first, last + 1) });
  }
  return filters;
}

/** In-place iterative radix-2 FFT of a power-of-two length complex signal. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let start = k; start < n; start += size) {
        const a = start;
        const b = start + half;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

function poveyWindow(size: number): Float64Array {
  return Float64Array.from({ length: size }, (_, n) => (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (size - 1))) ** 0.85);
}

function nextPowerOfTwo(x: number): number {
  let p = 1;
  while (p < x) p <<= 1;
  return p;
}

const tableCache = new Map<string, { window: Float64Array; filters: MelFilter[] }>();

/** Log-mel filterbank of a mono waveform (already scaled as the caller wants, e.g. × 2^15). */
export function kaldiFbank(waveform: Float32Array, options: FbankOptions = BEATS_FBANK): Fbank {
  const shift = Math.trunc(options.sampleFrequency * options.frameShift * 0.001);
  const size = Math.trunc(options.sampleFrequency * options.frameLength * 0.001);
  const padded = nextPowerOfTwo(size);
  if (waveform.length < size) {
    throw new RangeError(`fbank: waveform has ${waveform.length} samples, fewer than one ${size}-sample frame (${options.frameLength} ms)`);
  }
  const frames = 1 + Math.floor((waveform.length - size) / shift);
  const key = `${options.numMelBins}:${padded}:${options.sampleFrequency}:${size}`;
  let tables = tableCache.get(key);
  if (tables === undefined) {
    tables = { window: poveyWindow(size), filters: melFilters(options.numMelBins, padded, options.sampleFrequency) };
    tableCache.set(key, tables);
  }
  const { window, filters } = tables;
  const out = new Float32Array(frames * options.numMelBins);
  const re = new Float64Array(padded);
  const im = new Float64Array(padded);
  const power = new Float64Array(padded / 2);
  for (let m = 0; m < frames; m++) {
    const offset = m * shift;
    let mean = 0;
    for (let i = 0; i < size; i++) mean += waveform[offset + i]!;
    mean /= size;
    re.fill(0);
    im.fill(0);
    let previous = waveform[offset]! - mean;
    for (let i = 0; i < size; i++) {
      const x = waveform[offset + i]! - mean;
      re[i] = (x - PREEMPHASIS * previous) * window[i]!;
      previous = x;
    }
    fft(re, im);
    for (let k = 0; k < padded / 2; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    filters.forEach((filter, b) => {
      let energy = 0;
      for (let i = 0; i < filter.weights.length; i++) energy += power[filter.first + i]! * filter.weights[i]!;
      out[m * options.numMelBins + b] = Math.log(Math.max(energy, FLOAT32_EPSILON));
    });
  }
  return { frames, bins: options.numMelBins, data: out };
}
