/**
 * Suite checks that need more than one suite file or the models: planned from each model's
 * model.json (no graph is opened), with the same code the runner plans with after loading the
 * models, so `vlbench validate` reports what `vlbench run` would stop on, and `vlbench run`
 * stops on it before a model loads.
 */
import { existsSync } from 'node:fs';
import { ManifestError } from '../../models/manifest.js';
import { manifestFileProblems } from '../../models/manifest-files.js';
import { unknownDataNames } from '../../suites/across.js';
import type { LoadedSuite } from '../../suites/load.js';
import type { SuiteProblem } from '../../suites/messages.js';
import { UsageError } from '../errors.js';
import { loadRunSuites, selectModelRefs } from '../run/execute.js';
import { PlanError, planModelFromManifest, planTasks, rankedAnswerList, type PlanModel, type TaskPlan } from '../run/plan.js';

/**
 * `--models`: only these, selected as `vlbench run` selects them (a `${data.NAME}` model also by
 * what it resolved to, hence the registry); null = all.
 */
export type ModelSelection = { readonly only: null } | { readonly only: readonly string[]; readonly registered: ReadonlyMap<string, string> };

export type ManifestPlanOptions = ModelSelection & {
  /**
   * validate: an unreadable model.json is a problem. run: it is skipped here, as loading the
   * model reports it anyway (and tests load models that are not model.json files).
   */
  readonly manifestProblems: boolean;
  /** Whether answer-list files must exist (run, and validate without --no-files); default not. */
  readonly checkFiles?: boolean;
};

/** `--data` names must be ones the suites declare: a typo would silently keep the suite's value. */
export function checkDataNames(files: readonly string[], data: Readonly<Record<string, string>>): void {
  const unknown = unknownDataNames(files, data);
  if (unknown !== undefined) throw new UsageError(unknown);
}

function planModels(suites: readonly LoadedSuite[], options: ManifestPlanOptions): { models: PlanModel[]; problems: SuiteProblem[]; running: ReadonlySet<string> } {
  const models: PlanModel[] = [];
  const problems: SuiteProblem[] = [];
  const running = new Set(selectModelRefs(suites, options.only, options.only === null ? new Map() : options.registered).map((ref) => ref.manifestPath));
  const selected = new Set(running);
  for (const suite of suites) {
    suite.models.forEach((ref, i) => {
      // Deleted once planned: a model.json two suites name is planned once, at its first entry.
      if (!selected.delete(ref.manifestPath)) return;
      // A missing file is reported by the file checks (or files are not being checked).
      if (!existsSync(ref.manifestPath)) return;
      const report = (error: ManifestError): void => void problems.push({ file: suite.file, pointer: `/models/${i}`, message: error.message });
      try {
        const planned = planModelFromManifest(ref.name, ref.manifestPath);
        models.push(planned);
        // validate: the files the model loads, so that a model whose run stops at load is no "ok".
        if (options.manifestProblems && options.checkFiles === true) manifestFileProblems({ ...planned, path: ref.manifestPath }).forEach(report);
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        if (options.manifestProblems) report(error);
      }
    });
  }
  return { models, problems, running };
}

/**
 * Every problem planning would stop on, found from the model.json files alone, the planned tasks
 * and models, and the model.json paths the selection runs (`--models` applied).
 */
export function planManifests(suites: readonly LoadedSuite[], options: ManifestPlanOptions): { problems: SuiteProblem[]; tasks: readonly TaskPlan[]; models: readonly PlanModel[]; running: ReadonlySet<string> } {
  const { models, problems, running } = planModels(suites, options);
  const planned = planTasks(suites, models, { limit: null }, running);
  return { problems: [...problems, ...planned.problems, ...(options.checkFiles === true ? missingAnswerLists(planned.tasks) : [])], tasks: planned.tasks, models, running };
}

export function planFromManifests(suites: readonly LoadedSuite[], options: ManifestPlanOptions): SuiteProblem[] {
  return planManifests(suites, options).problems;
}

/** A VQA task's answer list must exist where a model ranks with it (and need not otherwise). */
function missingAnswerLists(tasks: readonly TaskPlan[]): SuiteProblem[] {
  return tasks.flatMap((t) => {
    const list = rankedAnswerList(t);
    if (list === undefined || existsSync(list)) return [];
    const index = t.suite.resolved.tasks.findIndex((x) => x.id === t.task.id);
    return [{ file: t.suite.file, pointer: `/tasks/${index}/answerList`, message: `file not found: ${list} (a model of the suite ranks answers with it)` }];
  });
}

export interface RunCheckOptions {
  readonly data: Readonly<Record<string, string>>;
  readonly registered: ReadonlyMap<string, string>;
  readonly only: readonly string[] | null;
  /** `--tasks`: only these task ids; null = all. */
  readonly tasks?: readonly string[] | null;
}

/**
 * `vlbench run`'s checks before any model loads (loading a real checkpoint takes minutes): the
 * suites load, `--data` names are known, and planning from the model.json files finds nothing
 * the plan after loading would stop on. Returns the loaded suites, for the run itself.
 */
export function checkBeforeLoading(files: readonly string[], options: RunCheckOptions): LoadedSuite[] {
  checkDataNames(files, options.data);
  const suites = loadRunSuites(files, options.data, options.registered, options.tasks);
  const problems = planFromManifests(suites, { only: options.only, registered: options.registered, manifestProblems: false, checkFiles: true });
  if (problems.length > 0) throw new PlanError(problems);
  return suites;
}
