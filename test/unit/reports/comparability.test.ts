import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { sampleSetWarnings } from '../../../reports/comparability.js';
import { buildReportData } from '../../../reports/report-model.js';
import type { RunManifest, ScoresFile } from '../../../reports/records.js';
import { readRun, type LoadedRun } from '../../../reports/run-reader.js';

const runs = fileURLToPath(new URL('../../fixtures/runs/', import.meta.url));
const baseline = readRun(`${runs}baseline`);
const regression = readRun(`${runs}regression`);

const warnings = (list: readonly LoadedRun[]): string[] => sampleSetWarnings(list, buildReportData(list).runs);

/** The run with `task` requested over `requested` samples (a smaller --limit). */
function limited(run: LoadedRun, task: string, requested: number): LoadedRun {
  const scores = run.scores as ScoresFile;
  return { ...run, scores: { ...scores, results: scores.results.map((r) => (r.task === task ? { ...r, counts: { ...r.counts, requested, scored: requested } } : r)) } };
}

/** The run with `task`'s annotation file changed (another digest under the same task id). */
function reannotated(run: LoadedRun, task: string): LoadedRun {
  const manifest = run.manifest as RunManifest;
  const tasks = manifest.tasks.map((t) => (t.id === task ? { ...t, dataset: { ...t.dataset, files: t.dataset.files.map((f) => ({ ...f, sha256: 'f'.repeat(64) })) } } : t));
  return { ...run, manifest: { ...manifest, tasks } };
}

test('runs of the same tasks on the same samples: no warning', () => {
  assert.equal(warnings([baseline, regression]), []);
  assert.equal(warnings([baseline]), []);
});

test('a task requested over different counts (another --limit) is named, with each run\'s count', () => {
  const list = warnings([baseline, limited(regression, 'shapes-vqa', 30)]);
  assert.equal(list, ["task 'shapes-vqa' was not run on the same samples in every run: requested samples differ (main-2026-11-20: 90, pr-regression-2026-11-22: 30); its numbers are not comparable between these runs."]);
});

test('a task whose dataset files changed under the same id is named, with the digests', () => {
  const [warning, ...rest] = warnings([baseline, reannotated(regression, 'shapes-caption')]);
  assert.equal(rest, []);
  assert.match(warning!, /^task 'shapes-caption' was not run on the same samples in every run: dataset files differ \(sha256 main-2026-11-20: [0-9a-f]{12}, pr-regression-2026-11-22: ffffffffffff\); its numbers are not comparable/);
});

test('a file only one run read (the answer list, read when a model ranks) is no difference; the order of files is none either', () => {
  const manifest = baseline.manifest as RunManifest;
  const withExtra = (run: LoadedRun, reverse: boolean): LoadedRun => {
    const m = run.manifest as RunManifest;
    const tasks = m.tasks.map((t) => {
      const files = [...t.dataset.files, { role: 'answerList', path: '/data/answer_list.json', sha256: 'a'.repeat(64) }];
      return { ...t, dataset: { ...t.dataset, files: reverse ? files.reverse() : files } };
    });
    return { ...run, manifest: { ...m, tasks } };
  };
  assert.ok(manifest.tasks.length > 0);
  assert.equal(warnings([baseline, withExtra(regression, false)]), []);
  assert.equal(warnings([withExtra(baseline, true), withExtra(regression, false)]), []);
  // A changed file is still a difference when the other run also read a file this one did not.
  assert.is(warnings([withExtra(baseline, false), reannotated(regression, 'shapes-caption')]).length, 1);
});

test('a shard requests its part by design: its count is not compared (it is marked partial elsewhere)', () => {
  const shard = { ...limited(regression, 'shapes-vqa', 45), manifest: { ...regression.manifest, shard: { index: 0, count: 2 } } };
  assert.equal(warnings([baseline, shard]), []);
  assert.is(warnings([baseline, reannotated(shard, 'shapes-vqa')]).length, 1, 'its dataset still is');
});

test.run();
