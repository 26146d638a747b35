/**
 * `vlbench run --resume --retry-failed`: samples recorded as failed (an image missing while a
 * mount was down, a model error fixed since) are run again. A resume never recomputes a written
 * record, so their `failed` lines are taken out of the predictions file first (written to a
 * temporary file and renamed over it, so a kill leaves the old file or the new one), and the
 * pair's completion marker goes with them. Predictions of samples that worked are kept byte for byte.
 *
 * Retrieval is the exception: a query's rank depends on the whole gallery, and a failed image
 * (or caption) left the gallery smaller, so every rank the task wrote was computed against a
 * gallery that is not the one the retry ranks against. A retrieval pair with failed records is
 * run again whole (every query, both directions): its predictions, batch timings and per-sample
 * scores are removed, so that nothing computed on the old gallery survives.
 */
import { existsSync, fsyncSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { RunPlan } from './plan.js';
import type { RunDirectory } from './run-dir.js';
import { completionFile } from './run-task.js';

export interface ReopenedPair {
  readonly model: string;
  readonly task: string;
  readonly failed: number;
  /** True when the whole task runs again (retrieval), not only its failed samples. */
  readonly wholeTask: boolean;
}

/** The complete lines of a predictions file, and those of them that are not failed records. */
function splitLines(file: string): { lines: string[]; kept: string[] } {
  if (!existsSync(file)) return { lines: [], kept: [] };
  const text = readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').filter((line) => line.trim() !== '');
  const kept = lines.filter((line) => (JSON.parse(line) as { kind?: string }).kind !== 'failed');
  return { lines, kept };
}

function replaceLines(file: string, kept: readonly string[]): void {
  const temporary = `${file}.retry`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, kept.map((line) => line + '\n').join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

/** Makes every failed sample of the run's applicable pairs due again; returns the count per pair. */
export function reopenFailedSamples(dir: RunDirectory, plan: RunPlan): ReopenedPair[] {
  const reopened: ReopenedPair[] = [];
  for (const { loaded } of plan.models) {
    for (const task of plan.tasks) {
      if (task.perModel.get(loaded.id)?.applicable !== true) continue;
      const file = dir.predictions(loaded.id, task.task.id);
      const { lines, kept } = splitLines(file);
      const failed = lines.length - kept.length;
      if (failed === 0) continue;
      const wholeTask = task.task.kind === 'retrieval';
      // The marker first: a kill after it leaves a pair that a resume goes over again.
      rmSync(completionFile(dir, loaded.id, task.task.id), { force: true });
      if (wholeTask) {
        for (const path of [file, dir.progress(loaded.id, task.task.id), dir.samples(loaded.id, task.task.id)]) rmSync(path, { force: true });
      } else {
        replaceLines(file, kept);
      }
      reopened.push({ model: loaded.id, task: task.task.id, failed, wholeTask });
    }
  }
  return reopened;
}
