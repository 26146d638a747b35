/** One measured number of a benchmark file (test/bench/*.bench.ts). */
export interface BenchResult {
  /** Stable name, e.g. "caption metrics: BLEU+ROUGE-L+CIDEr-D, 5000x5". */
  readonly name: string;
  readonly value: number;
  /** Unit of `value`, e.g. "ms", "captions/s", "x". */
  readonly unit: string;
  /** How it was measured (sample count, spread, what is included), for the table and JSON. */
  readonly notes?: string;
}

/** What every *.bench.ts file exports as its default. */
export type BenchFile = () => Promise<BenchResult[]>;
