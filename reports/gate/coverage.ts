/**
 * Sample coverage of a gated (model, task) pair. A metric computed over the samples that were
 * scored is not the task's metric when some of them failed: a run whose broken images fail half
 * the VQA questions would otherwise be gated on the other half (and on their latencies) and pass.
 * Hence, per pair:
 *
 *   baseline-relative gates   fail when the two runs requested different numbers of samples
 *                             (either way: the samples both scored are neither run's set), or
 *                             this run left more of its requested samples unscored (failed, or
 *                             never written) than the baseline did; failures the baseline
 *                             shares (a known-broken file) do not block a change. Which samples
 *                             and data the runs measured is sample-set.ts's check
 *   floors and ceilings       fail when this run left any requested sample unscored: there is no
 *                             baseline to share the blame, and a bound on a partial run would
 *                             pass for the wrong reason
 *
 * The reason strings are shown in every gate output (Markdown, JUnit, JSON).
 */
import type { RunSnapshot, SnapshotResult } from './snapshot.js';

export type SampleCounts = SnapshotResult['counts'];

/** The counts of one pair; undefined when the snapshot has no result (or a hand-made file no counts). */
export function countsFor(snapshot: RunSnapshot, model: string, task: string): SampleCounts | undefined {
  return snapshot.results.find((r) => r.model === model && r.task === task)?.counts;
}

/**
 * Requested samples that entered no metric because they failed or were never written. Samples
 * without reference answers (`unannotated`, a test-server split) are left out of the metrics by
 * design, not by a failure.
 */
function unscored(counts: SampleCounts): number {
  return Math.max(0, counts.requested - counts.scored - (counts.unannotated ?? 0));
}

function hasUnscored(counts: SampleCounts | undefined): boolean {
  return counts !== undefined && unscored(counts) > 0;
}

/**
 * A task that selected no samples in this run (a data path or filter that now matches nothing)
 * computed no metric; a gate on it must fail, not find nothing to check and pass.
 */
function hadNoSamples(counts: SampleCounts | undefined): boolean {
  return counts !== undefined && counts.requested === 0;
}

/** Whether the pair's metric misses samples: some were left unscored, or there were none. */
export function incomplete(counts: SampleCounts | undefined): boolean {
  return hasUnscored(counts) || hadNoSamples(counts);
}

const NO_SAMPLES = 'the task had no samples in this run (its data or filter selects none); check the data paths and the task\'s filter';

/** "4 of 8 samples failed in this run", or with the unwritten ones spelled out when there are any. */
function shortfallText(counts: SampleCounts): string {
  const missing = Math.max(0, unscored(counts) - counts.failed);
  const of = `${unscored(counts)} of ${counts.requested} samples`;
  return missing > 0 ? `${of} were not scored in this run (${counts.failed} failed, ${missing} never written)` : `${of} failed in this run`;
}

/** Why a baseline-relative check on the pair must fail, or null when coverage is no worse. */
export function comparisonShortfall(current: SampleCounts | undefined, baseline: SampleCounts | undefined): string | null {
  if (current === undefined || baseline === undefined) return null;
  if (hadNoSamples(current)) return NO_SAMPLES;
  // Fewer requested samples (a smaller --limit, one unmerged shard) would compare a subset and pass.
  if (current.requested < baseline.requested) {
    return `this run requested ${current.requested} of the baseline's ${baseline.requested} samples (a smaller --limit, or one shard not merged); gate a run of the same suite and settings`;
  }
  // More is no better: the pairs both scored are not either run's sample set, and a retrieval
  // rank depends on the whole gallery, so an unchanged model "dropped" against a smaller one.
  if (current.requested > baseline.requested) {
    return `this run requested ${current.requested} samples, the baseline only ${baseline.requested} (a larger --limit, or more data); gate a run of the same suite and settings, or rewrite the baseline from one`;
  }
  if (unscored(current) > unscored(baseline)) return `${shortfallText(current)}, ${unscored(baseline)} in the baseline`;
  // Failures the baseline shares are forgiven, but not when they leave nothing to compare.
  if (current.scored === 0 && unscored(current) > 0) return `${shortfallText(current)}; nothing was scored, so there is nothing to compare`;
  return null;
}

/** Why a floor or ceiling on the pair must fail, or null when every requested sample was scored. */
export function boundShortfall(current: SampleCounts | undefined): string | null {
  if (hadNoSamples(current)) return `${NO_SAMPLES}; floors and ceilings need samples`;
  if (current === undefined || !hasUnscored(current)) return null;
  return `${shortfallText(current)}; floors and ceilings need every requested sample scored`;
}

/** For a pair the baseline lacks (allowed with --allow-missing-baseline): any unscored sample fails it. */
export function unmatchedShortfall(current: SampleCounts | undefined): string | null {
  if (hadNoSamples(current)) return `${NO_SAMPLES}, and the baseline has no result to compare with`;
  if (current === undefined || !hasUnscored(current)) return null;
  return `${shortfallText(current)}, and the baseline has no result to compare with`;
}
