/**
 * Whether two runs measured a (model, task) pair on the same samples. The paired bootstrap pairs
 * samples by id, but the samples both runs scored are a comparison only when each run's sample
 * set is the task's: a retrieval rank depends on the whole gallery, and a changed annotation file
 * can keep the ids and change the answers. So a baseline-relative check fails (with the reason)
 * when, besides different requested counts (coverage.ts):
 *
 *   the data files differ       by content (sha256 in the manifest, carried into baseline files);
 *                               paths are not compared, so CI checkouts under other roots match.
 *                               Checked when both sides record digests: a baseline written before
 *                               2026-11-28 has none, and its verdicts say the data went unchecked
 *   the sample ids differ       over as many requested samples: one run scored samples the other,
 *                               which scored every sample it requested, did not have
 *   the media differ            by content, for a sample both runs recorded (the predictions'
 *                               mediaSha256, carried into baseline files): an image re-encoded or
 *                               replaced under the same path and id is another sample. Checked
 *                               when both sides record media digests: runs and baselines written
 *                               by an earlier vlbench have none, and their verdicts say so
 *
 * A task id that names a task of another kind in the baseline is a harness error: there is no
 * sample set to compare at all, only a renamed or reused id.
 */
import { basename } from 'node:path';
import { exclusiveFiles } from '../comparability.js';
import type { TaskKind } from '../records.js';
import { GateInputError } from './paired-metric.js';
import type { MediaDigest, RunSnapshot, SnapshotResult, SnapshotTask } from './snapshot.js';

type Dataset = NonNullable<SnapshotTask['dataset']>;

const REWRITE = 'gate a run of the same suite, data and settings, or rewrite the baseline from one';
const SHOWN_IDS = 3;
const shortSha = (s: string): string => s.slice(0, 12);

function datasetOf(snapshot: RunSnapshot, task: string): Dataset | undefined {
  return snapshot.tasks.find((t) => t.id === task)?.dataset;
}

function kindOf(snapshot: RunSnapshot, task: string): TaskKind | undefined {
  return snapshot.tasks.find((t) => t.id === task)?.kind ?? snapshot.results.find((r) => r.task === task)?.kind;
}

/** Throws when `task` is a task of another kind in the baseline; `source` is the baseline path as given. */
export function checkSameTaskKind(current: RunSnapshot, baseline: RunSnapshot, task: string, source: string | undefined): void {
  const [here, there] = [kindOf(current, task), kindOf(baseline, task)];
  if (here === undefined || there === undefined || here === there) return;
  throw new GateInputError(
    `${source ?? `baseline run '${baseline.runId}'`}: task '${task}' is of kind '${there}' in the baseline (run '${baseline.runId}') and '${here}' in this run, ` +
      'so the same id names two different tasks and nothing can be compared. Write the baseline from a run of the same suite ' +
      '(`vlbench gate RUN --write-baseline FILE`), or give the new task an id of its own.',
  );
}

function fileText(file: Dataset['files'][number], others: Dataset['files']): string {
  const twin = others.find((o) => basename(o.path) === basename(file.path));
  return twin ? `${basename(file.path)} (sha256 ${shortSha(file.sha256)} here, ${shortSha(twin.sha256)} in the baseline)` : `${basename(file.path)} (sha256 ${shortSha(file.sha256)}, not in the baseline)`;
}

/** Why the runs read different data for `task`, or null when they match or a side records no digests. */
function dataDifference(current: RunSnapshot, baseline: RunSnapshot, task: string): string | null {
  const [here, there] = [datasetOf(current, task), datasetOf(baseline, task)];
  if (here === undefined || there === undefined) return null;
  if (here.name !== there.name) return `this run read the task with the dataset loader '${here.name}', the baseline with '${there.name}'; ${REWRITE}`;
  const exclusive = exclusiveFiles(here.files, there.files);
  if (exclusive === null) return null;
  return `this run read other data than the baseline: ${exclusive.onlyA.map((f) => fileText(f, exclusive.onlyB)).join(', ')}; ${REWRITE}`;
}

/** Every requested sample has a per-sample score (or no references): the scored ids are the run's whole selection. */
function scoredAll(r: SnapshotResult): boolean {
  return r.samples.length === r.counts.scored && r.counts.scored + (r.counts.unannotated ?? 0) === r.counts.requested;
}

function idsMissingFrom(from: SnapshotResult, other: SnapshotResult): string[] {
  const ids = new Set(other.samples.map((s) => s.sampleId));
  return from.samples.map((s) => s.sampleId).filter((id) => !ids.has(id));
}

