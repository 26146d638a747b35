/**
 * Candidate ranking: scores of given continuations under teacher forcing.
 *
 * - ALBEF/BLIP VQA (`rank_answers`, model-contracts §2.4/§3.5): stage 1 takes the k answers whose
 *   first word piece is most probable after the start token; stage 2 scores those k answers by
 *   minus the summed cross-entropy with label smoothing 0.1 (`BertLMHeadModel`, reduction
 *   "none"), predictions at t scoring the id at t+1, pads (id == pad) ignored.
 * - InstructBLIP (`predict_class`, §5.3): summed log-likelihood of the candidate tokens (Vicuna:
 *   candidate without BOS and without EOS; T5: candidate + `</s>`), no length normalisation.
 */
import { requireFiniteRange, requireFiniteScores } from './finite.js';
import { softmax } from './logits-processors.js';

/** The graph an AnswerDecoderRun runs (for error messages). */
const ROLE = 'answer_decoder';

/** Logits of several sequences: rows x length x vocab, row-major. */
export interface SequenceLogits {
  readonly data: Float32Array;
  readonly rows: number;
  readonly length: number;
  readonly vocab: number;
}

function logSoftmaxAt(data: Float32Array, base: number, vocab: number): { logSum: number } {
  let max = -Infinity;
  for (let i = base; i < base + vocab; i++) if (data[i]! > max) max = data[i]!;
  let sum = 0;
  for (let i = base; i < base + vocab; i++) sum += Math.exp(data[i]! - max);
  return { logSum: max + Math.log(sum) };
}

/**
 * -(summed label-smoothed CE) of one row, as LAVIS's BertLMHeadModel loss: position t predicts
 * ids[t+1]; targets equal to `padId` are ignored (LAVIS masks `input_ids == pad` to -100).
 * Per token: (1-eps)·(-log p_target) + eps·mean_j(-log p_j), torch's label_smoothing formula.
 */
export function labelSmoothedScore(logits: SequenceLogits, row: number, ids: readonly number[], padId: number, smoothing: number): number {
  const { length, vocab, data } = logits;
  let loss = 0;
  for (let t = 0; t + 1 < Math.min(ids.length, length + 1); t++) {
    const target = ids[t + 1]!;
    if (target === padId) continue;
    const base = (row * length + t) * vocab;
    const { logSum } = logSoftmaxAt(data, base, vocab);
    let sumLogProbs = 0;
    for (let j = base; j < base + vocab; j++) sumLogProbs += data[j]! - logSum;
    const nll = logSum - data[base + target]!;
    loss += (1 - smoothing) * nll + smoothing * (-sumLogProbs / vocab);
  }
  return -loss;
}

/** Summed log-probability of `targets[i]` predicted at position `positions[i]` of a row. */
export function sumLogLikelihood(logits: SequenceLogits, row: number, positions: readonly number[], targets: readonly number[]): number {
  if (positions.length !== targets.length) throw new Error(`sumLogLikelihood: ${positions.length} positions for ${targets.length} targets`);
  let total = 0;
  positions.forEach((t, i) => {
    const base = (row * logits.length + t) * logits.vocab;
    total += logits.data[base + targets[i]!]! - logSoftmaxAt(logits.data, base, logits.vocab).logSum;
  });
  return total;
}

/**
 * Stage 1 of rank_answers: softmax over the first-step logits, gathered at each answer's first
 * word piece (`answer_ids[:, 1]`), top k (best first; ties keep the lower answer index).
 */
export function topAnswersByFirstToken(firstLogits: Float32Array, answerFirstTokens: readonly number[], k: number): number[] {
  const probs = softmax(firstLogits);
  const order = answerFirstTokens.map((token, index) => ({ p: Math.fround(probs[token]!), index }));
  order.sort((a, b) => b.p - a.p || a.index - b.index);
  return order.slice(0, Math.min(k, order.length)).map((entry) => entry.index);
}

/**
 * The teacher-forced answer decoder: for each row, the question it belongs to and the answer ids
 * (with their mask); returns logits rows x length x vocab.
 */
export type AnswerDecoderRun = (questionOfRow: readonly number[], ids: readonly (readonly number[])[], mask: readonly (readonly number[])[]) => Promise<SequenceLogits>;

export interface AnswerRanking {
  /** Index into the answer list of the best answer. */
  readonly best: number;
  /** The k stage-2 candidates with their scores, best first. */
  readonly candidates: readonly { readonly index: number; readonly score: number }[];
}

export interface RankAnswersInput {
  readonly questions: number;
  /** Tokenized answer list, padded to one length; position 0 is the start token ([CLS] or [DEC]). */
  readonly answerIds: readonly (readonly number[])[];
  readonly answerMask: readonly (readonly number[])[];
  readonly k: number;
  readonly padId: number;
  /** LAVIS: 0.1. */
  readonly labelSmoothing: number;
  /**
   * Rows per teacher-forced decoder call in stage 2 (default 64): LAVIS scores questions x k rows
   * at once on a GPU; on a CPU the logits of all of them (x length x vocab) would not fit.
   */
  readonly rowsPerCall?: number;
}

/** ALBEF/BLIP two-stage answer ranking (rank_answers). */
export async function rankAnswers(run: AnswerDecoderRun, input: RankAnswersInput): Promise<AnswerRanking[]> {
  const { questions, answerIds, answerMask } = input;
  const startId = answerIds[0]?.[0];
  if (startId === undefined) throw new Error('rankAnswers: the answer list is empty');
  const questionRows = Array.from({ length: questions }, (_, q) => q);
  const first = await run(questionRows, questionRows.map(() => [startId]), questionRows.map(() => [1]));
  const firstTokens = answerIds.map((ids) => ids[1] ?? input.padId);
  const topk = questionRows.map((q) => {
    const base = q * first.length * first.vocab;
    requireFiniteRange(first.data, base, base + first.vocab, ROLE, `first-step logits of question ${q}`);
    return topAnswersByFirstToken(first.data.subarray(base, base + first.vocab), firstTokens, input.k);
  });
  const rowsQuestion = topk.flatMap((indices, q) => indices.map(() => q));
  const rowsAnswer = topk.flat();
  const scores: number[] = [];
  const chunk = input.rowsPerCall ?? 64;
  for (let start = 0; start < rowsAnswer.length; start += chunk) {
    const answers = rowsAnswer.slice(start, start + chunk);
    const logits = await run(rowsQuestion.slice(start, start + chunk), answers.map((a) => answerIds[a]!), answers.map((a) => answerMask[a]!));
    answers.forEach((a, row) => scores.push(labelSmoothedScore(logits, row, answerIds[a]!, input.padId, input.labelSmoothing)));
  }
  requireFiniteScores(scores, ROLE, 'stage-2 answer row');
  return topk.map((indices, q) => {
    const offset = topk.slice(0, q).reduce((n, list) => n + list.length, 0);
    const candidates = indices.map((index, i) => ({ index, score: scores[offset + i]! }));
    // torch argmax: the first maximum in stage-1 order.
    let best = candidates[0]!;
    for (const c of candidates) if (c.score > best.score) best = c;
    return { best: best.index, candidates: [...candidates].sort((a, b) => b.score - a.score) };
  });
}
