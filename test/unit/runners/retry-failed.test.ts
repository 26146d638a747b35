/**
 * `--resume --retry-failed` runs again the samples an earlier run recorded as failed (the model
 * refused them then; media came back), keeping every prediction that worked byte for byte; the
 * scores then equal those of a run in which nothing failed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScoresFile } from '../../../reports/records.js';
import { createRunCommand } from '../../../runners/commands/run.js';
import { UsageError } from '../../../runners/errors.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { doubleModels, FIXTURE_SUITE, loadDouble, withRefusal } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const counts = (dir: string, task: string) => new RunDirectory(dir).readJson<ScoresFile>(new RunDirectory(dir).scores).results.find((r) => r.task === task)!.counts;

test('failed samples are run again, the rest kept; the scores equal a run where nothing failed', async () => {
  const models = ['double-blip'];
  const clean = await withRefusal('no-such-file', () => runDouble({ models }));
  const out = join(tempDir('retry'), 'run');
  await withRefusal('img02.png', () => runDouble({ models, out }));
  assert.is(counts(out, 'captioning').failed, 2, 'img02 refused and the corrupt fixture image');
  const file = new RunDirectory(out).predictions('tiny-blip-double', 'captioning');
  const kept = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.includes('"kind":"failed"'));
  await runDouble({ models, out, resume: true });
  assert.is(counts(out, 'captioning').failed, 2, 'a plain resume leaves failures alone');
  await runDouble({ models, out, resume: true, retryFailed: true });
  const after = readFileSync(file, 'utf8');
  for (const line of kept) assert.ok(after.includes(line), 'a prediction that worked was rewritten');
  // The corrupt fixture image still fails; img02 now works, as in the clean run.
  assert.equal(counts(out, 'captioning'), counts(clean.dir, 'captioning'));
  const scores = (dir: string) => new RunDirectory(dir).readJson<ScoresFile>(new RunDirectory(dir).scores).results.map((r) => [r.model, r.task, r.metrics]);
  assert.equal(scores(out), scores(clean.dir));
});

test('--retry-failed without --resume is a usage error', async () => {
  const run = createRunCommand({ loadModel: loadDouble, registeredModels: doubleModels });
  try {
    await run.run([FIXTURE_SUITE, '--retry-failed']);
    assert.unreachable('accepted');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.match((error as Error).message, 'use it with --resume --out DIR');
  }
});

test.run();
