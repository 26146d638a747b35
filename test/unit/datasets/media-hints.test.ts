/**
 * A media file that is not found still fails, but its message gets one hint when a likely cause
 * shows (datasets/media-hints.ts): a name in the folder that differs only in Unicode
 * normalization, letter case or whitespace (named), a Windows separator or drive letter, an
 * absolute path (mediaRoot does not apply), whitespace around a name, and an AudioCaps start_time
 * written as a float where the file name template uses it. A plain missing file gets no hint.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { failureAt, load, removeTempDatasets, summary, tempDataset } from './temp-dataset.js';

const NFD_CAFE = 'cafe\u0301';
const NFC_CAFE = 'caf\u00e9';

/** The failure reason of a Karpathy entry naming `image`, with media under `files`. */
async function reasonFor(image: string, files: Readonly<Record<string, string>>): Promise<{ root: string; reason: string }> {
  const root = tempDataset({ ...files, 'k.json': JSON.stringify([{ image, caption: 'c' }]) });
  const items = await load('karpathy-caption', root, { annotations: 'k.json' });
  return { root, reason: failureAt(items[0]) };
}

test('a name that differs only in Unicode normalization, letter case or whitespace is named, for files and folders', async () => {
  const disk = { [`img/${NFD_CAFE}_2.png`]: '', 'img/img_3.jpg': '', 'img/a_1.png': '' };
  const nfc = await reasonFor(`img/${NFC_CAFE}_2.png`, disk);
  assert.is(nfc.reason, `image file not found: ${join(nfc.root, `img/${NFC_CAFE}_2.png`)}; the folder has '${NFD_CAFE}_2.png', the same name in another Unicode normalization (NFD on disk, NFC in the annotation; they print alike): write the name as the disk has it, or rename the file @ /0`);
  assert.match((await reasonFor('img/IMG_3.JPG', disk)).reason, /IMG_3\.JPG; the folder has 'img_3\.jpg', which differs only in letter case \(file names are case-sensitive here\) @ \/0$/);
  assert.match((await reasonFor('IMG/a_1.png', disk)).reason, /IMG\/a_1\.png; the folder has 'img', which differs only in letter case/);
  assert.match((await reasonFor('img/a_1.png ', disk)).reason, /a_1\.png ; the folder has 'a_1\.png', which differs only in whitespace \(invisible in the path above\) @ \/0$/);
});

test('Windows separators and drive letters, absolute paths and whitespace around a name are named', async () => {
  const disk = { 'img/a_1.png': '' };
  assert.match((await reasonFor('img\\a_1.png', disk)).reason, /img\\a_1\.png; the path contains '\\' \(a Windows separator\): write '\/' @ \/0$/);
  assert.match((await reasonFor('C:\\Users\\bob\\img\\a_1.png', disk)).reason, /; 'C:\\' starts a Windows absolute path, which names no file here: write the path relative to mediaRoot, with '\/' @ \/0$/);
  const absolute = await reasonFor('/nonexistent-vlbench-folder/img/a_1.png', disk);
  assert.is(absolute.reason, `image file not found: /nonexistent-vlbench-folder/img/a_1.png; the path is absolute, so it is not resolved against mediaRoot (${absolute.root}): write it relative to mediaRoot @ /0`);
  assert.match((await reasonFor('img/b_2.png ', disk)).reason, /; the name 'b_2\.png ' has whitespace at its start or end, or before its extension \(invisible in the path above\): remove it from the annotation @ \/0$/);
  const plain = await reasonFor('img/b_2.png', disk);
  assert.is(plain.reason, `image file not found: ${join(plain.root, 'img/b_2.png')} @ /0`);
});

test('AudioCaps: a start_time written as a float, used by the file name template, is named with the whole number', async () => {
  const header = 'audiocap_id,youtube_id,start_time,caption\n';
  const root = tempDataset({ 'abc_30.wav': '', 'float.csv': `${header}1,abc,30.0,a dog barks\n2,abc,30.0,wind\n`, 'int.csv': `${header}1,abc,30,a dog barks\n` });
  const options = { fileTemplate: '{youtube_id}_{start_time}.wav' };
  const items = await load('audiocaps', root, { captions: 'float.csv' }, options);
  assert.equal(summary(items), ['failure:abc']);
  assert.match(failureAt(items[0]), /abc_30\.0\.wav; its start_time '30\.0' is written with a decimal point .*template '\{youtube_id\}_\{start_time\}\.wav' puts it in the name as written: write start_time as a whole number \('30'\) @ 2$/);
  assert.equal(summary(await load('audiocaps', root, { captions: 'int.csv' }, options)), ['caption:abc']);
});

test.after(removeTempDatasets);

test.run();
