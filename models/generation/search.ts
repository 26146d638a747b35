/**
 * Greedy search, sampling and beam search over a StepDecoder, following transformers 4.33's
 * `greedy_search`, `sample` and `beam_search` step by step (model-contracts §0); the beam rules
 * that later releases changed come from beam-era.ts. `finalizeBeams` only runs for inputs a 4.x
 * era leaves unfinished at max length: under '5.x' the max-length step finishes every input.
 */
import { beamEraRules, type BeamEraRules, type TransformersEra } from './beam-era.js';
import { BeamHypotheses } from './beam-hypotheses.js';
import { checkGenerationConfig, type GenerationConfig } from './config.js';
import type { StepDecoderFactory, StepLogits } from './decoder.js';
import { applyAll, buildProcessors, buildWarpers, logSoftmaxRows, softmax, type LogitsProcessor } from './logits-processors.js';
import { createPrng, type Prng } from './prng.js';

export interface SpecialIds {
  /** Generation stops on any of these (BLIP [SEP] 102, OPT "\n" 50118, T5 </s> 1, Vicuna </s> 2). */
  readonly eosIds: readonly number[];
  /** Filler after a row has finished (HF pad_token_id). */
  readonly padId: number;
}

export interface GeneratedSequence {
  /** The ids generate holds at the end: initial ids + new ids (+ EOS when it ended on one). */
  readonly ids: number[];
  /** The new ids only (EOS included when generation ended on it). */
  readonly newIds: number[];
  /** Beam search: the length-normalised score of the returned hypothesis. */
  readonly score?: number;
}

export type { TransformersEra } from './beam-era.js';

export interface GenerateOptions {
  /** Which release's beam-search rules to follow (beam-era.ts). Default '4.29-4.35'. */
  readonly transformersEra?: TransformersEra;
}

/** HF: max_new_tokens counts from the initial ids; otherwise max_length counts everything. */
export function effectiveMaxLength(config: GenerationConfig, initialLength: number): number {
  return config.maxNewTokens !== undefined ? config.maxNewTokens + initialLength : config.maxLength;
}

function validate(config: GenerationConfig, factory: StepDecoderFactory): number {
  const lengths = new Set(factory.initialIds.map((ids) => ids.length));
  if (lengths.size > 1) throw new Error(`generate: initial ids of one call must share a length (got ${[...lengths].join(', ')}); pad the prompts`);
  if (factory.initialIds.length !== factory.inputs) throw new Error(`generate: ${factory.initialIds.length} initial id rows for ${factory.inputs} inputs`);
  checkGenerationConfig(config, 'generate');
  return [...lengths][0] ?? 0;
}

/**
 * Under a minLength above the longest sequence allowed, end-of-sequence is forbidden at every
 * step and every output runs to the limit. Planning refuses such settings where it can count the
 * held ids; BLIP's caption prompt is known only here, once tokenized.
 */
function checkReachableMinLength(config: GenerationConfig, initialLength: number, maxLength: number): void {
  if (config.minLength <= maxLength) return;
  const limit = config.maxNewTokens !== undefined
    ? `maxNewTokens ${config.maxNewTokens} after the ${initialLength} id${initialLength === 1 ? '' : 's'} the decoder starts from (minLength counts them)`
    : `maxLength ${config.maxLength}`;
  throw new Error(`generate: minLength ${config.minLength} can never be reached: ${limit} allows at most ${maxLength}, so end-of-sequence would be forbidden to every token; lower minLength to ${maxLength} or less, or raise ${config.maxNewTokens !== undefined ? 'maxNewTokens' : 'maxLength'}`);
}

export async function generate(factory: StepDecoderFactory, config: GenerationConfig, special: SpecialIds, options: GenerateOptions = {}): Promise<GeneratedSequence[]> {
  const initialLength = validate(config, factory);
  const maxLength = effectiveMaxLength(config, initialLength);
  checkReachableMinLength(config, initialLength, maxLength);
  const processors = buildProcessors({ ...config, eosIds: special.eosIds });
  if (config.numBeams > 1) {
    const rules = beamEraRules(options.transformersEra ?? '4.29-4.35');
    return beamSearch(factory, config, special, processors, maxLength, rules);
  }
  const warpers = config.doSample ? buildWarpers(config) : null;
  return greedyOrSample(factory, special, processors, warpers, maxLength, createPrng(config.seed));
}

