import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { formatPythonRounded, pythonRound } from '../../../../reports/metrics/python-round.js';

const rows = JSON.parse(readFileSync(new URL('../../../golden/vqa/python-round.json', import.meta.url), 'utf8')) as { x: number; n: number; text: string }[];

test('formatPythonRounded equals Python 3 "%.*f" % round(x, n) on every golden value', () => {
  assert.ok(rows.length > 2000);
  for (const { x, n, text } of rows) assert.is(formatPythonRounded(x, n), text, `round(${x}, ${n})`);
});

test('exact ties go to even; near-ties follow the exact binary value', () => {
  assert.is(pythonRound(2.5, 0), 2);
  assert.is(pythonRound(3.5, 0), 4);
  assert.is(pythonRound(0.125, 2), 0.12);
  assert.is(pythonRound(0.375, 2), 0.38);
  assert.is(pythonRound(2.675, 2), 2.67); // 2.67499999999999982236431605997495353221893310546875
  assert.is(formatPythonRounded(-0.125, 2), '-0.12');
});

test('rejects non-finite values and bad digit counts', () => {
  assert.throws(() => formatPythonRounded(NaN, 2), /not a finite number/);
  assert.throws(() => formatPythonRounded(1, -1), /ndigits/);
});

test.run();
