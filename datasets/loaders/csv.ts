/**
 * Generic CSV / TSV with a header row, parsed whole with papaparse and its rows yielded in order; columns are mapped to
 * samples by name (options), list columns split on `listSeparator`.
 */
import { failure, readCsvRows } from '../io.js';
import { optionString, requiredFile, type DatasetLoader } from '../loader.js';
import type { LoaderItem } from '../samples.js';
import { LIST_SEPARATOR_OPTION, MAPPING_OPTIONS, RecordMapper } from './record-mapping.js';

export const csv: DatasetLoader = {
  name: 'csv',
  description: 'generic CSV/TSV with a header row, one sample per row; the options name the columns',
  produces: ['caption', 'retrieval', 'vqa', 'instruction'],
  modality: 'configurable',
  files: { records: { required: true, description: 'the .csv / .tsv file' } },
  options: { ...MAPPING_OPTIONS, listSeparator: LIST_SEPARATOR_OPTION, delimiter: { type: 'string', description: "column separator: ',', '\\t' (tab), ';' or '|'", values: [',', '\t', ';', '|'], default: ',' } },
  mediaRoot: 'optional',
  async *load(input): AsyncGenerator<LoaderItem> {
    const file = requiredFile(input, csv, 'records');
    const mapper = new RecordMapper(csv, input);
    mapper.separatedLists = true;
    let index = 0;
    // A header without a required column stops the load there, naming the cause, instead of failing every row alike.
    const header = { required: mapper.requiredFields(), delimiterOption: 'delimiter' };
    for await (const row of readCsvRows(file, optionString(input, csv, 'delimiter'), header)) {
      const source = { file, at: String(row.number) };
      if (row.errors.length > 0) yield failure(`row:${row.number}`, `broken row: ${row.errors.join('; ')}`, source);
      else if (mapper.selected(row.fields)) yield await mapper.map(row.fields, index++, source);
    }
  },
};
