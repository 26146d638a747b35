/**
 * The official VQA file pair shared by VQAv2 and OK-VQA: questions
 * (`{questions: [{question_id, image_id, question}]}`) and annotations
 * (`{annotations: [{question_id, answers: [{answer}], answer_type, question_type}]}`), joined on
 * question_id. Images are found from a file name template such as
 * `val2014/COCO_val2014_{image_id:012}.jpg`.
 *
 * A question whose annotation is broken (no answers, an answer that is not `{answer: string}`,
 * a second annotation for the same question) fails with the annotation's pointer: scoring it
 * against no answers, or against one of two answer sets, would be a silently wrong score. A
 * repeated question_id in the questions file is turned into a failure by the registry (ids.ts).
 * An annotation whose question_id no question has fails at its own pointer after the questions:
 * it almost always means the two files are from different splits or versions, and dropping it
 * would hide that every other join may be wrong too.
 */
import { FirstSeen, inexactIdProblem, PaddedIds } from '../ids.js';
import { failure, fillTemplate, isRecord, mediaAt, readJsonDocument } from '../io.js';
import { DatasetError, type LoaderInput } from '../loader.js';
import type { LoaderItem, SampleFailure, SourceLocation, VqaSample } from '../samples.js';

interface Annotation {
  readonly answers: string[];
  readonly answerType: string;
  readonly questionType: string;
}

/** Why an annotation cannot be used, at the JSON pointer of the broken part. */
export interface BrokenAnnotation {
  readonly problem: string;
  readonly at: string;
}

interface Annotations {
  readonly file: string;
  readonly byQuestion: Map<string, Annotation | BrokenAnnotation>;
  /** Entries that name no question, so that no question can report them. */
  readonly unjoinable: SampleFailure[];
  /** Each joinable entry's question_id and index, in file order, to find orphans once questions are read. */
  readonly entries: { readonly id: string; readonly index: number }[];
  readonly padded: PaddedIds;
}

function isQuestionId(value: unknown): value is string | number {
  return (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value));
}

/** The answers of `[{answer}, ...]` at `at` (VQAv2, OK-VQA, VizWiz), or why they cannot be used. */
export function readAnswers(list: unknown, at: string): string[] | BrokenAnnotation {
  if (!Array.isArray(list) || list.length === 0) return { problem: 'expected a non-empty array of answers, each {"answer": "..."}', at };
  const answers: string[] = [];
  for (const [j, entry] of (list as unknown[]).entries()) {
    if (!isRecord(entry) || typeof entry.answer !== 'string') return { problem: `expected {"answer": string}, got ${JSON.stringify(entry) ?? String(entry)}`, at: `${at}/${j}` };
    answers.push(entry.answer);
  }
  return answers;
}

function readAnnotation(annotation: Record<string, unknown>, at: string): Annotation | BrokenAnnotation {
  const answers = readAnswers(annotation.answers, `${at}/answers`);
  if ('problem' in answers) return answers;
  return {
    answers,
    answerType: typeof annotation.answer_type === 'string' ? annotation.answer_type : '',
    questionType: typeof annotation.question_type === 'string' ? annotation.question_type : '',
  };
}

/** The two files given the wrong way round are the likeliest cause when a file holds the other's list. */
function swappedHint(document: unknown, otherList: 'questions' | 'annotations'): string {
  if (!isRecord(document) || !Array.isArray(document[otherList])) return '';
  const [role, otherRole] = otherList === 'questions' ? ['annotations', 'questions'] : ['questions', 'annotations'];
  return `; it holds the "${otherList}" list, so it is the ${otherList} file: the "${role}" and "${otherRole}" files are given the wrong way round (swap them in the suite's dataset.files)`;
}

async function readAnnotations(file: string | undefined): Promise<Annotations | undefined> {
  if (file === undefined) return undefined;
  const document = await readJsonDocument(file);
  if (!isRecord(document) || !Array.isArray(document.annotations)) throw new DatasetError(`${file}: expected an object with an "annotations" list (VQA annotation format)${swappedHint(document, 'questions')}`);
  const byQuestion = new Map<string, Annotation | BrokenAnnotation>();
  const unjoinable: SampleFailure[] = [];
  const firstAt = new FirstSeen<string>();
  const entries: { id: string; index: number }[] = [];
  for (const [index, annotation] of (document.annotations as unknown[]).entries()) {
    const at = `/annotations/${index}`;
    if (!isRecord(annotation) || !isQuestionId(annotation.question_id)) {
      unjoinable.push(failure(`annotation:${index}`, 'annotation has no "question_id" (a number or string), so it answers no question; add the id or remove the entry', { file, at }));
      continue;
    }
    const inexact = inexactIdProblem('question_id', annotation.question_id);
    if (inexact !== undefined) {
      unjoinable.push(failure(`annotation:${index}`, inexact, { file, at }));
      continue;
    }
    const id = String(annotation.question_id);
    entries.push({ id, index });
    const earlier = firstAt.repeatOf(id, at);
    if (earlier !== undefined) {
      byQuestion.set(id, { problem: `question_id ${id} has a second annotation here (the first is ${earlier}); keep one`, at });
      continue;
    }
    byQuestion.set(id, readAnnotation(annotation, at));
  }
  return { file, byQuestion, unjoinable, entries, padded: new PaddedIds(() => byQuestion.keys()) };
}

