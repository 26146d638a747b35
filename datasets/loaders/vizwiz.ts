/**
 * VizWiz VQA annotation JSON (val.json): a list of `{image, question, answers: [{answer,
 * answer_confidence}] x10, answer_type, answerable}`. Scored with VQA accuracy. The test split
 * has no `answers`; an entry whose `answers` is present but empty or holds a non-answer fails
 * (scoring it against fewer or no answers would be silently wrong).
 */
import { basename, extname } from 'node:path';
import { failure, isRecord, mediaAt, readJsonDocument } from '../io.js';
import { DatasetError, requiredFile, type DatasetLoader } from '../loader.js';
import type { LoaderItem, VqaSample } from '../samples.js';
import { readAnswers } from './vqa-format.js';

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
      // The test split has no answers at all; present but empty or broken is an error.
      const answers = 'answers' in entry ? readAnswers(entry.answers, `${source.at}/answers`) : [];
      if ('problem' in answers) {
        yield failure(id, `${answers.at}: ${answers.problem}; fix the entry or remove it`, { file, at: answers.at });
        continue;
      }
      const media = await mediaAt(id, 'image', input.mediaRoot, entry.image, source);
      if ('kind' in media) {
        yield media;
        continue;
      }
      yield {
        kind: 'vqa', id, imageId: id, media, question: entry.question, answers,
        answerType: typeof entry.answer_type === 'string' ? entry.answer_type : '', questionType: '', source,
      } satisfies VqaSample;
    }
  },
};
