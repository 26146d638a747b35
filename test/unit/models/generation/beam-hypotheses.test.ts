import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BeamHypotheses } from '../../../../models/generation/beam-hypotheses.js';

test('score = sum / len^lp; only the numBeams best are kept', () => {
  const h = new BeamHypotheses(2, 1.0, false);
  h.add([5, 6], -2); // -1
  h.add([5, 6, 7, 8], -2); // -0.5
  h.add([5], -3); // -3: worse than the worst kept (-1), dropped
  assert.is(h.size, 2);
  h.add([5, 7], -1.2); // -0.6 replaces -1
  assert.is(h.size, 2);
  assert.equal(h.best(), { score: -0.5, ids: [5, 6, 7, 8] });
});

test('lengthPenalty 0 ranks raw sums; 2 divides by len^2; negative favours short', () => {
  const raw = new BeamHypotheses(1, 0, false);
  raw.add([1, 2, 3, 4], -2);
  raw.add([1], -1.5);
  assert.equal(raw.best().ids, [1]);
  const sq = new BeamHypotheses(1, 2, false);
  sq.add([1, 2], -2); // -0.5
  sq.add([1, 2, 3], -4); // -0.444..
  assert.ok(Math.abs(sq.best().score + 4 / 9) < 1e-12);
  const neg = new BeamHypotheses(1, -1, false);
  neg.add([1, 2], -1); // -2
  neg.add([1], -1.5); // -1.5
  assert.equal(neg.best().ids, [1]);
});

test('isDone (early_stopping false): worst kept >= best running sum / currentLength^lp', () => {
  const h = new BeamHypotheses(2, 1.0, false);
  h.add([1, 2], -1.2); // -0.6
  assert.is(h.isDone(-0.1, 5), false, 'fewer than numBeams hypotheses');
  h.add([1, 2, 3, 4], -2); // -0.5; worst -0.6
  assert.is(h.isDone(-3.5, 5), true); // -0.7 cannot beat -0.6
  assert.is(h.isDone(-2.5, 5), false); // -0.5 can
  assert.is(h.isDone(-3.0, 5), true); // -0.6: equal counts as done (>=)
});

test('early_stopping true: done as soon as numBeams hypotheses exist', () => {
  const h = new BeamHypotheses(1, 1.0, true);
  h.add([1], -5);
  assert.is(h.isDone(0, 3), true);
});

test('an empty hypothesis cannot be normalised (transformers raises ZeroDivisionError)', () => {
  const h = new BeamHypotheses(2, 1.0, false);
  assert.throws(() => h.add([], -1), /minLength >= 1/);
  const raw = new BeamHypotheses(2, 0, false);
  raw.add([], -1); // 0 ** 0 = 1 in Python too
  assert.is(raw.best().score, -1);
});

test.run();
