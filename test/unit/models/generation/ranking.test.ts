import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { labelSmoothedScore, rankAnswers, sumLogLikelihood, topAnswersByFirstToken, type SequenceLogits } from '../../../../models/generation/ranking.js';

const logits = (rows: number[][][]): SequenceLogits => ({
  data: Float32Array.from(rows.flat(2)),
  rows: rows.length,
  length: rows[0]!.length,
  vocab: rows[0]![0]!.length,
});

test('label-smoothed CE (eps 0.1) per token: 0.9·nll + 0.1·mean(-log p), pads ignored', () => {
  // p = [0.25, 0.75]: nll(1) = 0.287682, mean(-log p) = (1.386294 + 0.287682) / 2 = 0.836988.
  const l = logits([[[0, Math.log(3)], [0, 0]]]);
  const expected = -(0.9 * 0.287682 + 0.1 * 0.836988);
  assert.ok(Math.abs(labelSmoothedScore(l, 0, [9, 1, 0], 0, 0.1) - expected) < 1e-5);
  // smoothing 0 is the plain log-likelihood
  assert.ok(Math.abs(labelSmoothedScore(l, 0, [9, 1], 0, 0) - Math.log(0.75)) < 1e-6);
});

test('sum of log-likelihoods at chosen positions', () => {
  const l = logits([[[0, Math.log(3)], [Math.log(4), 0]]]);
  assert.ok(Math.abs(sumLogLikelihood(l, 0, [0, 1], [1, 0]) - (Math.log(0.75) + Math.log(0.8))) < 1e-6);
});

test('stage 1 takes the answers whose first piece is most probable; ties keep list order', () => {
  const first = Float32Array.from([0, 3, 1, 3]);
  assert.equal(topAnswersByFirstToken(first, [2, 1, 3, 0, 1], 3), [1, 2, 4]);
});

test('two-stage ranking: stage 2 can overturn stage 1', async () => {
  // vocab 3: 0 pad, 1 start, 2 sep. Answers: [1, x, 2] with first pieces 0 and ... use vocab 4.
  const answerIds = [
    [1, 3, 2],
    [1, 2, 0],
  ];
  const run = async (_q: readonly number[], ids: readonly (readonly number[])[]): Promise<SequenceLogits> => {
    // First step: the start token predicts 3 (answer 0) over 2 (answer 1). Teacher-forced: after
    // 3 the model is unsure of the separator; answer 1 ends at once.
    const rows = ids.map((row) =>
      row.map((token) => (token === 1 ? [0, 0, 1, 2] : token === 3 ? [0, 0, 0, 0] : [0, 0, 0, 0])),
    );
    return logits(rows);
  };
  const [ranked] = await rankAnswers(run, { questions: 1, answerIds, answerMask: [[1, 1, 1], [1, 1, 0]], k: 2, padId: 0, labelSmoothing: 0 });
  // answer 0: log p(3|start) + log p(2|3) = log(e^2/(2+e+e^2)) + log(1/4); answer 1: log p(2|start).
  const z = 2 + Math.E + Math.E ** 2;
  const expected0 = 2 - Math.log(z) + Math.log(0.25);
  const expected1 = 1 - Math.log(z);
  assert.ok(expected1 > expected0);
  assert.is(ranked!.best, 1);
  assert.equal(ranked!.candidates.map((c) => c.index).sort(), [0, 1]);
  const byIndex = new Map(ranked!.candidates.map((c) => [c.index, c.score]));
  assert.ok(Math.abs(byIndex.get(0)! - expected0) < 1e-5 && Math.abs(byIndex.get(1)! - expected1) < 1e-5);
});

test.run();
