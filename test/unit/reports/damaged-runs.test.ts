/**
 * A run or baseline whose per-sample records were lost or repeated after it was scored, or whose
 * scores.json / baseline file holds values of the wrong type, is an error for gate,
 * --write-baseline, diff and report alike (record-checks.ts, record-types.ts): never a pass on
 * the samples that are left, a JS crash or a value rendered as-is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDirFactory } from '../helpers/temp-dirs.js';
import { diffRuns, diffText } from '../../../reports/diff.js';
import { baselineJson, runGate } from '../../../reports/gate/run-gate.js';
import { loadSnapshot } from '../../../reports/gate/snapshot.js';
import { writeReport } from '../../../reports/report.js';
import { readRun } from '../../../reports/run-reader.js';
import { runWithFailures } from './gate/failing-run.js';

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../fixtures/runs/', import.meta.url));
const dir = tempDir(join(tmpdir(), 'vlbench-damaged-'));
const gatesFile = join(dir, 'gates.json');
writeFileSync(gatesFile, JSON.stringify({ gates: [{ kind: 'max-drop', metric: 'CIDEr', maxDrop: 0.05 }, { kind: 'max-drop', metric: 'vqa_accuracy', maxDrop: 5 }] }));
const FAST = { gatesFile, replicates: 200 };

let copies = 0;
function copyOf(run: string): string {
  const dest = join(dir, `run${copies++}`);
  cpSync(`${runs}${run}`, dest, { recursive: true });
  return dest;
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split('\n');
}

function editJson(file: string, edit: (value: any) => void): void {
  const value = JSON.parse(readFileSync(file, 'utf8'));
  edit(value);
  writeFileSync(file, JSON.stringify(value));
}

const pairIndex = (results: { model: string; task: string }[], model: string, task: string): number => results.findIndex((r) => r.model === model && r.task === task);

/** Every command refuses `run` with a message matching all of `patterns`. */
async function refusedEverywhere(run: string, patterns: readonly RegExp[]): Promise<void> {
  const matches = (e: Error): boolean => patterns.every((p) => p.test(e.message));
  assert.throws(() => runGate(run, { baseline: `${runs}baseline`, ...FAST }), matches, 'gate');
  assert.throws(() => baselineJson(run), matches, '--write-baseline');
  assert.throws(() => runGate(`${runs}baseline`, { baseline: run, ...FAST }), matches, 'as --baseline');
  assert.throws(() => diffRuns(`${runs}baseline`, run), matches, 'diff');
  let error: Error | undefined;
  await writeReport([run], join(dir, `report${copies++}`), ['md']).catch((e: Error) => (error = e));
  assert.ok(error && matches(error), `report: ${error?.message}`);
}

test('predictions that lost records: every command names the file, the shortfall and --resume', async () => {
  const run = copyOf('baseline');
  const file = join(run, 'predictions/blip-tiny/shapes-caption.jsonl');
  writeFileSync(file, lines(file).slice(0, 10).join('\n') + '\n');
  await refusedEverywhere(run, [/predictions\/blip-tiny\/shapes-caption\.jsonl: 10 records for 30 scored samples/, /the run is damaged/, /--out .* --resume/]);
});

test('per-sample scores cut in half, or deleted, are damage too', async () => {
  const run = copyOf('baseline');
  const file = join(run, 'samples/blip-tiny/shapes-vqa.jsonl');
  writeFileSync(file, lines(file).slice(0, 45).join('\n') + '\n');
  await refusedEverywhere(run, [/samples\/blip-tiny\/shapes-vqa\.jsonl: 45 records with scores for 90 scored samples/, /remove .*shapes-vqa\.jsonl, then/]);
  rmSync(file);
  assert.throws(() => diffRuns(`${runs}baseline`, run), /shapes-vqa\.jsonl: missing \(0 records with scores for 90 scored samples\)/);
});

