import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDirFactory } from '../helpers/temp-dirs.js';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReport } from '../../../reports/report.js';
import { shippedPublished, readPublishedFile, findPublished } from '../../../reports/published.js';
import type { ReportModel, ReportTask } from '../../../reports/report-model.js';

const tempDir = tempDirFactory(test);

const runs = fileURLToPath(new URL('../../fixtures/runs/', import.meta.url));

test('writeReport writes every format into the output folder', async () => {
  const out = tempDir(join(tmpdir(), 'vlbench-report-'));
  const result = await writeReport([`${runs}baseline`], out);
  const rel = result.files.map((f) => f.slice(out.length + 1)).sort();
  for (const f of ['report.md', 'report.json', 'report.html', 'results.csv', 'tables.tex', 'tables/overview.csv', 'charts/latency.vl.json', 'charts/latency.svg', 'charts/latency.png', 'charts/breakdown-shapes-vqa-perAnswerType.png']) {
    assert.ok(rel.includes(f), f);
    assert.ok(existsSync(join(out, f)), f);
  }
  assert.match(result.markdownTable, /^### Overview/);
  assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /!\[Quality by family and task\]\(charts\/quality-by-task\.png\)/);
  const spec = JSON.parse(readFileSync(join(out, 'charts/quality-by-task.vl.json'), 'utf8'));
  assert.match(spec.$schema, /vega-lite\/v6/);
  const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const scores = JSON.parse(readFileSync(`${runs}baseline/scores.json`, 'utf8'));
  assert.is(json.results.length, scores.results.length);
  const blip = json.results.find((r: { model: string; task: string }) => r.model === 'blip-tiny' && r.task === 'shapes-caption');
  assert.equal(blip.metrics, scores.results.find((r: { model: string; task: string }) => r.model === 'blip-tiny' && r.task === 'shapes-caption').metrics);
  assert.is(json.notApplicable.length, scores.notApplicable.length);
  // A pair that ranks has no tokens/s (null), not a measured 0.
  const pick = (task: string) => json.results.find((r: { model: string; task: string }) => r.model === 'blip-tiny' && r.task === task).timing.tokensPerSecond;
  assert.is(pick('shapes-retrieval'), null);
  assert.ok(pick('shapes-caption') > 0);
});

test('only the requested formats are written; an unknown format is an error', async () => {
  const out = tempDir(join(tmpdir(), 'vlbench-report-'));
  const result = await writeReport([`${runs}baseline`], out, ['csv', 'tex']);
  assert.ok(result.files.every((f) => /\.(csv|tex)$/.test(f)));
  await writeReport([`${runs}baseline`], out, ['pdf' as 'md']).then(() => assert.unreachable('pdf accepted'), (e: Error) => assert.match(e.message, /unknown report format\(s\) pdf/));
});

test('report.json says when its numbers come from one shard', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-shard-'));
  cpSync(`${runs}baseline`, join(dir, 'run'), { recursive: true });
  const manifestFile = join(dir, 'run', 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), shard: { index: 1, count: 3 } }));
  await writeReport([join(dir, 'run')], join(dir, 'out'), ['json']);
  const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
  assert.is(json.partial, 'shard 1/3 only: partial results; merge the shards with vlbench merge');
  assert.equal(json.runs[0].shard, { index: 1, count: 3 });
  const whole = JSON.parse(readFileSync((await writeReport([`${runs}baseline`], join(dir, 'whole'), ['json'])).files[0]!, 'utf8'));
  assert.is(whole.partial, null);
  assert.is(whole.runs[0].shard, null);
});

