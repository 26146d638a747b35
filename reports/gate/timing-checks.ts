/**
 * The timing side of the gate: which timing measure a gate names, its value in a run's
 * timings, when it does not apply (tokens/s of a pair that ranks), and the comparison of two
 * runs' timings. Timings have no per-sample pairing across runs, so each run is resampled alone.
 */
import { ranksOnly, type TaskTimings } from '../records.js';
import { quantileSorted, unpairedBootstrap, type BootstrapOptions } from '../bootstrap/paired-bootstrap.js';
import { type GateSpec, type LatencyStatistic, type TimingMeasure, TIMING_MEASURES } from '../gate-spec.js';
import { GateInputError } from './paired-metric.js';

export type TimingGate = Extract<GateSpec, { kind: 'max-latency-increase' | 'max-throughput-drop' }>;

export const allIndices = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);

export function isTimingMeasure(metric: string): metric is TimingMeasure {
  return (TIMING_MEASURES as readonly string[]).includes(metric);
}

export function timingValue(timing: TaskTimings, measure: TimingMeasure): number {
  switch (measure) {
    case 'samplesPerSecond': return timing.samplesPerSecond;
    case 'tokensPerSecond': return timing.tokensPerSecond;
    case 'latencyMs.mean': return timing.latencyMs.mean;
    case 'latencyMs.p50': return timing.latencyMs.p50;
    case 'latencyMs.p95': return timing.latencyMs.p95;
    case 'latencyMs.p99': return timing.latencyMs.p99;
    default: {
      const never: never = measure;
      return never;
    }
  }
}

function latencyStatistic(values: readonly number[], indices: ArrayLike<number>, statistic: LatencyStatistic): number {
  if (statistic === 'mean') {
    let sum = 0;
    for (let k = 0; k < indices.length; k++) sum += values[indices[k]!]!;
    return sum / indices.length;
  }
  const picked = new Float64Array(indices.length);
  for (let k = 0; k < indices.length; k++) picked[k] = values[indices[k]!]!;
  picked.sort();
  return quantileSorted(picked, statistic === 'p50' ? 0.5 : statistic === 'p95' ? 0.95 : 0.99);
}

/** What a timing gate compares: a throughput measure or a latency statistic. */
export function timingMeasureOf(gate: TimingGate): TimingMeasure {
  return gate.kind === 'max-throughput-drop' ? gate.measure : `latencyMs.${gate.statistic}`;
}

const RANKS_NOT_GENERATES = 'the model ranks answers or options rather than generating text: no tokens, so no tokens/s';

/** Why `measure` does not apply to a pair with these timings (tokens/s of a ranking pair), else null. */
export function timingNotApplicable(measure: TimingMeasure, ...timings: readonly TaskTimings[]): string | null {
  return measure === 'tokensPerSecond' && timings.some(ranksOnly) ? RANKS_NOT_GENERATES : null;
}

/** Why a latency interval can have no width: resampling few batches cannot move the statistic. */
const COLLAPSED_INTERVAL = 'zero-width interval: the statistic is one batch\'s latency in each run (one batch, or p95/p99 of few batches), so this is a point comparison; gate the mean, or measure more batches';

/** A timing gate's comparison of one pair: everything of its verdict but the pair and gate names. */
export interface TimingComparison {
  readonly metric: string;
  readonly baseline: number;
  readonly current: number;
  readonly difference: number;
  readonly interval: [number, number];
  readonly status: 'pass' | 'fail';
  readonly n: number;
  readonly notes: readonly string[];
}

/**
 * The resampling units of a run's latencies: one per measured batch (the sample indices it gave),
 * since a batch's samples share one latency, its time over its size; resampling them one by one
 * would count one measurement as many and narrow the interval by about sqrt(batch size). Null for
 * timings that record no batch sizes (written before they were recorded): one unit per sample.
 */
function batchUnits(t: TaskTimings): Uint32Array[] | null {
  const sizes = t.latencyBatchSizes;
  if (sizes === undefined || sizes.reduce((a, b) => a + b, 0) !== t.latencySamplesMs.length) return null;
  let start = 0;
  return sizes.filter((size) => size > 0).map((size) => {
    const unit = Uint32Array.from({ length: size }, (_, i) => start + i);
    start += size;
    return unit;
  });
}

