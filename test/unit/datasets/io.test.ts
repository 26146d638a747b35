/**
 * Shared readers (datasets/io.ts): a leading UTF-8 byte order mark, which editors on Windows
 * write, is dropped by every JSON, JSON Lines and text list reader (CSV through papaparse). A
 * CSV header that repeats a column name, or a ModelNet class list that repeats a class, stops the
 * load instead of losing that column or offering that choice twice; so does a quote never closed
 * (papaparse would read the rest of the file as one field), and so does a header without a column
 * the format needs, told apart as a missing header row, another separator or a renamed column.
 * Invalid JSON is placed at its line and column, a trailing comma named; CSV records at their
 * editor line also where lines end with a lone CR. Without a mediaRoot, the generic
 * loaders resolve media paths against the records file's folder, not the working directory.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { DATASET_LOADERS } from '../../../datasets/registry.js';
import type { LoaderItem } from '../../../datasets/samples.js';
import { failureAt, load, loadError, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

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

test('CSV with lone-CR line ends (old Mac, some Excel exports): records are placed on the line an editor shows', async () => {
  const root = tempDataset({
    'a.png': '', 'aaa.wav': '',
    'r.csv': 'id,image,captions\rc1,a.png,x\r\rc2,missing.png,y\rc3,a.png\r',
    'ac.csv': 'audiocap_id,youtube_id,start_time,caption\r1,aaa,0,wind\r2,aaa,0,rain\r3,bbb,0,a dog\r',
  });
  const items = await load('csv', root, { records: 'r.csv' }, { kind: 'caption' });
  assert.equal(summary(items), ['caption:c1', 'failure:c2', 'failure:row:5']);
  assert.equal(items.map((item) => item.source.at), ['2', '4', '5']);
  const clips = await load('audiocaps', root, { captions: 'ac.csv' });
  assert.equal(clips.map((item) => `${item.kind}:${item.id}@${item.source.at}`), ['caption:aaa@2', 'failure:bbb@4']);
});

test('Clotho captions: an empty caption cell fails its row, naming the column, instead of being dropped', async () => {
  const root = tempDataset({ 'a.wav': '', 'b.wav': '', 'c.csv': 'file_name,caption_1,caption_2,caption_3\na.wav,x,y,z\nb.wav,x, ,z\n' });
  const items = await load('clotho-caption', root, { captions: 'c.csv' });
  assert.equal(summary(items), ['caption:a.wav', 'failure:b.wav']);
  assert.match(failureAt(items[1]), /^caption_2 empty; .*fill it in or remove the row @ 3$/);
});

/** The error a load stops with, or fails the test when it loads. */
test('CSV header: a required column it lacks stops the load once, naming the file, the column, the columns found and the fix', async () => {
  const root = tempDataset({
    'a.csv': 'audiocap_id,youtube_id,start_time\n1,aaa,30\n2,bbb,0\n',
    'aqa.csv': 'file_name,question,answer,confidence\na.wav,Is it raining?,yes,yes\n',
    'clotho.csv': 'file_name,Caption 1,Caption 2\na.wav,x,y\n',
    'header-only.csv': 'audiocap_id,youtube_id,start_time\n',
    'aaa.wav': '', 'bbb.wav': '', 'a.wav': '',
  });
  assert.match(await loadError('audiocaps', root, { captions: 'a.csv' }), /a\.csv line 1 \(header\): no column 'caption', .*\(columns found: 'audiocap_id', 'youtube_id', 'start_time'\): add the column 'caption', or rename the column that holds it$/);
  // A column under another spelling is named as the one to rename.
  assert.match(await loadError('clotho-aqa', root, { questions: 'aqa.csv' }), /aqa\.csv line 1 \(header\): no column 'QuestionText', .*\(columns found: 'file_name', 'question', 'answer', 'confidence'\): add the column 'QuestionText', or rename the column that holds it$/);
  assert.match(await loadError('clotho-caption', root, { captions: 'clotho.csv' }), /clotho\.csv line 1 \(header\): no column 'caption_N', .*\(columns found: 'file_name', 'Caption 1', 'Caption 2'\)/);
  assert.match(await loadError('audiocaps', root, { captions: 'header-only.csv' }), /header-only\.csv line 1 \(header\): no column 'caption'/);
});

