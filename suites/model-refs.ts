/**
 * How suites refer to models once each model's id (its model.json `name`) is known, in
 * planning: a run keys results, prediction files and the manifest's `perModel` by that id, so two
 * model.json files with one `name` would be run once and reported for both. A task's `models`
 * names a suite model as the suite's `models` writes it or by its id; a gate names it by its id,
 * as `vlbench gate` matches results.
 */
import { dirname, resolve } from 'node:path';
import { isModelPath } from './check.js';
import type { LoadedSuite } from './load.js';
import { sameFileKey } from './same-file.js';
import type { SuiteProblem } from './messages.js';

/** What these checks need of a planned model. */
export interface IdentifiedModel {
  /** As the suite writes it (registered name or path). */
  readonly reference: string;
  readonly manifestPath: string;
  readonly profile: { readonly id: string };
}

/** Whether a task's `models` list names this model: as the suite's models write it, or by id. */
export function namesModel(listed: readonly string[], model: IdentifiedModel): boolean {
  return listed.includes(model.reference) || listed.includes(model.profile.id);
}


/** The first suite entry of a model.json: its file and pointer. */
function entryOf(suites: readonly LoadedSuite[], manifestPath: string): { file: string; pointer: string } | undefined {
  for (const suite of suites) {
    const i = suite.models.findIndex((ref) => ref.manifestPath === manifestPath);
    if (i >= 0) return { file: suite.file, pointer: `/models/${i}` };
  }
  return undefined;
}

/** Two planned models (different model.json paths) with one id: an error at the second's entry, naming both. */
export function duplicateModelIds(suites: readonly LoadedSuite[], models: readonly IdentifiedModel[]): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const first = new Map<string, IdentifiedModel>();
  for (const model of models) {
    const earlier = first.get(model.profile.id);
    if (earlier === undefined) {
      first.set(model.profile.id, model);
      continue;
    }
    const at = entryOf(suites, model.manifestPath);
    const there = entryOf(suites, earlier.manifestPath);
    if (at === undefined) continue;
    const where = there === undefined ? '' : there.file === at.file ? ` (${there.pointer})` : ` (${there.file}, ${there.pointer})`;
    const message = sameFileKey(model.manifestPath) === sameFileKey(earlier.manifestPath)
      ? `${model.manifestPath} is the same model.json as ${earlier.manifestPath}${where}, spelled another way; a run runs each model once: write it one way`
      : `model id '${model.profile.id}' (the \`name\` in ${model.manifestPath}) is also the id of ${earlier.manifestPath}${where}; a run keys results, prediction files and the manifest's perModel by id, so one model would run and be reported for both: give one model.json another \`name\``;
    problems.push({ file: at.file, pointer: at.pointer, message });
  }
  return problems;
}

function spellings(models: readonly IdentifiedModel[]): string {
  return models.map((m) => (m.reference === m.profile.id ? `'${m.reference}'` : `'${m.reference}' (id '${m.profile.id}')`)).join(', ');
}

/**
 * The suite model whose model.json a path-looking reference points at, however either is spelled
 * (relative to the suite's folder, absolute, through `..` or a symlink; compared by real path).
 * A `${data.NAME}` reference is left alone: only its resolved entry in the suite's models is known.
 */
function modelAtPath(suite: LoadedSuite, reference: string, models: readonly IdentifiedModel[]): IdentifiedModel | undefined {
  if (!isModelPath(reference) || reference.includes('${')) return undefined;
  const key = sameFileKey(resolve(dirname(suite.file), reference));
  return models.find((m) => sameFileKey(m.manifestPath) === key);
}

/** A task's `models` entry that matches no model by spelling or id: the id to write when it is one's model.json by path. */
function taskModelProblem(suite: LoadedSuite, name: string, models: readonly IdentifiedModel[]): string | undefined {
  if (models.some((m) => namesModel([name], m))) return undefined;
  const byPath = modelAtPath(suite, name, models);
  if (byPath !== undefined) {
    return `'${name}' is the model.json of the suite's model '${byPath.reference}', spelled another way; a task names a model as the suite's models write it, or by its id: write "${byPath.profile.id}"`;
  }
  return `model '${name}' is not in the suite's models; name one as the suite's models write it, or by its id: ${spellings(models)}`;
}

/** A gate `model` that is not an id: the id to write for a suite model's path (however spelled), else the ids there are. */
function gateModelProblem(suite: LoadedSuite, model: string, models: readonly IdentifiedModel[]): string | undefined {
  if (models.some((m) => m.profile.id === model)) return undefined;
  const byPath = models.find((m) => m.reference === model) ?? modelAtPath(suite, model, models);
  if (byPath !== undefined) {
    const which = byPath.reference === model ? '' : ` (the model.json of the suite's model '${byPath.reference}')`;
    return `gates name a model by its id (the model.json's \`name\`), as results are keyed: write "model": "${byPath.profile.id}" for ${model}${which}`;
  }
  if (!isModelPath(model) || model.includes('${')) return undefined;
  return `'${model}' is not the model.json of any of the suite's models; gates name a model by its id (the model.json's \`name\`): ${models.map((m) => `'${m.profile.id}'`).join(', ')}`;
}

/**
 * Task `models` entries that name no model of the suite, by spelling or by id (suites/check.ts
 * leaves them here when the suite gives a model by path, whose id only its model.json knows, or
 * when the entry is a path), and gates that name a model by a path: `vlbench gate` matches by id.
 * A path to a suite model's model.json gets the id to write, however the suite spells that model.
 * A gate model that is neither an id nor a path is left to the runnable-pair check (plan.ts).
 * @param models the suite's own models, every one planned (else undecidable: not called)
 */
export function modelReferenceProblems(suite: LoadedSuite, models: readonly IdentifiedModel[]): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  suite.suite.tasks.forEach((task, i) => {
    task.models?.forEach((name, j) => {
      const message = taskModelProblem(suite, name, models);
      if (message !== undefined) problems.push({ file: suite.file, pointer: `/tasks/${i}/models/${j}`, message });
    });
  });
  suite.suite.gates?.forEach((gate, i) => {
    const message = gate.model === undefined ? undefined : gateModelProblem(suite, gate.model, models);
    if (message !== undefined) problems.push({ file: suite.file, pointer: `/gates/${i}/model`, message });
  });
  return problems;
}
