/**
 * Reads a run directory (records.ts) for reports, gates and diffs. Read-only: nothing here
 * writes into a run. The small files (manifest, scores, timings) are read and type-checked, and
 * every pair's per-sample JSONL files are read once and checked against scores.json's counts
 * (a damaged run is refused); the parsed records are kept with the loaded run for the command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { predictionRecordsProblem, sampleScoresProblem } from './record-checks.js';
import { predictionCheck, sampleScoreCheck, scoresFileCheck, timingsFileCheck, typeProblemText, type TypeProblem } from './record-types.js';
import {
  RUN_FORMAT_VERSION,
  RUN_LOCK_FILE,
  type PredictionRecord,
  type RunManifest,
  type SampleScoreRecord,
  type ScoresFile,
  type TaskScores,
  type TimingsFile,
} from './records.js';

/** Bad or unreadable run-directory content; the message names the file, the field and the fix. */
export class RunFormatError extends Error {
  override name = 'RunFormatError';
}

export interface LoadedRun {
  /** Absolute path of the run directory. */
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly scores: ScoresFile;
  readonly timings: TimingsFile;
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file)) {
    throw new RunFormatError(`${file}: missing ${what}. Is this a vlbench run directory (written by \`vlbench run\`)?`);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunFormatError(`${file}: not valid JSON (${(error as Error).message}). Re-run or restore the file.`);
  }
}

function checkVersioned(value: unknown, file: string, arrays: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RunFormatError(`${file}: expected a JSON object at the top level.`);
  }
  const version = (value as { formatVersion?: unknown }).formatVersion;
  if (version !== RUN_FORMAT_VERSION) {
    throw new RunFormatError(
      `${file}: /formatVersion is ${JSON.stringify(version)}, this vlbench reads format ${RUN_FORMAT_VERSION}. ` +
        'Use the vlbench version that wrote the run, or re-run the suite.',
    );
  }
  for (const key of arrays) {
    if (!Array.isArray((value as Record<string, unknown>)[key])) {
      throw new RunFormatError(`${file}: /${key} must be an array.`);
    }
  }
}

/**
 * A manifest without scores: the run stopped before its end (Ctrl-C, kill -9, a lost machine),
 * which `--resume` continues without recomputing what it wrote.
 */
function unfinishedRun(dir: string, file: string): RunFormatError {
  if (existsSync(join(dir, RUN_LOCK_FILE))) {
    return new RunFormatError(`${file}: missing, and ${join(dir, RUN_LOCK_FILE)} says a vlbench run is writing this directory: report it when the run has finished (if that run was killed, \`vlbench run SUITE... --out ${dir} --resume\` continues it).`);
  }
  return new RunFormatError(`${file}: missing, so the run did not finish (stopped or killed before it wrote its scores). Continue it with \`vlbench run SUITE... --out ${dir} --resume\`, then report again.`);
}

/** A scores.json or timings.json value of the wrong type: the pointer, the expected type and the fix. */
function typeError(file: string, problem: TypeProblem, dir: string): RunFormatError {
  return new RunFormatError(
    `${file}: ${typeProblemText(problem)}. The file was edited or damaged after vlbench wrote it: remove it, and ` +
      `\`vlbench run SUITE... --out ${dir} --resume\` writes it again from the predictions.`,
  );
}

/**
 * Loads manifest.json, scores.json and timings.json of one run directory, checks their versions
 * and types, and checks every pair's per-sample files against scores.json's counts
 * (checkPairRecords): a run whose records were lost or repeated is damaged for every command.
 */
export function readRun(dir: string): LoadedRun {
  const abs = resolve(dir);
  const manifestFile = join(abs, 'manifest.json');
  const manifest = readJson(manifestFile, 'manifest.json');
  checkVersioned(manifest, manifestFile, ['models', 'tasks', 'gates']);
  const scoresFile = join(abs, 'scores.json');
  const timingsFile = join(abs, 'timings.json');
  for (const file of [scoresFile, timingsFile]) if (!existsSync(file)) throw unfinishedRun(abs, file);
  const scores = readJson(scoresFile, 'scores.json');
  checkVersioned(scores, scoresFile, ['results', 'notApplicable']);
  const scoresProblem = scoresFileCheck(scores, '');
  if (scoresProblem) throw typeError(scoresFile, scoresProblem, abs);
  const timings = readJson(timingsFile, 'timings.json');
  checkVersioned(timings, timingsFile, ['results']);
  const timingsProblem = timingsFileCheck(timings, '');
  if (timingsProblem) throw typeError(timingsFile, timingsProblem, abs);
  const run = { dir: abs, manifest: manifest as RunManifest, scores: scores as ScoresFile, timings: timings as TimingsFile };
  for (const result of run.scores.results) checkPairRecords(run, result);
  return run;
}

