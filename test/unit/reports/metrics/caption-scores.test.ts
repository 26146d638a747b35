import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scoreCaptions } from '../../../../reports/metrics/caption-scores.js';
import { CORPUS_NAMES, METRIC_KEYS, assertClose, loadGolden } from './caption-golden.js';

const TOLERANCE: Record<(typeof METRIC_KEYS)[number], number> = {
  Bleu_1: 1e-12,
  Bleu_2: 1e-12,
  Bleu_3: 1e-12,
  Bleu_4: 1e-12,
  ROUGE_L: 1e-12,
  CIDEr: 1e-9,
};

for (const name of CORPUS_NAMES) {
  test(`scoreCaptions reproduces pycocoevalcap end to end on ${name} (raw captions, tokenize=${name.includes('ptb') ? 'ptb' : 'none'})`, () => {
    const { corpus, expected } = loadGolden(name);
    const references = new Map(corpus.images.map((im) => [im.id, im.refs] as const));
    const predictions = new Map(corpus.images.map((im) => [im.id, im.pred] as const));
    const scores = scoreCaptions(references, predictions, { tokenize: corpus.tokenize });
    assert.equal([...scores.perImage.keys()], corpus.images.map((im) => im.id));
    for (const key of METRIC_KEYS) {
      assertClose([scores.metrics[key]], [expected.metrics[key]], TOLERANCE[key], `${name} ${key}`);
      const perImage = expected.perImage.map((im) => scores.perImage.get(im.id)![key]);
      assertClose(perImage, expected.perImage.map((im) => im[key]), TOLERANCE[key], `${name} ${key} per image`);
    }
  });
}

test('PTB tokenization is the default', () => {
  const refs = new Map([['1', ['A Dog, running.']], ['2', ['Two cats.']]]);
  const preds = new Map([['1', 'a dog running'], ['2', 'two cats']]);
  const scores = scoreCaptions(refs, preds);
  assert.is(scores.perImage.get('1')!.Bleu_1 > 0.99, true);
  const raw = scoreCaptions(refs, preds, { tokenize: 'none' });
  assert.ok(raw.perImage.get('1')!.Bleu_1 < 0.99);
});

test('a prediction without references is an error naming the image id', () => {
  assert.throws(
    () => scoreCaptions(new Map([['1', ['a dog']]]), new Map([['1', 'a dog'], ['42', 'a cat']])),
    /image id "42" has a prediction but no references/,
  );
});

test('references without a prediction are an error naming the image id', () => {
  assert.throws(
    () => scoreCaptions(new Map([['1', ['a dog']], ['7', ['a cat']]]), new Map([['1', 'a dog']])),
    /image id "7" has references but no prediction/,
  );
});

test('an image with zero references is an error naming the image id', () => {
  assert.throws(() => scoreCaptions(new Map([['3', []]]), new Map([['3', 'a dog']])), /image id "3" has zero references/);
});

test('no predictions at all is an error', () => {
  assert.throws(() => scoreCaptions(new Map(), new Map()), /no predictions/);
});

test.run();
