/**
 * Measurement: an InferenceContext that adds each adapter stage's wall time to the current
 * batch, per-sample latencies, percentiles, and resident memory. Stage times of concurrent calls
 * (parallel preprocessing) are summed, so they can exceed the batch's wall time.
 */
import type { InferenceContext, Stage } from '../../models/capabilities.js';

export type StageTimes = Record<Stage, number>;

export function zeroStages(): StageTimes {
  return { preprocess: 0, encode: 0, fusion: 0, decode: 0 };
}

export class StageClock implements InferenceContext {
  private stages = zeroStages();

  constructor(readonly signal?: AbortSignal) {}

  async time<T>(stage: Stage, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.stages[stage] += performance.now() - start;
    }
  }

  /** The stage times since the last call, in ms. */
  take(): StageTimes {
    const taken = this.stages;
    this.stages = zeroStages();
    return taken;
  }
}

/** Nearest-rank-free linear interpolation percentile (numpy's default), ms in, ms out. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const position = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] ?? 0;
  const b = sorted[upper] ?? 0;
  return a + (b - a) * (position - lower);
}

export function rssBytes(): number {
  return process.memoryUsage.rss();
}
