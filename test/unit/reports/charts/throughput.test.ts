import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCharts } from '../../../../reports/charts/specs.js';
import { model, reportData, result, task } from './report-data.js';

type Spec = { title: { subtitle: string | string[] }; data: { values: { model: string; task: string; value: number }[] } };

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
  assert.match([tokens.title.subtitle].flat().join('\n'), 'no generated tokens');
});

test('the samples/s chart keeps ranking pairs', () => {
  assert.is(spec('throughput-samples').data.values.length, 3);
});

test('no tokens/s chart when no pair generates tokens (it would be an empty canvas under a title)', () => {
  const ranking = reportData([result(albef, vqa, { metrics: { vqa_accuracy: 50 }, generatedTokens: 0 })]);
  const names = buildCharts(ranking).map((c) => c.name);
  assert.not.ok(names.includes('throughput-tokens'), names.join(', '));
  assert.ok(names.includes('throughput-samples'));
});

test('a task that ran as one batch (warmupSamples 0): the speed and latency charts say warm-up is included', () => {
  const caption = task('cap', 'captioning', ['CIDEr']);
  const oneBatch = reportData([
    result(blip2, vqa, { metrics: { vqa_accuracy: 60 }, generatedTokens: 30 }),
    result(blip2, caption, { metrics: { CIDEr: 1 }, generatedTokens: 30, warmupSamples: 0 }),
  ]);
  const subtitle = (name: string): string => [(buildCharts(oneBatch).find((c) => c.name === name)!.spec as unknown as Spec).title.subtitle].flat().join('\n');
  for (const name of ['throughput-samples', 'throughput-tokens', 'latency']) {
    assert.match(subtitle(name), /warm-up\) excluded except where noted below|warm-up excluded except where noted below/, name);
    assert.match(subtitle(name), /warm-up included \(the task ran as one batch, timings.json warmupSamples 0\):\s*tiny-blip2-opt on cap/, name);
    assert.not.match(subtitle(name), /on vqa/, name);
  }
  // Every pair one batch: the subtitle no longer claims warm-up is excluded.
  const allOne = reportData([result(blip2, caption, { metrics: { CIDEr: 1 }, generatedTokens: 30, warmupSamples: 0 })]);
  const samples = [(buildCharts(allOne).find((c) => c.name === 'throughput-samples')!.spec as unknown as Spec).title.subtitle].flat().join('\n');
  assert.match(samples, /^each task ran as one batch, so warm-up is included/);
  assert.not.match(samples, /excluded/);
});

test.run();
