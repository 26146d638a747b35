/**
 * `vlbench diff RUN_A RUN_B`: the samples whose prediction or per-sample scores changed between
 * two runs, largest change first. Metrics live on different scales (CIDEr per image ~0-10, VQA
 * accuracy 0-100), so changes are ranked by |delta| divided by the largest absolute value the
 * metric takes in either run (a change across the metric's whole observed range ranks 1).
 */
import { didYouMean } from '../suites/did-you-mean.js';
import { sampleSetWarnings } from './comparability.js';
import { pythonRound } from './metrics/python-round.js';
import { predictionKey, type SampleScoreRecord } from './records.js';
import { predictionText } from './prediction-text.js';
import { readPredictions, readRun, readSampleScores, runLabel, type LoadedRun } from './run-reader.js';

export interface ScoreChange {
  readonly metric: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly delta: number | null;
}

export interface SampleChange {
  readonly model: string;
  readonly task: string;
  readonly sampleId: string;
  readonly predictionA: string | null;
  readonly predictionB: string | null;
  readonly predictionChanged: boolean;
  readonly scores: readonly ScoreChange[];
  /** Largest normalised |delta| over the sample's metrics (0..1; 1 when a side is missing). */
  readonly magnitude: number;
  /** The metric that gave `magnitude` (the first such), shown in the text table; null when no score changed. */
  readonly rankedBy: string | null;
}

export interface RunDiff {
  readonly runA: string;
  readonly runB: string;
  /** (model, task) pairs present in both runs. */
  readonly compared: readonly { readonly model: string; readonly task: string; readonly samples: number }[];
  readonly onlyInA: readonly string[];
  readonly onlyInB: readonly string[];
  readonly changes: readonly SampleChange[];
  /**
   * Tasks the two runs measured on different samples (another --limit or suite, other data:
   * comparability.ts, as `vlbench report` warns): their changes are not the model's.
   */
  readonly warnings: readonly string[];
}

/** Restricts a diff to one task and/or one model. */
export interface DiffFilter {
  readonly task?: string | undefined;
  readonly model?: string | undefined;
}

/** A filter naming a task or model that neither run has (a typo must not print "0 changed"). */
export class DiffFilterError extends Error {
  override name = 'DiffFilterError';
  constructor(readonly field: 'task' | 'model', message: string) {
    super(message);
  }
}

function pairKey(model: string, task: string): string {
  return `${model}\u0000${task}`;
}

function pairsOf(run: LoadedRun): Map<string, { model: string; task: string }> {
  return new Map(run.scores.results.map((r) => [pairKey(r.model, r.task), { model: r.model, task: r.task }]));
}

function scoreChanges(a: SampleScoreRecord | undefined, b: SampleScoreRecord | undefined): ScoreChange[] {
  const metrics = [...new Set([...Object.keys(a?.scores ?? {}), ...Object.keys(b?.scores ?? {})])];
  return metrics.map((metric) => {
    const va = a?.scores[metric] ?? null;
    const vb = b?.scores[metric] ?? null;
    return { metric, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null };
  });
}

function metricScales(records: readonly SampleScoreRecord[][]): Map<string, number> {
  const scales = new Map<string, number>();
  for (const list of records) for (const r of list) for (const [m, v] of Object.entries(r.scores)) scales.set(m, Math.max(scales.get(m) ?? 0, Math.abs(v)));
  return scales;
}

function pairChanges(a: LoadedRun, b: LoadedRun, model: string, task: string): { samples: number; changes: SampleChange[] } {
  // Keyed as the per-sample scores are (a retrieval query by direction and id), so each sample is one row.
  const predA = new Map(readPredictions(a, model, task).map((p) => [predictionKey(p), predictionText(p)]));
  const predB = new Map(readPredictions(b, model, task).map((p) => [predictionKey(p), predictionText(p)]));
  const scoresA = readSampleScores(a, model, task);
  const scoresB = readSampleScores(b, model, task);
  const byIdA = new Map(scoresA.map((s) => [s.sampleId, s]));
  const byIdB = new Map(scoresB.map((s) => [s.sampleId, s]));
  const scales = metricScales([scoresA, scoresB]);
  const ids = [...new Set([...predA.keys(), ...predB.keys(), ...byIdA.keys(), ...byIdB.keys()])];
  const changes: SampleChange[] = [];
  for (const sampleId of ids) {
    const scores = scoreChanges(byIdA.get(sampleId), byIdB.get(sampleId));
    const pa = predA.get(sampleId) ?? null;
    const pb = predB.get(sampleId) ?? null;
    const sizes = scores.map((s) => (s.delta === null ? 1 : Math.abs(s.delta) / (scales.get(s.metric) || 1)));
    const magnitude = Math.max(0, ...sizes);
    const predictionChanged = pa !== pb;
    if (!predictionChanged && magnitude === 0) continue;
    const rankedBy = magnitude > 0 ? scores[sizes.indexOf(magnitude)]!.metric : null;
    changes.push({ model, task, sampleId, predictionA: pa, predictionB: pb, predictionChanged, scores: scores.filter((s) => s.delta !== 0), magnitude, rankedBy });
  }
  return { samples: ids.length, changes };
}

