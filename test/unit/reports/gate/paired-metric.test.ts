import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { scoreCaptions } from '../../../../reports/metrics/caption-scores.js';
import { ptbTokenizer } from '../../../../reports/gate/metric-defaults.js';
import { pairMetric } from '../../../../reports/gate/paired-metric.js';
import { snapshotRun } from '../../../../reports/gate/snapshot.js';
import { readRun } from '../../../../reports/run-reader.js';

const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const baseline = snapshotRun(readRun(`${runs}baseline`));
const regression = snapshotRun(readRun(`${runs}regression`));
const result = (snap: typeof baseline, model: string, task: string) => snap.results.find((r) => r.model === model && r.task === task)!;

test('caption corpus metrics on a resample equal the scorer on the materialised resampled corpus', () => {
  const base = result(baseline, 'blip2-opt-tiny', 'shapes-caption');
  const cur = result(regression, 'blip2-opt-tiny', 'shapes-caption');
  const indices = [0, 0, 3, 7, 7, 7, 12, 29, 15, 15, 2, 9];
  for (const metric of ['CIDEr', 'Bleu_4', 'Bleu_1', 'ROUGE_L']) {
    const paired = pairMetric(metric, base, cur, ptbTokenizer);
    // Independent route: a corpus where each drawn image appears under its own id (duplicates renamed).
    const refs = new Map<string, readonly string[]>();
    const preds = new Map<string, string>();
    indices.forEach((i, k) => {
      const c = cur.captions!.find((x) => x.sampleId === paired.ids[i])!;
      refs.set(`${c.sampleId}#${k}`, c.references);
      preds.set(`${c.sampleId}#${k}`, c.caption);
    });
    const direct = scoreCaptions(refs, preds, { tokenize: 'ptb' }).metrics[metric as 'CIDEr'];
    assert.ok(Math.abs(paired.current(indices) - direct) < 1e-12, `${metric}: ${paired.current(indices)} vs ${direct}`);
  }
});

test('on all samples in order, the recomputed values equal scores.json', () => {
  for (const [model, task, metric] of [['blip-tiny', 'shapes-caption', 'CIDEr'], ['albef-tiny', 'shapes-retrieval', 'r_mean'], ['albef-tiny', 'shapes-retrieval', 'img_r5'], ['blip2-t5-tiny', 'shapes-vqa', 'vqa_accuracy']] as const) {
    const base = result(baseline, model, task);
    const paired = pairMetric(metric, base, base, ptbTokenizer);
    const all = paired.ids.map((_, i) => i);
    assert.ok(Math.abs(paired.baseline(all) - base.metrics[metric]!) < 1e-9, `${model} ${metric}`);
  }
});

test('retrieval recall on a resample counts hits per direction', () => {
  const base = result(baseline, 'blip-tiny', 'shapes-retrieval');
  const paired = pairMetric('txt_r1', base, base, ptbTokenizer);
  const indices = [0, 1, 2, 40, 41, 0];
  const rows = indices.map((i) => base.ranks!.find((r) => r.sampleId === paired.ids[i])!);
  const text = rows.filter((r) => r.direction === 'i2t');
  const expected = (100 * text.filter((r) => r.rank < 1).length) / text.length;
  assert.is(paired.baseline(indices), expected);
});

test('no shared samples is an error that names the pair', () => {
  const base = result(baseline, 'blip-tiny', 'shapes-vqa');
  const renamed = { ...base, samples: base.samples.map((s) => ({ ...s, sampleId: `x${s.sampleId}` })) };
  assert.throws(() => pairMetric('vqa_accuracy', base, renamed, ptbTokenizer), /model 'blip-tiny', task 'shapes-vqa'.*no paired samples/);
});

test.run();
