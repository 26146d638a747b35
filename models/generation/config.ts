/**
 * Decoding settings with Hugging Face `generate` semantics (transformers 4.27-4.33, the versions
 * LAVIS ran). Every field has the HF default unless a family's LAVIS evaluation default overrides
 * it in its manifest or the suite overrides it; the runner records which.
 *
 * How lengths are counted depends on the decoder kind (models/CONTRACT.md, "Length semantics"):
 * BLIP's BERT decoder counts prompt ids in maxLength/minLength, decoder-only LLMs fed
 * inputs_embeds count generated tokens only, T5 uses maxNewTokens and counts the start token in
 * minLength. The engine applies those rules; this object only carries the numbers.
 */
import { isSeed, MAX_SEED } from './prng.js';

export interface GenerationConfig {
  /** 1 = greedy (or plain sampling when doSample); >1 = beam search. */
  readonly numBeams: number;
  /** Sample from the (warped) distribution instead of taking the arg max. Not combined with beams. */
  readonly doSample: boolean;
  /** Maximum sequence length as the decoder kind counts it; ignored when maxNewTokens is set. */
  readonly maxLength: number;
  /** Maximum number of new tokens (T5 and LAVIS's `max_new_tokens` callers); undefined = use maxLength. */
  readonly maxNewTokens?: number | undefined;
  /** EOS is forbidden until the sequence (as the decoder kind counts it) reaches this length. */
  readonly minLength: number;
  /** Beam score = sum of log-probs / length^lengthPenalty. 0 = raw sum; <0 favours short. */
  readonly lengthPenalty: number;
  /** CTRL-style penalty on ids already in the sequence; 1 = off. */
  readonly repetitionPenalty: number;
  /** Forbid repeating any n-gram of this size; 0 = off. */
  readonly noRepeatNgramSize: number;
  /** HF `early_stopping`: LAVIS never sets it, so false (finish when no beam can improve). */
  readonly earlyStopping: boolean;
  /** Sampling: keep the k most likely tokens; 0 = off. */
  readonly topK: number;
  /** Sampling: nucleus probability mass; 1 = off. */
  readonly topP: number;
  /** Sampling: logits are divided by this; 1 = off. */
  readonly temperature: number;
  /** Seed of the sampling generator, so sampled runs are reproducible. */
  readonly seed: number;
}

/** Hugging Face's own defaults (GenerationConfig in transformers 4.33). */
export const HF_DEFAULT_GENERATION: GenerationConfig = {
  numBeams: 1,
  doSample: false,
  maxLength: 20,
  maxNewTokens: undefined,
  minLength: 0,
  lengthPenalty: 1.0,
  repetitionPenalty: 1.0,
  noRepeatNgramSize: 0,
  earlyStopping: false,
  topK: 50,
  topP: 1.0,
  temperature: 1.0,
  seed: 0,
};

/**
 * Rejects settings transformers 4.33 rejects (or that would silently mean something else), naming
 * the field. `source` says where the config came from (manifest path, suite file and pointer).
 */
export function checkGenerationConfig(config: GenerationConfig, source: string): void {
  const fail = (field: keyof GenerationConfig, rule: string) => {
    throw new Error(`${source}: generation.${field} = ${String(config[field])} is invalid: ${rule}`);
  };
  const isCount = (n: number) => Number.isInteger(n) && n >= 0;
  if (!Number.isInteger(config.numBeams) || config.numBeams < 1) fail('numBeams', 'use an integer >= 1');
  if (!isCount(config.maxLength) || config.maxLength < 1) fail('maxLength', 'use an integer >= 1');
  if (config.maxNewTokens !== undefined && (!isCount(config.maxNewTokens) || config.maxNewTokens < 1)) fail('maxNewTokens', 'use an integer >= 1 or leave it unset');
  if (!isCount(config.minLength)) fail('minLength', 'use an integer >= 0');
  if (!isCount(config.noRepeatNgramSize)) fail('noRepeatNgramSize', 'use an integer >= 0 (0 = off)');
  if (!isCount(config.topK)) fail('topK', 'use an integer >= 0 (0 = off)');
  if (!Number.isFinite(config.lengthPenalty)) fail('lengthPenalty', 'use a finite number (1 = HF default, 0 = raw sum)');
  if (!(config.repetitionPenalty > 0)) fail('repetitionPenalty', 'use a number > 0 (1 = off)');
  if (!(config.topP > 0 && config.topP <= 1)) fail('topP', 'use a number in (0, 1] (1 = off)');
  if (!(config.temperature > 0)) fail('temperature', 'use a number > 0 (1 = off)');
  if (!isSeed(config.seed)) fail('seed', `use an integer from 0 to ${MAX_SEED}`);
  if (config.doSample && config.numBeams > 1) {
    fail('doSample', 'beam sampling (doSample with numBeams > 1) is not supported; use numBeams 1 to sample or doSample false for beam search');
  }
}
