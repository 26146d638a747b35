/**
 * manifest.json: everything that identifies the run (suites and their hashes, resolved settings
 * per model and task, model and dataset digests, versions, environment, seeds, limit, shard,
 * gates). A resumed run must match the manifest it resumes, or it would mix two experiments.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAbsolute } from 'node:path';
import { RUN_FORMAT_VERSION, type RunManifest } from '../../reports/records.js';
import type { LoadedSuite } from '../../suites/load.js';
import { sameFileKey } from '../../suites/same-file.js';
import type { TaskSpec } from '../../suites/schema/suite.js';
import type { Shard } from '../args.js';
import { changedKeys, codeSha256, describeEnvironment, onnxruntimeVersion, runtimePackages, vlbenchVersion } from './environment.js';
import { rankedAnswerList, type RunPlan, type TaskPlan } from './plan.js';

export class ResumeMismatchError extends Error {
  override name = 'ResumeMismatchError';
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * sha256File hashing each path once: a resumed run digests its data files before the models load
 * (the identity check) and again for the manifest; one run's data does not change in between.
 */
export function sha256Once(): (path: string) => Promise<string> {
  const digests = new Map<string, Promise<string>>();
  return (path) => {
    const digest = digests.get(path) ?? sha256File(path);
    digests.set(path, digest);
    return digest;
  };
}

/** The task's data files, and its answer list where a model ranks with it (it decides the answers). */
function datasetFiles(t: TaskPlan): string[] {
  const files = Object.values(t.task.dataset.files);
  const answerList = rankedAnswerList(t);
  return answerList === undefined ? files : [...files, answerList];
}

export async function tasksSection(tasks: readonly TaskPlan[], digest = sha256File): Promise<RunManifest['tasks']> {
  return Promise.all(tasks.map(async (t) => ({
    id: t.task.id,
    kind: t.task.kind,
    dataset: {
      name: t.task.dataset.loader,
      // The answer list decides what ranking can answer: it is part of the data.
      files: await Promise.all(datasetFiles(t).map(async (path) => ({ path, sha256: await digest(path) }))),
    },
    perModel: Object.fromEntries([...t.perModel].map(([model, pair]) => [model, pair.applicable ? { applicable: true as const, settings: pair.record } : pair])),
    metrics: t.metrics,
  })));
}

export function suitesSection(suites: readonly LoadedSuite[]): RunManifest['suites'] {
  return suites.map((s) => ({ name: s.suite.name, file: s.file, sha256: s.sha256, resolved: s.resolved }));
}

export async function buildManifest(suites: readonly LoadedSuite[], plan: RunPlan, limit: number | null, shard: Shard | null, digest = sha256File): Promise<RunManifest> {
  return {
    formatVersion: RUN_FORMAT_VERSION,
    runId: randomUUID(),
    createdAt: new Date().toISOString(),
    vlbench: vlbenchVersion(),
    suites: suitesSection(suites),
    models: plan.models.map(({ loaded }) => ({
      id: loaded.id, family: loaded.family, variant: loaded.variant, manifestPath: loaded.manifestPath,
      manifestSha256: loaded.manifestSha256, graphs: loaded.graphs, tokenizers: loaded.tokenizers,
      digestsVerified: loaded.digestsVerified, provider: loaded.provider,
    })),
    tasks: await tasksSection(plan.tasks, digest),
    environment: describeEnvironment(),
    seeds: Object.fromEntries(suites.map((s) => [s.suite.name, s.suite.seed ?? 0])),
    limit,
    shard,
    // Every gate, also on tasks --tasks left out: gating such a run against a baseline that has
    // them must fail (a pair the run dropped), not pass for want of a gate.
    gates: suites.flatMap((s) => s.suite.gates ?? []),
  };
}

/**
 * What a suite runs: its resolved content less what changes no prediction (description, gates),
 * with each data path as the file it is (sameFileKey): the same project reached through a
 * symlink or a moved mount spells its files another way, and their content is compared apart.
 */
