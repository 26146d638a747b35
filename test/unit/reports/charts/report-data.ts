/**
 * Small hand-made ReportData for chart tests: the fixture runs cannot show every shape a chart
 * must handle (two models of one family in a breakdown, a frontier broken by dominated points,
 * ranking tasks without generated tokens).
 */
import type { ReportData, ReportModel, ReportResult, ReportTask } from '../../../../reports/report-model.js';
import type { TaskKind, TaskTimings } from '../../../../reports/records.js';
import { primaryMetric } from '../../../../reports/report-model.js';

const RUN = { label: 'run-a', runId: 'run-a', createdAt: '2026-01-01T00:00:00Z', dir: '/nonexistent/run-a' };

export function model(modelId: string, familyLabel: string): ReportModel {
  return { key: modelId, label: modelId, modelId, family: familyLabel.toLowerCase(), familyLabel, variant: 'tiny', run: RUN, provider: 'cpu' };
}

export function task(id: string, kind: TaskKind, metrics: readonly string[]): ReportTask {
  return { id, kind, metrics, primaryMetric: primaryMetric(kind, metrics), datasets: ['synth'] };
}

export interface ResultSpec {
  readonly metrics?: Record<string, number>;
  readonly breakdowns?: Record<string, Record<string, number>>;
  readonly samplesPerSecond?: number;
  readonly generatedTokens?: number;
  /** Default: 10 requested, 10 scored. A pair that scored nothing has no timing (report-model.ts). */
  readonly counts?: { requested: number; scored: number; failed: number; unannotated?: number };
  /** timings.json warmupSamples; 0: the task ran as one batch, its warm-up. Default 1. */
  readonly warmupSamples?: number;
}

function timing(m: ReportModel, t: ReportTask, spec: ResultSpec): TaskTimings {
  const samplesPerSecond = spec.samplesPerSecond ?? 10;
  const generatedTokens = spec.generatedTokens ?? 40;
  return {
    model: m.modelId, task: t.id, provider: 'cpu', wallSeconds: 1, samples: 10, samplesPerSecond, generatedTokens, tokensPerSecond: generatedTokens,
    latencyMs: { p50: 10, p95: 20, p99: 30, mean: 12 }, latencySamplesMs: [8, 10, 12, 20, 30],
    stages: { preprocess: 0.1, encode: 0.2, fusion: 0.1, decode: 0.6 }, peakRssBytes: 1, warmupSamples: spec.warmupSamples ?? 1,
  };
}

export function result(m: ReportModel, t: ReportTask, spec: ResultSpec = {}): ReportResult {
  const counts = spec.counts ?? { requested: 10, scored: 10, failed: 0 };
  return {
    model: m, task: t.id, kind: t.kind, timing: counts.scored === 0 ? undefined : timing(m, t, spec),
    scores: { model: m.modelId, task: t.id, kind: t.kind, metrics: spec.metrics ?? {}, breakdowns: spec.breakdowns ?? {}, counts },
  };
}

/** `suiteTasks`: the tasks in suite order, when the results' metrics do not name them (a pair that scored nothing has none). */
export function reportData(results: readonly ReportResult[], suiteTasks: readonly ReportTask[] = []): ReportData {
  const models = [...new Map(results.map((r) => [r.model.key, r.model])).values()];
  const tasks = [...suiteTasks];
  for (const r of results) if (!tasks.some((t) => t.id === r.task)) tasks.push(task(r.task, r.kind, Object.keys(r.scores.metrics)));
  return { runs: [RUN], models, tasks, results, notApplicable: [] };
}
