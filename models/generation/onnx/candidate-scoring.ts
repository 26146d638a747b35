/**
 * Candidate ranking on ONNX graphs (models/generation/ranking.ts has the scoring rules):
 * - `answer_decoder` runs for ALBEF/BLIP's two-stage answer ranking;
 * - InstructBLIP's `predict_class` with a decoder-only LLM (full pass over [prefix ; prompt ;
 *   candidate], plain position ids 0..L-1, right padding) or with T5 (decoder fed
 *   [start ; candidate], labels candidate + </s>).
 */
import type * as ort from 'onnxruntime-node';
import type { AnswerDecoderRun, SequenceLogits } from '../ranking.js';
import { requireFiniteScores } from '../finite.js';
import { sumLogLikelihood } from '../ranking.js';
import { rightPaddedPrefixEmbeds, type DecoderOnlyGraphs, type EmbeddedPrompt } from './decoder-only.js';
import type { EncodedInputs, EncoderDecoderGraphs } from './encoder-decoder.js';
import { asFloat32 } from './float16.js';
import { KvCache } from './kv-cache.js';
import { asInputType, floatInput, gatherRows, int64, requireOutput } from './tensors.js';

function asSequenceLogits(tensor: ort.Tensor): SequenceLogits {
  const [rows, length, vocab] = tensor.dims as [number, number, number];
  return { data: asFloat32(tensor), rows, length, vocab };
}

/**
 * The teacher-forced `answer_decoder` over the question states of each row's question.
 * `questionStates` is [questions, encSeq, hidden]; `questionMask` [questions][encSeq].
 */
export function answerDecoderRun(session: ort.InferenceSession, questionStates: ort.Tensor, questionMask: readonly (readonly number[])[]): AnswerDecoderRun {
  return async (questionOfRow, ids, mask) => {
    const outputs = await session.run({
      input_ids: int64(ids),
      attention_mask: int64(mask),
      encoder_hidden_states: gatherRows(asInputType(session, 'encoder_hidden_states', questionStates), questionOfRow),
      encoder_attention_mask: int64(questionOfRow.map((q) => questionMask[q]!)),
    });
    return asSequenceLogits(requireOutput(outputs, 'logits', 'answer_decoder'));
  };
}

/** Candidates per graph call: the logits (candidates x length x vocab) of a call must fit in memory. */
const CANDIDATES_PER_CALL = 16;

async function inChunks(candidates: readonly (readonly number[])[], perCall: number, score: (chunk: readonly (readonly number[])[]) => Promise<number[]>): Promise<number[]> {
  const scores: number[] = [];
  for (let start = 0; start < candidates.length; start += perCall) scores.push(...(await score(candidates.slice(start, start + perCall))));
  return scores;
}

/** Summed log-likelihood of each candidate after [prefix ; prompt] (Vicuna: no BOS, no EOS in the candidate). */
export function scoreCandidatesDecoderOnly(
  graphs: DecoderOnlyGraphs,
  prompt: EmbeddedPrompt,
  candidates: readonly (readonly number[])[],
  padId: number,
  candidatesPerCall = CANDIDATES_PER_CALL,
): Promise<number[]> {
  return inChunks(candidates, candidatesPerCall, (chunk) => scoreDecoderOnlyCall(graphs, prompt, chunk, padId));
}

async function scoreDecoderOnlyCall(
  graphs: DecoderOnlyGraphs,
  prompt: EmbeddedPrompt,
  candidates: readonly (readonly number[])[],
  padId: number,
): Promise<number[]> {
  const { hidden } = graphs;
  const rows = candidates.map((c) => ({ prefixEmbeds: prompt.prefixEmbeds, ids: [...prompt.promptIds, ...c] }));
  const { embeds, seq, prefix, mask } = await rightPaddedPrefixEmbeds(graphs, rows, padId);
  const cache = new KvCache(graphs.kvCache, candidates.length, 'llm_decoder', graphs.decoder);
  try {
    const outputs = await graphs.decoder.run({
      inputs_embeds: floatInput(graphs.decoder, 'inputs_embeds', embeds, [candidates.length, seq, hidden]),
      attention_mask: int64(mask),
      position_ids: int64(rows.map(() => Array.from({ length: seq }, (_, i) => i))),
      ...cache.feeds(),
    });
    const logits = asSequenceLogits(requireOutput(outputs, 'logits', 'llm_decoder'));
    const start = prefix + prompt.promptIds.length;
    const scores = candidates.map((c, r) => sumLogLikelihood(logits, r, c.map((_, j) => start + j - 1), c));
    requireFiniteScores(scores, 'llm_decoder', 'candidate');
    return scores;
  } finally {
    cache.dispose();
  }
}

/** Summed log-likelihood of candidate + EOS under the T5 decoder, for input `input` of `encoded`. */
export function scoreCandidatesEncoderDecoder(
  graphs: EncoderDecoderGraphs,
  encoded: EncodedInputs,
  input: number,
  candidates: readonly (readonly number[])[],
  ids: { readonly decoderStartId: number; readonly eosId: number; readonly padId: number },
  candidatesPerCall = CANDIDATES_PER_CALL,
): Promise<number[]> {
  return inChunks(candidates, candidatesPerCall, (chunk) => scoreEncoderDecoderCall(graphs, encoded, input, chunk, ids));
}

async function scoreEncoderDecoderCall(
  graphs: EncoderDecoderGraphs,
  encoded: EncodedInputs,
  input: number,
  candidates: readonly (readonly number[])[],
  ids: { readonly decoderStartId: number; readonly eosId: number; readonly padId: number },
): Promise<number[]> {
  const labels = candidates.map((c) => [...c, ids.eosId]);
  const longest = Math.max(...labels.map((l) => l.length));
  const decoderIds = candidates.map((c) => [ids.decoderStartId, ...c, ...new Array<number>(longest - c.length - 1).fill(ids.padId)]);
  const rows = candidates.map(() => input);
  const cache = new KvCache(graphs.kvCache, candidates.length, 'llm_decoder', graphs.decoder);
  try {
    const outputs = await graphs.decoder.run({
      input_ids: int64(decoderIds),
      encoder_hidden_states: gatherRows(asInputType(graphs.decoder, 'encoder_hidden_states', encoded.states), rows),
      encoder_attention_mask: int64(rows.map((r) => encoded.mask[r]!)),
      ...cache.feeds(),
    });
    const logits = asSequenceLogits(requireOutput(outputs, 'logits', 'llm_decoder'));
    const scores = labels.map((l, r) => sumLogLikelihood(logits, r, l.map((_, j) => j), l));
    requireFiniteScores(scores, 'llm_decoder', 'candidate');
    return scores;
  } finally {
    cache.dispose();
  }
}
