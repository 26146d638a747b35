/**
 * A gate whose pairs exist in the run but were not applicable (ALBEF and a caption metric) is
 * skipped with the reason; a misspelt task is still an error; a gate list of which nothing
 * applies is an error, since it would check nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gateJUnit, gateMarkdown } from '../../../../reports/gate/outputs.js';
import { runGate } from '../../../../reports/gate/run-gate.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';

const tempDir = tempDirFactory(test);
const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));

function gates(list: unknown[]): string {
  const file = join(tempDir(join(tmpdir(), 'vlbench-gate-na-')), 'gates.json');
  writeFileSync(file, JSON.stringify({ gates: list }));
  return file;
}

test('a gate on a not-applicable pair is skipped with the reason; the other gates decide', () => {
  const report = runGate(`${runs}baseline`, {
    baseline: `${runs}baseline`, replicates: 100,
    gatesFile: gates([{ kind: 'max-drop', metric: 'CIDEr', model: 'albef-tiny', maxDrop: 0.1 }, { kind: 'max-drop', metric: 'vqa_accuracy', model: 'albef-tiny', maxDrop: 1 }]),
  });
  assert.is(report.passed, true);
  const skipped = report.verdicts.filter((v) => v.status === 'not-applicable');
  assert.equal(skipped.map((v) => `${v.model} ${v.task} ${v.reason}`), ['albef-tiny shapes-caption albef has no captioning capability']);
  assert.match(gateMarkdown(report), /skipped: not applicable: albef has no captioning capability/);
  assert.match(gateJUnit(report), /<skipped message="not applicable: albef has no captioning capability"\/>/);
});

test('only not-applicable pairs: an error, since nothing would be checked', () => {
  assert.throws(() => runGate(`${runs}baseline`, { baseline: `${runs}baseline`, replicates: 100, gatesFile: gates([{ kind: 'max-drop', metric: 'CIDEr', model: 'albef-tiny', maxDrop: 0.1 }]) }),
    /every gate is not applicable to the pairs it matches \(albef-tiny \/ shapes-caption: albef has no captioning capability\)/);
});

test('tokens/s gates skip pairs that rank (retrieval here: no tokens generated) instead of failing them on a 0', () => {
  const report = runGate(`${runs}baseline`, {
    baseline: `${runs}baseline`, replicates: 100,
    gatesFile: gates([
      { kind: 'floor', metric: 'tokensPerSecond', min: 1, model: 'blip-tiny' },
      { kind: 'max-throughput-drop', measure: 'tokensPerSecond', maxDropPercent: 50, model: 'blip-tiny' },
    ]),
  });
  const byTask = (kind: string) => report.verdicts.filter((v) => v.kind === kind).map((v) => `${v.task} ${v.status}`).sort();
  assert.equal(byTask('floor'), ['shapes-caption pass', 'shapes-retrieval not-applicable', 'shapes-vqa pass']);
  assert.equal(byTask('max-throughput-drop'), ['shapes-caption pass', 'shapes-retrieval not-applicable', 'shapes-vqa pass']);
  assert.ok(report.verdicts.filter((v) => v.status === 'not-applicable').every((v) => /ranks answers or options rather than generating text/.test(v.reason ?? '')));
  assert.is(report.passed, true);
});

test('a misspelt task is still an error, not a skip', () => {
  assert.throws(() => runGate(`${runs}baseline`, { baseline: `${runs}baseline`, replicates: 100, gatesFile: gates([{ kind: 'max-drop', metric: 'CIDEr', task: 'shapes-captoin', maxDrop: 0.1 }]) }),
    /shapes-captoin/);
});

test('a pair predicted without references (a test split) is skipped as such, not an error', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-gate-na-'));
  const run = join(dir, 'run');
  cpSync(`${runs}baseline`, run, { recursive: true });
  const scoresFile = join(run, 'scores.json');
  const scores = JSON.parse(readFileSync(scoresFile, 'utf8')) as { results: { model: string; task: string; metrics: object; counts: object }[] };
  const pair = scores.results.find((r) => r.model === 'blip-tiny' && r.task === 'shapes-caption')!;
  pair.metrics = {};
  pair.counts = { requested: 6, scored: 0, failed: 0, unannotated: 6 };
  writeFileSync(scoresFile, JSON.stringify(scores));
  const report = runGate(run, { replicates: 100, gatesFile: gates([{ kind: 'floor', metric: 'CIDEr', model: 'blip-tiny', min: 0 }, { kind: 'floor', metric: 'vqa_accuracy', min: 0 }]) });
  const skipped = report.verdicts.filter((v) => v.status === 'not-applicable');
  assert.equal(skipped.map((v) => `${v.model} ${v.task}: ${v.reason}`), ['blip-tiny shapes-caption: no reference answers: 6 predictions written, not scored']);
  assert.is(report.passed, true);
});

test.run();
