import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCharts } from '../../../../reports/charts/specs.js';
import { renderSvg } from '../../../../reports/charts/render.js';
import { model, reportData, result, task } from './report-data.js';

const blip = model('tiny-blip', 'BLIP');
const t5 = model('tiny-instructblip-t5', 'InstructBLIP');

function breakdown(chartName: string, data = reportData([])) {
  const chart = buildCharts(data).find((c) => c.name === chartName);
  assert.ok(chart, `${chartName} exists`);
  return { chart, spec: chart.spec as unknown as { title: { text: string }; encoding?: { y: { title: string } }; spec?: { encoding: { y: { title: string } } } } };
}

test('a breakdown of a named metric is titled by that metric, not by the task headline metric', () => {
  // Instruction tasks headline vqa_accuracy when they report it; this breakdown splits exact_match.
  const open = task('open-both', 'instruction', ['exact_match', 'vqa_accuracy']);
  const data = reportData([result(t5, open, { metrics: { exact_match: 20, vqa_accuracy: 30 }, breakdowns: { 'exact_match.perCategory': { colour: 10, count: 30 } } })]);
  const { chart, spec } = breakdown('breakdown-open-both-exact_match.perCategory', data);
  assert.is(chart.title, 'open-both: exact_match per category');
  assert.is(spec.title.text, 'open-both: exact_match per category');
  assert.is((spec.encoding ?? spec.spec!.encoding).y.title, 'exact_match');
});

test('an unprefixed breakdown is VQA accuracy\'s when the task reports it', () => {
  const vqa = task('vqa-both', 'vqa', ['exact_match', 'vqa_accuracy']);
  const data = reportData([result(blip, vqa, { metrics: { exact_match: 20, vqa_accuracy: 30 }, breakdowns: { perAnswerType: { 'yes/no': 10, other: 30 } } })]);
  const { chart, spec } = breakdown('breakdown-vqa-both-perAnswerType', data);
  assert.is(chart.title, 'vqa-both: vqa_accuracy per answer type');
  assert.is((spec.encoding ?? spec.spec!.encoding).y.title, 'vqa_accuracy');
});

test('models of one family are told apart by name, and the legend lists only the families drawn', async () => {
  const vqa = task('vqa', 'vqa', ['vqa_accuracy']);
  const [opt, t5b] = [model('tiny-blip2-opt', 'BLIP-2'), model('tiny-blip2-t5', 'BLIP-2')];
  const albef = model('tiny-albef', 'ALBEF');
  const data = reportData([
    result(opt, vqa, { metrics: { vqa_accuracy: 50 }, breakdowns: { perAnswerType: { 'yes/no': 40, other: 60 } } }),
    result(t5b, vqa, { metrics: { vqa_accuracy: 70 }, breakdowns: { perAnswerType: { 'yes/no': 80, other: 60 } } }),
    // In the report (the quality chart) but without this breakdown.
    result(albef, vqa, { metrics: { vqa_accuracy: 60 } }),
  ]);
  const { chart } = breakdown('breakdown-vqa-perAnswerType', data);
  const { svg } = await renderSvg(chart.spec);
  for (const name of ['tiny-blip2-opt', 'tiny-blip2-t5']) assert.match(svg, `>${name}</text>`, `${name} is labelled`);
  assert.match(svg, '>BLIP-2</text>');
  assert.not.match(svg, '>ALBEF</text>', 'ALBEF draws nothing here, so it is not in the legend');
});

test.run();
