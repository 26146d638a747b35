/**
 * `np.mean` of a float64 vector, bit for bit as numpy 1.x computes it: the sum is numpy's pairwise
 * summation (blocks of up to 128 values summed with an 8-way unrolled loop, split in halves above
 * that; fewer than 8 values are summed left to right from 0.0), then divided by the count.
 * pycocoevalcap's corpus ROUGE-L and CIDEr and CIDEr's per-image mean over the four n-gram orders
 * are `np.mean`; a left-to-right sum differs from it in the last bits.
 */

const PAIRWISE_BLOCK = 128;
const UNROLL = 8;

function pairwiseSum(values: ArrayLike<number>, start: number, count: number): number {
  if (count < UNROLL) {
    let sum = 0.0;
    for (let i = 0; i < count; i++) sum += values[start + i]!;
    return sum;
  }
  if (count <= PAIRWISE_BLOCK) {
    const r = new Float64Array(UNROLL);
    for (let j = 0; j < UNROLL; j++) r[j] = values[start + j]!;
    let i = UNROLL;
    const unrolledEnd = count - (count % UNROLL);
    for (; i < unrolledEnd; i += UNROLL) {
      for (let j = 0; j < UNROLL; j++) r[j]! += values[start + i + j]!;
    }
    let sum = (r[0]! + r[1]! + (r[2]! + r[3]!)) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < count; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(count / 2);
  half -= half % UNROLL;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, count - half);
}

/** numpy's `np.sum` of a 1-D float64 array. */
export function numpySum(values: ArrayLike<number>): number {
  return pairwiseSum(values, 0, values.length);
}

/** numpy's `np.mean` of a 1-D float64 array (NaN for an empty one, as numpy gives). */
export function numpyMean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}
