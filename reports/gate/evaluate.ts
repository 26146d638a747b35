/**
 * Gates -> verdicts. Each gate expands over the (model, task) pairs of the current run that its
 * scope matches, and each pair gets one verdict:
 *
 *   floor / ceiling        the current point value against the bound (no baseline needed)
 *   max-drop               paired bootstrap of current - baseline over the shared samples
 *                          (paired-metric.ts); fails only when the whole confidence interval
 *                          of the difference lies beyond the tolerance, i.e. the drop exceeds
 *                          the tolerance with the chosen confidence
 *   max-latency-increase   unpaired bootstrap of the latency statistic's ratio current/baseline
 *                          over timings' latencySamplesMs; fails when the interval's lower end
 *                          of the increase exceeds the tolerance
 *   max-throughput-drop    point ratio of samples/s (or tokens/s); its interval is the point
 *                          ratio scaled by the bootstrap spread of baseline/current mean
 *                          latency (throughput is inversely proportional to the mean
 *                          per-sample time); fails when the whole interval is beyond the tolerance
 *
 * Every verdict's bootstrap is seeded from (seed, gate index, model, task), so adding a gate
 * does not change the intervals of the others.
 *
 * Samples that failed (or were never written) fail the checks of their pair whatever the values
 * say (coverage.ts), because the values then describe only the samples that worked; so do two
 * runs that did not measure the same sample set (sample-set.ts: requested counts, data files,
 * sample ids), and a task id that is another kind of task in the baseline is an error. A gated pair
 * the baseline lacks is a harness error (a renamed id, or a baseline from another suite) unless
 * the caller allows it; then it is reported as 'no-baseline' (skipped).
 */
import { pairedBootstrap, type BootstrapOptions } from '../bootstrap/paired-bootstrap.js';
import { describeGate, type GateSpec } from '../gate-spec.js';
import { boundShortfall, comparisonShortfall, countsFor, incomplete, unmatchedShortfall } from './coverage.js';
import { missingBaselineError, type MissingBaseline } from './missing-baseline.js';
import { noMatchError } from './no-match.js';
import { GateInputError, pairMetric, type CaptionTokenizer } from './paired-metric.js';
import { checkSameTaskKind, sampleSetDifference, uncheckedDataNote, uncheckedMediaNote } from './sample-set.js';
import type { RunSnapshot, SnapshotResult } from './snapshot.js';
import { allIndices, compareTimings, isTimingMeasure, timingMeasureOf, timingNotApplicable, timingValue, type TimingGate } from './timing-checks.js';

export type VerdictStatus = 'pass' | 'fail' | 'no-baseline' | 'not-applicable';

export interface GateVerdict {
  readonly gate: string;
  readonly kind: GateSpec['kind'];
  readonly model: string;
  readonly task: string;
  readonly metric: string;
  readonly baseline: number | null;
  /** null when the run has no value for the pair (every sample failed). */
  readonly current: number | null;
  /** current - baseline in metric units, or a relative change in percent (`unit: '%'`). */
  readonly difference: number | null;
  readonly interval: readonly [number, number] | null;
  readonly unit: 'metric' | '%';
  readonly status: VerdictStatus;
  /** Paired samples (quality) or latency samples (current run) behind the interval. */
  readonly n: number | null;
  /** Why the check failed other than by its threshold (samples that failed in this run); else null. */
  readonly reason: string | null;
  readonly notes: readonly string[];
}

export interface GateOptions {
  readonly confidence: number;
  readonly seed: number;
  readonly replicates: number;
  readonly tokenize: CaptionTokenizer;
  readonly higherIsBetter: (metric: string) => boolean;
  /** Report gated pairs the baseline lacks as 'no-baseline' (skipped) instead of throwing. */
  readonly allowMissingBaseline?: boolean;
  /** Names for error messages: the gate list (file and JSON pointer), the two runs (paths). */
  readonly sources?: { readonly gates?: string; readonly current?: string; readonly baseline?: string };
}

export interface GateReport {
  readonly runId: string;
  readonly baselineRunId: string | null;
  readonly confidence: number;
  readonly seed: number;
  readonly replicates: number;
  readonly verdicts: readonly GateVerdict[];
  readonly passed: boolean;
}

interface Target {
  readonly model: string;
  readonly task: string;
}

