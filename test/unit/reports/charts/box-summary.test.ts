/**
 * The latency chart's box plots are summarised before they reach the spec: quartiles as Vega's
 * boxplot computes them (R type 7, numpy's default "linear" percentile), whiskers at the most
 * extreme values within 1.5 IQR, each outlier value once; so the chart's data is a few rows per
 * model and task, however many samples the task had.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { boxSummary } from '../../../../reports/charts/box-summary.js';
import { buildCharts } from '../../../../reports/charts/specs.js';
import { model, reportData, result, task } from './report-data.js';

test('quartiles, whiskers and outliers of small samples, worked by hand (numpy.percentile linear)', () => {
  // [1, 2, 3, 4, 100]: q1 2, median 3, q3 4; 1.5 IQR = 3, so 100 is out and the whiskers are 1 and 4.
  assert.equal(boxSummary([100, 3, 1, 4, 2]), { q1: 2, median: 3, q3: 4, lower: 1, upper: 4, outliers: [100], count: 5 });
  // [8, 10, 12, 20, 30]: q1 10, q3 20, reach 15: nothing is out.
  assert.equal(boxSummary([8, 10, 12, 20, 30]), { q1: 10, median: 12, q3: 20, lower: 8, upper: 30, outliers: [], count: 5 });
  // Positions between order statistics interpolate: n = 4, q1 at 0.75 -> 1 + 0.75 * (2 - 1).
  assert.equal(boxSummary([1, 2, 3, 4])!.q1, 1.75);
  // Seven batches at 1 ms and two at 50 ms: IQR 0, the two 50s are one outlier point.
  assert.equal(boxSummary([1, 1, 1, 1, 1, 1, 1, 50, 50])!.outliers, [50]);
  assert.is(boxSummary([]), null);
});

test('the latency chart carries summaries, not samples', () => {
  const one = result(model('tiny-blip', 'BLIP'), task('vqa', 'vqa', ['vqa_accuracy']), { metrics: { vqa_accuracy: 50 } });
  const samples = Array.from({ length: 40_000 }, (_, i) => [10, 12, 14][i % 3]!);
  const many = reportData([{ ...one, timing: { ...one.timing!, latencySamplesMs: samples } }]);
  const chart = buildCharts(many).find((c) => c.name === 'latency')!;
  const values = (chart.spec as { data: { values: { part: string; median?: number }[] } }).data.values;
  assert.equal(values.map((v) => v.part), ['box']);
  assert.is(values[0]!.median, 12);
});

test.run();
