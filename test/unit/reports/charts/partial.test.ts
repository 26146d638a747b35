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

// A value on 6 of 10 samples (4 failed), and a pair where every sample failed.
const broken = model('tiny-blip-broken', 'BLIP');
const allFailed = model('tiny-albef-allfail', 'ALBEF');
const partialData = reportData([
  ...data.results,
  result(broken, vqa, { metrics: { vqa_accuracy: 83.3 }, breakdowns: { perAnswerType: { other: 83.3 } }, counts: { requested: 10, scored: 6, failed: 4 } }),
  result(allFailed, vqa, { counts: { requested: 4, scored: 0, failed: 4 } }),
]);
type Row = { model: string; partial?: boolean };
type Spec = { title: { subtitle: string | string[] }; data: { values: Row[] }; spec: { layer?: { encoding: Record<string, unknown> }[]; encoding?: Record<string, unknown> } };
const spec = (name: string): Spec => buildCharts(partialData).find((c) => c.name === name)!.spec as unknown as Spec;
const subtitle = (s: Spec): string => [s.title.subtitle].flat().join('\n');

test('a value on fewer samples than requested is marked in the quality, Pareto and breakdown charts, as in the tables', async () => {
  for (const name of ['quality-by-task', 'quality-vs-throughput', 'breakdown-vqa-perAnswerType']) {
    const s = spec(name);
    const rows = s.data.values.filter((v) => v.partial);
    assert.ok(rows.length > 0, `${name}: the partial value is flagged`);
    assert.ok(s.data.values.filter((v) => !v.partial).length > 0, `${name}: whole values are not`);
    // Drawn lighter with an outline: an encoding reads the flag.
    const encodings = [...(s.spec.layer ?? []).map((l) => l.encoding), s.spec.encoding ?? {}];
    assert.ok(encodings.some((e) => JSON.stringify(e.fillOpacity ?? '').includes('datum.partial')), `${name}: partial values drawn lighter`);
    assert.match(subtitle(s), '† computed on fewer samples than requested', name);
    assert.match(subtitle(s), 'tiny-blip-broken on vqa 6/10 (4 failed)', name);
  }
  // The bar chart labels the bar itself with the mark, and the label is drawn.
  assert.ok(spec('quality-by-task').data.values.some((v) => v.model === 'tiny-blip-broken†'));
  const chart = buildCharts(partialData).find((c) => c.name === 'quality-by-task')!;
  assert.match((await renderSvg(chart.spec)).svg, 'tiny-blip-broken†');
});

test('a pair that scored nothing is named in the charts, not silently left out', () => {
  for (const name of ['quality-by-task', 'quality-vs-throughput', 'breakdown-vqa-perAnswerType', 'throughput-samples', 'latency']) {
    assert.match(subtitle(spec(name)), /not drawn, nothing scored: tiny-albef-allfail on vqa \(4 failed\)/, name);
  }
});

test('charts of whole values carry no partial note', () => {
  for (const chart of buildCharts(data)) assert.not.match(JSON.stringify((chart.spec as unknown as Spec).title.subtitle), /†|not drawn/, chart.name);
});

test.run();
