import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiffFilterError, diffRuns, diffText, naturalCompare } from '../../../reports/diff.js';

const runs = fileURLToPath(new URL('../../fixtures/runs/', import.meta.url));
const diff = diffRuns(`${runs}baseline`, `${runs}regression`);

test('only the regressed pairs change between baseline and regression', () => {
  // generate.ts changes blip2-opt-tiny captions and instructblip-t5-tiny VQA; latencies do not count.
  const pairs = [...new Set(diff.changes.map((c) => `${c.model} ${c.task}`))].sort();
  assert.equal(pairs, ['blip2-opt-tiny shapes-caption', 'instructblip-t5-tiny shapes-vqa']);
  assert.is(diff.compared.length, 17);
  assert.equal(diff.onlyInA, []);
});

test('largest changes first, normalised per metric', () => {
  const magnitudes = diff.changes.map((c) => c.magnitude);
  assert.equal(magnitudes, [...magnitudes].sort((a, b) => b - a));
  const top = diff.changes[0]!;
  assert.is(top.magnitude, 1); // a VQA answer going from 100 to 0 spans the whole observed range
  const vqa = top.scores.find((s) => s.metric === 'vqa_accuracy')!;
  assert.ok(vqa.delta! < 0 && top.predictionChanged);
});

test('a retrieval query is one sample: its prediction (id + direction) and its scores (direction:id) are joined', () => {
  const copy = join(mkdtempSync(join(tmpdir(), 'vlbench-diff-')), 'run');
  cpSync(`${runs}baseline`, copy, { recursive: true });
  const rewrite = (file: string, edit: (r: Record<string, unknown>) => Record<string, unknown>): void => {
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    writeFileSync(file, lines.map((r) => JSON.stringify(edit(r))).join('\n') + '\n');
  };
  // One text-to-image query moves to rank 6: its R@5 drops on the same row as the prediction.
  rewrite(join(copy, 'predictions/blip-tiny/shapes-retrieval.jsonl'), (r) => (r.direction === 't2i' && r.sampleId === 'img000-t0' ? { ...r, rank: 6 } : r));
  rewrite(join(copy, 'samples/blip-tiny/shapes-retrieval.jsonl'), (r) => (r.sampleId === 't2i:img000-t0' ? { ...r, scores: { img_r1: 0, img_r5: 0, img_r10: 100 } } : r));
  const result = diffRuns(`${runs}baseline`, copy, { model: 'blip-tiny', task: 'shapes-retrieval' });
  const lines = readFileSync(join(copy, 'predictions/blip-tiny/shapes-retrieval.jsonl'), 'utf8').trim().split('\n').length;
  assert.is(result.compared[0]!.samples, lines);
  assert.equal(result.changes.map((c) => [c.sampleId, c.predictionChanged]), [['t2i:img000-t0', true]]);
  assert.ok(result.changes[0]!.scores.some((x) => x.metric === 'img_r5' && x.delta === -100), 'its score change is on the same row');
});

test('each change names the metric that ranked it, and the text table shows that metric', () => {
  for (const change of diff.changes) {
    const ranked = change.scores.find((s) => s.metric === change.rankedBy);
    if (change.rankedBy === null) continue;
    assert.ok(ranked, `${change.sampleId}: ${change.rankedBy} among its changed scores`);
  }
  // Caption samples change several metrics at once; rank them by the one with the largest relative change.
  const caption = diffRuns(`${runs}baseline`, `${runs}regression`, { task: 'shapes-caption' });
  const shown = diffText(caption, caption.changes.length).split('\n').filter((l) => l.startsWith('shapes-caption '));
  assert.is(shown.length, caption.changes.length);
  caption.changes.forEach((change, i) => assert.match(shown[i]!, new RegExp(`^shapes-caption\\s+\\S+\\s+${change.sampleId}\\s+${change.rankedBy}\\s`), change.sampleId));
  assert.ok(new Set(caption.changes.map((c) => c.rankedBy)).size > 1, 'not always the first metric');
});

test('sample ids sort naturally: digit runs as numbers', () => {
  const ids = ['10', '2', 'i2t:28', '1', 'i2t:3', 'img010', 'img9', '02'];
  assert.equal([...ids].sort(naturalCompare), ['1', '2', '02', '10', 'i2t:3', 'i2t:28', 'img9', 'img010']);
});

test('identical runs have no changes', () => {
  assert.equal(diffRuns(`${runs}baseline`, `${runs}baseline`).changes, []);
});

test('the text table shows the summary, the rows and what was cut', () => {
  const text = diffText(diff, 5);
  const lines = text.split('\n');
  assert.match(lines[0]!, new RegExp(`^main-2026-11-20 -> pr-regression-2026-11-22: ${diff.changes.length} of \\d+ samples changed`));
  assert.match(text, /task\s+model\s+sample\s+metric\s+A\s+B\s+delta\s+prediction A -> B/);
  assert.match(text, new RegExp(`\\.\\.\\. ${diff.changes.length - 5} more`));
});

test('a task or model filter restricts the compared pairs, so the totals are those of the filter', () => {
  const vqa = diffRuns(`${runs}baseline`, `${runs}regression`, { task: 'shapes-vqa' });
  assert.equal([...new Set(vqa.compared.map((c) => c.task))], ['shapes-vqa']);
  assert.is(vqa.compared.length, 6);
  assert.ok(vqa.changes.length > 0 && vqa.changes.every((c) => c.task === 'shapes-vqa'));
  assert.match(diffText(vqa, 5), new RegExp(`: ${vqa.changes.length} of 540 samples changed .* over 6 model/task pairs`));
  const one = diffRuns(`${runs}baseline`, `${runs}regression`, { task: 'shapes-vqa', model: 'instructblip-t5-tiny' });
  assert.equal(one.compared.map((c) => `${c.model} ${c.task}`), ['instructblip-t5-tiny shapes-vqa']);
});

test('a filter naming a task or model neither run has is an error with a suggestion, not "0 changed"', () => {
  for (const [filter, field, pattern] of [
    [{ task: 'shapes-vqq' }, 'task', /^neither run has task 'shapes-vqq' \(did you mean 'shapes-vqa'\?\); the runs' tasks: shapes-caption, shapes-instruct, shapes-retrieval, shapes-vqa$/],
    [{ model: 'blip2-opt-tiy' }, 'model', /^neither run has model 'blip2-opt-tiy' \(did you mean 'blip2-opt-tiny'\?\)/],
  ] as const) {
    try {
      diffRuns(`${runs}baseline`, `${runs}regression`, filter);
      assert.unreachable(JSON.stringify(filter));
    } catch (error) {
      assert.instance(error, DiffFilterError);
      assert.is((error as DiffFilterError).field, field);
      assert.match((error as Error).message, pattern);
    }
  }
});

test.run();
