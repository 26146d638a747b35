import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { bestTargetRank, recallFromRanks, recallFromScores, retrievalRanks } from '../../../../reports/metrics/recall-at-k.js';
import { numpyArgsort, numpyArgsortDescending } from '../../../../reports/metrics/numpy-argsort.js';

const dir = new URL('../../../golden/retrieval/', import.meta.url);
const readGolden = (name: string): unknown => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));

interface ScoresFile {
  scores_i2t: number[][];
  scores_t2i?: number[][];
  img2txt: number[][];
  txt2img: number[];
}
interface Case {
  name: string;
  scores: string;
  metrics: Record<string, number>;
  textRanks: number[];
  imageRanks: number[];
}
const expected = readGolden('expected.json') as { numpy: string; cases: Case[] };

function transpose(m: readonly number[][]): number[][] {
  return m[0]!.map((_, j) => m.map((row) => row[j]!));
}

for (const c of expected.cases) {
  test(`golden ${c.name}: ranks and all ten LAVIS keys equal _report_metrics exactly`, () => {
    const s = readGolden(c.scores) as ScoresFile;
    const input = { scoresI2t: s.scores_i2t, scoresT2i: s.scores_t2i ?? transpose(s.scores_i2t), img2txt: s.img2txt, txt2img: s.txt2img };
    const ranks = retrievalRanks(input);
    assert.equal(ranks.textRanks, c.textRanks);
    assert.equal(ranks.imageRanks, c.imageRanks);
    assert.equal(recallFromScores(input), c.metrics);
    assert.equal(recallFromRanks(c.textRanks, c.imageRanks), c.metrics);
  });
}

test('numpyArgsort reproduces np.argsort (numpy introsort) tie order on every golden row', () => {
  const rows = readGolden('argsort.json') as { levels: number[]; argsort: number[]; reachesHeapsort?: boolean }[];
  assert.ok(rows.length >= 60);
  // McIlroy-adversary inputs that exhaust the depth limit: numpy's heapsort fallback is covered.
  assert.is(rows.filter((row) => row.reachesHeapsort === true).length, 3);
  for (const row of rows) {
    const values = row.levels.map((level) => level * 0.5 - 1);
    assert.equal(Array.from(numpyArgsort(values)), row.argsort, `n=${values.length}`);
  }
});

test('descending order is the reversed ascending argsort (np.argsort(x)[::-1])', () => {
  assert.equal(Array.from(numpyArgsortDescending([0.5, 1, 1, 0])), [2, 1, 0, 3]);
});

test('bestTargetRank: count of greater scores without ties, the sort when ties decide', () => {
  assert.is(bestTargetRank([0.1, 0.9, 0.5, 0.7], [2]), 2);
  assert.is(bestTargetRank([0.1, 0.9, 0.5, 0.7], [0, 3]), 1);
  assert.is(bestTargetRank([1, 1, 1], [0]), 2); // numpy: argsort [0,1,2], reversed [2,1,0]
  assert.is(bestTargetRank([1, 2], []), 1e20);
  // exactBelow: with >= 2 strictly greater scores the tie is not resolved, the bound is returned.
  assert.is(bestTargetRank([5, 5, 1, 1, 1], [2], 2), 2);
  assert.is(bestTargetRank([5, 5, 1, 1, 1], [2]), 4);
  assert.throws(() => bestTargetRank([1, 2], [2]), /outside the row/);
  assert.throws(() => bestTargetRank([1, NaN], [0]), /index 1 is NaN/);
});

test('recallFromRanks: hand-computed example and LAVIS means', () => {
  const m = recallFromRanks([0, 4, 9, 1e20], [0, 1, 10, 5]);
  assert.is(m.txt_r1, 25);
  assert.is(m.txt_r5, 50);
  assert.is(m.txt_r10, 75);
  assert.is(m.img_r1, 25);
  assert.is(m.img_r5, 50);
  assert.is(m.img_r10, 75);
  assert.is(m.txt_r_mean, 50);
  assert.is(m.r_mean, 50);
  assert.is(m.agg_metrics, m.txt_r_mean);
  assert.throws(() => recallFromRanks([], [0]), /at least one text rank/);
  assert.throws(() => recallFromRanks([0.5], [0]), /text rank 0 is 0.5/);
});

test('retrievalRanks rejects shape mismatches', () => {
  assert.throws(() => retrievalRanks({ scoresI2t: [[1]], scoresT2i: [[1]], img2txt: [], txt2img: [0] }), /img2txt has 0 entries but scores_i2t has 1 rows/);
});

test.run();
