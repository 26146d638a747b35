/**
 * Clotho captions CSV (`file_name,caption_1..caption_5`), one clip per row. A row with
 * an empty caption cell fails, naming the column, rather than being scored on fewer references.
 */
import { failure, mediaAt, readCsvRows } from '../io.js';
import { requiredFile, type DatasetLoader } from '../loader.js';
import type { CaptionSample, LoaderItem } from '../samples.js';

const CAPTION_COLUMN = /^caption_\d+$/;

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
    const captionColumn = { name: 'caption_N', matches: (column: string) => CAPTION_COLUMN.test(column) };
    const spec = { required: ['file_name', captionColumn], header: 'file_name,caption_1,caption_2,caption_3,caption_4,caption_5' };
    for await (const row of readCsvRows(file, ',', spec)) {
      const source = { file, at: String(row.number) };
      const name = row.fields.file_name;
      const columns = Object.keys(row.fields).filter((k) => CAPTION_COLUMN.test(k)).sort();
      const references = columns.map((k) => row.fields[k] ?? '');
      if (row.errors.length > 0 || name === undefined || name === '' || references.length === 0) {
        const empty = row.errors.length === 0 && name === '' ? ["file_name is empty; every row needs the clip's file name"] : [];
        yield failure(name || `row:${row.number}`, `broken row: ${[...row.errors, ...empty].join('; ')}`, source);
        continue;
      }
      // Each clip has a caption in every column; scoring against the others only would hide a cut row.
      const empty = columns.filter((k) => row.fields[k]?.trim() === '');
      if (empty.length > 0) {
        yield failure(name, `${empty.join(', ')} empty; every caption_N column needs this clip's caption: fill it in or remove the row`, source);
        continue;
      }
      const media = await mediaAt(name, 'audio', input.mediaRoot, name, source);
      if ('kind' in media) yield media;
      else yield { kind: 'caption', id: name, media, references, source } satisfies CaptionSample;
    }
  },
};
