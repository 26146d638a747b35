/**
 * GQA questions JSON (testdev_balanced_questions.json): an object keyed by question id,
 * `{imageId, question, answer, types: {structural, semantic, detailed}}`. Scored by exact match
 * against the single answer; the structural type is the answer-type breakdown, the detailed
 * type the question-type breakdown. Questions come in the file's order (json-members.ts), so
 * `--limit N` takes the file's first N; a question id the object repeats fails at the repeat.
 */
import { failure, isRecord, mediaAt } from '../io.js';
import { readJsonObjectMembers } from '../json-members.js';
import { requiredFile, type DatasetLoader } from '../loader.js';
import type { LoaderItem, VqaSample } from '../samples.js';

export const gqa: DatasetLoader = {
  name: 'gqa',
  description: 'GQA questions JSON (object keyed by question id, read in file order), e.g. testdev_balanced_questions.json; images <imageId>.jpg',
  produces: ['vqa'],
  modality: 'image',
  files: { questions: { required: true, description: 'GQA <split>_questions.json' } },
  options: {},
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, gqa, 'questions');
    for (const { key: id, value: entry, occurrence } of await readJsonObjectMembers(file, 'an object keyed by question id (GQA format)')) {
      const source = { file, at: `/${id}` };
      if (occurrence > 1) {
        // JSON.parse would silently keep only the last of these; the first one stands.
        yield failure(`${id}#${occurrence}`, `question id "${id}" appears again (occurrence ${occurrence} of this key in the object); remove or renumber the repeat`, source);
        continue;
      }
      // The challenge test split has no "answer"; present, it must be a string.
      if (!isRecord(entry) || typeof entry.imageId !== 'string' || typeof entry.question !== 'string' || (entry.answer !== undefined && typeof entry.answer !== 'string')) {
        yield failure(id, 'question needs "imageId" and "question" strings, and "answer" (when present) a string', source);
        continue;
      }
      const media = await mediaAt(id, 'image', input.mediaRoot, `${entry.imageId}.jpg`, source);
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
