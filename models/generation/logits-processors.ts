/**
 * Logits processors and warpers with transformers 4.33 semantics. Each works in place on the
 * scores of all rows, `scores[row * vocab + token]`, given the ids each row holds so far (the
 * sequence `generate` holds: see models/CONTRACT.md section 6 for what that is per decoder kind).
 *
 * Greedy search and sampling apply the processors to raw logits; beam search applies them to
 * log-softmax scores and accumulates the processed values (model-contracts §0 (a)).
 */

export type Sequences = readonly (readonly number[])[];

/** Mutates `scores` for every row. */
export type LogitsProcessor = (sequences: Sequences, scores: Float32Array, vocab: number) => void;

/** CTRL-style: an id the row already holds has its score divided by p when positive, multiplied when negative. */
export function repetitionPenalty(penalty: number): LogitsProcessor {
  return (sequences, scores, vocab) => {
    sequences.forEach((ids, row) => {
      const base = row * vocab;
      // HF gathers then scatters, so an id that occurs twice is still penalised once.
      for (const id of new Set(ids)) {
        const s = scores[base + id]!;
        scores[base + id] = s < 0 ? s * penalty : s / penalty;
      }
    });
  };
}

/** EOS gets -inf while the row holds fewer than `minLength` ids. */
export function minLengthProcessor(minLength: number, eosIds: readonly number[]): LogitsProcessor {
  return (sequences, scores, vocab) => {
    sequences.forEach((ids, row) => {
      if (ids.length >= minLength) return;
      for (const eos of eosIds) scores[row * vocab + eos] = -Infinity;
    });
  };
}

/** Ids that would complete an n-gram the row already contains (HF _calc_banned_ngram_tokens). */
export function bannedNgramTokens(ids: readonly number[], n: number): number[] {
  const len = ids.length;
  if (len + 1 < n) return [];
  const prefix = ids.slice(len + 1 - n, len).join(',');
  const banned: number[] = [];
  for (let start = 0; start + n <= len; start++) {
    if (ids.slice(start, start + n - 1).join(',') === prefix) banned.push(ids[start + n - 1]!);
  }
  return banned;
}

export function noRepeatNgram(n: number): LogitsProcessor {
  return (sequences, scores, vocab) => {
    sequences.forEach((ids, row) => {
      for (const id of bannedNgramTokens(ids, n)) scores[row * vocab + id] = -Infinity;
    });
  };
}

export function temperatureWarper(temperature: number): LogitsProcessor {
  return (_sequences, scores) => {
    for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! / temperature;
  };
}

/** Keeps the k best scores of each row (ties with the k-th kept, as HF's `<` test), rest -inf. */
export function topKWarper(topK: number, minTokensToKeep = 1): LogitsProcessor {
  return (_sequences, scores, vocab) => {
    const k = Math.min(Math.max(topK, minTokensToKeep), vocab);
    for (let base = 0; base < scores.length; base += vocab) {
      const row = scores.subarray(base, base + vocab);
      const kth = Float32Array.from(row).sort().at(vocab - k)!;
      for (let i = 0; i < vocab; i++) if (row[i]! < kth) row[i] = -Infinity;
    }
  };
}

/**
 * Nucleus filtering as HF 4.33: sort ascending, cumulative softmax, drop tokens whose cumulative
 * mass (from the least likely upwards) is <= 1 - topP, always keeping the `minTokensToKeep` best.
 */
export function topPWarper(topP: number, minTokensToKeep = 1): LogitsProcessor {
  return (_sequences, scores, vocab) => {
    for (let base = 0; base < scores.length; base += vocab) {
      const row = scores.subarray(base, base + vocab);
      const order = Array.from({ length: vocab }, (_, i) => i).sort((a, b) => row[a]! - row[b]! || a - b);
      const probs = softmax(Float64Array.from(order, (i) => row[i]!));
      let cumulative = 0;
      for (let rank = 0; rank < vocab - minTokensToKeep; rank++) {
        cumulative += probs[rank]!;
        if (cumulative <= 1 - topP) row[order[rank]!] = -Infinity;
      }
    }
  };
}

export function softmax(values: Float64Array | Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  const out = new Float64Array(values.length);
  if (max === -Infinity) return out;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += out[i] = Math.exp(values[i]! - max);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

/** Row-wise log-softmax in place (what beam search scores are built from). */
export function logSoftmaxRows(scores: Float32Array, vocab: number): void {
  for (let base = 0; base < scores.length; base += vocab) {
    let max = -Infinity;
    for (let i = base; i < base + vocab; i++) if (scores[i]! > max) max = scores[i]!;
    let sum = 0;
    for (let i = base; i < base + vocab; i++) sum += Math.exp(scores[i]! - max);
    const logSum = max + Math.log(sum);
    for (let i = base; i < base + vocab; i++) scores[i] = scores[i]! - logSum;
  }
}

export interface ProcessorSettings {
  readonly repetitionPenalty: number;
  readonly noRepeatNgramSize: number;
  readonly minLength: number;
  readonly eosIds: readonly number[];
}

/** The processors HF 4.33 `_get_logits_processor` builds, in its order. */
export function buildProcessors(settings: ProcessorSettings): LogitsProcessor[] {
  const processors: LogitsProcessor[] = [];
  if (settings.repetitionPenalty !== 1.0) processors.push(repetitionPenalty(settings.repetitionPenalty));
  if (settings.noRepeatNgramSize > 0) processors.push(noRepeatNgram(settings.noRepeatNgramSize));
  if (settings.minLength > 0 && settings.eosIds.length > 0) processors.push(minLengthProcessor(settings.minLength, settings.eosIds));
  return processors;
}

export interface WarperSettings {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
}

/** The sampling warpers of HF 4.33 `_get_logits_warper` (temperature, top-k, top-p), in order. */
export function buildWarpers(settings: WarperSettings): LogitsProcessor[] {
  const warpers: LogitsProcessor[] = [];
  if (settings.temperature !== 1.0) warpers.push(temperatureWarper(settings.temperature));
  if (settings.topK !== 0) warpers.push(topKWarper(settings.topK));
  if (settings.topP < 1.0) warpers.push(topPWarper(settings.topP));
  return warpers;
}

export function applyAll(processors: readonly LogitsProcessor[], sequences: Sequences, scores: Float32Array, vocab: number): void {
  for (const process of processors) process(sequences, scores, vocab);
}
