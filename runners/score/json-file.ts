/**
 * Reading the JSON inputs of `vlbench score`: every failure names the file and says what is
 * wrong (missing, empty, not JSON, NaN written by Python's json.dump).
 */
import { readFileSync, statSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { locateJsonError } from '../../datasets/json-errors.js';
import { MetricInputError } from '../../reports/metrics/input-error.js';

/** Python's json.dump writes these for non-finite floats; JSON (and JSON.parse) has no such tokens. */
const NON_FINITE_TOKEN = /(?<=[[,:]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/;

export function readJsonFile(path: string): unknown {
  return parseJsonText(path, readJsonText(path));
}

/** The file's text, with missing, unreadable and empty files reported by name. */
export function readJsonText(path: string): string {
  let text: string;
  try {
    // Every UTF-16 unit takes at most 3 bytes of UTF-8: past this, the text cannot fit (and
    // reading it first would take a minute).
    if (statSync(path).size > 3 * bufferConstants.MAX_STRING_LENGTH) throw tooLarge(path);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof MetricInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_STRING_TOO_LONG' || code === 'ERR_FS_FILE_TOO_LARGE') throw tooLarge(path);
    const problem = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a JSON file' : `cannot be read (${code ?? String(error)})`;
    throw new MetricInputError(path, '', problem);
  }
  if (text.trim() === '') throw new MetricInputError(path, '', 'the file is empty', 'Expected a JSON document');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Node holds a file's text in one string, and V8 caps strings at about 512 MiB (2 GiB for a
 * file read at all); JSON.parse needs the whole text. A COCO 5k x 25k score matrix as JSON text
 * is several GB, so say so instead of the bare Node error code.
 */
function tooLarge(path: string): MetricInputError {
  const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MiB`;
  let size = 'too large';
  try {
    size = `${mib(statSync(path).size)}`;
  } catch {
    // keep the generic wording
  }
  return new MetricInputError(
    path,
    '',
    `the file (${size}) is larger than the ${mib(bufferConstants.MAX_STRING_LENGTH)} of JSON text that Node can read as one document`,
    "For retrieval, save the score matrices with np.save and pass them as --scores-i2t/--scores-t2i with --gt (no such limit); or write a smaller file: fewer digits per score (e.g. round to 4 decimals), drop scores_t2i when it is the transpose of scores_i2t, or score a subset",
  );
}

export function parseJsonText(path: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const nonFinite = NON_FINITE_TOKEN.exec(text);
    if (nonFinite) {
      const { line, column } = lineAndColumn(text, nonFinite.index);
      throw new MetricInputError(path, `line ${line}, column ${column}`, `${nonFinite[0]} is not valid JSON (Python's json.dump writes it for a non-finite float)`, 'Scores must be finite numbers; fix the producer of this file');
    }
    const { line, column, message } = locateJsonError(text, (error as Error).message);
    throw new MetricInputError(path, `line ${line}, column ${column}`, `not valid JSON: ${message}`);
  }
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/**
 * The keys of a top-level JSON object in file order, or undefined when the document is not an
 * object. JSON.parse enumerates integer-like keys ("391895") in ascending order instead, and
 * image order matters: pycocoevalcap tokenizes all captions as one newline-joined batch, where a
 * caption with a line-breaking character shifts the lines after it. `text` must be valid JSON.
 */
export function topLevelKeysInFileOrder(text: string): string[] | undefined {
  let i = skipWhitespace(text, 0);
  if (text[i] !== '{') return undefined;
  const keys: string[] = [];
  i = skipWhitespace(text, i + 1);
  while (text[i] === '"') {
    const end = endOfString(text, i);
    keys.push(JSON.parse(text.slice(i, end)) as string);
    i = skipValue(text, skipWhitespace(text, end) + 1); // past the ':' and the value
    i = skipWhitespace(text, i);
    if (text[i] === ',') i = skipWhitespace(text, i + 1);
  }
  return keys;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** Index just past the string literal starting at `start` (a '"'). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Index of the ',' or '}' that ends the value starting at or after `start`. */
function skipValue(text: string, start: number): number {
  let depth = 0;
  let i = skipWhitespace(text, start);
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') i = endOfString(text, i) - 1;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      if (depth === 0) return i;
      depth--;
    } else if (ch === ',' && depth === 0) return i;
  }
  return i;
}
