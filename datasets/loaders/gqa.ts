/**
 * GQA questions JSON (testdev_balanced_questions.json): an object keyed by question id,
 * `{imageId, question, answer, types: {structural, semantic, detailed}}`. Scored by exact match
 * against the single answer; the structural type is the answer-type breakdown, the detailed
 * type the question-type breakdown.
 */
import { failure, isRecord, mediaOrFailure, mediaPath, readJsonDocument } from '../io.js';
import { DatasetError, requiredFile, type DatasetLoader } from '../loader.js';
import type { LoaderItem, VqaSample } from '../samples.js';

export const gqa: DatasetLoader = {
  name: 'gqa',
  description: 'GQA questions JSON (object keyed by question id), e.g. testdev_balanced_questions.json; images <imageId>.jpg',
  produces: ['vqa'],
  modality: 'image',
  files: { questions: { required: true, description: 'GQA <split>_questions.json' } },
  options: {},
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, gqa, 'questions');
    const document = await readJsonDocument(file);
    if (!isRecord(document)) throw new DatasetError(`${file}: expected an object keyed by question id (GQA format)`);
    for (const [id, entry] of Object.entries(document)) {
      const source = { file, at: `/${id}` };
      if (!isRecord(entry) || typeof entry.imageId !== 'string' || typeof entry.question !== 'string') {
        yield failure(id, 'question needs "imageId" and "question" strings', source);
        continue;
      }
      const media = await mediaOrFailure(id, 'image', mediaPath(input.mediaRoot, `${entry.imageId}.jpg`), source);
      if ('kind' in media) {
        yield media;
        continue;
      }
      const types = isRecord(entry.types) ? entry.types : {};
      yield {
        kind: 'vqa', id, imageId: entry.imageId, media, question: entry.question,
        answers: typeof entry.answer === 'string' ? [entry.answer] : [],
        answerType: typeof types.structural === 'string' ? types.structural : '',
        questionType: typeof types.detailed === 'string' ? types.detailed : '',
        source,
      } satisfies VqaSample;
    }
  },
};