/**
 * Sample ids in natural order: runs of digits compare as numbers (`2` before `10`, `i2t:3`
 * before `i2t:28`), the rest by code unit, so the order does not depend on the machine's locale.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [x, y] = [pa[i]!, pb[i]!];
    if (x === y) continue;
    // Odd positions are the digit runs (split with a capturing group).
    if (i % 2 === 1) {
      const [nx, ny] = [x.replace(/^0+(?=\d)/, ''), y.replace(/^0+(?=\d)/, '')];
      if (nx.length !== ny.length) return nx.length - ny.length;
      if (nx !== ny) return nx < ny ? -1 : 1;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function checkFilter(filter: DiffFilter, pairs: readonly { model: string; task: string }[]): void {
  for (const field of ['task', 'model'] as const) {
    const wanted = filter[field];
    const known = [...new Set(pairs.map((p) => p[field]))].sort();
    if (wanted !== undefined && !known.includes(wanted)) {
      throw new DiffFilterError(field, `neither run has ${field} '${wanted}'${didYouMean(wanted, known)}; the runs' ${field}s: ${known.join(', ')}`);
    }
  }
}

function filtered(pairs: Map<string, { model: string; task: string }>, filter: DiffFilter): Map<string, { model: string; task: string }> {
  return new Map([...pairs].filter(([, p]) => (filter.task === undefined || p.task === filter.task) && (filter.model === undefined || p.model === filter.model)));
}

/** The changes from run A to run B; a filter naming a task or model neither run has throws DiffFilterError. */
export function diffRuns(dirA: string, dirB: string, filter: DiffFilter = {}): RunDiff {
  const a = readRun(dirA);
  const b = readRun(dirB);
  checkFilter(filter, [...pairsOf(a).values(), ...pairsOf(b).values()]);
  const pairsA = filtered(pairsOf(a), filter);
  const pairsB = filtered(pairsOf(b), filter);
  const compared: RunDiff['compared'][number][] = [];
  const changes: SampleChange[] = [];
  for (const [key, pair] of pairsA) {
    if (!pairsB.has(key)) continue;
    const result = pairChanges(a, b, pair.model, pair.task);
    compared.push({ ...pair, samples: result.samples });
    // One at a time: spreading 200k changes into push() overflows the call stack.
    for (const change of result.changes) changes.push(change);
  }
  const describe = (p: { model: string; task: string }): string => `${p.model} / ${p.task}`;
  const warnings = comparabilityWarnings(a, b).filter((w) => filter.task === undefined || w.startsWith(`task '${filter.task}' `));
  changes.sort((x, y) => y.magnitude - x.magnitude || Number(y.predictionChanged) - Number(x.predictionChanged) || x.task.localeCompare(y.task) || x.model.localeCompare(y.model) || naturalCompare(x.sampleId, y.sampleId));
  return {
    runA: runLabel(a), runB: runLabel(b), compared,
    onlyInA: [...pairsA].filter(([k]) => !pairsB.has(k)).map(([, p]) => describe(p)),
    onlyInB: [...pairsB].filter(([k]) => !pairsA.has(k)).map(([, p]) => describe(p)),
    changes,
    warnings,
  };
}

/** The report's warnings for tasks the two runs did not run on the same samples. */
function comparabilityWarnings(a: LoadedRun, b: LoadedRun): string[] {
  const labels = [runLabel(a), runLabel(b)];
  const distinct = labels[0] !== labels[1];
  const reportRuns = [a, b].map((run, i) => ({
    label: distinct ? labels[i]! : run.dir, runId: run.manifest.runId, createdAt: run.manifest.createdAt, dir: run.dir, shard: run.manifest.shard,
  }));
  return sampleSetWarnings([a, b], reportRuns);
}

function clip(text: string | null, width: number): string {
  if (text === null) return '(missing)';
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** Four decimals at most, rounded as every vlbench table rounds (exact ties to even). */
function fmt(v: number | null): string {
  return v === null ? '—' : pythonRound(v, 4).toString();
}

/** The plain-text table of `vlbench diff` (the first `limit` changes). */
export function diffText(diff: RunDiff, limit: number): string {
  const total = diff.compared.reduce((n, c) => n + c.samples, 0);
  const predictionChanges = diff.changes.filter((c) => c.predictionChanged).length;
  const lines = [`${diff.runA} -> ${diff.runB}: ${diff.changes.length} of ${total} samples changed (${predictionChanges} predictions) over ${diff.compared.length} model/task pairs.`];
  for (const warning of diff.warnings) lines.push(`warning: ${warning}`);
  if (diff.onlyInA.length) lines.push(`only in ${diff.runA}: ${diff.onlyInA.join(', ')}`);
  if (diff.onlyInB.length) lines.push(`only in ${diff.runB}: ${diff.onlyInB.join(', ')}`);
  const rows = diff.changes.slice(0, limit).map((c) => {
    // The metric that ranked the row, so the listing visibly runs from largest change down.
    const main = c.scores.find((s) => s.metric === c.rankedBy) ?? c.scores[0];
    return [c.task, c.model, c.sampleId, main?.metric ?? '', fmt(main?.a ?? null), fmt(main?.b ?? null), main?.delta == null ? '—' : `${main.delta > 0 ? '+' : ''}${fmt(main.delta)}`, c.predictionChanged ? `${clip(c.predictionA, 40)} -> ${clip(c.predictionB, 40)}` : '(same prediction)'];
  });
  const header = ['task', 'model', 'sample', 'metric', 'A', 'B', 'delta', 'prediction A -> B'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  if (rows.length) lines.push('', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  if (diff.changes.length > limit) lines.push(`... ${diff.changes.length - limit} more (use --limit or --json)`);
  return lines.join('\n') + '\n';
}
