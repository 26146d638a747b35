/**
 * Every selected task's data read once before any model loads or any task runs: a file its
 * loader cannot read (another layout, broken JSON) or data that selects no samples would
 * otherwise stop the run, or leave a task empty, only after the tasks before it had run.
 * Reads annotations only (media files are checked to exist, not opened), to the end, so a
 * problem late in a file is found too. A task whose every record fails stops too.
 */
import { failure } from '../../datasets/io.js';
import { DATASET_LOADERS } from '../../datasets/registry.js';
import { isSelected, type LoadedSuite } from '../../suites/load.js';
import { PlanError, type PlanModel, type TaskPlan } from './plan.js';
import type { SuiteProblem } from '../../suites/messages.js';
import { existsSync } from 'node:fs';
import type { InstructionSample, Sample, SampleFailure } from '../../datasets/samples.js';
import { isOneImage, ONE_IMAGE_PER_INSTRUCTION } from '../../models/families/llm-family.js';
import { VLBENCH_DEFAULTS } from '../../suites/settings.js';
import { asInstruction, instructionRecordCheck } from '../tasks/instruction-records.js';

type ResolvedTask = LoadedSuite['resolved']['tasks'][number];

/** A model's kTest for a retrieval task and where it comes from (a pair of the plan). */
interface PairKTest {
  readonly model: string;
  readonly kTest: number;
  /** 'family-default' (the model.json), 'default' (vlbench's), 'cli' or 'suite'. */
  readonly source: string;
}

/** The kTest each model of a task would run with; from planning, where the model.json files are read. */
type KTestsOf = (suiteFile: string, taskId: string) => readonly PairKTest[];

/** What reading a task's data found: a problem that stops it, and records that will fail as samples. */
interface TaskDataCheck {
  readonly problem: { at: string; message: string } | null;
  readonly failed: { readonly count: number; readonly first: SampleFailure } | null;
  readonly samples: number;
  /** Instruction records that do not give exactly one image (text-only, several images, audio). */
  readonly notOneImage: { readonly count: number; readonly first: InstructionSample } | null;
}

/**
 * What the instruction task's accept() would refuse (its mode or template needs what a record
 * lacks), as the failure it will be; null for the other task kinds.
 */
function instructionFailures(task: ResolvedTask): ((item: Sample) => SampleFailure | null) | null {
  if (task.kind !== 'instruction') return null;
  const recordProblem = instructionRecordCheck({ mode: task.mode, template: task.template ?? VLBENCH_DEFAULTS.instructionTemplate });
  return (item) => {
    const sample = asInstruction(item);
    const problem = 'unusable' in sample ? sample.unusable : recordProblem(sample);
    return problem === undefined ? null : failure(item.id, problem, item.source);
  };
}

/**
 * The retrieval loaders leave media to the gallery (a missing image shrinks it and fails its
 * queries, runners/tasks/retrieval-gallery.ts); here it counts as the failure it will be.
 */
function missingGalleryImage(item: Sample): SampleFailure | null {
  if (item.kind !== 'retrieval' || existsSync(item.media.path)) return null;
  return failure(item.id, `image file not found: ${item.media.path}`, item.source);
}

