import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCharts } from '../../../../reports/charts/specs.js';
import { renderSvg } from '../../../../reports/charts/render.js';
import { model, reportData, result, task } from './report-data.js';

const vqa = task('vqa', 'vqa', ['vqa_accuracy']);
const data = reportData([
  result(model('tiny-blip', 'BLIP'), vqa, { metrics: { vqa_accuracy: 50 }, breakdowns: { perAnswerType: { other: 50 } } }),
  result(model('tiny-blip2-opt', 'BLIP-2'), vqa, { metrics: { vqa_accuracy: 60 }, breakdowns: { perAnswerType: { other: 60 } } }),
]);
const titleText = (spec: unknown) => (spec as { title: { text: string } }).title.text;

test('a shard\'s charts say in their titles that they show partial results', async () => {
  const charts = buildCharts(data, { shards: ['0/2'] });
  assert.ok(charts.length >= 6);
  for (const chart of charts) {
    assert.match(chart.title, '(shard 0/2 only: partial results)', chart.name);
    assert.match(titleText(chart.spec), '(shard 0/2 only: partial results)', chart.name);
  }
  // The marker is drawn, not only written into the spec.
  assert.match((await renderSvg(charts[0]!.spec)).svg, 'shard 0/2 only: partial results');
});

test('charts of whole runs carry no shard marker', () => {
  for (const chart of buildCharts(data)) assert.not.match(titleText(chart.spec), 'shard', chart.name);
});

test.run();