test('CSV header: a file without a header row is told to add the format\'s header line', async () => {
  const root = tempDataset({
    'a.csv': '103549,--0w1YA1Hm4,30,"A vehicle engine revs, then idles"\n103550,--0w1YA1Hm4,30,"An engine idles"\n',
    // Its first line repeats a value: the missing header is still what is named.
    'aqa.csv': 'a.wav,Is it raining?,yes,yes\na.wav,Is it raining?,no,maybe\n',
    'clotho.csv': 'a.wav,rain falls on a roof,water drips,a storm\n',
    'r.csv': 'c1,a.png,q?,x\n',
    '--0w1YA1Hm4.wav': '', 'a.wav': '', 'a.png': '',
  });
  assert.match(await loadError('audiocaps', root, { captions: 'a.csv' }), /a\.csv line 1 \(header\): no columns 'youtube_id', 'caption', .*\(columns found: '103549', '--0w1YA1Hm4', '30', 'A vehicle engine revs, then idles'\); .*no header row: add the header line 'audiocap_id,youtube_id,start_time,caption' as the first line$/);
  assert.match(await loadError('clotho-aqa', root, { questions: 'aqa.csv' }), /aqa\.csv line 1 \(header\): .*no header row: add the header line 'file_name,QuestionText,answer,confidence'/);
  assert.match(await loadError('clotho-caption', root, { captions: 'clotho.csv' }), /clotho\.csv line 1 \(header\): no columns 'file_name', 'caption_N', .*no header row: add the header line 'file_name,caption_1,/);
  assert.match(await loadError('csv', root, { records: 'r.csv' }, { kind: 'vqa' }), /r\.csv line 1 \(header\): no columns 'id', 'image', 'question', .*no header row: add a header line naming the columns \('id', 'image', 'question'\)/);
});

test('CSV header: a file with another separator is named as such; the generic loader names its delimiter option', async () => {
  const root = tempDataset({
    'semi.csv': 'audiocap_id;youtube_id;start_time;caption\n"1;aaa;30;A dog barks"\n',
    'tab.csv': 'file_name\tcaption_1\tcaption_2\na.wav\tx\ty\n',
    'r.csv': 'id;image;question;answers\nc1;a.png;q?;x\n',
    'r.tsv': 'id\timage\tquestion\tanswers\nc1\ta.png\tq?\tx\n',
    'aaa.wav': '', 'a.wav': '', 'a.png': '',
  });
  assert.match(await loadError('audiocaps', root, { captions: 'semi.csv' }), /semi\.csv line 1 \(header\): no columns 'youtube_id', 'caption', .*\(columns found: 'audiocap_id;youtube_id;start_time;caption'\); the header is one field holding ';', so the file seems separated by ';': .*save it with ',' as the separator$/);
  assert.match(await loadError('clotho-caption', root, { captions: 'tab.csv' }), /tab\.csv line 1 \(header\): .*the header is one field holding tabs, so the file seems separated by tabs: /);
  assert.match(await loadError('csv', root, { records: 'r.csv' }), /r\.csv line 1 \(header\): .*one field holding ';', so the file seems separated by ';', not ',': set the loader's 'delimiter' option to ';'$/);
  assert.match(await loadError('csv', root, { records: 'r.tsv' }), /r\.tsv line 1 \(header\): .*separated by tabs, not ',': set the loader's 'delimiter' option to '\\t'$/);
  // With the option set, the same file loads.
  assert.equal(summary(await load('csv', root, { records: 'r.csv' }, { delimiter: ';' })), ['instruction:c1']);
});

test('CSV header: the generic loader names the option a column is read by; broken rows under a good header still fail one by one', async () => {
  const root = tempDataset({ 'a.png': '', 'r.csv': 'id,Image,captions\nc1,a.png,x\n', 'ok.csv': 'id,image,captions\nc1,a.png,x\nc2,a.png\n' });
  assert.match(await loadError('csv', root, { records: 'r.csv' }, { kind: 'caption' }), /r\.csv line 1 \(header\): no column 'image', .*: rename column 'Image' to 'image', or set the loader's 'mediaField' option to the column's name$/);
  const items = await load('csv', root, { records: 'ok.csv' }, { kind: 'caption' });
  assert.equal(summary(items), ['caption:c1', 'failure:row:3']);
  assert.match(failureAt(items[1]), /^broken row: missing field 'captions' @ 3$/);
});

test('JSON: a trailing comma is named as such, at its line and column', async () => {
  const text = '[\n  {"image": "a.png", "caption": ["one", "two"]},\n  {"image": "b.png", "caption": ["three"]},\n]\n';
  const root = tempDataset({ 'a.png': '', 'b.png': '', 'k.json': text, 'one-line.json': text.replace(/\n\s*/g, '') });
  assert.match(await loadError('karpathy-caption', root, { annotations: 'k.json' }), /k\.json: not valid JSON at line 3, column 43: a trailing comma before ']': JSON allows no trailing comma; remove it \(after '.*\["three"\]}', at ','\)$/);
  // Real annotation files are one line long: the column and the text around it find the place.
  assert.match(await loadError('karpathy-caption', root, { annotations: 'one-line.json' }), /one-line\.json: not valid JSON at line 1, column 88: a trailing comma before ']'.*\(after '\.\.\..*\["three"\]}', at ',\]'\)$/);
  assert.match(await loadError('vizwiz', root, { annotations: 'k.json' }), /k\.json: not valid JSON at line 3, column 43: a trailing comma/);
});

test('JSON: other syntax errors get their line and column too (a missing quote, an unclosed string, a comment)', async () => {
  const root = tempDataset({
    'a.png': '',
    'quote.json': '[\n  {"image": "a.png", "caption": ["one]},\n  {"image": "b.png", "caption": ["two"]}\n]\n',
    'key.json': '[\n  {"image": "a.png", caption: ["one"]}\n]\n',
    'comment.json': '[\n  // the first\n  {"image": "a.png", "caption": ["one"]}\n]\n',
  });
  assert.match(await loadError('karpathy-caption', root, { annotations: 'quote.json' }), /quote\.json: not valid JSON at line 2, column 41: a raw line break inside a string: .*or the string's closing quote is missing/);
  assert.match(await loadError('karpathy-caption', root, { annotations: 'key.json' }), /key\.json: not valid JSON at line 2, column 22: expected a property name in double quotes, found 'c'/);
  assert.match(await loadError('karpathy-caption', root, { annotations: 'comment.json' }), /comment\.json: not valid JSON at line 2, column 3: a comment: JSON allows no comments; remove it/);
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
