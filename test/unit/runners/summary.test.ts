/** The terminal table rounds each metric as the report does, and shows throughput when it is known. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RUN_FORMAT_VERSION, type ScoresFile, type TimingsFile } from '../../../reports/records.js';
import { scoresTable } from '../../../runners/run/summary.js';

const scores: ScoresFile = {
  formatVersion: RUN_FORMAT_VERSION, notApplicable: [],
  results: [{ model: 'm', task: 'vqa', kind: 'vqa', metrics: { vqa_accuracy: 9.375, CIDEr: 1.67349 }, breakdowns: {}, counts: { requested: 8, scored: 8, failed: 0 } }],
} as unknown as ScoresFile;

test('percentages with 2 decimals and caption fractions with 3, as in the report', () => {
  const table = scoresTable(scores);
  assert.ok(table.includes('vqa_accuracy 9.38, CIDEr 1.673'), table);
  assert.ok(table.trimEnd().endsWith('-'), 'no timings: no throughput');
});

test('throughput from timings.json', () => {
  const timings = { formatVersion: RUN_FORMAT_VERSION, results: [{ model: 'm', task: 'vqa', samplesPerSecond: 12.34 }] } as unknown as TimingsFile;
  assert.ok(scoresTable(scores, timings).includes('12.3'));
});

test.run();
