/**
 * Reading helpers shared by the loaders: whole-document JSON (named errors), line streaming,
 * CSV/TSV rows (papaparse), media path resolution with an existence check, and small
 * string templates for media file names. Every text reader decodes strict UTF-8 and drops a
 * leading UTF-8 byte order mark (text-encoding.ts): editors on Windows write one, and JSON.parse
 * rejects it.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import Papa from 'papaparse';
import { jsonErrorDetail } from './json-errors.js';
import { DatasetError } from './loader.js';
import { missingMediaHint, type WrittenPath } from './media-hints.js';
import type { MediaRef, Modality, SampleFailure, SourceLocation } from './samples.js';
import { decodeUtf8, readUtf8Chunks } from './text-encoding.js';

/** A whole text file, strictly decoded, without its UTF-8 byte order mark. */
async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DatasetError(`${file}: cannot read: ${(error as Error).message}`);
  }
  return decodeUtf8(file, bytes);
}

/** A JSON document's text (without BOM) and its parsed value. */
export async function readJsonText(file: string): Promise<{ readonly text: string; readonly value: unknown }> {
  const text = await readText(file);
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new DatasetError(`${file}: not valid JSON ${jsonErrorDetail(text, (error as Error).message)}`);
  }
}

export async function readJsonDocument(file: string): Promise<unknown> {
  return (await readJsonText(file)).value;
}

/**
 * Lines of a text file with their 1-based numbers; a final line without newline is included.
 * '\r\n', '\n' and a lone '\r' each end a line, as readline (crlfDelay: Infinity) splits them;
 * readline is not used because it decodes leniently.
 */
