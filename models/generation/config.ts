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
