/**
 * Retrieval Recall@1/5/10 exactly as LAVIS's `RetrievalTask._report_metrics`
 * (`lavis/tasks/retrieval.py` @ LAVIS 506965b), used for ALBEF, BLIP and BLIP-2:
 *
 * - image -> text ("txt_r*"): sort the image's score row with `np.argsort(row)[::-1]`; the
 *   image's rank is the minimum 0-based position of any of its ground-truth texts, so a hit at K
 *   means any GT caption is in the top K. An image without GT texts keeps rank 1e20 (a miss).
 * - text -> image ("img_r*"): the position of the text's single GT image in its sorted row.
 * - `X_rK = 100 * #{rank < K} / count`; `txt_r_mean`/`img_r_mean` = (r1 + r5 + r10) / 3;
 *   `r_mean` = (txt_r_mean + img_r_mean) / 2; `agg_metrics` = txt_r_mean (LAVIS selects
 *   checkpoints on text retrieval only). Percent, unrounded, same operation order as LAVIS.
 *
 * Ties: positions follow the order numpy's generic introsort gives equal scores (numpy <= 1.24,
 * or any numpy where its SIMD sort is not used; see numpy-argsort.ts). LAVIS on numpy >= 1.25
 * with AVX-512, or numpy 2.x with AVX2, orders them differently, so each rank also carries the
 * range any tie order allows (targetRank; recall-ties.ts turns it into recall ranges). When the
 * best GT score is not tied with any other entry of the row, its rank is simply the number of
 * strictly greater scores, and no sort is needed; only rows with a tie at the best GT score are
 * fully sorted.
 */
import { numpyArgsortDescending } from './numpy-argsort.js';

export const RETRIEVAL_METRIC_KEYS = [
  'txt_r1', 'txt_r5', 'txt_r10', 'txt_r_mean', 'img_r1', 'img_r5', 'img_r10', 'img_r_mean', 'r_mean', 'agg_metrics',
] as const;
export type RetrievalMetricKey = (typeof RETRIEVAL_METRIC_KEYS)[number];
export type RetrievalMetrics = Record<RetrievalMetricKey, number>;

/** The K of R@K, as LAVIS reports them. */
export const RECALL_CUTOFFS = [1, 5, 10] as const;

/** The largest K reported; ranks at or beyond it only need to be known as misses. */
export const LARGEST_K = RECALL_CUTOFFS[RECALL_CUTOFFS.length - 1];

/** LAVIS's initial rank, kept for an image with no GT texts. */
export const NO_GROUND_TRUTH_RANK = 1e20;

export interface RetrievalScores {
  /** N_img rows of N_txt scores. */
  readonly scoresI2t: readonly ArrayLike<number>[];
  /** N_txt rows of N_img scores. */
  readonly scoresT2i: readonly ArrayLike<number>[];
  /** For each image, the indices of its GT texts. */
  readonly img2txt: readonly (readonly number[])[];
  /** For each text, the index of its GT image. */
  readonly txt2img: readonly number[];
}

/**
 * Where a query's best ground-truth item lands. `rank` is its 0-based position in
 * `np.argsort(row)[::-1]` (numpy's generic introsort order among equal scores); `firstAmongTies`
 * and `lastAmongTies` are the positions it would have if it came first, or after every other
 * item with the same score: any sort order puts it in that range, so a recall cut-off K with
 * firstAmongTies < K <= lastAmongTies depends on how equal scores are ordered. All three are 1e20
 * for a query without ground truth (LAVIS's initial value).
 */
export interface TargetRank {
  readonly rank: number;
  readonly firstAmongTies: number;
  readonly lastAmongTies: number;
}

const NO_TARGET: TargetRank = { rank: NO_GROUND_TRUTH_RANK, firstAmongTies: NO_GROUND_TRUTH_RANK, lastAmongTies: NO_GROUND_TRUTH_RANK };

/**
 * The rank of the best of `targets` in `row` and its range over tie orders, in one pass over the
 * row; the row is sorted only when another item shares the best target's score and the rank
 * can still be below `exactBelow`.
 *
 * `exactBelow`: when at least this many scores are strictly greater than the best target, the
 * rank cannot be below it and the count of greater scores (a lower bound of the rank) is returned
 * without sorting. Recall@K for K <= exactBelow is unaffected; it saves the full sort of rows
 * where an unranked target sits in LAVIS's -100 fill. The tie range is exact either way.
 */
