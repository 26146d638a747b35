/**
 * `vlbench run` as a library: load (suites, validated; models) -> plan (every task x model pair
 * applicable or not, before any sample is read) -> execute (batches, resumable) -> score
 * (corpus metrics from the written predictions) -> write scores.json, samples/, timings.json.
 * Progress goes out as events; nothing here prints.
 */
import { SessionPool } from '../../models/onnx/session-pool.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { tokenizerFileDigests, type DeviceRequest, type LoadedModel, type LoadOptions } from '../../models/load.js';
import { predictionKey, type BatchProgressRecord, type PredictionRecord, type RunManifest, type ScoresFile } from '../../reports/records.js';
import { loadSuite, type LoadedSuite } from '../../suites/load.js';
import type { Shard } from '../args.js';
import { UsageError } from '../errors.js';
import type { RunEvent } from './events.js';
import { readJsonl } from './jsonl.js';
import { checkDatasetsAhead, plannedScope } from './datasets-ahead.js';
import { reopenFailedSamples } from './retry-failed.js';
import { reopenPairsWithLostRecords } from './lost-records.js';
import { buildManifest, checkResumable, checkResumableSession, checkSameProviders, sha256Once, suitesSection, tasksSection, type ExperimentFacts } from './manifest.js';
import { planModelFromManifest, planRun, planTasks, type PlannedModel, type RunPlan, type TaskPlan } from './plan.js';
import { RunDirectory } from './run-dir.js';
import { modelsNamed, notAModelOfTheSuites, readModelIds, selectTasks, sharedIdProblem } from './task-selection.js';
import { executeTask } from './run-task.js';
import { MediaDigests } from '../tasks/media-digests.js';
import { isLockFile, lockRunDirectory } from './lock.js';
import { removeResults, writeResults } from './results.js';

export type ModelLoader = (manifestPath: string, options: LoadOptions) => Promise<LoadedModel>;

export interface RunOptions {
  readonly suites: readonly string[];
  readonly data: Readonly<Record<string, string>>;
  /** `--models`: names as the suites write them (registered names or paths), a `${data.NAME}` model also as resolved; null = all. */
  readonly models: readonly string[] | null;
  readonly device: DeviceRequest;
  readonly limit: number | null;
  readonly out: string;
  readonly resume: boolean;
  readonly shard: Shard | null;
  readonly failFast: boolean;
  readonly signal: AbortSignal;
  readonly emit: (event: RunEvent) => void;
  readonly loadModel: ModelLoader;
  readonly registeredModels: ReadonlyMap<string, string>;
  /** `--tasks`: only these task ids; null = every task of the suites. */
  readonly tasks?: readonly string[] | null;
  readonly verifyDigests?: boolean;
  /** Media prepared at once (default 4). */
  readonly prepareConcurrency?: number;
  /** Batches inside the model at once (default 1; ONNX Runtime sessions accept concurrent runs). */
  readonly decodeConcurrency?: number;
  /** `--retry-failed` (with resume): samples recorded as failed are run again. */
  readonly retryFailed?: boolean;
}

export interface RunResult {
  readonly dir: string;
  readonly interrupted: boolean;
  readonly scores: ScoresFile | null;
}

/**
 * The name a suite's model goes by for `--models` and in messages: as the suite writes it, except
 * that a `${data.NAME}` entry goes by what it resolved to (the registered model name, else the
 * model.json path), never by the placeholder alone.
 */
function resolvedModelName(ref: { reference: string; manifestPath: string }, registered: ReadonlyMap<string, string>): string {
  if (!/^\$\{data\.[^}]+\}$/.test(ref.reference)) return ref.reference;
  const name = [...registered].find(([, path]) => path === ref.manifestPath)?.[0];
  if (name !== undefined) return name;
  const inHere = relative(process.cwd(), ref.manifestPath);
  return inHere === '' || inHere.startsWith('..') || isAbsolute(inHere) ? ref.manifestPath : inHere;
}

/**
 * The models of the suites `--models` selects (each model.json once), as `vlbench run` runs them
 * and as its checks before loading plan them: one function, so both pick the same models.
 */
export function selectModelRefs(suites: readonly LoadedSuite[], filter: readonly string[] | null, registered: ReadonlyMap<string, string>): { reference: string; manifestPath: string }[] {
  const all = new Map<string, { reference: string; manifestPath: string }>();
  for (const suite of suites) for (const m of suite.models) if (!all.has(m.manifestPath)) all.set(m.manifestPath, { reference: m.name, manifestPath: m.manifestPath });
  if (filter === null) return [...all.values()];
  const refs = [...all.values()].map((m) => ({ ...m, resolved: resolvedModelName(m, registered) }));
  const ids = readModelIds(refs);
  for (const wanted of filter) if (modelsNamed(refs, wanted, ids).length === 0) throw notAModelOfTheSuites(refs, wanted, ids);
  const chosen = new Set(filter.flatMap((wanted) => modelsNamed(refs, wanted, ids)));
  const shared = sharedIdProblem(refs, chosen, ids);
  if (shared !== undefined) throw shared;
  return refs.filter((m) => chosen.has(m)).map(({ reference, manifestPath }) => ({ reference, manifestPath }));
}

