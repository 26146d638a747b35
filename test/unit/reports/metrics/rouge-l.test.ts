import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeRougeL } from '../../../../reports/metrics/rouge-l.js';
import { CORPUS_NAMES, assertClose, scorerInput } from './caption-golden.js';

const TOLERANCE = 1e-12;

for (const name of CORPUS_NAMES) {
  test(`ROUGE-L matches pycocoevalcap on ${name}, corpus and per image`, () => {
    const { references, hypotheses, expected } = scorerInput(name);
    const result = computeRougeL(references, hypotheses);
    assertClose([result.corpus], [expected.metrics.ROUGE_L], TOLERANCE, `${name} ROUGE_L`);
    assertClose(result.perImage, expected.perImage.map((im) => im.ROUGE_L), TOLERANCE, `${name} ROUGE_L per image`);
  });
}

// harnesses-and-metrics.md §2.3: "" splits to [""], so empty vs empty has LCS 1.
test('an empty candidate scores 1 against an empty reference and 0 against a non-empty one', () => {
  assert.is(computeRougeL([['']], ['']).perImage[0], 1);
  assert.is(computeRougeL([['a dog']], ['']).perImage[0], 0);
});

test('precision and recall are maximised over references independently', () => {
  // ref 1 gives P = 1 (LCS 2 of 2), ref 2 gives R = 1 (LCS 1 of 1); F with b = 1.2 of P = R = 1 is 1.
  const result = computeRougeL([['x a b y z w', 'a']], ['a b']);
  assert.ok(Math.abs(result.perImage[0]! - 1) < 1e-15);
});

test.run();
