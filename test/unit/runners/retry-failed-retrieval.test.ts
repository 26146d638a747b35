/**
 * `--resume --retry-failed` on retrieval: a rank depends on the whole gallery, so a task whose
 * gallery lost an image is run again whole once the image is back (every query, both
 * directions); its predictions, timings and scores then equal those of a run that had the
 * image from the start, where keeping the ranks computed against the smaller gallery inflated
 * recall and said 0 failed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { predictionKey, type BatchProgressRecord, type PredictionRecord, type ScoresFile } from '../../../reports/records.js';
import type { RunEvent } from '../../../runners/run/events.js';
import { readJsonl } from '../../../runners/run/jsonl.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { FIXTURE_SUITE } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const MODEL = 'tiny-albef-double';

/** The task's predictions by sample, less what differs between two runs of the same computation. */
function predictions(dir: string): Record<string, unknown> {
  const { records } = readJsonl<PredictionRecord>(new RunDirectory(dir).predictions(MODEL, 'retrieval'));
  return Object.fromEntries(records.map((r) => [predictionKey(r), { ...r, latencyMs: 0 }]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

function scores(dir: string): unknown {
  const run = new RunDirectory(dir);
  return run.readJson<ScoresFile>(run.scores).results.map((r) => ({ model: r.model, task: r.task, metrics: r.metrics, counts: r.counts }));
}

test('a retrieval task with failed records is run again whole: predictions and scores equal a clean run', async () => {
  const data = join(tempDir('retry-ret'), 'data');
  cpSync(join(dirname(FIXTURE_SUITE), 'data'), data, { recursive: true });
  const selection = { models: ['double-albef'], tasks: ['retrieval'], data: { d: data } };
  const clean = await runDouble(selection);
  const image = join(data, 'images', 'img03.png');
  renameSync(image, `${image}.away`);
  const out = join(tempDir('retry-ret'), 'run');
  await runDouble({ ...selection, out });
  const failedBefore = Object.values(predictions(out)).filter((r) => (r as { kind: string }).kind === 'failed').length;
  assert.ok(failedBefore > Object.values(predictions(clean.dir)).filter((r) => (r as { kind: string }).kind === 'failed').length, 'img03 missing fails its queries');
  assert.not.equal(scores(out), scores(clean.dir));
  renameSync(`${image}.away`, image);
  const events: RunEvent[] = [];
  await runDouble({ ...selection, out, resume: true, retryFailed: true, emit: (e) => events.push(e) });
  const retrying = events.find((e) => e.type === 'retrying');
  assert.ok(retrying?.type === 'retrying' && retrying.wholeTask === true, 'the event says the whole task runs again');
  assert.equal(predictions(out), predictions(clean.dir));
  assert.equal(scores(out), scores(clean.dir));
  // Every query ranked again in this session, none from the smaller gallery's.
  const run = new RunDirectory(out);
  const sessions = new Set(readJsonl<BatchProgressRecord>(run.progress(MODEL, 'retrieval')).records.map((r) => r.session));
  assert.equal([...sessions], [2], 'timings of the first session (the smaller gallery) are gone');
  assert.ok(existsSync(run.samples(MODEL, 'retrieval')));
});

test.run();
