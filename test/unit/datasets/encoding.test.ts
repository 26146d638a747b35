/**
 * Text encodings (datasets/text-encoding.ts): bytes that are not UTF-8 (a Latin-1/Windows-1252
 * file from Excel or Notepad) stop the load at the file, line, column and byte, with the command
 * that converts the file, instead of loading U+FFFD into references; a UTF-16 file is named as
 * such, by its byte order mark, in every format; a NUL byte is named as UTF-16 without a mark. The
 * line reader splits '\r\n', '\n' and '\r' like readline, also where a line break or a character
 * falls across the reader's 64 KiB chunks. A byte order mark starting a later JSON Lines line is named.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readLines } from '../../../datasets/io.js';
import { failureAt, load, loadError, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const utf16le = (text: string): Buffer => Buffer.from(`\uFEFF${text}`, 'utf16le');
const utf16be = (text: string): Buffer => utf16le(text).swap16();
const E_ACUTE_LATIN1 = [0xe9];
const jsonl = (id: string, question: string): string => `${JSON.stringify({ id, image: 'a.png', question, answers: ['x'] })}\n`;

test('not UTF-8: a Latin-1 byte stops a JSON load, naming the file, line, column, byte offset, byte and the iconv command', async () => {
  const root = tempDataset({
    'a.png': '', 'k.json': bytes('[{"image": "a.png", "caption": ["un caf', E_ACUTE_LATIN1, ' bleu"]}]'),
    // A UTF-8 byte order mark before it (mixed encodings): not a column in an editor, but 3 bytes.
    'bom.json': bytes('\uFEFF["caf', E_ACUTE_LATIN1, '"]'),
  });
  const file = join(root, 'k.json');
  const expected = `${file} line 1, column 40 (byte offset 39, after ' "caption": ["un caf'): not UTF-8 (byte 0xE9; the file looks Latin-1/Windows-1252, as Excel and Notepad save it): re-save it as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8 '${file}' > '${join(root, 'k.utf8.json')}'`;
  assert.is(await loadError('karpathy-caption', root, { annotations: 'k.json' }), expected);
  assert.match(await loadError('vizwiz', root, { annotations: 'k.json' }), /k\.json line 1, column 40 \(byte offset 39, .*\): not UTF-8 \(byte 0xE9; /);
  assert.match(await loadError('karpathy-caption', root, { annotations: 'bom.json' }), /bom\.json line 1, column 6 \(byte offset 8, after '\["caf'\): not UTF-8 \(byte 0xE9; /);
});

test('not UTF-8: CSV and text lists give the editor\'s line (CRLF, lone CR) and the column in characters', async () => {
  const root = tempDataset({
    'a.png': '', 'chair/chair_0001.txt': '',
    'r.csv': bytes('id,image,captions\r\nc1,a.png,un caf', E_ACUTE_LATIN1, '\r\n'),
    // 'é' in UTF-8 on line 2 is one character, two bytes.
    'names.txt': bytes('chair\rtablé\rcaf', E_ACUTE_LATIN1, '\r'),
  });
  assert.match(await loadError('csv', root, { records: 'r.csv' }, { kind: 'caption' }), /r\.csv line 2, column 16 \(byte offset 34, after 'c1,a\.png,un caf'\): not UTF-8 \(byte 0xE9; the file looks Latin-1\/Windows-1252/);
  assert.match(await loadError('modelnet', root, { shapeNames: 'names.txt', shapes: 'names.txt' }), /names\.txt line 3, column 4 \(byte offset 16, after 'caf'\): not UTF-8 \(byte 0xE9;/);
});

test('not UTF-8: JSON Lines stops at the line even past the first chunk; two high bytes in a row name other encodings', async () => {
  const good = Array.from({ length: 2999 }, (_, i) => jsonl(`r${i}`, 'what is it?')).join('');
  const root = tempDataset({
    'a.png': '',
    'r.jsonl': bytes(good, '{"id":"b","image":"a.png","question":"caf', E_ACUTE_LATIN1, '?","answers":["x"]}\n'),
    'sjis.json': bytes('[{"image": "a.png", "caption": ["', [0x93, 0xfa, 0x96, 0x7b], '"]}]'),
  });
  assert.match(await loadError('jsonl', root, { records: 'r.jsonl' }), new RegExp(`r\\.jsonl line 3000, column 42 \\(byte offset ${Buffer.byteLength(good) + 41}, after '.*question":"caf'\\): not UTF-8 \\(byte 0xE9;`));
  assert.match(await loadError('karpathy-caption', root, { annotations: 'sjis.json' }), /sjis\.json line 1, column 34 .*: not UTF-8 \(byte 0x93 0xFA; the file was saved in another encoding, such as Windows-1252, Shift-JIS or GBK\): re-save it as UTF-8, e\.g\. iconv -f <its encoding> -t UTF-8 /);
});

test('UTF-8 text loads unchanged: accented captions, and a character or CRLF across the line reader\'s chunks', async () => {
  const root = tempDataset({
    'a.png': '',
    'k.json': '[{"image": "a.png", "caption": ["un café “bleu”"]}]',
    // 'é' takes bytes 65535-65536 and '\r\n' bytes 131071-131072: both straddle a 64 KiB chunk end.
    'long.txt': `${'x'.repeat(65535)}é\r\n${'y'.repeat(65532)}\r\nz\rw`,
  });
  const items = await load('karpathy-caption', root, { annotations: 'k.json' });
  assert.ok(items[0]?.kind === 'caption');
  assert.equal(items[0].references, ['un café “bleu”']);
  const lines: string[] = [];
  for await (const { line, number } of readLines(join(root, 'long.txt'))) lines.push(`${number}:${line.slice(0, 1)}${line.length}`);
  assert.equal(lines, ['1:x65536', '2:y65532', '3:z1', '4:w1']);
});

test('UTF-16: every format stops with one message naming the byte order mark and the conversion', async () => {
  const root = tempDataset({
    'a.png': '', 'aaa.wav': '',
    'k.json': utf16le('[{"image": "a.png", "caption": ["c"]}]'),
    'q.json': utf16be('{"questions": []}'),
    'r.jsonl': utf16le(jsonl('j1', 'q?').replace('\n', '\r\n').repeat(2)),
    'r.csv': utf16le('id\timage\tcaptions\r\nc1\ta.png\tx\r\n'),
    'ac.csv': utf16le('audiocap_id,youtube_id,start_time,caption\r\n1,aaa,0,wind\r\n'),
    'names.txt': utf16le('chair\r\ntable\r\n'),
  });
  const cases = [
    ['karpathy-caption', { annotations: 'k.json' }, {}, 'k.json', 'FF FE'],
    ['vqav2', { questions: 'q.json' }, {}, 'q.json', 'FE FF'],
    ['jsonl', { records: 'r.jsonl' }, {}, 'r.jsonl', 'FF FE'],
    ['csv', { records: 'r.csv' }, { kind: 'caption', delimiter: '\t' }, 'r.csv', 'FF FE'],
    ['audiocaps', { captions: 'ac.csv' }, {}, 'ac.csv', 'FF FE'],
    ['modelnet', { shapeNames: 'names.txt', shapes: 'names.txt' }, {}, 'names.txt', 'FF FE'],
  ] as const;
  for (const [loader, files, options, name, mark] of cases) {
    const file = join(root, name);
    const converted = join(root, name.replace(/\.(\w+)$/, '.utf8.$1'));
    const message = await loadError(loader, root, files, options);
    assert.ok(message.startsWith(`${file}: UTF-16 text (byte order mark ${mark}), not UTF-8: save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8 '${file}' > '${converted}'`), `${loader}: ${message}`);
  }
});

test('a NUL byte (UTF-16 without a byte order mark) is named as such', async () => {
  const root = tempDataset({ 'a.png': '', 'r.jsonl': Buffer.from(jsonl('j1', 'q?'), 'utf16le') });
  assert.match(await loadError('jsonl', root, { records: 'r.jsonl' }), /r\.jsonl line 1, column 2 \(byte offset 1, after '\{'\): a NUL byte, .*UTF-16 without a byte order mark .*iconv -f UTF-16LE -t UTF-8 /);
});

test('JSON Lines: a byte order mark starting a later line (files joined) fails that line, naming the mark', async () => {
  const root = tempDataset({ 'a.png': '', 'r.jsonl': `\uFEFF${jsonl('j1', 'q?')}${jsonl('j2', 'q?')}\uFEFF${jsonl('j3', 'q?')}` });
  const items = await load('jsonl', root, { records: 'r.jsonl' });
  assert.equal(summary(items), ['instruction:j1', 'instruction:j2', 'failure:row:3']);
  assert.match(failureAt(items[2]), /^the line starts with a byte order mark \(U\+FEFF, invisible in editors\): files joined together, .* @ 3$/);
});

test.after(removeTempDatasets);

test.run();
