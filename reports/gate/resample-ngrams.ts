/**
 * A bootstrap resample of an n-gram corpus without re-tokenizing or re-interning: the chosen
 * images' hypothesis and reference n-gram segments are copied into a new corpus in the flat
 * layout of reports/metrics/caption-ngrams.ts (hypotheses first, then references image by
 * image; per caption BOUNDS_STRIDE offsets into ids/counts). An image drawn twice appears twice,
 * so BLEU sums its counts twice and CIDEr-D counts it twice in its document frequencies, as a
 * corpus that contained it twice would. Checked against scoring the materialised resample.
 */
import { BOUNDS_STRIDE, type NgramCorpus } from '../metrics/caption-ngrams.js';

function captionOrder(corpus: NgramCorpus, indices: ArrayLike<number>): { order: Int32Array; referenceStart: Int32Array } {
  const n = indices.length;
  let total = n;
  for (let k = 0; k < n; k++) total += corpus.referenceStart[indices[k]! + 1]! - corpus.referenceStart[indices[k]!]!;
  const order = new Int32Array(total);
  const referenceStart = new Int32Array(n + 1);
  let next = n;
  for (let k = 0; k < n; k++) {
    const image = indices[k]!;
    order[k] = image;
    referenceStart[k] = next;
    for (let c = corpus.referenceStart[image]!; c < corpus.referenceStart[image + 1]!; c++) order[next++] = c;
  }
  referenceStart[n] = next;
  return { order, referenceStart };
}

export function resampleNgramCorpus(corpus: NgramCorpus, indices: ArrayLike<number>): NgramCorpus {
  const { order, referenceStart } = captionOrder(corpus, indices);
  let entries = 0;
  for (const c of order) entries += corpus.bounds[c * BOUNDS_STRIDE + BOUNDS_STRIDE - 1]! - corpus.bounds[c * BOUNDS_STRIDE]!;
  const ids = new Int32Array(entries);
  const counts = new Int32Array(entries);
  const bounds = new Int32Array(order.length * BOUNDS_STRIDE);
  const wordCounts = new Int32Array(order.length);
  let offset = 0;
  order.forEach((source, target) => {
    const from = corpus.bounds[source * BOUNDS_STRIDE]!;
    const to = corpus.bounds[source * BOUNDS_STRIDE + BOUNDS_STRIDE - 1]!;
    ids.set(corpus.ids.subarray(from, to), offset);
    counts.set(corpus.counts.subarray(from, to), offset);
    for (let k = 0; k < BOUNDS_STRIDE; k++) bounds[target * BOUNDS_STRIDE + k] = corpus.bounds[source * BOUNDS_STRIDE + k]! - from + offset;
    wordCounts[target] = corpus.wordCounts[source]!;
    offset += to - from;
  });
  return { imageCount: indices.length, ngramCount: corpus.ngramCount, ids, counts, bounds, wordCounts, referenceStart };
}
