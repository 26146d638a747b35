/**
 * How much Recall@K can depend on the order of equal scores. LAVIS ranks with the unstable
 * `np.argsort(row)[::-1]`, and numpy's order of equal values changed with its SIMD sorts (numpy
 * >= 1.25 on AVX-512, 2.x on AVX2; see numpy-argsort.ts): where a query's ground truth ties with
 * other items across a cut-off, two numpy builds report different recalls from the same scores.
 *
 * From each query's tie range (recall-at-k.ts targetRank: first / last place among its ties) the
 * recall at K can be anything between "every straddling query misses" and "every one hits".
 * Counting only, no sorting: the ranges come out of the same pass that ranks the row.
 */
import { RECALL_CUTOFFS } from './recall-at-k.js';
import type { RetrievalMetricKey, TargetRank } from './recall-at-k.js';

export type RecallDirection = 'txt' | 'img';

/** The values one recall key could take over all tie orders (percent). */
export interface RecallRange {
  readonly key: RetrievalMetricKey;
  readonly min: number;
  readonly max: number;
}

export interface TieSpread {
  readonly direction: RecallDirection;
  /** Queries ranked in this direction (images for txt_r*, texts for img_r*). */
  readonly queries: number;
  /** Queries whose ground truth ties with other items across at least one cut-off. */
  readonly affected: number;
  /** Only the cut-offs whose recall depends on the tie order (min < max). */
  readonly ranges: readonly RecallRange[];
}

/** `firstAmongTies < K <= lastAmongTies`: a hit at K in some tie orders and a miss in others. */
function straddles(rank: TargetRank, k: number): boolean {
  return rank.firstAmongTies < k && rank.lastAmongTies >= k;
}

export function tieSpread(direction: RecallDirection, ranks: readonly TargetRank[]): TieSpread {
  let affected = 0;
  for (const rank of ranks) if (RECALL_CUTOFFS.some((k) => straddles(rank, k))) affected += 1;
  const ranges: RecallRange[] = [];
  for (const k of RECALL_CUTOFFS) {
    let surely = 0;
    let possibly = 0;
    for (const rank of ranks) {
      if (rank.lastAmongTies < k) surely += 1;
      if (rank.firstAmongTies < k) possibly += 1;
    }
    // Same expression as recallFromRanks, so an untied recall equals the reported value exactly.
    const min = (100 * surely) / ranks.length;
    const max = (100 * possibly) / ranks.length;
    if (min !== max) ranges.push({ key: `${direction}_r${k}` as RetrievalMetricKey, min, max });
  }
  return { direction, queries: ranks.length, affected, ranges };
}