async function checkTaskData(task: ResolvedTask, kTests: readonly PairKTest[], cliLimit: number | null): Promise<TaskDataCheck> {
  const loader = DATASET_LOADERS.get(task.dataset.loader);
  // An unknown loader is a schema problem, reported by the suite checks.
  if (loader === undefined) return { problem: null, failed: null, samples: 0, notOneImage: null };
  let samples = 0;
  let failures = 0;
  let first: SampleFailure | null = null;
  // The records the task takes: the smaller limit, which counts failed records too (runners/run/samples.ts).
  const suiteLimit = task.limit ?? Infinity;
  const limit = Math.min(suiteLimit, cliLimit ?? Infinity);
  let taken = 0;
  // Retrieval's kTest is judged against the split's records under the suite's limit, missing images
  // included, as the task does (retrieval.ts); a --limit below kTest caps kTest in planning instead.
  let records = 0;
  let notOne = 0;
  const refusedRecord = instructionFailures(task);
  let firstNotOne: InstructionSample | null = null;
  try {
    for await (const item of loader.load({ files: task.dataset.files, mediaRoot: task.dataset.mediaRoot ?? '', options: task.dataset.options ?? {} })) {
      if (taken >= suiteLimit) break;
      if (item.kind !== 'failure') records++;
      if (taken++ >= limit) continue;
      const failed = item.kind === 'failure' ? item : missingGalleryImage(item) ?? refusedRecord?.(item) ?? null;
      if (failed === null) samples++;
      else if (failures++ === 0) first = failed;
      if (item.kind === 'instruction' && !isOneImage(item.media) && notOne++ === 0) firstNotOne = item;
    }
  } catch (error) {
    return { problem: { at: 'dataset', message: (error as Error).message }, failed: null, samples, notOneImage: null };
  }
  const failed = first === null ? null : { count: failures, first };
  const notOneImage = firstNotOne === null ? null : { count: notOne, first: firstNotOne };
  if (samples > 0) return { problem: kTestProblem(task, records, kTests), failed, samples, notOneImage };
  if (first !== null) {
    // Every record failing is a layout or location the loader cannot use (a header row the file
    // lacks, a mediaRoot one folder off), not a dataset with a few bad records.
    return { problem: { at: 'dataset', message: `every one of the ${failures} records the '${task.dataset.loader}' loader read fails, so the task would score nothing; the first: ${failureText(first)}` }, failed, samples, notOneImage };
  }
  return { problem: { at: 'dataset', message: `the '${task.dataset.loader}' loader finds no samples in ${Object.values(task.dataset.files).join(', ')}; check the files and the dataset options (a filter or split that matches nothing?)` }, failed, samples, notOneImage };
}

/**
 * BLIP-2 and InstructBLIP fail such records one by one at run time (models/families/llm-family.ts);
 * validate says so before the models load, and how to leave the records out.
 */
function notOneImageText(found: { count: number; first: InstructionSample }, samples: number, models: readonly string[]): string {
  const media = found.first.media.length === 0 ? 'no media (text only)' : found.first.media.map((m) => m.modality).join(' + ');
  return `${found.count} of the ${samples} records the task takes ${found.count === 1 ? 'does' : 'do'} not give exactly one image (the first: '${found.first.id}' with ${media}, ${found.first.source.file} ${/^\d+$/.test(found.first.source.at) ? 'line ' : ''}${found.first.source.at}); ` +
    `${models.join(', ')} ${models.length === 1 ? 'takes' : 'take'} exactly one image per instruction, so these records will be recorded as failed samples for ${models.length === 1 ? 'it' : 'them'}; ` +
    'leave them out of the data (a text-only filter such as the ScienceQA loader\'s imageOnly), or restrict the task to models that take them (the task\'s models)';
}

function failureText(failure: SampleFailure): string {
  return `${failure.reason} (${failure.source.file} ${failure.source.at})`;
}

/** Why a kTest above the gallery stops a task, and what to set (also said by runners/tasks/retrieval.ts). */
export function kTestFix(images: number): string {
  return `LAVIS re-ranks the top k_test of the gallery and fails when it holds fewer, so set kTest to ${images} or less`;
}

/**
 * A kTest its whole gallery (one image per retrieval sample, the suite's limit applied) cannot
 * hold would stop the task (runners/tasks/retrieval.ts): LAVIS's top-k needs k_test <= the
 * gallery. The suite's own kTest is judged here; a model's default where planning knows it.
 */
function kTestProblem(task: ResolvedTask, images: number, kTests: readonly PairKTest[]): { at: string; message: string } | null {
  if (task.kind !== 'retrieval') return null;
  const fix = kTestFix(images);
  if (task.kTest !== undefined) {
    if (task.kTest <= images) return null;
    // The suite's limit may keep fewer images than the split holds, or the split fewer than the
    // limit would keep (suites/check.ts leaves kTest > limit to this check): name the one that binds.
    const limited = task.limit !== undefined && images === task.limit;
    const under = task.limit === undefined || limited ? '' : ` (the split holds fewer than the ${task.limit} 'limit' would keep)`;
    return { at: 'kTest', message: `kTest ${task.kTest} is more than the ${images} images ${limited ? "'limit' keeps in" : 'of'} the gallery${under}; ${fix}${limited ? ', or raise limit' : ''}` };
  }
  const over = kTests.filter((k) => k.kTest > images && (k.source === 'family-default' || k.source === 'default'));
  if (over.length === 0) return null;
  const named = over.map((k) => `${k.model}: kTest ${k.kTest} (${k.source === 'default' ? "vlbench's default" : 'its model.json'})`).join('; ');
  return { at: 'kTest', message: `${named} is more than the ${images} images of the gallery; ${fix} in the task (or run with a --limit, which caps it)` };
}

