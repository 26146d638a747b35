/**
 * The `problems.json` + `pid_splits.json` layout shared by ScienceQA and IconQA: an object keyed
 * by problem id (`{question, choices, answer, split, ...}`) and the ids of each split. Problems
 * are yielded in the split's id order. A problem id the object repeats fails at the repeat
 * (after the problem it repeats): JSON.parse would keep only the last, and which of two
 * differing problems was meant cannot be told.
 */
import { isRecord, isStringArray, readJsonDocument } from '../io.js';
import { readJsonObjectMembers } from '../json-members.js';
import { DatasetError } from '../loader.js';

export interface Problem {
  readonly pid: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly at: string;
}

/** A problem that cannot be used, with the id its failure is recorded under. */
export interface ProblemFailure {
  readonly pid: string;
  readonly failure: string;
  /** The key's pointer; a repeat shares it with the first, so the reason says which occurrence. */
  readonly at: string;
}

/** The splits every problem's own `"split"` field names, and the folders its media lie under. */
const FIELD_SPLITS: readonly string[] = ['train', 'val', 'test'];

/** The split each `pid_splits.json`-only split is drawn from (its media folder). */
const SUBSET_OF: Readonly<Record<string, string>> = { minitrain: 'train', minival: 'val', minitest: 'test' };

/**
 * The media folder of a problem (`train`, `val` or `test`): its own `"split"` field when it has
 * one, since a split such as `minitest` or `trainval` is only a list of ids in pid_splits.json and
 * has no folder of its own; otherwise the folder the evaluated split is drawn from.
 */
export function mediaSplit(fields: Readonly<Record<string, unknown>>, split: string): string {
  if (typeof fields.split === 'string' && fields.split !== '') return fields.split;
  return SUBSET_OF[split] ?? split;
}

/**
 * The problems of `split`, in order. With a splits file, its ids are the list under the first of
 * `keys` (default: the split's name) the file has; without one, the problems whose `"split"`
 * field is `split` (train, val or test only: the other splits exist only in pid_splits.json).
 */
export async function* readProblems(problemsFile: string, splitsFile: string | undefined, split: string, keys: readonly string[] = [split]): AsyncGenerator<Problem | ProblemFailure> {
  // Before the large problems.json is read: the refusal needs neither file.
  if (splitsFile === undefined && !FIELD_SPLITS.includes(split)) {
    throw new DatasetError(`${problemsFile}: split '${split}' is defined only by pid_splits.json (a problem's "split" field is ${FIELD_SPLITS.join(', ')}): give the splits file`);
  }
  // File order (not JSON.parse's numeric order of keys like "123"), so that --limit and --shard
  // without a splits file take the file's first problems.
  const members = await readJsonObjectMembers(problemsFile, 'an object keyed by problem id (problems.json)');
  const problems = new Map<string, unknown>();
  const repeats = new Map<string, number>();
  for (const m of members) {
    if (m.occurrence === 1) problems.set(m.key, m.value);
    else repeats.set(m.key, m.occurrence);
  }
  let ids: string[];
  if (splitsFile !== undefined) {
    const splits = await readJsonDocument(splitsFile);
    const key = isRecord(splits) ? keys.find((k) => Object.hasOwn(splits, k)) : undefined;
    const list = isRecord(splits) && key !== undefined ? splits[key] : undefined;
    if (!isStringArray(list)) {
      const tried = keys.map((k) => `'${k}'`).join(' or ');
      const problem = key === undefined ? `no key ${tried}` : `'${key}' is not a list of problem ids (strings)`;
      throw new DatasetError(`${splitsFile}: no list of problem ids for split '${split}': ${problem}; the file's keys: ${isRecord(splits) ? Object.keys(splits).join(', ') || '(none)' : '(not an object)'}`);
    }
    ids = list;
  } else {
    ids = [...problems].filter(([, fields]) => isRecord(fields) && fields.split === split).map(([pid]) => pid);
  }
  for (const pid of ids) {
    const fields = problems.get(pid);
    if (isRecord(fields)) yield { pid, fields, at: `/${pid}` };
    else yield { pid, failure: `problem ${pid} is listed in the splits file but not in problems.json`, at: `/${pid}` };
    for (let n = 2; n <= (repeats.get(pid) ?? 0); n += 1) {
      yield { pid: `${pid}#${n}`, failure: `problem id "${pid}" appears again in problems.json (occurrence ${n} of this key); the first one is used: remove or renumber the repeat`, at: `/${pid}` };
    }
  }
}

export interface ChoiceFields {
  readonly question: string;
  readonly choices: string[];
  readonly answer: number;
}

/** The multiple-choice fields of a problem, or the reason it cannot be used. */
export function choiceFields(fields: Readonly<Record<string, unknown>>): ChoiceFields | string {
  const { question, choices, answer } = fields;
  if (typeof question !== 'string' || !isStringArray(choices) || typeof answer !== 'number' || answer < 0 || answer >= choices.length) {
    return 'problem needs "question", "choices" (strings) and "answer" (an index into choices)';
  }
  return { question, choices, answer };
}
