/**
 * Band-limited resampling as `torchaudio.transforms.Resample(orig, new)` / `functional.resample`
 * compute it by default in torchaudio 0.13: windowed-sinc ("sinc_interpolation", a squared-cosine
 * i.e. Hann window), lowpass_filter_width 6, rolloff 0.99.
 *
 * With g = gcd(orig, new), o = orig / g, n = new / g, base = min(o, n) * rolloff and
 * width = ceil(6 * o / base), output sample j of every block of n is the dot product of a
 * (2 * width + o)-tap kernel with the input zero-padded by `width` on the left (stride o):
 *   t = clamp((-j / n + (k - width) / o) * base, -6, 6);  w = cos(t * pi / 12)^2;
 *   kernel[j][k] = sinc(pi * t) * w * base / o,
 * computed in float64 (torchaudio evaluates -j / n in float32 first) and stored as float32.
 * The output has ceil(n * length / o) samples.
 */

export interface ResampleOptions {
  readonly lowpassFilterWidth?: number;
  readonly rolloff?: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export interface ResampleKernel {
  readonly origStep: number;
  readonly newStep: number;
  readonly width: number;
  readonly taps: number;
  /** newStep × taps float32 weights. */
  readonly weights: Float32Array;
  /** Per phase, the first and one-past-last non-zero tap (taps clamped to ±width are 0 in float32). */
  readonly nonZeroStart: Int32Array;
  readonly nonZeroEnd: Int32Array;
}

/**
 * 1 GiB of float32. torchaudio builds the same table, so a rate with a small common divisor
 * with the target (a corrupt header's 1,000,003 Hz) would need tens of gigabytes there too.
 */
const MAX_KERNEL_WEIGHTS = 2 ** 28;

export function sincResampleKernel(origFreq: number, newFreq: number, options: ResampleOptions = {}): ResampleKernel {
  const lowpass = options.lowpassFilterWidth ?? 6;
  const rolloff = options.rolloff ?? 0.99;
  if (!Number.isInteger(origFreq) || !Number.isInteger(newFreq) || origFreq <= 0 || newFreq <= 0) {
    throw new RangeError(`resample: sample rates must be positive integers, got ${origFreq} -> ${newFreq}`);
  }
  const g = gcd(origFreq, newFreq);
  const o = origFreq / g;
  const n = newFreq / g;
  const base = Math.min(o, n) * rolloff;
  const width = Math.ceil((lowpass * o) / base);
  const taps = 2 * width + o;
  if (n * taps > MAX_KERNEL_WEIGHTS) {
    throw new RangeError(`resample: ${origFreq} Hz -> ${newFreq} Hz needs a ${n} x ${taps} filter table (the rates' greatest common divisor is ${g}), more than the ${MAX_KERNEL_WEIGHTS} weights allowed`);
  }
  const weights = new Float32Array(n * taps);
  const scale = base / o;
  for (let j = 0; j < n; j++) {
    const phase = Math.fround(-j / n);
    for (let k = 0; k < taps; k++) {
      let t = (phase + (k - width) / o) * base;
      t = Math.min(lowpass, Math.max(-lowpass, t));
      const window = Math.cos((t * Math.PI) / lowpass / 2) ** 2;
      t *= Math.PI;
      const sinc = t === 0 ? 1 : Math.sin(t) / t;
      weights[j * taps + k] = sinc * (window * scale);
    }
  }
  const nonZeroStart = new Int32Array(n);
  const nonZeroEnd = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let first = 0;
    let end = taps;
    while (first < end && weights[j * taps + first] === 0) first++;
    while (end > first && weights[j * taps + end - 1] === 0) end--;
    nonZeroStart[j] = first;
    nonZeroEnd[j] = end;
  }
  return { origStep: o, newStep: n, width, taps, weights, nonZeroStart, nonZeroEnd };
}

const kernelCache = new Map<string, ResampleKernel>();

function cachedKernel(origFreq: number, newFreq: number, options: ResampleOptions): ResampleKernel {
  const key = `${origFreq}:${newFreq}:${options.lowpassFilterWidth ?? 6}:${options.rolloff ?? 0.99}`;
  let kernel = kernelCache.get(key);
  if (kernel === undefined) {
    kernel = sincResampleKernel(origFreq, newFreq, options);
    if (kernelCache.size >= 16) kernelCache.clear();
    kernelCache.set(key, kernel);
  }
  return kernel;
}

/** How many samples resampleSinc returns for `length` input samples. */
export function resampledLength(length: number, origFreq: number, newFreq: number): number {
  if (origFreq === newFreq) return length;
  const g = gcd(origFreq, newFreq);
  return Math.ceil(((newFreq / g) * length) / (origFreq / g));
}

/**
 * How many leading input samples decide the first `outSamples` outputs: output i reads inputs
 * below floor(i / n) * o - width + taps. Resampling only those gives the same first outputs, so a
 * caller that keeps a prefix need not resample a whole long recording.
 */
export function resampleInputSpan(outSamples: number, origFreq: number, newFreq: number, options: ResampleOptions = {}): number {
  if (origFreq === newFreq || outSamples <= 0) return Math.max(0, outSamples);
  const { origStep, newStep, width, taps } = cachedKernel(origFreq, newFreq, options);
  return Math.floor((outSamples - 1) / newStep) * origStep - width + taps;
}

/** Resample a mono waveform from `origFreq` to `newFreq` Hz (identity when they are equal). */
export function resampleSinc(waveform: Float32Array, origFreq: number, newFreq: number, options: ResampleOptions = {}): Float32Array {
  if (origFreq === newFreq) return waveform;
  const kernel = cachedKernel(origFreq, newFreq, options);
  const { origStep: o, newStep: n, width, taps, weights, nonZeroStart, nonZeroEnd } = kernel;
  const length = waveform.length;
  const outLength = Math.ceil((n * length) / o);
  const out = new Float32Array(outLength);
  for (let index = 0; index < outLength; index++) {
    const block = Math.floor(index / n);
    const j = index - block * n;
    // Kernel tap k reads padded sample block*o + k, i.e. input sample block*o + k - width.
    const first = block * o - width;
    const kBase = j * taps;
    let acc = 0;
    // Zero taps add exactly 0 to the sum, so only the non-zero span of this phase is visited.
    const kStart = Math.max(nonZeroStart[j]!, -first);
    const kEnd = Math.min(nonZeroEnd[j]!, length - first);
    for (let k = kStart; k < kEnd; k++) acc += waveform[first + k]! * weights[kBase + k]!;
    out[index] = acc;
  }
  return out;
}
