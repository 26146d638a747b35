import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { readRun } from '../../../../reports/run-reader.js';
import { buildReportData } from '../../../../reports/report-model.js';
import { buildTables, type Table } from '../../../../reports/tables/build-tables.js';
import { tableToLatex, tablesToLatex } from '../../../../reports/tables/latex.js';
import type { PublishedEntry } from '../../../../reports/published.js';
import { compileTables, hasPdflatex } from './pdflatex.js';

const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const data = buildReportData([readRun(`${runs}baseline`)]);
const published: PublishedEntry[] = [
  { family: 'blip', benchmarks: ['shapes-caption'], metric: 'CIDEr', value: 1.333, asPrinted: '133.3', setting: 'ViT-B, COCO', source: 'BLIP paper' },
  { family: 'blip2', benchmarks: ['shapes-caption'], metric: 'CIDEr', value: 1.458, asPrinted: '145.8', setting: 'ViT-g OPT2.7B', source: 'BLIP-2 paper' },
];

const bracketTable: Table = {
  id: 'brackets', title: '[draft] table',
  columns: [{ label: 'Model', align: 'left' }, { label: 'score', align: 'right' }],
  rows: [[{ text: '[a] model', value: null }, { text: '1.0', value: 1 }], [{ text: '[b] model', value: null }, { text: '2.0', value: 2 }]],
  notes: ['Published: as printed.', '[1] BLIP paper; ViT-B', '[2] BLIP-2 paper; ViT-g'],
};

test('LaTeX: no line break is followed by a [ (read as \\\\[length], "Illegal unit of measure")', () => {
  const tex = tableToLatex(bracketTable);
  assert.not.match(tex, /\\\\\s*\[/);
  assert.match(tex, /\{\[\}1\] BLIP paper/);
  assert.match(tex, /\{\[\}a\] model & 1\.0 \\\\\n\{\[\}b\] model/);
});

if (hasPdflatex) {
  test('LaTeX: tables with numbered published sources compile with pdflatex', () => {
    const tables = buildTables(data, published);
    assert.ok(tables.find((t) => t.id === 'task-shapes-caption')!.notes.some((n) => n.startsWith('[2]')));
    const result = compileTables(tablesToLatex([...tables, bracketTable]));
    assert.ok(result.ok, result.errors);
  });
}

test.run();