/** How to repair a per-sample JSONL file of a run; `kind` is the folder it is in. */
function jsonlFix(dir: string, file: string, kind: 'predictions' | 'samples', repeated: boolean): string {
  const resume = `\`vlbench run SUITE... --out ${dir} --resume\``;
  if (kind === 'samples') return `remove ${file}, then ${resume} scores the task again and writes it anew`;
  if (repeated) return `delete the wrong line, then ${resume} scores the task again (or start a fresh --out)`;
  return `${resume} predicts the lost samples again and rescores the run`;
}

function readJsonl<T>(file: string, check: (value: unknown, at: string) => TypeProblem | null, fix: string): T[] {
  const out: T[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A run killed mid-write may leave a torn last line; anywhere else it is corruption.
      if (index < lines.length - 1 && lines.slice(index + 1).some((rest) => rest.trim() !== '')) {
        throw new RunFormatError(`${file}:${index + 1}: not valid JSON. The file is corrupt; re-run the task.`);
      }
      return;
    }
    const problem = check(value, '');
    if (problem) throw new RunFormatError(`${file}:${index + 1}: ${typeProblemText(problem)}. The file was edited or damaged after vlbench wrote it: ${fix}.`);
    out.push(value as T);
  });
  return out;
}

function pairFile(run: LoadedRun, kind: 'predictions' | 'samples', model: string, task: string): string {
  return join(run.dir, kind, model, `${task}.jsonl`);
}

/**
 * Each run's parsed per-sample files: readRun checks every pair's records, and the command then
 * reads the same files for its own use (a gate's snapshot, a diff, the sample browser).
 */
const parsedFiles = new WeakMap<LoadedRun, Map<string, readonly unknown[]>>();

function readPairFile<T>(run: LoadedRun, kind: 'predictions' | 'samples', model: string, task: string): T[] {
  const file = pairFile(run, kind, model, task);
  let cache = parsedFiles.get(run);
  if (cache === undefined) parsedFiles.set(run, (cache = new Map()));
  let records = cache.get(file);
  if (records === undefined) {
    const check = kind === 'predictions' ? predictionCheck : sampleScoreCheck;
    records = existsSync(file) ? readJsonl<T>(file, check, jsonlFix(run.dir, file, kind, kind === 'predictions')) : [];
    cache.set(file, records);
  }
  // A copy: callers may sort or filter what they get.
  return [...records] as T[];
}

/** The predictions of one (model, task), or [] when the file does not exist. */
export function readPredictions(run: LoadedRun, model: string, task: string): PredictionRecord[] {
  return readPairFile<PredictionRecord>(run, 'predictions', model, task);
}

/** The per-sample scores of one (model, task), or [] when the file does not exist. */
export function readSampleScores(run: LoadedRun, model: string, task: string): SampleScoreRecord[] {
  return readPairFile<SampleScoreRecord>(run, 'samples', model, task);
}

/**
 * Throws when a pair's predictions or per-sample scores hold fewer records than scores.json
 * counted, or a sample twice (record-checks.ts): gates, baselines, diffs and reports would use
 * what is left as if it were the run.
 */
function checkPairRecords(run: LoadedRun, result: TaskScores): void {
  const { model, task } = result;
  // Predictions first: the samples file is not read when they already show the damage.
  const predictions = predictionRecordsProblem(result, readPredictions(run, model, task));
  const [kind, problem] = predictions !== null ? ['predictions', predictions] as const : ['samples', sampleScoresProblem(result, readSampleScores(run, model, task))] as const;
  if (problem === null) return;
  const file = pairFile(run, kind, model, task);
  const state = existsSync(file) ? problem.text : `missing (${problem.text})`;
  const cause = problem.repeated ? 'a sample was written twice (two writers shared the run, or a hand edit)' : 'records were lost after the run was scored (a file cut short, emptied or deleted)';
  throw new RunFormatError(
    `${file}: ${state}, where scores.json counts ${JSON.stringify(result.counts)} for ${model} / ${task}: ` +
      `${cause}, so the run is damaged and its results cannot be gated, compared or reported. Repair it: ${jsonlFix(run.dir, file, kind, problem.repeated)}.`,
  );
}

/** The random id `vlbench run` gives a run (a v4 UUID): unique, but no name a reader recognises. */
const GENERATED_RUN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How tables, charts and diffs name a run: its id when someone chose one, else its directory
 * (`2026-11-28T11-58-23Z`, or the `--out` name), not 36 hex characters on every axis label.
 */
export function runLabel(run: LoadedRun): string {
  const id = run.manifest.runId;
  return id && !GENERATED_RUN_ID.test(id) ? id : basename(run.dir);
}

/** Media paths are absolute in real runs; relative ones (fixtures, moved runs) resolve against the run directory. */
export function resolveMedia(run: LoadedRun, path: string): string {
  return resolve(run.dir, path);
}
