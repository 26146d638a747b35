/**
 * Generic CSV / TSV with a header row, parsed whole with papaparse and its rows yielded in order; columns are mapped to
 * samples by name (options), list columns split on `listSeparator`.
 */
import { failure, readCsvRows, type CsvHeaderSpec } from '../io.js';
import { optionString, requiredFile, type DatasetLoader, type LoaderInput } from '../loader.js';
import type { LoaderItem } from '../samples.js';
import { LIST_SEPARATOR_OPTION, MAPPING_OPTIONS, RecordMapper } from './record-mapping.js';

/**
 * The columns every row of the task's kind needs (the id, the media, the captions or the VQA
 * question, the filter's field), named by the options: a header without one stops the load there,
 * naming the cause, instead of failing every row alike.
 */
function headerSpec(input: LoaderInput): CsvHeaderSpec {
  const kind = optionString(input, csv, 'kind');
  const options = ['idField', 'mediaField'];
  if (kind === 'caption' || kind === 'retrieval') options.push('captionsField');
  if (kind === 'vqa') options.push('questionField');
  if (optionString(input, csv, 'filterField') !== '') options.push('filterField');
  const columns = new Map<string, string>();
  for (const option of options) if (!columns.has(optionString(input, csv, option))) columns.set(optionString(input, csv, option), option);
  return { required: [...columns].map(([name, option]) => ({ name, option })), delimiterOption: 'delimiter' };
}

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
    for await (const row of readCsvRows(file, optionString(input, csv, 'delimiter'), headerSpec(input))) {
      const source = { file, at: String(row.number) };
      if (row.errors.length > 0) yield failure(`row:${row.number}`, `broken row: ${row.errors.join('; ')}`, source);
      else if (mapper.selected(row.fields)) yield await mapper.map(row.fields, index++, source);
    }
  },
};
