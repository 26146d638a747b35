/**
 * Finite checks on model outputs. An argmax over NaN logits returns index 0 and a NaN candidate
 * score never wins a comparison, so without these a broken export (most often a naive fp16
 * conversion whose -1e9 attention-mask constant overflows to -inf) yields "\u0000" captions and
 * always-the-first choices with no failed sample (findings: models #2).
 */

/** The fix the message gives: where such outputs usually come from and what to re-export. */
export function nonFiniteHint(role: string): string {
  return `an fp16 conversion that overflows a constant (an attention-mask -1e9 becomes -inf in float16) is the usual cause; keep masks and other constants in the float32 range, or export ${role} in float32`;
}

/** The index of the first NaN or infinity among values [start, end), or -1. */
export function firstNonFinite(values: ArrayLike<number>, start = 0, end = values.length): number {
  for (let i = start; i < end; i++) {
    const value = values[i]!;
    if (value - value !== 0) return i;
  }
  return -1;
}

/**
 * Throws when values [start, end) of `data` hold a NaN or an infinity. `what` says which output
 * and where (e.g. "logits of row 2"); the check reads the row in place, no copy.
 */
export function requireFiniteRange(data: ArrayLike<number>, start: number, end: number, role: string, what: string): void {
  const i = firstNonFinite(data, start, end);
  if (i >= 0) throw new Error(`${role} returned ${String(data[i])} in its ${what} (value ${i - start} of ${end - start}): ${nonFiniteHint(role)}`);
}

/** Throws when a candidate score is not finite, naming the graph role that produced it. */
export function requireFiniteScores(scores: readonly number[], role: string, what: string): void {
  const i = firstNonFinite(scores);
  if (i >= 0) throw new Error(`${role} gave a ${String(scores[i])} score to ${what} ${i}: ${nonFiniteHint(role)}`);
}
