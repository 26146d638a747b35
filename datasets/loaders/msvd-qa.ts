/**
 * MSVD-QA (`test_qa.json`: `[{answer, id, question, video_id}]`) with the optional
 * `youtube_mapping.txt` (`<clip name> vid<N>` per line) that turns video_id N into the clip's
 * file name. Open-ended, one answer, scored by exact match; category = question word
 * (what, who, how, when, where), as MSVD-QA results are broken down.
 */
import { failure, fillTemplate, isRecord, mediaOrFailure, mediaPath, readJsonDocument, readLines } from '../io.js';
import { DatasetError, optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { InstructionSample, LoaderItem } from '../samples.js';

async function readMapping(file: string | undefined): Promise<Map<string, string>> {
  const mapping = new Map<string, string>();
  if (file === undefined) return mapping;
  for await (const { line } of readLines(file)) {
    const [clip, vid] = line.trim().split(/\s+/);
    if (clip !== undefined && vid !== undefined) mapping.set(vid.replace(/^vid/, ''), clip);
  }
  return mapping;
}

export const msvdQa: DatasetLoader = {
  name: 'msvd-qa',
  description: 'MSVD-QA question JSON (+ youtube_mapping.txt); open-ended video QA',
  produces: ['instruction'],
  modality: 'video',
  files: {
    questions: { required: true, description: '<split>_qa.json (list of {answer, id, question, video_id})' },
    mapping: { required: false, description: 'youtube_mapping.txt (clip name -> vid<N>)' },
  },
  options: { fileTemplate: { type: 'string', description: 'video file or frame folder from {video} (mapped clip name, else vid<N>), relative to mediaRoot', default: '{video}.avi' } },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, msvdQa, 'questions');
    const document = await readJsonDocument(file);
    if (!Array.isArray(document)) throw new DatasetError(`${file}: expected a JSON list of {answer, id, question, video_id} (MSVD-QA format)`);
    const mapping = await readMapping(input.files.mapping);
    const template = optionString(input, msvdQa, 'fileTemplate');
    for (const [index, entry] of (document as unknown[]).entries()) {
      const source = { file, at: `/${index}` };
      if (!isRecord(entry) || entry.id === undefined || typeof entry.question !== 'string' || typeof entry.answer !== 'string' || entry.video_id === undefined) {
        yield failure(`row:${index}`, 'entry needs "id", "question", "answer" and "video_id"', source);
        continue;
      }
      const id = String(entry.id);
      const videoId = String(entry.video_id);
      const video = mapping.get(videoId) ?? `vid${videoId}`;
      const media = await mediaOrFailure(id, 'video', mediaPath(input.mediaRoot, fillTemplate(template, { video, video_id: videoId })), source);
      if ('kind' in media) {
        yield media;
        continue;
      }
      yield {
        kind: 'instruction', id, media: [media], question: entry.question, context: '', choices: [], answerIndex: -1,
        answers: [entry.answer], category: entry.question.trim().split(/\s+/)[0]?.toLowerCase() ?? '', source,
      } satisfies InstructionSample;
    }
  },
};