export function targetRank(row: ArrayLike<number>, targets: readonly number[], exactBelow = Infinity): TargetRank {
  if (targets.length === 0) return NO_TARGET;
  let best = -Infinity;
  for (const target of targets) {
    if (target < 0 || target >= row.length || !Number.isInteger(target)) {
      throw new RangeError(`target index ${target} is outside the row (length ${row.length})`);
    }
    const value = row[target]!;
    if (Number.isNaN(value)) throw new RangeError(`score at index ${target} is NaN`);
    if (value > best) best = value;
  }
  let greater = 0;
  let equal = 0;
  for (let j = 0; j < row.length; j++) {
    const value = row[j]!;
    if (value > best) greater += 1;
    else if (value === best) equal += 1;
    else if (Number.isNaN(value)) throw new RangeError(`score at index ${j} is NaN`);
  }
  // The usual row: only the best target holds its score, so the count of greater scores is the rank.
  if (equal === 1) return { rank: greater, firstAmongTies: greater, lastAmongTies: greater };
  const tiedTargets = new Set(targets.filter((t) => row[t] === best));
  // Worst case: every non-target sharing the best score comes before the first tied target.
  const lastAmongTies = greater + equal - tiedTargets.size;
  const sorted = lastAmongTies > greater && greater < exactBelow;
  const rank = sorted ? minPosition(numpyArgsortDescending(row), tiedTargets) : greater;
  return { rank, firstAmongTies: greater, lastAmongTies };
}

/** `targetRank(...).rank`: the 0-based position of the best of `targets`, 1e20 when there are none. */
export function bestTargetRank(row: ArrayLike<number>, targets: readonly number[], exactBelow = Infinity): number {
  return targetRank(row, targets, exactBelow).rank;
}

function minPosition(order: Int32Array, targets: ReadonlySet<number>): number {
  for (let position = 0; position < order.length; position++) {
    if (targets.has(order[position]!)) return position;
  }
  throw new RangeError('unreachable: target missing from its own row');
}

/**
 * Ranks of both directions, as LAVIS computes them (text ranks per image, image ranks per text),
 * with their tie ranges. With `exactBelow`, ranks >= exactBelow may be lower bounds (see targetRank).
 */
export function retrievalTargetRanks(scores: RetrievalScores, exactBelow = Infinity): { text: TargetRank[]; image: TargetRank[] } {
  const { scoresI2t, scoresT2i, img2txt, txt2img } = scores;
  if (img2txt.length !== scoresI2t.length) {
    throw new RangeError(`img2txt has ${img2txt.length} entries but scores_i2t has ${scoresI2t.length} rows`);
  }
  if (txt2img.length !== scoresT2i.length) {
    throw new RangeError(`txt2img has ${txt2img.length} entries but scores_t2i has ${scoresT2i.length} rows`);
  }
  const text = scoresI2t.map((row, i) => targetRank(row, img2txt[i]!, exactBelow));
  const image = scoresT2i.map((row, t) => targetRank(row, [txt2img[t]!], exactBelow));
  return { text, image };
}

/** The ranks alone (see retrievalTargetRanks). */
export function retrievalRanks(scores: RetrievalScores, exactBelow = Infinity): { textRanks: number[]; imageRanks: number[] } {
  const { text, image } = retrievalTargetRanks(scores, exactBelow);
  return { textRanks: text.map((r) => r.rank), imageRanks: image.map((r) => r.rank) };
}

/** The LAVIS keys from score matrices. */
export function recallFromScores(scores: RetrievalScores): RetrievalMetrics {
  const { textRanks, imageRanks } = retrievalRanks(scores, LARGEST_K);
  return recallFromRanks(textRanks, imageRanks);
}

/**
 * The LAVIS keys from ranks: `textRanks[i]` = 0-based rank of the best GT text of image i
 * (1e20 or Infinity when it has none), `imageRanks[t]` = 0-based rank of text t's GT image.
 */
export function recallFromRanks(textRanks: readonly number[], imageRanks: readonly number[]): RetrievalMetrics {
  checkRanks('text', textRanks);
  checkRanks('image', imageRanks);
  const tr1 = percentBelow(textRanks, 1);
  const tr5 = percentBelow(textRanks, 5);
  const tr10 = percentBelow(textRanks, 10);
  const ir1 = percentBelow(imageRanks, 1);
  const ir5 = percentBelow(imageRanks, 5);
  const ir10 = percentBelow(imageRanks, 10);
  const trMean = (tr1 + tr5 + tr10) / 3;
  const irMean = (ir1 + ir5 + ir10) / 3;
  return {
    txt_r1: tr1,
    txt_r5: tr5,
    txt_r10: tr10,
    txt_r_mean: trMean,
    img_r1: ir1,
    img_r5: ir5,
    img_r10: ir10,
    img_r_mean: irMean,
    r_mean: (trMean + irMean) / 2,
    agg_metrics: (tr1 + tr5 + tr10) / 3,
  };
}

function checkRanks(direction: string, ranks: readonly number[]): void {
  if (ranks.length === 0) throw new RangeError(`recall needs at least one ${direction} rank`);
  ranks.forEach((rank, i) => {
    if (!(rank >= 0) || !(Number.isInteger(rank) || rank === Infinity)) {
      throw new RangeError(`${direction} rank ${i} is ${rank}; ranks are 0-based integers (Infinity or 1e20 for no ground truth)`);
    }
  });
}

/** `100.0 * len(np.where(ranks < k)[0]) / len(ranks)`. */
function percentBelow(ranks: readonly number[], k: number): number {
  let hits = 0;
  for (const rank of ranks) if (rank < k) hits += 1;
  return (100 * hits) / ranks.length;
}