export function suiteContent(s: RunManifest['suites'][number]): Record<string, unknown> {
  const { description: _d, $schema: _s, gates: _g, ...runs } = s.resolved as unknown as Record<string, unknown>;
  return Array.isArray(runs.tasks) ? { ...runs, tasks: (runs.tasks as TaskSpec[]).map(realDataPaths) } : runs;
}

/** Absolute paths only: a task --tasks left out keeps its paths as written, which name no file yet. */
function realPath(path: string): string {
  return isAbsolute(path) ? sameFileKey(path) : path;
}

function realDataPaths(task: TaskSpec): TaskSpec {
  if (task.dataset?.files === undefined) return task;
  const files = Object.fromEntries(Object.entries(task.dataset.files).map(([role, path]) => [role, realPath(path)]));
  const mediaRoot = task.dataset.mediaRoot === undefined ? {} : { mediaRoot: realPath(task.dataset.mediaRoot) };
  const answerList = task.kind === 'vqa' && task.answerList !== undefined ? { answerList: realPath(task.answerList) } : {};
  return { ...task, ...answerList, dataset: { ...task.dataset, files, ...mediaRoot } } as TaskSpec;
}

/** `/tasks/0/prompt: "a" -> "b"`: where two JSON values first differ, depth first in key order. */
function firstDifference(a: unknown, b: unknown, pointer = ''): string | undefined {
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])]) {
      const found = firstDifference(x[key], y[key], `${pointer}/${key}`);
      if (found !== undefined) return found;
    }
  }
  return `${pointer || '(the whole suite)'}: ${shortJson(a)} -> ${shortJson(b)}`;
}

/** A value for a one-line message: a whole task added or removed would otherwise fill the screen. */
function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? '(unset)';
  return text.length > 120 ? `${text.slice(0, 100)}...` : text;
}

/** "suite s: /tasks/0/dataset/files/records: ... -> ..." for each suite (by position) whose content changed. */
function suiteChanges(previous: ExperimentFacts, current: ExperimentFacts): string[] {
  return current.suites.flatMap((suite, i) => {
    const before = previous.suites[i];
    const found = before === undefined ? undefined : firstDifference(suiteContent(before), suiteContent(suite));
    return found === undefined ? [] : [`suite ${suite.name}: ${found}`];
  });
}

/** What of a manifest identifies the experiment (also known before the models load, but settings). */
export type ExperimentFacts = Pick<RunManifest, 'suites' | 'tasks' | 'limit' | 'shard'> & {
  readonly models: readonly Pick<RunManifest['models'][number], 'id' | 'manifestSha256' | 'tokenizers'>[];
};

/**
 * The parts that must be identical for `--resume` to continue the same experiment, and (all but
 * the shard) for `vlbench merge` to join shards of it.
 */
export function experimentIdentity(m: ExperimentFacts): Record<string, string> {
  return {
    // First: a different --tasks also changes the resolved suites and datasets; name the cause.
    'tasks (--tasks)': JSON.stringify(m.tasks.map((t) => t.id)),
    suites: JSON.stringify(m.suites.map(suiteContent)),
    models: JSON.stringify(m.models.map((x) => [x.id, x.manifestSha256, x.tokenizers ?? null])),
    datasets: JSON.stringify(m.tasks.map((t) => t.dataset.files.map((f) => f.sha256))),
    settings: JSON.stringify(m.tasks.map((t) => t.perModel)),
    limit: JSON.stringify(m.limit),
    shard: JSON.stringify(m.shard),
  };
}

