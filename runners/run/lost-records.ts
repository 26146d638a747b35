/**
 * A finished pair whose predictions file lost records after it finished (deleted, cut short, a
 * line removed) would be scored on what is left, silently: on `--resume` its completion marker
 * is compared with the records, and a pair that lost some is run again for the missing samples
 * only (a resume never recomputes a written record). Repeated records (two writers, a hand edit)
 * have no right answer to keep, so they stop the resume naming the file and the sample.
 */
import { existsSync, rmSync } from 'node:fs';
import { predictionKey, type PredictionRecord } from '../../reports/records.js';
import { readJsonl } from './jsonl.js';
import type { RunPlan } from './plan.js';
import type { RunDirectory } from './run-dir.js';
import { completionFile, type CompletionMarker } from './run-task.js';

export class DamagedRunError extends Error {}

/** A finished pair's records against its marker: the count it holds, or the first repeated sample. */
export function checkFinishedRecords(file: string, records: readonly PredictionRecord[], requested: number): { found: number } {
  const seen = new Set<string>();
  for (const [i, record] of records.entries()) {
    const key = predictionKey(record);
    if (seen.has(key)) {
      throw new DamagedRunError(`${file}: sample ${key} has a second record (record ${i + 1}); a run writes each sample once, so two writers shared this run directory or the file was edited: remove the wrong line, or start a fresh --out`);
    }
    seen.add(key);
  }
  if (records.length > requested) {
    throw new DamagedRunError(`${file}: ${records.length} records for the ${requested} samples the task finished with; the file was edited after it finished: start a fresh --out`);
  }
  return { found: records.length };
}

/** Reopens every finished pair that lost records; returns how many each holds of how many. */
export function reopenPairsWithLostRecords(dir: RunDirectory, plan: RunPlan): { model: string; task: string; found: number; requested: number }[] {
  const reopened: { model: string; task: string; found: number; requested: number }[] = [];
  for (const { loaded } of plan.models) {
    for (const task of plan.tasks) {
      if (task.perModel.get(loaded.id)?.applicable !== true) continue;
      const marker = completionFile(dir, loaded.id, task.task.id);
      if (!existsSync(marker)) continue;
      const { requested } = dir.readJson<CompletionMarker>(marker);
      const file = dir.predictions(loaded.id, task.task.id);
      const { found } = checkFinishedRecords(file, readJsonl<PredictionRecord>(file).records, requested);
      if (found === requested) continue;
      rmSync(marker);
      reopened.push({ model: loaded.id, task: task.task.id, found, requested });
    }
  }
  return reopened;
}
