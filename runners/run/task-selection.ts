/** `--tasks` and `--models` applied to loaded suites, shared by `vlbench run` and `vlbench validate`. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { didYouMean } from '../../suites/did-you-mean.js';
import type { LoadedSuite } from '../../suites/load.js';
import { UsageError } from '../errors.js';

/**
 * The suites that keep a selected task (each suite loaded with the selection), after checking
 * that every name is a task of some suite; null keeps every suite.
 */
export function selectTasks(suites: readonly LoadedSuite[], tasks: readonly string[] | null): LoadedSuite[] {
  if (tasks === null) return [...suites];
  const ids = suites.flatMap((s) => s.suite.tasks.map((t) => t.id));
  for (const wanted of tasks) {
    if (!ids.includes(wanted)) throw new UsageError(`--tasks: '${wanted}' is not a task of the suites${didYouMean(wanted, ids)}; tasks: ${ids.join(', ')}`);
  }
  return suites.filter((s) => s.selected === undefined || s.selected.size > 0);
}

/** A suite model as `--models` sees it. */
export interface SelectableModel {
  /** As the suite writes it (registered name or path). */
  readonly reference: string;
  /** What a `${data.NAME}` entry resolved to (registered name, else path); else the reference. */
  readonly resolved: string;
  readonly manifestPath: string;
}

/** The model.json's `name` (the model's id), read leniently: loading the model reports a bad file. */
function modelIdOf(manifestPath: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Each model's id (model.json `name`), by manifest path: read once for a whole selection. */
export type ModelIds = ReadonlyMap<string, string | undefined>;

export function readModelIds(models: readonly SelectableModel[]): ModelIds {
  return new Map(models.map((m) => [m.manifestPath, modelIdOf(m.manifestPath)]));
}

function spelledAs(model: SelectableModel, wanted: string): boolean {
  return wanted === model.reference || wanted === model.resolved || (model.resolved !== model.reference && resolve(wanted) === model.manifestPath);
}

/**
 * The suite models a `--models` entry names: as the suites write them (a `${data.NAME}` entry
 * also by what it resolved to), else by id: the model.json's `name`, which the summary table
 * shows and by which a task's `models` and gates may name a model given by path.
 */
export function modelsNamed<M extends SelectableModel>(models: readonly M[], wanted: string, ids?: ModelIds): M[] {
  const spelled = models.filter((m) => spelledAs(m, wanted));
  if (spelled.length > 0) return spelled;
  const known = ids ?? readModelIds(models);
  return models.filter((m) => known.get(m.manifestPath) === wanted);
}

/** The error for a `--models` entry that names no suite model: each model as written, with its id where that is another word. */
export function notAModelOfTheSuites(models: readonly SelectableModel[], wanted: string, known: ModelIds = readModelIds(models)): UsageError {
  const ids = models.map((m) => known.get(m.manifestPath));
  const listed = models.map((m, i) => {
    const shown = m.resolved === m.reference ? m.reference : `${m.resolved} (${m.reference})`;
    const id = ids[i];
    return id === undefined || id === m.reference || id === m.resolved ? shown : `${shown} (id ${id})`;
  });
  const names = [...models.map((m) => m.resolved), ...ids.filter((id): id is string => id !== undefined)];
  return new UsageError(`--models: '${wanted}' is not a model of the suites${didYouMean(wanted, [...new Set(names)])}; models: ${listed.join(', ')}`);
}

/**
 * A selection that leaves out a model sharing an id with a chosen one: the suite is invalid
 * (planning refuses two models with one id), but planning sees only the chosen models, so the
 * run would go ahead with whichever the name matched first. The error names both.
 */
export function sharedIdProblem(models: readonly SelectableModel[], chosen: ReadonlySet<SelectableModel>, known: ModelIds = readModelIds(models)): UsageError | undefined {
  const chosenIds = new Map<string, SelectableModel>();
  for (const model of chosen) {
    const id = known.get(model.manifestPath);
    if (id !== undefined) chosenIds.set(id, model);
  }
  for (const model of models) {
    const id = chosen.has(model) ? undefined : known.get(model.manifestPath);
    const twin = id === undefined ? undefined : chosenIds.get(id);
    if (twin === undefined) continue;
    return new UsageError(`--models: ${twin.reference} and ${model.reference} both have the id '${id}' (the model.json \`name\`), so results would be keyed to one id for two models: give one model.json another \`name\` (vlbench validate names both entries)`);
  }
  return undefined;
}
