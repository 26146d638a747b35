/**
 * Interning tables for the caption metrics: words straight from caption characters, and
 * n-grams as (prefix id, word id) pairs. Open addressing over typed arrays, so a corpus of a
 * million n-grams costs no per-entry objects.
 */

/** Python 3's `str.isspace()`: the characters `str.split()` splits on. */
export function isPythonWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Interns words straight from a caption's characters (no substring per occurrence): an
 * open-addressing table of the distinct words, compared character by character.
 */
export class WordTable {
  private readonly words: string[] = [];
  private hashes = new Int32Array(1024);
  private slots = new Int32Array(1 << 12).fill(-1);

  get size(): number {
    return this.words.length;
  }

  /** Id of `text.slice(start, end)`, added when new. */
  intern(text: string, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === h && this.sameWord(this.words[id]!, text, start, end)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.words.length;
    this.words.push(text.slice(start, end));
    if (id >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.slots[slot] = id;
    if (this.words.length * 2 > this.slots.length) this.rehash();
    return id;
  }

  private sameWord(word: string, text: string, start: number, end: number): boolean {
    if (word.length !== end - start) return false;
    for (let k = 0; k < word.length; k++) if (word.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
    return true;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.words.length; id++) {
      let slot = this.hashes[id]! & mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = id;
    }
  }
}

const NGRAM_ID_LIMIT = 2 ** 30;

/**
 * Open-addressing hash map from (prefix, token) pairs of small integers to dense n-gram ids:
 * n-gram k is interned as (id of its first k-1 words + 1, id of its last word), unigrams with
 * prefix 0. Typed arrays keep a million n-grams cheap, unlike a Map keyed by packed doubles.
 */
export class PairInterner {
  private prefixes: Int32Array;
  private tokens: Int32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  /** `expected`: a guess of the number of distinct pairs, to avoid rehashing. */
  constructor(expected: number) {
    let capacity = 1 << 12;
    while (capacity < 1.6 * expected) capacity *= 2;
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
