/**
 * A resume that writes into a finished run first removes what was computed from the old
 * predictions (scores.json, timings.json, samples/): a session stopped halfway leaves a run that
 * gate, report and diff take for unfinished, not the old results over changed predictions. A
 * resume refused by its checks writes nothing and removes nothing; one that finishes writes them
 * again. Each resumed session is recorded in the manifest (`resumes`), with its suite files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunManifest } from '../../../reports/records.js';
import { rejectedMessage } from '../helpers/thrown.js';
import { ResumeMismatchError } from '../../../runners/run/manifest.js';
import { RunDirectory } from '../../../runners/run/run-dir.js';
import { FIXTURE_SUITE } from './helpers/double-model.js';
import { runDouble, tempDir } from './helpers/run-double.js';

const SMALL = { models: ['double-blip'], tasks: ['captioning'] };
const MODEL = 'tiny-blip-double';

test('a resume stopped halfway leaves no scores.json, timings.json or samples; finishing it writes them again', async () => {
  const out = join(tempDir('resume-results'), 'run');
  await runDouble({ ...SMALL, out });
  const run = new RunDirectory(out);
  const [scores, timings] = [readFileSync(run.scores, 'utf8'), readFileSync(run.timings, 'utf8')];
  // Refused (another limit): nothing written, nothing removed.
  await rejectedMessage(runDouble({ ...SMALL, out, resume: true, limit: 3 }), ResumeMismatchError);
  assert.ok(existsSync(run.scores) && existsSync(run.timings) && existsSync(run.samples(MODEL, 'captioning')));
  // Stopped once it began writing (the corrupt fixture image's failed record was taken out).
  const controller = new AbortController();
  const stopped = await runDouble({ ...SMALL, out, resume: true, retryFailed: true, signal: controller.signal, emit: (e) => e.type === 'retrying' && controller.abort() });
  assert.ok(stopped.interrupted);
  assert.not.ok(existsSync(run.scores), 'scores.json of the previous session survived a resume left unfinished');
  assert.not.ok(existsSync(run.timings));
  assert.not.ok(existsSync(run.samples(MODEL, 'captioning')));
  await runDouble({ ...SMALL, out, resume: true });
  assert.is(readFileSync(run.scores, 'utf8'), scores);
  assert.ok(existsSync(run.samples(MODEL, 'captioning')));
  assert.equal(JSON.parse(readFileSync(run.timings, 'utf8')).results.length, JSON.parse(timings).results.length);
});

test('the manifest records each resumed session: its vlbench version and suite files', async () => {
  const out = join(tempDir('resume-provenance'), 'run');
  const data = { d: join(dirname(FIXTURE_SUITE), 'data') };
  await runDouble({ ...SMALL, out, data });
  const run = new RunDirectory(out);
  const first = run.readJson<RunManifest>(run.manifest);
  assert.is(first.resumes, undefined);
  // A copy at another path that differs in its description alone runs the same: accepted.
  const copy = join(tempDir('resume-provenance'), 'copy.suite.json');
  writeFileSync(copy, JSON.stringify({ ...JSON.parse(readFileSync(FIXTURE_SUITE, 'utf8')), description: 'edited' }, null, 2));
  await runDouble({ ...SMALL, out, data, suites: [copy], resume: true });
  await runDouble({ ...SMALL, out, data, resume: true });
  const after = run.readJson<RunManifest>(run.manifest);
  assert.equal(after.suites, first.suites, 'the fields of the first session stay');
  assert.is(after.vlbench.version, first.vlbench.version);
  assert.equal(after.resumes?.map((r) => [r.session, r.suites.map((s) => s.file), r.vlbench.version]), [
    [2, [copy], first.vlbench.version],
    [3, [FIXTURE_SUITE], first.vlbench.version],
  ]);
  assert.is.not(after.resumes?.[0]?.suites[0]?.sha256, first.suites[0]?.sha256);
  assert.is(after.resumes?.[1]?.suites[0]?.sha256, first.suites[0]?.sha256);
});

test.run();
