/**
 * Suite problems as data: each names the file, the JSON pointer, what is wrong and, where it
 * can, the fix. Schema errors (Ajv) and semantic errors use the same shape and rendering, and
 * tests assert the exact rendered text.
 */
import type { ErrorObject } from 'ajv';
import { didYouMean } from './did-you-mean.js';

export interface SuiteProblem {
  readonly file: string;
  /** JSON pointer into the suite ('' = the document). */
  readonly pointer: string;
  readonly message: string;
}

export function renderProblem(problem: SuiteProblem): string {
  return `${problem.file}: ${problem.pointer === '' ? '(document)' : problem.pointer}: ${problem.message}`;
}

export class SuiteError extends Error {
  override name = 'SuiteError';
  constructor(readonly problems: readonly SuiteProblem[]) {
    super(problems.map(renderProblem).join('\n'));
  }
}

/** Friendly descriptions of the schema's patterns. */
const PATTERN_MEANING: Record<string, string> = {
  '^[a-z0-9][a-z0-9._-]*$': "lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Ajv errors -> problems; `data` is the validated document, to show actual values. */
export function schemaProblems(file: string, errors: readonly ErrorObject[], data: unknown): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  for (const error of errors) {
    const message = schemaMessage(error, valueAt(data, error.instancePath));
    if (message === undefined) continue;
    const pointer = error.keyword === 'additionalProperties' || error.keyword === 'required'
      ? `${error.instancePath}/${String(error.params.additionalProperty ?? error.params.missingProperty)}`
      : error.instancePath;
    if (!problems.some((p) => p.pointer === pointer && p.message === message)) problems.push({ file, pointer, message });
  }
  return problems;
}

function schemaMessage(error: ErrorObject, actual: unknown): string | undefined {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties ?? {}) as object);
      return `unknown key '${key}'${didYouMean(key, allowed)}; allowed keys: ${allowed.join(', ')}`;
    }
    case 'required':
      return `missing required key '${String(params.missingProperty)}'`;
    case 'type':
      return `expected ${String(params.type).replace(',', ' or ')}, got ${typeName(actual)}`;
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return `expected one of ${allowed.map((v) => `'${v}'`).join(', ')}; got ${describeValue(actual)}${typeof actual === 'string' ? didYouMean(actual, allowed) : ''}`;
    }
    case 'const':
      return `expected '${String(params.allowedValue)}', got ${describeValue(actual)}`;
    case 'pattern': {
      const pattern = String(params.pattern);
      return `expected ${PATTERN_MEANING[pattern] ?? `a string matching ${pattern}`}; got ${describeValue(actual)}`;
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return `expected a number ${String(params.comparison)} ${String(params.limit)}, got ${describeValue(actual)}`;
    case 'minItems':
      return `expected at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}, got ${Array.isArray(actual) ? actual.length : 0}`;
    case 'if':
      // The discriminated union's "must match then": the branch's own errors say what is wrong.
      return undefined;
    default:
      return error.message ?? `fails the schema's '${error.keyword}' rule`;
  }
}

export function valueAt(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
