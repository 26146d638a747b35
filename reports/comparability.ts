/**
 * Whether the runs of one report measured each task on the same samples. A report merges runs
 * by task id, so a task run with another `--limit` or over a changed annotation file sits in the
 * same column as the original: same model, different questions, different numbers. The run
 * manifests record both (scores.json's requested counts, the dataset files' sha256), so the
 * report says when they differ instead of letting the columns pass for comparable.
 */
import type { LoadedRun } from './run-reader.js';
import type { ReportRun } from './report-model.js';

interface TaskSampleSet {
  readonly run: ReportRun;
  /** Requested sample counts of the task's pairs in this run (one number unless models differ). */
  readonly requested: string;
  /** The dataset files the run read (compared by content, not path). */
  readonly files: readonly { readonly sha256: string }[];
}

function sampleSets(runs: readonly LoadedRun[], reportRuns: readonly ReportRun[]): Map<string, TaskSampleSet[]> {
  const byTask = new Map<string, TaskSampleSet[]>();
  runs.forEach((run, index) => {
    for (const task of run.manifest.tasks) {
      const counts = [...new Set(run.scores.results.filter((r) => r.task === task.id).map((r) => r.counts.requested))];
      const entry = { run: reportRuns[index]!, requested: counts.join('/'), files: task.dataset.files };
      byTask.set(task.id, [...(byTask.get(task.id) ?? []), entry]);
    }
  });
  return byTask;
}

/** `base: 240, base10: 60` */
function listBy(sets: readonly TaskSampleSet[], value: (s: TaskSampleSet) => string): string {
  return sets.map((s) => `${s.run.label}: ${value(s)}`).join(', ');
}

const shortDigests = (files: TaskSampleSet['files']): string => (files.length === 0 ? 'no files' : [...new Set(files.map((f) => f.sha256))].sort().map((d) => d.slice(0, 12)).join('+'));

/**
 * The files each of two runs read that the other did not (by sha256), or null when the runs read
 * the same data. A file only one run read is one the other did not need (a manifest lists the
 * answer list only when a model of that run ranks answers), so the data differ only when each
 * side has such a file: a file whose content changed shows on both sides. The gate uses it too.
 */
export function exclusiveFiles<F extends { readonly sha256: string }>(a: readonly F[], b: readonly F[]): { onlyA: F[]; onlyB: F[] } | null {
  const [inA, inB] = [new Set(a.map((f) => f.sha256)), new Set(b.map((f) => f.sha256))];
  const onlyA = a.filter((f) => !inB.has(f.sha256));
  const onlyB = b.filter((f) => !inA.has(f.sha256));
  return onlyA.length === 0 || onlyB.length === 0 ? null : { onlyA, onlyB };
}

/**
 * One warning per task whose runs requested different sample counts or read different dataset
 * files. Shard runs are left out of the count check: a shard requests its part by design, and
 * every output already marks it partial.
 */
export function sampleSetWarnings(runs: readonly LoadedRun[], reportRuns: readonly ReportRun[]): string[] {
  const warnings: string[] = [];
  for (const [task, sets] of sampleSets(runs, reportRuns)) {
    if (sets.length < 2) continue;
    const whole = sets.filter((s) => !s.run.shard && s.requested !== '');
    const reasons = [
      ...(new Set(whole.map((s) => s.requested)).size > 1 ? [`requested samples differ (${listBy(whole, (s) => s.requested)})`] : []),
      ...(sets.some((s, i) => sets.slice(i + 1).some((t) => exclusiveFiles(s.files, t.files) !== null)) ? [`dataset files differ (sha256 ${listBy(sets, (s) => shortDigests(s.files))})`] : []),
    ];
    if (reasons.length) warnings.push(`task '${task}' was not run on the same samples in every run: ${reasons.join('; ')}; its numbers are not comparable between these runs.`);
  }
  return warnings;
}
