/**
 * timings.json from the batch progress records of every session: wall time and throughput over
 * the batches that are not warm-up (the first batch of each session, when a task ran more than
 * one), latency percentiles over their samples, stage times, peak resident memory.
 */
import type { BatchProgressRecord, TaskTimings } from '../../reports/records.js';
import { percentile, zeroStages } from './measure.js';

export function aggregateTimings(model: string, task: string, provider: string, records: readonly BatchProgressRecord[]): TaskTimings {
  const batches = records.filter((r) => r.phase === 'batch' && r.samples > 0);
  const measured = batches.filter((r) => !r.warmup);
  // A task that ran as a single batch has nothing but warm-up: report it rather than nothing.
  const counted = measured.length > 0 ? measured : batches;
  const embedding = records.filter((r) => r.phase === 'embed');
  const wallMs = [...counted, ...embedding].reduce((s, r) => s + r.wallMs, 0);
  const samples = counted.reduce((s, r) => s + r.samples, 0);
  const tokens = counted.reduce((s, r) => s + r.generatedTokens, 0);
  const latencies = counted.flatMap((r) => r.latenciesMs);
  const sorted = [...latencies].sort((a, b) => a - b);
  const stages = zeroStages();
  for (const r of [...counted, ...embedding]) for (const stage of Object.keys(stages) as (keyof typeof stages)[]) stages[stage] += r.stagesMs[stage] / 1000;
  const seconds = wallMs / 1000;
  return {
    model, task, provider, wallSeconds: seconds, samples,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    generatedTokens: tokens, tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean: latencies.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0 },
    latencySamplesMs: latencies,
    stages,
    peakRssBytes: records.reduce((m, r) => Math.max(m, r.rssBytes), 0),
    warmupSamples: counted === measured ? batches.filter((r) => r.warmup).reduce((s, r) => s + r.samples, 0) : 0,
  };
}
