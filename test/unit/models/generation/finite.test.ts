import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-node';
import { requireFiniteScores } from '../../../../models/generation/finite.js';
import { lastPositionLogits } from '../../../../models/generation/onnx/tensors.js';
import { rankAnswers, type SequenceLogits } from '../../../../models/generation/ranking.js';

const logitsTensor = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);

test('step logits with a NaN fail naming the graph role and the fp16 cause', () => {
  // rows 2, seq 2, vocab 2: only the last position of each row is used, and the NaN is there.
  const tensor = logitsTensor([NaN, NaN, 0, 1, 0, 1, 2, NaN], [2, 2, 2]);
  assert.throws(() => lastPositionLogits(tensor, 'llm_decoder'), /llm_decoder returned NaN in its next-token logits of row 1 .*fp16.*export llm_decoder in float32/);
});

test('step logits with an infinity fail; a NaN at an unused position does not', () => {
  assert.throws(() => lastPositionLogits(logitsTensor([0, -Infinity], [1, 1, 2]), 'text_decoder'), /text_decoder returned -Infinity/);
  const ok = lastPositionLogits(logitsTensor([NaN, NaN, 0, 1], [1, 2, 2]), 'text_decoder');
  assert.equal([...ok.data], [0, 1]);
});

test('candidate scores that are not finite fail naming the role', () => {
  assert.throws(() => requireFiniteScores([-1, NaN], 'llm_decoder', 'candidate'), /llm_decoder gave a NaN score to candidate 1: .*float32/);
  requireFiniteScores([-1, -2], 'llm_decoder', 'candidate');
});

test('rankAnswers refuses NaN answer_decoder logits instead of choosing answer 0', async () => {
  const nan: SequenceLogits = { data: new Float32Array(2 * 3 * 4).fill(NaN), rows: 2, length: 3, vocab: 4 };
  const input = { questions: 1, answerIds: [[0, 1, 2], [0, 2, 1]], answerMask: [[1, 1, 1], [1, 1, 1]], k: 2, padId: 3, labelSmoothing: 0.1 };
  let message = '';
  try {
    await rankAnswers(async () => nan, input);
  } catch (error) {
    message = (error as Error).message;
  }
  assert.match(message, /answer_decoder returned NaN in its first-step logits of question 0/);
});

test.run();
