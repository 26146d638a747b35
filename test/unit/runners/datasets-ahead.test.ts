/**
 * Data is read before any work: a task whose annotation file its loader cannot read, or whose
 * data selects no samples, stops the run before a model loads (the tasks before it would
 * otherwise run and the run then end on it), and `vlbench validate` reports the same problem.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { validateCommand } from '../../../runners/commands/validate.js';
import { EXIT } from '../../../runners/exit-codes.js';
import { PlanError } from '../../../runners/run/plan.js';
import { FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';
import { bundledModels, loadModel } from '../../../models/load.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The fixture suite with its last task's annotations replaced by `annotations`. */
function suiteWithLastTaskData(annotations: string): { file: string; root: string } {
  const root = tempDir('ahead');
  const suite: Json = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8'));
  suite.data.d = join(dirname(FIXTURE_SUITE), 'data');
  delete suite.gates;
  // Captioning last: the VQA task would run first and its work be stranded.
  suite.tasks = ['vqa', 'captioning'].map((id) => suite.tasks.find((t: Json) => t.id === id));
  const last = suite.tasks[1];
  writeFileSync(join(root, 'captions.json'), annotations);
  last.dataset.files.annotations = join(root, 'captions.json');
  const file = join(root, 'ahead.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return { file, root };
}

async function refusedBeforeLoading(file: string, root: string): Promise<string> {
  let loads = 0;
  const out = join(root, 'run');
  try {
    await runDouble({ suites: [file], out, loadModel: (path, options) => (loads++, loadDouble(path, options)) });
  } catch (error) {
    assert.instance(error, PlanError);
    assert.is(loads, 0, 'no model was loaded');
    assert.not.ok(existsSync(join(out, 'predictions')), 'no task ran');
    return (error as Error).message;
  }
  assert.unreachable('the run started');
  return '';
}

async function validateOutput(file: string): Promise<{ code: number; text: string }> {
  const [out, err] = [process.stdout.write, process.stderr.write];
  let text = '';
  const capture = ((chunk: string) => ((text += String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await validateCommand.run([file]), text };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** The suite with tiny-blip as its model, for validate (which plans with registered models). */
function forValidate(file: string, root: string): string {
  const path = join(root, 'validate.suite.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), models: ['tiny-blip'] }));
  return path;
}

test('an annotation file the loader cannot read stops the run before anything runs, naming task and pointer', async () => {
  const { file, root } = suiteWithLastTaskData('{"not": "a list"}');
  const message = await refusedBeforeLoading(file, root);
  assert.match(message, /\/tasks\/1\/dataset: task captioning: .*captions\.json/);
  const validated = await validateOutput(forValidate(file, root));
  assert.is(validated.code, EXIT.harnessError);
  assert.match(validated.text, /\/tasks\/1\/dataset: task captioning: /, validated.text);
});

test('data that selects no samples stops the run before anything runs', async () => {
  const { file, root } = suiteWithLastTaskData('[]');
  assert.match(await refusedBeforeLoading(file, root), /task captioning: the 'karpathy-caption' loader finds no samples in .*captions\.json/);
});

test('data whose every record fails stops the run and validate, naming the first failure', async () => {
  // A layout the loader reads but cannot use: every entry lacks its image.
  const { file, root } = suiteWithLastTaskData(JSON.stringify([{ image: 'nowhere/a.png', caption: ['a'] }, { image: 'nowhere/b.png', caption: ['b'] }]));
  const expected = /\/tasks\/1\/dataset: task captioning: every one of the 2 records the 'karpathy-caption' loader read fails, so the task would score nothing; the first: image file not found: .*nowhere\/a\.png \(.*captions\.json \/0\)/;
  assert.match(await refusedBeforeLoading(file, root), expected);
  const validated = await validateOutput(forValidate(file, root));
  assert.is(validated.code, EXIT.harnessError);
  assert.match(validated.text, expected, validated.text);
});

test('validate notes the records that will fail in a task that still has samples', async () => {
  const { file, root } = suiteWithLastTaskData(readFileSync(join(dirname(FIXTURE_SUITE), 'data/captions.json'), 'utf8').replace(/\]\s*$/, ', {"image": "nowhere/b.png", "caption": ["b"]}]'));
  const validated = await validateOutput(forValidate(file, root));
  assert.is(validated.code, EXIT.ok, validated.text);
  assert.match(validated.text, /\n {2}note: task captioning: 1 of \d+ records fail and will be recorded as failed samples; the first: image file not found: .*nowhere\/b\.png/);
});

test('the checks count only the records within the task limit', async () => {
  const good = JSON.parse(readFileSync(join(dirname(FIXTURE_SUITE), 'data/captions.json'), 'utf8')) as unknown[];
  const broken = [{ image: 'nowhere/a.png', caption: ['a'] }, { image: 'nowhere/b.png', caption: ['b'] }];
  const withLimit = (annotations: unknown[], limit: number): { file: string; root: string } => {
    const made = suiteWithLastTaskData(JSON.stringify(annotations));
    const suite = JSON.parse(readFileSync(made.file, 'utf8')) as Json;
    suite.tasks[1].limit = limit;
    writeFileSync(made.file, JSON.stringify(suite));
    return made;
  };
  // Every record the task takes fails, though later ones would load: stopped.
  const first = withLimit([...broken, ...good], 2);
  assert.match((await validateOutput(forValidate(first.file, first.root))).text, /task captioning: every one of the 2 records the 'karpathy-caption' loader read fails/);
  // A broken record past the limit is never taken: no note.
  const past = withLimit([...good, ...broken], good.length);
  const validated = await validateOutput(forValidate(past.file, past.root));
  assert.is(validated.code, EXIT.ok, validated.text);
  assert.not.match(validated.text, /note:/);
});

test('a retrieval gallery whose every image is missing stops validate', async () => {
  const { file, root } = suiteWithLastTaskData('[]');
  const suite = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const retrieval = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')).tasks.find((t: Json) => t.id === 'retrieval');
  retrieval.dataset.mediaRoot = join(root, 'no-images');
  mkdirSync(retrieval.dataset.mediaRoot);
  suite.tasks = [retrieval];
  writeFileSync(file, JSON.stringify(suite));
  const validated = await validateOutput(forValidate(file, root));
  assert.is(validated.code, EXIT.harnessError, validated.text);
  assert.match(validated.text, /tasks\/0\/dataset: task retrieval: every one of the \d+ records the 'karpathy-retrieval' loader read fails, so the task would score nothing; the first: image file not found: .*no-images/);
});

test('a suite kTest above both limit and gallery names the kTest that fits the gallery, not the limit', async () => {
  const { file, root } = suiteWithLastTaskData('[]');
  const suite = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const retrieval = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')).tasks.find((t: Json) => t.id === 'retrieval');
  const images = join(dirname(FIXTURE_SUITE), 'data/images');
  writeFileSync(join(root, 'gallery.json'), JSON.stringify([{ image: 'img01.png', caption: ['a'] }, { image: 'img02.png', caption: ['b'] }, { image: 'img03.png', caption: ['c'] }]));
  const dataset = { ...retrieval.dataset, files: { annotations: join(root, 'gallery.json') }, mediaRoot: images };
  const fix = 'LAVIS re-ranks the top k_test of the gallery and fails when it holds fewer, so set kTest to';
  suite.tasks = [{ ...retrieval, kTest: 200, limit: 150, dataset }];
  writeFileSync(file, JSON.stringify(suite));
  const gallery = await validateOutput(forValidate(file, root));
  assert.is(gallery.code, EXIT.harnessError, gallery.text);
  assert.match(gallery.text, `/tasks/0/kTest: task retrieval: kTest 200 is more than the 3 images of the gallery (the split holds fewer than the 150 'limit' would keep); ${fix} 3 or less\n`);
  suite.tasks = [{ ...retrieval, kTest: 200, limit: 2, dataset }];
  writeFileSync(file, JSON.stringify(suite));
  const limited = await validateOutput(forValidate(file, root));
  assert.match(limited.text, `/tasks/0/kTest: task retrieval: kTest 200 is more than the 2 images 'limit' keeps in the gallery; ${fix} 2 or less, or raise limit\n`);
});

test('a task no selected model can run is not read before the run: image models skip missing audio', async () => {
  const root = tempDir('ahead-audio');
  const suite = JSON.parse(readFileSync(join(process.cwd(), 'suites/default.suite.json'), 'utf8')) as Json;
  suite.data = { bundled: join(process.cwd(), 'datasets/bundled') };
  suite.tasks = suite.tasks.filter((t: Json) => t.id === 'synth-caption' || t.id === 'synth-audiocaps');
  delete suite.gates;
  const empty = join(root, 'no-audio');
  mkdirSync(empty);
  suite.tasks.find((t: Json) => t.id === 'synth-audiocaps').dataset.mediaRoot = empty;
  const file = join(root, 'mixed.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  const result = await runDouble({ suites: [file], models: ['tiny-blip'], limit: 2, loadModel, registeredModels: bundledModels(), out: join(root, 'run') });
  assert.is(result.scores!.results.length, 1, 'tiny-blip captioned; the audio task was n/a, not a stop');
  // With a model that takes audio the same data stops the run, counting the records --limit takes.
  await runDouble({ suites: [file], models: ['tiny-xinstructblip'], limit: 2, loadModel, registeredModels: bundledModels(), out: join(root, 'run-x') }).then(
    () => assert.unreachable('ran a task whose every record fails'),
    (error: Error) => assert.match(error.message, /task synth-audiocaps: every one of the 2 records the 'audiocaps' loader read fails/),
  );
});

test('kTest is judged against the split\'s records, missing images included, as the retrieval task judges it', async () => {
  const { file, root } = suiteWithLastTaskData('[]');
  const suite = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const retrieval = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')).tasks.find((t: Json) => t.id === 'retrieval');
  const images = join(dirname(FIXTURE_SUITE), 'data/images');
  const annotations = [{ image: 'img01.png', caption: ['a'] }, { image: 'img02.png', caption: ['b'] }, { image: 'missing.png', caption: ['c'] }];
  writeFileSync(join(root, 'gallery.json'), JSON.stringify(annotations));
  suite.tasks = [{ ...retrieval, kTest: 3, dataset: { ...retrieval.dataset, files: { annotations: join(root, 'gallery.json') }, mediaRoot: images } }];
  writeFileSync(file, JSON.stringify(suite));
  const validated = await validateOutput(forValidate(file, root));
  assert.is(validated.code, EXIT.ok, validated.text);
  assert.match(validated.text, /note: task retrieval: 1 of 3 records fail .* image file not found: .*missing\.png/);
});

/** An instruction suite over records.jsonl in a temp folder with the fixture images, for `models`. */
function instructionSuite(records: readonly Json[], models: readonly string[], task: Json = { mode: 'open', template: '{question}' }): string {
  const root = tempDir('ahead-images');
  const images = join(dirname(FIXTURE_SUITE), 'data/images');
  writeFileSync(join(root, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const suite = {
    name: 'one-image', models,
    tasks: [{ kind: 'instruction', id: 'open', ...task,
      dataset: { loader: 'jsonl', files: { records: join(root, 'records.jsonl') }, mediaRoot: images, options: { kind: 'instruction' } } }],
  };
  const file = join(root, 'one-image.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

test('validate notes instruction records that BLIP-2 / InstructBLIP cannot take (not exactly one image), naming model and record', async () => {
  const records = [
    { id: 'q1', image: 'img01.png', question: 'what colour is it?', answers: ['red'] },
    { id: 'q2', image: ['img01.png', 'img02.png'], question: 'which one is larger?', answers: ['left'] },
    { id: 'q3', image: ['img02.png'], question: 'how many shapes?', answers: ['2'] },
  ];
  const one = await validateOutput(instructionSuite(records, ['tiny-instructblip-opt', 'tiny-instructblip-t5']));
  assert.is(one.code, EXIT.ok, one.text);
  assert.match(one.text, /note: task open: 1 of the 3 records the task takes does not give exactly one image \(the first: 'q2' with image \+ image, .*records\.jsonl line 2\); tiny-instructblip-opt, tiny-instructblip-t5 take exactly one image per instruction/);
  // X-InstructBLIP takes several inputs; records of one image each draw no note either.
  const x = await validateOutput(instructionSuite(records, ['tiny-xinstructblip']));
  assert.not.match(x.text, /exactly one image/, x.text);
  const single = await validateOutput(instructionSuite([records[0]!, records[2]!], ['tiny-instructblip-opt']));
  assert.not.match(single.text, /exactly one image/, single.text);
});

test('validate refuses what the instruction task would refuse at run time: no choices for multiple choice, no question for a template that writes it', async () => {
  const records = [
    { id: 'a', image: 'img01.png', question: 'what colour?', answers: ['red'] },
    { id: 'b', image: 'img02.png', question: 'what shape?', answers: ['circle'] },
  ];
  const choice = await validateOutput(instructionSuite(records, ['tiny-instructblip-t5'], { mode: 'multiple-choice', template: '{question}' }));
  assert.is(choice.code, EXIT.harnessError, choice.text);
  assert.match(choice.text, /every one of the 2 records the 'jsonl' loader read fails, so the task would score nothing; the first: sample a has no choices; a multiple-choice task needs them/);
  const noQuestion = [{ id: 'c', image: 'img01.png', answers: ['red'] }, records[0]!];
  const scienceqa = await validateOutput(instructionSuite(noQuestion, ['tiny-instructblip-t5'], { mode: 'open', template: 'Question: {question} Short answer:' }));
  assert.is(scienceqa.code, EXIT.ok, scienceqa.text);
  assert.match(scienceqa.text, /note: task open: 1 of 2 records fail .*sample c has no question, but the template 'Question: \{question\} Short answer:' writes it/);
});

test.run();
