/**
 * The error every metric input reader throws: it names the file, the place inside it (a JSON
 * pointer or an id), what is wrong and how to fix it, so a user can act without reading code.
 */
export class MetricInputError extends Error {
  override name = 'MetricInputError';
  readonly file: string;
  readonly at: string;

  constructor(file: string, at: string, problem: string, fix?: string) {
    super(`${file}${at === '' ? '' : ` at ${at}`}: ${problem}${fix === undefined ? '' : `. ${fix}`}`);
    this.file = file;
    this.at = at;
  }
}

/** RFC 6901 JSON pointer of a path of keys and indices. */
export function jsonPointer(...path: readonly (string | number)[]): string {
  return path.map((part) => '/' + String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a JSON value is described in messages: its type and a short excerpt. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing (the key is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 40 ? text.slice(0, 37) + '...' : text}`;
}
