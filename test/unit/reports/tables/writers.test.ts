import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Papa from 'papaparse';
import { fileURLToPath } from 'node:url';
import { readRun } from '../../../../reports/run-reader.js';
import { buildReportData } from '../../../../reports/report-model.js';
import { buildTables, formatMetric } from '../../../../reports/tables/build-tables.js';
import { tableToMarkdown } from '../../../../reports/tables/markdown.js';
import { LONG_CSV_FIELDS, resultsToLongCsv, tableToCsv } from '../../../../reports/tables/csv.js';
import { escapeLatex, latexLabel, tableToLatex, tablesToLatex } from '../../../../reports/tables/latex.js';
import type { PublishedEntry } from '../../../../reports/published.js';
import type { ScoresFile } from '../../../../reports/records.js';

const runs = fileURLToPath(new URL('../../../fixtures/runs/', import.meta.url));
const baselineRun = readRun(`${runs}baseline`);
const data = buildReportData([baselineRun]);
const published: PublishedEntry[] = [{ family: 'blip', benchmarks: ['shapes-caption'], metric: 'CIDEr', value: 1.333, asPrinted: '133.3', setting: 'ViT-B, COCO', source: 'BLIP paper' }];
const tables = buildTables(data, published);
const byId = (id: string) => tables.find((t) => t.id === id)!;
const scores = baselineRun.scores as ScoresFile;
const value = (model: string, task: string, metric: string): number => scores.results.find((r) => r.model === model && r.task === task)!.metrics[metric]!;

test('the overview has one row per model and the headline metric of each task', () => {
  const overview = byId('overview');
  assert.is(overview.rows.length, 6);
  assert.equal(overview.columns.map((c) => c.label).slice(3), ['shapes-retrieval r_mean', 'shapes-caption CIDEr', 'shapes-vqa vqa_accuracy', 'shapes-instruct exact_match']);
  const albef = overview.rows.find((r) => r[0]!.text === 'albef-tiny')!;
  assert.is(albef[4]!.text, 'n/a'); // ALBEF has no captioner
  assert.is(albef[5]!.value, value('albef-tiny', 'shapes-vqa', 'vqa_accuracy'));
  assert.is(albef[5]!.text, value('albef-tiny', 'shapes-vqa', 'vqa_accuracy').toFixed(2));
});

test('task tables put throughput and latency beside quality, and label published numbers', () => {
  const caption = byId('task-shapes-caption');
  const labels = caption.columns.map((c) => c.label);
  for (const label of ['CIDEr', 'CIDEr (published)', 'samples/s', 'tokens/s', 'p50 ms', 'p95 ms']) assert.ok(labels.includes(label), label);
  const blip = caption.rows.find((r) => r[0]!.text === 'blip-tiny')!;
  assert.is(blip[labels.indexOf('CIDEr (published)')]!.text, '133.3 [1]');
  assert.ok(caption.notes.some((n) => n.startsWith('[1] BLIP paper')));
  const other = caption.rows.find((r) => r[0]!.text === 'blip2-opt-tiny')!;
  assert.is(other[labels.indexOf('CIDEr (published)')]!.text, '—');
  assert.not.ok(byId('task-shapes-retrieval').columns.some((c) => c.label === 'tokens/s'));
});

test('per-category breakdowns: VQA per answer type, instruction per category', () => {
  const vqa = byId('breakdown-shapes-vqa-perAnswerType');
  assert.equal(vqa.columns.slice(3).map((c) => c.label), ['yes/no', 'number', 'other']);
  assert.is(byId('breakdown-shapes-instruct-perCategory').rows.length, 2);
});

test('a breakdown named after its metric is titled and formatted by that metric', () => {
  const withExact = { ...data, results: data.results.map((r) => (r.task === 'shapes-vqa' ? { ...r, scores: { ...r.scores, breakdowns: { ...r.scores.breakdowns, 'exact_match.perAnswerType': { other: 50 } } } } : r)) };
  const table = buildTables(withExact, []).find((t) => t.id === 'breakdown-shapes-vqa-exact_match.perAnswerType')!;
  assert.is(table.title, 'shapes-vqa: exact_match per answer type');
  assert.is(buildTables(withExact, []).find((t) => t.id === 'breakdown-shapes-vqa-perAnswerType')!.title, 'shapes-vqa: vqa_accuracy per answer type');
});

