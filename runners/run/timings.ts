/**
 * timings.json from the batch progress records of every session: wall time and throughput over
 * the batches that are not warm-up (the first batch of each session, when a task ran more than
 * one), latency percentiles over their samples, stage times, peak resident memory.
 *
 * Retrieval is the exception for throughput: its gallery embedding (once per session or shard)
 * is part of what each query costs and is always in the wall time, so its throughput is every
 * query over embedding plus all re-ranking. Leaving the first re-ranking batch's queries out of
 * the count but the embedding in the time understated it, most for a shard with few queries.
 */
import type { BatchProgressRecord, TaskTimings } from '../../reports/records.js';
import { percentile, zeroStages } from './measure.js';

export function aggregateTimings(model: string, task: string, provider: string, records: readonly BatchProgressRecord[]): TaskTimings {
  const batches = records.filter((r) => r.phase === 'batch' && r.samples > 0);
  const measured = batches.filter((r) => !r.warmup);
  // A task that ran as a single batch has nothing but warm-up: report it rather than nothing.
  const counted = measured.length > 0 ? measured : batches;
  const embedding = records.filter((r) => r.phase === 'embed');
  const throughput = embedding.length > 0 ? batches : counted;
  const wallMs = [...throughput, ...embedding].reduce((s, r) => s + r.wallMs, 0);
  const samples = throughput.reduce((s, r) => s + r.samples, 0);
  const tokens = throughput.reduce((s, r) => s + r.generatedTokens, 0);
  const latencies = counted.flatMap((r) => r.latenciesMs);
  const sorted = [...latencies].sort((a, b) => a - b);
  const stages = zeroStages();
  for (const r of [...throughput, ...embedding]) for (const stage of Object.keys(stages) as (keyof typeof stages)[]) stages[stage] += r.stagesMs[stage] / 1000;
  const seconds = wallMs / 1000;
  return {
    model, task, provider, wallSeconds: seconds, samples,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    generatedTokens: tokens, tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
    latencyMs: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), mean: latencies.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : 0 },
    latencySamplesMs: latencies,
    latencyBatchSizes: counted.map((r) => r.latenciesMs.length),
    stages,
    peakRssBytes: records.reduce((m, r) => Math.max(m, r.rssBytes), 0),
    warmupSamples: counted === measured ? batches.filter((r) => r.warmup).reduce((s, r) => s + r.samples, 0) : 0,
  };
}
