/**
 * The seeded generator used for sampling (mulberry32). Sampled runs are reproducible from the
 * seed, but they cannot reproduce PyTorch's sampled tokens: torch.multinomial draws from its own
 * Philox/MT19937 streams, so only greedy and beam search are compared with PyTorch token for token.
 * One stream serves all rows of a `generate` call (as torch's does), so a sampled row depends on
 * the call it was decoded in; greedy and beam search do not. The runner therefore decodes each
 * sampled sample in a call of its own, seeded with `sampleSeed(seed, sample id)`
 * (runners/tasks/sampled.ts): a sample's tokens do not depend on its batch, shard or resume.
 */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** Seeds are 32-bit: a larger one would wrap onto a smaller one's stream, so entry points refuse it. */
export const MAX_SEED = 0xffffffff;

export function isSeed(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_SEED;
}

export function createPrng(seed: number): Prng {
  if (!isSeed(seed)) throw new RangeError(`seed must be an integer from 0 to ${MAX_SEED}, got ${seed}`);
  let state = seed;
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

/**
 * The seed of one sample's sampling stream: FNV-1a over the run seed and the sample's key (its
 * id), finished with murmur3's avalanche so that neighbouring ids get unrelated streams.
 */
export function sampleSeed(seed: number, key: string): number {
  let h = 0x811c9dc5;
  for (const char of `${seed >>> 0}:${key}`) {
    h ^= char.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
