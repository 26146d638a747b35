/**
 * The scored outputs of a run directory, computed from what it holds alone (manifest,
 * predictions, progress): scores.json, samples/<model>/<task>.jsonl and timings.json. Used at the
 * end of `vlbench run` and by `vlbench merge` on merged predictions.
 */
import { existsSync, rmSync } from 'node:fs';
import { RUN_FORMAT_VERSION, type BatchProgressRecord, type PredictionRecord, type RunManifest, type ScoresFile, type TaskScores, type TaskTimings, type TimingsFile } from '../../reports/records.js';
import { readJsonl } from './jsonl.js';
import { RunFileError, type RunDirectory } from './run-dir.js';
import { completionFile, type CompletionMarker } from './run-task.js';
import { scoreTask } from './scoring.js';
import { checkFinishedRecords } from './lost-records.js';
import { aggregateTimings } from './timings.js';

function tokenizeSetting(settings: Readonly<Record<string, { value: unknown }>>): 'ptb' | 'none' {
  return settings.tokenize?.value === 'none' ? 'none' : 'ptb';
}

/**
 * Takes out what writeResults wrote (scores.json first: readers take its absence for a run that
 * did not finish), before a resume writes into the run: a session killed halfway would otherwise
 * leave results that the predictions no longer match, and gate, report and diff would use them.
 */
export function removeResults(dir: RunDirectory, manifest: RunManifest): void {
  rmSync(dir.scores, { force: true });
  rmSync(dir.timings, { force: true });
  for (const model of manifest.models) for (const task of manifest.tasks) rmSync(dir.samples(model.id, task.id), { force: true });
}

export function writeResults(dir: RunDirectory, manifest?: RunManifest): ScoresFile {
  const m = manifest ?? dir.readJson<RunManifest>(dir.manifest);
  const results: TaskScores[] = [];
  const timings: TaskTimings[] = [];
  const notApplicable: ScoresFile['notApplicable'][number][] = [];
  for (const model of m.models) {
    for (const task of m.tasks) {
      const pair = task.perModel[model.id];
      if (pair === undefined) continue;
      if (!pair.applicable) {
        notApplicable.push({ model: model.id, task: task.id, reason: pair.reason });
        continue;
      }
      const marker = completionFile(dir, model.id, task.id);
      const finished = existsSync(marker);
      const requested = finished ? dir.readJson<CompletionMarker>(marker).requested : 0;
      const file = dir.predictions(model.id, task.id);
      const predictions = readJsonl<PredictionRecord>(file).records;
      // Scores of a finished pair stand for every sample it covered, or they are not written.
      if (finished) checkFinishedRecords(file, predictions, requested);
      if (finished && predictions.length < requested) {
        throw new RunFileError(`${file}: ${predictions.length} records for the ${requested} samples ${model.id} / ${task.id} finished with; the file lost records after it finished: run the suite again with --resume to recompute them`);
      }
      const scored = scoreTask({ model: model.id, task: task.id, kind: task.kind, metrics: task.metrics, tokenize: tokenizeSetting(pair.settings), requested }, predictions);
      results.push(scored.scores);
      dir.writeJsonl(dir.samples(model.id, task.id), scored.samples);
      const progress = readJsonl<BatchProgressRecord>(dir.progress(model.id, task.id)).records;
      timings.push(aggregateTimings(model.id, task.id, model.provider.used, progress));
    }
  }
  const scores: ScoresFile = { formatVersion: RUN_FORMAT_VERSION, results, notApplicable };
  dir.writeJson(dir.scores, scores);
  dir.writeJson(dir.timings, { formatVersion: RUN_FORMAT_VERSION, results: timings } satisfies TimingsFile);
  return scores;
}
