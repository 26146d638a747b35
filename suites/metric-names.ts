/**
 * Which metrics each task kind reports (reports/metrics/registry.ts is the source of names,
 * directions and the METEOR/SPICE refusal), the default selection per task, and the timing
 * measures gates may use next to quality metrics (as reports/gate-spec.ts reads them).
 */
import { METRIC_NAMES, METRICS, UNAVAILABLE_METRICS as REGISTRY_UNAVAILABLE } from '../reports/metrics/registry.js';
import type { TaskSpec } from './schema/suite.js';

export type TaskKindName = TaskSpec['kind'];

function forKind(kind: TaskKindName): readonly string[] {
  return METRIC_NAMES.filter((name) => (METRICS[name].taskKinds as readonly string[]).includes(kind));
}

export const RETRIEVAL_METRICS = forKind('retrieval');
export const CAPTION_METRICS = forKind('captioning');

export const TIMING_MEASURES = ['samplesPerSecond', 'tokensPerSecond', 'latencyMs.mean', 'latencyMs.p50', 'latencyMs.p95', 'latencyMs.p99'] as const;

/** Asked for by name, impossible here: the reason is the error message. */
export const UNAVAILABLE_METRICS: Readonly<Record<string, string>> = Object.fromEntries(
  [...REGISTRY_UNAVAILABLE].map(([name, reason]) => [name, `metric '${name}' is not available: ${reason}; vlbench does not approximate it`]),
);

export function defaultMetrics(task: TaskSpec): readonly string[] {
  switch (task.kind) {
    case 'retrieval': return RETRIEVAL_METRICS;
    case 'captioning': return CAPTION_METRICS;
    case 'vqa': return ['vqa_accuracy'];
    case 'instruction': return task.mode === 'multiple-choice' ? ['multiple_choice_accuracy'] : ['exact_match'];
    default: {
      const never: never = task;
      return never;
    }
  }
}

/** Metrics valid for this task: multiple choice reports accuracy; open-ended tasks their answer scorers. */
export function allowedMetrics(task: TaskSpec): readonly string[] {
  if (task.kind === 'instruction') return task.mode === 'multiple-choice' ? ['multiple_choice_accuracy'] : ['exact_match', 'vqa_accuracy'];
  if (task.kind === 'vqa') return ['vqa_accuracy', 'exact_match'];
  return forKind(task.kind);
}
