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

async function taskDataProblem(task: ResolvedTask): Promise<{ at: string; message: string } | null> {
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
    return { at: 'dataset', message: (error as Error).message };
  }
  if (samples > 0) return kTestProblem(task, samples);
  return { at: 'dataset', message: `the '${task.dataset.loader}' loader finds no samples in ${Object.values(task.dataset.files).join(', ')}; check the files and the dataset options (a filter or split that matches nothing?)` };
}

/**
 * A kTest the suite writes that its whole gallery (one image per retrieval sample, the suite's
 * limit applied) cannot hold would stop the task (runners/tasks/retrieval.ts): LAVIS's top-k needs
 * k_test <= the gallery. A family default is only known per model; the task itself checks it.
 */
function kTestProblem(task: ResolvedTask, samples: number): { at: string; message: string } | null {
  if (task.kind !== 'retrieval' || task.kTest === undefined) return null;
  const images = Math.min(samples, task.limit ?? samples);
  if (task.kTest <= images) return null;
  return { at: 'kTest', message: `kTest ${task.kTest} is more than the ${images} images of the gallery; LAVIS re-ranks the top k_test of the gallery and fails when it holds fewer, so set kTest to ${images} or less` };
}

/** The problems of every selected task's data, as suite problems at /tasks/<i>/dataset (or the setting the data contradicts). */
export async function datasetProblems(suites: readonly LoadedSuite[]): Promise<SuiteProblem[]> {
  const problems: SuiteProblem[] = [];
  for (const suite of suites) {
    for (const [i, task] of suite.resolved.tasks.entries()) {
      if (!isSelected(suite, task.id)) continue;
      const problem = await taskDataProblem(task);
      if (problem !== null) problems.push({ file: suite.file, pointer: `/tasks/${i}/${problem.at}`, message: `task ${task.id}: ${problem.message}` });
    }
  }
  return problems;
}

export async function checkDatasetsAhead(suites: readonly LoadedSuite[]): Promise<void> {
  const problems = await datasetProblems(suites);
  if (problems.length > 0) throw new PlanError(problems);
}
