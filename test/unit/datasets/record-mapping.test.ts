/**
 * The generic CSV / JSONL field mapping on records that used to load as silently wrong samples:
 * an empty answer-index cell (Number('') is 0, the first choice), a caption record without
 * references, several media files for a sample kind that holds one, a numeric id JSON has
 * rounded, a blank id or media path, and a media path that names a folder.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { failureAt, load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const IMAGES = { 'a.png': '', 'b.png': '' };

test('csv: an empty or blank answer-index cell is a failure like an out-of-range index', async () => {
  const rows = ['id,image,question,choices,answer_index', 'q1,a.png,Shape?,circle|square|star,1', 'q2,a.png,Shape?,circle|square|star,', 'q3,a.png,Colour?,red|blue,  ', 'q4,a.png,Colour?,red|blue,0', 'q5,a.png,Colour?,red|blue,2'];
  const items = await load('csv', tempDataset({ ...IMAGES, 'mc.csv': rows.join('\n') }), { records: 'mc.csv' });
  assert.equal(summary(items), ['instruction:q1', 'failure:q2', 'failure:q3', 'instruction:q4', 'failure:q5']);
  assert.match(failureAt(items[1]), /^field 'answer_index' must be an index into the 3 choices \(0 to 2\), got "" @ 3$/);
  assert.match(failureAt(items[2]), /got " {2}" @ 4$/);
  assert.ok(items[3]?.kind === 'instruction');
  assert.equal([items[3].answerIndex, items[3].answers], [0, ['red']]);
});

test('jsonl: answer indices must be whole numbers (a digit string is accepted); booleans, null, fractions and "" fail', async () => {
  const record = (id: string, index: unknown): string => JSON.stringify({ id, image: 'a.png', question: 'q?', choices: ['x', 'y'], answer_index: index });
  const lines = [record('ok-number', 1), record('ok-string', '1'), record('bool', true), record('null', null), record('frac', 0.5), record('empty', ''), record('exp', '1e0')];
  const items = await load('jsonl', tempDataset({ ...IMAGES, 'r.jsonl': lines.join('\n') }), { records: 'r.jsonl' });
  assert.equal(summary(items), ['instruction:ok-number', 'instruction:ok-string', 'failure:bool', 'failure:null', 'failure:frac', 'failure:empty', 'failure:exp']);
  assert.ok(items[1]?.kind === 'instruction' && items[1].answerIndex === 1);
});

test('caption records without references fail at load: empty cell, [] and a blank entry', async () => {
  const csvText = ['id,image,captions', 'c1,a.png,a red circle|a circle', 'c2,a.png,', 'c3,a.png,one||two'].join('\n');
  const csvItems = await load('csv', tempDataset({ ...IMAGES, 'cap.csv': csvText }), { records: 'cap.csv' }, { kind: 'caption' });
  assert.equal(summary(csvItems), ['caption:c1', 'failure:c2', 'failure:c3']);
  assert.match(failureAt(csvItems[1]), /^field 'captions' has no captions; a caption sample needs at least one @ 3$/);
  assert.match(failureAt(csvItems[2]), /^field 'captions': caption 2 of 3 is empty @ 4$/);
  const jsonlText = [JSON.stringify({ id: 'j1', image: 'a.png', captions: [] }), JSON.stringify({ id: 'j2', image: 'a.png', captions: ['fine'] })].join('\n');
  const jsonlItems = await load('jsonl', tempDataset({ ...IMAGES, 'cap.jsonl': jsonlText }), { records: 'cap.jsonl' }, { kind: 'retrieval' });
  assert.equal(summary(jsonlItems), ['failure:j1', 'retrieval:j2']);
});

test('two media files fail for caption, retrieval and vqa records (one input each); instruction records keep both', async () => {
  const text = JSON.stringify({ id: 'two', image: ['a.png', 'b.png'], question: 'which?', captions: ['c'], answers: ['a'] });
  const root = tempDataset({ ...IMAGES, 'r.jsonl': text });
  for (const kind of ['caption', 'retrieval', 'vqa']) {
    const items = await load('jsonl', root, { records: 'r.jsonl' }, { kind });
    assert.match(failureAt(items[0]), new RegExp(`^field 'image' names 2 files; a ${kind} sample takes one @ 1$`));
  }
  const instruction = await load('jsonl', root, { records: 'r.jsonl' }, { kind: 'instruction' });
  assert.ok(instruction[0]?.kind === 'instruction');
  assert.is(instruction[0].media.length, 2);
});

test('jsonl: an integer id beyond 2^53 fails as too large to be read exactly, instead of two records sharing a rounded id', async () => {
  // Written as text: JSON.stringify of a JS number could not hold these digits either.
  const lines = [
    '{"id": 12345678901234567890, "image": "a.png", "captions": ["big a"]}',
    '{"id": 12345678901234567891, "image": "a.png", "captions": ["big b"]}',
    '{"id": 9007199254740991, "image": "a.png", "captions": ["largest exact"]}',
    '{"id": 1.5, "image": "a.png", "captions": ["fraction"]}',
    '{"id": -12345678901234567890, "image": "a.png", "captions": ["negative"]}',
  ];
  const items = await load('jsonl', tempDataset({ ...IMAGES, 'r.jsonl': lines.join('\n') }), { records: 'r.jsonl' }, { kind: 'caption' });
  assert.equal(summary(items), ['failure:row:0', 'failure:row:1', 'caption:9007199254740991', 'caption:1.5', 'failure:row:4']);
  for (const [i, line] of [[0, 1], [1, 2], [4, 5]] as const) {
    assert.match(failureAt(items[i]), new RegExp(`^the id in field 'id' is too large to be read exactly: .*9007199254740991.*quote the id as a string in the file \\("id": "<its digits>"\\) @ ${line}$`));
    assert.ok(items[i]!.source.file.endsWith('r.jsonl'));
  }
});

test('a blank media path fails like a missing field, in JSON and in a CSV list, instead of naming the media root', async () => {
  const lines = [{ id: 'empty', image: '' }, { id: 'blank', image: '  ' }, { id: 'in-list', image: ['a.png', ''] }].map((r) => JSON.stringify({ ...r, question: 'q?' }));
  const items = await load('jsonl', tempDataset({ ...IMAGES, 'r.jsonl': lines.join('\n') }), { records: 'r.jsonl' });
  assert.equal(summary(items), ['failure:empty', 'failure:blank', 'failure:in-list']);
  for (const [i, item] of items.entries()) assert.match(failureAt(item), new RegExp(`^missing or malformed field 'image' @ ${i + 1}$`));
  const csvItems = await load('csv', tempDataset({ ...IMAGES, 'r.csv': 'id,image,question\nc1,,q?\nc2,a.png|,q?\n' }), { records: 'r.csv' });
  assert.equal(csvItems.map(failureAt), ["missing or malformed field 'image' @ 2", "missing or malformed field 'image' @ 3"]);
});

test('a media path naming a folder fails at load for image, audio and point clouds; a video may be a frame folder', async () => {
  const root = tempDataset({ 'clips/a.wav': '', 'frames/0001.png': '', 'r.jsonl': ['.', 'clips', 'frames/'].map((image, i) => JSON.stringify({ id: `r${i}`, image, question: 'q?' })).join('\n') });
  for (const modality of ['image', 'audio', 'pointcloud']) {
    const items = await load('jsonl', root, { records: 'r.jsonl' }, { modality });
    assert.equal(summary(items), ['failure:r0', 'failure:r1', 'failure:r2'], modality);
    assert.match(failureAt(items[1]), new RegExp(`^${modality} path is a folder, not a file: .*clips; name the ${modality} file itself @ 2$`));
  }
  const video = await load('jsonl', root, { records: 'r.jsonl' }, { modality: 'video' });
  assert.equal(summary(video), ['instruction:r0', 'instruction:r1', 'instruction:r2']);
});

test('ids: an empty id is refused, and an id of the wrong type is named as such rather than missing', async () => {
  const lines = [{ id: '' }, { id: ' ' }, { id: true }, { id: null }, { id: ['x'] }, {}].map((r) => JSON.stringify({ ...r, image: 'a.png', question: 'q?' }));
  const items = await load('jsonl', tempDataset({ ...IMAGES, 'r.jsonl': lines.join('\n') }), { records: 'r.jsonl' });
  assert.equal(items.map(failureAt), [
    "id field 'id' is empty; give the record an id, unique in the file @ 1",
    "id field 'id' is empty; give the record an id, unique in the file @ 2",
    "id field 'id' must be a string or a number, got true @ 3",
    "id field 'id' must be a string or a number, got null @ 4",
    "id field 'id' must be a string or a number, got a list @ 5",
    "missing id field 'id' (the record has 'image', 'question'; name the right one in the dataset options, or add the header row a CSV without one lacks) @ 6",
  ]);
  const csvItems = await load('csv', tempDataset({ ...IMAGES, 'r.csv': 'id,image,question\n,a.png,q?\n' }), { records: 'r.csv' });
  assert.equal(csvItems.map(failureAt), ["id field 'id' is empty; give the record an id, unique in the file @ 2"]);
});

test.after(removeTempDatasets);

test('options that measure nothing fail at load: one option, an empty one, two alike, more than 26, a JSON string', async () => {
  const record = (id: string, choices: unknown, answer = 0): string => JSON.stringify({ id, image: 'a.png', question: 'q?', choices, answer_index: answer });
  const letters = Array.from({ length: 27 }, (_, i) => `opt${i}`);
  const lines = [record('ok', ['red', 'blue'], 1), record('one', ['yes']), record('empty', ['', 'x'], 1), record('twins', ['red', 'red'], 1),
    record('many', letters), record('string', 'a|b'), record('open', [])];
  const items = await load('jsonl', tempDataset({ ...IMAGES, 'r.jsonl': lines.join('\n') }), { records: 'r.jsonl' });
  assert.equal(summary(items), ['instruction:ok', 'failure:one', 'failure:empty', 'failure:twins', 'failure:many', 'failure:string', 'instruction:open']);
  assert.match(failureAt(items[1]), /^field 'choices' has one option \("yes"\); multiple choice needs at least two @ 2$/);
  assert.match(failureAt(items[2]), /^field 'choices': option 1 of 2 is empty @ 3$/);
  assert.match(failureAt(items[3]), /^field 'choices': option 2 \("red"\) repeats option 1; options must differ/);
  assert.match(failureAt(items[4]), /has 27 options; the options are lettered \(a\) to \(z\) as LAVIS writes them, so at most 26 @ 5$/);
  assert.match(failureAt(items[5]), /^field 'choices' must be a list of options, got the string "a\|b"; write it as a JSON list @ 6$/);
  // A CSV cell is split on the separator: a stray '||' leaves an empty option.
  const csvText = ['id,image,question,choices,answer_index', 'c1,a.png,Which?,a||b,0'].join('\n');
  const csvItems = await load('csv', tempDataset({ ...IMAGES, 'mc.csv': csvText }), { records: 'mc.csv' });
  assert.match(failureAt(csvItems[0]), /^field 'choices': option 2 of 3 is empty @ 2$/);
});

test('jsonl: numbers in answers and choices are their text, as ids and questions are', async () => {
  const lines = [JSON.stringify({ id: 'count', image: 'a.png', question: 'How many?', answers: [1, 1, 2] }), JSON.stringify({ id: 'mc', image: 'a.png', question: 'How many?', choices: [3, 4, 5], answer_index: 2 }), JSON.stringify({ id: 'single', image: 'a.png', question: 'How many?', answers: 2 })];
  const items = await load('jsonl', tempDataset({ ...IMAGES, 'n.jsonl': lines.join('\n') }), { records: 'n.jsonl' });
  assert.equal(summary(items), ['instruction:count', 'instruction:mc', 'instruction:single']);
  assert.ok(items[0]?.kind === 'instruction' && items[1]?.kind === 'instruction' && items[2]?.kind === 'instruction');
  assert.equal(items[0].answers, ['1', '1', '2']);
  assert.equal([items[1].choices, items[1].answers], [['3', '4', '5'], ['5']]);
  assert.equal(items[2].answers, ['2']);
});

test.run();
