import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCharts } from '../../../../reports/charts/specs.js';
import { model, reportData, result, task } from './report-data.js';

type Spec = { title: { subtitle: string }; data: { values: { model: string; task: string; value: number }[] } };

const vqa = task('vqa', 'vqa', ['vqa_accuracy']);
const choice = task('choice', 'instruction', ['multiple_choice_accuracy']);
const [albef, blip2, t5] = [model('tiny-albef', 'ALBEF'), model('tiny-blip2-opt', 'BLIP-2'), model('tiny-instructblip-t5', 'InstructBLIP')];
// ALBEF ranks the answer list and multiple choice ranks the options: no token is generated.
const data = reportData([
  result(albef, vqa, { metrics: { vqa_accuracy: 50 }, generatedTokens: 0 }),
  result(blip2, vqa, { metrics: { vqa_accuracy: 60 }, generatedTokens: 30 }),
  result(t5, choice, { metrics: { multiple_choice_accuracy: 60 }, generatedTokens: 0 }),
]);
const charts = buildCharts(data);
const spec = (name: string) => charts.find((c) => c.name === name)!.spec as unknown as Spec;

test('ranking pairs (no generated tokens) are left out of the tokens/s chart, and its subtitle says so', () => {
  const tokens = spec('throughput-tokens');
  assert.equal(tokens.data.values.map((v) => `${v.model}/${v.task}`), ['tiny-blip2-opt/vqa']);
  assert.match(tokens.title.subtitle, 'no generated tokens');
});

test('the samples/s chart keeps ranking pairs', () => {
  assert.is(spec('throughput-samples').data.values.length, 3);
});

test.run();
