/**
 * Shared readers (datasets/io.ts): a leading UTF-8 byte order mark, which editors on Windows
 * write, is dropped by every JSON, JSON Lines and text list reader (CSV through papaparse). A
 * CSV header that repeats a column name, or a ModelNet class list that repeats a class, stops the
 * load instead of losing that column or offering that choice twice; so does a quote never closed
 * (papaparse would read the rest of the file as one field). Without a mediaRoot, the generic
 * loaders resolve media paths against the records file's folder, not the working directory.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { DATASET_LOADERS } from '../../../datasets/registry.js';
import type { LoaderItem } from '../../../datasets/samples.js';
import { failureAt, load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const BOM = '\uFEFF';

test('BOM: JSON Lines, Karpathy JSON, ModelNet lists and CSV load as without it', async () => {
  const root = tempDataset({
    'a.png': '', 'chair/chair_0001.txt': '',
    'r.jsonl': `${BOM}${JSON.stringify({ id: 'j1', image: 'a.png', question: 'q?', answers: ['x'] })}\n`,
    'k.json': `${BOM}${JSON.stringify([{ image: 'a.png', caption: 'c' }])}`,
    'names.txt': `${BOM}chair\ntable\n`, 'shapes.txt': `${BOM}chair_0001\n`,
    'r.csv': `${BOM}id,image,question,answers\nc1,a.png,q?,x\n`,
  });
  assert.equal(summary(await load('jsonl', root, { records: 'r.jsonl' })), ['instruction:j1']);
  assert.equal(summary(await load('karpathy-caption', root, { annotations: 'k.json' })), ['caption:a']);
  const shapes = await load('modelnet', root, { shapeNames: 'names.txt', shapes: 'shapes.txt' });
  assert.equal(summary(shapes), ['instruction:chair_0001']);
  assert.ok(shapes[0]?.kind === 'instruction' && shapes[0].answerIndex === 0);
  assert.equal(summary(await load('csv', root, { records: 'r.csv' })), ['instruction:c1']);
});

test('CSV: a header repeating a column name stops the load, naming the file, the column and its positions', async () => {
  const root = tempDataset({
    'a.wav': '', 'a.png': '',
    'clotho.csv': 'file_name,caption_1,caption_1,caption_2\na.wav,x,y,z\n',
    'r.csv': 'id,image,question,answers,answers\nc1,a.png,q?,x,y\n',
  });
  for (const [loader, files] of [['clotho-caption', { captions: 'clotho.csv' }], ['csv', { records: 'r.csv' }]] as const) {
    const error = await load(loader, root, files).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(error !== undefined, `${loader} loaded a header with a repeated column`);
    assert.match(error.message, /\.csv line 1 \(header\): column '(caption_1|answers)' appears 2 times \(columns (2, 3|4, 5)\); .*rename or remove the repeated column$/);
  }
});

test('CSV: a quote never closed stops the load at its line instead of swallowing the rows after it', async () => {
  const header = 'audiocap_id,youtube_id,start_time,caption\r\n';
  const rows = '1,aaa,30,"multi\r\nline, caption"\r\n2,bbb,0,fine\r\n3,ccc,10,"unclosed quote\r\n4,ddd,20,wind\r\n';
  const root = tempDataset({ 'aaa.wav': '', 'bbb.wav': '', 'ccc.wav': '', 'ddd.wav': '', 'c.csv': header + rows });
  const error = await load('audiocaps', root, { captions: 'c.csv' }).then(() => undefined, (e: unknown) => e as Error);
  assert.ok(error !== undefined, 'the rows after an unclosed quote were read as one caption');
  assert.match(error.message, /c\.csv line 5: a quoted field is never closed, .*write a quote inside a quoted field as ""/);
});

test('CSV: an unclosed quote in the first row is placed on line 2, after the header', async () => {
  const root = tempDataset({ 'a.wav': '', 'c.csv': 'file_name,caption_1,caption_2,caption_3\na.wav,"x,y,z\n' });
  const error = await load('clotho-caption', root, { captions: 'c.csv' }).then(() => undefined, (e: unknown) => e as Error);
  assert.match(error?.message ?? 'loaded', /c\.csv line 2: a quoted field is never closed/);
});

test('CSV: text after a closing quote stops the load: the lines up to the next quote would vanish into that row', async () => {
  const root = tempDataset({ 'a.wav': '', 'b.wav': '', 'c.wav': '', 'q.csv': 'file_name,caption_1,caption_2,caption_3\na.wav,"x" y,y,z\nb.wav,x,y,z\nc.wav,"p",q,r\n' });
  const error = await load('clotho-caption', root, { captions: 'q.csv' }).then(() => undefined, (e: unknown) => e as Error);
  assert.match(error?.message ?? 'loaded', /q\.csv line 2: a quoted field has text after its closing quote, so the lines up to the next quote would be read into this row/);
});

test('CSV: failures are placed on the line their record starts on, past blank lines and quoted fields spanning lines', async () => {
  // BOM and CRLF as Excel writes them; blank, whitespace-only and delimiter-only lines are skipped rows.
  const lines = ['id,image,captions', 'c1,a.png,"two', 'lines"', '', '  ', 'c2,a.png,fine', ',,', 'c3,a.png', 'c4,a.png,', 'c5,a.png,"x', '', 'y"', 'c6,a.png'];
  const root = tempDataset({ 'a.png': '', 'r.csv': `${BOM}${lines.join('\r\n')}\r\n` });
  const items = await load('csv', root, { records: 'r.csv' }, { kind: 'caption' });
  assert.equal(summary(items), ['caption:c1', 'caption:c2', 'failure:row:8', 'failure:c4', 'caption:c5', 'failure:row:13']);
  assert.equal(items.map((item) => item.source.at), ['2', '6', '8', '9', '10', '13']);
  assert.match(failureAt(items[2]), /^broken row: missing field 'captions' @ 8$/);
  // Before the header, too: papaparse skips blank lines there.
  const late = await load('csv', tempDataset({ 'a.png': '', 'r.csv': '\n\nid,image,captions\n\nc1,a.png\n' }), { records: 'r.csv' }, { kind: 'caption' });
  assert.equal(late.map(failureAt), ["broken row: missing field 'captions' @ 5"]);
});

test('Clotho captions: an empty caption cell fails its row, naming the column, instead of being dropped', async () => {
  const root = tempDataset({ 'a.wav': '', 'b.wav': '', 'c.csv': 'file_name,caption_1,caption_2,caption_3\na.wav,x,y,z\nb.wav,x, ,z\n' });
  const items = await load('clotho-caption', root, { captions: 'c.csv' });
  assert.equal(summary(items), ['caption:a.wav', 'failure:b.wav']);
  assert.match(failureAt(items[1]), /^caption_2 empty; .*fill it in or remove the row @ 3$/);
});

test('ModelNet: a class name listed twice stops the load, naming both lines', async () => {
  const root = tempDataset({ 'chair/chair_0001.txt': '', 'names.txt': 'chair\ntable\nchair\n', 'shapes.txt': 'chair_0001\n' });
  const error = await load('modelnet', root, { shapeNames: 'names.txt', shapes: 'shapes.txt' }).then(() => undefined, (e: unknown) => e as Error);
  assert.ok(error !== undefined, 'a repeated class name was accepted');
  assert.match(error.message, /names\.txt line 3: class 'chair' is listed again \(first on line 1\); .*remove the repeat$/);
});

test('JSON Lines and CSV without a mediaRoot: media paths resolve against the records file\'s folder, never the working directory', async () => {
  const root = tempDataset({
    'sub/img/a.png': '',
    'sub/r.jsonl': `${JSON.stringify({ id: 'j1', image: 'img/a.png', question: 'q?', answers: ['x'] })}\n`,
    'sub/r.csv': 'id,image,question,answers\nc1,img/a.png,q?,x\n',
  });
  const expected = join(root, 'sub/img/a.png');
  for (const [loader, records] of [['jsonl', 'sub/r.jsonl'], ['csv', 'sub/r.csv']] as const) {
    const items: LoaderItem[] = [];
    for await (const item of DATASET_LOADERS.get(loader)!.load({ files: { records: join(root, records) }, mediaRoot: '', options: {} })) items.push(item);
    assert.equal(items.map((item) => (item.kind === 'instruction' ? item.media.map((m) => m.path) : failureAt(item))), [[expected]], loader);
  }
});

test.after(removeTempDatasets);

test.run();
