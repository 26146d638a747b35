/**
 * Planning: suites x models -> the work of the run, decided before any sample is touched. Each
 * (task, model) pair is either applicable, with its resolved settings, or not applicable with
 * the reason (ALBEF cannot caption; an image-only model cannot read audio). Pairs are never
 * discovered to be impossible halfway through a run: settings that cannot work or would do
 * nothing for a pair, a gate no runnable pair can satisfy and a suite of which nothing can run
 * stop the run here, each as a suite problem (file, JSON pointer, fix). `vlbench validate` plans
 * the same way from the models' model.json files, so it reports the same problems.
 */
import { existsSync } from 'node:fs';
import type { DatasetLoader } from '../../datasets/loader.js';
import { DATASET_LOADERS } from '../../datasets/registry.js';
import type { MediaModality } from '../../models/capabilities.js';
import type { LoadedModel } from '../../models/load.js';
import { acrossSuites } from '../../suites/across.js';
import { isSelected, type LoadedSuite } from '../../suites/load.js';
import { SuiteError, type SuiteProblem } from '../../suites/messages.js';
import { duplicateModelIds, modelReferenceProblems, namesModel } from '../../suites/model-refs.js';
import { defaultMetrics, TIMING_MEASURES } from '../../suites/metric-names.js';
import { pairFindings, taskFindings, type Finding } from '../../suites/pair-checks.js';
import { readManifest } from '../../models/manifest.js';
import type { ModelManifest } from '../../models/manifest-types.js';
import { profileOfAdapter, profileOfManifest, type ModelProfile } from '../../suites/profile.js';
import type { GateSpec, TaskSpec } from '../../suites/schema/suite.js';
import { resolveTaskSettings, type CliOverrides, type EffectiveSettings, type ResolvedSetting, type TaskData } from '../../suites/settings.js';
import { AnswerListError, readAnswerList } from '../tasks/vqa.js';

/** Problems found while planning: a SuiteError, so they print as file: pointer: message. */
export class PlanError extends SuiteError {
  override name = 'PlanError';
}

export interface PlannedModel {
  /** How the suite named it (registered name or path). */
  readonly reference: string;
  readonly loaded: LoadedModel;
}

/** A model as planning sees it: the loaded adapter's facts, or (validate) its model.json's. */
export interface PlanModel {
  readonly reference: string;
  readonly manifestPath: string;
  readonly profile: ModelProfile;
}

/**
 * A model planned from its model.json alone (no graph opened), with the file's sha256: what
 * `vlbench validate` and the checks before loading plan with. Throws the ManifestError of a
 * model.json that cannot be read.
 */
export function planModelFromManifest(reference: string, manifestPath: string): PlanModel & { readonly sha256: string; readonly manifest: ModelManifest } {
  const { manifest, sha256 } = readManifest(manifestPath);
  return { reference, manifestPath, sha256, manifest, profile: profileOfManifest(manifest) };
}

export type PairPlan =
  | { readonly applicable: true; readonly settings: EffectiveSettings; readonly record: Readonly<Record<string, ResolvedSetting>> }
  | { readonly applicable: false; readonly reason: string };

export interface TaskPlan {
  readonly suite: LoadedSuite;
  /** The task with variables substituted and paths absolute. */
  readonly task: TaskSpec;
  readonly loader: DatasetLoader;
  readonly modality: MediaModality;
  readonly metrics: readonly string[];
  /** Model id -> what happens for this pair. */
  readonly perModel: ReadonlyMap<string, PairPlan>;
}

/**
 * The VQA task's answer list where some model ranks answers with it: only then is it read (it
 * decides the answers); a task only generating models run (OK-VQA with BLIP-2) never reads it.
 */
export function rankedAnswerList(t: TaskPlan): string | undefined {
  if (t.task.kind !== 'vqa' || t.task.answerList === undefined) return undefined;
  const ranks = [...t.perModel.values()].some((p) => p.applicable && p.settings.kind === 'vqa' && p.settings.method === 'rank');
  return ranks ? t.task.answerList : undefined;
}

export interface RunPlan {
  readonly models: readonly PlannedModel[];
  readonly tasks: readonly TaskPlan[];
}

