/**
 * Batch times in the progress records. Batch n+1 is prepared while batch n runs, so the batches
 * overlap in time: each record's wallMs is its share of the elapsed time (they add up to no more
 * than the task took), and its samples' latency is the batch's own preparing + running time, with
 * the stage times of that batch alone. Summing each batch's start-to-finish span instead counted
 * the wait behind the previous batch twice and halved samples/s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BatchProgressRecord } from '../../../reports/records.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { FIXTURE_SUITE } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const MODEL_CALL_MS = 60;
const PREPARE_MS = 60;

function captioningOnly(): string {
  const suite = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as { data: Record<string, string>; tasks: { id: string }[]; gates?: unknown };
  suite.data = { d: join(dirname(FIXTURE_SUITE), 'data') };
  // One sample per batch: 13 batches, each prepared while the one before it runs.
  suite.tasks = suite.tasks.filter((t) => t.id === 'captioning').map((t) => ({ ...t, batchSize: 1 }));
  delete suite.gates;
  const file = join(tempDir('timing'), 'captioning.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

test('pipelined batches: wall times add up to at most the elapsed time; latency is each batch\'s own time', async () => {
  const previous = [process.env.VLBENCH_DOUBLE_DELAY_MS, process.env.VLBENCH_DOUBLE_PREPARE_DELAY_MS];
  process.env.VLBENCH_DOUBLE_DELAY_MS = String(MODEL_CALL_MS);
  process.env.VLBENCH_DOUBLE_PREPARE_DELAY_MS = String(PREPARE_MS);
  let elapsedMs: number;
  let dir: RunDirectory;
  try {
    const started = performance.now();
    const result = await runDouble({ suites: [captioningOnly()], models: ['double-blip'] });
    elapsedMs = performance.now() - started;
    dir = new RunDirectory(result.dir);
  } finally {
    for (const [name, value] of [['VLBENCH_DOUBLE_DELAY_MS', previous[0]], ['VLBENCH_DOUBLE_PREPARE_DELAY_MS', previous[1]]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const batches = readJsonl<BatchProgressRecord>(dir.progress('tiny-blip-double', 'captioning')).records.filter((r) => r.samples > 0);
  assert.ok(batches.length >= 10, `several batches (${batches.length})`);
  const summed = batches.reduce((s, r) => s + r.wallMs, 0);
  assert.ok(summed <= elapsedMs, `batch wall times ${summed.toFixed(1)} ms add up to more than the whole run took (${elapsedMs.toFixed(1)} ms)`);
  for (const [i, batch] of batches.entries()) {
    const own = batch.latenciesMs.reduce((s, l) => s + l, 0);
    // Preparing sleeps PREPARE_MS and the model call MODEL_CALL_MS: a batch's own time is both.
    assert.ok(own >= PREPARE_MS + MODEL_CALL_MS - 2, `batch ${i}: own time ${own.toFixed(1)} ms`);
    assert.ok(batch.stagesMs.decode >= MODEL_CALL_MS - 1, `batch ${i}: its model call is in its record (${batch.stagesMs.decode.toFixed(1)} ms)`);
    assert.ok(batch.stagesMs.preprocess > 0, `batch ${i}: its own preprocessing is in its record`);
  }
});

test.run();
