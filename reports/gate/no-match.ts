/**
 * The error for a gate that matches nothing in the run. Such a gate would otherwise pass
 * silently, and the usual cause is a misspelt name, so the message says which field does not
 * match, suggests the closest name the run has, and lists the others.
 */
import { didYouMean } from '../../suites/did-you-mean.js';
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

/** `source` is the gate list's file and JSON pointer (e.g. `gates.json#/gates`). */
export function noMatchError(gate: GateSpec, index: number, current: RunSnapshot, runLabel: string, source: string): GateInputError {
  const { field, problem } = diagnose(gate, current);
  const scope = [gate.model && `model '${gate.model}'`, gate.family && `family '${gate.family}'`, gate.task && `task '${gate.task}'`].filter(Boolean).join(', ');
  const where = `${source}/${index}${field ? `/${field}` : ''}`;
  return new GateInputError(`${where}: gate ${index} (${describeGate(gate)}${scope ? `, ${scope}` : ''}) matches nothing in run '${runLabel}': ${problem}.`);
}
