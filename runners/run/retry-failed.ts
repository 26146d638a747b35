/**
 * `vlbench run --resume --retry-failed`: samples recorded as failed (an image missing while a
 * mount was down, a model error fixed since) are run again. A resume never recomputes a written
 * record, so their `failed` lines are taken out of the predictions file first (written to a
 * temporary file and renamed over it, so a kill leaves the old file or the new one), and the
 * pair's completion marker goes with them. Predictions of samples that worked are kept byte for byte.
 */
import { existsSync, fsyncSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { RunPlan } from './plan.js';
import type { RunDirectory } from './run-dir.js';
import { completionFile } from './run-task.js';

/** Removes the failed records of one predictions file; returns how many there were. */
function dropFailedLines(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').filter((line) => line.trim() !== '');
  const kept = lines.filter((line) => (JSON.parse(line) as { kind?: string }).kind !== 'failed');
  if (kept.length === lines.length) return 0;
  const temporary = `${file}.retry`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, kept.map((line) => line + '\n').join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  return lines.length - kept.length;
}

/** Makes every failed sample of the run's applicable pairs due again; returns the count per pair. */
export function reopenFailedSamples(dir: RunDirectory, plan: RunPlan): { model: string; task: string; failed: number }[] {
  const reopened: { model: string; task: string; failed: number }[] = [];
  for (const { loaded } of plan.models) {
    for (const task of plan.tasks) {
      if (task.perModel.get(loaded.id)?.applicable !== true) continue;
      const failed = dropFailedLines(dir.predictions(loaded.id, task.task.id));
      if (failed === 0) continue;
      rmSync(completionFile(dir, loaded.id, task.task.id), { force: true });
      reopened.push({ model: loaded.id, task: task.task.id, failed });
    }
  }
  return reopened;
}
