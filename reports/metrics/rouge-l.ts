/**
 * ROUGE-L exactly as pycocoevalcap's `Rouge` (`rouge/rouge.py`):
 * - tokens are `caption.split(" ")`: single spaces only, so an empty caption is one empty token
 *   and a doubled space makes an empty token; a no-break space does not split;
 * - for each reference: LCS length by dynamic programming, P = LCS/|candidate|,
 *   R = LCS/|reference|; P and R are each maximised over the references independently;
 * - score = ((1 + b^2) P R) / (R + b^2 P) with b = 1.2, or 0 when P or R is 0;
 * - corpus score = np.mean of the per-image scores.
 */
import { WordTable } from './caption-interning.js';
import { numpyMean } from './numpy-mean.js';

const BETA_SQUARED = 1.2 * 1.2;

export interface RougeLResult {
  readonly corpus: number;
  /** In corpus order. */
  readonly perImage: Float64Array;
}

/** `caption.split(" ")` as word ids: single spaces only, empty tokens kept. */
function encode(caption: string, table: WordTable): Int32Array {
  let tokens = 1;
  for (let i = 0; i < caption.length; i++) if (caption.charCodeAt(i) === 0x20) tokens++;
  const out = new Int32Array(tokens);
  let start = 0;
  let next = 0;
  for (let i = 0; i <= caption.length; i++) {
    if (i === caption.length || caption.charCodeAt(i) === 0x20) {
      out[next++] = table.intern(caption, start, i);
      start = i + 1;
    }
  }
  return out;
}

/** Length of the longest common subsequence; `row` must hold at least b.length + 1 entries. */
function lcsLength(a: Int32Array, b: Int32Array, row: Int32Array): number {
  row.fill(0, 0, b.length + 1);
  for (let i = 0; i < a.length; i++) {
    const token = a[i]!;
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = token === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function rougeLOfImage(candidate: Int32Array, references: readonly Int32Array[], row: Int32Array): number {
  let precisionMax = -Infinity;
  let recallMax = -Infinity;
  for (const reference of references) {
    const lcs = lcsLength(reference, candidate, row);
    precisionMax = Math.max(precisionMax, lcs / candidate.length);
    recallMax = Math.max(recallMax, lcs / reference.length);
  }
  if (precisionMax !== 0 && recallMax !== 0) {
    return ((1 + BETA_SQUARED) * precisionMax * recallMax) / (recallMax + BETA_SQUARED * precisionMax);
  }
  return 0.0;
}

/** `references[i]` and `candidates[i]` belong to image i (already tokenized captions). */
export function computeRougeL(references: readonly (readonly string[])[], candidates: readonly string[]): RougeLResult {
  if (references.length !== candidates.length) {
    throw new RangeError(`ROUGE-L: ${references.length} reference sets for ${candidates.length} candidates`);
  }
  const table = new WordTable();
  const perImage = new Float64Array(candidates.length);
  let row = new Int32Array(64);
  for (let i = 0; i < candidates.length; i++) {
    const refs = references[i]!;
    if (refs.length === 0) throw new RangeError(`ROUGE-L: image #${i} has no references`);
    const candidate = encode(candidates[i]!, table);
    if (candidate.length + 1 > row.length) row = new Int32Array(candidate.length + 1);
    perImage[i] = rougeLOfImage(candidate, refs.map((r) => encode(r, table)), row);
  }
  return { corpus: numpyMean(perImage), perImage };
}
