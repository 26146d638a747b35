/**
 * BLEU-1..4 exactly as pycocoevalcap's `Bleu(4)` (`bleu/bleu_scorer.py`, option 'closest'):
 * - per image: clipped k-gram matches (a hypothesis k-gram counts at most its largest count in
 *   any single reference), guesses max(0, words - k + 1), and the effective reference length
 *   'closest' to the hypothesis length, ties going to the shorter reference;
 * - corpus: the clipped matches, guesses and lengths are summed over images first (not a mean
 *   of per-image scores); BLEU_n = (prod_{k<=n} (C_k + 1e-15) / (G_k + 1e-9))^(1/n), times the
 *   brevity penalty exp(1 - 1/ratio) when ratio = (T + 1e-15) / (R + 1e-9) < 1;
 * - per image: the same formula on the image's own counts, epsilons included (a 2-word
 *   hypothesis gets Bleu_4 <= 0.001, not 0; an empty one gets 0).
 * The products, powers and the penalty are evaluated in the Python code's order.
 */
import type { NgramCorpus } from './caption-ngrams.js';
import { BOUNDS_STRIDE, MAX_NGRAM_ORDER } from './caption-ngrams.js';

/** pycocoevalcap adds `tiny` to every numerator and `small` to every denominator. */
const TINY = 1e-15;
const SMALL = 1e-9;

export interface BleuResult {
  /** Bleu_1..Bleu_4 of the corpus. */
  readonly corpus: readonly [number, number, number, number];
  /** perImage[k][i]: Bleu_{k+1} of image i, in corpus order. */
  readonly perImage: readonly [Float64Array, Float64Array, Float64Array, Float64Array];
}

/** 'closest' effective reference length: min over refs of (|len - testlen|, len). */
function closestReferenceLength(corpus: NgramCorpus, image: number, testLength: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let ref = corpus.referenceStart[image]!; ref < corpus.referenceStart[image + 1]!; ref++) {
    const length = corpus.wordCounts[ref]!;
    const distance = Math.abs(length - testLength);
    if (distance < bestDistance || (distance === bestDistance && length < best)) {
      best = length;
      bestDistance = distance;
    }
  }
  return best;
}

/** Writes the image's clipped matches per order into `correct`; `maxCount` is zero on entry and exit. */
function clippedMatches(corpus: NgramCorpus, image: number, maxCount: Int32Array, correct: Float64Array): void {
  const { ids, counts, bounds, referenceStart } = corpus;
  const refsBegin = bounds[referenceStart[image]! * BOUNDS_STRIDE]!;
  const refsEnd = bounds[(referenceStart[image + 1]! - 1) * BOUNDS_STRIDE + MAX_NGRAM_ORDER]!;
  for (let j = refsBegin; j < refsEnd; j++) {
    if (counts[j]! > maxCount[ids[j]!]!) maxCount[ids[j]!] = counts[j]!;
  }
  const at = image * BOUNDS_STRIDE;
  for (let order = 0; order < MAX_NGRAM_ORDER; order++) {
    let matches = 0;
    for (let j = bounds[at + order]!; j < bounds[at + order + 1]!; j++) {
      matches += Math.min(maxCount[ids[j]!]!, counts[j]!);
    }
    correct[order] = matches;
  }
  for (let j = refsBegin; j < refsEnd; j++) maxCount[ids[j]!] = 0;
}

/** Writes BLEU_1..4 for the given counts into `out[k][index]`, as `compute_score` does. */
function bleuFromCounts(
  correct: ArrayLike<number>,
  guess: ArrayLike<number>,
  testLength: number,
  referenceLength: number,
  out: readonly Float64Array[],
  index: number,
): void {
  let bleu = 1.0;
  for (let k = 0; k < MAX_NGRAM_ORDER; k++) {
    bleu *= (correct[k]! + TINY) / (guess[k]! + SMALL);
    out[k]![index] = bleu ** (1 / (k + 1));
  }
  const ratio = (testLength + TINY) / (referenceLength + SMALL);
  if (ratio < 1) {
    const penalty = Math.exp(1 - 1 / ratio);
    for (let k = 0; k < MAX_NGRAM_ORDER; k++) out[k]![index]! *= penalty;
  }
}

export function computeBleu(corpus: NgramCorpus): BleuResult {
  const count = corpus.imageCount;
  const perImage = [new Float64Array(count), new Float64Array(count), new Float64Array(count), new Float64Array(count)] as const;
  const maxCount = new Int32Array(corpus.ngramCount);
  const correct = new Float64Array(MAX_NGRAM_ORDER);
  const guess = new Float64Array(MAX_NGRAM_ORDER);
  const totalCorrect = new Float64Array(MAX_NGRAM_ORDER);
  const totalGuess = new Float64Array(MAX_NGRAM_ORDER);
  let totalTest = 0;
  let totalReference = 0;
  for (let i = 0; i < count; i++) {
    if (corpus.referenceStart[i + 1] === corpus.referenceStart[i]) throw new RangeError(`BLEU: image #${i} has no references`);
    const testLength = corpus.wordCounts[i]!;
    const referenceLength = closestReferenceLength(corpus, i, testLength);
    clippedMatches(corpus, i, maxCount, correct);
    for (let k = 0; k < MAX_NGRAM_ORDER; k++) {
      guess[k] = Math.max(0, testLength - k);
      totalCorrect[k]! += correct[k]!;
      totalGuess[k]! += guess[k]!;
    }
    totalTest += testLength;
    totalReference += referenceLength;
    bleuFromCounts(correct, guess, testLength, referenceLength, perImage, i);
  }
  const corpusScores = [new Float64Array(1), new Float64Array(1), new Float64Array(1), new Float64Array(1)];
  bleuFromCounts(totalCorrect, totalGuess, totalTest, totalReference, corpusScores, 0);
  return {
    corpus: [corpusScores[0]![0]!, corpusScores[1]![0]!, corpusScores[2]![0]!, corpusScores[3]![0]!],
    perImage,
  };
}
