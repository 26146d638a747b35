/**
 * A gated pair the baseline has and the run lacks (a model or task dropped, renamed or no longer
 * applicable) fails its baseline-relative checks: it must not pass for want of anything to compare.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGate } from '../../../../reports/gate/run-gate.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));

/** The baseline fixture run without one (model, task) pair in its scores and timings. */
function runWithout(dest: string, model: string, task: string): string {
  cpSync(`${runs}baseline`, dest, { recursive: true });
  for (const name of ['scores.json', 'timings.json']) {
    const file = join(dest, name);
    const data = JSON.parse(readFileSync(file, 'utf8')) as { results: { model: string; task: string }[] };
    data.results = data.results.filter((r) => !(r.model === model && r.task === task));
    writeFileSync(file, JSON.stringify(data));
  }
  return dest;
}

test('max-drop and latency gates fail a pair that only the baseline has, naming why', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-dropped-'));
  const gatesFile = join(dir, 'gates.json');
  writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 5 }, { kind: 'max-latency-increase', statistic: 'p95', maxIncreasePercent: 500 }] }));
  const current = runWithout(join(dir, 'pr'), 'blip-tiny', 'shapes-vqa');
  const report = runGate(current, { baseline: `${runs}baseline`, gatesFile, replicates: 200 });
  assert.is(report.passed, false);
  const failed = report.verdicts.filter((v) => v.status === 'fail');
  assert.equal(failed.map((v) => `${v.kind} ${v.model} ${v.task}`).sort(), ['max-drop blip-tiny shapes-vqa', 'max-latency-increase blip-tiny shapes-vqa']);
  for (const v of failed) assert.match(v.reason ?? '', /in the baseline but not in this run/);
  // The pairs both runs have are still compared, and pass (same numbers).
  assert.ok(report.verdicts.some((v) => v.kind === 'max-drop' && v.status === 'pass'));
});

test('the same run against itself passes: nothing is dropped', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-dropped-'));
  const gatesFile = join(dir, 'gates.json');
  writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 5 }] }));
  assert.is(runGate(`${runs}baseline`, { baseline: `${runs}baseline`, gatesFile, replicates: 200 }).passed, true);
});

test('a run that requested fewer samples than the baseline (a smaller --limit) fails, not compared on the subset', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-dropped-'));
  const gatesFile = join(dir, 'gates.json');
  writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'max-drop', metric: 'vqa_accuracy', task: 'shapes-vqa', maxDrop: 5 }] }));
  const pr = join(dir, 'pr');
  cpSync(`${runs}baseline`, pr, { recursive: true });
  const scoresFile = join(pr, 'scores.json');
  const scores = JSON.parse(readFileSync(scoresFile, 'utf8')) as { results: { model: string; task: string; counts: { requested: number; scored: number } }[] };
  for (const r of scores.results.filter((x) => x.task === 'shapes-vqa')) r.counts = { ...r.counts, requested: 8, scored: 8 };
  writeFileSync(scoresFile, JSON.stringify(scores));
  const report = runGate(pr, { baseline: `${runs}baseline`, gatesFile, replicates: 200 });
  assert.is(report.passed, false);
  for (const v of report.verdicts) assert.match(v.reason ?? '', /^this run requested 8 of the baseline's 90 samples/);
});

test.run();