/** @param unknown identity parts `current` cannot tell yet (before loading: the settings) */
export function checkResumable(dir: string, previous: ExperimentFacts, current: ExperimentFacts, unknown: readonly string[] = []): void {
  const before = experimentIdentity(previous);
  const now = experimentIdentity(current);
  const changed = Object.keys(now).filter((key) => !unknown.includes(key) && before[key] !== now[key]);
  const [was, is] = [previous.tasks.map((t) => t.id), current.tasks.map((t) => t.id)];
  if (changed.length > 0 && was.join('\0') !== is.join('\0') && [...was].sort().join('\0') === [...is].sort().join('\0')) {
    // Every per-task part is compared in task order, so a reorder alone would read as changed tasks, data and settings.
    throw new ResumeMismatchError(`${dir}/manifest.json: cannot resume: the suites list the run's tasks in another order (${was.join(', ')} -> ${is.join(', ')}); put them back in the order the run started with, or start a new run with a different --out`);
  }
  if (changed.length > 0) {
    const named = [...modelChanges(previous, current), ...settingChanges(previous, current), ...fileChanges(previous, current)];
    // A changed setting or file is the suite change too: its first differing field is named only when nothing else says what changed.
    const details = (named.length === 0 && changed.includes('suites') ? suiteChanges(previous, current) : named).slice(0, 5);
    throw new ResumeMismatchError(`${dir}/manifest.json: cannot resume: ${theyDiffer(changed)} from the run being resumed${details.length ? ` (${details.join('; ')})` : ''}; undo the change, or start a new run with a different --out`);
  }
}

/** What a resumed session runs with that the experiment's identity leaves out, but the manifest records. */
/**
 * The manifest records one digest check for the whole run; a session resumed without it would
 * add samples the record calls checked. A run that skipped the check may be resumed with it:
 * "not verified" stays true of the run as a whole. The --device request may differ (`--resume`
 * alone after `--device cuda`): the provider each model runs on may not (checkSameProviders,
 * once the models load).
 */
export function checkResumableSession(dir: string, previous: RunManifest, verifyDigests: boolean): void {
  checkSameCode(dir, previous);
  const verified = previous.models.filter((m) => m.digestsVerified !== false).map((m) => m.id);
  if (!verifyDigests && verified.length > 0) {
    throw new ResumeMismatchError(`${dir}/manifest.json: cannot resume with --no-verify-digests: the run being resumed checked the sha256 of every graph file of ${verified.join(', ')} (its manifest says digestsVerified: true), and samples from unchecked files would be recorded as checked; resume without --no-verify-digests (a changed graph file is then named), or start a new run with a different --out`);
  }
}

/**
 * Predictions of one run come from one version of vlbench and of ONNX Runtime: other code (a
 * commit, an edit not committed, another lock file) or runtime can decode differently, and the
 * manifest, which records one version, would be false for half the samples.
 */
function checkSameCode(dir: string, previous: RunManifest): void {
  // The code digest is cached per process; vlbenchVersion (a git call) is needed only to explain a difference.
  if (previous.vlbench.codeSha256 !== codeSha256()) {
    const now = vlbenchVersion();
    const files = changedKeys(previous.vlbench.codeFiles ?? {}, now.codeFiles ?? {});
    const which = previous.vlbench.codeFiles === undefined ? '' : `; files that differ: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` and ${files.length - 5} more` : ''}`;
    const commits = `${previous.vlbench.gitCommit ?? 'no git commit recorded'} then, ${now.gitCommit ?? 'no git commit'} now`;
    const what = previous.vlbench.codeSha256 === undefined ? 'was written by a vlbench that did not record its code digest' : `was made by other vlbench code than this (${commits}; the code digest covers edits not committed too${which})`;
    throw new ResumeMismatchError(`${dir}/manifest.json: cannot resume: the run ${what}, and its predictions would mix two versions; finish it with the code that started it, or start a new run with a different --out`);
  }
  const runtime = onnxruntimeVersion();
  if (previous.environment.onnxruntime !== runtime) {
    throw new ResumeMismatchError(`${dir}/manifest.json: cannot resume: the run started on onnxruntime-node ${previous.environment.onnxruntime} and would continue on ${runtime}; install ${previous.environment.onnxruntime} to finish it, or start a new run with a different --out`);
  }
  const packages = runtimePackages();
  const differ = previous.environment.packages === undefined ? [] : changedKeys(previous.environment.packages, packages);
  if (differ.length > 0) {
    const list = differ.map((name) => `${name} ${previous.environment.packages?.[name] ?? '(none)'} -> ${packages[name] ?? '(none)'}`).join(', ');
    throw new ResumeMismatchError(`${dir}/manifest.json: cannot resume: installed packages differ from the run's (${list}), and its predictions would mix two versions; install the run's versions to finish it (npm ci restores the lock file's), or start a new run with a different --out`);
  }
}

