import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Xoshiro128 } from '../../../../reports/bootstrap/prng.js';

// Written by the independent Python implementation test/golden/reports/xoshiro128.py.
const golden = JSON.parse(readFileSync(new URL('../../../golden/reports/xoshiro128.json', import.meta.url), 'utf8')) as {
  fromState1234: number[];
  seeds: Record<string, { state: number[]; outputs: number[] }>;
};

const take = (rng: Xoshiro128, n: number): number[] => Array.from({ length: n }, () => rng.nextUint32());

test('xoshiro128** from state {1,2,3,4} matches the reference algorithm', () => {
  assert.equal(take(Xoshiro128.fromState([1, 2, 3, 4]), 8), golden.fromState1234);
});

test('seeded streams match the Python reference for every golden seed', () => {
  for (const [seed, expected] of Object.entries(golden.seeds)) {
    assert.equal(take(new Xoshiro128(Number(seed)), 8), expected.outputs, `seed ${seed}`);
  }
});

test('nextIndex stays in range and covers it roughly uniformly', () => {
  const rng = new Xoshiro128(7);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 50_000; i++) counts[rng.nextIndex(5)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 400, `count ${c}`); // ~4.5 sigma
});

test('rejects a non-integer seed and an all-zero state', () => {
  assert.throws(() => new Xoshiro128(1.5), /integer/);
  assert.throws(() => Xoshiro128.fromState([0, 0, 0, 0]), /all zero/);
});

test.run();
