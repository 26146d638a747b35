/**
 * Throughput from batch progress records: warm-up batches leave the count and the time together,
 * and retrieval's gallery embedding, always in the time, brings every query into the count.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BatchProgressRecord } from '../../../reports/records.js';
import { aggregateTimings } from '../../../runners/run/timings.js';

function record(phase: 'batch' | 'embed', samples: number, wallMs: number, warmup = false): BatchProgressRecord {
  return {
    model: 'm', task: 't', session: 1, warmup, phase, samples, failed: 0, wallMs, generatedTokens: 0,
    latenciesMs: Array.from({ length: samples }, () => wallMs / samples),
    stagesMs: { preprocess: 0, encode: 0, fusion: 0, decode: 0 }, rssBytes: 1,
  };
}

test('generation: the warm-up batch leaves both the sample count and the wall time', () => {
  const t = aggregateTimings('m', 't', 'cpu', [record('batch', 4, 4000, true), record('batch', 4, 400), record('batch', 2, 200)]);
  assert.is(t.samples, 6);
  assert.is(t.wallSeconds, 0.6);
  assert.is(t.samplesPerSecond, 10);
  assert.is(t.warmupSamples, 4);
  // The gate resamples batches: the measured batches' sizes, in the order of latencySamplesMs.
  assert.equal(t.latencyBatchSizes, [4, 2]);
  assert.equal(t.latencySamplesMs, [100, 100, 100, 100, 100, 100]);
});

test('retrieval: every query over the gallery embedding plus all re-ranking', () => {
  // A shard: the whole gallery embedded (600 ms), then 16 + 2 queries re-ranked.
  const t = aggregateTimings('m', 't', 'cpu', [record('embed', 0, 600), record('batch', 16, 300, true), record('batch', 2, 100)]);
  assert.is(t.samples, 18);
  assert.is(t.wallSeconds, 1);
  assert.is(t.samplesPerSecond, 18);
  // Latencies still leave the warm-up batch out.
  assert.is(t.latencySamplesMs.length, 2);
});

test.run();
