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
import type { CaptionNgrams, NgramCorpus } from './caption-ngrams.js';
import { MAX_NGRAM_ORDER } from './caption-ngrams.js';
import { numpyMean } from './numpy-mean.js';

const SIGMA = 6.0;
const BIGRAM_ORDER_INDEX = 1;

export interface CiderDResult {
  readonly corpus: number;
  /** In corpus order. */
  readonly perImage: Float64Array;
}

interface TfIdfVector {
  /** Weights aligned with the caption's `ids`. */
  readonly weights: Float64Array;
  readonly norms: Float64Array;
  /** Number of bigrams (see the module comment). */
  readonly length: number;
}

function documentFrequencies(corpus: NgramCorpus): Int32Array {
  const df = new Int32Array(corpus.ngramCount);
  const lastImage = new Int32Array(corpus.ngramCount);
  corpus.images.forEach((image, index) => {
    const stamp = index + 1;
    for (const ref of image.references) {
      for (let j = 0; j < ref.ids.length; j++) {
        const id = ref.ids[j]!;
        if (lastImage[id] !== stamp) {
          lastImage[id] = stamp;
          df[id]!++;
        }
      }
    }
  });
  return df;
}

function toTfIdf(caption: CaptionNgrams, idf: Float64Array): TfIdfVector {
  const weights = new Float64Array(caption.ids.length);
  const norms = new Float64Array(MAX_NGRAM_ORDER);
  for (let order = 0; order < MAX_NGRAM_ORDER; order++) {
    let squares = 0.0;
    for (let j = caption.orderStart[order]!; j < caption.orderStart[order + 1]!; j++) {
      const w = caption.counts[j]! * idf[caption.ids[j]!]!;
      weights[j] = w;
      squares += w * w;
    }
    norms[order] = Math.sqrt(squares);
  }
  const o = BIGRAM_ORDER_INDEX;
  let length = 0;
  for (let j = caption.orderStart[o]!; j < caption.orderStart[o + 1]!; j++) length += caption.counts[j]!;
  return { weights, norms, length };
}

/** Adds the per-order similarity of hypothesis and one reference into `sums`. */
function addSimilarity(
  hypothesis: CaptionNgrams,
  hyp: TfIdfVector,
  reference: CaptionNgrams,
  ref: TfIdfVector,
  refWeightById: Float64Array,
  sums: Float64Array,
): void {
  for (let j = 0; j < reference.ids.length; j++) refWeightById[reference.ids[j]!] = ref.weights[j]!;
  const delta = hyp.length - ref.length;
  const penalty = Math.E ** (-(delta * delta) / (2 * SIGMA ** 2));
  for (let order = 0; order < MAX_NGRAM_ORDER; order++) {
    let value = 0.0;
    for (let j = hypothesis.orderStart[order]!; j < hypothesis.orderStart[order + 1]!; j++) {
      const wr = refWeightById[hypothesis.ids[j]!]!;
      value += Math.min(hyp.weights[j]!, wr) * wr;
    }
    if (hyp.norms[order] !== 0 && ref.norms[order] !== 0) value /= hyp.norms[order]! * ref.norms[order]!;
    value *= penalty;
    sums[order]! += value;
  }
  for (let j = 0; j < reference.ids.length; j++) refWeightById[reference.ids[j]!] = 0;
}

function inverseDocumentFrequencies(corpus: NgramCorpus): Float64Array {
  const df = documentFrequencies(corpus);
  let anyReferenceWord = false;
  const logN = Math.log(corpus.images.length);
  const idf = new Float64Array(corpus.ngramCount);
  for (let id = 0; id < idf.length; id++) {
    if (df[id]! > 0) anyReferenceWord = true;
    idf[id] = logN - Math.log(Math.max(1, df[id]!));
  }
  if (!anyReferenceWord && corpus.images.length > 0) {
    throw new RangeError(
      'CIDEr-D: no reference in the evaluated set has any word (after tokenization); pycocoevalcap fails on ' +
        'this input too (max() of an empty document frequency). Add non-empty references.',
    );
  }
  return idf;
}

export function computeCiderD(corpus: NgramCorpus): CiderDResult {
  const idf = inverseDocumentFrequencies(corpus);
  const refWeightById = new Float64Array(corpus.ngramCount);
  const perImage = new Float64Array(corpus.images.length);
  const sums = new Float64Array(MAX_NGRAM_ORDER);
  corpus.images.forEach(({ hypothesis, references }, index) => {
    if (references.length === 0) throw new RangeError(`CIDEr-D: image #${index} has no references`);
    const hyp = toTfIdf(hypothesis, idf);
    sums.fill(0);
    for (const reference of references) {
      addSimilarity(hypothesis, hyp, reference, toTfIdf(reference, idf), refWeightById, sums);
    }
    let score = numpyMean(sums);
    score /= references.length;
    score *= 10.0;
    perImage[index] = score;
  });
  return { corpus: numpyMean(perImage), perImage };
}
