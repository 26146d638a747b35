/** Shared by the parity tests against transformers (hf-parity) and LAVIS (lavis-parity). */

/** The largest absolute difference of two equally long arrays; Infinity when their lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
