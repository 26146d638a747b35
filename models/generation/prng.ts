/**
 * The seeded generator used for sampling (mulberry32). Sampled runs are reproducible from the
 * seed, but they cannot reproduce PyTorch's sampled tokens: torch.multinomial draws from its own
 * Philox/MT19937 streams, so only greedy and beam search are compared with PyTorch token for token.
 * One stream serves all rows of a call (as torch's does), so a sampled row depends on the batch
 * it was decoded in; greedy and beam search do not.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
