import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { METRICS, METRIC_NAMES, UnavailableMetricError, UnknownMetricError, didYouMean, lookupMetric } from '../../../../reports/metrics/registry.js';
import { RETRIEVAL_METRIC_KEYS } from '../../../../reports/metrics/recall-at-k.js';

test('every name maps to its own entry', () => {
  for (const name of METRIC_NAMES) assert.is(METRICS[name].name, name);
  assert.is(METRIC_NAMES.length, 19); // 4 BLEU, ROUGE_L, CIDEr, 3 QA accuracies, 10 LAVIS retrieval keys
});

test('the registry covers every key recall-at-k produces, all percent, higher is better', () => {
  for (const key of RETRIEVAL_METRIC_KEYS) {
    const info = lookupMetric(key);
    assert.is(info.scale, 'percent');
    assert.ok(info.higherIsBetter);
    assert.equal(info.taskKinds, ['retrieval']);
  }
});

test('caption metrics are on the pycocoevalcap fraction scale; VQA on percent', () => {
  for (const name of ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4', 'ROUGE_L', 'CIDEr']) {
    assert.is(lookupMetric(name).scale, 'fraction', name);
    assert.equal(lookupMetric(name).taskKinds, ['captioning'], name);
  }
  assert.is(lookupMetric('vqa_accuracy').scale, 'percent');
  assert.ok(lookupMetric('vqa_accuracy').reference.includes('vqa_eval.py'));
});

test('METEOR and SPICE give a clear "not available" error naming the missing jar', () => {
  assert.throws(() => lookupMetric('METEOR'), (e: unknown) => e instanceof UnavailableMetricError && /METEOR 1\.5 Java jar/.test(e.message) && /does not approximate/.test(e.message));
  assert.throws(() => lookupMetric('SPICE'), (e: unknown) => e instanceof UnavailableMetricError && /SPICE 1\.0 Java jar/.test(e.message));
  assert.throws(() => lookupMetric('meteor'), (e: unknown) => e instanceof UnavailableMetricError);
});

test('typos get a did-you-mean; names are case-sensitive', () => {
  assert.throws(() => lookupMetric('cider'), (e: unknown) => e instanceof UnknownMetricError && /Did you mean 'CIDEr'\?/.test(e.message));
  assert.throws(() => lookupMetric('Bleu4'), /Did you mean 'Bleu_4'/);
  assert.throws(() => lookupMetric('txt_r_1'), /Did you mean 'txt_r1'/);
  assert.throws(() => lookupMetric('completely-different'), (e: unknown) => e instanceof Error && !/Did you mean/.test(e.message));
  assert.throws(() => lookupMetric('toString'), (e: unknown) => e instanceof UnknownMetricError);
  assert.equal(didYouMean('rouge', ['ROUGE_L', 'CIDEr']), ['ROUGE_L']);
});

test.run();
