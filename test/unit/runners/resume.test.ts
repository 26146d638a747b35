/**
 * Kill and resume: a run killed with SIGKILL in the middle (as a child process), with a
 * half-written last JSONL line, then resumed with --resume, ends with exactly the scores of an
 * uninterrupted run; predictions written before the kill are kept byte for byte and never
 * computed again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PredictionRecord, ScoresFile } from '../../../reports/records.js';
import { bundledModels, loadModel } from '../../../models/load.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { ResumeMismatchError, theyDiffer } from '../../../runners/run/manifest.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { predictionKey } from '../../../reports/records.js';
import { FIXTURE_SUITE, loadDouble } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function predictionFiles(root: string): string[] {
  const base = join(root, 'predictions');
  if (!existsSync(base)) return [];
  return readdirSync(base).flatMap((model) => readdirSync(join(base, model)).map((f) => join(base, model, f)));
}

function countLines(root: string): number {
  return predictionFiles(root).reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').length - 1, 0);
}

async function killMidway(out: string, log: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/unit/runners/helpers/cli-with-double.ts', 'run', FIXTURE_SUITE, '--out', out], {
    env: { ...process.env, VLBENCH_DOUBLE_DELAY_MS: '10', VLBENCH_DOUBLE_LOG: log }, stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  for (let waited = 0; waited < 60_000; waited += 20) {
    if (countLines(out) >= 60) break;
    await sleep(20);
  }
  child.kill('SIGKILL');
  await exited;
}

test('a run killed with SIGKILL and resumed gives the scores of an uninterrupted run, recomputing nothing', async () => {
  const reference = new RunDirectory((await runDouble()).dir);
  const out = join(tempDir('resume'), 'run');
  await killMidway(out, join(out, '..', 'first.log'));
  const before = new Map(predictionFiles(out).map((f) => [f, readFileSync(f, 'utf8')]));
  const total = countLines(out);
  assert.ok(total >= 60 && total < countLines(reference.root), `killed after ${total} prediction lines`);
  assert.not.ok(existsSync(join(out, 'scores.json')), 'the killed run had not finished');
  // A kill in the middle of a write leaves half a line: resume must cut it off and carry on.
  const [someFile] = [...before.keys()];
  appendFileSync(someFile!, '{"kind":"captioning","sampleId":"img0');

  const secondLog = join(out, '..', 'second.log');
  process.env.VLBENCH_DOUBLE_LOG = secondLog;
  try {
    // The killed CLI run had the default --device auto; a resume must ask for the same.
    await runDouble({ out, resume: true, device: 'auto' });
  } finally {
    delete process.env.VLBENCH_DOUBLE_LOG;
  }
  const resumed = new RunDirectory(out);
  assert.equal(resumed.readJson<ScoresFile>(resumed.scores), reference.readJson<ScoresFile>(reference.scores));
  for (const [file, content] of before) {
    const after = readFileSync(file, 'utf8');
    assert.ok(after.startsWith(content), `${file} kept its earlier lines`);
    const keys = readJsonl<PredictionRecord>(file).records.map(predictionKey);
    assert.is(new Set(keys).size, keys.length, `${file} has no sample twice`);
  }
  // Captions and choice rankings written before the kill were not computed again.
  const again = existsSync(secondLog) ? readFileSync(secondLog, 'utf8').split('\n') : [];
  for (const [file, content] of before) {
    const records = content.split('\n').filter((l) => l.endsWith('}')).map((l) => JSON.parse(l) as PredictionRecord);
    for (const r of records) {
      if (r.kind !== 'captioning' && r.kind !== 'instruction') continue;
      const capability = r.kind === 'captioning' ? 'caption' : 'scoreCandidates';
      assert.not.ok(again.includes(`${r.model} ${capability} ${r.media[0]}`), `${file}: ${r.sampleId} was recomputed`);
    }
  }
});

test('Ctrl-C (an abort) finishes the current batch, writes it, and a resume completes the same scores', async () => {
  const reference = new RunDirectory((await runDouble({ models: ['double-blip'] })).dir);
  const out = join(tempDir('abort'), 'run');
  const controller = new AbortController();
  let progressEvents = 0;
  const stopped = await runDouble({
    models: ['double-blip'], out, signal: controller.signal,
    emit: (event) => {
      if (event.type === 'progress' && event.task === 'captioning' && ++progressEvents === 2) controller.abort();
    },
  });
  assert.ok(stopped.interrupted);
  assert.not.ok(existsSync(join(out, 'scores.json')));
  const written = readJsonl<PredictionRecord>(new RunDirectory(out).predictions('tiny-blip-double', 'captioning')).records;
  // Batches of 3: the batch in flight when the abort came is written too; nothing is half-written.
  assert.ok(written.length >= 6 && written.length < 13, `${written.length} captioning predictions written`);
  await runDouble({ models: ['double-blip'], out, resume: true });
  const resumed = new RunDirectory(out);
  assert.equal(resumed.readJson<ScoresFile>(resumed.scores), reference.readJson<ScoresFile>(reference.scores));
});

test('Ctrl-C while the models load starts no task', async () => {
  const out = join(tempDir('abort-loading'), 'run');
  const controller = new AbortController();
  const stopped = await runDouble({
    models: ['double-blip'], out, signal: controller.signal,
    emit: (event) => {
      if (event.type === 'model-loaded') controller.abort();
    },
  });
  assert.ok(stopped.interrupted);
  assert.not.ok(existsSync(join(out, 'predictions')), 'a task started after the stop');
});

test('Ctrl-C while a retrieval gallery is embedded stops it there; a resume gives the uninterrupted scores', async () => {
  const models = ['double-blip2'];
  const reference = new RunDirectory((await runDouble({ models, tasks: ['retrieval'] })).dir);
  const out = join(tempDir('abort-gallery'), 'run');
  const controller = new AbortController();
  let embedCalls = 0;
  const stopping: typeof loadDouble = async (path, options) => {
    const loaded = await loadDouble(path, options);
    const retrieval = loaded.adapter.retrieval!;
    const embedImages: typeof retrieval.embedImages = (images, clock) => {
      embedCalls++;
      controller.abort();
      return retrieval.embedImages(images, clock);
    };
    return { ...loaded, adapter: { ...loaded.adapter, retrieval: { ...retrieval, embedImages } } };
  };
  const stopped = await runDouble({ models, tasks: ['retrieval'], out, signal: controller.signal, loadModel: stopping });
  assert.ok(stopped.interrupted);
  assert.is(embedCalls, 1, 'the gallery went on being embedded after the stop');
  await runDouble({ models, tasks: ['retrieval'], out, resume: true });
  const resumed = new RunDirectory(out);
  assert.equal(resumed.readJson<ScoresFile>(resumed.scores), reference.readJson<ScoresFile>(reference.scores));
});

test('retrieval stopped in its re-ranking resumes to the uninterrupted scores, no query twice', async () => {
  const models = ['double-blip2'];
  const reference = new RunDirectory((await runDouble({ models })).dir);
  const out = join(tempDir('abort-retrieval'), 'run');
  const controller = new AbortController();
  // Ctrl-C at the second matching-head call: the chunk of queries in progress is given up.
  const aborting: typeof loadDouble = async (path, options) => {
    const loaded = await loadDouble(path, options);
    const retrieval = loaded.adapter.retrieval!;
    let calls = 0;
    const matchScores: typeof retrieval.matchScores = (pairs, ctx) => {
      if (++calls === 2) controller.abort();
      return retrieval.matchScores(pairs, ctx);
    };
    return { ...loaded, adapter: { ...loaded.adapter, retrieval: { ...retrieval, matchScores } } };
  };
  const stopped = await runDouble({ models, out, signal: controller.signal, loadModel: aborting });
  assert.ok(stopped.interrupted);
  const file = new RunDirectory(out).predictions('tiny-blip2-double', 'retrieval');
  assert.is(readJsonl<PredictionRecord>(file).records.filter((r) => r.kind === 'retrieval').length, 0, 'nothing of the chunk in progress is written');
  await runDouble({ models, out, resume: true });
  const keys = readJsonl<PredictionRecord>(file).records.map(predictionKey);
  assert.is(new Set(keys).size, keys.length, 'no query answered twice');
  const resumed = new RunDirectory(out);
  assert.equal(resumed.readJson<ScoresFile>(resumed.scores), reference.readJson<ScoresFile>(reference.scores));
});

test('re-ranking sends the candidate pairs to the matching head in image order', async () => {
  const seen: string[][] = [];
  const recording: typeof loadDouble = async (path, options) => {
    const loaded = await loadDouble(path, options);
    const retrieval = loaded.adapter.retrieval!;
    const matchScores: typeof retrieval.matchScores = (pairs, ctx) => {
      seen.push(pairs.map((p) => p.image.path));
      return retrieval.matchScores(pairs, ctx);
    };
    return { ...loaded, adapter: { ...loaded.adapter, retrieval: { ...retrieval, matchScores } } };
  };
  await runDouble({ models: ['double-blip2'], tasks: ['retrieval'], loadModel: recording });
  const paths = seen.flat();
  // Each image's pairs are consecutive: once the next image starts, an image never comes back.
  const firstRun = new Map<string, number>();
  paths.forEach((path, i) => {
    if (!firstRun.has(path)) firstRun.set(path, i);
    else assert.ok(paths[i - 1] === path, `${path} comes back at pair ${i} after other images`);
  });
  assert.ok(firstRun.size > 1);
});

test('resume: a changed setting is refused naming it; a changed description or gate list is not a change', async () => {
  const original = JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')) as { data: Record<string, string>; description: string; tasks: { id: string; generation?: Record<string, unknown> }[]; gates?: unknown[] };
  original.data = { d: join(dirname(FIXTURE_SUITE), 'data') };
  const dir = tempDir('resume-change');
  const suite = join(dir, 'suite.suite.json');
  writeFileSync(suite, JSON.stringify(original));
  const out = join(dir, 'run');
  await runDouble({ suites: [suite], models: ['double-blip'], out });
  const gates = [{ kind: 'floor', metric: 'CIDEr', task: 'captioning', min: 0.1 }];
  writeFileSync(suite, JSON.stringify({ ...original, description: 'reworded', gates }));
  await runDouble({ suites: [suite], models: ['double-blip'], out, resume: true });
  // The edited gates are what `vlbench gate` will read from the resumed run.
  assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).gates, gates);
  const changed = { ...original, tasks: original.tasks.map((t) => (t.id === 'captioning' ? { ...t, generation: { ...t.generation, numBeams: 5 } } : t)) };
  writeFileSync(suite, JSON.stringify(changed));
  await runDouble({ suites: [suite], models: ['double-blip'], out, resume: true }).then(
    () => assert.unreachable('a changed setting was resumed'),
    (error: Error) => assert.match(error.message, /cannot resume: the suites and settings differ from the run being resumed \(task captioning, model tiny-blip-double: generation\.numBeams 3 -> 5\)/),
  );
  // Tasks only reordered: named as such, not as changed tasks, data and settings.
  writeFileSync(suite, JSON.stringify({ ...original, tasks: [...original.tasks].reverse() }));
  const ids = original.tasks.map((t) => t.id);
  await runDouble({ suites: [suite], models: ['double-blip'], out, resume: true }).then(
    () => assert.unreachable('reordered tasks were resumed'),
    (error: Error) => assert.ok(error.message.endsWith(`cannot resume: the suites list the run's tasks in another order (${ids.join(', ')} -> ${[...ids].reverse().join(', ')}); put them back in the order the run started with, or start a new run with a different --out`), error.message),
  );
});

test('resume: a changed --limit or model.json is refused before any model loads', async () => {
  const dir = tempDir('resume-early');
  const suite = join(dir, 'tiny.suite.json');
  const bundled = join(process.cwd(), 'datasets/bundled');
  const blip = join(dir, 'blip', 'model.json');
  cpSync(join(process.cwd(), 'models/tiny/tiny-blip'), dirname(blip), { recursive: true });
  writeFileSync(suite, JSON.stringify({
    name: 'early', data: { b: bundled }, models: [blip],
    tasks: [{ kind: 'vqa', id: 'vqa', dataset: { loader: 'vqav2', files: { questions: '${data.b}/vqa/v2_OpenEnded_synth_default_questions.json', annotations: '${data.b}/vqa/v2_synth_default_annotations.json' }, mediaRoot: '${data.b}', options: { imageTemplate: 'images/synth_test_{image_id:012}.png' } }, answerList: '${data.b}/vqa/answer_list.json' }],
  }));
  const out = join(dir, 'run');
  const loads: string[] = [];
  const counting: typeof loadModel = (path, options) => {
    loads.push(path);
    return loadModel(path, options);
  };
  const options = { suites: [suite], loadModel: counting, registeredModels: bundledModels(), models: null, limit: 3, out };
  await runDouble(options);
  // The same experiment passes the check made from the model.json files.
  await runDouble({ ...options, resume: true });
  assert.is(loads.length, 2);
  const refused = (error: Error, cause: RegExp): void => {
    assert.instance(error, ResumeMismatchError);
    assert.match(error.message, cause);
    assert.is(loads.length, 2, 'no model was loaded for the refused resume');
  };
  await runDouble({ ...options, limit: 4, resume: true }).then(() => assert.unreachable('a changed --limit was resumed'), (e: Error) => refused(e, /cannot resume: the limit differs from the run being resumed/));
  const manifest = JSON.parse(readFileSync(blip, 'utf8')) as { generation?: Record<string, unknown> };
  writeFileSync(blip, JSON.stringify({ ...manifest }, null, 1));
  await runDouble({ ...options, resume: true }).then(() => assert.unreachable('a changed model.json was resumed'), (e: Error) => refused(e, /model tiny-blip: its model\.json changed/));
});

test('the refusal reads as English for one and for several differing parts', () => {
  assert.is(theyDiffer(['limit']), 'the limit differs');
  assert.is(theyDiffer(['shard']), 'the shard differs');
  assert.is(theyDiffer(['settings']), 'the settings differ');
  assert.is(theyDiffer(['suites', 'settings']), 'the suites and settings differ');
  assert.is(theyDiffer(['models', 'datasets', 'limit']), 'the models, datasets and limit differ');
});

test.run();
