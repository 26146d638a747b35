import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  bannedNgramTokens,
  buildProcessors,
  buildWarpers,
  logSoftmaxRows,
  minLengthProcessor,
  noRepeatNgram,
  repetitionPenalty,
  temperatureWarper,
  topKWarper,
  topPWarper,
} from '../../../../models/generation/logits-processors.js';

const close = (a: ArrayLike<number>, b: readonly number[], eps = 1e-6) =>
  assert.ok(b.every((v, i) => (v === -Infinity ? a[i] === -Infinity : Math.abs(a[i]! - v) < eps)), `${Array.from(a).join(',')} vs ${b.join(',')}`);

test('repetition penalty: positive scores divided, negative multiplied, each held id once', () => {
  const scores = Float32Array.from([2, -1, 0.5, -3]);
  repetitionPenalty(2)([[0, 1, 1]], scores, 4);
  close(scores, [1, -2, 0.5, -3]);
});

test('repetition penalty on an empty held sequence (decoder-only first step) changes nothing', () => {
  const scores = Float32Array.from([2, -1]);
  repetitionPenalty(1.5)([[]], scores, 2);
  close(scores, [2, -1]);
});

test('min length: EOS is -inf only while the row holds fewer ids than minLength', () => {
  const scores = Float32Array.from([0, 1, 2, 0, 1, 2]);
  minLengthProcessor(3, [2])([[5, 6], [5, 6, 7]], scores, 3);
  close(scores, [0, 1, -Infinity, 0, 1, 2]);
});

test('no-repeat n-gram: bans the tokens that would complete an existing n-gram', () => {
  assert.equal(bannedNgramTokens([1, 2, 3, 1, 2], 3), [3]);
  assert.equal(bannedNgramTokens([1, 2, 3, 1, 2], 2), [3]);
  assert.equal(bannedNgramTokens([1, 2, 1, 4, 1], 2), [2, 4]);
  assert.equal(bannedNgramTokens([5], 3), []);
  const scores = new Float32Array(5);
  noRepeatNgram(2)([[1, 2, 1, 4, 1]], scores, 5);
  close(scores, [0, 0, -Infinity, 0, -Infinity]);
});

test('temperature divides every score', () => {
  const scores = Float32Array.from([2, 4, -1]);
  temperatureWarper(2)([[]], scores, 3);
  close(scores, [1, 2, -0.5]);
});

test('top-k keeps the k best and ties with the k-th', () => {
  const a = Float32Array.from([1, 3, 2, 5]);
  topKWarper(2)([[]], a, 4);
  close(a, [-Infinity, 3, -Infinity, 5]);
  const b = Float32Array.from([1, 2, 2, 0]);
  topKWarper(2)([[]], b, 4);
  close(b, [-Infinity, 2, 2, -Infinity]);
});

test('top-p removes the least likely tokens whose cumulative mass is <= 1 - p', () => {
  // probs 0.5 0.3 0.15 0.05; ascending cumulative 0.05 0.2 0.5 1.0; 1 - 0.75 = 0.25.
  const scores = Float32Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));
  topPWarper(0.75)([[]], scores, 4);
  close(scores, [Math.log(0.5), Math.log(0.3), -Infinity, -Infinity]);
  // The best token survives even when p is tiny.
  const one = Float32Array.from([0.5, 0.3, 0.2].map(Math.log));
  topPWarper(0.01)([[]], one, 3);
  close(one, [Math.log(0.5), -Infinity, -Infinity]);
});

test('log-softmax rows', () => {
  const scores = Float32Array.from([0, Math.log(3), 1, 1]);
  logSoftmaxRows(scores, 2);
  close(scores, [Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)]);
});

test('HF 4.33 builds only the processors a setting turns on, in its order', () => {
  assert.is(buildProcessors({ repetitionPenalty: 1, noRepeatNgramSize: 0, minLength: 0, eosIds: [2] }).length, 0);
  const all = buildProcessors({ repetitionPenalty: 2, noRepeatNgramSize: 2, minLength: 5, eosIds: [2] });
  assert.is(all.length, 3);
  // Order check: repetition penalty first (halves 4 -> 2), then min length (-inf on EOS).
  const scores = Float32Array.from([4, 1, 3]);
  for (const p of all) p([[0]], scores, 3);
  close(scores, [2, 1, -Infinity]);
  assert.is(buildWarpers({ temperature: 1, topK: 0, topP: 1 }).length, 0);
  assert.is(buildWarpers({ temperature: 0.7, topK: 50, topP: 0.9 }).length, 3);
});

test.run();