function checkNotAFile(dir: RunDirectory): void {
  if (existsSync(dir.root) && !statSync(dir.root).isDirectory()) throw new UsageError(`--out ${dir.root} is a file, not a directory; choose a directory for the run (it is created if missing)`);
}

/** Under the run's lock, so that what it sees cannot change until the run ends. */
function prepareDirectory(dir: RunDirectory, resume: boolean): void {
  if (resume && !dir.exists()) throw new UsageError(`--resume: ${dir.root} has no manifest.json; nothing to resume (run without --resume to start it)`);
  // The lock and a takeover claim another process may hold for a moment (lock.ts) are not a run's files.
  const runFiles = (name: string): boolean => !isLockFile(name);
  if (!resume && existsSync(dir.root) && readdirSync(dir.root).filter(runFiles).length > 0) {
    throw new UsageError(`${dir.root} already exists and is not empty: pass --resume to continue that run, or choose another --out`);
  }
}

async function loadModels(refs: readonly { reference: string; manifestPath: string }[], options: RunOptions, pool: SessionPool): Promise<PlannedModel[]> {
  const models: PlannedModel[] = [];
  for (const ref of refs) {
    // A Ctrl-C stops the loading between models; runLocked then returns before planning.
    if (options.signal.aborted) break;
    const loaded = await options.loadModel(ref.manifestPath, { device: options.device, verifyDigests: options.verifyDigests ?? true, pool });
    options.emit({ type: 'model-loaded', model: loaded.id, provider: loaded.provider.used });
    models.push({ reference: ref.reference, loaded });
  }
  return models;
}

/** The last session of a run: of its batches, or of its recorded resumes (a resume may have run no batch). */
function previousSession(dir: RunDirectory, plan: RunPlan, previous: RunManifest): number {
  let session = Math.max(0, ...(previous.resumes ?? []).map((r) => r.session));
  for (const t of plan.tasks) for (const m of plan.models) {
    for (const r of readJsonl<BatchProgressRecord>(dir.progress(m.loaded.id, t.task.id)).records) session = Math.max(session, r.session);
  }
  return session;
}

/**
 * The suites of a run, with `--tasks` applied: every id must be a task of some suite, and a
 * suite none of whose tasks is selected leaves the run (its data need not be given).
 */
export function loadRunSuites(files: readonly string[], data: Readonly<Record<string, string>>, registered: ReadonlyMap<string, string>, tasks: readonly string[] | null | undefined): LoadedSuite[] {
  const selection = tasks ?? null;
  const suites = files.map((file) => loadSuite(file, { data, models: registered, ...(selection ? { tasks: selection } : {}) }));
  return selectTasks(suites, selection);
}

/**
 * @param loaded `options.suites` as loadRunSuites already gave them (the CLI loads them once, for
 *   its checks before loading); loaded here when absent
 */
export async function runSuites(options: RunOptions, loaded?: readonly LoadedSuite[]): Promise<RunResult> {
  const suites = loaded ?? loadRunSuites(options.suites, options.data, options.registeredModels, options.tasks);
  const refs = selectModelRefs(suites, options.models, options.registeredModels);
  const dir = new RunDirectory(options.out);
  checkNotAFile(dir);
  const unlock = lockRunDirectory(dir.root);
  try {
    prepareDirectory(dir, options.resume);
    return await runLocked(suites, refs, dir, options);
  } finally {
    unlock();
  }
}

async function runLocked(suites: readonly LoadedSuite[], refs: readonly { reference: string; manifestPath: string }[], dir: RunDirectory, options: RunOptions): Promise<RunResult> {
  const planned = preplan(suites, refs, options.limit);
  await checkDatasetsAhead(suites, planned === null ? { limit: options.limit } : plannedScope(planned.tasks, options.limit, planned.models));
  const digest = sha256Once();
  // The run being resumed, read once: every resume check compares against it.
  const previous = options.resume ? dir.readJson<RunManifest>(dir.manifest) : null;
  if (previous) {
    checkResumableSession(dir.root, previous, options.verifyDigests ?? true);
    if (planned !== null) await checkResumeBeforeLoading(dir.root, previous, suites, planned, options, digest);
  }
  // A Ctrl-C during the checks: stop before loading any graph (minutes for a real checkpoint).
  if (options.signal.aborted) return interrupted(dir);
  // One pool for the run: models that share a graph file share its session; closed at the end.
  const pool = new SessionPool();
  const models = await loadModels(refs, options, pool).catch(async (error: unknown) => {
    await pool.close();
    throw error;
  });
  const disposed = new Set<PlannedModel>();
  try {
    if (options.signal.aborted) return interrupted(dir);
    const plan = planRun(suites, models, { limit: options.limit });
    const current = await buildManifest(suites, plan, options.limit, options.shard, digest);
    const session = previous ? previousSession(dir, plan, previous) + 1 : 1;
    const manifest = previous ? resumeManifest(dir, previous, current, session) : current;
    if (!previous) dir.writeJson(dir.manifest, manifest);
    if (previous) reopenPairs(dir, plan, options);
    // Models of a run read the same media: each file is read for its digest once.
    const mediaDigests = new MediaDigests();
    for (const model of models) {
      for (const task of plan.tasks) {
        // Checked before each task too: a Ctrl-C between tasks must not start the next one (a
        // retrieval task would first embed its whole gallery).
        if (options.signal.aborted) return interrupted(dir);
        await executeTask({ dir, model, task, session, options, mediaDigests });
        if (options.signal.aborted) return interrupted(dir);
      }
      // Its tasks are done: release its sessions before the next model runs.
      disposed.add(model);
      await model.loaded.adapter.dispose();
    }
    return { dir: dir.root, interrupted: false, scores: writeResults(dir, manifest) };
  } finally {
    for (const model of models) if (!disposed.has(model)) await model.loaded.adapter.dispose();
    await pool.close();
  }
}

