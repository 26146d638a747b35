/**
 * Field mapping for the generic JSONL and CSV/TSV loaders: one record (a JSON object or a CSV
 * row) becomes one sample of the kind the suite asks for, reading the fields the options name.
 * A list field is a JSON array, or in CSV a string split on `listSeparator`.
 */
import { inexactIdProblem } from '../ids.js';
import { failure, isRecord, mediaAt, mediaRootOr } from '../io.js';
import { optionString, requiredFile, type DatasetLoader, type LoaderInput, type LoaderOption, type OptionValue } from '../loader.js';
import type { LoaderItem, MediaRef, Modality, SampleKind, SourceLocation } from '../samples.js';

/** The options of both generic loaders; the CSV loader adds `listSeparator` and `delimiter`. */
export const MAPPING_OPTIONS: Readonly<Record<string, LoaderOption>> = {
  kind: { type: 'string', description: 'sample kind to produce', values: ['caption', 'retrieval', 'vqa', 'instruction'], default: 'instruction' },
  modality: { type: 'string', description: 'modality of the media field', values: ['image', 'audio', 'video', 'pointcloud'], default: 'image' },
  idField: { type: 'string', description: 'field with the sample id', default: 'id' },
  mediaField: { type: 'string', description: 'field with the media path (instruction: a path or a list of paths)', default: 'image' },
  questionField: { type: 'string', description: 'field with the question (vqa; instruction: optional in records, for templates without {question})', default: 'question' },
  answersField: { type: 'string', description: 'field with the answer(s): a string or a list', default: 'answers' },
  choicesField: { type: 'string', description: 'field with the multiple-choice options (a list)', default: 'choices' },
  answerIndexField: { type: 'string', description: 'field with the 0-based index of the correct choice', default: 'answer_index' },
  contextField: { type: 'string', description: 'field with textual context (optional in records)', default: 'context' },
  categoryField: { type: 'string', description: 'field with the breakdown category (optional in records)', default: 'category' },
  captionsField: { type: 'string', description: 'field with the reference captions (caption, retrieval)', default: 'captions' },
  answerTypeField: { type: 'string', description: 'field with the VQA answer type (optional in records)', default: 'answer_type' },
  questionTypeField: { type: 'string', description: 'field with the VQA question type (optional in records)', default: 'question_type' },
  filterField: { type: 'string', description: 'only records whose field of this name equals filterValue (e.g. a format or split column); set both or neither', default: '' },
  filterValue: { type: 'string', description: 'the value filterField must have; set both or neither', default: '' },
};

/** CSV cells are strings: list columns are split (JSON Lines has arrays, so the JSONL loader has no such option). */
export const LIST_SEPARATOR_OPTION: LoaderOption = { type: 'string', description: 'separator of list columns', default: '|' };

/** The sample kinds that read each field option (`map` below); the other options apply to every kind. */
const FIELD_KINDS: Readonly<Record<string, readonly SampleKind[]>> = {
  questionField: ['vqa', 'instruction'],
  answersField: ['vqa', 'instruction'],
  choicesField: ['instruction'],
  answerIndexField: ['instruction'],
  contextField: ['instruction'],
  categoryField: ['caption', 'instruction'],
  captionsField: ['caption', 'retrieval'],
  answerTypeField: ['vqa'],
  questionTypeField: ['vqa'],
};

/**
 * Options a suite gives a generic loader that the mapping would ignore: a field the record kind
 * never reads, or half a filter (a filterValue with no field to compare would select every
 * record). For the suite checks, which report them at the option's pointer; empty for a loader
 * that is not a record mapping.
 */
export function mappingOptionProblems(loader: DatasetLoader, options: Readonly<Record<string, OptionValue>>): { option: string; message: string }[] {
  if (loader.options.kind !== MAPPING_OPTIONS.kind) return [];
  const kind = String(options.kind ?? MAPPING_OPTIONS.kind!.default) as SampleKind;
  const why = options.kind === undefined ? `'kind' is not set, so ${kind}, its default` : `"kind": "${kind}"`;
  const problems: { option: string; message: string }[] = [];
  // An unknown kind is the option check's to report; judging fields against it would only echo it.
  const known = MAPPING_OPTIONS.kind!.values!.includes(kind);
  for (const option of known ? Object.keys(options) : []) {
    const kinds = FIELD_KINDS[option];
    if (kinds === undefined || kinds.includes(kind)) continue;
    const readers = Object.keys(FIELD_KINDS).filter((name) => FIELD_KINDS[name]!.includes(kind));
    problems.push({ option, message: `'${option}' is read only for ${kinds.join(' and ')} samples, and this task's records become ${kind} samples (${why}); remove it (${kind} samples read ${readers.join(', ')})` });
  }
  if (options.filterValue !== undefined && options.filterField === undefined) {
    problems.push({ option: 'filterValue', message: `'filterValue' needs 'filterField', the field whose value it must equal; without it every record is kept. Add "filterField": "<field name>", or remove filterValue` });
  }
  if (options.filterField !== undefined && options.filterValue === undefined) {
    problems.push({ option: 'filterField', message: `'filterField' needs 'filterValue', the value '${String(options.filterField)}' must have; without it only records whose field is empty are kept. Add "filterValue", or remove filterField` });
  }
  return problems;
}

