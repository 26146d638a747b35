/**
 * The five numbers and outliers a box plot draws, computed here instead of by Vega-Lite's
 * boxplot: the latency chart would otherwise carry one data point per sample (40,000 for a
 * VQA run, megabytes of chart data and HTML), although latency is measured per batch. The
 * quartiles are Vega's (d3's quantile, R type 7: linear between order statistics); whiskers end
 * at the most extreme values within 1.5 IQR of the box, as Vega-Lite's `extent: 1.5`; outliers
 * are listed once per distinct value.
 */
import { quantileSorted } from '../bootstrap/paired-bootstrap.js';

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

export function boxSummary(values: readonly number[]): BoxSummary | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const reach = 1.5 * (q3 - q1);
  const inside = sorted.filter((v) => v >= q1 - reach && v <= q3 + reach);
  const outliers = [...new Set(sorted.filter((v) => v < q1 - reach || v > q3 + reach))];
  return { q1, median: quantileSorted(sorted, 0.5), q3, lower: inside[0]!, upper: inside[inside.length - 1]!, outliers, count: sorted.length };
}
