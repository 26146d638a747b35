/**
 * Generic JSON Lines: one JSON object per line, mapped to samples by field names (options).
 * Streams line by line; a line that is not JSON becomes a failure with its line number. A byte
 * order mark starting a later line (files joined with `cat`, the later one saved with a BOM) is
 * named: it is invisible, and JSON.parse only calls it an unexpected token.
 */
import { failure, readLines } from '../io.js';
import { requiredFile, type DatasetLoader } from '../loader.js';
import type { LoaderItem } from '../samples.js';
import { MAPPING_OPTIONS, RecordMapper } from './record-mapping.js';

export const jsonl: DatasetLoader = {
  name: 'jsonl',
  description: 'generic JSON Lines, one sample per line; the options name the fields',
  produces: ['caption', 'retrieval', 'vqa', 'instruction'],
  modality: 'configurable',
  files: { records: { required: true, description: 'the .jsonl file' } },
  options: MAPPING_OPTIONS,
  mediaRoot: 'optional',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, jsonl, 'records');
    const mapper = new RecordMapper(jsonl, input);
    let index = 0;
    for await (const { line, number } of readLines(file)) {
      if (line.trim() === '') continue;
      const source = { file, at: String(number) };
      let record: unknown;
      try {
        record = JSON.parse(line) as unknown;
      } catch (error) {
        const reason = line.startsWith('\uFEFF')
          ? 'the line starts with a byte order mark (U+FEFF, invisible in editors): files joined together, the later one saved with a BOM? Delete the mark'
          : `line is not valid JSON: ${(error as Error).message}`;
        yield failure(`row:${number}`, reason, source);
        continue;
      }
      if (mapper.selected(record)) yield await mapper.map(record, index++, source);
    }
  },
};
