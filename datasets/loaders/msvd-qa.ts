/**
 * MSVD-QA (`test_qa.json`: `[{answer, id, question, video_id}]`) with the optional
 * `youtube_mapping.txt` (`<clip name> vid<N>` per line) that turns video_id N into the clip's
 * file name. Open-ended, one answer, scored by exact match; category = question word
 * (what, who, how, when, where), as MSVD-QA results are broken down.
 * A video id the mapping gives two different clips fails the questions on that video (or, when
 * none asks about it, at the mapping line), naming both lines: keeping either would run the
 * questions on a clip the file does not agree on.
 */
import { inexactIdProblem } from '../ids.js';
import { failure, fillTemplate, isRecord, mediaAt, readJsonDocument, readLines } from '../io.js';
import { DatasetError, optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { InstructionSample, LoaderItem } from '../samples.js';

/** One clip name per video id from the mapping file, and per id mapped to two clips the reason. */
interface Mapping {
  readonly clips: Map<string, { readonly clip: string; readonly line: number }>;
  readonly conflicts: Map<string, { readonly reason: string; readonly line: number }>;
  /** Lines that are not `<clip name> vid<N>`: they map nothing, and skipping them would hide it. */
  readonly broken: { readonly reason: string; readonly line: number }[];
}

async function readMapping(file: string | undefined): Promise<Mapping> {
  const mapping: Mapping = { clips: new Map(), conflicts: new Map(), broken: [] };
  if (file === undefined) return mapping;
  for await (const { line, number } of readLines(file)) {
    if (line.trim() === '') continue;
    const [clip, vid, ...rest] = line.trim().split(/\s+/);
    if (clip === undefined || vid === undefined || rest.length > 0 || !/^vid\d+$/.test(vid)) {
      mapping.broken.push({ reason: `${file} line ${number}: expected '<clip name> vid<N>', got '${line.trim()}'; fix or remove the line`, line: number });
      continue;
    }
    const videoId = vid.replace(/^vid/, '');
    const known = mapping.clips.get(videoId);
    if (known === undefined) mapping.clips.set(videoId, { clip, line: number });
    // The same line again maps the video to the same clip: nothing is merged or lost, so it is accepted.
    else if (known.clip !== clip && !mapping.conflicts.has(videoId)) {
      const reason = `${file} maps ${vid} to ${known.clip} on line ${known.line} and to ${clip} on line ${number}; a video id names one clip, so remove the wrong line`;
      mapping.conflicts.set(videoId, { reason, line: number });
    }
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
    const asked = new Set<string>();
    for (const { reason, line } of mapping.broken) yield failure(`mapping:${line}`, reason, { file: input.files.mapping ?? '', at: String(line) });
    for (const [index, entry] of (document as unknown[]).entries()) {
      const source = { file, at: `/${index}` };
      if (!isRecord(entry) || entry.id === undefined || typeof entry.question !== 'string' || typeof entry.answer !== 'string' || entry.video_id === undefined) {
        yield failure(`row:${index}`, 'entry needs "id", "question", "answer" and "video_id"', source);
        continue;
      }
      const id = String(entry.id);
      const videoId = String(entry.video_id);
      const inexact = inexactIdProblem('id', entry.id) ?? inexactIdProblem('video_id', entry.video_id);
      if (inexact !== undefined) {
        yield failure(`row:${index}`, inexact, source);
        continue;
      }
      asked.add(videoId);
      const conflict = mapping.conflicts.get(videoId);
      if (conflict !== undefined) {
        yield failure(id, conflict.reason, source);
        continue;
      }
      const video = mapping.clips.get(videoId)?.clip ?? `vid${videoId}`;
      const media = await mediaAt(id, 'video', input.mediaRoot, fillTemplate(template, { video, video_id: videoId }), source);
      if ('kind' in media) {
        yield media;
        continue;
      }
      yield {
        kind: 'instruction', id, media: [media], question: entry.question, context: '', choices: [], answerIndex: -1,
        answers: [entry.answer], category: entry.question.trim().split(/\s+/)[0]?.toLowerCase() ?? '', source,
      } satisfies InstructionSample;
    }
    // A conflict no question runs into still says the mapping file is wrong.
    for (const [videoId, conflict] of mapping.conflicts) {
      if (!asked.has(videoId)) yield failure(`mapping:${conflict.line}`, conflict.reason, { file: input.files.mapping ?? '', at: String(conflict.line) });
    }
  },
};