function seedFor(seed: number, gateIndex: number, target: Target): number {
  let h = (2166136261 ^ seed) >>> 0;
  for (const ch of `${gateIndex}|${target.model}|${target.task}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

function resultOf(snapshot: RunSnapshot, target: Target): SnapshotResult | undefined {
  return snapshot.results.find((r) => r.model === target.model && r.task === target.task);
}

function familyOf(snapshot: RunSnapshot, model: string): string {
  return snapshot.models.find((m) => m.id === model)?.family ?? '';
}

function inScope(gate: GateSpec, snapshot: RunSnapshot, target: Target): boolean {
  return (gate.model === undefined || gate.model === target.model)
    && (gate.task === undefined || gate.task === target.task)
    && (gate.family === undefined || gate.family === familyOf(snapshot, target.model));
}

function verdict(base: Omit<GateVerdict, 'notes' | 'reason'> & { notes?: readonly string[]; reason?: string | null }): GateVerdict {
  return { ...base, reason: base.reason ?? null, notes: base.notes ?? [] };
}

/** Pairs with a value of `metric`, and pairs whose task reports it but that have none because samples failed. */
function qualityTargets(current: RunSnapshot, metric: string): SnapshotResult[] {
  return current.results.filter((r) => metric in r.metrics || (reportsMetric(current, r.task, metric) && incomplete(r.counts)));
}

interface BoundTarget {
  readonly target: Target;
  readonly value: number | null;
  readonly notApplicable?: string;
}

/** The pairs a floor or ceiling checks; a pair without a value (every sample failed) fails. */
function boundTargets(gate: Extract<GateSpec, { kind: 'floor' | 'ceiling' }>, current: RunSnapshot): BoundTarget[] {
  const timing = isTimingMeasure(gate.metric) ? gate.metric : undefined;
  if (timing) {
    return current.timings.map((t) => ({ target: { model: t.model, task: t.task }, value: timingValue(t, timing), notApplicable: timingNotApplicable(timing, t) ?? undefined }));
  }
  return qualityTargets(current, gate.metric).map((r) => ({ target: { model: r.model, task: r.task }, value: r.metrics[gate.metric] ?? null }));
}

function notApplicableVerdict(gate: GateSpec, target: Target, metric: string, reason: string): GateVerdict {
  return verdict({
    gate: describeGate(gate), kind: gate.kind, model: target.model, task: target.task, metric, baseline: null, current: null,
    difference: null, interval: null, unit: 'metric', status: 'not-applicable', reason, n: null,
  });
}

function reportsMetric(snapshot: RunSnapshot, task: string, metric: string): boolean {
  return snapshot.tasks.some((t) => t.id === task && t.metrics.includes(metric));
}

function boundVerdicts(gate: Extract<GateSpec, { kind: 'floor' | 'ceiling' }>, current: RunSnapshot): GateVerdict[] {
  return boundTargets(gate, current).filter(({ target }) => inScope(gate, current, target)).map(({ target, value, notApplicable }) => {
    if (notApplicable !== undefined) return notApplicableVerdict(gate, target, gate.metric, notApplicable);
    const reason = boundShortfall(countsFor(current, target.model, target.task));
    const within = value !== null && (gate.kind === 'floor' ? value >= gate.min : value <= gate.max);
    return verdict({
      gate: describeGate(gate), kind: gate.kind, model: target.model, task: target.task, metric: gate.metric,
      baseline: null, current: value, difference: null, interval: null, unit: 'metric', n: null,
      status: within && reason === null ? 'pass' : 'fail', reason,
    });
  });
}

/**
 * Percent change. Equal values are no change, also when both are 0 (a resample that drew none of
 * the baseline's nonzero samples): 0/0 would be NaN, which sorts last and became the interval's
 * upper end.
 */
function relative(cur: number, base: number): number {
  return cur === base ? 0 : (100 * (cur - base)) / Math.abs(base);
}

function dropVerdict(gate: Extract<GateSpec, { kind: 'max-drop' }>, gateIndex: number, base: SnapshotResult, cur: SnapshotResult, options: GateOptions): GateVerdict {
  const paired = pairMetric(gate.metric, base, cur, options.tokenize);
  const all = allIndices(paired.ids.length);
  const b = paired.baseline(all);
  const c = paired.current(all);
  const percent = gate.maxDropPercent !== undefined;
  const change = (cv: number, bv: number): number => (percent ? relative(cv, bv) : cv - bv);
  // Unchanged inputs (most models of a typical change) give an exact [0, 0]; skip the replicates.
  const boot = paired.identical ? { interval: [0, 0] as const } : pairedBootstrap(paired.ids.length, (idx) => change(paired.current(idx), paired.baseline(idx)), {
    replicates: options.replicates, confidence: options.confidence, seed: seedFor(options.seed, gateIndex, cur),
  }, paired.strata);
  const tolerance = percent ? gate.maxDropPercent! : gate.maxDrop!;
  const higher = options.higherIsBetter(gate.metric);
  const [lo, hi] = boot.interval;
  const failed = higher ? hi < -tolerance : lo > tolerance;
  const notes = [paired.identical ? `${paired.method}; identical per-sample inputs` : paired.method];
  const recorded = cur.metrics[gate.metric];
  if (recorded !== undefined && Math.abs(recorded - c) > 1e-6 * Math.max(1, Math.abs(recorded))) {
    notes.push(`recomputed current ${c} differs from scores.json ${recorded} (paired subset or scorer mismatch)`);
  }
  return verdict({
    gate: describeGate(gate), kind: gate.kind, model: cur.model, task: cur.task, metric: gate.metric, baseline: b, current: c,
    difference: change(c, b), interval: boot.interval, unit: percent ? '%' : 'metric', status: failed ? 'fail' : 'pass', n: paired.ids.length, notes,
  });
}

/** One gate's evaluation; `missing` collects, over all gates, the pairs the baseline lacks. */
interface GateContext {
  readonly gate: GateSpec;
  readonly index: number;
  readonly current: RunSnapshot;
  readonly options: GateOptions;
  readonly missing: MissingBaseline[];
}

function noBaseline(ctx: GateContext, target: Target, metric: string, current: number | null, what: MissingBaseline['what']): GateVerdict {
  ctx.missing.push({ gateIndex: ctx.index, gate: describeGate(ctx.gate), model: target.model, task: target.task, what });
  const reason = unmatchedShortfall(countsFor(ctx.current, target.model, target.task));
  return verdict({
    gate: describeGate(ctx.gate), kind: ctx.gate.kind, model: target.model, task: target.task, metric, baseline: null, current,
    difference: null, interval: null, unit: 'metric', status: reason === null ? 'no-baseline' : 'fail', reason, n: null,
    notes: [`the baseline has no ${what} for this model and task`],
  });
}

/** A failed check with the values of both runs but no comparison (there was nothing left to pair). */
function shortfallVerdict(gate: GateSpec, target: Target, metric: string, baseline: number | null, current: number | null, reason: string): GateVerdict {
  return verdict({
    gate: describeGate(gate), kind: gate.kind, model: target.model, task: target.task, metric, baseline, current,
    difference: null, interval: null, unit: 'metric', status: 'fail', reason, n: null,
  });
}

/**
 * The comparison, failed with `reason` when the pair left samples unscored; `shown` says which
 * values a failed verdict displays (default: the comparison's own).
 */
function withShortfall(reason: string | null, compute: () => GateVerdict, fallback: (reason: string) => GateVerdict, shown: (v: GateVerdict) => GateVerdict = (v) => v): GateVerdict {
  if (reason === null) return compute();
  try {
    return { ...shown(compute()), status: 'fail', reason };
  } catch (error) {
    // Nothing left to pair (every sample failed) is the shortfall itself, not a second error.
    if (error instanceof GateInputError) return fallback(reason);
    throw error;
  }
}

function recordedValues(v: GateVerdict, base: SnapshotResult, cur: SnapshotResult, metric: string): GateVerdict {
  const b = base.metrics[metric] ?? null;
  const c = cur.metrics[metric] ?? null;
  const difference = b === null || c === null ? null : v.unit === '%' ? relative(c, b) : c - b;
  return { ...v, baseline: b, current: c, difference, interval: null, notes: [...v.notes, `interval over the ${v.n ?? 0} samples both runs scored: ${v.interval ? `[${v.interval.join(', ')}]` : 'none'}`] };
}

function withNote(v: GateVerdict, note: string | null): GateVerdict {
  return note === null ? v : { ...v, notes: [...v.notes, note] };
}

/** The notes of what a baseline-relative verdict could not check: data files, then media. */
function withUncheckedNotes(v: GateVerdict, current: RunSnapshot, baseline: RunSnapshot, cur: SnapshotResult | undefined, base: SnapshotResult | undefined, task: string): GateVerdict {
  return withNote(withNote(v, uncheckedDataNote(current, baseline, task)), uncheckedMediaNote(cur, base));
}

/**
 * A gated pair the baseline has and this run lacks fails: a change that stops a model or task
 * from running (dropped, renamed, no longer applicable) must not pass by having nothing to compare.
 */
function droppedVerdicts(gate: GateSpec, metric: string, current: RunSnapshot, baseline: RunSnapshot, baselinePairs: readonly Target[], value: (t: Target) => number | null): GateVerdict[] {
  return baselinePairs
    .filter((b) => inScope(gate, baseline, b) && !current.results.some((r) => r.model === b.model && r.task === b.task))
    .map((b) => shortfallVerdict(gate, b, metric, value(b), null, `in the baseline but not in this run (dropped, renamed or no longer applicable); if that is intended, rewrite the baseline`));
}

/**
 * Why the two runs' results for `target` are no comparison (another sample set, fewer samples),
 * or null; throws when the baseline's task of that id is of another kind.
 */
function pairShortfall(ctx: GateContext, baseline: RunSnapshot, target: Target): string | null {
  checkSameTaskKind(ctx.current, baseline, target.task, ctx.options.sources?.baseline);
  const [cur, base] = [resultOf(ctx.current, target), resultOf(baseline, target)];
  return sampleSetDifference(ctx.current, baseline, target.task, cur, base) ?? comparisonShortfall(cur?.counts, base?.counts);
}

function dropVerdicts(ctx: GateContext, gate: Extract<GateSpec, { kind: 'max-drop' }>, baseline: RunSnapshot): GateVerdict[] {
  const dropped = droppedVerdicts(gate, gate.metric, ctx.current, baseline, baseline.results.filter((r) => gate.metric in r.metrics),
    (b) => baseline.results.find((r) => r.model === b.model && r.task === b.task)?.metrics[gate.metric] ?? null);
  return [...dropped, ...qualityTargets(ctx.current, gate.metric).filter((r) => inScope(gate, ctx.current, r)).map((cur) => {
    const base = resultOf(baseline, cur);
    if (!base) return noBaseline(ctx, cur, gate.metric, cur.metrics[gate.metric] ?? null, 'scores');
    const checked = withShortfall(
      pairShortfall(ctx, baseline, cur),
      () => dropVerdict(gate, ctx.index, base, cur, ctx.options),
      (reason) => shortfallVerdict(gate, cur, gate.metric, base.metrics[gate.metric] ?? null, cur.metrics[gate.metric] ?? null, reason),
      // A failed check shows each run's own score (scores.json), not the subset both scored.
      (v) => recordedValues(v, base, cur, gate.metric),
    );
    return withUncheckedNotes(checked, ctx.current, baseline, cur, base, cur.task);
  })];
}

function timingVerdicts(ctx: GateContext, gate: TimingGate, baseline: RunSnapshot): GateVerdict[] {
  const metric = timingMeasureOf(gate);
  const { current, options } = ctx;
  const dropped = droppedVerdicts(gate, metric, current, baseline, baseline.timings, (b) => {
    const t = baseline.timings.find((x) => x.model === b.model && x.task === b.task);
    return t ? timingValue(t, metric) : null;
  });
  return [...dropped, ...current.timings.filter((t) => inScope(gate, current, t)).map((cur) => {
    const base = baseline.timings.find((t) => t.model === cur.model && t.task === cur.task);
    const notApplicable = timingNotApplicable(metric, cur, ...(base ? [base] : []));
    if (notApplicable !== null) return notApplicableVerdict(gate, cur, metric, notApplicable);
    if (!base) return noBaseline(ctx, cur, metric, timingValue(cur, metric), 'timings');
    const boot: BootstrapOptions = { replicates: options.replicates, confidence: options.confidence, seed: seedFor(options.seed, ctx.index, cur) };
    const checked = withShortfall(
      pairShortfall(ctx, baseline, cur),
      () => verdict({ gate: describeGate(gate), kind: gate.kind, model: cur.model, task: cur.task, unit: '%', ...compareTimings(gate, base, cur, boot) }),
      (reason) => shortfallVerdict(gate, cur, metric, timingValue(base, metric), timingValue(cur, metric), reason),
    );
    return withUncheckedNotes(checked, current, baseline, resultOf(current, cur), resultOf(baseline, cur), cur.task);
  })];
}

function gateVerdicts(ctx: GateContext, baseline: RunSnapshot | null, gatesSource: string): GateVerdict[] {
  const { gate, index } = ctx;
  if (gate.kind === 'floor' || gate.kind === 'ceiling') return boundVerdicts(gate, ctx.current);
  if (!baseline) throw new GateInputError(`${gatesSource}/${index}: gate ${index} (${describeGate(gate)}) compares against a baseline; pass --baseline RUN_OR_JSON.`);
  return gate.kind === 'max-drop' ? dropVerdicts(ctx, gate, baseline) : timingVerdicts(ctx, gate, baseline);
}

/**
 * A gate whose pairs all exist but are not applicable (a ready-to-fill suite's CIDEr gate on a
 * retrieval-only model) is skipped with the reason, not an error: nothing misspelt, nothing to check.
 */
function notApplicableVerdicts(gate: GateSpec, current: RunSnapshot): GateVerdict[] {
  const metric = 'metric' in gate ? gate.metric : timingMeasureOf(gate);
  // max-drop compares quality metrics only; a timing measure there is the no-match error's case.
  const reportsIt = (task: string): boolean => (gate.kind !== 'max-drop' && isTimingMeasure(metric)) || reportsMetric(current, task, metric);
  // Predictions written for a split without references (a test server's) have no score to gate.
  const unreferenced = current.results.filter((r) => !(metric in r.metrics) && (r.counts.unannotated ?? 0) > 0 && r.counts.scored === 0)
    .map((r) => ({ model: r.model, task: r.task, reason: `no reference answers: ${r.counts.unannotated} predictions written, not scored` }));
  return [...(current.notApplicable ?? []), ...unreferenced].filter((n) => inScope(gate, current, n) && reportsIt(n.task)).map((n) => notApplicableVerdict(gate, n, metric, n.reason));
}

/**
 * Evaluates every gate. Errors (harness errors, not failed gates): an empty gate list and a gate
 * whose scope matches nothing (a misspelt name must not pass), and a gated pair the baseline
 * lacks unless `allowMissingBaseline`.
 */
export function evaluateGates(gates: readonly GateSpec[], current: RunSnapshot, baseline: RunSnapshot | null, options: GateOptions): GateReport {
  const gatesSource = options.sources?.gates ?? 'gates';
  if (gates.length === 0) throw new GateInputError(`${gatesSource}: the gate list is empty, and an empty list would pass every run. Declare at least one gate.`);
  const missing: MissingBaseline[] = [];
  const verdicts = gates.flatMap((gate, index) => {
    const found = gateVerdicts({ gate, index, current, options, missing }, baseline, gatesSource);
    if (found.length > 0) return found;
    const notApplicable = notApplicableVerdicts(gate, current);
    if (notApplicable.length === 0) throw noMatchError(gate, index, current, options.sources?.current ?? current.runId, gatesSource);
    return notApplicable;
  });
  if (baseline && missing.length > 0 && options.allowMissingBaseline !== true) throw missingBaselineError(missing, baseline, options.sources?.baseline);
  if (verdicts.every((v) => v.status === 'not-applicable')) {
    const pairs = [...new Set(verdicts.map((v) => `${v.model} / ${v.task}: ${v.reason}`))].join('; ');
    throw new GateInputError(`${gatesSource}: every gate is not applicable to the pairs it matches (${pairs}), so nothing would be checked; gate measures or metrics these pairs have (samplesPerSecond, a latency, or a metric of their task).`);
  }
  return {
    runId: current.runId, baselineRunId: baseline?.runId ?? null, confidence: options.confidence, seed: options.seed, replicates: options.replicates,
    verdicts, passed: verdicts.every((v) => v.status !== 'fail'),
  };
}
