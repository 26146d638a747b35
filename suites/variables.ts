/**
 * Where a suite may use `${data.NAME}`, and what a `data` value may be. Data locations are paths:
 * they are substituted (and made absolute) in the model entries, dataset files, media roots and
 * answer lists only. Anywhere else `${data.NAME}` would reach the model or a loader as literal
 * text, so it is an error at its pointer, as are a `data` value that uses another one (values are
 * not expanded), an empty one (`--data b=` is refused alike) and a `${` never closed.
 */
import { jsonPointer } from '../reports/metrics/input-error.js';
import type { SuiteProblem } from './messages.js';
import type { Suite } from './schema/suite.js';

/** The pointers whose strings are expanded (suites/load.ts), and task `models`, which name suite models as written. */
const EXPANDED: readonly RegExp[] = [
  /^\/models\/\d+$/,
  /^\/tasks\/\d+\/dataset\/files\/[^/]+$/,
  /^\/tasks\/\d+\/dataset\/mediaRoot$/,
  /^\/tasks\/\d+\/answerList$/,
  /^\/tasks\/\d+\/models\/\d+$/,
];

const EXPANDED_PLACES = 'the suite\'s models, dataset files, mediaRoot and answerList';

/** `${` with no `}` after it: the regular expression that expands variables would pass it over. */
export function unclosedVariable(value: string): string | undefined {
  return /\$\{[^}]*$/.exec(value)?.[0];
}

/** Every string value of a JSON value with its pointer. */
function* strings(value: unknown, pointer: string): Generator<{ pointer: string; value: string }> {
  if (typeof value === 'string') yield { pointer, value };
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${pointer}/${i}`);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* strings(item, `${pointer}${jsonPointer(key)}`);
  }
}

/** `${...}` where it is not expanded, and `data` values that cannot be a location. */
export function variableProblems(file: string, suite: Suite): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const report = (pointer: string, message: string): void => void problems.push({ file, pointer, message });
  for (const [name, value] of Object.entries(suite.data ?? {})) {
    const pointer = jsonPointer('data', name);
    if (value === null) continue;
    if (value.trim() === '') report(pointer, `data location '${name}' is empty; give a path (relative to the suite file's folder), or null for a location --data ${name}=PATH must supply`);
    else if (value.includes('${')) report(pointer, `'${value}' uses a variable, but data values are not expanded (one location cannot refer to another); write the path in full, or pass --data ${name}=PATH`);
  }
  for (const { pointer, value } of strings({ ...suite, data: undefined, description: undefined }, '')) {
    if (!value.includes('${') || EXPANDED.some((place) => place.test(pointer))) continue;
    report(pointer, `'${value}' is not expanded here: \${data.NAME} is replaced only in ${EXPANDED_PLACES} (data locations are paths); write the value itself`);
  }
  return problems;
}