type RecordValue = unknown;

/**
 * A 0-based choice index written as digits (JSON numbers arrive here as their String), else -1.
 * Number() would read an empty or blank CSV cell as 0, the first choice, and accept '1e0' or '0x1'.
 */
function choiceIndex(text: string | undefined): number {
  const trimmed = text?.trim();
  return trimmed !== undefined && /^\d+$/.test(trimmed) ? Number(trimmed) : -1;
}

/**
 * The fields a record does have, when it lacks the one asked for: a CSV without a header row
 * (its first line taken as the header) or a misnamed option shows up in the first failure.
 */
function absentFrom(record: Record<string, unknown>, field: string): string {
  if (field in record) return '';
  const names = Object.keys(record);
  const shown = names.slice(0, 8).map((n) => `'${n.length > 40 ? `${n.slice(0, 40)}...` : n}'`).join(', ');
  return ` (the record has ${names.length === 0 ? 'no fields' : `${shown}${names.length > 8 ? ', ...' : ''}`}; name the right one in the dataset options, or add the header row a CSV without one lacks)`;
}

export class RecordMapper {
  /** Without a mediaRoot, media paths are relative to the records file's folder. */
  private readonly mediaRoot: string;

  constructor(private readonly loader: DatasetLoader, private readonly input: LoaderInput) {
    this.mediaRoot = mediaRootOr(input.mediaRoot, requiredFile(input, loader, 'records'));
  }

  private field(name: string): string {
    return optionString(this.input, this.loader, name);
  }

  private list(value: RecordValue): string[] | undefined {
    // Numbers are text here as they are in ids and questions: a counting set's answers [1, 2] or choices [3, 4, 5].
    if (Array.isArray(value)) return value.every((v) => typeof v === 'string' || isFiniteNumber(v)) ? value.map(String) : undefined;
    if (isFiniteNumber(value)) return [String(value)];
    if (typeof value !== 'string') return undefined;
    if (!this.separatedLists) return [value];
    return value === '' ? [] : value.split(this.field('listSeparator'));
  }

  /**
   * Why a record's options cannot be ranked as LAVIS ranks them, else undefined. A JSON string
   * is one option, not a list ("a|b" would be the only choice: a free 100 %); one option, an
   * empty one (nothing to pay for in log-likelihood, so it wins) or two alike (the tie goes to
   * the first, so the answer could never be the second) measure nothing; LAVIS letters options
   * a-z and fails past 26.
   */
  private choicesProblem(value: RecordValue, choices: readonly string[]): string | undefined {
    const field = this.field('choicesField');
    if (typeof value === 'string' && !this.separatedLists) return `field '${field}' must be a list of options, got the string ${JSON.stringify(value)}; write it as a JSON list`;
    if (choices.length === 0) return undefined;
    if (choices.length === 1) return `field '${field}' has one option (${JSON.stringify(choices[0])}); multiple choice needs at least two`;
    if (choices.length > 26) return `field '${field}' has ${choices.length} options; the options are lettered (a) to (z) as LAVIS writes them, so at most 26`;
    const blank = choices.findIndex((c) => c.trim() === '');
    if (blank >= 0) return `field '${field}': option ${blank + 1} of ${choices.length} is empty`;
    const repeat = choices.findIndex((c, i) => choices.indexOf(c) !== i);
    if (repeat >= 0) return `field '${field}': option ${repeat + 1} (${JSON.stringify(choices[repeat])}) repeats option ${choices.indexOf(choices[repeat]!) + 1}; options must differ, or the answer could never be told from its twin`;
    return undefined;
  }

  /** CSV cells are strings: lists are separated; JSON values are taken as they are. */
  separatedLists = false;

  /**
   * The fields every record of the kind needs, by the options that name them (the id, the media,
   * the captions or the VQA question, the filter's field): what map() refuses a record without,
   * and so what a CSV header must have (csv.ts checks it once, before the rows).
   */
  requiredFields(): { readonly name: string; readonly option: string }[] {
    const kind = this.field('kind');
    const options = ['idField', 'mediaField'];
    if (kind === 'caption' || kind === 'retrieval') options.push('captionsField');
    if (kind === 'vqa') options.push('questionField');
    if (this.field('filterField') !== '') options.push('filterField');
    const byName = new Map<string, string>();
    for (const option of options) {
      const name = this.field(option);
      if (!byName.has(name)) byName.set(name, option);
    }
    return [...byName].map(([name, option]) => ({ name, option }));
  }

  /** False for a record the suite's filter leaves out (a selection, not a failure). */
  selected(record: RecordValue): boolean {
    const field = this.field('filterField');
    if (field === '' || !isRecord(record)) return true;
    return String(record[field]) === this.field('filterValue');
  }

