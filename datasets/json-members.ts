/**
 * The members of a top-level JSON object in the order the file lists them, for formats keyed by
 * sample id (GQA questions). JSON.parse cannot give that order: object keys that look like array
 * indices ("1234", "20968379") come first in numeric order, and of a repeated key only the last
 * value survives. `--limit N` and `--shard` must take the file's first N samples and every
 * occurrence must be seen, so the raw text is scanned once for the top-level keys.
 */
import { DatasetError } from './loader.js';
import { isRecord, readJsonText } from './io.js';

export interface JsonMember {
  readonly key: string;
  readonly value: unknown;
  /** 1 for the first member with this key, 2 for its first repeat, ... */
  readonly occurrence: number;
}

interface Span {
  readonly key: string;
  readonly start: number;
  readonly end: number;
}

function skipWhitespace(text: string, at: number): number {
  let i = at;
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i += 1;
  return i;
}

/** Index just past the string literal that opens at `at` (a '"'). */
function stringEnd(text: string, at: number): number {
  let i = at + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i += 1;
  }
  return i;
}

/** Index of the ',' or '}' that ends the member value starting at `at`. */
function valueEnd(text: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = stringEnd(text, i);
      continue;
    }
    if (c === '{' || c === '[') depth += 1;
    else if (c === ']' || (c === '}' && depth > 0)) depth -= 1;
    else if (depth === 0 && (c === ',' || c === '}')) return i;
    i += 1;
  }
  return i;
}

/** Key and value position of every top-level member; `text` is valid JSON whose top level is an object. */
function memberSpans(text: string): Span[] {
  const spans: Span[] = [];
  let i = skipWhitespace(text, 0) + 1;
  for (;;) {
    i = skipWhitespace(text, i);
    if (i >= text.length || text[i] === '}') return spans;
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    const end = valueEnd(text, start);
    spans.push({ key, start, end });
    i = skipWhitespace(text, end);
    if (text[i] === ',') i += 1;
  }
}

/**
 * Members of the JSON object in `file`, in file order, repeats included.
 * @param expected what the file should hold, for the error when its top level is not an object
 */
export async function readJsonObjectMembers(file: string, expected: string): Promise<JsonMember[]> {
  const { text, value } = await readJsonText(file);
  if (!isRecord(value)) throw new DatasetError(`${file}: expected ${expected}`);
  const spans = memberSpans(text);
  const seen = new Map<string, number>();
  for (const span of spans) seen.set(span.key, (seen.get(span.key) ?? 0) + 1);
  const occurrences = new Map<string, number>();
  return spans.map((span) => {
    const occurrence = (occurrences.get(span.key) ?? 0) + 1;
    occurrences.set(span.key, occurrence);
    // Only a repeated key needs its own parse: the parsed document holds just its last value.
    const own = seen.get(span.key) === 1 ? value[span.key] : (JSON.parse(text.slice(span.start, span.end)) as unknown);
    return { key: span.key, value: own, occurrence };
  });
}
