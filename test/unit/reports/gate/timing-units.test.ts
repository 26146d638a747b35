/**
 * Latency gates resample measured batches, not samples: a batch's samples share one latency (its
 * time over its size), so resampling samples counts one measurement batch-size times and narrows
 * the interval by about sqrt(batch size), failing the gate on ordinary batch-to-batch noise.
 * Expectations from the batches themselves: a bootstrap over 5 batches of which the current run
 * redrew its fastest as a copy of its slowest is no evidence of a 2 % increase.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TaskTimings } from '../../../../reports/records.js';
import { compareTimings, type TimingGate } from '../../../../reports/gate/timing-checks.js';

const BATCH = 10;
const OPTIONS = { replicates: 2000, confidence: 0.95, seed: 7 };
const GATE: TimingGate = { kind: 'max-latency-increase', statistic: 'mean', maxIncreasePercent: 2 };

function timings(batchMs: readonly number[], withSizes: boolean): TaskTimings {
  const latencySamplesMs = batchMs.flatMap((ms) => Array<number>(BATCH).fill(ms));
  const mean = latencySamplesMs.reduce((a, b) => a + b, 0) / latencySamplesMs.length;
  return {
    model: 'm', task: 't', provider: 'cpu', wallSeconds: 1, samples: latencySamplesMs.length, samplesPerSecond: 1000 / mean,
    generatedTokens: 0, tokensPerSecond: 0, latencyMs: { p50: mean, p95: mean, p99: mean, mean }, latencySamplesMs,
    ...(withSizes ? { latencyBatchSizes: batchMs.map(() => BATCH) } : {}),
    stages: { preprocess: 0, encode: 0, fusion: 0, decode: 0 }, peakRssBytes: 0, warmupSamples: 0,
  };
}

const baseline = [55.8, 43.1, 68.6, 53.7, 78.6];
const redrawn = [55.8, 78.6, 68.6, 53.7, 78.6];

test('a redraw of the same batches passes a 2 % latency gate when batches are the resampling unit', () => {
  const verdict = compareTimings(GATE, timings(baseline, true), timings(redrawn, true), OPTIONS);
  assert.is(verdict.status, 'pass', `interval ${verdict.interval}`);
  assert.ok(verdict.interval[0] < 0, `the interval reaches below no change: ${verdict.interval}`);
  assert.match(verdict.notes[0]!, /over measured batches/);
  // The point estimate does not depend on the unit: +11.9 %.
  assert.ok(Math.abs(verdict.difference - (100 * (redrawn.reduce((a, b) => a + b) / baseline.reduce((a, b) => a + b) - 1))) < 1e-9);
});

test('timings without batch sizes (an earlier vlbench) fall back to samples, with a note that says what that costs', () => {
  const verdict = compareTimings(GATE, timings(baseline, false), timings(redrawn, false), OPTIONS);
  assert.is(verdict.status, 'fail', 'per-sample resampling calls this noise an increase');
  assert.match(verdict.notes[0]!, /record no batch sizes .* square root of the batch size/);
});

test('a real slowdown of every batch still fails', () => {
  const verdict = compareTimings(GATE, timings(baseline, true), timings(baseline.map((ms) => ms * 1.5), true), OPTIONS);
  assert.is(verdict.status, 'fail', `interval ${verdict.interval}`);
});

test.run();
