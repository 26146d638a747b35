import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineJson, runGate } from '../../../../reports/gate/run-gate.js';
import type { GateReport } from '../../../../reports/gate/evaluate.js';

const tempDir = tempDirFactory(test);

const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const failures = (report: GateReport): string[] => report.verdicts.filter((v) => v.status === 'fail').map((v) => `${v.kind} ${v.metric} ${v.model} ${v.task}`).sort();
const find = (report: GateReport, kind: string, model: string, task: string) => report.verdicts.find((v) => v.kind === kind && v.model === model && v.task === task)!;

// What generate.ts changed in the regression run: blip2-opt-tiny captions (skill 0.85 -> 0.3),
// instructblip-t5-tiny VQA (0.8 -> 0.45), blip-tiny 1.6x slower on every task. Nothing else.
const EXPECTED_REGRESSION_FAILURES = [
  'max-drop CIDEr blip2-opt-tiny shapes-caption',
  'max-drop vqa_accuracy instructblip-t5-tiny shapes-vqa',
  ...['shapes-caption', 'shapes-retrieval', 'shapes-vqa'].flatMap((task) => [`max-latency-increase latencyMs.mean blip-tiny ${task}`, `max-throughput-drop samplesPerSecond blip-tiny ${task}`]),
].sort();

// Fewer replicates than the CLI default keep this file fast; one noise check uses the defaults.
const FAST = { replicates: 300 };
const regression = runGate(`${runs}regression`, { baseline: `${runs}baseline`, ...FAST });

test('regression: exactly the injected regressions fail', () => {
  assert.is(regression.passed, false);
  assert.equal(failures(regression), EXPECTED_REGRESSION_FAILURES);
  const latency = find(regression, 'max-latency-increase', 'blip-tiny', 'shapes-vqa');
  assert.ok(Math.abs(latency.difference! - 60) < 0.01, `latency x1.6 -> +60% (latencies rounded to 1 us), got ${latency.difference}`);
  assert.ok(latency.interval![0] > 25 && latency.interval![0] < 60 && latency.interval![1] > 60);
});

test('noise: same quality distribution, different seeds, passes at several bootstrap seeds', () => {
  for (const options of [{}, { seed: 1, ...FAST }, { seed: 2, ...FAST }]) {
    const report = runGate(`${runs}noise`, { baseline: `${runs}baseline`, ...options });
    assert.equal(failures(report), [], JSON.stringify(options));
    // Not vacuous: the noise run does differ from the baseline.
    assert.ok(report.verdicts.some((v) => v.kind === 'max-drop' && v.difference !== 0));
  }
});

test('improvement: passes, and the improved metrics have intervals above zero', () => {
  const report = runGate(`${runs}improvement`, { baseline: `${runs}baseline`, ...FAST });
  assert.equal(failures(report), []);
  assert.ok(find(report, 'max-drop', 'blip-tiny', 'shapes-caption').interval![0] > 0);
  const retrieval = report.verdicts.find((v) => v.metric === 'r_mean' && v.model === 'albef-tiny')!;
  assert.ok(retrieval.interval![0] > 0, `${retrieval.interval}`);
  const faster = find(report, 'max-latency-increase', 'xinstructblip-tiny', 'shapes-vqa');
  assert.ok(Math.abs(faster.difference! + 30) < 0.01 && faster.interval![1] < 0, `${faster.difference} ${faster.interval}`);
});

test('unchanged pairs have a zero difference and a [0, 0] interval (paired)', () => {
  const same = find(regression, 'max-drop', 'blip2-t5-tiny', 'shapes-caption');
  assert.is(same.difference, 0);
  assert.equal(same.interval, [0, 0]);
});

