/**
 * Sample ids are unique within a load (datasets/ids.ts): the Karpathy and AudioCaps id schemes,
 * and the check that turns any repeated id into a failure at the repeat. Scores, --resume and
 * shard merging are keyed by id, so two samples with one id would overwrite or skip each other.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { withUniqueIds } from '../../../datasets/ids.js';
import type { LoaderItem } from '../../../datasets/samples.js';
import { failureAt, load, loadError, removeTempDatasets, sampleIds, summary, tempDataset } from './temp-dataset.js';

const captions = (name: string): string[] => [`${name} one`, `${name} two`];

function karpathy(images: readonly string[], extra: Record<string, string> = {}): string {
  const media = Object.fromEntries(images.map((image) => [image.replace(/^\.\//, ''), '']));
  return tempDataset({ ...media, ...extra, 'ann.json': JSON.stringify(images.map((image) => ({ image, caption: captions(image) }))) });
}

test('karpathy-caption: numeric ids that two images share fall back to image paths for the whole file', async () => {
  const images = ['cat/img_1.png', 'dog/img_1.png', 'cat/img_2.png', 'dog/img_2.png'];
  const items = await load('karpathy-caption', karpathy(images), { annotations: 'ann.json' });
  assert.equal(summary(items), images.map((image) => `caption:${image}`));
  // Each sample keeps its own references: nothing overwritten by an image of the same number.
  for (const [i, item] of items.entries()) assert.equal(item.kind === 'caption' ? item.references : [], captions(images[i]!));
});

test('karpathy-caption: zero-padded and plain numbers that collide (img_0001 / img_1) also fall back to paths', async () => {
  const images = ['a/img_0001.png', 'b/img_1.png'];
  const items = await load('karpathy-caption', karpathy(images), { annotations: 'ann.json' });
  assert.equal(sampleIds(items), images);
});

test('karpathy-caption: numeric ids are kept when each names one image (COCO / Flickr convention)', async () => {
  const images = ['val2014/COCO_val2014_000000391895.jpg', 'other/COCO_val2014_000000000042.jpg', '1000092795.jpg'];
  const items = await load('karpathy-caption', karpathy(images), { annotations: 'ann.json' });
  assert.equal(sampleIds(items), ['391895', '42', '1000092795']);
});

test('karpathy-retrieval: colliding numbers give unique ids, one sample per image with its own captions', async () => {
  const images = ['photos/cat_1.jpg', 'photos/dog_1.jpg'];
  const items = await load('karpathy-retrieval', karpathy(images), { annotations: 'ann.json' });
  assert.equal(summary(items), ['retrieval:photos/cat_1.jpg', 'retrieval:photos/dog_1.jpg']);
  assert.ok(items[1]?.kind === 'retrieval');
  assert.equal(items[1].captions, captions('photos/dog_1.jpg'));
});

test('karpathy-caption: "./a.jpg" and "a.jpg" are one image; a broken entry of a good image gets its own id', async () => {
  const root = tempDataset({
    'x/img_1.png': '', 'y/img_1.png': '',
    'ann.json': JSON.stringify([
      { image: 'x/img_1.png', caption: 'first' },
      { image: './x/img_1.png', caption: 'second' },
      { image: 'y/img_1.png', caption: [] },
      { image: 'y/img_1.png', caption: ['third'] },
    ]),
  });
  const items = await load('karpathy-caption', root, { annotations: 'ann.json' });
  assert.equal(summary(items), ['caption:x/img_1.png', 'failure:row:2', 'caption:y/img_1.png']);
  assert.ok(items[0]?.kind === 'caption');
  assert.equal(items[0].references, ['first', 'second']);
  assert.match(failureAt(items[1]), /has no "caption" string or list of strings @ \/2$/);
});

test('karpathy-caption: a null inside a caption list is pointed at, not called a missing list', async () => {
  const root = tempDataset({ 'a.png': '', 'ann.json': JSON.stringify([{ image: 'a.png', caption: ['one', null, 'three'] }]) });
  const items = await load('karpathy-caption', root, { annotations: 'ann.json' });
  assert.match(failureAt(items[0]), /entry for a\.png: caption 1 is null, not a string; fix or remove it @ \/0\/caption\/1$/);
});

test('karpathy-retrieval: an image repeated in the caption-list (test) layout fails at the repeat, naming the first; nothing is merged', async () => {
  const images = ['1.jpg', '2.jpg', '3.jpg', '1.jpg', './2.jpg'];
  const root = tempDataset({ '1.jpg': '', '2.jpg': '', '3.jpg': '', 'ann.json': JSON.stringify(images.map((image, i) => (i === 4 ? { image, caption: 'one more' } : { image, caption: captions(`${image}#${i}`) }))) });
  const items = await load('karpathy-retrieval', root, { annotations: 'ann.json' });
  assert.equal(summary(items), ['retrieval:1', 'retrieval:2', 'retrieval:3', 'failure:row:3', 'failure:row:4']);
  assert.ok(items[0]?.kind === 'retrieval');
  assert.equal(items[0].captions, captions('1.jpg#0'));
  assert.match(failureAt(items[3]), /^image 1\.jpg is listed again: the entry at .*ann\.json \/0 already has it; .*move these captions into the first entry or remove this one @ \/3$/);
  // A one-caption entry after a caption-list entry is a repeat too.
  assert.match(failureAt(items[4]), /^image \.\/2\.jpg is listed again: the entry at .*ann\.json \/1 already has it/);
});

test('video-caption: two videos with one file stem are told apart by path', async () => {
  const root = tempDataset({ 'a/clip.mp4': '', 'b/clip.mp4': '', 'caps.json': JSON.stringify([{ video: 'a/clip.mp4', caption: 'x' }, { video: 'b/clip.mp4', caption: 'y' }]) });
  const items = await load('video-caption', root, { annotations: 'caps.json' });
  assert.equal(sampleIds(items), ['a/clip.mp4', 'b/clip.mp4']);
});

const SEGMENTS = 'audiocap_id,youtube_id,start_time,caption\n1,abc,0,a tone at the start\n2,abc,0,a tone\n3,abc,30,a noisy segment later\n4,abc,30,noise later\n';

test('audiocaps: rows are grouped by the file the template names, so two segments of one video are two clips', async () => {
  const root = tempDataset({ 'abc_0.wav': '', 'abc_30.wav': '', 'seg.csv': SEGMENTS });
  const items = await load('audiocaps', root, { captions: 'seg.csv' }, { fileTemplate: '{youtube_id}_{start_time}.wav' });
  assert.equal(summary(items), ['caption:abc_0.wav', 'caption:abc_30.wav']);
  const references = items.map((i) => (i.kind === 'caption' ? i.references : []));
  assert.equal(references, [['a tone at the start', 'a tone'], ['a noisy segment later', 'noise later']]);
  assert.ok(items[1]?.kind === 'caption');
  assert.is(items[1].media.path, join(root, 'abc_30.wav'));
});

test('audiocaps: youtube_id stays the id when it names one file; a template without start_time merges the segments', async () => {
  const root = tempDataset({ 'abc.wav': '', 'abc_0.wav': '', 'xyz_5.wav': '', 'seg.csv': SEGMENTS, 'two.csv': 'audiocap_id,youtube_id,start_time,caption\n1,abc,0,a\n2,xyz,5,b\n' });
  const merged = await load('audiocaps', root, { captions: 'seg.csv' });
  assert.equal(summary(merged), ['caption:abc']);
  assert.ok(merged[0]?.kind === 'caption' && merged[0].references.length === 4);
  const distinct = await load('audiocaps', root, { captions: 'two.csv' }, { fileTemplate: '{youtube_id}_{start_time}.wav' });
  assert.equal(summary(distinct), ['caption:abc', 'caption:xyz']);
});

test('audiocaps: a repeated audiocap_id fails at its row naming the first, and its caption is not added again', async () => {
  const rows = ['audiocap_id,youtube_id,start_time,caption', '1,abc,0,a tone', '2,abc,0,a beep', '1,abc,0,a tone', '3,xyz,5,a tone'];
  const root = tempDataset({ 'abc.wav': '', 'xyz.wav': '', 'c.csv': rows.join('\n') + '\n' });
  const items = await load('audiocaps', root, { captions: 'c.csv' });
  assert.equal(summary(items), ['failure:row:4', 'caption:abc', 'caption:xyz']);
  assert.match(failureAt(items[0]), /^audiocap_id 1 appears again: the row on line 2 already has it .*remove this repeat.* @ 4$/);
  // The same text under another id is another annotator's caption, kept.
  assert.equal(items.map((i) => (i.kind === 'caption' ? i.references : [])), [[], ['a tone', 'a beep'], ['a tone']]);
});

test('msvd-qa: a video id the mapping gives two clips fails its questions naming both lines; an identical repeated line is accepted', async () => {
  const questions = [{ id: 1, video_id: 1, question: 'what is it', answer: 'cat' }, { id: 2, video_id: 2, question: 'who is it', answer: 'man' }];
  const mapping = ['a vid1', 'b vid2', 'c vid1', 'b vid2', 'd vid3', 'e vid3'].join('\n') + '\n';
  const root = tempDataset({ 'a.avi': '', 'b.avi': '', 'c.avi': '', 'q.json': JSON.stringify(questions), 'm.txt': mapping });
  const items = await load('msvd-qa', root, { questions: 'q.json', mapping: 'm.txt' });
  assert.equal(summary(items), ['failure:1', 'instruction:2', 'failure:mapping:6']);
  assert.match(failureAt(items[0]), /m\.txt maps vid1 to a on line 1 and to c on line 3; .*remove the wrong line @ \/0$/);
  assert.ok(items[1]?.kind === 'instruction' && items[1].media[0]?.path === join(root, 'b.avi'));
  assert.match(failureAt(items[2]), /m\.txt maps vid3 to d on line 5 and to e on line 6; .* @ 6$/);
});

test('coco-captions and msvd-qa: an integer id beyond 2^53 fails its entry instead of sharing a rounded id', async () => {
  // Written as text: a JS number cannot hold these digits.
  const coco = '{"images": [{"id": 12345678901234567890, "file_name": "a.png"}, {"id": 12345678901234567891, "file_name": "a.png"}, {"id": 7, "file_name": "a.png"}],'
    + ' "annotations": [{"id": 1, "image_id": 12345678901234567890, "caption": "one"}, {"id": 2, "image_id": 12345678901234567891, "caption": "two"}, {"id": 3, "image_id": 7, "caption": "seven"}]}';
  const cocoItems = await load('coco-captions', tempDataset({ 'a.png': '', 'c.json': coco }), { annotations: 'c.json' });
  assert.equal(summary(cocoItems), ['failure:row:0', 'failure:row:1', 'caption:7']);
  assert.match(failureAt(cocoItems[1]), /^the id in field 'id' is too large to be read exactly: .*quote the id as a string .* @ \/images\/1$/);
  const msvd = '[{"id": 98765432109876543210, "video_id": 1, "question": "what is it", "answer": "cat"}, {"id": 2, "video_id": 98765432109876543210, "question": "who", "answer": "man"}, {"id": 3, "video_id": 1, "question": "what", "answer": "dog"}]';
  const msvdItems = await load('msvd-qa', tempDataset({ 'vid1.avi': '', 'q.json': msvd }), { questions: 'q.json' });
  assert.equal(summary(msvdItems), ['failure:row:0', 'failure:row:1', 'instruction:3']);
  assert.match(failureAt(msvdItems[1]), /^the id in field 'video_id' is too large to be read exactly: .* @ \/1$/);
});

test('msvd-qa: a mapping line that is not <clip> vid<N> fails at its line instead of being skipped', async () => {
  const questions = [{ id: 1, video_id: 1, question: 'what is it', answer: 'cat' }];
  const root = tempDataset({ 'a.avi': '', 'q.json': JSON.stringify(questions), 'm.txt': 'a vid1\n\nb\nc vid2 extra\nd 3\n' });
  const items = await load('msvd-qa', root, { questions: 'q.json', mapping: 'm.txt' });
  assert.equal(summary(items), ['failure:mapping:3', 'failure:mapping:4', 'failure:mapping:5', 'instruction:1']);
  assert.match(failureAt(items[0]), /m\.txt line 3: expected '<clip name> vid<N>', got 'b'; fix or remove the line @ 3$/);
});

test('clotho-aqa: consecutive annotator rows merge; the same clip and question coming back later fail at the repeat', async () => {
  const rows = ['file_name,QuestionText,answer,confidence', 'a.wav,is it loud,yes,yes', 'a.wav,is it loud,no,maybe', 'a.wav,what is it,a dog,yes', 'a.wav,is it loud,yes,yes'];
  const root = tempDataset({ 'a.wav': '', 'q.csv': rows.join('\n') + '\n' });
  const items = await load('clotho-aqa', root, { questions: 'q.csv' });
  assert.equal(summary(items), ['failure:row:5', 'instruction:a.wav#0', 'instruction:a.wav#1']);
  assert.ok(items[1]?.kind === 'instruction');
  assert.equal(items[1].answers, ['yes', 'no']);
  assert.match(failureAt(items[0]), /^a\.wav "is it loud" was answered on the rows from line 2 and comes back on the row on line 5 after other rows; .* @ 5$/);
});

test('clotho-aqa: a repeated block of several rows fails as one and adds none of its answers to the first block', async () => {
  const rows = ['file_name,QuestionText,answer,confidence', 'a.wav,is it raining,yes,yes', 'a.wav,is it raining,yes,yes', 'a.wav,is it raining,yes,yes',
    'a.wav,what is it,rain,yes', 'a.wav,is it raining,no,yes', 'a.wav,is it raining,no,yes', 'a.wav,is it raining,no,yes', 'a.wav,what is it,rain,yes'];
  const root = tempDataset({ 'a.wav': '', 'q.csv': rows.join('\n') + '\n' });
  const items = await load('clotho-aqa', root, { questions: 'q.csv' });
  assert.equal(summary(items), ['failure:row:6', 'failure:row:9', 'instruction:a.wav#0', 'instruction:a.wav#1']);
  assert.ok(items[2]?.kind === 'instruction');
  assert.equal(items[2].answers, ['yes', 'yes', 'yes'], 'the repeat\'s "no" rows stay out of the first block');
  assert.match(failureAt(items[0]), /comes back on the rows on lines 6-8 after other rows; .* @ 6$/);
  assert.match(failureAt(items[1]), /^a\.wav "what is it" was answered on the rows from line 5 and comes back on the row on line 9 after other rows/);
});

test('every loader: a repeated id becomes a failure at the repeat that names the first (jsonl)', async () => {
  const root = tempDataset({ 'a.png': '', 'r.jsonl': ['q1', 'q2', 'q1'].map((id) => JSON.stringify({ id, image: 'a.png', question: 'what?', answers: ['x'] })).join('\n') });
  const items = await load('jsonl', root, { records: 'r.jsonl' });
  assert.equal(summary(items).slice(0, 2), ['instruction:q1', 'instruction:q2']);
  assert.is(items[2]?.kind, 'failure');
  assert.match(failureAt(items[2]), /^id 'q1' is used again: the entry at .*r\.jsonl 1 already has it; .* @ 3$/);
  assert.is(new Set(items.map((i) => i.id)).size, items.length);
});

async function collect(items: LoaderItem[]): Promise<LoaderItem[]> {
  async function* source(): AsyncGenerator<LoaderItem> {
    yield* items;
  }
  const out: LoaderItem[] = [];
  for await (const item of withUniqueIds(source())) out.push(item);
  return out;
}

test('withUniqueIds: repeated failures get fresh ids too, even when the obvious fresh id is taken', async () => {
  const at = (n: string): { file: string; at: string } => ({ file: 'f.json', at: n });
  const items = await collect([
    { kind: 'failure', id: 'a', reason: 'image missing', source: at('/0') },
    { kind: 'failure', id: 'a@/1', reason: 'odd id', source: at('/9') },
    { kind: 'failure', id: 'a', reason: 'image missing', source: at('/1') },
  ]);
  const ids = items.map((i) => i.id);
  assert.is(new Set(ids).size, 3);
  assert.equal(ids.slice(0, 2), ['a', 'a@/1']);
  assert.match(failureAt(items[2]), /^id 'a' is used again: the entry at f\.json \/0 already has it.*\(this entry also failed: image missing\) @ \/1$/);
});

test.after(removeTempDatasets);

test('csv: a file without a header row names the fields its first line became', async () => {
  // Flickr30k's results_20130124.token: <image>#<n> TAB caption, no header.
  const rows = ['1000092795.jpg#0\tTwo young guys with shaggy hair look at their hands .', '1000092795.jpg#1\tTwo young , White males are outside near many bushes .'];
  const root = tempDataset({ 'results.token': rows.join('\n') + '\n' });
  const options = { delimiter: '\t', kind: 'caption', idField: 'image', mediaField: 'image', captionsField: 'caption' };
  // Once, for the file, before any row: not the same failure for every row.
  assert.match(await loadError('csv', root, { records: 'results.token' }, options), /results\.token line 1 \(header\): no columns 'image', 'caption', .*\(columns found: '1000092795\.jpg#0', 'Two young guys with shaggy hair look at their hands \.'\); .*no header row: add a header line naming the columns \('image', 'caption'\)/);
});

test.run();
