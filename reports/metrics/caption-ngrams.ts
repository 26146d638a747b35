/**
 * The n-gram layer shared by BLEU and CIDEr-D. pycocoevalcap's `precook` splits a caption with
 * Python's `str.split()` and counts every k-gram (k = 1..4) in a dict whose insertion order is
 * "all unigrams by first occurrence, then all bigrams, ...". CIDEr-D sums its vector norms and
 * dot products in that order, so this layer keeps it: each caption becomes its distinct n-gram
 * ids grouped by order, in first-occurrence order, with their counts.
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

/** One caption's distinct n-grams. Entries of order k sit in `[orderStart[k-1], orderStart[k])`. */
export interface CaptionNgrams {
  /** Number of words (`len(s.split())`). */
  readonly wordCount: number;
  readonly ids: Int32Array;
  readonly counts: Int32Array;
  /** Length MAX_NGRAM_ORDER + 1. */
  readonly orderStart: Int32Array;
}

export interface NgramImage {
  readonly hypothesis: CaptionNgrams;
  readonly references: readonly CaptionNgrams[];
}

/** A corpus ready for BLEU and CIDEr-D: images in evaluation order, n-gram ids below `ngramCount`. */
export interface NgramCorpus {
  readonly images: readonly NgramImage[];
  readonly ngramCount: number;
}

// Keys pack (prefix n-gram id + 1, token id) into one safe integer.
const TOKEN_ID_LIMIT = 2 ** 21;
const NGRAM_ID_LIMIT = 2 ** 31;

class NgramInterner {
  private readonly tokenIds = new Map<string, number>();
  private readonly ngramIds = new Map<number, number>();
  private slotOf = new Int32Array(1024).fill(-1);
  private readonly positions: Int32Array[] = [];

  get ngramCount(): number {
    return this.ngramIds.size;
  }

  count(caption: string): CaptionNgrams {
    const words = splitPythonWhitespace(caption);
    const n = words.length;
    const tokens = this.scratch(MAX_NGRAM_ORDER, n);
    for (let i = 0; i < n; i++) tokens[i] = this.tokenId(words[i]!);
    let current = this.scratch(0, n);
    for (let i = 0; i < n; i++) current[i] = this.ngramId(0, tokens[i]!);
    const ids: number[] = [];
    const counts: number[] = [];
    const orderStart = new Int32Array(MAX_NGRAM_ORDER + 1);
    for (let order = 1; order <= MAX_NGRAM_ORDER; order++) {
      orderStart[order - 1] = ids.length;
      const grams = n - order + 1;
      if (order > 1) {
        const previous = current;
        current = this.scratch(order - 1, Math.max(grams, 0));
        for (let i = 0; i < grams; i++) current[i] = this.ngramId(previous[i]! + 1, tokens[i + order - 1]!);
      }
      this.collectDistinct(current, grams, ids, counts);
    }
    orderStart[MAX_NGRAM_ORDER] = ids.length;
    return { wordCount: n, ids: Int32Array.from(ids), counts: Int32Array.from(counts), orderStart };
  }

  private collectDistinct(grams: Int32Array, length: number, ids: number[], counts: number[]): void {
    const first = ids.length;
    for (let i = 0; i < length; i++) {
      const id = grams[i]!;
      const slot = this.slotOf[id]!;
      if (slot >= 0) {
        counts[slot]!++;
      } else {
        this.slotOf[id] = ids.length;
        ids.push(id);
        counts.push(1);
      }
    }
    for (let j = first; j < ids.length; j++) this.slotOf[ids[j]!] = -1;
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
    const key = prefix * TOKEN_ID_LIMIT + token;
    let id = this.ngramIds.get(key);
    if (id === undefined) {
      id = this.ngramIds.size;
      if (id >= NGRAM_ID_LIMIT) throw new RangeError(`caption n-grams: more than ${NGRAM_ID_LIMIT} distinct n-grams`);
      this.ngramIds.set(key, id);
      if (id >= this.slotOf.length) {
        const grown = new Int32Array(this.slotOf.length * 2).fill(-1);
        grown.set(this.slotOf);
        this.slotOf = grown;
      }
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
  const interner = new NgramInterner();
  const images: NgramImage[] = [];
  for (let i = 0; i < hypotheses.length; i++) {
    const refs = references[i]!;
    images.push({ hypothesis: interner.count(hypotheses[i]!), references: refs.map((r) => interner.count(r)) });
  }
  return { images, ngramCount: interner.ngramCount };
}
