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
import { RunFileError, type RunDirectory } from './run-dir.js';
import { completionFile, type CompletionMarker } from './run-task.js';

/** A finished pair's records against its marker: throws on a repeated sample or more records than it finished with. */
export function checkFinishedRecords(file: string, records: readonly PredictionRecord[], requested: number): void {
  const seen = new Set<string>();
  for (const [i, record] of records.entries()) {
    const key = predictionKey(record);
    if (seen.has(key)) {
      throw new RunFileError(`${file}: sample ${key} has a second record (record ${i + 1}); a run writes each sample once, so two writers shared this run directory or the file was edited: remove the wrong line, or start a fresh --out`);
    }
    seen.add(key);
  }
  if (records.length > requested) {
    throw new RunFileError(`${file}: ${records.length} records for the ${requested} samples the task finished with; the file was edited after it finished: start a fresh --out`);
  }
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
      const { records } = readJsonl<PredictionRecord>(file);
      checkFinishedRecords(file, records, requested);
      const found = records.length;
      if (found === requested) continue;
      rmSync(marker);
      reopened.push({ model: loaded.id, task: task.task.id, found, requested });
    }
  }
  return reopened;
}
