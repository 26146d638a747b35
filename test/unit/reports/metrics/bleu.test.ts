import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeBleu } from '../../../../reports/metrics/bleu.js';
import { buildNgramCorpus } from '../../../../reports/metrics/caption-ngrams.js';
import { CORPUS_NAMES, assertClose, scorerInput } from './caption-golden.js';

const TOLERANCE = 1e-12;

for (const name of CORPUS_NAMES) {
  test(`BLEU-1..4 match pycocoevalcap on ${name}, corpus and per image`, () => {
    const { references, hypotheses, expected } = scorerInput(name);
    const result = computeBleu(buildNgramCorpus(references, hypotheses));
    const keys = ['Bleu_1', 'Bleu_2', 'Bleu_3', 'Bleu_4'] as const;
    for (let k = 0; k < 4; k++) {
      const key = keys[k]!;
      assertClose([result.corpus[k]!], [expected.metrics[key]], TOLERANCE, `${name} ${key}`);
      assertClose(result.perImage[k]!, expected.perImage.map((im) => im[key]), TOLERANCE, `${name} ${key} per image`);
    }
  });
}

// Hand-checked against harnesses-and-metrics.md §2.2 (values from the Python code there).
test('a 2-word exact match gets the epsilon floor: Bleu_3 = 0.01, Bleu_4 = 0.001', () => {
  const result = computeBleu(buildNgramCorpus([['a dog']], ['a dog']));
  assert.ok(Math.abs(result.perImage[2]![0]! - 0.01) < 1e-9);
  assert.ok(Math.abs(result.perImage[3]![0]! - 0.001) < 1e-9);
});

test("'closest' ties go to the shorter reference (either order)", () => {
  // 4-word hypothesis, references of 3 and 5 words: reflen 3 means no brevity penalty.
  for (const refs of [['w x y', 'p q r s t'], ['p q r s t', 'w x y']]) {
    const result = computeBleu(buildNgramCorpus([refs], ['a b c d']));
    // no matches at all: Bleu_1 = 1e-15 / 4 without penalty
    assert.ok(Math.abs(result.perImage[0]![0]! / (1e-15 / (4 + 1e-9)) - 1) < 1e-12);
  }
});

test('an empty hypothesis scores 0 (the brevity penalty underflows)', () => {
  const result = computeBleu(buildNgramCorpus([['a dog']], ['']));
  for (let k = 0; k < 4; k++) assert.is(result.perImage[k]![0], 0);
});

test.run();