export function datasetModality(task: TaskSpec, loader: DatasetLoader): MediaModality {
  if (loader.modality !== 'configurable') return loader.modality;
  const option = task.dataset.options?.modality;
  return typeof option === 'string' ? (option as MediaModality) : 'image';
}

/** Why this model cannot run this task, or undefined when it can. */
export function notApplicableReason(settings: EffectiveSettings, model: ModelProfile, modality: MediaModality): string | undefined {
  const who = `${model.id} (${model.family})`;
  if (!model.modalities.includes(modality)) return `${who} reads ${model.modalities.join('/')}; the dataset is ${modality}`;
  switch (settings.kind) {
    case 'retrieval':
      return model.canRetrieve ? undefined : `${who} has no image-text retrieval (contrastive + matching heads)`;
    case 'captioning':
      return model.canCaption ? undefined : `${who} has no caption decoder`;
    case 'vqa':
      if (settings.method === 'rank') return model.canRankAnswers ? undefined : `${who} cannot rank answers (LAVIS never ranks with ${model.family}); use method 'generate'`;
      return model.canGenerateAnswers ? undefined : `${who} cannot generate answers${model.canRankAnswers ? "; use method 'rank'" : ''}`;
    case 'instruction':
      return model.canFollowInstructions ? undefined : `${who} does not follow instructions`;
    default: {
      const never: never = settings;
      return never;
    }
  }
}

function planPair(task: TaskSpec, at: string, model: PlanModel, modality: MediaModality, cli: CliOverrides, runSeed: number | undefined, data: TaskData): { pair: PairPlan; findings: Finding[] } {
  if (task.models !== undefined && !namesModel(task.models, model)) return { pair: { applicable: false, reason: `the task is restricted to ${task.models.join(', ')}` }, findings: [] };
  const { effective, record } = resolveTaskSettings(task, model.profile, cli, modality, runSeed, data);
  const reason = notApplicableReason(effective, model.profile, modality);
  if (reason !== undefined) return { pair: { applicable: false, reason }, findings: [] };
  return { pair: { applicable: true, settings: effective, record }, findings: pairFindings(task, at, model.profile, effective, record) };
}

/** One problem per pointer and message, naming every model it concerns. */
function groupFindings(file: string, findings: readonly { model: string; finding: Finding }[]): SuiteProblem[] {
  const groups = new Map<string, { pointer: string; message: string; models: string[] }>();
  for (const { model, finding } of findings) {
    const key = `${finding.pointer}\n${finding.message}`;
    const group = groups.get(key) ?? { ...finding, models: [] };
    group.models.push(model);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ file, pointer: g.pointer, message: `${g.models.join(', ')}: ${g.message}` }));
}

/**
 * The task's data that bounds its settings: the VQA answer list's length (numCandidates is capped
 * at it, as LAVIS caps it). Read only where it exists: a missing one is the file checks' to report.
 */
function taskData(task: TaskSpec): { data: TaskData; problem?: string } {
  if (task.kind !== 'vqa' || task.answerList === undefined || !existsSync(task.answerList)) return { data: {} };
  try {
    return { data: { answerListSize: readAnswerList(task.answerList).length } };
  } catch (error) {
    if (!(error instanceof AnswerListError)) throw error;
    return { data: {}, problem: error.message };
  }
}

/** Problems of one task across its pairs: an answer list no model could read, or none ranks with. */
function taskProblems(suite: LoadedSuite, t: TaskPlan, at: string, complete: boolean, answerListProblem: string | undefined): SuiteProblem[] {
  const pairs = [...t.perModel].flatMap(([model, pair]) => (pair.applicable ? [{ model, settings: pair.settings }] : []));
  const problems: SuiteProblem[] = [];
  if (answerListProblem !== undefined && rankedAnswerList(t) !== undefined) problems.push({ file: suite.file, pointer: `${at}/answerList`, message: answerListProblem });
  if (complete) problems.push(...taskFindings(t.task, at, pairs).map((f) => ({ file: suite.file, ...f })));
  return problems;
}

