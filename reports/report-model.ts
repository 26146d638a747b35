/**
 * The report's data model: several run directories merged into one list of (model, task)
 * results with quality, throughput and latency side by side. Every writer (tables, charts,
 * HTML, JSON) renders from this, so all outputs show the same numbers.
 */
import { basename, sep } from 'node:path';
import type { LoadedRun } from './run-reader.js';
import { runLabel } from './run-reader.js';
import type { TaskKind, TaskScores, TaskTimings } from './records.js';
import { familyRank, familyStyle } from './families.js';

export interface ReportRun {
  readonly label: string;
  readonly runId: string;
  readonly createdAt: string;
  readonly dir: string;
  /** Set when the run is one shard (`vlbench run --shard i/N`): its numbers are partial. Absent or null: the whole run. */
  readonly shard?: { readonly index: number; readonly count: number } | null;
}

export interface ReportModel {
  /** Unique key across runs: `run/model` when a model id occurs in several runs, else the model id. */
  readonly key: string;
  readonly label: string;
  readonly modelId: string;
  readonly family: string;
  readonly familyLabel: string;
  readonly variant: string;
  readonly run: ReportRun;
  readonly provider: string;
}

export interface ReportTask {
  readonly id: string;
  readonly kind: TaskKind;
  /** Metrics in the order the suite declared them (union over runs). */
  readonly metrics: readonly string[];
  readonly primaryMetric: string;
  /** Dataset names the task ran on (for matching published numbers). */
  readonly datasets: readonly string[];
}

export interface ReportResult {
  readonly model: ReportModel;
  readonly task: string;
  readonly kind: TaskKind;
  readonly scores: TaskScores;
  readonly timing: TaskTimings | undefined;
}

export interface ReportData {
  readonly runs: readonly ReportRun[];
  readonly models: readonly ReportModel[];
  readonly tasks: readonly ReportTask[];
  readonly results: readonly ReportResult[];
  readonly notApplicable: readonly { readonly model: ReportModel; readonly task: string; readonly reason: string }[];
}

/** The headline metric of a task kind: what the overview table and the charts show. */
const PRIMARY_METRICS: Record<TaskKind, readonly string[]> = {
  captioning: ['CIDEr', 'Bleu_4'],
  vqa: ['vqa_accuracy', 'exact_match', 'multiple_choice_accuracy'],
  retrieval: ['r_mean', 'agg_metrics', 'txt_r1'],
  instruction: ['multiple_choice_accuracy', 'vqa_accuracy', 'exact_match'],
};

export function primaryMetric(kind: TaskKind, metrics: readonly string[]): string {
  const preferred = PRIMARY_METRICS[kind].find((name) => metrics.includes(name));
  const chosen = preferred ?? metrics[0];
  if (chosen === undefined) throw new Error(`task kind ${kind} has no metrics to report`);
  return chosen;
}

/** The last `count` components of a path: `A/run` for `/tmp/A/run` and 2. */
function pathTail(dir: string, count: number): string {
  return dir.split(sep).filter(Boolean).slice(-count).join('/');
}

/**
 * Runs whose labels collide (two folders named `run`, a re-run copied elsewhere) are told apart
 * by as much of their paths as it takes (`A/run`, `B/run`; `my-id (A/run)` for a chosen run
 * id); only runs of one path (a library caller passing a folder twice) fall back to `#n`.
 */
function distinctLabel(runs: readonly LoadedRun[], labels: readonly string[], index: number): string {
  const run = runs[index]!;
  const base = labels[index]!;
  const clashing = runs.filter((_, i) => labels[i] === base);
  if (clashing.length === 1) return base;
  // A label that is the folder name grows into the path; a chosen run id keeps it in front.
  const fromDir = base === basename(run.dir);
  const depth = run.dir.split(sep).filter(Boolean).length;
  for (let count = fromDir ? 2 : 1; count <= depth; count++) {
    const tail = pathTail(run.dir, count);
    if (clashing.every((other) => other === run || pathTail(other.dir, count) !== tail)) return fromDir ? tail : `${base} (${tail})`;
  }
  return `${base}#${index + 1}`;
}

function reportRuns(runs: readonly LoadedRun[]): ReportRun[] {
  const labels = runs.map(runLabel);
  return runs.map((run, index) => {
    const label = distinctLabel(runs, labels, index);
    return { label, runId: run.manifest.runId, createdAt: run.manifest.createdAt, dir: run.dir, shard: run.manifest.shard };
  });
}

/**
 * Which metric a breakdown splits: `exact_match.perCategory` names it; an unprefixed one
 * (`perAnswerType`, `perCategory`) is VQA accuracy's when the task reports it, else the primary's.
 * Titles both the breakdown tables and charts, so a chart and its table name one metric.
 */
export function breakdownName(name: string, task: ReportTask): { metric: string; grouping: string } {
  const dot = name.indexOf('.');
  if (dot > 0) return { metric: name.slice(0, dot), grouping: name.slice(dot + 1) };
  return { metric: task.metrics.includes('vqa_accuracy') ? 'vqa_accuracy' : task.primaryMetric, grouping: name };
}

/** Marks a value computed on fewer samples than requested, in tables and charts alike. */
export const PARTIAL_MARK = '†';

/**
 * The one definition of a partial value (scored < requested: some samples failed or had no
 * references), so a table cell and a chart bar of one pair are marked alike.
 */
export function isPartial(result: ReportResult): boolean {
  return result.scores.counts.scored < result.scores.counts.requested;
}

