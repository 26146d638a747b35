/**
 * Type checks of what reports, gates and diffs read from scores.json, timings.json, the per-sample
 * JSONL files and baseline files, done once at read time: a value of the wrong type (a metric
 * written as "99", a count as "20", a per-sample score as null) would otherwise reach the tables
 * and the bootstrap as a JS crash ("value.toFixed is not a function") or pass silently. Each
 * check returns the first problem as a JSON pointer and the expected type, or null; the readers
 * add the file and the fix. JSON has no NaN or Infinity, so every JSON number is finite.
 */
import { isPlainObject, jsonPointer } from './metrics/input-error.js';

export interface TypeProblem {
  /** JSON pointer (RFC 6901) of the offending value, relative to the checked value. */
  readonly pointer: string;
  readonly expected: string;
  readonly found: unknown;
}

type Check = (value: unknown, at: string) => TypeProblem | null;

/** "the string \"99\"", "null", "an array", "nothing" (a missing field). */
function foundText(found: unknown): string {
  if (found === undefined) return 'nothing (the field is missing)';
  if (found === null) return 'null';
  if (Array.isArray(found)) return 'an array';
  if (typeof found === 'string') return `the string ${JSON.stringify(found.length > 40 ? `${found.slice(0, 40)}…` : found)}`;
  if (typeof found === 'object') return 'an object';
  return `${typeof found} ${JSON.stringify(found)}`;
}

/** `/results/3/metrics/vqa_accuracy must be a finite number, found the string "99"` (pointer prefixed by `base`). */
export function typeProblemText(problem: TypeProblem, base = ''): string {
  return `${base}${problem.pointer || '/'} must be ${problem.expected}, found ${foundText(problem.found)}`;
}

const problem = (pointer: string, expected: string, found: unknown): TypeProblem => ({ pointer, expected, found });

export const finiteNumber: Check = (v, at) => (typeof v === 'number' && Number.isFinite(v) ? null : problem(at, 'a finite number', v));
export const count: Check = (v, at) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? null : problem(at, 'a non-negative integer', v));
export const text: Check = (v, at) => (typeof v === 'string' ? null : problem(at, 'a string', v));

function optional(check: Check): Check {
  return (v, at) => (v === undefined ? null : check(v, at));
}

function oneOf(values: readonly string[]): Check {
  return (v, at) => (typeof v === 'string' && values.includes(v) ? null : problem(at, `one of ${values.map((x) => `"${x}"`).join(', ')}`, v));
}

/** An array whose every item passes `item`. */
export function arrayOf(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return problem(at, 'an array', v);
    for (const [i, x] of v.entries()) {
      const found = item(x, `${at}/${i}`);
      if (found) return found;
    }
    return null;
  };
}

/** An object whose every value passes `value` (a metric map, say). */
export function recordOf(value: Check): Check {
  return (v, at) => {
    if (!isPlainObject(v)) return problem(at, 'an object', v);
    for (const [k, x] of Object.entries(v)) {
      const found = value(x, `${at}${jsonPointer(k)}`);
      if (found) return found;
    }
    return null;
  };
}

/** An object with these fields (others are allowed and not checked). */
export function fields(shape: Readonly<Record<string, Check>>): Check {
  return (v, at) => {
    if (!isPlainObject(v)) return problem(at, 'an object', v);
    for (const [k, check] of Object.entries(shape)) {
      const found = check(v[k], `${at}${jsonPointer(k)}`);
      if (found) return found;
    }
    return null;
  };
}

const TASK_KINDS = ['retrieval', 'captioning', 'vqa', 'instruction'] as const;

/** One entry of scores.json's `results` (and the scores part of a baseline result). */
export const taskScoresShape = {
  model: text,
  task: text,
  kind: oneOf(TASK_KINDS),
  metrics: recordOf(finiteNumber),
  breakdowns: recordOf(recordOf(finiteNumber)),
  counts: fields({ requested: count, scored: count, failed: count, unannotated: optional(count) }),
};

const notApplicableItem = fields({ model: text, task: text, reason: text });

/** scores.json (its formatVersion and top-level arrays are checked by the reader). */
export const scoresFileCheck: Check = fields({ results: arrayOf(fields(taskScoresShape)), notApplicable: arrayOf(notApplicableItem) });

/** What the gate's timing checks and the report's tables read of one timings.json entry. */
export const taskTimingsCheck: Check = fields({
  model: text,
  task: text,
  wallSeconds: finiteNumber,
  samples: count,
  samplesPerSecond: finiteNumber,
  generatedTokens: count,
  tokensPerSecond: finiteNumber,
  latencyMs: fields({ p50: finiteNumber, p95: finiteNumber, p99: finiteNumber, mean: finiteNumber }),
  latencySamplesMs: optional(arrayOf(finiteNumber)),
  latencyBatchSizes: optional(arrayOf(count)),
  peakRssBytes: optional(finiteNumber),
});

export const timingsFileCheck: Check = fields({ results: arrayOf(taskTimingsCheck) });

/** One line of samples/<model>/<task>.jsonl, or one entry of a baseline result's `samples`. */
export const sampleScoreCheck: Check = fields({ sampleId: text, scores: recordOf(finiteNumber) });

// Built once: every line of every predictions file of a run goes through them.
const predictionBase = fields({ sampleId: text, kind: oneOf([...TASK_KINDS, 'failed']) });
const predictionByKind: Readonly<Partial<Record<string, Check>>> = {
  retrieval: fields({ direction: oneOf(['i2t', 't2i']), rank: count }),
  captioning: fields({ caption: text, references: arrayOf(text) }),
  failed: fields({ direction: optional(oneOf(['i2t', 't2i'])) }),
};

/** What reports, gates and diffs key and pair predictions by (one predictions/<model>/<task>.jsonl line). */
export function predictionCheck(v: unknown, at: string): TypeProblem | null {
  return predictionBase(v, at) ?? predictionByKind[(v as { kind: string }).kind]?.(v, at) ?? null;
}

/** One entry of a baseline file's `results`. */
export const baselineResultCheck: Check = fields({
  ...taskScoresShape,
  samples: arrayOf(sampleScoreCheck),
  captions: optional(arrayOf(fields({ sampleId: text, caption: text, references: arrayOf(text) }))),
  ranks: optional(arrayOf(fields({ sampleId: text, direction: oneOf(['i2t', 't2i']), rank: count }))),
  failed: optional(arrayOf(text)),
});

/** A baseline file's arrays (its kind, formatVersion and top-level arrays are checked by the reader). */
export const baselineFileCheck: Check = fields({
  runId: text,
  models: arrayOf(fields({ id: text })),
  tasks: arrayOf(fields({ id: text, kind: oneOf(TASK_KINDS), metrics: arrayOf(text) })),
  results: arrayOf(baselineResultCheck),
  timings: arrayOf(taskTimingsCheck),
  notApplicable: optional(arrayOf(notApplicableItem)),
});
