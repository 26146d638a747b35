/**
 * Planning: suites x models -> the work of the run, decided before any sample is touched. Each
 * (task, model) pair is either applicable, with its resolved settings, or not applicable with
 * the reason (ALBEF cannot caption; an image-only model cannot read audio). Pairs are never
 * discovered to be impossible halfway through a run.
 */
import type { DatasetLoader } from '../../datasets/loader.js';
import { DATASET_LOADERS } from '../../datasets/registry.js';
import type { FamilyAdapter, MediaModality } from '../../models/capabilities.js';
import type { LoadedModel } from '../../models/load.js';
import type { LoadedSuite } from '../../suites/load.js';
import { defaultMetrics } from '../../suites/metric-names.js';
import type { TaskSpec } from '../../suites/schema/suite.js';
import { resolveTaskSettings, type CliOverrides, type EffectiveSettings, type ResolvedSetting } from '../../suites/settings.js';

export class PlanError extends Error {
  override name = 'PlanError';
}

export interface PlannedModel {
  /** How the suite named it (registered name or path). */
  readonly reference: string;
  readonly loaded: LoadedModel;
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
export function notApplicableReason(task: TaskSpec, settings: EffectiveSettings, adapter: FamilyAdapter, modality: MediaModality): string | undefined {
  const who = `${adapter.id} (${adapter.family})`;
  if (!adapter.modalities.includes(modality)) return `${who} reads ${adapter.modalities.join('/')}; the dataset is ${modality}`;
  switch (settings.kind) {
    case 'retrieval':
      return adapter.retrieval ? undefined : `${who} has no image-text retrieval (contrastive + matching heads)`;
    case 'captioning':
      return adapter.captioning ? undefined : `${who} has no caption decoder`;
    case 'vqa':
      if (settings.method === 'rank') return adapter.answerRanking ? undefined : `${who} cannot rank answers (LAVIS never ranks with ${adapter.family}); use method 'generate'`;
      return adapter.answerGeneration ? undefined : `${who} cannot generate answers${adapter.answerRanking ? "; use method 'rank'" : ''}`;
    case 'instruction':
      return adapter.instruction ? undefined : `${who} does not follow instructions`;
    default: {
      const never: never = settings;
      void task;
      return never;
    }
  }
}

function planPair(task: TaskSpec, model: PlannedModel, modality: MediaModality, cli: CliOverrides): PairPlan {
  const adapter = model.loaded.adapter;
  if (task.models !== undefined && !task.models.includes(model.reference)) return { applicable: false, reason: `the task is restricted to ${task.models.join(', ')}` };
  const facts = { defaults: adapter.defaults, canRankAnswers: adapter.answerRanking !== undefined, canGenerateAnswers: adapter.answerGeneration !== undefined };
  const { effective, record } = resolveTaskSettings(task, facts, cli, modality);
  const reason = notApplicableReason(task, effective, adapter, modality);
  if (reason !== undefined) return { applicable: false, reason };
  if (effective.kind === 'vqa' && effective.method === 'rank' && effective.answerList === undefined) {
    throw new PlanError(`task '${task.id}': ${adapter.id} ranks answers (${task.kind === 'vqa' && task.method === 'rank' ? 'method rank' : `the ${adapter.family} default`}) and needs 'answerList', the JSON list of candidate answers; add it to the task, or set method 'generate' for models that can generate`);
  }
  const familyLength = adapter.defaults.retrieval?.maxTextLength;
  if (effective.kind === 'retrieval' && task.kind === 'retrieval' && task.maxTextLength !== undefined && familyLength !== undefined && task.maxTextLength !== familyLength) {
    throw new PlanError(`${task.id}: maxTextLength ${task.maxTextLength} differs from ${adapter.id}'s ${familyLength}, which its text graphs fix; remove maxTextLength or set it to ${familyLength}`);
  }
  return { applicable: true, settings: effective, record };
}

export function planRun(suites: readonly LoadedSuite[], models: readonly PlannedModel[], cli: CliOverrides): RunPlan {
  const tasks: TaskPlan[] = [];
  const seen = new Map<string, string>();
  for (const suite of suites) {
    const suiteModels = models.filter((m) => suite.models.some((ref) => ref.manifestPath === m.loaded.manifestPath));
    for (const task of suite.resolved.tasks) {
      const other = seen.get(task.id);
      if (other !== undefined) throw new PlanError(`task id '${task.id}' appears in suites '${other}' and '${suite.suite.name}'; task ids must be unique in a run`);
      seen.set(task.id, suite.suite.name);
      const loader = DATASET_LOADERS.get(task.dataset.loader);
      if (loader === undefined) throw new PlanError(`${suite.file}: unknown loader '${task.dataset.loader}'`);
      const modality = datasetModality(task, loader);
      const perModel = new Map(suiteModels.map((m) => [m.loaded.id, planPair(task, m, modality, cli)] as const));
      tasks.push({ suite, task, loader, modality, metrics: task.metrics ?? defaultMetrics(task), perModel });
    }
  }
  return { models, tasks };
}
