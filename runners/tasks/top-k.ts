/**
 * Bounded top-k per row, so retrieval keeps k candidates per query instead of the full
 * similarity matrix (COCO 5k x 25k). A small binary min-heap of (score, index); ties keep the
 * lower index, so the selection does not depend on the order pairs are visited in.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly indices: Int32Array;
  private size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.indices = new Int32Array(k);
  }

  /** a ranks below b: lower score, or equal score and higher index. */
  private below(i: number, j: number): boolean {
    const a = this.scores[i]!;
    const b = this.scores[j]!;
    return a < b || (a === b && this.indices[i]! > this.indices[j]!);
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i]!;
    this.scores[i] = this.scores[j]!;
    this.scores[j] = s;
    const x = this.indices[i]!;
    this.indices[i] = this.indices[j]!;
    this.indices[j] = x;
  }

  push(score: number, index: number): void {
    if (this.size < this.k) {
      this.scores[this.size] = score;
      this.indices[this.size] = index;
      let child = this.size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!this.below(child, parent)) break;
        this.swap(child, parent);
        child = parent;
      }
      return;
    }
    const root = this.scores[0]!;
    if (score < root || (score === root && index > this.indices[0]!)) return;
    this.scores[0] = score;
    this.indices[0] = index;
    let parent = 0;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.size && this.below(left, smallest)) smallest = left;
      if (right < this.size && this.below(right, smallest)) smallest = right;
      if (smallest === parent) break;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  /**
   * The score a push must reach to have a chance of being kept: -Infinity until k entries are
   * held, then the lowest kept score (an equal score is kept only with a lower index). Callers
   * feeding millions of scores compare against a copy of this in a dense array first, because
   * reaching into thousands of heaps for their roots is what costs (cache misses).
   */
  get floor(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  /** Entries best first (highest score; ties by lower index). */
  sorted(): { index: number; score: number }[] {
    const out: { index: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ index: this.indices[i]!, score: this.scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }
}
