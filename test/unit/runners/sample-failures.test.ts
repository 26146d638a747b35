/**
 * One sample the model cannot take costs that sample only: the rest of its batch is scored, the
 * failure is recorded with the model's reason, and a task where every sample failed makes
 * `vlbench run` exit 1 with its run directory (and scores) still written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FailedPrediction, PredictionRecord, ScoresFile } from '../../../reports/records.js';
import { createRunCommand } from '../../../runners/commands/run.js';
import { EXIT } from '../../../runners/exit-codes.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { preparationFailure } from '../../../runners/tasks/sample-loop.js';
import { ImageDecodeError } from '../../../models/preprocess/image-decode.js';
import { doubleModels, FIXTURE_SUITE, loadDouble, withRefusal } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

function quietly<T>(fn: () => Promise<T>, captured: string[] = []): Promise<T> {
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((chunk: string) => captured.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => captured.push(String(chunk)) > 0) as typeof process.stderr.write;
  return fn().finally(() => {
    process.stdout.write = out;
    process.stderr.write = err;
  });
}

test('a sample the model refuses fails alone; the rest of its batch is scored', async () => {
  const result = await withRefusal('img02.png', () => runDouble({ models: ['double-blip'] }));
  const dir = new RunDirectory(result.dir);
  const records = readJsonl<PredictionRecord | FailedPrediction>(dir.predictions('tiny-blip-double', 'captioning')).records;
  const failed = records.filter((r): r is FailedPrediction => r.kind === 'failed');
  assert.is(failed.length, 2);
  const refused = failed.find((r) => r.sampleId !== 'corrupt')!;
  assert.match(refused.reason, /^the model failed on this sample: the double refuses .*img02\.png$/);
  assert.match(refused.location, /img02\.png$/);
  // img01 and img03 shared img02's batch (batchSize 3, file order) and are scored.
  const scored = records.filter((r): r is PredictionRecord => r.kind !== 'failed').map((r) => JSON.stringify(r));
  assert.ok(scored.some((r) => r.includes('img01.png')) && scored.some((r) => r.includes('img03.png')));
  const scores = dir.readJson<ScoresFile>(dir.scores).results.find((r) => r.model === 'tiny-blip-double' && r.task === 'captioning')!;
  assert.equal(scores.counts, { requested: 13, scored: 11, failed: 2 });
});

/** The fixture suite cut down to one task (the fixture's corrupt image would stop --fail-fast first). */
function oneTaskSuite(taskId: string): string {
  const suite = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as { data: Record<string, string>; tasks: { id: string }[]; gates?: unknown };
  suite.data = { d: join(dirname(FIXTURE_SUITE), 'data') };
  suite.tasks = suite.tasks.filter((t) => t.id === taskId);
  delete suite.gates;
  const file = join(tempDir('onetask'), 'one.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

test('--fail-fast stops at a refused sample, naming the task and the sample', async () => {
  try {
    await withRefusal('/3.png', () => runDouble({ suites: [oneTaskSuite('vqa')], models: ['double-blip2'], failFast: true }));
    assert.unreachable('should stop');
  } catch (error) {
    assert.match((error as Error).message, /^vqa, sample \S+: the model failed on this sample: the double refuses .*\/3\.png$/);
  }
});

test('a task where every sample failed exits 1, with scores and predictions written', async () => {
  const out = join(tempDir('allfail'), 'run');
  const run = createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels });
  const code = await withRefusal('/images/', () => quietly(() => run.run([FIXTURE_SUITE, '--models', 'double-blip', '--out', out])));
  assert.is(code, EXIT.harnessError);
  const dir = new RunDirectory(out);
  const captioning = dir.readJson<ScoresFile>(dir.scores).results.find((r) => r.task === 'captioning')!;
  assert.equal(captioning.counts, { requested: 13, scored: 0, failed: 13 });
  // Retrieval embeds the same images (not refused) and is scored in the same run.
  assert.ok(dir.readJson<ScoresFile>(dir.scores).results.find((r) => r.task === 'retrieval')!.counts.scored > 0);
});

test('a shard that gets none of a small task\'s samples says so and is not a failure', async () => {
  const root = tempDir('empty-shard');
  const suite = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as { data: Record<string, string>; tasks: { id: string; dataset: { files: Record<string, string> } }[]; gates?: unknown };
  suite.data.d = join(dirname(FIXTURE_SUITE), 'data');
  suite.tasks = suite.tasks.filter((t) => t.id === 'captioning');
  const captions = JSON.parse(readFileSync(join(suite.data.d, 'captions.json'), 'utf8')) as unknown[];
  writeFileSync(join(root, 'one.json'), JSON.stringify(captions.slice(0, 1)));
  suite.tasks[0]!.dataset.files.annotations = join(root, 'one.json');
  delete suite.gates;
  writeFileSync(join(root, 'one.suite.json'), JSON.stringify(suite));
  const run = createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels });
  const lines: string[] = [];
  const code = await quietly(() => run.run([join(root, 'one.suite.json'), '--models', 'double-blip', '--out', join(root, 'shard'), '--shard', '1/2']), lines);
  assert.is(code, EXIT.ok);
  assert.ok(lines.some((l) => l.includes("tiny-blip-double / captioning: this shard got none of the task's samples")), lines.join(''));
});

