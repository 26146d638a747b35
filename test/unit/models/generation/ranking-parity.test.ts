/**
 * Candidate ranking on the tiny graphs against PyTorch (test/golden/generation/ranking.json):
 * LAVIS rank_answers (first-token top-k, then label-smoothed summed CE) and InstructBLIP's
 * summed log-likelihood for a decoder-only and an encoder-decoder LLM.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { answerDecoderRun, scoreCandidatesDecoderOnly, scoreCandidatesEncoderDecoder } from '../../../../models/generation/onnx/candidate-scoring.js';
import { encodePrompts } from '../../../../models/generation/onnx/encoder-decoder.js';
import { float32 } from '../../../../models/generation/onnx/tensors.js';
import { rankAnswers } from '../../../../models/generation/ranking.js';
import { decoderOnlyGraphs, embeddedPrompts, encoderDecoderGraphs, golden, maxAbsDiff, session, type GoldenKind } from './tiny-graphs.js';

interface RankingGolden {
  answerRanking: {
    questionStates: number[];
    questionDims: [number, number, number];
    questionMask: number[][];
    answerIds: number[][];
    k: number;
    pad: number;
    labelSmoothing: number;
    topk: number[][];
    scores: number[];
    best: number[];
  };
  decoderOnly: { prompts: number[]; candidates: number[][][]; scores: number[] };
  encoderDecoder: { prompts: number[]; candidates: number[][][]; scores: number[] };
}

const g = golden<RankingGolden>('ranking');

test('ALBEF/BLIP two-stage answer ranking: same top-k, scores within 1e-4, same answer', async () => {
  const a = g.answerRanking;
  const run = answerDecoderRun(await session('bert_answer_decoder.onnx'), float32(Float32Array.from(a.questionStates), a.questionDims), a.questionMask);
  const answerMask = a.answerIds.map((ids) => ids.map((id) => (id === a.pad ? 0 : 1)));
  // rowsPerCall 4 splits the 15 stage-2 rows across calls, as for a real answer list.
  const ranked = await rankAnswers(run, { questions: a.questionDims[0], answerIds: a.answerIds, answerMask, k: a.k, padId: a.pad, labelSmoothing: a.labelSmoothing, rowsPerCall: 4 });
  assert.equal(
    ranked.map((r) => r.best),
    a.best,
  );
  ranked.forEach((r, q) => {
    const byIndex = new Map(r.candidates.map((c) => [c.index, c.score]));
    assert.equal([...byIndex.keys()].sort(), [...a.topk[q]!].sort(), `question ${q}: top-k answers`);
    const ours = a.topk[q]!.map((index) => byIndex.get(index)!);
    const diff = maxAbsDiff(ours, a.scores.slice(q * a.k, (q + 1) * a.k));
    assert.ok(diff < 1e-4, `question ${q}: max score difference ${diff}`);
  });
});

test('decoder-only candidate log-likelihoods (Vicuna predict_class) within 1e-4', async () => {
  const d = g.decoderOnly;
  const graphs = await decoderOnlyGraphs();
  const prompts = embeddedPrompts(golden<GoldenKind>('decoder-only'), d.prompts);
  const scores: number[] = [];
  // 3 candidates per call: the 4 candidates of a prompt span two calls of different lengths.
  for (const [i, prompt] of prompts.entries()) scores.push(...(await scoreCandidatesDecoderOnly(graphs, prompt, d.candidates[i]!, 1, 3)));
  const diff = maxAbsDiff(scores, d.scores);
  assert.ok(diff < 1e-4, `max difference ${diff}`);
});

test('encoder-decoder candidate log-likelihoods (T5 predict_class, candidate + </s>) within 1e-4', async () => {
  const e = g.encoderDecoder;
  const kind = golden<GoldenKind>('encoder-decoder');
  const graphs = await encoderDecoderGraphs();
  // Both prompts encoded in one padded batch: the padding mask must make this equal to encoding alone.
  const encoded = await encodePrompts(graphs, embeddedPrompts(kind, e.prompts), kind.pad);
  const scores: number[] = [];
  for (const i of e.prompts.keys()) {
    scores.push(...(await scoreCandidatesEncoderDecoder(graphs, encoded, i, e.candidates[i]!, { decoderStartId: 0, eosId: 1, padId: 0 }, 3)));
  }
  const diff = maxAbsDiff(scores, e.scores);
  assert.ok(diff < 1e-4, `max difference ${diff}`);
});

test.run();