test('a repeated prediction or per-sample record names the sample', async () => {
  const run = copyOf('baseline');
  const file = join(run, 'predictions/blip-tiny/shapes-vqa.jsonl');
  const records = lines(file);
  writeFileSync(file, [...records, records[2]].join('\n') + '\n');
  await refusedEverywhere(run, [/shapes-vqa\.jsonl: sample '[^']+' has two records \(records 3 and 91\)/, /delete the wrong line/]);
  const other = copyOf('baseline');
  const samples = join(other, 'samples/albef-tiny/shapes-retrieval.jsonl');
  writeFileSync(samples, [...lines(samples), lines(samples)[0]].join('\n') + '\n');
  assert.throws(() => runGate(other, { baseline: `${runs}baseline`, ...FAST }), /shapes-retrieval\.jsonl: sample 'i2t:img000' has two records/);
});

test('legitimate runs still load: failed samples, unannotated samples, a task with no samples, fewer requested', () => {
  for (const name of ['baseline', 'noise', 'regression', 'improvement']) readRun(`${runs}${name}`);
  const failed = runWithFailures(`${runs}baseline`, join(dir, 'failed'), 'blip-tiny', 'shapes-caption', 5);
  assert.is(loadSnapshot(failed).results.find((r) => r.model === 'blip-tiny' && r.task === 'shapes-caption')!.failed!.length, 5);
  const allFailed = runWithFailures(`${runs}baseline`, join(dir, 'all-failed'), 'blip-tiny', 'shapes-vqa', 90, { dropMetrics: true });
  readRun(allFailed);
  const unannotated = copyOf('baseline');
  editJson(join(unannotated, 'scores.json'), (s) => {
    s.results[pairIndex(s.results, 'blip-tiny', 'shapes-vqa')].counts = { requested: 90, scored: 80, failed: 0, unannotated: 10 };
  });
  readRun(unannotated);
  // A written baseline of a run with failures loads back.
  const file = join(dir, 'failed-baseline.json');
  writeFileSync(file, baselineJson(failed));
  loadSnapshot(file);
});

/** A baseline file of the fixture baseline, edited. */
function baselineFile(edit: (value: any, vqa: number) => void): string {
  const value = JSON.parse(baselineJson(`${runs}baseline`));
  edit(value, pairIndex(value.results, 'blip-tiny', 'shapes-vqa'));
  const file = join(dir, `baseline${copies++}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

test('a baseline file whose samples were cut or repeated is refused with the pointer and the fix', () => {
  const cut = baselineFile((b, i) => (b.results[i].samples = b.results[i].samples.slice(0, 5)));
  assert.throws(() => runGate(`${runs}baseline`, { baseline: cut, ...FAST }), (e: Error) =>
    e.message.startsWith(`${cut}: /results/`) && /\/samples: 5 records with scores for 90 scored samples/.test(e.message) && /--write-baseline/.test(e.message));
  const repeated = baselineFile((b, i) => b.results[i].samples.push(...b.results[i].samples.slice(0, 3)));
  assert.throws(() => loadSnapshot(repeated), /\/samples: sample '[^']+' has two records/);
  const captions = baselineFile((b) => {
    const r = b.results[pairIndex(b.results, 'blip-tiny', 'shapes-caption')];
    r.captions = r.captions.slice(0, 10);
  });
  assert.throws(() => loadSnapshot(captions), /\/captions: 10 captions for 30 captioned samples/);
});

test('wrong types in scores.json name the file, the JSON pointer and the expected type', () => {
  const cases: [(r: any) => void, RegExp][] = [
    [(r) => (r.metrics.vqa_accuracy = '99'), /\/metrics\/vqa_accuracy must be a finite number, found the string "99"/],
    [(r) => (r.metrics.vqa_accuracy = null), /\/metrics\/vqa_accuracy must be a finite number, found null/],
    [(r) => (r.counts.scored = '20'), /\/counts\/scored must be a non-negative integer, found the string "20"/],
    [(r) => (r.counts.failed = -1), /\/counts\/failed must be a non-negative integer, found number -1/],
  ];
  for (const [edit, pattern] of cases) {
    const run = copyOf('baseline');
    let index = -1;
    editJson(join(run, 'scores.json'), (s) => edit(s.results[(index = pairIndex(s.results, 'blip-tiny', 'shapes-vqa'))]));
    assert.throws(() => readRun(run), (e: Error) => e.message.startsWith(`${join(run, 'scores.json')}: /results/${index}/`) && pattern.test(e.message) && /--resume/.test(e.message), pattern.source);
  }
});

test('a per-sample score of the wrong type names the line and the pointer', () => {
  const run = copyOf('baseline');
  const file = join(run, 'samples/blip-tiny/shapes-vqa.jsonl');
  const records = lines(file);
  records[1] = JSON.stringify({ ...JSON.parse(records[1]!), scores: { vqa_accuracy: '100' } });
  writeFileSync(file, records.join('\n') + '\n');
  assert.throws(() => runGate(run, { baseline: `${runs}baseline`, ...FAST }), /shapes-vqa\.jsonl:2: \/scores\/vqa_accuracy must be a finite number, found the string "100"/);
});

test('a baseline file result without samples, or with null per-sample values, is refused with the pointer', () => {
  let index = -1;
  const noSamples = baselineFile((b, i) => delete b.results[(index = i)].samples);
  assert.throws(() => runGate(`${runs}baseline`, { baseline: noSamples, ...FAST }), (e: Error) =>
    e.message.startsWith(`${noSamples}: /results/${index}/samples must be an array, found nothing`) && /--write-baseline/.test(e.message));
  const nulls = baselineFile((b, i) => (b.results[i].samples[0].scores.vqa_accuracy = null));
  assert.throws(() => loadSnapshot(nulls), new RegExp(`/results/${index}/samples/0/scores/vqa_accuracy must be a finite number, found null`));
  const metric = baselineFile((b, i) => (b.results[i].metrics.vqa_accuracy = '65.33'));
  assert.throws(() => loadSnapshot(metric), /\/metrics\/vqa_accuracy must be a finite number, found the string "65\.33"/);
});

test('diff warns when the runs did not measure a task on the same samples, as report does', () => {
  const run = copyOf('regression');
  editJson(join(run, 'scores.json'), (s) => {
    for (const r of s.results) if (r.task === 'shapes-vqa') r.counts.requested = 120;
  });
  const diff = diffRuns(`${runs}baseline`, run);
  assert.is(diff.warnings.length, 1);
  assert.match(diff.warnings[0]!, /^task 'shapes-vqa' was not run on the same samples in every run: requested samples differ \(main-2026-11-20: 90, [^:]+: 120\)/);
  assert.match(diffText(diff, 5), /^warning: task 'shapes-vqa' was not run on the same samples/m);
  assert.equal(diffRuns(`${runs}baseline`, run, { task: 'shapes-caption' }).warnings, []);
  assert.equal(diffRuns(`${runs}baseline`, `${runs}regression`).warnings, []);
});

test.run();