function argmaxRow(scores: Float32Array, base: number, vocab: number): number {
  let best = 0;
  for (let i = 1; i < vocab; i++) if (scores[base + i]! > scores[base + best]!) best = i;
  return best;
}

function sampleRow(scores: Float32Array, base: number, vocab: number, prng: Prng): number {
  const probs = softmax(scores.subarray(base, base + vocab));
  let u = prng.next();
  for (let i = 0; i < vocab; i++) {
    u -= probs[i]!;
    if (u < 0 && probs[i]! > 0) return i;
  }
  for (let i = vocab - 1; i >= 0; i--) if (probs[i]! > 0) return i;
  throw new Error('sampling: every token has probability 0 after warping');
}

async function greedyOrSample(
  factory: StepDecoderFactory,
  special: SpecialIds,
  processors: readonly LogitsProcessor[],
  warpers: readonly LogitsProcessor[] | null,
  maxLength: number,
  prng: Prng,
): Promise<GeneratedSequence[]> {
  const decoder = await factory.open(1);
  try {
    const sequences = factory.initialIds.map((ids) => [...ids]);
    const endedAt: (number | null)[] = sequences.map(() => null);
    let logits = await decoder.first();
    for (;;) {
      const scores = Float32Array.from(logits.data);
      applyAll(processors, sequences, scores, logits.vocab);
      if (warpers !== null) applyAll(warpers, sequences, scores, logits.vocab);
      const tokens = sequences.map((seq, row) => {
        if (endedAt[row] !== null) return special.padId;
        const base = row * logits.vocab;
        return warpers === null ? argmaxRow(scores, base, logits.vocab) : sampleRow(scores, base, logits.vocab, prng);
      });
      tokens.forEach((token, row) => {
        sequences[row]!.push(token);
        if (endedAt[row] === null && special.eosIds.includes(token)) endedAt[row] = sequences[row]!.length;
      });
      if (endedAt.every((end) => end !== null) || sequences[0]!.length >= maxLength) break;
      logits = await decoder.next(null, tokens);
    }
    const initialLength = factory.initialIds[0]?.length ?? 0;
    return sequences.map((seq, row) => {
      const ids = seq.slice(0, endedAt[row] ?? seq.length);
      return { ids, newIds: ids.slice(initialLength) };
    });
  } finally {
    decoder.dispose();
  }
}

interface Candidate {
  readonly score: number;
  readonly beam: number;
  readonly token: number;
}

/** The k best (beam, token) pairs of one input, best first (torch.topk over beams x vocab). */
export function topCandidates(scores: Float32Array, firstRow: number, beams: number, vocab: number, k: number): Candidate[] {
  const best: Candidate[] = [];
  for (let beam = 0; beam < beams; beam++) {
    const base = (firstRow + beam) * vocab;
    for (let token = 0; token < vocab; token++) {
      const score = scores[base + token]!;
      if (best.length === k && score <= best[k - 1]!.score) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.score < score) at--;
      best.splice(at, 0, { score, beam, token });
      if (best.length > k) best.pop();
    }
  }
  return best;
}

interface BeamState {
  sequences: number[][];
  beamScores: Float32Array;
  readonly hypotheses: BeamHypotheses[];
  readonly done: boolean[];
}

async function beamSearch(
  factory: StepDecoderFactory,
  config: GenerationConfig,
  special: SpecialIds,
  processors: readonly LogitsProcessor[],
  maxLength: number,
  rules: BeamEraRules,
): Promise<GeneratedSequence[]> {
  const beams = config.numBeams;
  const decoder = await factory.open(beams);
  try {
    const state: BeamState = {
      sequences: factory.initialIds.flatMap((ids) => Array.from({ length: beams }, () => [...ids])),
      // Only the first beam of each input is live at the start (HF: -1e9 for the others).
      beamScores: Float32Array.from({ length: factory.inputs * beams }, (_, row) => (row % beams === 0 ? 0 : -1e9)),
      hypotheses: factory.initialIds.map(() => new BeamHypotheses(beams, config.lengthPenalty, config.earlyStopping)),
      done: factory.initialIds.map(() => false),
    };
    const initialLength = factory.initialIds[0]?.length ?? 0;
    const lengths: StepLengths = { initial: initialLength, max: maxLength };
    let logits = await decoder.first();
    for (;;) {
      const { sourceRows, tokens } = beamStep(state, logits, processors, special, beams, rules, lengths);
      state.sequences = sourceRows.map((source, row) => [...state.sequences[source]!, tokens[row]!]);
      if (state.done.every(Boolean) || state.sequences[0]!.length >= maxLength) break;
      logits = await decoder.next(sourceRows, tokens);
    }
    return finalizeBeams(state, factory, special, beams, maxLength, rules);
  } finally {
    decoder.dispose();
  }
}

