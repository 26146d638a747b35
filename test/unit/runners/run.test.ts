/**
 * The runner end to end on the fixture suite with deterministic test-double models: which pairs
 * run and which are not applicable, a corrupt image recorded as a failure (or stopping the run
 * with --fail-fast), settings provenance in the manifest, and retrieval ranks checked against a
 * direct dense computation of LAVIS's protocol.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FailedPrediction, PredictionRecord, RunManifest, ScoresFile, TimingsFile } from '../../../reports/records.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { SampleFailedError } from '../../../runners/tasks/context.js';
import { UsageError } from '../../../runners/errors.js';
import { FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

let result: Awaited<ReturnType<typeof runDouble>>;
let dir: RunDirectory;
let scores: ScoresFile;
let manifest: RunManifest;

test.before(async () => {
  result = await runDouble();
  dir = new RunDirectory(result.dir);
  scores = dir.readJson<ScoresFile>(dir.scores);
  manifest = dir.readJson<RunManifest>(dir.manifest);
});
const find = (model: string, task: string) => scores.results.find((r) => r.model === model && r.task === task);

test('unsupported pairs are recorded as not applicable with the reason, not run', () => {
  const na = scores.notApplicable.map((n) => `${n.model}/${n.task}: ${n.reason}`);
  assert.ok(na.includes('tiny-albef-double/captioning: tiny-albef-double (albef) has no caption decoder'));
  assert.ok(na.includes('tiny-instructblip-double/retrieval: tiny-instructblip-double (instructblip) has no image-text retrieval (contrastive + matching heads)'));
  assert.ok(na.includes("tiny-blip2-double/vqa-rank: tiny-blip2-double (blip2) cannot rank answers (LAVIS never ranks with blip2); use method 'generate'"));
  assert.is(find('tiny-albef-double', 'captioning'), undefined);
  assert.is(na.length, 7);
  assert.is(scores.results.length, 13);
});

test('a corrupt image is recorded as a failed sample with its reason and counted', () => {
  const caption = find('tiny-blip-double', 'captioning');
  assert.equal(caption?.counts, { requested: 13, scored: 12, failed: 1 });
  const failed = readJsonl<FailedPrediction>(dir.predictions('tiny-blip-double', 'captioning')).records.filter((r) => r.kind === 'failed');
  assert.is(failed.length, 1);
  assert.is(failed[0]!.sampleId, 'corrupt');
  assert.match(failed[0]!.reason, /^cannot prepare .*corrupt\.png: /);
  // Retrieval: the image's i2t query and its three captions' t2i queries fail with it.
  assert.equal(find('tiny-blip-double', 'retrieval')?.counts, { requested: 52, scored: 48, failed: 4 });
});

test('VQA accuracy follows from the annotations: 7 of 10 humans say the colour the double answers', () => {
  // min(1, matches/3) over the 10 leave-one-out subsets is 1 for every question: 100.
  assert.equal(find('tiny-blip2-double', 'vqa')?.metrics, { vqa_accuracy: 100, exact_match: 100 });
  assert.equal(find('tiny-albef-double', 'vqa-rank')?.breakdowns.perAnswerType, { other: 100 });
});

test('generated predictions record their token ids (the double numbers each word 1, 2, ...); ranked answers record none', () => {
  const captions = readJsonl<PredictionRecord>(dir.predictions('tiny-blip-double', 'captioning')).records.filter((r) => r.kind === 'captioning');
  assert.ok(captions.length > 0);
  for (const r of captions) {
    if (r.kind !== 'captioning') continue;
    assert.equal(r.tokenIds, r.caption.split(' ').map((_, i) => i + 1), r.sampleId);
    assert.is(r.generatedTokens, r.tokenIds!.length);
  }
  const generated = readJsonl<PredictionRecord>(dir.predictions('tiny-blip2-double', 'vqa')).records[0]!;
  assert.ok(generated.kind === 'vqa' && generated.tokenIds !== undefined && generated.tokenIds.length === generated.generatedTokens);
  const ranked = readJsonl<PredictionRecord>(dir.predictions('tiny-albef-double', 'vqa-rank')).records[0]!;
  assert.ok(ranked.kind === 'vqa' && ranked.tokenIds === undefined && ranked.generatedTokens === 0);
});

test('settings carry their provenance: suite, family default, default', () => {
  const captioning = manifest.tasks.find((t) => t.id === 'captioning')!.perModel['tiny-blip-double'];
  assert.ok(captioning?.applicable);
  assert.equal(captioning.settings['generation.numBeams'], { value: 3, source: 'suite' });
  assert.equal(captioning.settings['generation.topK'], { value: 50, source: 'default' });
  assert.equal(captioning.settings.limit, { value: null, source: 'default' });
  const vqa = manifest.tasks.find((t) => t.id === 'vqa')!.perModel;
  assert.ok(vqa['tiny-blip2-double']?.applicable && vqa['tiny-albef-double']?.applicable);
  assert.equal(vqa['tiny-blip2-double'].settings.template, { value: 'Question: {} Short answer:', source: 'family-default' });
  assert.equal(vqa['tiny-blip2-double'].settings.method, { value: 'generate', source: 'family-default' });
  assert.equal(vqa['tiny-albef-double'].settings.method, { value: 'rank', source: 'family-default' });
  assert.equal(vqa['tiny-blip2-double'].settings['generation.lengthPenalty'], { value: -1, source: 'family-default' });
});

test('the manifest describes the run: suite hash, models, dataset digests, environment, gates', () => {
  assert.is(manifest.suites[0]!.sha256.length, 64);
  assert.equal(manifest.models.map((m) => m.id), ['tiny-albef-double', 'tiny-blip-double', 'tiny-blip2-double', 'tiny-instructblip-double']);
  const files = manifest.tasks.find((t) => t.id === 'vqa')!.dataset.files;
  assert.equal(files.map((f) => f.path.split('/').at(-1)), ['questions.json', 'annotations.json', 'answer_list.json']);
  assert.ok(files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256)));
  assert.match(manifest.environment.onnxruntime, /^\d+\.\d+\.\d+/);
  assert.equal(manifest.seeds, { 'runner-fixture': 7 });
  assert.equal(manifest.gates, [{ kind: 'floor', metric: 'CIDEr', min: 0.5, task: 'captioning' }]);
});

test('timings exist for every scored pair, warm-up excluded', () => {
  const timings = dir.readJson<TimingsFile>(dir.timings);
  assert.is(timings.results.length, scores.results.length);
  const caption = timings.results.find((t) => t.model === 'tiny-blip-double' && t.task === 'captioning')!;
  // 12 readable images in batches of 3 (the corrupt one fails in the second): the first batch is warm-up.
  assert.is(caption.warmupSamples, 3);
  assert.is(caption.samples, 9);
  assert.is(caption.latencySamplesMs.length, 9);
  assert.is(caption.provider, 'cpu');
  assert.ok(caption.samplesPerSecond > 0 && caption.latencyMs.p95 >= caption.latencyMs.p50);
});

test('instruction prompts: LAVIS blip_question on the question, options written (a) x (b) y', () => {
  const [first] = readJsonl<PredictionRecord>(dir.predictions('tiny-instructblip-double', 'choice')).records;
  assert.ok(first?.kind === 'instruction');
  // pre_question lowercases and deletes . ! " ( ) * # : ; ~ but keeps '?'.
  assert.is(first.prompt, 'Question: which colour is shown? Options: (a) red (b) yellow (c) green. Answer:');
  assert.equal([first.chosenIndex, first.answerIndex, first.answer], [0, 0, 'red']);
});

test('decoding several batches at once changes nothing in the results', async () => {
  const concurrent = new RunDirectory((await runDouble({ decodeConcurrency: 3, prepareConcurrency: 1 })).dir);
  assert.equal(concurrent.readJson<ScoresFile>(concurrent.scores), scores);
  const order = (d: RunDirectory) => readJsonl<PredictionRecord>(d.predictions('tiny-blip-double', 'captioning')).records.map((r) => r.sampleId);
  assert.equal(order(concurrent), order(dir));
});

test('--fail-fast stops at the corrupt image instead of recording it', async () => {
  try {
    await runDouble({ failFast: true, models: ['double-blip'] });
    assert.unreachable('should stop');
  } catch (error) {
    assert.instance(error, SampleFailedError);
    assert.match((error as Error).message, /corrupt\.png/);
  }
});

test('an unknown --models name stops before any model loads', async () => {
  let loads = 0;
  try {
    await runDouble({ models: ['double-bilp'], loadModel: async () => { loads += 1; throw new Error('loaded'); } });
    assert.unreachable('should stop');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, /'double-bilp' is not a model of the suites \(did you mean 'double-blip'\?\)/);
  }
  assert.is(loads, 0);
});

test('a ${data.NAME} model is named by what it resolved to in --models and its error, not by the placeholder', async () => {
  const fixture = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as { tasks: { id: string }[] };
  const suite = join(tempDir('data-model'), 'data-model.suite.json');
  writeFileSync(suite, JSON.stringify({
    ...fixture, data: { d: join(dirname(FIXTURE_SUITE), 'data'), model: null }, models: ['${data.model}'], gates: undefined,
    tasks: fixture.tasks.filter((t) => t.id === 'captioning'),
  }));
  let loads = 0;
  const counting: typeof loadDouble = (path, options) => ((loads += 1), loadDouble(path, options));
  try {
    await runDouble({ suites: [suite], data: { model: 'double-blip' }, models: ['double-albef'], loadModel: counting });
    assert.unreachable('should stop');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, "--models: 'double-albef' is not a model of the suites (did you mean 'double-blip'?); models: double-blip (${data.model})");
  }
  assert.is(loads, 0);
  const run = await runDouble({ suites: [suite], data: { model: 'double-blip' }, models: ['double-blip'], limit: 2, loadModel: counting });
  assert.is(loads, 1);
  const selected = new RunDirectory(run.dir).readJson<ScoresFile>(new RunDirectory(run.dir).scores);
  assert.equal(selected.results.map((r) => `${r.model}/${r.task}`), ['tiny-blip-double/captioning']);
});

test('the run directory refuses to be overwritten without --resume', async () => {
  try {
    await runDouble({ out: result.dir });
    assert.unreachable('should refuse');
  } catch (error) {
    assert.match((error as Error).message, /already exists and is not empty: pass --resume/);
  }
  assert.ok(readFileSync(join(result.dir, 'scores.json'), 'utf8').length > 0);
});

test.run();
