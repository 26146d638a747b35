import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGate } from '../../../../reports/gate/run-gate.js';
import { gateJUnit, gateMarkdown } from '../../../../reports/gate/outputs.js';
import { GateInputError } from '../../../../reports/gate/paired-metric.js';
import { snapshotRun, type RunSnapshot } from '../../../../reports/gate/snapshot.js';
import { readRun } from '../../../../reports/run-reader.js';
import { runWithFailures } from './failing-run.js';
import { thrownMessage } from '../../helpers/thrown.js';

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const dir = tempDir(join(tmpdir(), 'vlbench-gate-missing-'));
const FAST = { replicates: 200 };
const full = snapshotRun(readRun(`${runs}baseline`));

function baselineFile(name: string, edit: (s: RunSnapshot) => RunSnapshot): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(edit(full)));
  return file;
}

const notPair = (model: string, task: string) => (r: { model: string; task: string }): boolean => !(r.model === model && r.task === task);
// The baseline was written before blip-tiny's VQA task existed (results and timings both lack it).
const withoutPair = baselineFile('without-pair.json', (s) => ({ ...s, results: s.results.filter(notPair('blip-tiny', 'shapes-vqa')), timings: s.timings.filter(notPair('blip-tiny', 'shapes-vqa')) }));

const gateError = (fn: () => unknown): string => thrownMessage(fn, GateInputError);

test('a gated pair the baseline lacks is a harness error naming the file, the pair, its gates and the fixes', () => {
  const message = gateError(() => runGate(`${runs}noise`, { baseline: withoutPair, ...FAST }));
  assert.ok(message.startsWith(`${withoutPair}: the baseline (run 'main-2026-11-20') has no result for 1 gated model/task pair:`), message);
  // Every manifest gate that covers the pair is named once under it: max-drop, latency, throughput.
  assert.match(message, /model 'blip-tiny', task 'shapes-vqa': gate 1 \(vqa_accuracy drop <= 5\) needs its scores, gate 5 \(latency mean increase <= 25%\) needs its timings, gate 6 \(samplesPerSecond drop <= 25%\) needs its timings/);
  assert.match(message, /--write-baseline/);
  assert.match(message, /renamed/);
  assert.match(message, /--allow-missing-baseline/);
});

test('a renamed model: the message lists the ids the baseline has', () => {
  const renamed = baselineFile('renamed.json', (s) => ({ ...s, results: s.results.map((r) => (r.model === 'blip-tiny' ? { ...r, model: 'blip-tiny-v0' } : r)) }));
  const message = gateError(() => runGate(`${runs}noise`, { baseline: renamed, ...FAST }));
  assert.match(message, /the baseline has no model 'blip-tiny' \(its models: [^)]*blip-tiny-v0/);
});

test('--allow-missing-baseline: those checks are skipped, reported as such, and the rest still decide', () => {
  const report = runGate(`${runs}noise`, { baseline: withoutPair, allowMissingBaseline: true, ...FAST });
  const skipped = report.verdicts.filter((v) => v.status === 'no-baseline');
  assert.equal(skipped.map((v) => v.kind).sort(), ['max-drop', 'max-latency-increase', 'max-throughput-drop']);
  assert.is(report.passed, true);
  const total = report.verdicts.length;
  assert.match(gateMarkdown(report), new RegExp(`^### vlbench gate: all ${total - 3} checks passed \\(3 skipped: no baseline\\)`));
  assert.match(gateMarkdown(report), /\| skipped: no baseline \|/);
  assert.match(gateJUnit(report), new RegExp(`tests="${total}" failures="0" skipped="3"`));
});

test('--allow-missing-baseline does not let failed samples of such a pair pass', () => {
  const failed = runWithFailures(`${runs}noise`, join(dir, 'failed'), 'blip-tiny', 'shapes-vqa', 10);
  const report = runGate(failed, { baseline: withoutPair, allowMissingBaseline: true, ...FAST });
  const drop = report.verdicts.find((v) => v.kind === 'max-drop' && v.model === 'blip-tiny' && v.task === 'shapes-vqa')!;
  assert.is(drop.status, 'fail');
  assert.is(drop.reason, '10 of 90 samples failed in this run, and the baseline has no result to compare with');
  assert.is(report.passed, false);
});

test.run();
