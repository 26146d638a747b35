/**
 * How suites refer to models once each model's id (its model.json `name`) is known, in
 * planning: a run keys results, prediction files and the manifest's `perModel` by that id, so two
 * model.json files with one `name` would be run once and reported for both. A task's `models`
 * names a suite model as the suite's `models` writes it or by its id; a gate names it by its id,
 * as `vlbench gate` matches results.
 */
import { sameFileKey, type LoadedSuite } from './load.js';
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
 * Task `models` entries that name no model of the suite, by spelling or by id (suites/check.ts
 * leaves them here when the suite gives a model by path, whose id only its model.json knows),
 * and gates that name a model by its path: `vlbench gate` matches by id.
 * @param models the suite's own models, every one planned (else undecidable: not called)
 */
export function modelReferenceProblems(suite: LoadedSuite, models: readonly IdentifiedModel[]): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  suite.suite.tasks.forEach((task, i) => {
    task.models?.forEach((name, j) => {
      if (models.some((m) => namesModel([name], m))) return;
      problems.push({ file: suite.file, pointer: `/tasks/${i}/models/${j}`, message: `model '${name}' is not in the suite's models; name one as the suite's models write it, or by its id: ${spellings(models)}` });
    });
  });
  suite.suite.gates?.forEach((gate, i) => {
    const byPath = models.find((m) => m.reference === gate.model && m.profile.id !== gate.model);
    if (byPath === undefined) return;
    problems.push({ file: suite.file, pointer: `/gates/${i}/model`, message: `gates name a model by its id (the model.json's \`name\`), as results are keyed: write "model": "${byPath.profile.id}" for ${byPath.reference}` });
  });
  return problems;
}