/** "4/8 (4 failed)", "0/6 (6 without references)": what became of the requested samples. */
export function samplesText(c: TaskScores['counts']): string {
  const notes = [c.failed > 0 ? `${c.failed} failed` : '', (c.unannotated ?? 0) > 0 ? `${c.unannotated} without references` : ''].filter(Boolean);
  return `${c.scored}/${c.requested}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/**
 * Why a pair that ran has no value: predictions for samples without references (kept for
 * submission), every sample failed, or nothing to run on. Null when none of these explains it.
 */
export function noValueText(c: TaskScores['counts']): string | null {
  if ((c.unannotated ?? 0) > 0) return `${c.unannotated} unscored`;
  if (c.failed > 0) return `${c.failed} failed`;
  if (c.requested === 0) return '0 samples';
  return null;
}

/**
 * The task ran as one batch, its warm-up batch, so its latency (and, except for retrieval, which
 * always counts every query, its throughput) includes warm-up (runners/run/timings.ts).
 */
export function warmupIncluded(timing: TaskTimings): boolean {
  return timing.warmupSamples === 0;
}

/** `0/2` for a run that is shard 0 of 2, null for a whole run. */
export function shardLabel(run: ReportRun): string | null {
  return run.shard ? `${run.shard.index}/${run.shard.count}` : null;
}

/** Which runs are shards: `0/2` for a single run, `0/2 of <run label>` among several. */
export function shardMarkers(runs: readonly ReportRun[]): string[] {
  return runs.flatMap((r) => {
    const shard = shardLabel(r);
    return shard === null ? [] : [runs.length > 1 ? `${shard} of ${r.label}` : shard];
  });
}

/** Said wherever a report's numbers appear (titles, captions, report.json) when any run is a shard. */
export function partialNote(runs: readonly ReportRun[]): string | null {
  const shards = shardMarkers(runs);
  return shards.length ? `shard ${shards.join(', ')} only: partial results; merge the shards with vlbench merge` : null;
}

function reportModels(runs: readonly LoadedRun[], reportRunList: readonly ReportRun[]): ReportModel[] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const m of run.manifest.models) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
  const extras: string[] = [];
  const models: ReportModel[] = [];
  runs.forEach((run, index) => {
    const reportRun = reportRunList[index]!;
    for (const m of run.manifest.models) {
      if (familyRank(m.family) >= 5 && !extras.includes(m.family)) extras.push(m.family);
      const shared = (counts.get(m.id) ?? 0) > 1;
      models.push({
        key: shared ? `${reportRun.label}/${m.id}` : m.id,
        label: shared ? `${m.id} (${reportRun.label})` : m.id,
        modelId: m.id,
        family: m.family,
        familyLabel: familyStyle(m.family, extras).label,
        variant: m.variant,
        run: reportRun,
        provider: m.provider.used,
      });
    }
  });
  // One model in several runs: the runs in the order they were given (a series over time reads
  // in that order), not by run label, which is a UUID for most runs.
  const runIndex = (m: ReportModel): number => reportRunList.indexOf(m.run);
  return models.sort((a, b) => familyRank(a.family) - familyRank(b.family) || a.modelId.localeCompare(b.modelId) || runIndex(a) - runIndex(b));
}

function reportTasks(runs: readonly LoadedRun[]): ReportTask[] {
  const byId = new Map<string, { kind: TaskKind; metrics: string[]; datasets: string[] }>();
  for (const run of runs) {
    for (const task of run.manifest.tasks) {
      const entry = byId.get(task.id) ?? { kind: task.kind, metrics: [], datasets: [] };
      if (entry.kind !== task.kind) {
        throw new Error(`${run.dir}/manifest.json: task '${task.id}' is ${task.kind} here but ${entry.kind} in another run; give the tasks distinct ids.`);
      }
      for (const metric of task.metrics) if (!entry.metrics.includes(metric)) entry.metrics.push(metric);
      if (!entry.datasets.includes(task.dataset.name)) entry.datasets.push(task.dataset.name);
      byId.set(task.id, entry);
    }
  }
  return [...byId.entries()].map(([id, e]) => ({ id, kind: e.kind, metrics: e.metrics, datasets: e.datasets, primaryMetric: primaryMetric(e.kind, e.metrics) }));
}

/** Merges runs into one report: models from different runs, or one suite over time. */
export function buildReportData(runs: readonly LoadedRun[]): ReportData {
  if (runs.length === 0) throw new Error('a report needs at least one run directory');
  const reportRunList = reportRuns(runs);
  const models = reportModels(runs, reportRunList);
  const tasks = reportTasks(runs);
  const results: ReportResult[] = [];
  const notApplicable: ReportData['notApplicable'][number][] = [];
  runs.forEach((run, index) => {
    const label = reportRunList[index]!.label;
    const modelOf = (id: string): ReportModel => {
      const found = models.find((m) => m.modelId === id && m.run.label === label);
      if (!found) throw new Error(`${run.dir}/scores.json: model '${id}' is not listed in manifest.json /models; the run is inconsistent.`);
      return found;
    };
    for (const scores of run.scores.results) {
      // A task that scored no sample measured no speed: its zero timings are not a measurement.
      const timing = scores.counts.scored === 0 ? undefined : run.timings.results.find((t) => t.model === scores.model && t.task === scores.task);
      results.push({ model: modelOf(scores.model), task: scores.task, kind: scores.kind, scores, timing });
    }
    for (const na of run.scores.notApplicable) notApplicable.push({ model: modelOf(na.model), task: na.task, reason: na.reason });
  });
  const order = (m: ReportModel): number => models.indexOf(m);
  const taskOrder = (t: string): number => tasks.findIndex((x) => x.id === t);
  results.sort((a, b) => taskOrder(a.task) - taskOrder(b.task) || order(a.model) - order(b.model));
  return { runs: reportRunList, models, tasks, results, notApplicable };
}