test('a task predicted without references shows as unscored, with the count, not as missing', () => {
  const unannotated = { ...data, results: data.results.map((r) => (r.task === 'shapes-caption' && r.model.modelId === 'blip-tiny'
    ? { ...r, scores: { ...r.scores, metrics: {}, counts: { requested: 6, scored: 0, failed: 0, unannotated: 6 } } } : r)) };
  const built = buildTables(unannotated, []);
  const overview = tableToMarkdown(built.find((t) => t.id === 'overview')!);
  assert.match(overview, /\| blip-tiny \|[^\n]*\| 6 unscored \|/);
  assert.match(tableToMarkdown(built.find((t) => t.id === 'task-shapes-caption')!), /0\/6 \(6 without references\)/);
});

test('a task where every sample failed: "N failed" in the overview and no timings (nothing was measured)', () => {
  const failedRun = readRun(`${runs}baseline`);
  const scoresFile = failedRun.scores as ScoresFile;
  const broken = { ...failedRun, scores: { ...scoresFile, results: scoresFile.results.map((r) => (r.model === 'blip-tiny' && r.task === 'shapes-caption' ? { ...r, metrics: {}, counts: { requested: 6, scored: 0, failed: 6 } } : r)) } };
  const built = buildTables(buildReportData([broken]), []);
  assert.match(tableToMarkdown(built.find((t) => t.id === 'overview')!), /\| blip-tiny \|[^\n]*\| 6 failed \|/);
  const row = tableToMarkdown(built.find((t) => t.id === 'task-shapes-caption')!).split('\n').find((l) => l.startsWith('| blip-tiny '))!;
  assert.match(row, /\| — \| — \| — \| — \| 0\/6 \(6 failed\) \|$/);
});

test('the overview marks a value computed on fewer samples than requested, with the counts in a note', () => {
  const partial = { ...data, results: data.results.map((r) => (r.task === 'shapes-caption' && r.model.modelId === 'blip-tiny'
    ? { ...r, scores: { ...r.scores, counts: { requested: 8, scored: 6, failed: 2 } } } : r)) };
  const overview = buildTables(partial, []).find((t) => t.id === 'overview')!;
  const cell = overview.rows.find((r) => r[0]!.text === 'blip-tiny')![4]!;
  assert.is(cell.text, `${value('blip-tiny', 'shapes-caption', 'CIDEr').toFixed(3)}†`);
  assert.is(cell.value, value('blip-tiny', 'shapes-caption', 'CIDEr'));
  assert.ok(overview.notes.includes('†: computed on fewer samples than requested (scored/requested): blip-tiny on shapes-caption: 6/8 (2 failed).'), overview.notes.join('\n'));
  assert.not.ok(byId('overview').notes.some((n) => n.startsWith('†')));
  const parsed = Papa.parse<Record<string, string>>(resultsToLongCsv(partial, []), { header: true, skipEmptyLines: true });
  const counts = parsed.data.filter((r) => r.model === 'blip-tiny' && r.task === 'shapes-caption' && (r.measure ?? '').startsWith('samples.'));
  assert.equal(counts.map((r) => [r.measure, r.value, r.source]), [['samples.requested', '8', 'counted'], ['samples.scored', '6', 'counted'], ['samples.failed', '2', 'counted'], ['samples.unannotated', '0', 'counted']]);
});

test('the overview shows a task that selected no samples as "0 samples", not as "not part of this run"', () => {
  const empty = { ...data, results: data.results.map((r) => (r.task === 'shapes-caption' && r.model.modelId === 'blip-tiny'
    ? { ...r, scores: { ...r.scores, metrics: {}, counts: { requested: 0, scored: 0, failed: 0 } } } : r)) };
  const overview = buildTables(empty, []).find((t) => t.id === 'overview')!;
  assert.is(overview.rows.find((r) => r[0]!.text === 'blip-tiny')![4]!.text, '0 samples');
  assert.match(overview.notes[0]!, /0 samples: run, but the task selected no samples/);
});