interface StepLengths {
  readonly initial: number;
  readonly max: number;
}

/** One step of HF's beam search (4.x BeamSearchScorer.process, 5.x _update_finished_beams); updates scores, hypotheses, done flags. */
function beamStep(state: BeamState, logits: StepLogits, processors: readonly LogitsProcessor[], special: SpecialIds, beams: number, rules: BeamEraRules, lengths: StepLengths) {
  const vocab = logits.vocab;
  const scores = Float32Array.from(logits.data);
  logSoftmaxRows(scores, vocab);
  applyAll(processors, state.sequences, scores, vocab);
  for (let row = 0; row < logits.rows; row++) {
    const add = state.beamScores[row]!;
    for (let i = row * vocab; i < (row + 1) * vocab; i++) scores[i] = scores[i]! + add;
  }
  const held = state.sequences[0]!.length;
  const finishedLength = rules.finishedLength(held, lengths.initial);
  const reachesMax = rules.topRanksFinishAtMaxLength && held + 1 >= lengths.max;
  const k = Math.max(2, 1 + special.eosIds.length) * beams;
  const sourceRows: number[] = [];
  const tokens: number[] = [];
  const nextScores = new Float32Array(logits.rows);
  state.hypotheses.forEach((hypotheses, input) => {
    const firstRow = input * beams;
    if (state.done[input]) {
      for (let b = 0; b < beams; b++) sourceRows.push(firstRow), tokens.push(special.padId);
      return;
    }
    const candidates = topCandidates(scores, firstRow, beams, vocab, k);
    let kept = 0;
    for (const [rank, candidate] of candidates.entries()) {
      const sequence = state.sequences[firstRow + candidate.beam]!;
      if (special.eosIds.includes(candidate.token)) {
        if (rank >= beams) continue;
        hypotheses.add(rules.hypothesisKeepsEos ? [...sequence, candidate.token] : sequence, candidate.score, finishedLength);
      } else {
        if (reachesMax && rank < beams) hypotheses.add([...sequence, candidate.token], candidate.score, finishedLength);
        nextScores[firstRow + kept] = candidate.score;
        sourceRows.push(firstRow + candidate.beam);
        tokens.push(candidate.token);
        kept++;
      }
      if (kept === beams) break;
    }
    if (kept < beams) throw new Error(`beam search: only ${kept} of ${beams} beams continue; the vocabulary is too small for ${beams} beams`);
    const best = rules.doneFromContinuingBeam ? nextScores[firstRow]! : candidates[0]!.score;
    state.done[input] = reachesMax || hypotheses.isDone(best, rules.doneLength(held, lengths.initial));
  });
  state.beamScores = nextScores;
  return { sourceRows, tokens };
}

function finalizeBeams(state: BeamState, factory: StepDecoderFactory, special: SpecialIds, beams: number, maxLength: number, rules: BeamEraRules): GeneratedSequence[] {
  const initialLength = factory.initialIds[0]?.length ?? 0;
  return state.hypotheses.map((hypotheses, input) => {
    if (!state.done[input]) {
      for (let b = 0; b < beams; b++) hypotheses.add(state.sequences[input * beams + b]!, state.beamScores[input * beams + b]!);
    }
    const best = hypotheses.best();
    // 4.x finalize appends eos_token_id[0] when it fits; 5.x hypotheses already end on their token.
    const ids = !rules.hypothesisKeepsEos && best.ids.length < maxLength ? [...best.ids, special.eosIds[0]!] : [...best.ids];
    return { ids, newIds: ids.slice(initialLength), score: best.score };
  });
}

