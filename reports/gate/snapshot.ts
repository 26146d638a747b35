/**
 * A run snapshot: what a gate needs from one side of a comparison, from a run directory or from
 * a stored baseline file. The baseline file format (`vlbench gate RUN --write-baseline FILE`)
 * is this snapshot as JSON:
 *
 *   { "formatVersion": 1, "kind": "vlbench-baseline", "runId", "createdAt", "vlbench",
 *     "models": [{id, family, variant}], "gates": [...],
 *     "tasks": [{id, kind, metrics, dataset: {name, files: [{path, sha256}]}}],   dataset: what
 *                      the manifest records, so a gate can tell that both runs read the same data
 *                      (absent in baselines written before 2026-11-28),
 *     "results": [{ model, task, kind, metrics, breakdowns, counts,
 *                   samples: [{sampleId, scores}],            per-sample metric values
 *                   captions?: [{sampleId, caption, references}],   captioning (corpus metrics)
 *                   ranks?: [{sampleId, direction, rank}],        retrieval
 *                   media?: {KEY: [{file, sha256}]} }],    the predictions' mediaSha256: KEY is the
 *                      sample id (`direction:sampleId` for retrieval), file the media file's name;
 *                      so a gate can tell that both runs read the same images, clips and frames
 *                      (absent in baselines and runs written by an earlier vlbench),
 *     "timings": [TaskTimings...] }
 *
 * It keeps exactly what the paired bootstrap recomputes from, and what says which samples were
 * measured (requested counts, sample ids, data and media digests), so a CI job stores one small
 * JSON per main-branch run instead of the whole run directory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { predictionKey, RUN_FORMAT_VERSION, type PredictionRecord, type RunManifest, type SampleScoreRecord, type TaskKind, type TaskScores, type TaskTimings } from '../records.js';
import { captionsProblem, ranksProblem, sampleScoresProblem } from '../record-checks.js';
import { baselineFileCheck, typeProblemText } from '../record-types.js';
import { readPredictions, readRun, readSampleScores, type LoadedRun } from '../run-reader.js';
import { describeJsonError, parseJsonText } from '../../suites/json-text.js';

export const BASELINE_KIND = 'vlbench-baseline';

export interface CaptionSample {
  readonly sampleId: string;
  readonly caption: string;
  readonly references: readonly string[];
}

export interface RankSample {
  readonly sampleId: string;
  readonly direction: 'i2t' | 't2i';
  readonly rank: number;
}

/** One media file of a sample: its name (not its path: CI checkouts differ) and sha256. */
export interface MediaDigest {
  readonly file: string;
  readonly sha256: string;
}

export interface SnapshotResult extends TaskScores {
  readonly samples: readonly SampleScoreRecord[];
  readonly captions?: readonly CaptionSample[];
  readonly ranks?: readonly RankSample[];
  /** Ids of samples recorded as failed (excluded from pairing). */
  readonly failed?: readonly string[];
  /**
   * Prediction key (predictionKey: the sample id, `direction:sampleId` for retrieval) -> its
   * media's digests, in the record's order; absent when the predictions record none (a run or
   * baseline written by an earlier vlbench).
   */
  readonly media?: Readonly<Record<string, readonly MediaDigest[]>>;
}

export interface SnapshotTask {
  readonly id: string;
  readonly kind: TaskKind;
  readonly metrics: readonly string[];
  /** The task's data files and their sha256 (the manifest's); absent in baselines written before 2026-11-28. */
  readonly dataset?: RunManifest['tasks'][number]['dataset'];
}

export interface RunSnapshot {
  readonly formatVersion: typeof RUN_FORMAT_VERSION;
  readonly kind: typeof BASELINE_KIND;
  readonly runId: string;
  readonly createdAt: string;
  readonly vlbench: RunManifest['vlbench'];
  readonly models: readonly { readonly id: string; readonly family: string; readonly variant: string }[];
  readonly tasks: readonly SnapshotTask[];
  readonly gates: readonly unknown[];
  readonly results: readonly SnapshotResult[];
  readonly timings: readonly TaskTimings[];
  /** Pairs the run did not run, with why (absent in baselines written before 2026-11-28). */
  readonly notApplicable?: readonly { readonly model: string; readonly task: string; readonly reason: string }[];
}

export class BaselineFormatError extends Error {
  override name = 'BaselineFormatError';
}

