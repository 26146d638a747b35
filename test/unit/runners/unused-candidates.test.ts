/**
 * Candidate counts are never silently different from the record, and ranking settings are never
 * silently unused:
 * - `answerList` / `numCandidates` on a VQA task no model of the suite ranks with is an error at
 *   their pointers, in validate and before a run; a run whose `--models` leaves the ranking
 *   models out, or a ready-to-fill suite filled with a generating model, is fine.
 * - numCandidates above the answer list's length is capped as LAVIS caps it
 *   (`min(num_ans_candidates, len(answer_list))`), and the record says so.
 * - kTest: LAVIS's top-k fails on a gallery smaller than k_test. A limit smaller than kTest caps
 *   it (recorded: `--limit 5` on the default suite's kTest 12 runs), both written in the suite is
 *   an error, and a split smaller than kTest stops the task at /tasks/N/kTest.
 * - Retrieval sends the matching head and the text encoder `batchSize` rows per call.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RetrievalCapability } from '../../../models/capabilities.js';
import { bundledModels, type LoadOptions } from '../../../models/load.js';
import type { RunManifest } from '../../../reports/records.js';
import { checkBeforeLoading, planFromManifests, planManifests } from '../../../runners/commands/validate-suites.js';
import { datasetProblems, plannedScope } from '../../../runners/run/datasets-ahead.js';
import { PlanError, planModelFromManifest, planTasks } from '../../../runners/run/plan.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { loadSuite } from '../../../suites/load.js';
import { SuiteError } from '../../../suites/messages.js';
import { FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bundled = join(process.cwd(), 'datasets/bundled');
const dir = tempDir('candidates');
const vqa: Json = {
  kind: 'vqa', id: 'vqa', answerList: join(bundled, 'vqa/answer_list.json'), numCandidates: 3,
  dataset: { loader: 'vqav2', files: { questions: join(bundled, 'vqa/v2_OpenEnded_synth_default_questions.json'), annotations: join(bundled, 'vqa/v2_synth_default_annotations.json') }, mediaRoot: bundled, options: { imageTemplate: 'images/synth_test_{image_id:012}.png' } },
};
const retrieval: Json = {
  kind: 'retrieval', id: 'ret', kTest: 12,
  dataset: { loader: 'karpathy-retrieval', files: { annotations: join(bundled, 'captions/synth_karpathy_default.json') }, mediaRoot: bundled },
};

function write(suite: Json, name = 'case'): string {
  const file = join(dir, `${name}.suite.json`);
  writeFileSync(file, JSON.stringify({ name: 'case', ...suite }));
  return file;
}

function problems(suite: Json, only: string[] | null = null): string[] {
  const loaded = loadSuite(write(suite), { models: bundledModels() });
  const selection = only === null ? { only: null } : { only, registered: bundledModels() };
  return planFromManifests([loaded], { ...selection, manifestProblems: true }).map((p) => `${p.pointer}: ${p.message}`);
}

function plannedRecord(suite: Json, model: string, limit: number | null = null): Json {
  const loaded = loadSuite(write(suite), { models: bundledModels() });
  const planned = planTasks([loaded], [planModelFromManifest(model, bundledModels().get(model)!)], { limit });
  assert.equal(planned.problems, []);
  const pair = planned.tasks[0]!.perModel.get(model)!;
  assert.ok(pair.applicable);
  return { record: pair.record, settings: pair.settings };
}

const NO_RANKER = "no model of this task ranks answers (tiny-blip2-opt generates)";
const FIX = "; remove it, or add a model that ranks answers (its model.json lists the 'vqa-rank' capability, as ALBEF's and BLIP's do) to the suite's models or the task's models";

test('answerList and numCandidates where no model of the task ranks: errors at their pointers, naming who generates', () => {
  assert.equal(problems({ models: ['tiny-blip2-opt'], tasks: [vqa] }), [
    `/tasks/0/answerList: ${NO_RANKER}, so the answer list would not be read${FIX}`,
    `/tasks/0/numCandidates: ${NO_RANKER}, so numCandidates would do nothing${FIX}`,
  ]);
  // Restricting the shared task to the generating model is the same mistake.
  assert.equal(problems({ models: ['tiny-blip', 'tiny-blip2-opt'], tasks: [{ ...vqa, models: ['tiny-blip2-opt'] }] }).length, 2);
  const { numCandidates: _, answerList: __, ...bare } = vqa;
  assert.equal(problems({ models: ['tiny-blip2-opt'], tasks: [bare] }), []);
});

test('the check judges the suite, not a narrowed run: --models dropping the rankers, or a ${data.model} suite, is fine', () => {
  const shared = { models: ['tiny-blip', 'tiny-blip2-opt'], tasks: [vqa] };
  assert.equal(problems(shared), []);
  assert.equal(problems(shared, ['tiny-blip2-opt']), [], '--models tiny-blip2-opt');
  const readyToFill = write({ data: { model: null }, models: ['${data.model}'], tasks: [vqa] }, 'fill');
  const loaded = loadSuite(readyToFill, { models: bundledModels(), data: { model: bundledModels().get('tiny-blip2-opt')! } });
  assert.equal(planFromManifests([loaded], { only: null, manifestProblems: true }), []);
});

test('vlbench run refuses the unused answer list before any model loads', () => {
  const file = write({ models: ['tiny-blip2-opt'], tasks: [vqa] });
  try {
    checkBeforeLoading([file], { data: {}, registered: bundledModels(), only: null });
    assert.unreachable('should refuse');
  } catch (error) {
    assert.instance(error, PlanError);
    assert.equal((error as SuiteError).problems.map((p) => p.pointer), ['/tasks/0/answerList', '/tasks/0/numCandidates']);
  }
});

test('numCandidates above the answer list is capped as LAVIS caps it, and the record says what ran', () => {
  const { numCandidates: _, ...familyDefault } = vqa;
  const { record, settings } = plannedRecord({ models: ['tiny-blip'], tasks: [familyDefault] }, 'tiny-blip');
  assert.is(settings.numCandidates, 30, 'the bundled answer list has 30 answers');
  assert.equal(record.numCandidates, { value: 30, source: 'suite' });
  assert.equal(record.numCandidatesRequested, { value: 128, source: 'family-default' });
  const within = plannedRecord({ models: ['tiny-blip'], tasks: [vqa] }, 'tiny-blip').record;
  assert.equal([within.numCandidates, within.numCandidatesRequested], [{ value: 3, source: 'suite' }, undefined]);
});

test('kTest above a limit: capped and recorded under --limit (or a family default), an error when the suite writes both', () => {
  const capped = plannedRecord({ models: ['tiny-blip'], tasks: [retrieval] }, 'tiny-blip', 5);
  assert.is(capped.settings.kTest, 5);
  assert.equal(capped.record.kTest, { value: 5, source: 'cli' });
  assert.equal(capped.record.kTestRequested, { value: 12, source: 'suite' });
  const { kTest: _, ...familyDefault } = retrieval;
  const family = plannedRecord({ models: ['tiny-blip'], tasks: [{ ...familyDefault, limit: 20 }] }, 'tiny-blip').record;
  assert.equal([family.kTest, family.kTestRequested], [{ value: 20, source: 'suite' }, { value: 256, source: 'family-default' }]);
  try {
    // Without the data (--no-files) against 'limit'; with it, the data check judges the gallery (datasets-ahead.test.ts).
    loadSuite(write({ models: ['tiny-blip'], tasks: [{ ...retrieval, kTest: 5000, limit: 10 }] }), { models: bundledModels(), checkFiles: false });
    assert.unreachable('should refuse');
  } catch (error) {
    assert.instance(error, SuiteError);
    assert.equal((error as SuiteError).problems.map((p) => `${p.pointer}: ${p.message}`), [
      "/tasks/0/kTest: kTest 5000 is more than the 10 images 'limit' keeps in the gallery, and LAVIS re-ranks at most the whole gallery (text-to-image queries rank its images); lower kTest to 10 or less, or raise limit",
    ]);
  }
});

/** The runner fixture's retrieval task alone, edited. */
function retrievalSuite(edit: (task: Json) => void): string {
  const suite = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as Json;
  suite.data = { d: join(dirname(FIXTURE_SUITE), 'data') };
  suite.tasks = suite.tasks.filter((t: Json) => t.id === 'retrieval');
  edit(suite.tasks[0]);
  delete suite.gates;
  const file = join(tempDir('ktest'), 'retrieval.suite.json');
  writeFileSync(file, JSON.stringify(suite));
  return file;
}

