/**
 * AudioCaps caption CSV (`audiocap_id,youtube_id,start_time,caption`; test has 5 rows per clip):
 * rows naming the same audio file are merged into one caption sample in file order. The file
 * name comes from a template (default `{youtube_id}.wav`; `{start_time}` and `{audiocap_id}` too),
 * and rows are grouped by the file it gives, not by youtube_id alone: with
 * `{youtube_id}_{start_time}.wav`, two segments of one video are two clips. Ids: the youtube_id
 * when it names one clip in the file (AudioCaps test), else every clip's file name.
 * `audiocap_id` names one caption: a row repeating it fails at its row, naming the first, instead
 * of adding the caption to its clip again (counted twice in CIDEr/BLEU). Two rows with different
 * ids and the same text are kept: annotators do write the same caption.
 */
import { FirstSeen, shortIdsIfUnique } from '../ids.js';
import { failure, fillTemplate, mediaAt, readCsvRows } from '../io.js';
import { optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem, SourceLocation } from '../samples.js';

interface Clip {
  readonly youtubeId: string;
  readonly startTime: string;
  readonly references: string[];
  readonly source: SourceLocation;
}

/**
 * pandas writes a start_time column it read as floats back as '30.0', and the template fills it
 * in as written, so every clip's file is missing: said where a missing clip has such a time.
 */
function floatStartHint(startTime: string, template: string): string {
  if (!/\{start_time[:}]/.test(template) || !/^\d+\.\d*$/.test(startTime)) return '';
  return `; its start_time '${startTime}' is written with a decimal point (pandas writes the column so when it read it as floats), and the template '${template}' puts it in the name as written: write start_time as a whole number ('${String(Math.trunc(Number(startTime)))}')`;
}

export const audiocaps: DatasetLoader = {
  name: 'audiocaps',
  description: 'AudioCaps caption CSV (audiocap_id, youtube_id, start_time, caption); rows of one audio file merged; ids: the youtube_id when it names one file, else every clip\'s file name',
  produces: ['caption'],
  modality: 'audio',
  files: { captions: { required: true, description: 'AudioCaps <split>.csv' } },
  options: { fileTemplate: { type: 'string', description: 'audio file name, relative to mediaRoot', default: '{youtube_id}.wav' } },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, audiocaps, 'captions');
    const template = optionString(input, audiocaps, 'fileTemplate');
    const clips = new Map<string, Clip>();
    // The row each audiocap_id was first read on.
    const captionRows = new FirstSeen<number>();
    // A header without youtube_id or caption stops the load there, naming the cause, instead of failing every row.
    for await (const row of readCsvRows(file, ',', { required: ['youtube_id', 'caption'], header: 'audiocap_id,youtube_id,start_time,caption' })) {
      const source = { file, at: String(row.number) };
      const { youtube_id: youtubeId, caption } = row.fields;
      if (row.errors.length > 0 || youtubeId === undefined || youtubeId === '' || caption === undefined) {
        const empty = row.errors.length === 0 && youtubeId === '' ? ['youtube_id is empty; every row needs the clip\'s youtube_id'] : [];
        yield failure(`row:${row.number}`, `broken row: ${[...row.errors, ...empty].join('; ')}`, source);
        continue;
      }
      const captionId = row.fields.audiocap_id ?? '';
      const first = captionId === '' ? undefined : captionRows.repeatOf(captionId, row.number);
      if (first !== undefined) {
        yield failure(`row:${row.number}`, `audiocap_id ${captionId} appears again: the row on line ${first} already has it (that caption is used); each caption's id appears once, so remove this repeat or give it its own id`, source);
        continue;
      }
      const path = fillTemplate(template, { youtube_id: youtubeId, start_time: row.fields.start_time ?? '', audiocap_id: row.fields.audiocap_id ?? '' });
      const known = clips.get(path);
      if (known !== undefined) known.references.push(caption);
      else clips.set(path, { youtubeId, startTime: row.fields.start_time ?? '', references: [caption], source });
    }
    const idOf = shortIdsIfUnique(clips.keys(), (path) => clips.get(path)?.youtubeId ?? path);
    for (const [path, clip] of clips) {
      const id = idOf(path);
      const media = await mediaAt(id, 'audio', input.mediaRoot, path, clip.source, floatStartHint(clip.startTime, template));
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id, media, references: clip.references, source: clip.source } satisfies CaptionSample;
    }
  },
};