test('tables from a shard run say so where they stand alone: LaTeX caption, a CSV partial column, the long CSV', () => {
  const shardRun = { ...baselineRun, manifest: { ...baselineRun.manifest, shard: { index: 0, count: 2 } } };
  const shardData = buildReportData([shardRun]);
  const built = buildTables(shardData, published);
  assert.match(tableToLatex(built[0]!), /\\caption\{Overview: headline metric per task --- shard 0\/2 only: partial results\}/);
  const wide = Papa.parse<string[]>(tableToCsv(built[0]!), { skipEmptyLines: true }).data;
  assert.is(wide[0]!.at(-1), 'partial');
  assert.ok(wide.slice(1).every((row) => row.at(-1) === 'shard 0/2'));
  const long = Papa.parse<Record<string, string>>(resultsToLongCsv(shardData, published), { header: true, skipEmptyLines: true }).data;
  assert.ok(long.filter((r) => r.source === 'measured').every((r) => r.partial === 'shard 0/2'));
  assert.ok(long.filter((r) => r.source?.startsWith('published')).every((r) => r.partial === ''));
  // Whole runs: no marker, no extra column.
  assert.not.match(tableToLatex(byId('overview')), /partial/);
  assert.not.ok(tableToCsv(byId('overview')).split('\n')[0]!.endsWith(',partial'));
});

test('tokens/s of a pair that ranks (no generated tokens) is n/a, not a measured 0.0', () => {
  const ranking = { ...data, results: data.results.map((r) => (r.task === 'shapes-vqa' && r.model.modelId === 'albef-tiny' && r.timing
    ? { ...r, timing: { ...r.timing, generatedTokens: 0, tokensPerSecond: 0 } } : r)) };
  const table = buildTables(ranking, []).find((t) => t.id === 'task-shapes-vqa')!;
  const column = table.columns.findIndex((c) => c.label === 'tokens/s');
  assert.is(table.rows.find((r) => r[0]!.text === 'albef-tiny')![column]!.text, 'n/a');
  assert.is.not(table.rows.find((r) => r[0]!.text === 'blip-tiny')![column]!.text, 'n/a');
  assert.ok(table.notes.some((n) => n.startsWith('tokens/s n/a: the model ranks')));
  assert.not.ok(byId('task-shapes-vqa').notes.some((n) => n.startsWith('tokens/s n/a')));
  // The long CSV has no tokens/s row for it (a 0 there read as measured), the generating pair keeps one.
  const long = Papa.parse<Record<string, string>>(resultsToLongCsv(ranking, []), { header: true, skipEmptyLines: true }).data;
  const tokenRows = (model: string) => long.filter((r) => r.task === 'shapes-vqa' && r.model === model && r.measure === 'tokensPerSecond');
  assert.is(tokenRows('albef-tiny').length, 0);
  assert.is(tokenRows('blip-tiny').length, 1);
  assert.ok(long.some((r) => r.task === 'shapes-vqa' && r.model === 'albef-tiny' && r.measure === 'samplesPerSecond'));
});

test('LaTeX labels are one-to-one: task ids that differ only in _ - . get distinct labels', () => {
  const labels = ['task-cap_x', 'task-cap-x', 'task-cap.x'].map(latexLabel);
  assert.equal(labels, ['task-cap.5f.x', 'task-cap-x', 'task-cap.2e.x']);
  assert.ok(labels.every((l) => /^[A-Za-z0-9:.-]+$/.test(l)));
});