  /** Why a reference list cannot be scored (none at all, or an empty one), else undefined. */
  private captionProblem(captions: readonly string[], kind: string): string | undefined {
    const field = this.field('captionsField');
    if (captions.length === 0) return `field '${field}' has no captions; a ${kind} sample needs at least one`;
    const blank = captions.findIndex((c) => c.trim() === '');
    return blank < 0 ? undefined : `field '${field}': caption ${blank + 1} of ${captions.length} is empty`;
  }

  /**
   * Why the record's id cannot key a sample, else undefined: absent, not text or a number, blank
   * (an empty CSV cell or `""` would be a sample named by nothing), or a number JSON has rounded.
   */
  private idProblem(record: Record<string, unknown>): string | undefined {
    const field = this.field('idField');
    const value = record[field];
    if (value === undefined) return `missing id field '${field}'${absentFrom(record, field)}`;
    if (typeof value === 'string') return value.trim() === '' ? `id field '${field}' is empty; give the record an id, unique in the file` : undefined;
    if (typeof value === 'number') return inexactIdProblem(field, value);
    const got = value === null || typeof value !== 'object' ? JSON.stringify(value) : Array.isArray(value) ? 'a list' : 'an object';
    return `id field '${field}' must be a string or a number, got ${got}`;
  }

  async map(record: RecordValue, index: number, source: SourceLocation): Promise<LoaderItem> {
    if (!isRecord(record)) return failure(`row:${index}`, 'record is not an object', source);
    const idProblem = this.idProblem(record);
    if (idProblem !== undefined) return failure(`row:${index}`, idProblem, source);
    const id = String(record[this.field('idField')]);
    const missing = (name: string): LoaderItem => failure(id, `missing or malformed field '${this.field(name)}'${absentFrom(record, this.field(name))}`, source);
    const text = (name: string): string | undefined => {
      const value = record[this.field(name)];
      return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
    };
    const modality = this.field('modality') as Modality;
    const kind = this.field('kind');
    const paths = this.list(record[this.field('mediaField')]);
    // A blank path would resolve to the media root itself, a folder, and fail only at run time.
    if (paths === undefined || paths.length === 0 || paths.some((p) => p.trim() === '')) return missing('mediaField');
    // Caption, retrieval and VQA samples hold one media input; taking the first would silently drop the rest.
    if (paths.length > 1 && kind !== 'instruction') return failure(id, `field '${this.field('mediaField')}' names ${paths.length} files; a ${kind} sample takes one`, source);
    const media: MediaRef[] = [];
    for (const path of paths) {
      const ref = await mediaAt(id, modality, this.mediaRoot, path, source);
      if ('kind' in ref) return ref;
      media.push(ref);
    }
    const first = media[0] as MediaRef;
    if (kind === 'caption' || kind === 'retrieval') {
      const captions = this.list(record[this.field('captionsField')]);
      if (captions === undefined) return missing('captionsField');
      const problem = this.captionProblem(captions, kind);
      if (problem !== undefined) return failure(id, problem, source);
      return kind === 'caption'
        ? { kind: 'caption', id, media: first, references: captions, category: text('categoryField'), source }
        : { kind: 'retrieval', id, media: first, captions, source };
    }
    // An instruction record may have no question: a fixed-instruction task (ESC-50 with
    // describe-audio) asks the same thing of every sample; a template that writes {question}
    // fails such a sample (runners/tasks/instruction.ts). Present but not text is malformed.
    const absent = kind === 'instruction' && !(this.field('questionField') in record);
    const question = absent ? '' : text('questionField');
    if (question === undefined) return missing('questionField');
    const answers = this.list(record[this.field('answersField')]) ?? [];
    if (kind === 'vqa') {
      return { kind: 'vqa', id, imageId: id, media: first, question, answers, answerType: text('answerTypeField') ?? '', questionType: text('questionTypeField') ?? '', source };
    }
    const choicesValue = record[this.field('choicesField')];
    const choices = this.list(choicesValue) ?? [];
    const choicesProblem = this.choicesProblem(choicesValue, choices);
    if (choicesProblem !== undefined) return failure(id, choicesProblem, source);
    let answerIndex = -1;
    if (choices.length > 0) {
      answerIndex = choiceIndex(text('answerIndexField'));
      if (answerIndex < 0 || answerIndex >= choices.length) {
        const given = JSON.stringify(record[this.field('answerIndexField')]) ?? 'nothing';
        return failure(id, `field '${this.field('answerIndexField')}' must be an index into the ${choices.length} choices (0 to ${choices.length - 1}), got ${given}`, source);
      }
    }
    return {
      kind: 'instruction', id, media, question, context: text('contextField') ?? '', choices, answerIndex,
      answers: choices.length > 0 && answers.length === 0 ? [choices[answerIndex] ?? ''] : answers,
      category: text('categoryField') ?? '', source,
    };
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