/** Records that will fail as samples in a task that still has samples: a note, not a problem. */
export interface DatasetNote {
  readonly file: string;
  readonly taskId: string;
  readonly message: string;
}

/** What planning knows of the tasks: which some selected model runs, their kTests; the run's --limit. */
export interface DataCheckScope {
  readonly kTestsOf?: KTestsOf;
  /** False for a task no selected model can run (image-only models on audio): its data is never read. Unknown: true. */
  readonly runnable?: (suiteFile: string, taskId: string) => boolean;
  readonly limit?: number | null;
  /** The task's applicable models that take exactly one image per instruction (BLIP-2, InstructBLIP). */
  readonly oneImageModelsOf?: (suiteFile: string, taskId: string) => readonly string[];
}

type TaskOf = (suiteFile: string, taskId: string) => TaskPlan | undefined;

/** Each retrieval pair's kTest as planned (the data checks know the gallery's size). */
function plannedKTests(taskOf: TaskOf): KTestsOf {
  return (suiteFile, taskId) =>
    [...(taskOf(suiteFile, taskId)?.perModel ?? [])].flatMap(([model, pair]) =>
      pair.applicable && pair.settings.kind === 'retrieval' ? [{ model, kTest: pair.settings.kTest, source: pair.record.kTest?.source ?? 'default' }] : []);
}

/** The scope planning gives: each task's kTests, whether any selected model runs it, and which take one image per instruction. */
export function plannedScope(tasks: readonly TaskPlan[], limit: number | null = null, models: readonly Pick<PlanModel, 'profile'>[] = []): DataCheckScope {
  const byTask = new Map(tasks.map((t) => [`${t.suite.file}\0${t.task.id}`, t]));
  const taskOf: TaskOf = (suiteFile, taskId) => byTask.get(`${suiteFile}\0${taskId}`);
  const oneImage = new Set(models.filter((m) => ONE_IMAGE_PER_INSTRUCTION.includes(m.profile.family)).map((m) => m.profile.id));
  const oneImageModelsOf = (suiteFile: string, taskId: string): string[] =>
    [...(taskOf(suiteFile, taskId)?.perModel ?? [])].flatMap(([model, pair]) => (pair.applicable && oneImage.has(model) ? [model] : []));
  const runnable = (suiteFile: string, taskId: string): boolean => {
    const task = taskOf(suiteFile, taskId);
    return task === undefined || [...task.perModel.values()].some((pair) => pair.applicable);
  };
  return { kTestsOf: plannedKTests(taskOf), runnable, limit, oneImageModelsOf };
}

/**
 * The problems of every selected task's data, as suite problems at /tasks/<i>/dataset (or the
 * setting the data contradicts), and notes of the records that will fail as samples.
 */
export async function datasetChecks(suites: readonly LoadedSuite[], scope: DataCheckScope = {}): Promise<{ problems: SuiteProblem[]; notes: DatasetNote[] }> {
  const problems: SuiteProblem[] = [];
  const notes: DatasetNote[] = [];
  for (const suite of suites) {
    for (const [i, task] of suite.resolved.tasks.entries()) {
      if (!isSelected(suite, task.id) || scope.runnable?.(suite.file, task.id) === false) continue;
      const { problem, failed, samples, notOneImage } = await checkTaskData(task, scope.kTestsOf?.(suite.file, task.id) ?? [], scope.limit ?? null);
      if (problem !== null) problems.push({ file: suite.file, pointer: `/tasks/${i}/${problem.at}`, message: `task ${task.id}: ${problem.message}` });
      else if (failed !== null) {
        notes.push({ file: suite.file, taskId: task.id, message: `${failed.count} of ${failed.count + samples} records fail and will be recorded as failed samples; the first: ${failureText(failed.first)}` });
      }
      const models = scope.oneImageModelsOf?.(suite.file, task.id) ?? [];
      if (problem === null && notOneImage !== null && models.length > 0) {
        notes.push({ file: suite.file, taskId: task.id, message: notOneImageText(notOneImage, samples, models) });
      }
    }
  }
  return { problems, notes };
}

export async function datasetProblems(suites: readonly LoadedSuite[], scope: DataCheckScope = {}): Promise<SuiteProblem[]> {
  return (await datasetChecks(suites, scope)).problems;
}

export async function checkDatasetsAhead(suites: readonly LoadedSuite[], scope: DataCheckScope = {}): Promise<void> {
  const problems = await datasetProblems(suites, scope);
  if (problems.length > 0) throw new PlanError(problems);
}
