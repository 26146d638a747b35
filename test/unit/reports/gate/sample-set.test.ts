/**
 * A gate compares two runs only over the same sample set: requested counts that differ either
 * way, data files of other content, or other sample ids fail the pair's baseline-relative checks
 * with the reason; a task id of another kind in the baseline is a harness error naming it.
 * Baseline files carry the data digests; older ones without them still gate, with a note.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineJson, runGate } from '../../../../reports/gate/run-gate.js';
import type { GateReport } from '../../../../reports/gate/evaluate.js';
import { FAST, runs, sampleSetFixture } from './sample-set-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { dir, gatesFile } = sampleSetFixture(test, 'vlbench-gate-sample-set-');

const failing = (r: GateReport): string[] => [...new Set(r.verdicts.filter((v) => v.status === 'fail').map((v) => v.task))].sort();
const reasons = (r: GateReport, task: string): string[] => [...new Set(r.verdicts.filter((v) => v.task === task).map((v) => v.reason ?? 'null'))];

/** A copy of the baseline fixture run with `edit` applied to one of its JSON files. */
function editedRun(name: string, file: string, edit: (data: Json) => void): string {
  const dest = join(dir, name);
  cpSync(`${runs}baseline`, dest, { recursive: true });
  const data = JSON.parse(readFileSync(join(dest, file), 'utf8')) as Json;
  edit(data);
  writeFileSync(join(dest, file), JSON.stringify(data));
  return dest;
}

/** The baseline fixture as a baseline file, edited. */
function baselineFile(name: string, edit: (snapshot: Json) => void): string {
  const snapshot = JSON.parse(baselineJson(`${runs}baseline`)) as Json;
  edit(snapshot);
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(snapshot));
  return file;
}

/** The fixture's baseline as a smaller run: `task` requested and scored only its first `keep` samples. */
function smallerBaseline(task: string, keep: number): string {
  return baselineFile(`small-${task}`, (snapshot) => {
    for (const r of snapshot.results.filter((x: Json) => x.task === task)) {
      r.samples = r.samples.slice(0, keep);
      if (r.ranks) r.ranks = r.ranks.filter((x: Json) => r.samples.some((s: Json) => s.sampleId === `${x.direction}:${x.sampleId}` || s.sampleId === x.sampleId));
      r.counts = { requested: keep, scored: keep, failed: 0 };
    }
  });
}

test('a run that requested more samples than the baseline fails, both ways round', () => {
  // The samples both runs scored are identical, so pairing them alone would pass.
  const more = runGate(`${runs}baseline`, { baseline: smallerBaseline('shapes-vqa', 45), gatesFile, ...FAST });
  assert.equal(failing(more), ['shapes-vqa']);
  assert.equal(reasons(more, 'shapes-vqa'), ['this run requested 90 samples, the baseline only 45 (a larger --limit, or more data); gate a run of the same suite and settings, or rewrite the baseline from one']);
  const retrieval = runGate(`${runs}baseline`, { baseline: smallerBaseline('shapes-retrieval', 40), gatesFile, ...FAST });
  assert.equal(failing(retrieval), ['shapes-retrieval']);
  // A failed comparison shows each run's own score, not the subset's.
  const v = retrieval.verdicts.find((x) => x.metric === 'r_mean' && x.model === 'albef-tiny')!;
  assert.is(v.current, JSON.parse(readFileSync(`${runs}baseline/scores.json`, 'utf8')).results.find((r: Json) => r.model === 'albef-tiny' && r.task === 'shapes-retrieval').metrics.r_mean);
});

test('data files of other content fail the task\'s pairs, naming the file; other roots with the same content pass', () => {
  const changed = editedRun('changed-data', 'manifest.json', (m) => {
    m.tasks.find((t: Json) => t.id === 'shapes-vqa').dataset.files[0].sha256 = 'ab'.repeat(32);
  });
  const report = runGate(changed, { baseline: `${runs}baseline`, gatesFile, ...FAST });
  assert.equal(failing(report), ['shapes-vqa']);
  assert.equal(reasons(report, 'shapes-vqa'), ['this run read other data than the baseline: vqa.json (sha256 abababababab here, 794e6f6b794e in the baseline); gate a run of the same suite, data and settings, or rewrite the baseline from one']);
  const moved = editedRun('moved-data', 'manifest.json', (m) => {
    for (const t of m.tasks) for (const f of t.dataset.files) f.path = `/ci/checkout/${f.path}`;
  });
  assert.is(runGate(moved, { baseline: `${runs}baseline`, gatesFile, ...FAST }).passed, true);
});

test('a data file only one run read (an answer list that only ranking models read) is not a difference', () => {
  const extra = editedRun('answer-list', 'manifest.json', (m) => {
    m.tasks.find((t: Json) => t.id === 'shapes-vqa').dataset.files.push({ path: 'datasets/shapes/answer_list.json', sha256: 'cd'.repeat(32) });
  });
  assert.is(runGate(extra, { baseline: `${runs}baseline`, gatesFile, ...FAST }).passed, true);
});

test('a baseline file carries the data digests; one without them (older) still gates, with a note', () => {
  const snapshot = JSON.parse(baselineJson(`${runs}baseline`)) as Json;
  assert.equal(snapshot.tasks.find((t: Json) => t.id === 'shapes-vqa').dataset.files[0], { path: 'datasets/shapes/vqa.json', sha256: '794e6f6b'.repeat(8) });
  const old = baselineFile('old', (s) => {
    for (const t of s.tasks) delete t.dataset;
  });
  const report = runGate(`${runs}baseline`, { baseline: old, gatesFile, ...FAST });
  assert.is(report.passed, true);
  for (const v of report.verdicts) assert.ok(v.notes.some((n) => n.startsWith('the baseline records no data-file digests')), `${v.gate} ${v.model} ${v.task}: ${v.notes.join(' | ')}`);
});

test('other sample ids over as many requested samples fail (checked without digests too)', () => {
  const renamed = baselineFile('renamed', (s) => {
    for (const t of s.tasks) delete t.dataset;
    const r = s.results.find((x: Json) => x.model === 'blip-tiny' && x.task === 'shapes-vqa');
    for (const sample of r.samples.slice(0, 4)) sample.sampleId = `other-${sample.sampleId}`;
  });
  const report = runGate(`${runs}baseline`, { baseline: renamed, gatesFile, ...FAST });
  assert.equal(report.verdicts.filter((v) => v.status === 'fail').map((v) => `${v.kind} ${v.model} ${v.task}`).sort(), ['max-drop blip-tiny shapes-vqa', 'max-latency-increase blip-tiny shapes-vqa']);
  for (const v of report.verdicts.filter((x) => x.status === 'fail')) {
    assert.match(v.reason!, /^this run scored 4 samples that the baseline does not have \('q\w+', 'q\w+', 'q\w+', \.\.\.\), out of as many requested: the runs selected different samples/);
  }
});

test('a task id that is another kind of task in the baseline is a harness error naming both kinds', () => {
  const other = baselineFile('other-kind', (s) => {
    s.tasks.find((t: Json) => t.id === 'shapes-vqa').kind = 'captioning';
    for (const r of s.results.filter((x: Json) => x.task === 'shapes-vqa')) r.kind = 'captioning';
  });
  assert.throws(() => runGate(`${runs}baseline`, { baseline: other, gatesFile, ...FAST }),
    (e: Error) => e.message.startsWith(`${other}: task 'shapes-vqa' is of kind 'captioning' in the baseline (run 'main-2026-11-20') and 'vqa' in this run`) && !/no paired samples/.test(e.message));
});

test.run();