/**
 * Why two runs that requested as many samples selected different ones, or null. A side's ids
 * are a complete list only when it scored every sample it requested; a run with failed samples
 * is compared the other way round only (its failures are coverage.ts's reason).
 */
function sampleIdDifference(cur: SnapshotResult, base: SnapshotResult): string | null {
  if (cur.counts.requested !== base.counts.requested) return null;
  const onlyHere = scoredAll(base) ? idsMissingFrom(cur, base) : [];
  const onlyThere = scoredAll(cur) ? idsMissingFrom(base, cur) : [];
  if (onlyHere.length === 0 && onlyThere.length === 0) return null;
  const [ids, count, side] = onlyHere.length > 0 ? [onlyHere, onlyHere.length, 'this run scored'] : [onlyThere, onlyThere.length, 'the baseline scored'];
  const shown = ids.slice(0, SHOWN_IDS).map((id) => `'${id}'`).join(', ') + (count > SHOWN_IDS ? ', ...' : '');
  const other = side === 'this run scored' ? 'the baseline' : 'this run';
  return `${side} ${count} sample${count === 1 ? '' : 's'} that ${other} does not have (${shown}), out of as many requested: the runs selected different samples (other data, filter or order); ${REWRITE}`;
}

/** How one sample's media differ between the runs, or null when they are the same. */
function sampleMediaDifference(here: readonly MediaDigest[], there: readonly MediaDigest[]): string | null {
  if (here.length !== there.length) return `${here.length} media file${here.length === 1 ? '' : 's'} here, ${there.length} in the baseline`;
  const i = here.findIndex((h, n) => h.sha256 !== there[n]!.sha256);
  if (i < 0) return null;
  const [h, t] = [here[i]!, there[i]!];
  const name = h.file === t.file ? h.file : `${h.file} (${t.file} in the baseline)`;
  return `${name}: sha256 ${shortSha(h.sha256)} here, ${shortSha(t.sha256)} in the baseline`;
}

/** Why the runs read other media for samples both recorded, or null (also when a side records no media digests). */
function mediaDifference(cur: SnapshotResult, base: SnapshotResult): string | null {
  const [here, there] = [cur.media, base.media];
  if (here === undefined || there === undefined) return null;
  const shared = Object.keys(here).filter((key) => Object.hasOwn(there, key));
  const differing = shared.flatMap((key) => {
    const difference = sampleMediaDifference(here[key]!, there[key]!);
    return difference === null ? [] : [`'${key}' ${difference}`];
  });
  if (differing.length === 0) return null;
  const shown = differing.slice(0, SHOWN_IDS).join('; ') + (differing.length > SHOWN_IDS ? '; ...' : '');
  return `this run read other media than the baseline for ${differing.length} of ${shared.length} sample${shared.length === 1 ? '' : 's'} (${shown}); ${REWRITE}`;
}

/** Why the pair's two runs did not measure the same sample set, or null. */
export function sampleSetDifference(current: RunSnapshot, baseline: RunSnapshot, task: string, cur: SnapshotResult | undefined, base: SnapshotResult | undefined): string | null {
  return dataDifference(current, baseline, task) ?? (cur && base ? sampleIdDifference(cur, base) ?? mediaDifference(cur, base) : null);
}

/** A verdict note when the data files could not be compared (a side without digests), else null. */
export function uncheckedDataNote(current: RunSnapshot, baseline: RunSnapshot, task: string): string | null {
  if (datasetOf(baseline, task) === undefined) {
    return 'the baseline records no data-file digests (a baseline file written before 2026-11-28), so that both runs read the same data was not checked; rewrite it with --write-baseline to check';
  }
  if (datasetOf(current, task) === undefined) return 'this run records no data-file digests for the task, so that both runs read the same data was not checked';
  return null;
}

/** A verdict note when the pair's media could not be compared (a side without media digests), else null. */
export function uncheckedMediaNote(cur: SnapshotResult | undefined, base: SnapshotResult | undefined): string | null {
  if (cur === undefined || base === undefined) return null;
  if (base.media === undefined) {
    return 'the baseline records no media digests (written by an earlier vlbench), so that both runs read the same images, clips and frames was not checked; rewrite it with --write-baseline from a run of this vlbench to check';
  }
  if (cur.media === undefined) return 'this run records no media digests (its predictions were written by an earlier vlbench), so that both runs read the same images, clips and frames was not checked';
  return null;
}
