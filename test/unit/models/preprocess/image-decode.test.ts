import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ImageDecodeError, decodeImage, decodeImageFile, sniffImageFormat } from '../../../../models/preprocess/image-decode.js';

const FIXTURES = 'test/fixtures/images';
const dir = mkdtempSync(join(tmpdir(), 'vlbench-decode-'));

async function rejects(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, ImageDecodeError);
    for (const f of fragments) assert.ok((error as Error).message.includes(f), `"${(error as Error).message}" lacks "${f}"`);
    return;
  }
  assert.unreachable('expected a decode error');
}

test('formats are recognised by signature, not by extension', () => {
  assert.is(sniffImageFormat(readFileSync(join(FIXTURES, 'photo_coffee_300x200.jpg'))), 'jpeg');
  assert.is(sniffImageFormat(readFileSync(join(FIXTURES, 'rgba_128x96.png'))), 'png');
  assert.is(sniffImageFormat(readFileSync(join(FIXTURES, 'webp_lossy_120x90.webp'))), 'webp');
  assert.is(sniffImageFormat(new TextEncoder().encode('GIF89a......')), undefined);
});

test('EXIF orientation is not applied (PIL keeps the stored 120x80 layout)', async () => {
  const image = await decodeImageFile(join(FIXTURES, 'exif_orientation6_120x80.jpg'));
  assert.is(image.width, 120);
  assert.is(image.height, 80);
});

test('RGBA drops alpha instead of compositing: a fully transparent pixel keeps its colour', async () => {
  // make_images.py sets alpha 0 on the 20x20 top-left corner; PIL's convert("RGB") keeps the RGB there.
  const image = await decodeImageFile(join(FIXTURES, 'rgba_128x96.png'));
  const [r, g, b] = image.data.subarray(0, 3);
  assert.ok(r !== 0 || g !== 0 || b !== 0, 'transparent pixel came out black (alpha was composited)');
});

test('16-bit grayscale clamps to 0..255 like PIL mode I -> RGB', async () => {
  // Columns 0-4 hold 0, 60, 120, 180, 240; the rest of the ramp is >= 256 except the first rows.
  const image = await decodeImageFile(join(FIXTURES, 'gray16_50x40.png'));
  assert.equal(Array.from({ length: 5 }, (_, x) => image.data[x * 3]), [0, 60, 120, 180, 240]);
  assert.is(image.data[image.data.length - 1], 255);
});

test('a missing file names the path', async () => {
  await rejects(decodeImageFile(join(dir, 'nope.jpg')), 'nope.jpg', 'cannot read');
});

test('a non-image names the path and the accepted formats', async () => {
  const path = join(dir, 'notes.jpg');
  writeFileSync(path, 'hello, not an image');
  await rejects(decodeImageFile(path), path, 'not a JPEG, PNG or WebP');
  await rejects(decodeImage(new Uint8Array(0), 'empty.png'), 'empty.png', 'empty');
});

test('truncated JPEG and PNG are errors, as in PIL ("image file is truncated")', async () => {
  for (const [name, keep] of [['photo_coffee_300x200.jpg', 3000], ['photo_chelsea_150x100.png', 5000]] as const) {
    const path = join(dir, `cut-${name}`);
    writeFileSync(path, readFileSync(join(FIXTURES, name)).subarray(0, keep));
    await rejects(decodeImageFile(path), path, 'corrupt or truncated');
  }
});

test.run();