/** The annotation of question `id`, or the failure that says why it has none. */
function join(annotations: Annotations | undefined, id: string, source: SourceLocation): Annotation | SampleFailure | undefined {
  if (annotations === undefined) return undefined;
  const annotation = annotations.byQuestion.get(id);
  if (annotation === undefined) return failure(id, `question ${id} has no entry in the annotations file ${annotations.file}${annotations.padded.hint(id, 'an annotation')}`, source);
  if ('problem' in annotation) return failure(id, `${annotation.at}: ${annotation.problem} (the annotation of question ${id}); fix the annotation or remove the question`, { file: annotations.file, at: annotation.at });
  return annotation;
}

/** Annotations whose question_id no question in `questionsFile` has (`asked`: every question's id). */
function orphans(annotations: Annotations, asked: ReadonlySet<string>, questionsFile: string): SampleFailure[] {
  const questions = new PaddedIds(() => asked);
  return annotations.entries.flatMap(({ id, index }) => {
    if (asked.has(id)) return [];
    const reason = `annotation for question_id ${id}, which no question in ${questionsFile} has${questions.hint(id, 'a question')}; the questions and annotations files are probably of different splits or versions (e.g. v2_OpenEnded_mscoco_val2014_questions.json goes with v2_mscoco_val2014_annotations.json): pass the matching pair, or remove the entry`;
    return [failure(`annotation:${index}`, reason, { file: annotations.file, at: `/annotations/${index}` })];
  });
}

export async function* loadVqaFormat(input: LoaderInput, imageTemplate: string): AsyncGenerator<LoaderItem> {
  const questionsFile = input.files.questions;
  if (questionsFile === undefined) throw new DatasetError('file role "questions" is required');
  const document = await readJsonDocument(questionsFile);
  if (!isRecord(document) || !Array.isArray(document.questions)) throw new DatasetError(`${questionsFile}: expected an object with a "questions" list (VQA questions format)${swappedHint(document, 'annotations')}`);
  const annotations = await readAnnotations(input.files.annotations);
  const asked = new Set<string>();
  for (const [index, entry] of (document.questions as unknown[]).entries()) {
    const source = { file: questionsFile, at: `/questions/${index}` };
    // A broken question still claims its annotation, so only its own failure is reported.
    if (isRecord(entry) && isQuestionId(entry.question_id)) asked.add(String(entry.question_id));
    if (!isRecord(entry) || !isQuestionId(entry.question_id) || !isQuestionId(entry.image_id) || typeof entry.question !== 'string') {
      yield failure(`row:${index}`, 'question entry needs "question_id", "image_id" and "question"', source);
      continue;
    }
    // A rounded image_id would name another image's file (or none), a rounded question_id another question's answers.
    const inexact = inexactIdProblem('question_id', entry.question_id) ?? inexactIdProblem('image_id', entry.image_id);
    if (inexact !== undefined) {
      yield failure(`row:${index}`, inexact, source);
      continue;
    }
    const id = String(entry.question_id);
    const annotation = join(annotations, id, source);
    if (annotation !== undefined && 'kind' in annotation) {
      yield annotation;
      continue;
    }
    const imageId = String(entry.image_id);
    const media = await mediaAt(id, 'image', input.mediaRoot, fillTemplate(imageTemplate, { image_id: imageId }), source);
    if ('kind' in media) {
      yield media;
      continue;
    }
    yield {
      kind: 'vqa', id, imageId, media, question: entry.question,
      answers: annotation?.answers ?? [], answerType: annotation?.answerType ?? '', questionType: annotation?.questionType ?? '', source,
    } satisfies VqaSample;
  }
  if (annotations === undefined) return;
  yield* annotations.unjoinable;
  yield* orphans(annotations, asked, questionsFile);
}
