import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { readRun } from '../../../../reports/run-reader.js';
import { buildReportData } from '../../../../reports/report-model.js';
import { buildTables, type Table } from '../../../../reports/tables/build-tables.js';
import { tableToLatex, tablesToLatex } from '../../../../reports/tables/latex.js';
import type { PublishedEntry } from '../../../../reports/published.js';
import { latexCharIssues, latexCharWarning } from '../../../../reports/tables/latex-unicode.js';
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

const oneCell = (variant: string): Table => ({
  id: 'odd', title: 'odd names',
  columns: [{ label: 'Model', align: 'left' }, { label: 'Variant', align: 'left' }],
  rows: [[{ text: 'm', value: null }, { text: variant, value: null }]],
  notes: [],
});
const asciiOdd = oneCell('a|b "q" <s> `g` x--y ---z \'\'w\'\' naïve');

test('LaTeX: | " ` and ligatures are escaped to their ASCII glyphs (OT1 prints | as a dash, " as a quote)', () => {
  const tex = tableToLatex(asciiOdd);
  assert.match(tex, /a\\textbar\{\}b \\texttt\{\\char34\}q\\texttt\{\\char34\} \\textless\{\}s\\textgreater\{\} \\textasciigrave\{\}g\\textasciigrave\{\} x-\{\}-y -\{\}-\{\}-z '\{\}'w'\{\}' naïve/);
  assert.match(tableToLatex(oneCell('a — b')), /a --- b/);
});

test('LaTeX: text pdflatex cannot typeset is named in the header and in a warning; typesettable text is not', () => {
  assert.equal(latexCharIssues([asciiOdd]), []);
  assert.not.match(tablesToLatex([asciiOdd]), /xelatex|fontenc/);
  const cjk = oneCell('日本 😀 ð');
  const header = tablesToLatex([cjk, oneCell('日本 😀 ð')]).split('\n\n')[0]!;
  assert.match(header, /% also needs \\usepackage\[T1\]\{fontenc\}: pdflatex's default OT1 encoding has no ð/);
  assert.match(header, /% compile with xelatex or lualatex .*: pdflatex cannot typeset 日 本 😀 \(first in table 'odd', row 1 \(m\), column 'Variant'\)/);
  const issues = latexCharIssues([cjk, cjk]);
  assert.is(issues.length, 1);
  assert.is(latexCharWarning(issues[0]!), "tables.tex: table 'odd', row 1 (m), column 'Variant' (and 1 more cell with the same text): pdflatex cannot typeset 日 本 😀: compile with xelatex or lualatex (fontspec and a font that has them) or rename; ð needs \\usepackage[T1]{fontenc} in the preamble.");
});

if (hasPdflatex) {
  test('LaTeX: odd ASCII and Latin-1 names compile with pdflatex in OT1 and T1', () => {
    for (const preamble of ['', '\\usepackage[T1]{fontenc}']) {
      const result = compileTables(tablesToLatex([asciiOdd]), preamble);
      assert.ok(result.ok, `${preamble}: ${result.errors}`);
    }
  });
}

// A variant as long as the tiny models' (about 200 characters) in a six-column table, the shape
// that ran 800pt off the page in an `l` column that never wraps.
const LONG_VARIANT = 'tiny OPT-style decoder-only LM (synthetic world, 64 px); the qformer graph holds the stage-1 Q-Former (image_feat) and the stage-2 Q-Former of this LM (query_output, language_embeds)';
const longVariant: Table = {
  id: 'breakdown-long', title: 'long variant',
  columns: [{ label: 'Model', align: 'left' }, { label: 'Family', align: 'left' }, { label: 'Variant', align: 'left' }, ...['number', 'yes/no', 'other'].map((label) => ({ label, align: 'right' as const }))],
  rows: [['tiny-blip2-opt', 'BLIP-2', LONG_VARIANT], ['tiny-blip', 'BLIP', 'tiny (synthetic world, 64 px)']].map((cells) => [...cells.map((text) => ({ text, value: null })), ...[64.78, 52, 54.71].map((v) => ({ text: v.toFixed(2), value: v }))]),
  notes: [],
};

test('LaTeX: a long text column wraps in a paragraph column; short ones stay l', () => {
  const tex = tableToLatex(longVariant);
  assert.match(tex, /\\begin\{tabular\}\{llp\{0\.3\\linewidth\}rrr\}/);
  assert.match(tex, /tiny-blip2-opt & BLIP-2 & \\raggedright tiny OPT-style/);
  // A wrapped last column ends its rows with \tabularnewline (\raggedright takes over \\).
  const last = tableToLatex({ ...longVariant, columns: longVariant.columns.slice(0, 3), rows: longVariant.rows.map((r) => r.slice(0, 3)) });
  assert.match(last, /\\raggedright tiny OPT-style[^\n]* \\tabularnewline\n/);
});

if (hasPdflatex) {
  test('LaTeX: long variants and every fixture table fit the page (no overfull box)', () => {
    const last = { ...longVariant, id: 'last', columns: longVariant.columns.slice(0, 3), rows: longVariant.rows.map((r) => r.slice(0, 3)) };
    const result = compileTables(tablesToLatex([longVariant, last, ...buildTables(data, published)]));
    assert.ok(result.ok, result.errors);
    assert.equal(result.overfull, []);
  });
}

test.run();
