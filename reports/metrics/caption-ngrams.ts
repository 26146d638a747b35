/**
 * The n-gram layer shared by BLEU and CIDEr-D. pycocoevalcap's `precook` splits a caption with
 * Python's `str.split()` and counts every k-gram (k = 1..4) in a dict whose insertion order is
 * "all unigrams by first occurrence, then all bigrams, ...". CIDEr-D sums its vector norms and
 * dot products in that order, so this layer keeps it: each caption becomes its distinct n-gram
 * ids grouped by order, in first-occurrence order, with their counts.
 *
 * Everything lives in a few flat typed arrays: no per-caption allocation, so 25,000 captions
 * cost milliseconds, not a garbage-collector storm.
 *
 * Tokens and n-grams are interned to small integers once per corpus (caption-interning.ts), so
 * the scorers work on typed arrays instead of tuple-keyed dicts.
 */

import { PairInterner, WordTable, isPythonWhitespace } from './caption-interning.js';

export const MAX_NGRAM_ORDER = 4;

/** `len(caption.split())` without building the list. */
function countPythonWords(caption: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < caption.length; i++) {
    const space = isPythonWhitespace(caption.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Python `caption.split()` as word ids written into `out` (grown when needed); returns [out, count]. */
function internPythonSplit(caption: string, table: WordTable, out: Int32Array): [Int32Array, number] {
  let count = 0;
  let start = -1;
  for (let i = 0; i <= caption.length; i++) {
    const boundary = i === caption.length || isPythonWhitespace(caption.charCodeAt(i));
    if (boundary) {
      if (start >= 0) {
        if (count >= out.length) {
          const grown = new Int32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out[count++] = table.intern(caption, start, i);
      }
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  return [out, count];
}

/**
 * A corpus ready for BLEU and CIDEr-D, in flat typed arrays (no per-caption objects). Captions
 * are numbered: hypotheses 0..imageCount-1 (image i's is caption i), then the references, image
 * by image: image i's are captions referenceStart[i] .. referenceStart[i+1]-1.
 * Caption c's distinct n-grams of order k (1..4) are entries bounds[5c+k-1] .. bounds[5c+k]-1
 * of `ids` / `counts`, in first-occurrence order.
 */
export interface NgramCorpus {
  readonly imageCount: number;
  /** n-gram ids are below this. */
  readonly ngramCount: number;
  readonly ids: Int32Array;
  readonly counts: Int32Array;
  readonly bounds: Int32Array;
  /** Words per caption (`len(s.split())`). */
  readonly wordCounts: Int32Array;
  readonly referenceStart: Int32Array;
}

export const BOUNDS_STRIDE = MAX_NGRAM_ORDER + 1;

const TOKEN_ID_LIMIT = 2 ** 30;

class NgramInterner {
  private readonly words = new WordTable();
  private wordIds: Int32Array = new Int32Array(256);
  private readonly ngramIds: PairInterner;
  private slotOf: Int32Array;
  private readonly positions: Int32Array[] = [];
  ids: Int32Array;
  counts: Int32Array;
  length = 0;

  /** `totalWords`: how many words all captions have, to size the tables. */
  constructor(totalWords: number) {
    // Caption corpora have about 1.3 distinct n-grams per word (the bound is 4); the tables grow
    // when a corpus has more.
    const expectedNgrams = totalWords + (totalWords >> 1);
    this.ngramIds = new PairInterner(expectedNgrams);
    this.slotOf = new Int32Array(expectedNgrams + 1024).fill(-1);
    this.ids = new Int32Array(4 * totalWords + 16);
    this.counts = new Int32Array(4 * totalWords + 16);
  }

  get ngramCount(): number {
    return this.ngramIds.size;
  }

  /** Appends the caption's distinct n-grams; writes its 5 bounds at `bounds[at..]`, returns its word count. */
  append(caption: string, bounds: Int32Array, at: number): number {
    const [tokens, n] = internPythonSplit(caption, this.words, this.wordIds);
    this.wordIds = tokens;
    if (this.words.size > TOKEN_ID_LIMIT) throw new RangeError(`caption n-grams: more than ${TOKEN_ID_LIMIT} distinct words`);
    this.reserve(4 * n);
    let current = this.scratch(0, n);
    for (let i = 0; i < n; i++) current[i] = this.ngramId(0, tokens[i]!);
    for (let order = 1; order <= MAX_NGRAM_ORDER; order++) {
      bounds[at + order - 1] = this.length;
      const grams = n - order + 1;
      if (order > 1) {
        const previous = current;
        current = this.scratch(order - 1, Math.max(grams, 0));
        for (let i = 0; i < grams; i++) current[i] = this.ngramId(previous[i]! + 1, tokens[i + order - 1]!);
      }
      this.collectDistinct(current, grams);
    }
    bounds[at + MAX_NGRAM_ORDER] = this.length;
    return n;
  }

  /** Appends the distinct ids of `grams` in first-occurrence order, with their counts. */
  private collectDistinct(grams: Int32Array, gramCount: number): void {
    const { ids, counts } = this;
    const first = this.length;
    let end = first;
    for (let i = 0; i < gramCount; i++) {
      const id = grams[i]!;
      const slot = this.slotOf[id]!;
      if (slot >= 0) {
        counts[slot]!++;
      } else {
        this.slotOf[id] = end;
        ids[end] = id;
        counts[end] = 1;
        end++;
      }
    }
    for (let j = first; j < end; j++) this.slotOf[ids[j]!] = -1;
    this.length = end;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.ids.length) return;
    const capacity = Math.max(this.ids.length * 2, this.length + extra);
    const ids = new Int32Array(capacity);
    const counts = new Int32Array(capacity);
    ids.set(this.ids.subarray(0, this.length));
    counts.set(this.counts.subarray(0, this.length));
    this.ids = ids;
    this.counts = counts;
  }

  /** `prefix` is 0 for unigrams, else the (k-1)-gram id + 1. */
  private ngramId(prefix: number, token: number): number {
    const id = this.ngramIds.intern(prefix, token);
    if (id >= this.slotOf.length) {
      const grown = new Int32Array(this.slotOf.length * 2).fill(-1);
      grown.set(this.slotOf);
      this.slotOf = grown;
    }
    return id;
  }

  private scratch(index: number, length: number): Int32Array {
    const existing = this.positions[index];
    if (existing !== undefined && existing.length >= length) return existing;
    const fresh = new Int32Array(Math.max(length, 64));
    this.positions[index] = fresh;
    return fresh;
  }
}

/**
 * Counts the n-grams of every hypothesis and reference. `references[i]` and `hypotheses[i]`
 * belong to image i; the captions must already be tokenized (words separated by whitespace).
 */
export function buildNgramCorpus(
  references: readonly (readonly string[])[],
  hypotheses: readonly string[],
): NgramCorpus {
  if (references.length !== hypotheses.length) {
    throw new RangeError(`caption n-grams: ${references.length} reference sets for ${hypotheses.length} hypotheses`);
  }
  const imageCount = hypotheses.length;
  const referenceStart = new Int32Array(imageCount + 1);
  let captionCount = imageCount;
  for (let i = 0; i < imageCount; i++) {
    referenceStart[i] = captionCount;
    captionCount += references[i]!.length;
  }
  referenceStart[imageCount] = captionCount;
  const captions = [...hypotheses, ...references.flat()];
  const interner = new NgramInterner(captions.reduce((sum, caption) => sum + countPythonWords(caption), 0));
  const bounds = new Int32Array(captionCount * BOUNDS_STRIDE);
  const wordCounts = new Int32Array(captionCount);
  captions.forEach((caption, index) => {
    wordCounts[index] = interner.append(caption, bounds, index * BOUNDS_STRIDE);
  });
  return {
    imageCount,
    ngramCount: interner.ngramCount,
    ids: interner.ids.subarray(0, interner.length),
    counts: interner.counts.subarray(0, interner.length),
    bounds,
    wordCounts,
    referenceStart,
  };
}
