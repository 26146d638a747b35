/**
 * Bootstrap confidence intervals for gate differences.
 *
 * Paired (quality): both runs scored the same samples, so one resample of sample indices is
 * applied to both and the statistic difference is taken per replicate; sample-to-sample
 * difficulty cancels, which makes the interval far tighter than comparing two separate
 * intervals. The statistic is recomputed on every replicate, so corpus metrics (CIDEr-D's
 * document frequencies, BLEU's summed counts) are bootstrapped correctly, not averaged.
 *
 * Unpaired (latency): timings have no per-sample pairing across runs, so each replicate
 * resamples the baseline's and the current run's latencies independently.
 *
 * Interval: percentile method, quantiles interpolated linearly between order statistics (the
 * "type 7" definition, numpy's default).
 */
import { Xoshiro128 } from './prng.js';

export interface BootstrapOptions {
  readonly replicates: number;
  /** Two-sided confidence level in (0, 1), e.g. 0.95. */
  readonly confidence: number;
  readonly seed: number;
}

export interface BootstrapResult {
  readonly replicates: Float64Array;
  readonly interval: readonly [number, number];
}

function checkOptions(options: BootstrapOptions): void {
  if (!Number.isInteger(options.replicates) || options.replicates < 2) {
    throw new RangeError(`bootstrap replicates must be an integer >= 2, got ${options.replicates}`);
  }
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1), got ${options.confidence}`);
  }
}

/** Linear-interpolation quantile (type 7) of an ascending array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function percentileInterval(values: Float64Array, confidence: number): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const alpha = (1 - confidence) / 2;
  return [quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha)];
}

/** Draws `n` indices in [0, n) with replacement. */
export function resampleIndices(rng: Xoshiro128, n: number, out: Uint32Array): Uint32Array {
  for (let i = 0; i < n; i++) out[i] = rng.nextIndex(n);
  return out;
}

/**
 * Draws, for each stratum, as many indices as it has members, from its members only: the
 * replicate keeps every stratum's size (retrieval's image->text and text->image queries, whose
 * recalls are computed apart and must each be present).
 */
export function resampleStrata(rng: Xoshiro128, members: readonly Uint32Array[], out: Uint32Array): Uint32Array {
  let at = 0;
  for (const group of members) for (let i = 0; i < group.length; i++) out[at++] = group[rng.nextIndex(group.length)]!;
  return out;
}

function strataMembers(strata: readonly number[]): Uint32Array[] {
  const groups = new Map<number, number[]>();
  // Pushed in place: copying a stratum per member made a 5k-image retrieval gate take minutes.
  strata.forEach((label, index) => {
    const group = groups.get(label);
    if (group === undefined) groups.set(label, [index]);
    else group.push(index);
  });
  return [...groups.values()].map((g) => Uint32Array.from(g));
}

/**
 * Paired bootstrap of `difference(indices)`, e.g. metric(current, indices) - metric(baseline,
 * indices), over `n` paired samples; with `strata` (a label per sample), each stratum is
 * resampled within itself.
 */
export function pairedBootstrap(n: number, difference: (indices: Uint32Array) => number, options: BootstrapOptions, strata?: readonly number[]): BootstrapResult {
  checkOptions(options);
  if (n < 1) throw new RangeError('paired bootstrap needs at least one paired sample');
  if (strata !== undefined && strata.length !== n) throw new RangeError(`paired bootstrap: ${strata.length} stratum labels for ${n} samples`);
  const rng = new Xoshiro128(options.seed);
  const indices = new Uint32Array(n);
  const members = strata === undefined ? undefined : strataMembers(strata);
  const replicates = new Float64Array(options.replicates);
  for (let b = 0; b < options.replicates; b++) {
    replicates[b] = difference(members === undefined ? resampleIndices(rng, n, indices) : resampleStrata(rng, members, indices));
  }
  return { replicates, interval: percentileInterval(replicates, options.confidence) };
}

/**
 * Unpaired bootstrap of `compare(baselineIndices, currentIndices)` (e.g. a latency ratio);
 * each replicate draws the baseline's indices first, then the current run's.
 */
export function unpairedBootstrap(
  nBaseline: number,
  nCurrent: number,
  compare: (baselineIndices: Uint32Array, currentIndices: Uint32Array) => number,
  options: BootstrapOptions,
): BootstrapResult {
  checkOptions(options);
  if (nBaseline < 1 || nCurrent < 1) throw new RangeError('unpaired bootstrap needs at least one value on each side');
  const rng = new Xoshiro128(options.seed);
  const base = new Uint32Array(nBaseline);
  const current = new Uint32Array(nCurrent);
  const replicates = new Float64Array(options.replicates);
  for (let b = 0; b < options.replicates; b++) {
    resampleIndices(rng, nBaseline, base);
    resampleIndices(rng, nCurrent, current);
    replicates[b] = compare(base, current);
  }
  return { replicates, interval: percentileInterval(replicates, options.confidence) };
}
