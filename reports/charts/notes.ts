/**
 * Subtitle lines that say what a chart's marks do not: which values are partial (the tables'
 * † rule), which pairs ran but are not drawn because nothing was scored, and which speeds
 * include warm-up. A chart copied into a paper on its own keeps these caveats.
 */
import { isPartial, noValueText, PARTIAL_MARK, samplesText, warmupIncluded, type ReportResult } from '../report-model.js';

/** More pairs than this are summed up as "and N more" (the tables list them all). */
const MAX_LISTED = 8;
/** Subtitle lines are wrapped at about this many characters: one very long line widens the chart. */
const LINE_CHARS = 100;

/** `heading item; item; ...` wrapped into lines, at most MAX_LISTED items. */
function listed(heading: string, items: readonly string[]): string[] {
  const shown = items.length > MAX_LISTED ? [...items.slice(0, MAX_LISTED), `and ${items.length - MAX_LISTED} more (see the tables)`] : items;
  const lines = [heading];
  shown.forEach((item, i) => {
    const text = i < shown.length - 1 ? `${item};` : item;
    if (lines[lines.length - 1]!.length + text.length + 1 > LINE_CHARS) lines.push(text);
    else lines[lines.length - 1] += ` ${text}`;
  });
  return lines;
}

const pair = (r: ReportResult): string => `${r.model.label} on ${r.task}`;

/** The drawn values computed on fewer samples than requested, with their counts. */
export function partialLines(drawn: readonly ReportResult[], how: string): string[] {
  const partial = drawn.filter(isPartial);
  if (partial.length === 0) return [];
  return listed(`${PARTIAL_MARK} computed on fewer samples than requested (${how}):`, partial.map((r) => `${pair(r)} ${samplesText(r.scores.counts)}`));
}

/** Pairs that ran but scored nothing (every sample failed, no references, no samples). */
export function notDrawnLines(results: readonly ReportResult[]): string[] {
  const missing = results.filter((r) => r.scores.counts.scored === 0);
  if (missing.length === 0) return [];
  return listed('not drawn, nothing scored:', missing.map((r) => `${pair(r)} (${noValueText(r.scores.counts) ?? samplesText(r.scores.counts)})`));
}

/**
 * The warm-up caveat of a speed or latency chart. Every value left out the first batch of each
 * session unless its task ran as one batch (timings.json warmupSamples 0): then that batch is
 * all there is, and it is what the value measures. `excluded` is the subtitle's usual claim.
 */
export function warmupText(drawn: readonly ReportResult[], excluded: string): { main: string; lines: string[] } {
  const warm = drawn.filter((r) => r.timing && warmupIncluded(r.timing));
  if (warm.length === 0) return { main: excluded, lines: [] };
  if (warm.length === drawn.length) return { main: 'each task ran as one batch, so warm-up is included (timings.json warmupSamples 0)', lines: [] };
  return { main: `${excluded} except where noted below`, lines: listed('warm-up included (the task ran as one batch, timings.json warmupSamples 0):', warm.map(pair)) };
}
