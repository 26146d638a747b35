/**
 * Every selected task's data read once before any model loads or any task runs: a file its
 * loader cannot read (another layout, broken JSON) or data that selects no samples would
 * otherwise stop the run, or leave a task empty, only after the tasks before it had run.
 * Reads annotations only (no media), to the end, so a problem late in a file is found too.
 */
import { DATASET_LOADERS } from '../../datasets/registry.js';
import { isSelected, type LoadedSuite } from '../../suites/load.js';
import { PlanError } from './plan.js';
import type { SuiteProblem } from '../../suites/messages.js';

type ResolvedTask = LoadedSuite['resolved']['tasks'][number];

async function taskDataProblem(task: ResolvedTask): Promise<string | null> {
  const loader = DATASET_LOADERS.get(task.dataset.loader);
  // An unknown loader is a schema problem, reported by the suite checks.
  if (loader === undefined) return null;
  let samples = 0;
  try {
    for await (const item of loader.load({ files: task.dataset.files, mediaRoot: task.dataset.mediaRoot ?? '', options: task.dataset.options ?? {} })) {
      void item;
      samples++;
    }
  } catch (error) {
    return (error as Error).message;
  }
  if (samples > 0) return null;
  return `the '${task.dataset.loader}' loader finds no samples in ${Object.values(task.dataset.files).join(', ')}; check the files and the dataset options (a filter or split that matches nothing?)`;
}

/** The problems of every selected task's data, as suite problems at /tasks/<i>/dataset. */
export async function datasetProblems(suites: readonly LoadedSuite[]): Promise<SuiteProblem[]> {
  const problems: SuiteProblem[] = [];
  for (const suite of suites) {
    for (const [i, task] of suite.resolved.tasks.entries()) {
      if (!isSelected(suite, task.id)) continue;
      const message = await taskDataProblem(task);
      if (message !== null) problems.push({ file: suite.file, pointer: `/tasks/${i}/dataset`, message: `task ${task.id}: ${message}` });
    }
  }
  return problems;
}

export async function checkDatasetsAhead(suites: readonly LoadedSuite[]): Promise<void> {
  const problems = await datasetProblems(suites);
  if (problems.length > 0) throw new PlanError(problems);
}
