import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { buildReportData } from '../../../reports/report-model.js';
import { readRun, type LoadedRun } from '../../../reports/run-reader.js';

const runs = fileURLToPath(new URL('../../fixtures/runs/', import.meta.url));
const baseline = readRun(`${runs}baseline`);
/** The baseline as if copied to `dir`, with `vlbench run`'s generated id unless `runId` is given. */
const at = (dir: string, runId = '0b6f3d52-8c1e-4c5a-9a77-2f1c0e6d1a11'): LoadedRun => ({ ...baseline, dir, manifest: { ...baseline.manifest, runId } });
const labels = (list: readonly LoadedRun[]): string[] => buildReportData(list).runs.map((r) => r.label);

test('two runs in folders of the same name are labelled by as much of their paths as tells them apart', () => {
  assert.equal(labels([at('/tmp/work/A/run'), at('/tmp/work/B/run')]), ['A/run', 'B/run']);
  assert.equal(labels([at('/x/a/b/run'), at('/x/c/b/run')]), ['a/b/run', 'c/b/run']);
  // Distinct names stay as they are.
  assert.equal(labels([at('/tmp/work/base'), at('/tmp/work/base10')]), ['base', 'base10']);
});

test('a run id chosen twice keeps the id and adds the path', () => {
  assert.equal(labels([at('/tmp/A/run', 'nightly'), at('/tmp/B/run', 'nightly')]), ['nightly (A/run)', 'nightly (B/run)']);
  assert.equal(labels([at('/tmp/A/one', 'nightly'), at('/tmp/A/two', 'nightly')]), ['nightly (one)', 'nightly (two)']);
});

test('only one path twice (a library caller) falls back to numbering, and model labels follow', () => {
  const data = buildReportData([at('/tmp/run'), at('/tmp/run')]);
  assert.equal(data.runs.map((r) => r.label), ['run#1', 'run#2']);
  assert.ok(data.models.some((m) => m.label === 'blip-tiny (run#2)'));
});

test.run();
