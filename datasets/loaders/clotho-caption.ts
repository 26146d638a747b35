/** Clotho captions CSV (`file_name,caption_1..caption_5`), one clip per row, streamed. */
import { failure, mediaOrFailure, mediaPath, readCsvRows } from '../io.js';
import { requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem } from '../samples.js';

export const clothoCaption: DatasetLoader = {
  name: 'clotho-caption',
  description: 'Clotho captions CSV (file_name, caption_1..caption_5)',
  produces: ['caption'],
  modality: 'audio',
  files: { captions: { required: true, description: 'clotho_captions_<split>.csv' } },
  options: {},
  mediaRoot: 'required',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, clothoCaption, 'captions');
    for await (const row of readCsvRows(file, ',')) {
      const source = { file, at: String(row.number) };
      const name = row.fields.file_name;
      const references = Object.keys(row.fields).filter((k) => /^caption_\d+$/.test(k)).sort().map((k) => row.fields[k] ?? '').filter((c) => c !== '');
      if (row.errors.length > 0 || name === undefined || name === '' || references.length === 0) {
        yield failure(name || `row:${row.number}`, `broken row: ${[...row.errors, 'needs file_name and caption_N columns'].join('; ')}`, source);
        continue;
      }
      const media = await mediaOrFailure(name, 'audio', mediaPath(input.mediaRoot, name), source);
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id: name, media, references, source } satisfies CaptionSample;
    }
  },
};
