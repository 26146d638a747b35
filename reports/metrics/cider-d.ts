/**
 * CIDEr-D exactly as pycocoevalcap's `Cider` (`cider/cider_scorer.py`), reported as "CIDEr":
 * - document frequency df(g) = number of evaluated images whose references (union over the
 *   image's captions) contain g; hypotheses never count. N = number of evaluated images, so
 *   every score depends on the whole evaluated set, and N = 1 gives 0 everywhere;
 * - each caption is a tf-idf vector per order n = 1..4, w(g) = tf(g) * (ln N - ln(max(1, df)));
 *   its norm per order is sqrt of the sum of squares in n-gram insertion order;
 * - similarity with one reference per order: sum over hypothesis n-grams of
 *   min(w_h, w_r) * w_r (the clipping), divided by the two norms when both are non-zero, times
 *   the Gaussian length penalty e^(-(delta^2) / (2 * 6^2)); the "length" is the caption's number
 *   of bigrams (pycocoevalcap's 0-based `n == 1` quirk), so delta is off by one when one side is
 *   empty;
 * - image score = 10 * mean over orders of the per-order sums over references / #references;
 *   corpus score = mean over images (both means as numpy computes them).
 * pycocoevalcap crashes (`max()` of an empty df) when no reference of the set has a word; this
 * port throws a RangeError that says so instead.
 */
import type { NgramCorpus } from './caption-ngrams.js';
import { BOUNDS_STRIDE, MAX_NGRAM_ORDER } from './caption-ngrams.js';
import { numpyMean } from './numpy-mean.js';

const SIGMA = 6.0;
const BIGRAM_ORDER_INDEX = 1;

export interface CiderDResult {
  readonly corpus: number;
  /** In corpus order. */
  readonly perImage: Float64Array;
}

/** Every caption's tf-idf vector, aligned with the corpus's flat `ids`. */
interface TfIdfVectors {
  readonly weights: Float64Array;
  /** norms[4c + n]: caption c's norm for order n + 1. */
  readonly norms: Float64Array;
  /** Bigram count per caption (see the module comment). */
  readonly lengths: Int32Array;
}

function inverseDocumentFrequencies(corpus: NgramCorpus): Float64Array {
  const { ids, bounds, referenceStart } = corpus;
  const df = new Int32Array(corpus.ngramCount);
  const lastImage = new Int32Array(corpus.ngramCount);
  let anyReferenceWord = false;
  for (let image = 0; image < corpus.imageCount; image++) {
    const begin = bounds[referenceStart[image]! * BOUNDS_STRIDE]!;
    const end = bounds[(referenceStart[image + 1]! - 1) * BOUNDS_STRIDE + MAX_NGRAM_ORDER]!;
    if (end > begin) anyReferenceWord = true;
    for (let j = begin; j < end; j++) {
      const id = ids[j]!;
      if (lastImage[id] !== image + 1) {
        lastImage[id] = image + 1;
        df[id]!++;
      }
    }
  }
  if (!anyReferenceWord && corpus.imageCount > 0) {
    throw new RangeError(
      'CIDEr-D: no reference in the evaluated set has any word (after tokenization); pycocoevalcap fails on ' +
        'this input too (max() of an empty document frequency). Add non-empty references.',
    );
  }
  const logN = Math.log(corpus.imageCount);
  const idf = new Float64Array(corpus.ngramCount);
  for (let id = 0; id < idf.length; id++) idf[id] = logN - Math.log(Math.max(1, df[id]!));
  return idf;
}

function tfIdfVectors(corpus: NgramCorpus, idf: Float64Array): TfIdfVectors {
  const { ids, counts, bounds } = corpus;
  const captions = corpus.wordCounts.length;
  const weights = new Float64Array(ids.length);
  const norms = new Float64Array(captions * MAX_NGRAM_ORDER);
  const lengths = new Int32Array(captions);
  for (let c = 0; c < captions; c++) {
    const at = c * BOUNDS_STRIDE;
    for (let order = 0; order < MAX_NGRAM_ORDER; order++) {
      let squares = 0.0;
      for (let j = bounds[at + order]!; j < bounds[at + order + 1]!; j++) {
        const w = counts[j]! * idf[ids[j]!]!;
        weights[j] = w;
        squares += w * w;
      }
      norms[c * MAX_NGRAM_ORDER + order] = Math.sqrt(squares);
    }
    let length = 0;
    for (let j = bounds[at + BIGRAM_ORDER_INDEX]!; j < bounds[at + BIGRAM_ORDER_INDEX + 1]!; j++) length += counts[j]!;
    lengths[c] = length;
  }
  return { weights, norms, lengths };
}

/** Adds the per-order similarity of hypothesis `hyp` and reference `ref` into `sums`. */
function addSimilarity(
  corpus: NgramCorpus,
  vectors: TfIdfVectors,
  hyp: number,
  ref: number,
  refWeightById: Float64Array,
  sums: Float64Array,
): void {
  const { ids, bounds } = corpus;
  const { weights, norms, lengths } = vectors;
  const refBegin = bounds[ref * BOUNDS_STRIDE]!;
  const refEnd = bounds[ref * BOUNDS_STRIDE + MAX_NGRAM_ORDER]!;
  for (let j = refBegin; j < refEnd; j++) refWeightById[ids[j]!] = weights[j]!;
  const delta = lengths[hyp]! - lengths[ref]!;
  const penalty = Math.E ** (-(delta * delta) / (2 * SIGMA ** 2));
  for (let order = 0; order < MAX_NGRAM_ORDER; order++) {
    let value = 0.0;
    for (let j = bounds[hyp * BOUNDS_STRIDE + order]!; j < bounds[hyp * BOUNDS_STRIDE + order + 1]!; j++) {
      const wr = refWeightById[ids[j]!]!;
      value += Math.min(weights[j]!, wr) * wr;
    }
    const normHyp = norms[hyp * MAX_NGRAM_ORDER + order]!;
    const normRef = norms[ref * MAX_NGRAM_ORDER + order]!;
    if (normHyp !== 0 && normRef !== 0) value /= normHyp * normRef;
    value *= penalty;
    sums[order]! += value;
  }
  for (let j = refBegin; j < refEnd; j++) refWeightById[ids[j]!] = 0;
}

export function computeCiderD(corpus: NgramCorpus): CiderDResult {
  const vectors = tfIdfVectors(corpus, inverseDocumentFrequencies(corpus));
  const refWeightById = new Float64Array(corpus.ngramCount);
  const perImage = new Float64Array(corpus.imageCount);
  const sums = new Float64Array(MAX_NGRAM_ORDER);
  for (let image = 0; image < corpus.imageCount; image++) {
    const firstRef = corpus.referenceStart[image]!;
    const refCount = corpus.referenceStart[image + 1]! - firstRef;
    if (refCount === 0) throw new RangeError(`CIDEr-D: image #${image} has no references`);
    sums.fill(0);
    for (let ref = firstRef; ref < firstRef + refCount; ref++) addSimilarity(corpus, vectors, image, ref, refWeightById, sums);
    let score = numpyMean(sums);
    score /= refCount;
    score *= 10.0;
    perImage[image] = score;
  }
  return { corpus: numpyMean(perImage), perImage };
}
