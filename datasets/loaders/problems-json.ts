/**
 * The `problems.json` + `pid_splits.json` layout shared by ScienceQA and IconQA: an object keyed
 * by problem id (`{question, choices, answer, split, ...}`) and the ids of each split. Problems
 * are yielded in the split's id order.
 */
import { isRecord, isStringArray, readJsonDocument } from '../io.js';
import { DatasetError } from '../loader.js';

export interface Problem {
  readonly pid: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly at: string;
}

export async function* readProblems(problemsFile: string, splitsFile: string | undefined, split: string): AsyncGenerator<Problem | { readonly pid: string; readonly missing: true }> {
  const problems = await readJsonDocument(problemsFile);
  if (!isRecord(problems)) throw new DatasetError(`${problemsFile}: expected an object keyed by problem id (problems.json)`);
  let ids: string[];
  if (splitsFile !== undefined) {
    const splits = await readJsonDocument(splitsFile);
    const list = isRecord(splits) ? splits[split] : undefined;
    if (!isStringArray(list)) throw new DatasetError(`${splitsFile}: no list of problem ids for split '${split}'; splits: ${isRecord(splits) ? Object.keys(splits).join(', ') : '(not an object)'}`);
    ids = list;
  } else {
    ids = Object.keys(problems).filter((pid) => isRecord(problems[pid]) && (problems[pid] as Record<string, unknown>).split === split);
  }
  for (const pid of ids) {
    const fields = problems[pid];
    if (isRecord(fields)) yield { pid, fields, at: `/${pid}` };
    else yield { pid, missing: true };
  }
}