/** The sample indices of the resampled units (each unit's samples, as often as it was drawn). */
function expand(units: readonly Uint32Array[], picked: ArrayLike<number>): Uint32Array {
  let total = 0;
  for (let k = 0; k < picked.length; k++) total += units[picked[k]!]!.length;
  const out = new Uint32Array(total);
  let at = 0;
  for (let k = 0; k < picked.length; k++) {
    const unit = units[picked[k]!]!;
    out.set(unit, at);
    at += unit.length;
  }
  return out;
}

const UNIT_NOTE = {
  batches: 'unpaired bootstrap over measured batches (a batch\'s samples share one latency)',
  samples: 'unpaired bootstrap of per-sample latencies: these timings record no batch sizes (written by an earlier vlbench), so the interval understates batch-to-batch spread by about the square root of the batch size; rerun to gate on batches',
};

/** The ratio current / baseline of a latency statistic, and its bootstrap over each run's units. */
function latencyRatio(base: TaskTimings, cur: TaskTimings, statistic: LatencyStatistic, options: BootstrapOptions) {
  const [bl, cl] = [base.latencySamplesMs, cur.latencySamplesMs];
  const [bu, cu] = [batchUnits(base), batchUnits(cur)];
  const side = (values: readonly number[], units: Uint32Array[] | null, picked: ArrayLike<number>): number =>
    latencyStatistic(values, units === null ? picked : expand(units, picked), statistic);
  const ratio = (bi: ArrayLike<number>, ci: ArrayLike<number>): number => side(cl, cu, ci) / side(bl, bu, bi);
  const boot = unpairedBootstrap(bu?.length ?? bl.length, cu?.length ?? cl.length, ratio, options);
  const baseline = latencyStatistic(bl, allIndices(bl.length), statistic);
  const current = latencyStatistic(cl, allIndices(cl.length), statistic);
  return { boot, baseline, current, point: current / baseline, note: bu !== null && cu !== null ? UNIT_NOTE.batches : UNIT_NOTE.samples };
}

/**
 * Latency gates bootstrap each run's measured batches independently (ratio of the statistic);
 * throughput gates take the measured ratio with the spread of the mean-latency ratio.
 */
export function compareTimings(gate: TimingGate, base: TaskTimings, cur: TaskTimings, options: BootstrapOptions): TimingComparison {
  const bl = base.latencySamplesMs;
  const cl = cur.latencySamplesMs;
  if (bl.length === 0 || cl.length === 0) throw new GateInputError(`timings of model '${cur.model}', task '${cur.task}': latencySamplesMs is empty; latency gates need the per-sample latencies.`);
  const statistic: LatencyStatistic = gate.kind === 'max-latency-increase' ? gate.statistic : 'mean';
  const { boot, baseline, current, point: pointRatio, note } = latencyRatio(base, cur, statistic, options);
  const n = cl.length;
  if (gate.kind === 'max-latency-increase') {
    const interval: [number, number] = [100 * (boot.interval[0] - 1), 100 * (boot.interval[1] - 1)];
    return {
      n, metric: `latencyMs.${statistic}`, baseline, current,
      difference: 100 * (pointRatio - 1), interval, status: interval[0] > gate.maxIncreasePercent ? 'fail' : 'pass',
      notes: [note, ...(interval[0] === interval[1] ? [COLLAPSED_INTERVAL] : [])],
    };
  }
  const b = base[gate.measure];
  const c = cur[gate.measure];
  const point = c / b;
  // Throughput ~ 1 / mean latency: the ratio's spread is that of baseline/current mean latency.
  const interval: [number, number] = [100 * ((point * pointRatio) / boot.interval[1] - 1), 100 * ((point * pointRatio) / boot.interval[0] - 1)];
  return {
    n, metric: gate.measure, baseline: b, current: c, difference: 100 * (point - 1), interval,
    status: interval[1] < -gate.maxDropPercent ? 'fail' : 'pass', notes: [`interval from the bootstrap spread of mean latency: ${note}`],
  };
}