test('reusing --out removes the earlier report\'s files (known names only) before writing', async () => {
  const out = tempDir(join(tmpdir(), 'vlbench-report-'));
  await writeReport([`${runs}baseline`], out, ['md', 'csv', 'html']);
  // What an earlier report of other runs left, and what the user keeps in the folder.
  const stale = ['charts/breakdown-gone-perCategory.vl.json', 'charts/breakdown-gone-perCategory.svg', 'charts/breakdown-gone-perCategory.png', 'tables/task-gone.csv', 'tables/breakdown-gone-perCategory.csv'];
  const kept = ['notes.txt', 'charts/my-figure.png', 'tables/mine.csv', 'paper.tex'];
  for (const f of [...stale, ...kept]) writeFileSync(join(out, f), 'x');
  const result = await writeReport([`${runs}baseline`], out, ['md', 'csv']);
  for (const f of stale) assert.not.ok(existsSync(join(out, f)), f);
  for (const f of kept) assert.ok(existsSync(join(out, f)), f);
  assert.not.ok(existsSync(join(out, 'report.html')), 'report.html of the earlier report');
  assert.not.ok(existsSync(join(out, 'charts/latency.vl.json')), 'charts of the earlier report');
  assert.ok(result.files.every((f) => existsSync(f)));
});

test('the same run directory given twice is reported once, with a message', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-twice-'));
  const result = await writeReport([`${runs}baseline`, `${runs}baseline/`], join(dir, 'out'), ['json']);
  const json = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
  assert.is(json.runs.length, 1);
  assert.ok(result.warnings.some((w) => /baseline\/ is the same run directory as .*baseline; reported once\.$/.test(w)), result.warnings.join('\n'));
  const same = await writeReport([`${runs}baseline`, `${runs}baseline`], join(dir, 'same'), ['json']);
  assert.equal(same.warnings, [`${runs}baseline given twice; reported once.`]);
});

test('runs that measured a task on different samples: a warning printed and noted in report.md, report.html and report.json', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-limit-'));
  cpSync(`${runs}baseline`, join(dir, 'full'), { recursive: true });
  cpSync(`${runs}baseline`, join(dir, 'limited'), { recursive: true });
  const scoresFile = join(dir, 'limited', 'scores.json');
  const scores = JSON.parse(readFileSync(scoresFile, 'utf8'));
  for (const r of scores.results) if (r.task === 'shapes-caption') r.counts = { ...r.counts, requested: 10, scored: 10 };
  writeFileSync(scoresFile, JSON.stringify(scores));
  const out = join(dir, 'out');
  const result = await writeReport([join(dir, 'full'), join(dir, 'limited')], out, ['md', 'html', 'json']);
  const warning = "task 'shapes-caption' was not run on the same samples in every run: requested samples differ (main-2026-11-20 (full): 30, main-2026-11-20 (limited): 10); its numbers are not comparable between these runs.";
  assert.equal(result.warnings, [warning]);
  assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /^# .*\n\n> \*\*Warning:\*\* task 'shapes-caption' was not run on the same samples/);
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<p class="warning"><strong>Warning:<\/strong> task &#39;shapes-caption&#39; was not run on the same samples/);
  assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).notComparable, [warning]);
});

test('a user published-numbers file adds a clearly labelled column', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pub-'));
  const file = join(dir, 'pub.json');
  writeFileSync(file, JSON.stringify({ formatVersion: 1, entries: [{ family: 'blip2', modelPattern: 'opt', benchmarks: ['shapes-vqa'], metric: 'vqa_accuracy', value: 52.3, asPrinted: '52.3', setting: 'zero-shot', source: 'BLIP-2 Table 2' }] }));
  await writeReport([`${runs}baseline`], dir, ['md'], { publishedFiles: [file] });
  const md = readFileSync(join(dir, 'report.md'), 'utf8');
  assert.match(md, /\| vqa_accuracy \(published\) \|/);
  assert.match(md, /\| blip2-opt-tiny \|[^\n]*\| 52\.3 \\\[1\\\] \|/);
  assert.match(md, /\\\[1\\\] BLIP-2 Table 2; zero-shot/);
});