function planSuite(suite: LoadedSuite, models: readonly PlanModel[], cli: CliOverrides, running: ReadonlySet<string> | undefined): { tasks: TaskPlan[]; problems: SuiteProblem[] } {
  const suiteModels = models.filter((m) => suite.models.some((ref) => ref.manifestPath === m.manifestPath));
  // Task-wide checks judge the suite's own models only: all planned, none a placeholder.
  const complete = suite.models.every((ref) => suiteModels.some((m) => m.manifestPath === ref.manifestPath)) && !suite.suite.models.some((m) => m.includes('${'));
  const tasks: TaskPlan[] = [];
  const findings: { model: string; finding: Finding }[] = [];
  const taskWide: SuiteProblem[] = [];
  suite.resolved.tasks.forEach((task, i) => {
    if (!isSelected(suite, task.id)) return;
    const loader = DATASET_LOADERS.get(task.dataset.loader);
    if (loader === undefined) throw new PlanError([{ file: suite.file, pointer: `/tasks/${i}/dataset/loader`, message: `unknown loader '${task.dataset.loader}'` }]);
    const modality = datasetModality(task, loader);
    const { data, problem } = taskData(task);
    const perModel = new Map<string, PairPlan>();
    for (const model of suiteModels) {
      const planned = planPair(task, `/tasks/${i}`, model, modality, cli, suite.suite.seed, data);
      perModel.set(model.profile.id, planned.pair);
      findings.push(...planned.findings.map((finding) => ({ model: model.profile.id, finding })));
    }
    const planned: TaskPlan = { suite, task, loader, modality, metrics: task.metrics ?? defaultMetrics(task), perModel };
    tasks.push(planned);
    taskWide.push(...taskProblems(suite, planned, `/tasks/${i}`, complete, problem));
  });
  const problems = [...(complete ? modelReferenceProblems(suite, suiteModels) : []), ...groupFindings(suite.file, findings), ...taskWide];
  // Whole-suite checks only on sound pairs: a broken pair already says what to fix.
  if (problems.length === 0) problems.push(...runnableProblems(suite, suiteModels, tasks, running));
  return { tasks, problems };
}

/**
 * Plans every suite for the given models and returns the problems instead of throwing, so that
 * `vlbench validate` can report them with the rest.
 * @param running the model.json paths the run runs (`--models` applied); default every suite
 *   model. Where each of a suite's running models is planned, whether anything of it runs is decided.
 */
export function planTasks(suites: readonly LoadedSuite[], models: readonly PlanModel[], cli: CliOverrides, running?: ReadonlySet<string>): { tasks: TaskPlan[]; problems: SuiteProblem[] } {
  // Results and perModel are keyed by model id: two models with one id cannot be planned apart.
  const problems = [...acrossSuites(suites), ...duplicateModelIds(suites, models)];
  if (problems.length > 0) return { tasks: [], problems };
  const planned = suites.map((suite) => planSuite(suite, models, cli, running));
  return { tasks: planned.flatMap((p) => p.tasks), problems: planned.flatMap((p) => p.problems) };
}

export function planRun(suites: readonly LoadedSuite[], models: readonly PlannedModel[], cli: CliOverrides): RunPlan {
  const planModels = models.map((m) => ({ reference: m.reference, manifestPath: m.loaded.manifestPath, profile: profileOfAdapter(m.loaded.adapter) }));
  // The loaded models are exactly the ones that run.
  const { tasks, problems } = planTasks(suites, planModels, cli, new Set(planModels.map((m) => m.manifestPath)));
  if (problems.length > 0) throw new PlanError(problems);
  return { models, tasks };
}

/** `task: reason` for each pair that will not run, for messages. */
function reasons(tasks: readonly TaskPlan[], keep: (task: TaskPlan, model: string) => boolean = () => true): string {
  const lines = tasks.flatMap((t) => [...t.perModel].filter(([model, pair]) => !pair.applicable && keep(t, model)).map(([, pair]) => `${t.task.id}: ${pair.applicable ? '' : pair.reason}`));
  return lines.length > 6 ? [...lines.slice(0, 6), `and ${lines.length - 6} more`].join('; ') : lines.join('; ');
}

/**
 * A suite of which nothing can run would finish "successfully" with empty results, and a gate
 * naming a model or family that no runnable pair matches would only fail later, in
 * `vlbench gate`: both are errors now.
 * A model the run runs that was not planned (a model.json validate could not read) makes the
 * first undecidable; a model left out by --models too makes the second (the gate may be meant
 * for it), so each is skipped then. With --models, the selected models are exactly what runs.
 */
