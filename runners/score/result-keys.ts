/**
 * Key checks on results-list entries (`[{"question_id", "answer"}]`, `[{"image_id", "caption"}]`)
 * before the readers look at values. A missing key reaches the readers as `undefined`, which
 * they can only describe as a wrong value; the usual cause is a misnamed key ("Answer",
 * "pred"), so this says which key is missing and suggests the entry's closest key.
 */
import { didYouMean } from '../../suites/did-you-mean.js';
import { MetricInputError, isPlainObject, jsonPointer } from '../../reports/metrics/input-error.js';

/** Throws for the first object entry of `json` (when it is an array) that lacks one of `keys`. */
export function requireResultKeys(file: string, json: unknown, keys: readonly string[]): void {
  if (!Array.isArray(json)) return;
  json.forEach((entry: unknown, i) => {
    if (!isPlainObject(entry)) return;
    for (const key of keys) {
      if (key in entry) continue;
      const present = Object.keys(entry);
      const has = present.length > 0 ? `it has ${present.map((k) => JSON.stringify(k)).join(', ')}` : 'it is empty';
      throw new MetricInputError(file, jsonPointer(i), `entry has no "${key}" key${didYouMean(key, present)}; ${has}`, `Every result needs ${keys.map((k) => `"${k}"`).join(' and ')}`);
    }
  });
}
