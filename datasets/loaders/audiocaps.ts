/**
 * AudioCaps caption CSV (`audiocap_id,youtube_id,start_time,caption`; test has 5 rows per clip):
 * rows of the same clip are merged into one caption sample in file order. The audio file name
 * comes from a template (default `{youtube_id}.wav`; `{start_time}` and `{audiocap_id}` too).
 */
import { failure, fillTemplate, mediaOrFailure, mediaPath, readCsvRows } from '../io.js';
import { optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem, SourceLocation } from '../samples.js';

interface Clip {
  readonly id: string;
  readonly path: string;
  readonly references: string[];
  readonly source: SourceLocation;
}

export const audiocaps: DatasetLoader = {
  name: 'audiocaps',
  description: 'AudioCaps caption CSV (audiocap_id, youtube_id, start_time, caption); rows of one clip merged',
  produces: ['caption'],
  modality: 'audio',
  files: { captions: { required: true, description: 'AudioCaps <split>.csv' } },
  options: { fileTemplate: { type: 'string', description: 'audio file name, relative to mediaRoot', default: '{youtube_id}.wav' } },
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, audiocaps, 'captions');
    const template = optionString(input, audiocaps, 'fileTemplate');
    const clips = new Map<string, Clip>();
    for await (const row of readCsvRows(file, ',')) {
      const source = { file, at: String(row.number) };
      const { youtube_id: youtubeId, caption } = row.fields;
      if (row.errors.length > 0 || youtubeId === undefined || youtubeId === '' || caption === undefined) {
        yield failure(`row:${row.number}`, `broken row: ${[...row.errors, 'needs youtube_id and caption'].join('; ')}`, source);
        continue;
      }
      const known = clips.get(youtubeId);
      if (known !== undefined) known.references.push(caption);
      else clips.set(youtubeId, { id: youtubeId, path: fillTemplate(template, { youtube_id: youtubeId, start_time: row.fields.start_time ?? '', audiocap_id: row.fields.audiocap_id ?? '' }), references: [caption], source });
    }
    for (const clip of clips.values()) {
      const media = await mediaOrFailure(clip.id, 'audio', mediaPath(input.mediaRoot, clip.path), clip.source);
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id: clip.id, media, references: clip.references, source: clip.source } satisfies CaptionSample;
    }
  },
};
