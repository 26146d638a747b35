/**
 * Reading helpers shared by the loaders: whole-document JSON (named errors), line streaming,
 * CSV/TSV row streaming (papaparse), media path resolution with an existence check, and small
 * string templates for media file names. Every text reader drops a leading UTF-8 byte order mark:
 * editors on Windows write one, and JSON.parse rejects it.
 */
import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import Papa from 'papaparse';
import { DatasetError } from './loader.js';
import type { MediaRef, Modality, SampleFailure, SourceLocation } from './samples.js';

const BOM = '\uFEFF';

function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** A JSON document's text (without BOM) and its parsed value. */
export async function readJsonText(file: string): Promise<{ readonly text: string; readonly value: unknown }> {
  let text: string;
  try {
    text = stripBom(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DatasetError(`${file}: cannot read: ${(error as Error).message}`);
  }
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new DatasetError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

export async function readJsonDocument(file: string): Promise<unknown> {
  return (await readJsonText(file)).value;
}

/** Lines of a text file with their 1-based numbers; a final line without newline is included. */
export async function* readLines(file: string): AsyncGenerator<{ line: string; number: number }> {
  const input = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of input) {
    number += 1;
    yield { line: number === 1 ? stripBom(line) : line, number };
  }
}

export interface CsvRow {
  readonly fields: Readonly<Record<string, string>>;
  /** 1-based row number in the file, header = row 1. */
  readonly number: number;
  readonly errors: readonly string[];
}

/**
 * A header naming a column twice: papaparse renames the later one (`caption_1_1`), so readers
 * that look columns up by name would silently lose it in every row. The header is the whole
 * file's, so this stops the load.
 */
function refuseRepeatedColumns(file: string, header: readonly string[]): void {
  const name = header.find((n, i) => header.indexOf(n) !== i);
  if (name === undefined) return;
  const columns = header.flatMap((n, i) => (n === name ? [i + 1] : []));
  throw new DatasetError(`${file} row 1 (header): column '${name}' appears ${columns.length} times (columns ${columns.join(', ')}); only one of them could be read, so every row would lose the others' values: rename or remove the repeated column`);
}

/**
 * Streams CSV/TSV rows with a header line as objects (papaparse, one row at a time). A header
 * that repeats a column name is refused (refuseRepeatedColumns).
 */
export async function* readCsvRows(file: string, delimiter: string): AsyncGenerator<CsvRow> {
  const stream = createReadStream(file, 'utf8');
  const header: string[] = [];
  const transformHeader = (name: string): string => {
    header.push(name);
    return name;
  };
  const parser = stream.pipe(Papa.parse(Papa.NODE_STREAM_INPUT, { header: true, delimiter, skipEmptyLines: 'greedy', transformHeader }));
  let number = 1;
  for await (const row of parser as AsyncIterable<Record<string, unknown>>) {
    if (number === 1) refuseRepeatedColumns(file, header);
    number += 1;
    const errors: string[] = [];
    if (row.__parsed_extra !== undefined) errors.push('more fields than the header has');
    const fields: Record<string, string> = {};
    for (const key of header) {
      const value = row[key];
      if (typeof value === 'string') fields[key] = value;
      else errors.push(`missing field '${key}'`);
    }
    yield { fields, number, errors };
  }
}

export function mediaPath(root: string, relative: string): string {
  return isAbsolute(relative) ? relative : join(root, relative);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** A media reference, or the failure that says which file is missing. */
export async function mediaOrFailure(id: string, modality: Modality, path: string, source: SourceLocation): Promise<MediaRef | SampleFailure> {
  if (await exists(path)) return { modality, path };
  return { kind: 'failure', id, reason: `${modality} file not found: ${path}`, source };
}

export function failure(id: string, reason: string, source: SourceLocation): SampleFailure {
  return { kind: 'failure', id, reason, source };
}

/**
 * Fills `{name}` and `{name:0N}` (zero-padded to N digits) placeholders from `values`, e.g.
 * `COCO_val2014_{image_id:012}.jpg`.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([a-z_]+)(?::0(\d+))?\}/gi, (whole, name: string, width: string | undefined) => {
    const value = values[name];
    if (value === undefined) throw new DatasetError(`file name template '${template}': unknown placeholder ${whole}; available: ${Object.keys(values).map((k) => `{${k}}`).join(', ')}`);
    return width === undefined ? String(value) : String(value).padStart(Number(width), '0');
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
