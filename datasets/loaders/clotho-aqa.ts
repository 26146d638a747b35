/**
 * Clotho-AQA CSV (`file_name,QuestionText,answer,confidence`): each question was answered by
 * several annotators on consecutive rows; rows with the same clip and question become one
 * open-ended sample with all answers. Questions are compared with whitespace at their ends cut
 * and inner runs of it made one space, so a stray space an editor left on one annotator's row
 * does not split a question into two scored with one answer each (LAVIS's ClothoQADataset takes
 * every three rows as one question without comparing the texts at all); the first row's text,
 * trimmed, is the question. Category: yes/no when every answer is yes or no after the
 * normalisation VQA accuracy applies to them (see `yesOrNo`), else other.
 * A clip and question that come back after other rows fail at the repeat (the whole repeated block,
 * once), naming the first: that is a duplicated block (or a second question with the same text), and merging it would score
 * the question against answers it never had.
 */
import { failure, mediaAt, readCsvRows } from '../io.js';
import { optionBoolean, requiredFile, type DatasetLoader } from '../loader.js';
import type { InstructionSample, LoaderItem, SourceLocation } from '../samples.js';

/**
 * Whether an answer reads as yes or no once normalised as the VQA evaluation normalises it
 * (reports/metrics/vqa-normalize.ts, which this leaf may not import): lower case, whitespace and
 * the official punctuation marks (and '.') removed at either end, so 'Yes', 'yes ' and 'yes.'
 * are yes, as they are when scored.
 */
function yesOrNo(answer: string): boolean {
  const bare = answer.toLowerCase().replace(/^[\s;/[\]"{}()=+\\_\-><@`,?!.]+|[\s;/[\]"{}()=+\\_\-><@`,?!.]+$/g, '');
  return bare === 'yes' || bare === 'no';
}

/** The text two annotator rows must share to be one question. */
function questionKey(question: string): string {
  return question.trim().replace(/\s+/g, ' ');
}

/**
 * LAVIS's ClothoQADataset filters, as X-InstructBLIP's evaluation sets them (unanimous,
 * non_bin): every answer the same text as the first; no answer exactly 'yes' or 'no'. Raw
 * strings, as LAVIS compares them. Ids keep counting the questions left out, so a sample has
 * one id with the filters or without.
 */
function lavisFilter(unanimous: boolean, nonBinary: boolean): (answers: readonly string[]) => boolean {
  return (answers) => (!unanimous || answers.every((a) => a === answers[0])) && (!nonBinary || !answers.some((a) => a === 'yes' || a === 'no'));
}

interface Question {
  readonly file: string;
  readonly question: string;
  readonly answers: string[];
  readonly source: SourceLocation;
  readonly index: number;
}

export const clothoAqa: DatasetLoader = {
  name: 'clotho-aqa',
  description: 'Clotho-AQA CSV (file_name, QuestionText, answer, confidence); annotator rows merged per question',
  produces: ['instruction'],
  modality: 'audio',
  files: { questions: { required: true, description: 'clotho_aqa_<split>.csv' } },
  options: {
    unanimous: { type: 'boolean', description: "only questions every annotator answered alike (LAVIS's unanimous, set by X-InstructBLIP's Clotho-AQA evaluation)", default: false },
    nonBinary: { type: 'boolean', description: "leave out questions with a 'yes' or 'no' answer (LAVIS's non_bin, set by X-InstructBLIP's Clotho-AQA evaluation)", default: false },
  },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, clothoAqa, 'questions');
    const questions = new Map<string, Question>();
    const perClip = new Map<string, number>();
    let previous = '';
    // A block that repeats an earlier question fails as one, whatever its length: its rows must
    // not join the first block's answers, nor each fail on their own.
    let repeat: { readonly first: Question; readonly start: SourceLocation; end: number } | null = null;
    const repeatFailure = (r: NonNullable<typeof repeat>): LoaderItem => {
      const rows = r.end === Number(r.start.at) ? `the row on line ${r.start.at}` : `the rows on lines ${r.start.at}-${r.end}`;
      return failure(`row:${r.start.at}`, `${r.first.file} "${r.first.question}" was answered on the rows from line ${r.first.source.at} and comes back on ${rows} after other rows; each question's answers are consecutive rows, so remove this repeat or move it up to them`, r.start);
    };
    const columns = { required: ['file_name', 'QuestionText', 'answer'], header: 'file_name,QuestionText,answer,confidence' };
    for await (const row of readCsvRows(file, ',', columns)) {
      const source = { file, at: String(row.number) };
      const { file_name: clip, QuestionText: question, answer } = row.fields;
      if (row.errors.length > 0 || !clip || !question?.trim() || answer === undefined) {
        const empty = row.errors.length > 0 ? [] : [`${!clip ? 'file_name' : 'QuestionText'} is empty; every row needs file_name, QuestionText and answer`];
        yield failure(`row:${row.number}`, `broken row: ${[...row.errors, ...empty].join('; ')}`, source);
        continue;
      }
      const key = `${clip}\u0000${questionKey(question)}`;
      const consecutive = key === previous;
      previous = key;
      if (repeat !== null && consecutive) {
        repeat.end = row.number;
        continue;
      }
      if (repeat !== null) yield repeatFailure(repeat);
      repeat = null;
      const known = questions.get(key);
      if (known !== undefined && consecutive) {
        known.answers.push(answer);
        continue;
      }
      if (known !== undefined) {
        repeat = { first: known, start: source, end: row.number };
        continue;
      }
      const index = perClip.get(clip) ?? 0;
      perClip.set(clip, index + 1);
      questions.set(key, { file: clip, question: question.trim(), answers: [answer], source, index });
    }
    if (repeat !== null) yield repeatFailure(repeat);
    const kept = lavisFilter(optionBoolean(input, clothoAqa, 'unanimous'), optionBoolean(input, clothoAqa, 'nonBinary'));
    for (const q of questions.values()) {
      if (!kept(q.answers)) continue;
      const id = `${q.file}#${q.index}`;
      const media = await mediaAt(id, 'audio', input.mediaRoot, q.file, q.source);
      if ('kind' in media) {
        yield media;
        continue;
      }
      const yesNo = q.answers.every(yesOrNo);
      yield {
        kind: 'instruction', id, media: [media], question: q.question, context: '', choices: [], answerIndex: -1,
        answers: q.answers, category: yesNo ? 'yes/no' : 'other', source: q.source,
      } satisfies InstructionSample;
    }
  },
};
