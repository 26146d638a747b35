/**
 * The official VQA file pair shared by VQAv2 and OK-VQA: questions
 * (`{questions: [{question_id, image_id, question}]}`) and annotations
 * (`{annotations: [{question_id, answers: [{answer}], answer_type, question_type}]}`), joined on
 * question_id. Images are found from a file name template such as
 * `val2014/COCO_val2014_{image_id:012}.jpg`.
 */
import { failure, fillTemplate, isRecord, mediaOrFailure, mediaPath, readJsonDocument } from '../io.js';
import { DatasetError, type LoaderInput } from '../loader.js';
import type { LoaderItem, VqaSample } from '../samples.js';

interface Annotation {
  readonly answers: string[];
  readonly answerType: string;
  readonly questionType: string;
}

async function readAnnotations(file: string | undefined): Promise<Map<string, Annotation> | undefined> {
  if (file === undefined) return undefined;
  const document = await readJsonDocument(file);
  if (!isRecord(document) || !Array.isArray(document.annotations)) throw new DatasetError(`${file}: expected an object with an "annotations" list (VQA annotation format)`);
  const byQuestion = new Map<string, Annotation>();
  for (const annotation of document.annotations as unknown[]) {
    if (!isRecord(annotation) || annotation.question_id === undefined || !Array.isArray(annotation.answers)) continue;
    const answers = (annotation.answers as unknown[]).map((a) => (isRecord(a) && typeof a.answer === 'string' ? a.answer : undefined));
    if (answers.some((a) => a === undefined)) continue;
    byQuestion.set(String(annotation.question_id), {
      answers: answers as string[],
      answerType: typeof annotation.answer_type === 'string' ? annotation.answer_type : '',
      questionType: typeof annotation.question_type === 'string' ? annotation.question_type : '',
    });
  }
  return byQuestion;
}

export async function* loadVqaFormat(input: LoaderInput, imageTemplate: string): AsyncGenerator<LoaderItem> {
  const questionsFile = input.files.questions;
  if (questionsFile === undefined) throw new DatasetError('file role "questions" is required');
  const document = await readJsonDocument(questionsFile);
  if (!isRecord(document) || !Array.isArray(document.questions)) throw new DatasetError(`${questionsFile}: expected an object with a "questions" list (VQA questions format)`);
  const annotations = await readAnnotations(input.files.annotations);
  for (const [index, entry] of (document.questions as unknown[]).entries()) {
    const source = { file: questionsFile, at: `/questions/${index}` };
    if (!isRecord(entry) || entry.question_id === undefined || entry.image_id === undefined || typeof entry.question !== 'string') {
      yield failure(`row:${index}`, 'question entry needs "question_id", "image_id" and "question"', source);
      continue;
    }
    const id = String(entry.question_id);
    const annotation = annotations?.get(id);
    if (annotations !== undefined && annotation === undefined) {
      yield failure(id, `question ${id} has no entry in the annotations file ${input.files.annotations ?? ''}`, source);
      continue;
    }
    const imageId = String(entry.image_id);
    const media = await mediaOrFailure(id, 'image', mediaPath(input.mediaRoot, fillTemplate(imageTemplate, { image_id: imageId })), source);
    if ('kind' in media) {
      yield media;
      continue;
    }
    yield {
      kind: 'vqa', id, imageId, media, question: entry.question,
      answers: annotation?.answers ?? [], answerType: annotation?.answerType ?? '', questionType: annotation?.questionType ?? '', source,
    } satisfies VqaSample;
  }
}
