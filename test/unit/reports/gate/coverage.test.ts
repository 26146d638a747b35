import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGate } from '../../../../reports/gate/run-gate.js';
import { gateJUnit, gateMarkdown } from '../../../../reports/gate/outputs.js';
import type { GateReport } from '../../../../reports/gate/evaluate.js';
import { runWithFailures } from './failing-run.js';

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const dir = tempDir(join(tmpdir(), 'vlbench-gate-coverage-'));
const FAST = { replicates: 200 };

const gatesFile = join(dir, 'gates.json');
writeFileSync(gatesFile, JSON.stringify({
  gates: [
    { kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 5 },
    { kind: 'floor', metric: 'vqa_accuracy', task: 'shapes-vqa', min: 0 },
    { kind: 'max-latency-increase', statistic: 'p95', maxIncreasePercent: 500 },
  ],
}));

// Half of blip-tiny's VQA questions failed (unreadable images); the 45 that worked are unchanged.
const halfFailed = runWithFailures(`${runs}baseline`, join(dir, 'half'), 'blip-tiny', 'shapes-vqa', 45);
const report = runGate(halfFailed, { baseline: `${runs}baseline`, gatesFile, ...FAST });

const failing = (r: GateReport): string[] => r.verdicts.filter((v) => v.status === 'fail').map((v) => `${v.kind} ${v.model} ${v.task}`).sort();
const find = (r: GateReport, kind: string, model: string, task: string) => r.verdicts.find((v) => v.kind === kind && v.model === model && v.task === task)!;

test('failed samples fail every check of their pair, and only of their pair', () => {
  assert.is(report.passed, false);
  assert.equal(failing(report), ['floor blip-tiny shapes-vqa', 'max-drop blip-tiny shapes-vqa', 'max-latency-increase blip-tiny shapes-vqa']);
});

test('a comparison fails with the reason although the paired numbers are unchanged', () => {
  const drop = find(report, 'max-drop', 'blip-tiny', 'shapes-vqa');
  assert.is(drop.reason, '45 of 90 samples failed in this run, 0 in the baseline');
  // The samples both runs scored are identical: by the numbers alone this check would pass.
  // The columns show each run's own recorded score (this fixture keeps the corpus metric as it
  // was), and the paired interval moves to the notes.
  assert.is(drop.difference, 0);
  assert.is(drop.interval, null);
  assert.ok(drop.notes.includes('interval over the 45 samples both runs scored: [0, 0]'), drop.notes.join(' | '));
  assert.is(drop.n, 45);
});

test('a floor fails a pair with failed samples, whatever its value', () => {
  const floor = find(report, 'floor', 'blip-tiny', 'shapes-vqa');
  assert.ok(floor.current! >= 0, 'the value is above the floor');
  assert.match(floor.reason!, /^45 of 90 samples failed in this run; floors and ceilings need every requested sample scored$/);
  assert.is(find(report, 'floor', 'albef-tiny', 'shapes-vqa').status, 'pass');
});

test('the reason is in the Markdown summary and in the JUnit failure', () => {
  assert.match(gateMarkdown(report), /\| blip-tiny \| shapes-vqa \| vqa_accuracy \|.*\| \*\*FAIL\*\*: 45 of 90 samples failed in this run, 0 in the baseline \|/);
  assert.match(gateJUnit(report), /<failure message="45 of 90 samples failed in this run, 0 in the baseline">/);
});

test('failures the baseline shares do not fail a comparison; floors still fail', () => {
  const shared = runGate(halfFailed, { baseline: halfFailed, gatesFile, ...FAST });
  assert.equal(failing(shared), ['floor blip-tiny shapes-vqa']);
  assert.is(find(shared, 'max-drop', 'blip-tiny', 'shapes-vqa').reason, null);
});

test('failures the baseline shares that leave nothing scored fail the comparison with that reason', () => {
  const allFailed = runWithFailures(`${runs}baseline`, join(dir, 'all-shared'), 'blip-tiny', 'shapes-vqa', 90, { dropMetrics: true });
  const r = runGate(allFailed, { baseline: allFailed, gatesFile, ...FAST });
  const drop = find(r, 'max-drop', 'blip-tiny', 'shapes-vqa');
  assert.is(drop.status, 'fail');
  assert.is(drop.reason, '90 of 90 samples failed in this run; nothing was scored, so there is nothing to compare');
});

test('a pair whose every sample failed (no metric value left) is still gated, and fails', () => {
  const allFailed = runWithFailures(`${runs}baseline`, join(dir, 'all'), 'blip-tiny', 'shapes-vqa', 90, { dropMetrics: true });
  const r = runGate(allFailed, { baseline: `${runs}baseline`, gatesFile, ...FAST });
  const drop = find(r, 'max-drop', 'blip-tiny', 'shapes-vqa');
  assert.is(drop.status, 'fail');
  assert.is(drop.current, null);
  assert.is(drop.reason, '90 of 90 samples failed in this run, 0 in the baseline');
  assert.is(find(r, 'floor', 'blip-tiny', 'shapes-vqa').status, 'fail');
});

/** The fixture run with one pair as the runner writes a task whose data selected no samples. */
function runWithoutSamples(dest: string, model: string, task: string): string {
  cpSync(`${runs}baseline`, dest, { recursive: true });
  for (const folder of ['predictions', 'samples']) writeFileSync(join(dest, folder, model, `${task}.jsonl`), '');
  const scoresFile = join(dest, 'scores.json');
  const scores = JSON.parse(readFileSync(scoresFile, 'utf8')) as { results: { model: string; task: string; metrics: object; breakdowns?: object; counts: object }[] };
  Object.assign(scores.results.find((r) => r.model === model && r.task === task)!, { metrics: {}, breakdowns: {}, counts: { requested: 0, scored: 0, failed: 0 } });
  writeFileSync(scoresFile, JSON.stringify(scores, null, 1));
  return dest;
}

test('a task that selected no samples in this run fails its gates instead of being skipped', () => {
  const r = runGate(runWithoutSamples(join(dir, 'empty'), 'blip-tiny', 'shapes-vqa'), { baseline: `${runs}baseline`, gatesFile, ...FAST });
  assert.is(r.passed, false);
  for (const kind of ['max-drop', 'floor']) {
    const v = find(r, kind, 'blip-tiny', 'shapes-vqa');
    assert.is(v?.status, 'fail', `${kind} verdict`);
    assert.match(v.reason!, /^the task had no samples in this run \(its data or filter selects none\)/);
  }
  assert.is(find(r, 'max-drop', 'albef-tiny', 'shapes-vqa').status, 'pass');
});

test('samples without reference answers (unannotated) are not failures', () => {
  const run = runWithFailures(`${runs}baseline`, join(dir, 'unannotated'), 'blip-tiny', 'shapes-vqa', 0);
  const scoresFile = join(run, 'scores.json');
  const scores = JSON.parse(readFileSync(scoresFile, 'utf8'));
  const result = scores.results.find((x: { model: string; task: string }) => x.model === 'blip-tiny' && x.task === 'shapes-vqa');
  result.counts = { requested: 90, scored: 80, failed: 0, unannotated: 10 };
  writeFileSync(scoresFile, JSON.stringify(scores));
  assert.equal(failing(runGate(run, { baseline: `${runs}baseline`, gatesFile, ...FAST })), []);
});

test.run();
