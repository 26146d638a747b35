/**
 * Sampled decoding is reproducible per sample: sharded and merged, resumed after part of a batch
 * was lost, or run with another batch size, every sample gets the tokens an uninterrupted run
 * gives it (each sample is decoded alone, seeded from the run seed and its id). With the
 * test-double models, whose sampler draws per call as the real one does, and with two real tiny
 * models on the bundled benchmark.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledModels, loadModel } from '../../../models/load.js';
import type { PredictionRecord } from '../../../reports/records.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { mergeRuns } from '../../../runners/run/merge.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { FIXTURE_SUITE } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The runner fixture suite, sampling in captioning (batches of 3) and VQA generation (batches of 4). */
function sampledSuite(batchSize = 3): string {
  const suite: Json = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8'));
  suite.data.d = join(FIXTURE_SUITE, '..', 'data');
  suite.models = ['double-blip', 'double-blip2'];
  suite.gates = [];
  const caption = suite.tasks.find((t: Json) => t.id === 'captioning');
  Object.assign(caption, { batchSize, generation: { numBeams: 1, doSample: true } });
  const vqa = suite.tasks.find((t: Json) => t.id === 'vqa');
  Object.assign(vqa, { method: 'generate', generation: { numBeams: 1, doSample: true } });
  delete vqa.answerList;
  suite.tasks = [caption, vqa];
  const file = join(tempDir('sampled'), 'sampled.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

/** sampleId -> caption or answer, per model/task file. */
function outputs(root: string): Record<string, Record<string, string>> {
  const dir = new RunDirectory(root);
  const result: Record<string, Record<string, string>> = {};
  for (const [model, task] of [['tiny-blip-double', 'captioning'], ['tiny-blip2-double', 'captioning'], ['tiny-blip2-double', 'vqa']] as const) {
    const records = readJsonl<PredictionRecord>(dir.predictions(model, task)).records;
    result[`${model}/${task}`] = Object.fromEntries(records.map((r) => [r.sampleId, r.kind === 'captioning' ? r.caption : r.kind === 'vqa' ? r.answer : r.kind]));
  }
  return result;
}

let suite: string;
let reference: Record<string, Record<string, string>>;

test.before(async () => {
  suite = sampledSuite();
  reference = outputs((await runDouble({ suites: [suite] })).dir);
});

test('the reference run really samples: the drawn words vary from sample to sample', () => {
  const words = new Set(Object.values(reference['tiny-blip-double/captioning']!).map((c) => c.split(' ').at(-1)));
  assert.ok(words.size > 2, `drawn words: ${[...words].join(', ')}`);
});

test('three shards merged give every sample the tokens of the unsharded run', async () => {
  const shards: string[] = [];
  for (let index = 0; index < 3; index++) shards.push((await runDouble({ suites: [suite], shard: { index, count: 3 } })).dir);
  const out = join(tempDir('sampled-merge'), 'merged');
  mergeRuns(shards, out);
  assert.equal(outputs(out), reference);
});

test('a resume after part of a batch was lost gives the same tokens', async () => {
  const { dir } = await runDouble({ suites: [suite] });
  const run = new RunDirectory(dir);
  // Keep 4 of 13 captions (a batch and one sample of the next): the rest are decoded again in
  // batches that start one sample later than before.
  const file = run.predictions('tiny-blip-double', 'captioning');
  const lines = readFileSync(file, 'utf8').split('\n');
  truncateSync(file, lines.slice(0, 4).join('\n').length + 1);
  rmSync(join(dir, 'progress', 'tiny-blip-double', 'captioning.complete.json'));
  await runDouble({ suites: [suite], out: dir, resume: true });
  assert.equal(outputs(dir), reference);
});

test('another batch size gives the same tokens', async () => {
  assert.equal(outputs((await runDouble({ suites: [sampledSuite(5)] })).dir), reference);
});

test('real tiny models: the sampled captions of two shards equal the unsharded run', async () => {
  const file = join(tempDir('sampled-tiny'), 'tiny.suite.json');
  const bundled = join(process.cwd(), 'datasets/bundled');
  const sampling = { numBeams: 1, doSample: true, topK: 20, temperature: 1.5 };
  writeFileSync(file, JSON.stringify({
    name: 'sampled-tiny', data: { b: bundled }, models: ['tiny-blip', 'tiny-blip2-t5'], seed: 3,
    tasks: [{ kind: 'captioning', id: 'cap', limit: 6, batchSize: 4, generation: sampling, dataset: { loader: 'karpathy-caption', files: { annotations: '${data.b}/captions/synth_karpathy_default.json' }, mediaRoot: '${data.b}' } }],
  }));
  const options = { suites: [file], loadModel, registeredModels: bundledModels() };
  const captions = (root: string, model: string) => Object.fromEntries(readJsonl<PredictionRecord>(new RunDirectory(root).predictions(model, 'cap')).records.map((r) => [r.sampleId, r.kind === 'captioning' ? r.caption : r.kind]));
  const whole = (await runDouble(options)).dir;
  const shards = [(await runDouble({ ...options, shard: { index: 0, count: 2 } })).dir, (await runDouble({ ...options, shard: { index: 1, count: 2 } })).dir];
  const merged = join(tempDir('sampled-tiny-merge'), 'merged');
  mergeRuns(shards, merged);
  for (const model of ['tiny-blip', 'tiny-blip2-t5']) assert.equal(captions(merged, model), captions(whole, model), model);
});

test.run();