export async function* readLines(file: string): AsyncGenerator<{ line: string; number: number }> {
  const breaks = /\r\n|\n|\r/g;
  let number = 0;
  // The start of a line the previous chunk did not end, and whether it ended on a '\r' whose '\n' may open the next.
  let partial = '';
  let afterCr = false;
  for await (let chunk of readUtf8Chunks(file)) {
    if (chunk === '') continue;
    if (afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    afterCr = chunk.endsWith('\r');
    let start = 0;
    breaks.lastIndex = 0;
    for (let found = breaks.exec(chunk); found !== null; found = breaks.exec(chunk)) {
      number += 1;
      yield { line: partial + chunk.slice(start, found.index), number };
      partial = '';
      start = breaks.lastIndex;
    }
    partial += chunk.slice(start);
  }
  if (partial !== '') yield { line: partial, number: number + 1 };
}

export interface CsvRow {
  readonly fields: Readonly<Record<string, string>>;
  /**
   * The 1-based line the record starts on (header = line 1), as an editor numbers lines: blank
   * lines and quoted fields spanning lines make it differ from the record's count.
   */
  readonly number: number;
  readonly errors: readonly string[];
}

/**
 * A header naming a column twice: papaparse renames the later one (`caption_1_1`), so readers
 * that look columns up by name would silently lose it in every row. The header is the whole
 * file's, so this stops the load.
 */
function refuseRepeatedColumns(file: string, header: readonly string[], line: number): void {
  const name = header.find((n, i) => header.indexOf(n) !== i);
  if (name === undefined) return;
  const columns = header.flatMap((n, i) => (n === name ? [i + 1] : []));
  throw new DatasetError(`${file} line ${line} (header): column '${name}' appears ${columns.length} times (columns ${columns.join(', ')}); only one of them could be read, so every row would lose the others' values: rename or remove the repeated column`);
}

/** A column every row of a CSV format needs. */
interface CsvColumn {
  /** The name shown, e.g. 'caption' or 'caption_N'. */
  readonly name: string;
  /** Which header names are this column; the name itself when absent. */
  readonly matches?: (column: string) => boolean;
  /** The loader option that names this column (generic loaders), offered as a fix. */
  readonly option?: string;
}

/** What a reader checks a CSV header against, once, before any row. */
export interface CsvHeaderSpec {
  readonly required: readonly (string | CsvColumn)[];
  /** The format's header line, offered to a file that has none. */
  readonly header?: string;
  /** The loader option that sets the separator; absent, the format has one separator. */
  readonly delimiterOption?: string;
}

const SEPARATORS: Readonly<Record<string, string>> = { ',': "','", ';': "';'", '\t': 'tabs', '|': "'|'" };

/** A header cell that reads like a value: a number, a file name, a sentence, or nothing. */
function looksLikeData(cell: string): boolean {
  const text = cell.trim();
  return text === '' || /^[-+]?\d+(\.\d+)?$/.test(text) || /\.[A-Za-z0-9]{2,5}$/.test(text) || text.length > 40 || text.split(/\s+/).length > 3;
}

/** Column names compared as people vary them: case, spaces, '_' and '-'. */
function loose(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

function quoted(names: readonly string[]): string {
  const shown = names.slice(0, 12).map((n) => `'${n.length > 60 ? `${n.slice(0, 60)}...` : n}'`);
  return `${shown.join(', ')}${names.length > 12 ? `, ... (${names.length} in all)` : ''}`;
}

/**
 * A header that lacks a column the format needs stops the load, once, naming the file, the
 * missing and the found columns and the likely cause: every row would otherwise fail alike, at
 * its own line, with nothing said of the header. The causes told apart: another separator (the
 * header is one field holding it), no header row (the first line reads as data), a renamed column.
 */
function refuseMissingColumns(file: string, header: readonly string[], line: number, delimiter: string, spec: CsvHeaderSpec): void {
  const required = spec.required.map((c): CsvColumn => (typeof c === 'string' ? { name: c } : c));
  const isColumn = (c: CsvColumn, name: string): boolean => (c.matches ? c.matches(name) : name === c.name);
  const missing = required.filter((c) => !header.some((name) => isColumn(c, name)));
  if (missing.length === 0) return;
  const where = `${file} line ${line} (header)`;
  const columns = `${missing.length === 1 ? 'column' : 'columns'} ${quoted(missing.map((c) => c.name))}`;
  const problem = `${where}: no ${columns}, which this format needs (columns found: ${quoted(header)})`;
  const own = SEPARATORS[delimiter] ?? `'${delimiter}'`;
  const other = header.length === 1
    ? Object.keys(SEPARATORS).filter((s) => s !== delimiter && header[0]!.includes(s)).sort((a, b) => header[0]!.split(b).length - header[0]!.split(a).length)[0]
    : undefined;
  if (other !== undefined) {
    const value = other === '\t' ? "'\\t'" : `'${other}'`;
    const fix = spec.delimiterOption !== undefined
      ? `, not ${own}: set the loader's '${spec.delimiterOption}' option to ${value}`
      : `: this loader reads only ${own}-separated files, so save it with ${own} as the separator`;
    throw new DatasetError(`${problem}; the header is one field holding ${SEPARATORS[other]}, so the file seems separated by ${SEPARATORS[other]}${fix}`);
  }
  if (missing.length === required.length && header.some(looksLikeData)) {
    const add = spec.header !== undefined ? `add the header line '${spec.header}' as the first line` : `add a header line naming the columns (${quoted(required.map((c) => c.name))}) as the first line`;
    throw new DatasetError(`${problem}; that first line reads as data, not column names, so the file seems to have no header row: ${add}`);
  }
  const fixes = missing.map((c) => {
    const like = c.matches === undefined ? header.find((name) => loose(name) === loose(c.name)) : undefined;
    const option = c.option !== undefined ? `, or set the loader's '${c.option}' option to the column's name` : '';
    return like !== undefined ? `rename column '${like}' to '${c.name}'${option}` : `add the column '${c.name}', or rename the column that holds it${option}`;
  });
  throw new DatasetError(`${problem}: ${fixes.join('; ')}`);
}

/**
 * The line break a CSV text's records end with, as papaparse finds it: '\n' (also ending
 * '\r\n' lines), or '\r' in a file with no '\n' at all (old Mac, some Excel exports).
 */
function lineBreakOf(text: string): '\n' | '\r' {
  return !text.includes('\n') && text.includes('\r') ? '\r' : '\n';
}

/**
 * 1-based line numbers of offsets in a text, asked in increasing order (records come in file
 * order), so each line break is counted once: counting from the start for every record made a
 * load quadratic in the file's length.
 */
class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string, private readonly lineBreak: string) {}

  lineAt(offset: number): number {
    const { text, lineBreak } = this;
    for (let i = text.indexOf(lineBreak, this.offset); i !== -1 && i < offset; i = text.indexOf(lineBreak, i + 1)) this.line += 1;
    this.offset = Math.max(this.offset, offset);
    return this.line;
  }
}

/**
 * Where the record after `from` (the end of the previous one) really starts: past the lines that
 * papaparse's 'greedy' skipEmptyLines passes over, those holding only blanks and delimiters, so
 * that a record's line is the line an editor shows it on.
 */
function recordStart(text: string, from: number, delimiter: string, lineBreak: string): number {
  let at = from;
  for (let end = text.indexOf(lineBreak, at); end !== -1; end = text.indexOf(lineBreak, at)) {
    if (text.slice(at, end).split(delimiter).join('').trim() !== '') break;
    at = end + 1;
  }
  return at;
}

/**
 * Broken quoting makes papaparse read on to the next quote: a quote never closed takes the rest
 * of the file into one field, text after a closing quote the lines up to the next quote, so later
 * rows vanish into this one without a trace. Where the rows really end is unknowable, so it
 * stops the load, at the line where the record starts.
 */
function refuseBrokenQuotes(file: string, line: number, errors: readonly Papa.ParseError[]): void {
  const where = `${file} line ${line}`;
  const fix = 'close the quote, or write a quote inside a quoted field as "" (RFC 4180)';
  if (errors.some((e) => e.code === 'MissingQuotes')) {
    throw new DatasetError(`${where}: a quoted field is never closed, or has text after its closing quote, so the rest of the file would be read as one field: ${fix}`);
  }
  if (errors.some((e) => e.code === 'InvalidQuotes')) {
    throw new DatasetError(`${where}: a quoted field has text after its closing quote, so the lines up to the next quote would be read into this row and lost as rows: ${fix}`);
  }
}

