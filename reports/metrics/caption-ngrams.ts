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
 * Tokens and n-grams are interned to small integers once per corpus, so the scorers work on
 * typed arrays instead of tuple-keyed dicts.
 */

export const MAX_NGRAM_ORDER = 4;

/** Characters for which Python 3's `str.isspace()` is true: what `str.split()` splits on. */
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python 3 `s.split()`: split on runs of Unicode whitespace, no empty tokens. */
export function splitPythonWhitespace(text: string): string[] {
  const parts = text.split(PYTHON_WHITESPACE);
  if (parts.length > 0 && parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
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
const NGRAM_ID_LIMIT = 2 ** 30;

/**
 * Open-addressing hash map from (prefix, token) pairs of small integers to dense n-gram ids:
 * n-gram k is interned as (id of its first k-1 words + 1, id of its last word), unigrams with
 * prefix 0. Typed arrays keep a million n-grams cheap, unlike a Map keyed by packed doubles.
 */
class PairInterner {
  private prefixes: Int32Array;
  private tokens: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  /** `expected`: a guess of the number of distinct pairs, to avoid rehashing. */
  constructor(expected: number) {
    let capacity = 1 << 12;
    while (capacity < 2 * expected) capacity *= 2;
    this.prefixes = new Int32Array(capacity);
    this.tokens = new Int32Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  intern(prefix: number, token: number): number {
    let slot = this.slotOf(prefix, token);
    const found = this.ids[slot]!;
    if (found >= 0) return found;
    if ((this.size + 1) * 2 > this.ids.length) {
      this.grow();
      slot = this.slotOf(prefix, token);
    }
    if (this.size >= NGRAM_ID_LIMIT) throw new RangeError(`caption n-grams: more than ${NGRAM_ID_LIMIT} distinct n-grams`);
    this.prefixes[slot] = prefix;
    this.tokens[slot] = token;
    this.ids[slot] = this.size;
    return this.size++;
  }

  /** The slot holding (prefix, token), or the empty slot where it would go. */
  private slotOf(prefix: number, token: number): number {
    // murmur3's finaliser over the combined pair: low bits must depend on every input bit.
    let h = Math.imul(prefix, 0x9e3779b1) ^ token;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    let slot = (h ^ (h >>> 16)) & this.mask;
    while (this.ids[slot]! >= 0 && (this.prefixes[slot] !== prefix || this.tokens[slot] !== token)) {
      slot = (slot + 1) & this.mask;
    }
    return slot;
  }

  private grow(): void {
    const { prefixes, tokens, ids } = this;
    const capacity = ids.length * 2;
    this.prefixes = new Int32Array(capacity);
    this.tokens = new Int32Array(capacity);
    this.ids = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let old = 0; old < ids.length; old++) {
      if (ids[old]! < 0) continue;
      const slot = this.slotOf(prefixes[old]!, tokens[old]!);
      this.prefixes[slot] = prefixes[old]!;
      this.tokens[slot] = tokens[old]!;
      this.ids[slot] = ids[old]!;
    }
  }
}

class NgramInterner {
  private readonly tokenIds = new Map<string, number>();
  private readonly ngramIds: PairInterner;
  private slotOf: Int32Array;
  private readonly positions: Int32Array[] = [];
  ids: Int32Array;
  counts: Int32Array;
  length = 0;

  /** `totalWords`: words in all captions, which bounds the work (4 n-grams per word at most). */
  constructor(totalWords: number) {
    // Distinct n-grams of caption corpora run at about a third of the 4-per-word bound; the
    // table grows if a corpus has more.
    this.ngramIds = new PairInterner(totalWords + (totalWords >> 1));
    this.slotOf = new Int32Array(4 * totalWords + 1024).fill(-1);
    this.ids = new Int32Array(4 * totalWords + 16);
    this.counts = new Int32Array(4 * totalWords + 16);
  }

  get ngramCount(): number {
    return this.ngramIds.size;
  }

  /** Appends the caption's distinct n-grams; writes its 5 bounds at `bounds[at..]`, returns its word count. */
  append(words: readonly string[], bounds: Int32Array, at: number): number {
    const n = words.length;
    this.reserve(4 * n);
    const tokens = this.scratch(MAX_NGRAM_ORDER, n);
    for (let i = 0; i < n; i++) tokens[i] = this.tokenId(words[i]!);
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

  private tokenId(word: string): number {
    let id = this.tokenIds.get(word);
    if (id === undefined) {
      id = this.tokenIds.size;
      if (id >= TOKEN_ID_LIMIT) throw new RangeError(`caption n-grams: more than ${TOKEN_ID_LIMIT} distinct words`);
      this.tokenIds.set(word, id);
    }
    return id;
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
  const split = [...hypotheses, ...references.flat()].map(splitPythonWhitespace);
  const interner = new NgramInterner(split.reduce((sum, words) => sum + words.length, 0));
  const bounds = new Int32Array(captionCount * BOUNDS_STRIDE);
  const wordCounts = new Int32Array(captionCount);
  split.forEach((words, caption) => {
    wordCounts[caption] = interner.append(words, bounds, caption * BOUNDS_STRIDE);
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
