import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { targetRank } from '../../../../reports/metrics/recall-at-k.js';
import type { TargetRank } from '../../../../reports/metrics/recall-at-k.js';
import { tieSpread } from '../../../../reports/metrics/recall-ties.js';

/**
 * The position of the best target when equal scores are ordered targets-first (or targets-last):
 * the two extremes of any tie order, computed by sorting rather than counting.
 */
function extremeRank(row: readonly number[], targets: readonly number[], targetsFirst: boolean): number {
  const isTarget = new Set(targets);
  const order = row.map((_, j) => j).sort((a, b) => {
    if (row[a] !== row[b]) return row[b]! - row[a]!;
    const ta = isTarget.has(a) ? 0 : 1;
    const tb = isTarget.has(b) ? 0 : 1;
    return targetsFirst ? ta - tb : tb - ta;
  });
  return order.findIndex((j) => isTarget.has(j));
}

test('targetRank: the tie range is first and last place among the best target\'s equals', () => {
  assert.equal(targetRank([1, 1, 1], [0]), { rank: 2, firstAmongTies: 0, lastAmongTies: 2 });
  // Two targets share the best score with one non-target: at worst one item comes before them.
  // numpy's generic argsort gives [3, 0, 1, 2], reversed [2, 1, 0, 3]: target 1 at position 1.
  assert.equal(targetRank([5, 5, 5, 1], [0, 1]), { rank: 1, firstAmongTies: 0, lastAmongTies: 1 });
  assert.equal(targetRank([0.1, 0.9, 0.5, 0.7], [2]), { rank: 2, firstAmongTies: 2, lastAmongTies: 2 });
  assert.equal(targetRank([1, 2], []), { rank: 1e20, firstAmongTies: 1e20, lastAmongTies: 1e20 });
  // Past exactBelow the rank is a lower bound, but the range stays exact.
  assert.equal(targetRank([5, 5, 1, 1, 1], [2], 2), { rank: 2, firstAmongTies: 2, lastAmongTies: 4 });
});

test('targetRank: on random tied rows the range equals the targets-first and targets-last sorts, and holds the rank', () => {
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let trial = 0; trial < 300; trial++) {
    const row = Array.from({ length: 1 + next(40) }, () => next(4));
    const targets = Array.from({ length: next(3) + 1 }, () => next(row.length));
    const range = targetRank(row, targets);
    assert.is(range.firstAmongTies, extremeRank(row, targets, true), `first ${row} / ${targets}`);
    assert.is(range.lastAmongTies, extremeRank(row, targets, false), `last ${row} / ${targets}`);
    assert.ok(range.firstAmongTies <= range.rank && range.rank <= range.lastAmongTies);
  }
});

test('tieSpread: recall ranges from every straddling query missing to every one hitting', () => {
  const q = (first: number, last: number): TargetRank => ({ rank: first, firstAmongTies: first, lastAmongTies: last });
  // Straddles K=1; straddles K=5; untied hit at 0; ties but beyond 10 (no cut-off affected).
  const spread = tieSpread('txt', [q(0, 2), q(3, 7), q(0, 0), q(12, 15)]);
  assert.is(spread.queries, 4);
  assert.is(spread.affected, 2);
  assert.equal(spread.ranges, [
    { key: 'txt_r1', min: 25, max: 50 },
    { key: 'txt_r5', min: 50, max: 75 },
  ]);
  assert.equal(tieSpread('img', [q(0, 0), q(4, 4)]).ranges, []);
  // A query whose tie covers rank 0..9 straddles 1 and 5 but is a hit at 10 in every order.
  assert.equal(tieSpread('img', [q(0, 9)]).ranges.map((r) => r.key), ['img_r1', 'img_r5']);
});

test('tieSpread: every score equal, as from a constant model: each recall can be anything from 0 to 100', () => {
  // 8 images x 16 texts, two GT texts each, all scores equal: a GT can be anywhere from 0 to 14.
  const row = new Array<number>(16).fill(0.25);
  const ranks = Array.from({ length: 8 }, (_, i) => targetRank(row, [2 * i, 2 * i + 1]));
  const spread = tieSpread('txt', ranks);
  assert.is(spread.affected, 8);
  assert.equal(spread.ranges, [
    { key: 'txt_r1', min: 0, max: 100 },
    { key: 'txt_r5', min: 0, max: 100 },
    { key: 'txt_r10', min: 0, max: 100 },
  ]);
});

test.run();