function mediaDigests(predictions: readonly PredictionRecord[]): SnapshotResult['media'] {
  const entries = predictions.flatMap((p) => {
    if (p.kind === 'failed' || p.mediaSha256 === undefined) return [];
    const digests = p.mediaSha256;
    return [[predictionKey(p), p.media.map((path, i) => ({ file: basename(path), sha256: digests[i] ?? '' }))] as const];
  });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function snapshotResult(run: LoadedRun, scores: TaskScores): SnapshotResult {
  const predictions = readPredictions(run, scores.model, scores.task);
  const samples = readSampleScores(run, scores.model, scores.task);
  const failed = predictions.filter((p) => p.kind === 'failed').map((p) => p.sampleId);
  const media = mediaDigests(predictions);
  const base = { ...scores, samples, failed, ...(media ? { media } : {}) };
  switch (scores.kind) {
    case 'captioning': {
      const captions = predictions.flatMap((p) => (p.kind === 'captioning' ? [{ sampleId: p.sampleId, caption: p.caption, references: p.references }] : []));
      return { ...base, captions };
    }
    case 'retrieval': {
      const ranks = predictions.flatMap((p) => (p.kind === 'retrieval' ? [{ sampleId: p.sampleId, direction: p.direction, rank: p.rank }] : []));
      return { ...base, ranks };
    }
    case 'vqa':
    case 'instruction':
      return base;
    default: {
      const never: never = scores.kind;
      return never;
    }
  }
}

/** The snapshot of a loaded run directory. */
export function snapshotRun(run: LoadedRun): RunSnapshot {
  const m = run.manifest;
  return {
    formatVersion: RUN_FORMAT_VERSION,
    kind: BASELINE_KIND,
    runId: m.runId,
    createdAt: m.createdAt,
    vlbench: m.vlbench,
    models: m.models.map((x) => ({ id: x.id, family: x.family, variant: x.variant })),
    tasks: m.tasks.map((t) => ({ id: t.id, kind: t.kind, metrics: t.metrics, dataset: t.dataset })),
    gates: m.gates,
    results: run.scores.results.map((scores) => snapshotResult(run, scores)),
    timings: run.timings.results,
    notApplicable: run.scores.notApplicable,
  };
}

/**
 * A JSON file that is not a baseline, most often a run's own scores.json. The fix names the run
 * directory, and a new file to write: suggesting --write-baseline onto this file would replace
 * the run's scores (which --write-baseline now refuses anyway).
 */
function notBaselineError(file: string, kind: unknown): BaselineFormatError {
  const dir = dirname(file);
  const inRun = existsSync(join(dir, 'manifest.json'));
  const run = inRun ? dir : 'RUN';
  const target = resolve(file) === resolve('baseline.json') ? 'vlbench-baseline.json' : 'baseline.json';
  const found = kind === undefined ? 'it has none' : `it is ${JSON.stringify(kind)}`;
  const what = inRun ? `; this is ${basename(file)} of the run directory ${dir}` : '';
  return new BaselineFormatError(
    `${file}: /kind must be "${BASELINE_KIND}" (${found})${what}. Pass a run directory as --baseline (${run}), or write a baseline file from it first with \`vlbench gate ${run} --write-baseline ${target}\`.`,
  );
}

function checkBaseline(value: unknown, file: string): RunSnapshot {
  const obj = value as Partial<RunSnapshot> | null;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || obj.kind !== BASELINE_KIND) {
    throw notBaselineError(file, typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? obj.kind : undefined);
  }
  if (obj.formatVersion !== RUN_FORMAT_VERSION) {
    throw new BaselineFormatError(`${file}: /formatVersion is ${JSON.stringify(obj.formatVersion)}, this vlbench reads ${RUN_FORMAT_VERSION}. Rewrite the baseline with this version.`);
  }
  for (const key of ['models', 'tasks', 'gates', 'results', 'timings'] as const) {
    if (!Array.isArray(obj[key])) throw new BaselineFormatError(`${file}: /${key} must be an array.`);
  }
  const problem = baselineFileCheck(obj, '');
  if (problem) throw new BaselineFormatError(`${file}: ${typeProblemText(problem)}. ${REWRITE_BASELINE}`);
  (obj as RunSnapshot).results.forEach((result, i) => checkBaselineRecords(result, file, i));
  return obj as RunSnapshot;
}

const REWRITE_BASELINE = 'The baseline file was edited or damaged after vlbench wrote it: rewrite it from a good run with `vlbench gate RUN --write-baseline FILE` (or restore it from CI\'s copy).';

/**
 * Throws when a baseline result's per-sample records are fewer than its counts say, or hold a
 * sample twice (record-checks.ts): a gate would pair on what is left and pass.
 */
function checkBaselineRecords(result: SnapshotResult, file: string, index: number): void {
  const problems = [
    ['samples', sampleScoresProblem(result, result.samples)],
    ['captions', result.captions === undefined ? null : captionsProblem(result, result.captions)],
    ['ranks', result.ranks === undefined ? null : ranksProblem(result, result.ranks)],
  ] as const;
  const [key, problem] = problems.find(([, found]) => found !== null) ?? [];
  if (problem == null) return;
  throw new BaselineFormatError(
    `${file}: /results/${index}/${key}: ${problem.text}, where /results/${index}/counts says ${JSON.stringify(result.counts)} ` +
      `(${result.model} / ${result.task}): the baseline is damaged (${problem.repeated ? 'a sample is recorded twice' : 'records were lost'}), and a gate against it would compare the wrong samples. ${REWRITE_BASELINE}`,
  );
}

/** A baseline from a run directory or a baseline JSON file. */
export function loadSnapshot(path: string): RunSnapshot {
  if (!existsSync(path)) throw new BaselineFormatError(`${path}: no such run directory or baseline file.`);
  if (statSync(path).isDirectory()) return snapshotRun(readRun(path));
  const parsed = parseJsonText(readFileSync(path, 'utf8'));
  if ('error' in parsed) throw new BaselineFormatError(`${path}: ${describeJsonError(parsed.error)}.`);
  return checkBaseline(parsed.value, path);
}

/**
 * `--write-baseline FILE` replaces FILE only when it is a baseline (or empty): a mistyped path
 * such as a run's scores.json would otherwise be overwritten with no way back.
 */
export function checkBaselineTarget(file: string): void {
  if (!existsSync(file)) return;
  if (statSync(file).isDirectory()) throw new BaselineFormatError(`${file}: is a directory; --write-baseline takes a file path such as ${join(file, 'baseline.json')}.`);
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return;
  let kind: unknown;
  try {
    kind = (JSON.parse(text) as { kind?: unknown } | null)?.kind;
  } catch {
    kind = undefined;
  }
  if (kind === BASELINE_KIND) return;
  const inRun = existsSync(join(dirname(file), 'manifest.json')) ? ` (it is ${basename(file)} of the run directory ${dirname(file)})` : '';
  throw new BaselineFormatError(`${file}: exists and is not a vlbench baseline${inRun}; --write-baseline replaces only an earlier baseline file. Name a new file (e.g. baseline.json outside the run directory), or remove this one first if it is really meant to go.`);
}
