import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { numpyMean } from '../../../../reports/metrics/numpy-mean.js';
import { GOLDEN_DIR } from './caption-golden.js';

interface MeanCase {
  readonly values: readonly number[];
  readonly mean: number;
  readonly naiveMean: number;
}

const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, 'numpy-mean.json'), 'utf8')) as { numpy: string; cases: MeanCase[] };

test(`bit-identical to np.mean (numpy ${golden.numpy}) for lengths ${golden.cases.map((c) => c.values.length).join(', ')}`, () => {
  for (const { values, mean } of golden.cases) assert.is(numpyMean(values), mean, `length ${values.length}`);
});

test('the golden cases can tell pairwise from left-to-right summation', () => {
  assert.ok(golden.cases.some((c) => c.mean !== c.naiveMean));
});

test('the mean of an empty vector is NaN, as numpy gives', () => {
  assert.ok(Number.isNaN(numpyMean([])));
});

test.run();
