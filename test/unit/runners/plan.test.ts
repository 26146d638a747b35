/**
 * Planning on effective settings, from the bundled tiny models' model.json files (as `vlbench
 * validate` plans; the runner plans the same way from the loaded adapters): settings that only
 * conflict once the family defaults apply, decoding settings a ranking model would drop, gates
 * no runnable pair matches, suites of which nothing runs, suites that share task ids. The
 * shipped suites plan without a problem.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledModels } from '../../../models/load.js';
import { checkBeforeLoading, planFromManifests } from '../../../runners/commands/validate-suites.js';
import { PlanError } from '../../../runners/run/plan.js';
import { loadSuite } from '../../../suites/load.js';
import { FIXTURE_SUITE } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TINY = ['tiny-albef', 'tiny-blip', 'tiny-blip2-opt', 'tiny-blip2-t5', 'tiny-instructblip-opt', 'tiny-instructblip-t5', 'tiny-xinstructblip'];
const dir = tempDir('plan');
const dataset = (files: Json, options?: Json): Json => ({ loader: files.questions ? 'vqav2' : 'karpathy-caption', files, mediaRoot: '${data.b}', ...(options ? { options } : {}) });
const base: Json = {
  name: 'plan-case', data: { b: join(process.cwd(), 'datasets/bundled') }, models: TINY,
  tasks: [
    { kind: 'captioning', id: 'cap', dataset: dataset({ annotations: '${data.b}/captions/synth_karpathy_default.json' }) },
    {
      kind: 'vqa', id: 'vqa', answerList: '${data.b}/vqa/answer_list.json',
      dataset: dataset({ questions: '${data.b}/vqa/v2_OpenEnded_synth_default_questions.json', annotations: '${data.b}/vqa/v2_synth_default_annotations.json' }, { imageTemplate: 'images/synth_test_{image_id:012}.png' }),
    },
  ],
};

function write(edit: (suite: Json) => void, name = 'case'): string {
  const suite = structuredClone(base);
  edit(suite);
  const file = join(dir, `${name}.suite.json`);
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

function problemsOf(edit: (suite: Json) => void): string[] {
  const suite = loadSuite(write(edit), { models: bundledModels() });
  return planFromManifests([suite], { only: null, manifestProblems: true }).map((p) => `${p.pointer}: ${p.message}`);
}

const FIVE = 'tiny-blip2-opt, tiny-blip2-t5, tiny-instructblip-opt, tiny-instructblip-t5, tiny-xinstructblip';

test('the base case plans without problems', () => {
  assert.equal(problemsOf(() => {}), []);
});

test('doSample under the family default beams: error naming the effective numBeams and the fix', () => {
  const sampling = 'sampling (doSample, set in the suite) needs numBeams 1, but numBeams is';
  const fix = '(the family default in its model.json); beam sampling is not supported: add "numBeams": 1 to sample, or "doSample": false for beam search';
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { doSample: true }; }), [
    `/tasks/0/generation/doSample: tiny-blip: ${sampling} 3 ${fix}`,
    `/tasks/0/generation/doSample: ${FIVE}: ${sampling} 5 ${fix}`,
  ]);
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { doSample: true, numBeams: 1 }; }), []);
});

test('decoding settings on a VQA task that ALBEF and BLIP answer by ranking', () => {
  assert.equal(problemsOf((s) => { s.tasks[1].generation = { numBeams: 3 }; }), [
    `/tasks/1/generation: tiny-albef, tiny-blip: ranks answers by default (its family's method), so these decoding settings would be unused; set "method": "generate" to decode (a model that can only rank is then not applicable), restrict the task to generating models with "models", or remove 'generation'`,
  ]);
  // Restricted to a generating model, the task keeps no use for its answer list (finding 10).
  assert.equal(problemsOf((s) => { s.tasks[1].generation = { numBeams: 3 }; s.tasks[1].models = ['tiny-blip2-opt']; delete s.tasks[1].answerList; }), []);
});

test('a VQA task without an answer list, for models that rank by default', () => {
  assert.equal(problemsOf((s) => { delete s.tasks[1].answerList; }), [
    `/tasks/1/answerList: tiny-albef, tiny-blip: ranks answers by default (its family's method) and needs 'answerList', the JSON list of candidate answers; add it, or set "method": "generate" (a model that can only rank is then not applicable)`,
  ]);
});

test('sampling-only settings without sampling, beam-only settings without beams', () => {
  const all = `tiny-blip, ${FIVE}`;
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { topK: 5, seed: 1 }; }), [
    `/tasks/0/generation/topK: ${all}: topK only affects sampling, and doSample is false (the family default in its model.json); add "doSample": true and "numBeams": 1, or remove topK`,
    `/tasks/0/generation/seed: ${all}: seed only affects sampling, and doSample is false (the family default in its model.json); add "doSample": true and "numBeams": 1, or remove seed`,
  ]);
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { numBeams: 1, lengthPenalty: 2, earlyStopping: true }; }), [
    `/tasks/0/generation/lengthPenalty: ${all}: lengthPenalty only affects beam search, and numBeams is 1 (set in the suite); set numBeams above 1, or remove lengthPenalty`,
    `/tasks/0/generation/earlyStopping: ${all}: earlyStopping only affects beam search, and numBeams is 1 (set in the suite); set numBeams above 1, or remove earlyStopping`,
  ]);
  // With the families' default beams (3 and 5) both have their effect, as in LAVIS's configs.
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { lengthPenalty: 2, earlyStopping: true }; }), []);
  // Hugging Face's own defaults written out (LAVIS's generate passes temperature=1) change nothing.
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { numBeams: 1, temperature: 1, topK: 50, lengthPenalty: 1, earlyStopping: false }; }), []);
});

test("a task restricted to models that cannot run it is an error; restricted to one that can, fine", () => {
  assert.equal(problemsOf((s) => { s.tasks[0].models = ['tiny-albef']; }), [
    '/tasks/0/models: none of the models this task is restricted to can run it (cap: tiny-albef (albef) has no caption decoder); list a model that can, or remove the task',
  ]);
  assert.equal(problemsOf((s) => { s.tasks[0].models = ['tiny-albef', 'tiny-blip']; }), []);
});

test('minLength beyond the length limit, with the family default on either side', () => {
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { minLength: 40 }; }), [
    '/tasks/0/generation/minLength: tiny-blip: minLength 40 (set in the suite) is greater than maxLength 20 (the family default in its model.json): end-of-sequence would be forbidden to the last token; lower minLength or raise maxLength',
    '/tasks/0/generation/minLength: tiny-blip2-opt, tiny-instructblip-opt, tiny-xinstructblip: minLength 40 (set in the suite) is greater than maxLength 30 (the family default in its model.json): end-of-sequence would be forbidden to the last token; lower minLength or raise maxLength',
    "/tasks/0/generation/minLength: tiny-blip2-t5, tiny-instructblip-t5: minLength 40 (set in the suite) can never be reached: maxNewTokens 30 (the family default in its model.json) allows 30 new tokens, and minLength counts at most one more (a T5 decoder-start token or BLIP's [DEC]; BLIP's caption prompt, whose length the tokenizer gives, is checked when captioning starts); lower minLength to 31 or less, or raise maxNewTokens",
  ]);
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { maxLength: 3 }; }), [
    '/tasks/0/generation/maxLength: tiny-blip: minLength 5 (the family default in its model.json) is greater than maxLength 3 (set in the suite): end-of-sequence would be forbidden to the last token; lower minLength or raise maxLength',
  ]);
  // BLIP's minLength also counts its caption prompt ids, which only the tokenizer knows: not judged.
  assert.equal(problemsOf((s) => { s.tasks[0].generation = { maxNewTokens: 2, minLength: 10 }; }), [
    `/tasks/0/generation/minLength: ${FIVE}: minLength 10 (set in the suite) can never be reached: maxNewTokens 2 (set in the suite) allows 2 new tokens, and minLength counts at most one more (a T5 decoder-start token or BLIP's [DEC]; BLIP's caption prompt, whose length the tokenizer gives, is checked when captioning starts); lower minLength to 3 or less, or raise maxNewTokens`,
  ]);
});

test('a gate on a pair that cannot run, and a suite of which nothing runs', () => {
  assert.equal(problemsOf((s) => { s.models = ['tiny-albef', 'tiny-blip']; s.gates = [{ kind: 'floor', metric: 'CIDEr', model: 'tiny-albef', min: 0.1 }]; }), [
    '/gates/0: this gate matches no (model, task) pair that runs (cap: tiny-albef (albef) has no caption decoder), so `vlbench gate` would fail on it; narrow it to a model and task that run, or remove it',
  ]);
  assert.equal(problemsOf((s) => { s.models = ['tiny-albef', 'tiny-blip']; s.gates = [{ kind: 'floor', metric: 'CIDEr', min: 0.1 }]; }), []);
  assert.equal(problemsOf((s) => { s.models = ['tiny-albef']; s.tasks = [s.tasks[0]]; }), [
    ': nothing in this suite can run on its models (cap: tiny-albef (albef) has no caption decoder); add a model that can run its tasks, or tasks its models can run',
  ]);
});

test('two suites sharing a task id, and one suite file given twice, as one run takes them', () => {
  const a = loadSuite(write(() => {}, 'a'), { models: bundledModels() });
  const b = loadSuite(write((s) => { s.name = 'b'; s.tasks = [s.tasks[0]]; }, 'b'), { models: bundledModels() });
  const problems = planFromManifests([a, b], { only: null, manifestProblems: true });
  assert.equal(problems.map((p) => `${p.file === b.file ? 'b' : 'a'}${p.pointer}: ${p.message}`), [
    `b/tasks/0/id: task id 'cap' is also used by suite 'plan-case' (${a.file}, /tasks/0/id); task ids must be unique across the suites of one run, as results are keyed by them: rename one`,
  ]);
  assert.equal(planFromManifests([a, a], { only: null, manifestProblems: true }).map((p) => p.message), [
    'this suite file is given twice (suite 1 and 2 of the command line); pass it once',
  ]);
});

test('vlbench run stops on them before any model loads; --models leaves other models out of it', () => {
  const file = write((s) => { s.tasks[0].generation = { doSample: true }; });
  const options = { data: {}, registered: bundledModels() };
  assert.throws(() => checkBeforeLoading([file], { ...options, only: null }), (e: Error) => e instanceof PlanError && /numBeams is 3/.test(e.message));
  checkBeforeLoading([file], { ...options, only: ['tiny-albef'] });
});

test('the checks before loading select --models as run does: a ${data.NAME} model also by what it resolved to', () => {
  const file = write((s) => {
    s.data.model = null;
    s.models = ['${data.model}'];
    s.tasks[0].generation = { doSample: true };
  }, 'data-model');
  const options = { data: { model: 'tiny-blip' }, registered: bundledModels() };
  const stops = (e: Error): boolean => e instanceof PlanError && /tiny-blip: sampling .* numBeams is 3/.test(e.message);
  assert.throws(() => checkBeforeLoading([file], { ...options, only: ['tiny-blip'] }), stops);
  assert.throws(() => checkBeforeLoading([file], { ...options, only: ['${data.model}'] }), stops);
  assert.throws(() => checkBeforeLoading([file], { ...options, only: ['tiny-albef'] }), (e: Error) => /--models: 'tiny-albef' is not a model of the suites/.test(e.message));
});

test('two model.json files with one name: an error at the second, naming both paths (results are keyed by the id)', () => {
  const blip = bundledModels().get('tiny-blip')!;
  const copy = join(tempDir('plan-copy'), 'model.json');
  copyFileSync(blip, copy);
  assert.equal(problemsOf((s) => { s.models = ['tiny-blip', copy]; }), [
    `/models/1: model id 'tiny-blip' (the \`name\` in ${copy}) is also the id of ${blip} (/models/0); a run keys results, prediction files and the manifest's perModel by id, so one model would run and be reported for both: give one model.json another \`name\``,
  ]);
});

test('a --models selection that leaves nothing runnable is the "nothing can run" error, before any model loads', () => {
  const file = write((s) => { s.tasks = [s.tasks[0]]; }, 'selection');
  const options = { data: {}, registered: bundledModels() };
  assert.throws(() => checkBeforeLoading([file], { ...options, only: ['tiny-albef'] }), (e: Error) => e instanceof PlanError
    && e.message.endsWith(": (document): nothing selected from this suite can run: the --models/--tasks selection leaves no (model, task) pair that runs (cap: tiny-albef (albef) has no caption decoder); select a model that can run the selected tasks, or tasks the selected models can run"));
  checkBeforeLoading([file], { ...options, only: ['tiny-albef', 'tiny-blip'] });
});

test('a task names a model given by path by its id too; an entry naming none lists both spellings', () => {
  const blip = bundledModels().get('tiny-blip')!;
  assert.equal(problemsOf((s) => { s.models = [blip, 'tiny-albef']; s.tasks = [{ ...s.tasks[0], models: ['tiny-blip'] }]; }), []);
  assert.equal(problemsOf((s) => { s.models = [blip, 'tiny-albef']; s.tasks = [{ ...s.tasks[0], models: [blip] }]; }), []);
  assert.equal(problemsOf((s) => { s.models = [blip, 'tiny-albef']; s.tasks = [{ ...s.tasks[0], models: ['tiny-blpi'] }]; }), [
    `/tasks/0/models/0: model 'tiny-blpi' is not in the suite's models; name one as the suite's models write it, or by its id: '${blip}' (id 'tiny-blip'), 'tiny-albef'`,
  ]);
});

test('a gate naming a model by its path says to write the id, which vlbench gate matches', () => {
  const blip = bundledModels().get('tiny-blip')!;
  assert.equal(problemsOf((s) => { s.models = [blip]; s.gates = [{ kind: 'floor', metric: 'CIDEr', model: blip, min: 0.1 }]; }), [
    `/gates/0/model: gates name a model by its id (the model.json's \`name\`), as results are keyed: write "model": "tiny-blip" for ${blip}`,
  ]);
  assert.equal(problemsOf((s) => { s.models = [blip]; s.gates = [{ kind: 'floor', metric: 'CIDEr', model: 'tiny-blip', min: 0.1 }]; }), []);
});

test('the runner plans the same way: a gate on a pair that cannot run stops it before any sample', async () => {
  const suite: Json = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8'));
  suite.data.d = join(FIXTURE_SUITE, '..', 'data');
  suite.gates = [{ kind: 'floor', metric: 'CIDEr', family: 'albef', min: 0.5 }];
  const file = join(dir, 'runner-gate.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  const out = join(tempDir('plan-run'), 'run');
  try {
    await runDouble({ suites: [file], out });
    assert.unreachable('should stop at plan time');
  } catch (error) {
    assert.instance(error, PlanError);
    assert.is((error as Error).message, `${file}: /gates/0: this gate matches no (model, task) pair that runs (captioning: tiny-albef-double (albef) has no caption decoder), so \`vlbench gate\` would fail on it; narrow it to a model and task that run, or remove it`);
  }
  assert.not.ok(existsSync(join(out, 'predictions')), 'no sample ran');
});

test('the shipped suites plan without problems: the bundled ones as they are, the others with a model they are meant for', () => {
  const registered = bundledModels();
  const meantFor: Record<string, string> = {
    'coco-karpathy': 'tiny-blip', 'flickr30k-retrieval': 'tiny-albef', 'flickr30k-zeroshot': 'tiny-blip2-opt', 'nocaps': 'tiny-blip2-t5', 'vqav2-val': 'tiny-blip',
    'okvqa': 'tiny-blip2-opt', 'gqa': 'tiny-instructblip-t5', 'instructblip-heldout': 'tiny-instructblip-t5', 'xinstructblip': 'tiny-xinstructblip',
  };
  for (const name of readdirSync('suites').filter((f) => f.endsWith('.suite.json'))) {
    const file = join('suites', name);
    const declared = (JSON.parse(readFileSync(file, 'utf8')) as { data?: Record<string, string | null> }).data ?? {};
    const data = Object.fromEntries(Object.entries(declared).filter(([, v]) => v === null).map(([k]) => [k, `/data/${k}`]));
    const model = meantFor[name.replace('.suite.json', '')];
    if (model !== undefined) data.model = registered.get(model)!;
    const suite = loadSuite(file, { models: registered, checkFiles: false, data });
    assert.equal(planFromManifests([suite], { only: null, manifestProblems: true }), [], name);
  }
});

test.run();