function runnableProblems(suite: LoadedSuite, models: readonly PlanModel[], tasks: readonly TaskPlan[], running: ReadonlySet<string> | undefined): SuiteProblem[] {
  const ids = new Set(models.map((m) => m.profile.id));
  const planned = (ref: { manifestPath: string }): boolean => models.some((m) => m.manifestPath === ref.manifestPath);
  const allPlanned = suite.models.every(planned);
  const runs = suite.models.filter((ref) => running === undefined || running.has(ref.manifestPath));
  if (models.length === 0) return [];
  if (!tasks.some((t) => [...t.perModel.values()].some((pair) => pair.applicable))) {
    if (!runs.every(planned)) return [];
    const narrowed = suite.selected !== undefined || runs.length < suite.models.length;
    return [{ file: suite.file, pointer: '', message: narrowed
      ? `nothing selected from this suite can run: the --models/--tasks selection leaves no (model, task) pair that runs (${reasons(tasks)}); select a model that can run the selected tasks, or tasks the selected models can run`
      : `nothing in this suite can run on its models (${reasons(tasks)}); add a model that can run its tasks, or tasks its models can run` }];
  }
  const problems: SuiteProblem[] = restrictedTaskProblems(suite, models, tasks);
  suite.suite.gates?.forEach((gate, i) => {
    // Only a gate that names its model or family is a deliberate claim about pairs that must run;
    // a task/metric gate of a ready-to-fill suite (coco-karpathy's CIDEr gate) must not stop a
    // retrieval-only model from running it.
    if (gate.model === undefined && gate.family === undefined) return;
    if (gate.task !== undefined && !isSelected(suite, gate.task)) return;
    if (!allPlanned && (gate.model === undefined || !ids.has(gate.model))) return;
    if (gateMatches(gate, tasks, models)) return;
    const scoped = reasons(tasks, (t, model) => measures(gate, t) && inScope(gate, t, models.find((m) => m.profile.id === model)!.profile));
    problems.push({
      file: suite.file, pointer: `/gates/${i}`,
      message: `this gate matches no (model, task) pair that runs${scoped === '' ? '' : ` (${scoped})`}, so \`vlbench gate\` would fail on it; narrow it to a model and task that run, or remove it`,
    });
  });
  return problems;
}

/**
 * A task whose own `models` list leaves it nothing to run: the author restricted it on purpose,
 * so running it for nobody is a mistake (a list of only models that cannot do the task).
 */
function restrictedTaskProblems(suite: LoadedSuite, models: readonly PlanModel[], tasks: readonly TaskPlan[]): SuiteProblem[] {
  return tasks.flatMap((t) => {
    const listed = t.task.models;
    if (listed === undefined || !listed.every((name) => models.some((m) => namesModel([name], m)))) return [];
    if ([...t.perModel.values()].some((pair) => pair.applicable)) return [];
    const index = suite.suite.tasks.findIndex((x) => x.id === t.task.id);
    const why = reasons([t], (_, model) => models.some((m) => m.profile.id === model && namesModel(listed, m)));
    return [{ file: suite.file, pointer: `/tasks/${index}/models`, message: `none of the models this task is restricted to can run it (${why}); list a model that can, or remove the task` }];
  });
}

function inScope(gate: GateSpec, task: TaskPlan, model: ModelProfile): boolean {
  return (gate.model === undefined || gate.model === model.id) && (gate.family === undefined || gate.family === model.family) && (gate.task === undefined || gate.task === task.task.id);
}

/** Whether the task reports what the gate checks (timing gates: every task). */
function measures(gate: GateSpec, task: TaskPlan): boolean {
  const timing: readonly string[] = TIMING_MEASURES;
  if (gate.kind === 'max-throughput-drop' || gate.kind === 'max-latency-increase' || timing.includes(gate.metric)) return true;
  return task.metrics.includes(gate.metric);
}

function gateMatches(gate: GateSpec, tasks: readonly TaskPlan[], models: readonly PlanModel[]): boolean {
  return tasks.some((t) => measures(gate, t) && models.some((m) => t.perModel.get(m.profile.id)?.applicable === true && inScope(gate, t, m.profile)));
}