test('a run under --limit smaller than kTest re-ranks the whole shrunk gallery and records the applied kTest', async () => {
  const result = await runDouble({ suites: [retrievalSuite(() => {})], models: ['double-blip'], limit: 3 });
  const run = new RunDirectory(result.dir);
  const settings = run.readJson<RunManifest>(run.manifest).tasks[0]!.perModel['tiny-blip-double'] as { settings: Json };
  assert.equal(settings.settings.kTest, { value: 3, source: 'cli' });
  assert.equal(settings.settings.kTestRequested, { value: 5, source: 'suite' });
  assert.ok(result.scores?.results.some((r) => r.task === 'retrieval' && Object.keys(r.metrics).length > 0));
});

async function runProblem(edit: (task: Json) => void): Promise<string> {
  try {
    await runDouble({ suites: [retrievalSuite(edit)], models: ['double-blip'] });
  } catch (error) {
    assert.instance(error, PlanError);
    return (error as SuiteError).problems.map((p) => `${p.pointer}: ${p.message}`).join('\n');
  }
  return assert.unreachable('should stop') as never;
}

test('a split smaller than kTest stops the run at /tasks/0/kTest: the suite\'s kTest with the data read ahead, a family default before the gallery is embedded', async () => {
  const why = 'LAVIS re-ranks the top k_test of the gallery and fails when it holds fewer, so set kTest to 13 or less';
  assert.is(await runProblem((t) => { t.kTest = 50; }), `/tasks/0/kTest: task retrieval: kTest 50 is more than the 13 images of the gallery; ${why}`);
  // The double's model.json-like defaults say kTest 128.
  assert.is(await runProblem((t) => { delete t.kTest; }), `/tasks/0/kTest: tiny-blip-double: kTest 128, the family default in tiny-blip-double's model.json, is more than the 13 images of the gallery; ${why}`);
});