test('a latency interval that resampling cannot move (p95 of few batches) says so in the verdict', () => {
  // Five batches of ten: a sample's latency is its batch's time / 10, so p95 is the slowest batch.
  const withLatencies = (name: string, slowest: number): string => {
    const dir = join(tempDir(join(tmpdir(), 'vlbench-gate-p95-')), name);
    cpSync(`${runs}baseline`, dir, { recursive: true });
    const file = join(dir, 'timings.json');
    const timings = JSON.parse(readFileSync(file, 'utf8')) as { results: { model: string; task: string; latencySamplesMs: number[] }[] };
    const pair = timings.results.find((t) => t.model === 'blip-tiny' && t.task === 'shapes-caption')!;
    pair.latencySamplesMs = [5, 6, 5.5, 6.5].flatMap((ms) => Array<number>(10).fill(ms)).concat(Array<number>(10).fill(slowest));
    writeFileSync(file, JSON.stringify(timings));
    return dir;
  };
  const gates = join(tempDir(join(tmpdir(), 'vlbench-gate-p95-')), 'gates.json');
  writeFileSync(gates, JSON.stringify({ gates: [
    { kind: 'max-latency-increase', statistic: 'p95', maxIncreasePercent: 50, model: 'blip-tiny', task: 'shapes-caption' },
    { kind: 'max-latency-increase', statistic: 'mean', maxIncreasePercent: 50, model: 'blip-tiny', task: 'shapes-caption' },
  ] }));
  const report = runGate(withLatencies('current', 12), { baseline: withLatencies('base', 9), gatesFile: gates, ...FAST });
  const [p95, mean] = report.verdicts;
  assert.equal(p95!.interval, [p95!.difference!, p95!.difference!]);
  assert.ok(p95!.notes.some((n) => n.startsWith('zero-width interval: the statistic is one batch')));
  assert.ok(mean!.interval![0] < mean!.interval![1] && !mean!.notes.some((n) => n.startsWith('zero-width')));
});

test('a baseline JSON gives the same verdicts as the baseline run directory', () => {
  const file = join(tempDir(join(tmpdir(), 'vlbench-gate-')), 'baseline.json');
  writeFileSync(file, baselineJson(`${runs}baseline`));
  const fromJson = runGate(`${runs}regression`, { baseline: file, ...FAST });
  assert.equal(fromJson.verdicts, regression.verdicts);
  assert.is(JSON.parse(readFileSync(file, 'utf8')).kind, 'vlbench-baseline');
});

test('seeded: the same seed reproduces the intervals exactly', () => {
  const again = runGate(`${runs}regression`, { baseline: `${runs}baseline`, ...FAST });
  assert.equal(again.verdicts.map((v) => v.interval), regression.verdicts.map((v) => v.interval));
});

test('a gate file replaces the manifest gates; floors need no baseline', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gates-'));
  writeFileSync(join(dir, 'gates.json'), JSON.stringify({ gates: [{ kind: 'floor', metric: 'vqa_accuracy', min: 80 }, { kind: 'ceiling', metric: 'latencyMs.p95', family: 'blip', max: 1000 }] }));
  const report = runGate(`${runs}baseline`, { gatesFile: join(dir, 'gates.json') });
  // Baseline VQA accuracy per generate.ts skills: only blip2-t5-tiny, instructblip-t5-tiny and xinstructblip-tiny reach 80.
  const failing = report.verdicts.filter((v) => v.status === 'fail').map((v) => v.model).sort();
  assert.equal(failing, ['albef-tiny', 'blip-tiny', 'blip2-opt-tiny']);
  assert.equal(report.verdicts.filter((v) => v.kind === 'ceiling').map((v) => v.model), ['blip-tiny', 'blip-tiny', 'blip-tiny']);
});

test('errors: baseline-relative gates without a baseline, and gates that match nothing', () => {
  assert.throws(() => runGate(`${runs}regression`, {}), /pass --baseline/);
  const dir = tempDir(join(tmpdir(), 'vlbench-gates-'));
  writeFileSync(join(dir, 'gates.json'), JSON.stringify([{ kind: 'max-drop', metric: 'CIDEr', model: 'blip3-tiny', maxDrop: 0.1 }]));
  assert.throws(() => runGate(`${runs}regression`, { baseline: `${runs}baseline`, gatesFile: join(dir, 'gates.json'), ...FAST }), /model 'blip3-tiny'.*matches nothing/);
});

test.run();