test('a multiple-choice record without choices is a failed sample, not the end of the run', async () => {
  const root = tempDir('nochoices');
  mkdirSync(join(root, 'images'));
  const fixtureImages = new URL('../../fixtures/runs-runner/data/images/', import.meta.url).pathname;
  const records = [
    { id: 'ok', image: join(fixtureImages, 'img01.png'), question: 'Which colour?', choices: ['red', 'blue'], answer_index: 0 },
    { id: 'empty', image: join(fixtureImages, 'img02.png'), question: 'Which colour?', choices: [], answer_index: 0 },
  ];
  writeFileSync(join(root, 'mc.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const suite = {
    name: 'no-choices', models: ['double-instructblip'],
    tasks: [{ kind: 'instruction', id: 'mc', mode: 'multiple-choice', template: '{question}', dataset: { loader: 'jsonl', files: { records: 'mc.jsonl' }, mediaRoot: '/' } }],
  };
  writeFileSync(join(root, 'mc.suite.json'), JSON.stringify(suite));
  const result = await runDouble({ suites: [join(root, 'mc.suite.json')] });
  const dir = new RunDirectory(result.dir);
  const failed = readJsonl<FailedPrediction>(dir.predictions('tiny-instructblip-double', 'mc')).records.filter((r) => r.kind === 'failed');
  assert.equal(failed.map((r) => r.sampleId), ['empty']);
  assert.match(failed[0]!.reason, /has no choices; a multiple-choice task needs them/);
  assert.match(failed[0]!.location, /mc\.jsonl:2$/);
  assert.ok(existsSync(dir.scores));
});

test('retrieval: a missing image fails with its caption queries, so the text->image counts stay whole', async () => {
  const data = join(dirname(FIXTURE_SUITE), 'data');
  const captions = JSON.parse(readFileSync(join(data, 'captions.json'), 'utf8')) as { image: string; caption: string[] }[];
  const root = tempDir('missing-image');
  writeFileSync(join(root, 'captions.json'), JSON.stringify([...captions, { image: 'gone.png', caption: ['a red square', 'a square'] }]));
  const suite = JSON.parse(readFileSync(oneTaskSuite('retrieval'), 'utf8')) as { tasks: { dataset: { files: Record<string, string>; mediaRoot: string } }[] };
  suite.tasks[0]!.dataset.files.annotations = join(root, 'captions.json');
  suite.tasks[0]!.dataset.mediaRoot = join(data, 'images');
  writeFileSync(join(root, 'suite.suite.json'), JSON.stringify(suite));
  const result = await runDouble({ suites: [join(root, 'suite.suite.json')], models: ['double-blip'] });
  const dir = new RunDirectory(result.dir);
  const counts = dir.readJson<ScoresFile>(dir.scores).results.find((r) => r.task === 'retrieval')!.counts;
  // The fixture's 52 queries (its corrupt image and 3 captions failing) plus gone.png and its 2 captions, all failed.
  assert.equal(counts, { requested: 55, scored: 48, failed: 7 });
  const failed = readJsonl<FailedPrediction>(dir.predictions('tiny-blip-double', 'retrieval')).records.filter((r) => r.kind === 'failed' && r.location.endsWith('gone.png'));
  assert.is(failed.length, 3);
});

test('a preparation failure names the media path once, whether or not the error already does', () => {
  const decoder = new ImageDecodeError('/data/a.png', 'cannot decode PNG data (bad CRC); the file is corrupt or truncated');
  assert.is(preparationFailure('/data/a.png', decoder), 'cannot prepare /data/a.png: cannot decode PNG data (bad CRC); the file is corrupt or truncated');
  assert.is(preparationFailure('/data/a.wav', new Error('16 kHz expected')), 'cannot prepare /data/a.wav: 16 kHz expected');
});

test('a test split (no references) with one unreadable image is not "every sample failed": exit 0', async () => {
  const root = tempDir('testsplit');
  const images = join(dirname(FIXTURE_SUITE), 'data/images');
  // The official COCO layout of a test split: images listed, no annotations.
  writeFileSync(join(root, 'test.json'), JSON.stringify({ images: [
    { id: 1, file_name: 'img01.png' }, { id: 2, file_name: 'img02.png' }, { id: 3, file_name: 'corrupt.png' },
  ], annotations: [] }));
  const suite = join(root, 'test.suite.json');
  writeFileSync(suite, JSON.stringify({ name: 'test-split', models: ['double-blip'], tasks: [{ kind: 'captioning', id: 'cap', metrics: ['CIDEr'], dataset: { loader: 'coco-captions', files: { annotations: join(root, 'test.json') }, mediaRoot: images } }] }));
  const out = join(root, 'run');
  const printed: string[] = [];
  const code = await quietly(() => createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels }).run([suite, '--out', out]), printed);
  const counts = new RunDirectory(out).readJson<ScoresFile>(new RunDirectory(out).scores).results[0]!.counts;
  assert.equal(counts, { requested: 3, scored: 0, failed: 1, unannotated: 2 });
  assert.is(code, EXIT.ok, printed.join(''));
  assert.not.match(printed.join(''), /every sample failed/);
});

test.run();