test('validate finds a family-default kTest the gallery cannot hold, naming each model, from the data it reads', async () => {
  // The bundled default split has 100 images: tiny-albef's model.json says kTest 256, so does
  // tiny-blip's; tiny-blip2-opt's 128. A suite kTest, or a limit that caps it, keeps them quiet.
  const suites = [
    loadSuite(write({ models: ['tiny-albef', 'tiny-blip'], tasks: [{ ...retrieval, kTest: undefined }] }), { models: bundledModels() }),
  ];
  const planned = planManifests(suites, { only: null, manifestProblems: true, checkFiles: true });
  const problems = await datasetProblems(suites, plannedScope(planned.tasks));
  assert.equal(problems.map((p) => p.pointer), ['/tasks/0/kTest']);
  assert.match(problems[0]!.message, /^task ret: tiny-albef: kTest 256 \(its model.json\); tiny-blip: kTest 256 \(its model.json\) is more than the 100 images of the gallery; .*set kTest to 100 or less in the task/);
  const capped = [loadSuite(write({ models: ['tiny-albef'], tasks: [{ ...retrieval, kTest: undefined, limit: 50 }] }, 'capped'), { models: bundledModels() })];
  assert.equal(await datasetProblems(capped, plannedScope(planManifests(capped, { only: null, manifestProblems: true }).tasks)), []);
});

test('retrieval: the text encoder and the matching head get batchSize rows per call', async () => {
  const calls: Record<string, number[]> = { embedImages: [], embedTexts: [], matchScores: [] };
  const loadModel = async (path: string, options: LoadOptions) => {
    const loaded = await loadDouble(path, options);
    const inner = loaded.adapter.retrieval!;
    const retrieval: RetrievalCapability = {
      similarities: (images, texts) => inner.similarities(images, texts),
      embedImages: (images, ctx) => (calls.embedImages!.push(images.length), inner.embedImages(images, ctx)),
      embedTexts: (texts, ctx) => (calls.embedTexts!.push(texts.length), inner.embedTexts(texts, ctx)),
      matchScores: (pairs, ctx) => (calls.matchScores!.push(pairs.length), inner.matchScores(pairs, ctx)),
    };
    return { ...loaded, adapter: { ...loaded.adapter, retrieval } };
  };
  await runDouble({ suites: [retrievalSuite(() => {})], models: ['double-blip'], loadModel });
  for (const [capability, sizes] of Object.entries(calls)) {
    assert.ok(sizes.length > 0 && sizes.every((n) => n <= 4), `${capability}: calls of at most batchSize 4 rows, got ${sizes.join(', ')}`);
    assert.ok(sizes.includes(4), `${capability}: full batches of 4, got ${sizes.join(', ')}`);
  }
});

test.run();