function csvRow(data: Record<string, unknown>, header: readonly string[], number: number, parseErrors: readonly Papa.ParseError[]): CsvRow {
  // The field count is judged below, by name; papaparse's TooFewFields/TooManyFields say less.
  const errors = parseErrors.filter((e) => e.code !== 'TooFewFields' && e.code !== 'TooManyFields').map((e) => e.message);
  if (data.__parsed_extra !== undefined) errors.push('more fields than the header has');
  const fields: Record<string, string> = {};
  for (const key of header) {
    const value = data[key];
    if (typeof value === 'string') fields[key] = value;
    else errors.push(`missing field '${key}'`);
  }
  return { fields, number, errors: [...new Set(errors)] };
}

/**
 * CSV/TSV rows with a header line as objects (papaparse). The file is parsed whole, not streamed:
 * papaparse's stream mode drops its parse errors, and annotation files are small. A header that
 * repeats a column name, one that lacks a column `spec` requires, and broken quoting are refused;
 * a row with the wrong number of fields carries its errors.
 */
export async function* readCsvRows(file: string, delimiter: string, spec: CsvHeaderSpec): AsyncGenerator<CsvRow> {
  const text = await readText(file);
  const header: string[] = [];
  const transformHeader = (name: string): string => {
    header.push(name);
    return name;
  };
  const rows: CsvRow[] = [];
  const lineBreak = lineBreakOf(text);
  const lines = new LineCounter(text, lineBreak);
  // Blank lines before the header are cut off: papaparse hands transformHeader one of them
  // instead of the header, so every row would lack a column named ''.
  const start = recordStart(text, 0, delimiter, lineBreak);
  const body = text.slice(start);
  const checkHeader = (): void => {
    // Missing columns first: the first line of a file without a header may well repeat a value.
    const headerLine = lines.lineAt(start);
    refuseMissingColumns(file, header, headerLine, delimiter, spec);
    refuseRepeatedColumns(file, header, headerLine);
  };
  // The end of the previous record in `body`; the first follows the header line, whose end no step reports.
  let previousEnd = body.indexOf(lineBreak) + 1;
  Papa.parse<Record<string, unknown>>(body, {
    header: true, delimiter, skipEmptyLines: 'greedy', transformHeader,
    step: (results) => {
      if (rows.length === 0) checkHeader();
      const line = lines.lineAt(start + recordStart(body, previousEnd, delimiter, lineBreak));
      refuseBrokenQuotes(file, line, results.errors);
      rows.push(csvRow(results.data, header, line, results.errors));
      previousEnd = results.meta.cursor;
    },
  });
  // A header with no rows below it still says whether the file is in the format.
  if (rows.length === 0 && header.length > 0) checkHeader();
  yield* rows;
}

export function mediaPath(root: string, relative: string): string {
  return isAbsolute(relative) ? relative : join(root, relative);
}

/**
 * The folder relative media paths resolve against where a loader's mediaRoot is optional: the
 * suite's mediaRoot, else the folder of the annotation file that names them. Never the working
 * directory: a run (and a --resume from elsewhere) must read the same files from any directory,
 * and predictions record the absolute paths.
 */
export function mediaRootOr(mediaRoot: string, annotationFile: string): string {
  return mediaRoot !== '' ? mediaRoot : dirname(resolve(annotationFile));
}

/**
 * A media reference, or the failure that says which file is missing or is a folder. Only a video
 * may be a folder (of frames, models/preprocess/video.ts); an image, audio clip or point cloud
 * path that names a folder (a path written as '.' or 'images/') would pass an existence check
 * and fail only at run time, with the operating system's EISDIR. A missing file's message gets a
 * hint when a likely cause shows (media-hints.ts); `written` is the path as the annotation gives
 * it, where the caller resolved it against a root.
 */
/** @param notFoundHint the loader's own word on a missing file (after the generic hint), e.g. '; its start_time ...' */
export async function mediaOrFailure(id: string, modality: Modality, path: string, source: SourceLocation, written?: WrittenPath, notFoundHint = ''): Promise<MediaRef | SampleFailure> {
  let folder: boolean;
  try {
    folder = (await stat(path)).isDirectory();
  } catch {
    const hint = await missingMediaHint(path, written);
    return failure(id, `${modality} file not found: ${path}${hint === undefined ? '' : `; ${hint}`}${notFoundHint}`, source);
  }
  if (folder && modality !== 'video') return failure(id, `${modality} path is a folder, not a file: ${path}; name the ${modality} file itself`, source);
  return { modality, path };
}

/** mediaOrFailure for a path an annotation gives, resolved against `root` (mediaPath). */
export function mediaAt(id: string, modality: Modality, root: string, written: string, source: SourceLocation, notFoundHint = ''): Promise<MediaRef | SampleFailure> {
  return mediaOrFailure(id, modality, mediaPath(root, written), source, { root, path: written }, notFoundHint);
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