test('shipped published numbers parse and match real benchmark names', () => {
  const entries = shippedPublished();
  assert.ok(entries.length >= 40);
  const model = (id: string, family: string) => ({ modelId: id, family } as ReportModel);
  const coco: ReportTask = { id: 'coco-caption', kind: 'captioning', metrics: ['CIDEr'], primaryMetric: 'CIDEr', datasets: ['coco-karpathy-test'] };
  assert.is(findPublished(entries, model('blip-base', 'blip'), coco, 'CIDEr')!.asPrinted, '133.3');
  assert.is(findPublished(entries, model('blip-large', 'blip'), coco, 'CIDEr')!.asPrinted, '136.7');
  assert.is(findPublished(entries, model('blip2-opt-2.7b', 'blip2'), coco, 'CIDEr')!.value, 1.458); // vlbench's scale: fractions
  assert.is(findPublished(entries, model('albef-base', 'albef'), coco, 'CIDEr'), undefined);
});

test('published numbers follow the task id, not the file format its loader reads', () => {
  const entries = shippedPublished();
  const blip = { modelId: 'blip-base', family: 'blip' } as ReportModel;
  const task = (id: string, loader: string): ReportTask => ({ id, kind: 'vqa', metrics: ['vqa_accuracy'], primaryMetric: 'vqa_accuracy', datasets: [loader] });
  // The bundled synthetic VQA is in VQAv2's format; BLIP's VQAv2 test-dev number is not its reference.
  assert.is(findPublished(entries, blip, task('synth-vqa', 'vqav2'), 'vqa_accuracy'), undefined);
  assert.match(findPublished(entries, blip, task('vqav2-val', 'vqav2'), 'vqa_accuracy')!.setting, /test-dev/);
});

test('a malformed published file is rejected with the JSON pointer', () => {
  const file = join(tempDir(join(tmpdir(), 'vlbench-pub-')), 'bad.json');
  writeFileSync(file, JSON.stringify({ formatVersion: 1, entries: [{ family: 'blip', benchmarks: [], metric: 'CIDEr', value: 1, asPrinted: '100', setting: 's', source: 's' }] }));
  assert.throws(() => readPublishedFile(file), /bad\.json#\/entries\/0\/benchmarks: expected a non-empty array/);
});

test('a published file with a comment is located by line and column', () => {
  const file = join(tempDir(join(tmpdir(), 'vlbench-pub-')), 'notes.json');
  writeFileSync(file, '{ "formatVersion": 1,\n  // from Table 7\n  "entries": [] }');
  assert.throws(() => readPublishedFile(file), /notes\.json: not valid JSON at line 2, column 3: a comment: JSON allows no comments; remove it/);
});

test('a published entry whose metric or family matches nothing is an error, not a column that never shows', () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pub-'));
  const entry = { family: 'blip', benchmarks: ['coco-caption'], metric: 'CIDEr', value: 1.333, asPrinted: '133.3', setting: 's', source: 's' };
  const write = (name: string, e: object): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ formatVersion: 1, entries: [e] }));
    return file;
  };
  // The docs call the metric CIDEr-D; its key is CIDEr.
  assert.throws(() => readPublishedFile(write('metric.json', { ...entry, metric: 'CIDEr-D' })), /metric\.json#\/entries\/0\/metric: 'CIDEr-D' is not a metric vlbench reports \(did you mean 'CIDEr'\?\)/);
  assert.throws(() => readPublishedFile(write('family.json', { ...entry, family: 'instrctblip' })), /family\.json#\/entries\/0\/family: 'instrctblip' is not a model family \(did you mean 'instructblip'\?\)/);
  // Spellings of a family and the papers' own metrics stay readable.
  assert.is(readPublishedFile(write('ok.json', { ...entry, family: 'BLIP-2' })).length, 1);
  assert.is(readPublishedFile(write('auc.json', { ...entry, metric: 'AUC' })).length, 1);
});

test.run();
