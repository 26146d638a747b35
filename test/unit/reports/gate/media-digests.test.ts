/**
 * The predictions' media digests (mediaSha256) reach baseline files, and a gate fails a pair
 * whose runs read other media for samples both recorded (an image re-encoded or replaced under
 * the same path and id): same annotation files and ids, so only the digests tell. A side without
 * media digests (written by an earlier vlbench) still gates, with a note.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { baselineJson, runGate } from '../../../../reports/gate/run-gate.js';
import type { GateReport } from '../../../../reports/gate/evaluate.js';
import { FAST, runs, sampleSetFixture } from './sample-set-fixture.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { dir, gatesFile } = sampleSetFixture(test, 'vlbench-gate-media-');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const failing = (r: GateReport): string[] => [...new Set(r.verdicts.filter((v) => v.status === 'fail').map((v) => v.task))].sort();
const MEDIA_NOTE = /^(the baseline|this run) records no media digests/;

/** A copy of the baseline fixture run whose predictions record `digestOf(file name)` for each media path. */
function runWithDigests(name: string, digestOf: (file: string) => string): string {
  const dest = join(dir, name);
  cpSync(`${runs}baseline`, dest, { recursive: true });
  for (const model of readdirSync(join(dest, 'predictions'))) {
    for (const file of readdirSync(join(dest, 'predictions', model))) {
      const path = join(dest, 'predictions', model, file);
      const records = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);
      const stamped = records.map((r) => (r.kind === 'failed' ? r : { ...r, mediaSha256: r.media.map((m: string) => digestOf(basename(m))) }));
      writeFileSync(path, stamped.map((r) => JSON.stringify(r) + '\n').join(''));
    }
  }
  return dest;
}

const original = runWithDigests('original', sha256);
/** img000.png and img001.png re-encoded: the annotation files and sample ids are unchanged. */
const reencoded = runWithDigests('reencoded', (file) => sha256(['img000.png', 'img001.png'].includes(file) ? `re-encoded ${file}` : file));

function baselineFile(name: string, runDir: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, baselineJson(runDir));
  return file;
}

test('a baseline file carries each pair\'s media digests, keyed as per-sample scores are', () => {
  const snapshot = JSON.parse(baselineJson(original)) as Json;
  const vqa = snapshot.results.find((r: Json) => r.model === 'blip-tiny' && r.task === 'shapes-vqa');
  assert.equal(vqa.media.q0000, [{ file: 'img000.png', sha256: sha256('img000.png') }]);
  assert.is(Object.keys(vqa.media).length, 90);
  const retrieval = snapshot.results.find((r: Json) => r.model === 'blip-tiny' && r.task === 'shapes-retrieval');
  assert.equal(retrieval.media['i2t:img001'], [{ file: 'img001.png', sha256: sha256('img001.png') }]);
  assert.equal(retrieval.media['t2i:img001-t1'], [{ file: 'img001.png', sha256: sha256('img001.png') }]);
});

test('other media for samples both runs recorded fail every gated pair that read them; the same media pass', () => {
  for (const baseline of [original, baselineFile('original', original)]) {
    const same = runGate(original, { baseline, gatesFile, ...FAST });
    assert.is(same.passed, true);
    assert.not.ok(same.verdicts.some((v) => v.notes.some((n) => MEDIA_NOTE.test(n))), 'both sides record media digests: nothing went unchecked');
    const report = runGate(reencoded, { baseline, gatesFile, ...FAST });
    assert.equal(failing(report), ['shapes-caption', 'shapes-instruct', 'shapes-retrieval', 'shapes-vqa']);
    const vqa = report.verdicts.find((v) => v.model === 'blip-tiny' && v.task === 'shapes-vqa' && v.kind === 'max-drop')!;
    const [here, there] = [sha256('re-encoded img000.png').slice(0, 12), sha256('img000.png').slice(0, 12)];
    assert.is(vqa.reason, `this run read other media than the baseline for 6 of 90 samples ('q0000' img000.png: sha256 ${here} here, ${there} in the baseline; ` +
      `'q0001' img000.png: sha256 ${here} here, ${there} in the baseline; 'q0002' img000.png: sha256 ${here} here, ${there} in the baseline; ...); ` +
      'gate a run of the same suite, data and settings, or rewrite the baseline from one');
    const retrieval = report.verdicts.find((v) => v.model === 'blip-tiny' && v.task === 'shapes-retrieval' && v.kind === 'max-drop')!;
    assert.match(retrieval.reason!, /^this run read other media than the baseline for 6 of 90 samples \('i2t:img000' img000\.png: sha256 /);
  }
});

test('a side without media digests (an earlier vlbench) is not failed for it, but noted, either way round', () => {
  const oldBaseline = runGate(original, { baseline: `${runs}baseline`, gatesFile, ...FAST });
  assert.is(oldBaseline.passed, true);
  for (const v of oldBaseline.verdicts) {
    assert.ok(v.notes.some((n) => n.startsWith('the baseline records no media digests (written by an earlier vlbench), so that both runs read the same images, clips and frames was not checked; rewrite it with --write-baseline')), `${v.gate} ${v.model} ${v.task}: ${v.notes.join(' | ')}`);
  }
  const oldRun = runGate(`${runs}baseline`, { baseline: baselineFile('reencoded', reencoded), gatesFile, ...FAST });
  assert.is(oldRun.passed, true);
  for (const v of oldRun.verdicts) {
    assert.ok(v.notes.some((n) => n.startsWith('this run records no media digests')), `${v.gate} ${v.model} ${v.task}: ${v.notes.join(' | ')}`);
  }
});

test.run();
