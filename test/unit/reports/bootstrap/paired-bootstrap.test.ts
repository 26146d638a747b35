import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pairedBootstrap, percentileInterval, quantileSorted, unpairedBootstrap } from '../../../../reports/bootstrap/paired-bootstrap.js';
import { Xoshiro128 } from '../../../../reports/bootstrap/prng.js';

const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

/** The exact bootstrap distribution of the mean paired difference: all n^n index tuples, equally likely. */
function exactDistribution(diffs: readonly number[]): Map<number, number> {
  const n = diffs.length;
  const dist = new Map<number, number>();
  const idx = new Array(n).fill(0);
  const total = n ** n;
  for (let t = 0; t < total; t++) {
    let rest = t;
    for (let k = 0; k < n; k++) {
      idx[k] = rest % n;
      rest = Math.floor(rest / n);
    }
    const value = Math.round(mean(idx.map((i) => diffs[i]!)) * 1e9) / 1e9;
    dist.set(value, (dist.get(value) ?? 0) + 1 / total);
  }
  return dist;
}

test('paired bootstrap of a mean difference matches the exact bootstrap distribution (n = 5)', () => {
  const base = [0, 100, 100, 0, 100];
  const current = [100, 100, 0, 0, 100];
  const diffs = current.map((c, i) => c - base[i]!);
  const exact = exactDistribution(diffs);
  const boot = pairedBootstrap(5, (idx) => mean(Array.from(idx, (i) => current[i]!)) - mean(Array.from(idx, (i) => base[i]!)), { replicates: 40_000, confidence: 0.95, seed: 3 });
  const observed = new Map<number, number>();
  for (const v of boot.replicates) {
    const key = Math.round(v * 1e9) / 1e9;
    observed.set(key, (observed.get(key) ?? 0) + 1 / boot.replicates.length);
  }
  for (const [value, p] of exact) {
    const sd = Math.sqrt((p * (1 - p)) / boot.replicates.length);
    assert.ok(Math.abs((observed.get(value) ?? 0) - p) < 5 * sd + 1e-12, `P(${value}) exact ${p} vs ${observed.get(value)}`);
  }
  for (const value of observed.keys()) assert.ok(exact.has(value), `impossible replicate value ${value}`);
  // Bootstrap variance of a mean = population variance / n (plug-in), here (1/5) * var(diffs).
  const mu = mean(diffs);
  const expectedVar = diffs.reduce((a, d) => a + (d - mu) ** 2, 0) / diffs.length / diffs.length;
  const reps = Array.from(boot.replicates);
  const m = mean(reps);
  const observedVar = reps.reduce((a, r) => a + (r - m) ** 2, 0) / reps.length;
  assert.ok(Math.abs(observedVar - expectedVar) / expectedVar < 0.03, `variance ${observedVar} vs ${expectedVar}`);
});

test('the interval equals a straightforward re-implementation with the same seed', () => {
  const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
  const stat = (idx: ArrayLike<number>): number => mean(Array.from(idx, (i) => values[i]!));
  const options = { replicates: 999, confidence: 0.9, seed: 11 };
  const boot = pairedBootstrap(values.length, stat, options);
  // Naive: same generator, same draw order, sort, type-7 quantiles written out by hand.
  const rng = new Xoshiro128(11);
  const reps: number[] = [];
  for (let b = 0; b < 999; b++) {
    let s = 0;
    for (let k = 0; k < values.length; k++) s += values[Math.floor((rng.nextUint32() / 2 ** 32) * values.length)]!;
    reps.push(s / values.length);
  }
  reps.sort((a, b) => a - b);
  const q = (p: number): number => {
    const h = (reps.length - 1) * p;
    return reps[Math.floor(h)]! + (h - Math.floor(h)) * (reps[Math.ceil(h)]! - reps[Math.floor(h)]!);
  };
  assert.ok(Math.abs(boot.interval[0] - q(0.05)) < 1e-12 && Math.abs(boot.interval[1] - q(0.95)) < 1e-12, `${boot.interval} vs ${q(0.05)},${q(0.95)}`);
  assert.equal(Array.from(boot.replicates).sort((a, b) => a - b), reps);
});

test('same seed reproduces, another seed differs', () => {
  const stat = (idx: ArrayLike<number>): number => mean(idx);
  const a = pairedBootstrap(20, stat, { replicates: 200, confidence: 0.95, seed: 1 });
  const b = pairedBootstrap(20, stat, { replicates: 200, confidence: 0.95, seed: 1 });
  const c = pairedBootstrap(20, stat, { replicates: 200, confidence: 0.95, seed: 2 });
  assert.equal(Array.from(a.replicates), Array.from(b.replicates));
  assert.not.equal(Array.from(a.replicates), Array.from(c.replicates));
});

test('type-7 quantiles and intervals on a known sample', () => {
  const sorted = [1, 2, 3, 4, 5];
  assert.is(quantileSorted(sorted, 0), 1);
  assert.is(quantileSorted(sorted, 0.5), 3);
  assert.is(quantileSorted(sorted, 0.1), 1.4); // numpy.percentile([1..5], 10) = 1.4
  assert.equal(percentileInterval(Float64Array.from([5, 1, 4, 2, 3]), 0.8), [1.4, 4.6]);
});

test('unpaired bootstrap of a ratio of means is centred on the point ratio', () => {
  const base = Array.from({ length: 200 }, (_, i) => 10 + (i % 7));
  const current = base.map((v) => v * 1.5);
  const boot = unpairedBootstrap(base.length, current.length, (bi, ci) => mean(Array.from(ci, (i) => current[i]!)) / mean(Array.from(bi, (i) => base[i]!)), { replicates: 2000, confidence: 0.95, seed: 5 });
  assert.ok(boot.interval[0] < 1.5 && boot.interval[1] > 1.5, `${boot.interval}`);
  assert.ok(boot.interval[0] > 1.4 && boot.interval[1] < 1.6, `${boot.interval}`);
});

test('rejects bad options', () => {
  assert.throws(() => pairedBootstrap(3, () => 0, { replicates: 1, confidence: 0.95, seed: 1 }), /replicates/);
  assert.throws(() => pairedBootstrap(3, () => 0, { replicates: 10, confidence: 1, seed: 1 }), /confidence/);
  assert.throws(() => pairedBootstrap(0, () => 0, { replicates: 10, confidence: 0.9, seed: 1 }), /at least one/);
});

test('strata: every replicate keeps each stratum\'s size and draws it from its own members', () => {
  const strata = [0, 0, 0, 1, 1];
  let replicates = 0;
  pairedBootstrap(5, (idx) => {
    const labels = Array.from(idx, (i) => strata[i]!);
    assert.equal([labels.filter((l) => l === 0).length, labels.filter((l) => l === 1).length], [3, 2]);
    replicates += 1;
    return 0;
  }, { replicates: 300, confidence: 0.9, seed: 3 }, strata);
  assert.is(replicates, 300);
  assert.throws(() => pairedBootstrap(5, () => 0, { replicates: 10, confidence: 0.9, seed: 3 }, [0, 1]), /2 stratum labels for 5 samples/);
});

test.run();
