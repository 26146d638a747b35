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
  /** The dataset files' digests (a file's path does not matter, its content does). */
  readonly digests: ReadonlySet<string>;
}

function sampleSets(runs: readonly LoadedRun[], reportRuns: readonly ReportRun[]): Map<string, TaskSampleSet[]> {
  const byTask = new Map<string, TaskSampleSet[]>();
  runs.forEach((run, index) => {
    for (const task of run.manifest.tasks) {
      const counts = [...new Set(run.scores.results.filter((r) => r.task === task.id).map((r) => r.counts.requested))];
      const entry = { run: reportRuns[index]!, requested: counts.join('/'), digests: new Set(task.dataset.files.map((f) => f.sha256)) };
      byTask.set(task.id, [...(byTask.get(task.id) ?? []), entry]);
    }
  });
  return byTask;
}

/** `base: 240, base10: 60` */
function listBy(sets: readonly TaskSampleSet[], value: (s: TaskSampleSet) => string): string {
  return sets.map((s) => `${s.run.label}: ${value(s)}`).join(', ');
}

const shortDigests = (digests: ReadonlySet<string>): string => (digests.size === 0 ? 'no files' : [...digests].sort().map((d) => d.slice(0, 12)).join('+'));

/**
 * Two runs read different data when each read a file the other did not. A file only one run read
 * is one the other did not need: a manifest lists the answer list only when a model of that run
 * ranks answers (the gate's rule too, gate/sample-set.ts).
 */
function dataDiffers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return [...a].some((d) => !b.has(d)) && [...b].some((d) => !a.has(d));
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
      ...(sets.some((s, i) => sets.slice(i + 1).some((t) => dataDiffers(s.digests, t.digests))) ? [`dataset files differ (sha256 ${listBy(sets, (s) => shortDigests(s.digests))})`] : []),
    ];
    if (reasons.length) warnings.push(`task '${task}' was not run on the same samples in every run: ${reasons.join('; ')}; its numbers are not comparable between these runs.`);
  }
  return warnings;
}
