/**
 * The error for a gate that matches nothing in the run. Such a gate would otherwise pass
 * silently, and the usual cause is a misspelt name, so the message says which field does not
 * match, suggests the closest name the run has, and lists the others. The other usual cause is a
 * run of part of its suites (`vlbench run --tasks/--models`): the manifest keeps every gate of the
 * suites, so the message then names the selection and how to gate it (explainSelection).
 */
import { dirname, resolve } from 'node:path';
import { isModelPath } from '../../suites/check.js';
import { didYouMean } from '../../suites/did-you-mean.js';
import { sameFileKey } from '../../suites/same-file.js';
import type { RunManifest } from '../records.js';
import { describeGate, TIMING_MEASURES, type GateSpec } from '../gate-spec.js';
import { GateInputError } from './paired-metric.js';
import type { RunSnapshot } from './snapshot.js';

interface Diagnosis {
  /** The gate field at fault ('' when it is the combination of fields). */
  readonly field: string;
  readonly problem: string;
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

function unknownName(what: 'model' | 'family' | 'task', value: string, known: readonly string[]): string {
  const plural = what === 'family' ? 'families' : `${what}s`;
  return `the run has no ${what} '${value}'${didYouMean(value, known)}; its ${plural}: ${known.join(', ') || '(none)'}`;
}

function scopeDiagnosis(gate: GateSpec, current: RunSnapshot): Diagnosis | undefined {
  const models = unique([...current.models.map((m) => m.id), ...current.results.map((r) => r.model)]);
  if (gate.model !== undefined && !models.includes(gate.model)) return { field: 'model', problem: unknownName('model', gate.model, models) };
  const families = unique(current.models.map((m) => m.family));
  if (gate.family !== undefined && !families.includes(gate.family)) return { field: 'family', problem: unknownName('family', gate.family, families) };
  const tasks = unique([...current.tasks.map((t) => t.id), ...current.results.map((r) => r.task)]);
  if (gate.task !== undefined && !tasks.includes(gate.task)) return { field: 'task', problem: unknownName('task', gate.task, tasks) };
  return undefined;
}

/** Unknown metric names, and timing measures given to a quality gate; undefined when the name is one the run reports. */
function metricDiagnosis(gate: GateSpec, metric: string, current: RunSnapshot): Diagnosis | undefined {
  const timing = (TIMING_MEASURES as readonly string[]).includes(metric);
  if (gate.kind === 'max-drop' && timing) {
    return { field: 'metric', problem: `'${metric}' is a timing measure and max-drop compares quality metrics; use a 'max-throughput-drop' or 'max-latency-increase' gate` };
  }
  const quality = unique([...current.tasks.flatMap((t) => t.metrics), ...current.results.flatMap((r) => Object.keys(r.metrics))]);
  const known = gate.kind === 'max-drop' ? quality : [...quality, ...TIMING_MEASURES];
  if (known.includes(metric)) return undefined;
  const what = gate.kind === 'max-drop' ? 'metric' : 'metric or timing measure';
  return { field: 'metric', problem: `the run reports no ${what} '${metric}'${didYouMean(metric, known)}; it reports: ${known.join(', ')}` };
}

function inScope(gate: GateSpec, current: RunSnapshot, model: string, task: string): boolean {
  const family = current.models.find((m) => m.id === model)?.family;
  return (gate.model === undefined || gate.model === model) && (gate.task === undefined || gate.task === task) && (gate.family === undefined || gate.family === family);
}

function diagnose(gate: GateSpec, current: RunSnapshot): Diagnosis {
  const scope = scopeDiagnosis(gate, current);
  if (scope) return scope;
  const pairs = current.results.filter((r) => inScope(gate, current, r.model, r.task));
  if (gate.kind === 'floor' || gate.kind === 'ceiling' || gate.kind === 'max-drop') {
    const metric = metricDiagnosis(gate, gate.metric, current);
    if (metric) return metric;
    if (pairs.length > 0) {
      const reported = unique(pairs.map((r) => `${r.task}: ${Object.keys(r.metrics).join(', ') || '(nothing)'}`)).join('; ');
      return { field: 'metric', problem: `the pairs in the gate's scope do not report metric '${gate.metric}' (${reported})` };
    }
  }
  if (pairs.length > 0) return { field: '', problem: 'the run has no timings for the pairs in its scope' };
  return { field: '', problem: 'no (model, task) pair of the run has this model, family and task together' };
}

/** A gate that matches nothing; what it was, and the field at fault, for explainSelection. */
export class NoMatchError extends GateInputError {
  override name = 'NoMatchError';
  constructor(message: string, readonly gate: GateSpec, readonly field: string) {
    super(message);
  }
}

/** `source` is the gate list's file and JSON pointer (e.g. `gates.json#/gates`). */
export function noMatchError(gate: GateSpec, index: number, current: RunSnapshot, runLabel: string, source: string): NoMatchError {
  const { field, problem } = diagnose(gate, current);
  const scope = [gate.model && `model '${gate.model}'`, gate.family && `family '${gate.family}'`, gate.task && `task '${gate.task}'`].filter(Boolean).join(', ');
  const where = `${source}/${index}${field ? `/${field}` : ''}`;
  return new NoMatchError(`${where}: gate ${index} (${describeGate(gate)}${scope ? `, ${scope}` : ''}) matches nothing in run '${runLabel}': ${problem}.`, gate, field);
}

/** What `--tasks`/`--models` left out of the run's suites; a list is empty when nothing was. */
export interface RunSelection {
  readonly suites: readonly string[];
  readonly tasks: readonly string[];
  readonly leftOutTasks: readonly string[];
  readonly models: readonly string[];
  /** As the suites write them (registered name or path). */
  readonly leftOutModels: readonly string[];
}

const idOf = (task: unknown): unknown => (typeof task === 'string' ? task : (task as { id?: unknown } | null)?.id);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Whether a suite's models entry is one of the run's models: by id (a registered name is its model.json's name) or by path. */
function entryRan(entry: string, suiteFile: string, models: RunManifest['models']): boolean {
  if (models.some((m) => m.id === entry)) return true;
  if (!isModelPath(entry) || entry.includes('${')) return false;
  const key = sameFileKey(resolve(dirname(suiteFile), entry));
  return models.some((m) => sameFileKey(m.manifestPath) === key);
}

/**
 * The selection a run made of its suites, from its manifest: the suites' resolved tasks and
 * models (every one, selected or not) against the tasks and models the run recorded. A
 * `${data.NAME}` model is not judged (its entry does not say which model.json it was); a suite
 * entry matching no run model counts as left out only when the run has fewer models than the
 * suites list, so a name the manifest spells otherwise is not taken for a selection.
 */
export function runSelection(manifest: Pick<RunManifest, 'suites' | 'tasks' | 'models'>): RunSelection {
  const tasks = manifest.tasks.map((t) => t.id);
  const resolved = manifest.suites.map((s) => ({ file: s.file, suite: (s.resolved ?? {}) as { tasks?: unknown; models?: unknown } }));
  const suiteTasks = [...new Set(resolved.flatMap((s) => (Array.isArray(s.suite.tasks) ? s.suite.tasks.map(idOf) : [])))];
  const leftOutTasks = suiteTasks.filter((id): id is string => typeof id === 'string' && !tasks.includes(id));
  const entries = resolved.flatMap((s) => strings(s.suite.models).map((entry) => ({ entry, file: s.file })));
  const unmatched = [...new Set(entries.filter((e) => !e.entry.includes('${') && !entryRan(e.entry, e.file, manifest.models)).map((e) => e.entry))];
  const leftOutModels = manifest.models.length < new Set(entries.map((e) => e.entry)).size ? unmatched : [];
  return { suites: manifest.suites.map((x) => x.name), tasks, leftOutTasks, models: manifest.models.map((m) => m.id), leftOutModels };
}

function list(names: readonly string[], shown = 6): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** Whether the selection can be why the gate matches nothing (not so for a misspelt task or model). */
function selectionExplains(error: NoMatchError, selection: RunSelection): boolean {
  const { gate, field } = error;
  if (field === 'task') return gate.task !== undefined && selection.leftOutTasks.includes(gate.task);
  // A left-out model the suite gives by path goes by an id the manifest does not record.
  if (field === 'model') return gate.model !== undefined && (selection.leftOutModels.includes(gate.model) || selection.leftOutModels.some(isModelPath));
  if (field === 'family') return selection.leftOutModels.length > 0;
  return selection.leftOutTasks.length > 0 || selection.leftOutModels.length > 0;
}

/**
 * The no-match error of a run that selected part of its suites, with the selection and the way
 * to gate it. Such gates still fail; they are not skipped, not even when the baseline made the
 * same selection. The manifest keeps every gate on purpose (buildManifest: a gate on a left-out
 * task must fail, a pair the run dropped), and a CI job whose run was narrowed, by mistake or by
 * a later edit of its command, would otherwise pass with gates turned off and a note nobody
 * reads: exit 0 is the one answer a gate must not give for what it did not check. A baseline
 * file does not record the suites either, so "the same selection" could not be told there. The
 * user who means the selection says so in one visible step: `--gates FILE` with its gates.
 * @param fromManifest the gates are the manifest's (no --gates FILE was given)
 */
export function explainSelection(error: NoMatchError, selection: RunSelection, fromManifest: boolean): GateInputError {
  if (!selectionExplains(error, selection)) return error;
  const { leftOutTasks, leftOutModels } = selection;
  const selected = [
    leftOutTasks.length > 0 ? `--tasks ${selection.tasks.join(',')}` : '',
    leftOutModels.length > 0 ? `--models ${selection.models.join(',')}` : '',
  ].filter(Boolean).join(' ');
  const left = [leftOutTasks.length > 0 ? `tasks ${list(leftOutTasks)}` : '', leftOutModels.length > 0 ? `models ${list(leftOutModels)}` : ''].filter(Boolean).join('; ');
  const scope = `the selected tasks (${list(selection.tasks)}) and models (${list(selection.models)})`;
  const fix = fromManifest
    ? `The run's manifest keeps every gate of its suites, so that a gate on a left-out task or model fails instead of passing unchecked. To gate this selection, pass --gates FILE ({"gates": [...]}) holding only the suite's gates for ${scope}; or gate a run of the whole suite.`
    : `Keep in the gate file only the gates for ${scope}, or gate a run of the whole suite.`;
  return new GateInputError(`${error.message}\nThe run selected ${selected} from ${selection.suites.length === 1 ? 'suite' : 'suites'} ${selection.suites.map((n) => `'${n}'`).join(', ')} (left out: ${left}). ${fix}`);
}
