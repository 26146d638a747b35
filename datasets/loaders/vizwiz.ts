/**
 * VizWiz VQA annotation JSON (val.json): a list of `{image, question, answers: [{answer,
 * answer_confidence}] x10, answer_type, answerable}`. Scored with VQA accuracy.
 */
import { basename, extname } from 'node:path';
import { failure, isRecord, mediaOrFailure, mediaPath, readJsonDocument } from '../io.js';
import { DatasetError, requiredFile, type DatasetLoader } from '../loader.js';
import type { LoaderItem, VqaSample } from '../samples.js';

export const vizwiz: DatasetLoader = {
  name: 'vizwiz',
  description: 'VizWiz VQA annotation JSON (list of {image, question, answers, answer_type})',
  produces: ['vqa'],
  modality: 'image',
  files: { annotations: { required: true, description: 'VizWiz <split>.json' } },
  options: {},
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, vizwiz, 'annotations');
    const document = await readJsonDocument(file);
    if (!Array.isArray(document)) throw new DatasetError(`${file}: expected a JSON list of {image, question, answers} (VizWiz format)`);
    for (const [index, entry] of (document as unknown[]).entries()) {
      const source = { file, at: `/${index}` };
      if (!isRecord(entry) || typeof entry.image !== 'string' || typeof entry.question !== 'string') {
        yield failure(`row:${index}`, 'entry needs "image" and "question" strings', source);
        continue;
      }
      const id = basename(entry.image, extname(entry.image));
      const media = await mediaOrFailure(id, 'image', mediaPath(input.mediaRoot, entry.image), source);
      if ('kind' in media) {
        yield media;
        continue;
      }
      const answers = Array.isArray(entry.answers) ? (entry.answers as unknown[]).flatMap((a) => (isRecord(a) && typeof a.answer === 'string' ? [a.answer] : [])) : [];
      yield {
        kind: 'vqa', id, imageId: id, media, question: entry.question, answers,
        answerType: typeof entry.answer_type === 'string' ? entry.answer_type : '', questionType: '', source,
      } satisfies VqaSample;
    }
  },
};
