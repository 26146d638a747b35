/**
 * A small seeded PRNG for the bootstrap: xoshiro128** (Blackman & Vigna), its 128-bit state
 * filled from the 32-bit seed by splitmix32. Our own so that a seed means the same stream on
 * every platform and Node version (Math.random cannot be seeded).
 */

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`bootstrap seed must be an integer, got ${seed}`);
    const init = splitmix32(seed);
    this.s0 = init();
    this.s1 = init();
    this.s2 = init();
    this.s3 = init();
  }

  /** A generator from an explicit 128-bit state (not all zero), e.g. the reference test vectors. */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128 {
    if (state.every((word) => word >>> 0 === 0)) throw new RangeError('xoshiro128** state must not be all zero');
    const rng = new Xoshiro128(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state.map((word) => word >>> 0) as [number, number, number, number];
    return rng;
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform integer in [0, n): multiply-shift (bias below 2^-32 * n, irrelevant at bootstrap sizes). */
  nextIndex(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
