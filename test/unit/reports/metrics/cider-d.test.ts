import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildNgramCorpus } from '../../../../reports/metrics/caption-ngrams.js';
import { computeCiderD } from '../../../../reports/metrics/cider-d.js';
import { CORPUS_NAMES, assertClose, scorerInput } from './caption-golden.js';

const TOLERANCE = 1e-9;

for (const name of CORPUS_NAMES) {
  test(`CIDEr-D matches pycocoevalcap on ${name}, corpus and per image`, () => {
    const { references, hypotheses, expected } = scorerInput(name);
    const result = computeCiderD(buildNgramCorpus(references, hypotheses));
    assertClose([result.corpus], [expected.metrics.CIDEr], TOLERANCE, `${name} CIDEr`);
    assertClose(result.perImage, expected.perImage.map((im) => im.CIDEr), TOLERANCE, `${name} CIDEr per image`);
  });
}

test('a single image scores 0 (ln N - ln df = 0 for every n-gram)', () => {
  const result = computeCiderD(buildNgramCorpus([['a dog runs on the grass']], ['a dog runs on the grass']));
  assert.is(result.corpus, 0);
});

test('references without any word make a clear error, as pycocoevalcap fails too', () => {
  assert.throws(() => computeCiderD(buildNgramCorpus([[''], ['  ']], ['a', 'b'])), /no reference in the evaluated set has any word/);
});

test('the score depends on the evaluated set (document frequencies come from it)', () => {
  const refs = [['a man riding a wave'], ['two dogs in the grass'], ['a plate of food']];
  const hyps = ['a man on a wave', 'two dogs', 'a plate'];
  const all = computeCiderD(buildNgramCorpus(refs, hyps)).perImage[0]!;
  const two = computeCiderD(buildNgramCorpus(refs.slice(0, 2), hyps.slice(0, 2))).perImage[0]!;
  assert.is.not(all, two);
});

test.run();