/** After loading: each model must run on the execution provider it ran on (auto may pick another on another machine). */
export function checkSameProviders(dir: string, previous: RunManifest, current: RunManifest): void {
  for (const model of current.models) {
    const before = previous.models.find((m) => m.id === model.id)?.provider.used;
    if (before !== undefined && before !== model.provider.used) {
      throw new ResumeMismatchError(`${dir}/manifest.json: cannot resume: model ${model.id} ran on ${before} in the run being resumed and would now run on ${model.provider.used} (--device ${model.provider.requested}); resume on a machine where ${before} loads, or start a new run with a different --out`);
    }
  }
}

/** Identity parts named in the singular (the others are plural nouns: suites, models, settings, ...). */
const SINGULAR_PARTS: ReadonlySet<string> = new Set(['limit', 'shard', 'vlbench code', 'onnxruntime-node version']);

/** "the limit differs", "the suites and settings differ", "the models, datasets and limit differ". */
export function theyDiffer(parts: readonly string[]): string {
  const list = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `the ${list} ${parts.length === 1 && SINGULAR_PARTS.has(parts[0]!) ? 'differs' : 'differ'}`;
}

/** "task t, model m: generation.numBeams 3 -> 5" for each setting that differs. */
export function settingChanges(previous: ExperimentFacts, current: ExperimentFacts): string[] {
  const out: string[] = previous.tasks.filter((t) => !current.tasks.some((c) => c.id === t.id)).map((t) => `task ${t.id} is no longer in the run (another suite or --tasks?)`);
  for (const task of current.tasks) {
    const before = previous.tasks.find((t) => t.id === task.id);
    if (!before) {
      out.push(`task ${task.id} is new (another suite or --tasks?)`);
      continue;
    }
    for (const [model, pair] of Object.entries(task.perModel)) {
      const was = before.perModel[model];
      const now = pair.applicable ? pair.settings : {};
      const then = was?.applicable ? was.settings : {};
      for (const key of new Set([...Object.keys(now), ...Object.keys(then)])) {
        const a = JSON.stringify(then[key]?.value);
        const b = JSON.stringify(now[key]?.value);
        if (a !== b) out.push(`task ${task.id}, model ${model}: ${key} ${a ?? '(unset)'} -> ${b ?? '(unset)'}`);
      }
    }
  }
  return out;
}

export function modelChanges(previous: ExperimentFacts, current: ExperimentFacts): string[] {
  const ids = (m: ExperimentFacts): string => m.models.map((x) => x.id).join(', ');
  if (ids(previous) !== ids(current)) return [`models ${ids(previous)} -> ${ids(current)}`];
  return current.models.flatMap((x) => {
    const before = previous.models.find((p) => p.id === x.id);
    if (before?.manifestSha256 !== x.manifestSha256) return [`model ${x.id}: its model.json changed`];
    const files = changedKeys(before.tokenizers ?? {}, x.tokenizers ?? {});
    return files.length > 0 ? [`model ${x.id}: its tokenizer file ${files.join(', ')} changed`] : [];
  });
}

function fileChanges(previous: ExperimentFacts, current: ExperimentFacts): string[] {
  const before = new Map(previous.tasks.flatMap((t) => t.dataset.files.map((f) => [f.path, f.sha256] as const)));
  return current.tasks.flatMap((t) => t.dataset.files.filter((f) => before.has(f.path) && before.get(f.path) !== f.sha256).map((f) => `${f.path} changed since the run started`));
}