test('markdown: a header, alignment row and escaped pipes', () => {
  const md = tableToMarkdown(byId('breakdown-shapes-vqa-perAnswerType'));
  const lines = md.split('\n');
  assert.match(lines[0]!, /^### shapes-vqa: vqa_accuracy per answer type/);
  assert.is(lines[3], '|:---|:---|:---|---:|---:|---:|');
  assert.match(md, /\| yes\/no \|/);
  assert.match(tableToMarkdown({ id: 'x', title: 't', columns: [{ label: 'a|b', align: 'left' }], rows: [[{ text: 'c|d', value: null }]], notes: [] }), /\| a\\\|b \|\n\|:---\|\n\| c\\\|d \|/);
});

test('markdown: inline Markdown and HTML in names are escaped, so GitHub shows them as typed', () => {
  const one = (text: string): string => tableToMarkdown({ id: 'x', title: 't', columns: [{ label: 'v', align: 'left' }], rows: [[{ text, value: null }]], notes: [] }).split('\n')[4]!;
  assert.is(one('opt </s> *bold* _u_ $x$ `c` ~~s~~ [a](b) &amp;'), '| opt \\</s\\> \\*bold\\* \\_u\\_ \\$x\\$ \\`c\\` \\~\\~s\\~\\~ \\[a\\](b) \\&amp; |');
  assert.is(one('vqa_accuracy Bleu_4 a\\b c|d'), '| vqa_accuracy Bleu_4 a\\\\b c\\|d |');
  assert.match(tableToMarkdown({ id: 'x', title: '*t*', columns: [], rows: [], notes: ['<b>n</b>'] }), /^### \\\*t\\\*\n[\s\S]*- \\<b\\>n\\<\/b\\>/);
});

test('CSV round-trips through papaparse', () => {
  const table = byId('task-shapes-vqa');
  const parsed = Papa.parse<string[]>(tableToCsv(table), { skipEmptyLines: true });
  assert.equal(parsed.errors, []);
  assert.equal(parsed.data[0], table.columns.map((c) => c.label));
  assert.equal(parsed.data.slice(1), table.rows.map((r) => r.map((c) => c.text)));
});

test('the long CSV has every metric with full precision and the published rows marked', () => {
  const parsed = Papa.parse<Record<string, string>>(resultsToLongCsv(data, published), { header: true, skipEmptyLines: true });
  assert.equal(parsed.meta.fields, [...LONG_CSV_FIELDS]);
  const cider = parsed.data.filter((r) => r.model === 'blip-tiny' && r.measure === 'CIDEr');
  assert.is(cider.length, 2);
  assert.is(Number(cider.find((r) => r.source === 'measured')!.value), value('blip-tiny', 'shapes-caption', 'CIDEr'));
  assert.match(cider.find((r) => r.source !== 'measured')!.source ?? '', /^published: BLIP paper/);
  assert.ok(parsed.data.some((r) => r.measure === 'perAnswerType/yes/no'));
  assert.ok(parsed.data.some((r) => r.measure === 'latencyMs.p95' && r.source === 'measured (cpu)'));
});

test('LaTeX: booktabs rules, escaped specials, published column in italics', () => {
  const tex = tableToLatex(byId('task-shapes-caption'));
  for (const rule of ['\\toprule', '\\midrule', '\\bottomrule']) assert.is(tex.split(rule).length, 2, rule);
  assert.match(tex, /Bleu\\_4/);
  assert.match(tex, /\\textit\{CIDEr \(published\)\}/);
  assert.match(tex, /\\textit\{133\.3 \{\[\}1\]\}/);
  assert.not.match(tex.replace(/\\_/g, ''), /[^\\]_/); // every underscore escaped
  assert.match(tex, /\\begin\{tabular\}\{llll*rrrrrrrrrrrr\}/);
  assert.is(escapeLatex('50% of $x_1 & y#{z}~^\\'), '50\\% of \\$x\\_1 \\& y\\#\\{z\\}\\textasciitilde{}\\textasciicircum{}\\textbackslash{}');
  assert.match(tablesToLatex(tables), /usepackage\{booktabs\}/);
  // Every table is shrunk to the text width when, and only when, it is wider (never enlarged).
  assert.match(tex, /\\setbox0\\hbox\{%\n\\begin\{tabular\}[\s\S]*\\end\{tabular\}\n\}%\n\\ifdim\\wd0>\\linewidth\\resizebox\{\\linewidth\}\{!\}\{\\box0\}\\else\\box0\\fi/);
});

test('tables round like vlbench score and the official code: exact ties to even', () => {
  // 90.625, 65.625 and 3.125 are exact binary ties (means over 8, 16, 32 samples); toFixed rounds them up.
  assert.is(formatMetric('vqa_accuracy', 90.625), '90.62');
  assert.is(formatMetric('exact_match', 3.125), '3.12');
  assert.is(formatMetric('vqa_accuracy', 65.635), '65.64'); // not a tie in binary: correctly rounded
  assert.is(formatMetric('CIDEr', 1.0625), '1.062');
  const tie = { ...data, results: data.results.map((r) => (r.task === 'shapes-vqa' && r.model.modelId === 'blip-tiny' && r.timing
    ? { ...r, scores: { ...r.scores, metrics: { ...r.scores.metrics, vqa_accuracy: 90.625 }, breakdowns: { perAnswerType: { other: 65.625 } } }, timing: { ...r.timing, samplesPerSecond: 2.25 } } : r)) };
  const built = buildTables(tie, []);
  const row = (id: string) => built.find((t) => t.id === id)!.rows.find((r) => r[0]!.text === 'blip-tiny')!;
  assert.ok(row('overview').some((c) => c.text === '90.62' && c.value === 90.625), 'overview');
  const vqa = built.find((t) => t.id === 'task-shapes-vqa')!;
  assert.is(row('task-shapes-vqa')[vqa.columns.findIndex((c) => c.label === 'samples/s')]!.text, '2.2');
  assert.ok(row('breakdown-shapes-vqa-perAnswerType').some((c) => c.text === '65.62'));
  // Every writer shows the table's text; the long CSV keeps the full value.
  assert.match(tableToMarkdown(built[0]!), /\| 90\.62 \|/);
  assert.match(tableToLatex(built[0]!), / & 90\.62/);
  assert.match(tableToCsv(built[0]!), /,90\.62(,|\n)/);
  const long = Papa.parse<Record<string, string>>(resultsToLongCsv(tie, []), { header: true, skipEmptyLines: true }).data;
  assert.is(long.find((r) => r.model === 'blip-tiny' && r.task === 'shapes-vqa' && r.measure === 'vqa_accuracy')!.value, '90.625');
});

test('a task that ran as one batch (warmupSamples 0): its speeds and latencies are marked as including warm-up', () => {
  const oneBatch = { ...data, results: data.results.map((r) => (r.task === 'shapes-caption' && r.model.modelId === 'blip-tiny' && r.timing ? { ...r, timing: { ...r.timing, warmupSamples: 0 } } : r)) };
  const table = buildTables(oneBatch, []).find((t) => t.id === 'task-shapes-caption')!;
  const column = (label: string) => table.columns.findIndex((c) => c.label === label);
  const blip = table.rows.find((r) => r[0]!.text === 'blip-tiny')!;
  for (const label of ['samples/s', 'tokens/s', 'p50 ms', 'p95 ms']) assert.match(blip[column(label)]!.text, /^[\d.]+\*$/, label);
  const other = table.rows.find((r) => r[0]!.text === 'blip2-opt-tiny')!;
  assert.not.match(other[column('samples/s')]!.text, /\*/);
  assert.ok(table.notes.some((n) => n.startsWith('*: the task ran as one batch, which is its warm-up batch, so these speeds and latencies include warm-up (timings.json warmupSamples 0)')), table.notes.join('\n'));
  assert.not.ok(byId('task-shapes-caption').notes.some((n) => n.startsWith('*:')));
});

test('several runs: a shard run is named in its rows\' Run column, not only in a caption', () => {
  const shardRun = { ...baselineRun, dir: '/runs/shard0', manifest: { ...baselineRun.manifest, runId: 'pr-shard', shard: { index: 0, count: 2 } } };
  const overview = buildTables(buildReportData([baselineRun, shardRun]), [])[0]!;
  const runs = [...new Set(overview.rows.map((r) => r[3]!.text))];
  assert.equal(runs, ['main-2026-11-20', 'pr-shard (shard 0/2)']);
  assert.match(tableToMarkdown(overview), /\| pr-shard \(shard 0\/2\) \|/);
});

test('several runs: a Run column, the model id in each row', () => {
  const two = buildTables(buildReportData([baselineRun, readRun(`${runs}regression`)]), []);
  const overview = two[0]!;
  assert.is(overview.columns[3]!.label, 'Run');
  assert.is(overview.rows.length, 12);
  assert.equal(overview.rows.filter((r) => r[0]!.text === 'blip2-opt-tiny').map((r) => r[3]!.text), ['main-2026-11-20', 'pr-regression-2026-11-22']);
});

test('several runs: one model\'s rows keep the order the runs were given, not the run labels\' order', () => {
  const reversed = buildTables(buildReportData([readRun(`${runs}regression`), baselineRun]), [])[0]!;
  assert.equal(reversed.rows.filter((r) => r[0]!.text === 'blip2-opt-tiny').map((r) => r[3]!.text), ['pr-regression-2026-11-22', 'main-2026-11-20']);
});

test.run();