function interrupted(dir: RunDirectory): RunResult {
  return { dir: dir.root, interrupted: true, scores: null };
}

/** A resume makes due again the pairs that lost records and, with --retry-failed, the failed samples. */
function reopenPairs(dir: RunDirectory, plan: RunPlan, options: RunOptions): void {
  for (const r of reopenPairsWithLostRecords(dir, plan)) options.emit({ type: 'lost-records', ...r });
  if (!options.retryFailed) return;
  for (const r of reopenFailedSamples(dir, plan)) options.emit({ type: 'retrying', model: r.model, task: r.task, failed: r.failed, wholeTask: r.wholeTask });
}

/** The selected models planned from their model.json files, and the tasks planned for them. */
interface Preplanned {
  readonly models: readonly ReturnType<typeof planModelFromManifest>[];
  readonly tasks: readonly TaskPlan[];
}

/**
 * The plan the checks before loading use: which tasks some selected model runs (the data check
 * skips the others: an image-only model on audio), and the run's identity for --resume. Null
 * when a model.json cannot be read: loading reports it, and the checks then judge every task.
 */
function preplan(suites: readonly LoadedSuite[], refs: readonly { reference: string; manifestPath: string }[], limit: number | null): Preplanned | null {
  const models: ReturnType<typeof planModelFromManifest>[] = [];
  for (const ref of refs) {
    try {
      models.push(planModelFromManifest(ref.reference, ref.manifestPath));
    } catch {
      return null;
    }
  }
  return { models, tasks: planTasks(suites, models, { limit }).tasks };
}

/**
 * `--resume` refused before any graph loads (minutes for a real checkpoint): the run's identity
 * from the model.json files, all but the resolved settings, which need the loaded adapters and
 * are checked once they are.
 */
async function checkResumeBeforeLoading(root: string, previous: RunManifest, suites: readonly LoadedSuite[], planned: Preplanned, options: RunOptions, digest: (path: string) => Promise<string>): Promise<void> {
  const current: ExperimentFacts = {
    suites: suitesSection(suites),
    models: await Promise.all(planned.models.map(async (m) => ({ id: m.profile.id, manifestSha256: m.sha256, tokenizers: await tokenizerFileDigests(m.manifest, m.manifestPath) }))),
    tasks: await tasksSection(planned.tasks, digest),
    limit: options.limit,
    shard: options.shard,
  };
  checkResumable(root, previous, current, ['settings']);
}

/**
 * Resume continues the same experiment, recorded as it was (its runId and creation time); the
 * suite's gates are not part of it (they decide nothing the run computes), so edited gates
 * replace the recorded ones rather than being lost. Each resumed session is added to `resumes`
 * with its vlbench version and suite files, which may differ from the first session's in what
 * changes no prediction. Once accepted, the session writes into the run: the results computed
 * from the old predictions are removed first, so that a session left unfinished carries none.
 * Returns the manifest the directory holds.
 */
function resumeManifest(dir: RunDirectory, previous: RunManifest, current: RunManifest, session: number): RunManifest {
  checkResumable(dir.root, previous, current);
  checkSameProviders(dir.root, previous, current);
  removeResults(dir, previous);
  const resume = {
    session, startedAt: new Date().toISOString(), vlbench: { version: current.vlbench.version, gitCommit: current.vlbench.gitCommit },
    suites: current.suites.map(({ name, file, sha256 }) => ({ name, file, sha256 })),
  };
  const updated: RunManifest = { ...previous, gates: current.gates, resumes: [...(previous.resumes ?? []), resume] };
  dir.writeJson(dir.manifest, updated);
  return updated;
}

export function donePredictions(dir: RunDirectory, model: string, task: string): Set<string> {
  return new Set(readJsonl<PredictionRecord>(dir.predictions(model, task)).records.map(predictionKey));
}
