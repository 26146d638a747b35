/**
 * The five numbers and outliers a box plot draws, computed here instead of by Vega-Lite's
 * boxplot: the latency chart would otherwise carry one data point per sample (40,000 for a
 * VQA run, megabytes of chart data and HTML), although latency is measured per batch. The
 * quartiles are Vega's (d3's quantile, R type 7: linear between order statistics); whiskers end
 * at the most extreme values within 1.5 IQR of the box, as Vega-Lite's `extent: 1.5`; outliers
 * are listed once per distinct value.
 */

export interface BoxSummary {
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  /** Smallest value >= q1 - 1.5 IQR. */
  readonly lower: number;
  /** Largest value <= q3 + 1.5 IQR. */
  readonly upper: number;
  /** Distinct values outside the whiskers, ascending. */
  readonly outliers: readonly number[];
  readonly count: number;
}

/** R type 7 quantile of ascending `sorted` (d3.quantileSorted). */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const low = sorted[below]!;
  return below + 1 < sorted.length ? low + (sorted[below + 1]! - low) * (position - below) : low;
}

export function boxSummary(values: readonly number[]): BoxSummary | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const q1 = quantileSorted(list, 0.25);
  const q3 = quantileSorted(list, 0.75);
  const reach = 1.5 * (q3 - q1);
  const inside = list.filter((v) => v >= q1 - reach && v <= q3 + reach);
  const outliers = [...new Set(list.filter((v) => v < q1 - reach || v > q3 + reach))];
  return { q1, median: quantileSorted(list, 0.5), q3, lower: inside[0]!, upper: inside[inside.length - 1]!, outliers, count: list.length };
}
