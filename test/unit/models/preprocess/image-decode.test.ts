import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
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

test('stray bytes between JPEG segments (skipped by PIL) do not change how a CMYK JPEG converts', async () => {
  const clean = readFileSync(join(FIXTURES, 'cmyk_80x60.jpg'));
  const sof = clean.findIndex((b, i) => b === 0xff && clean[i + 1] === 0xc0);
  assert.ok(sof > 2, 'the fixture has a baseline frame header');
  const withJunk = Buffer.concat([clean.subarray(0, sof), Buffer.from([0x00, 0x13]), clean.subarray(sof)]);
  const expected = await decodeImage(clean, 'clean.jpg');
  const decoded = await decodeImage(withJunk, 'junk.jpg');
  assert.is(Buffer.compare(Buffer.from(decoded.data), Buffer.from(expected.data)), 0, 'pixels differ from the clean file');
});

/** A valid PNG header of width x height with an empty image stream (the size check comes first). */
function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1))), chunk('IEND', Buffer.alloc(0))]);
}

test('an image over the pixel limit says so and what to do, not "corrupt"', async () => {
  try {
    await decodeImage(pngHeader(20000, 20000), 'huge.png');
    assert.unreachable('a 400-megapixel image was decoded');
  } catch (error) {
    assert.instance(error, ImageDecodeError);
    const message = (error as Error).message;
    assert.ok(message.includes('huge.png') && message.includes('limit of 268402689 pixels') && message.includes('downscale'), message);
    assert.not.ok(message.includes('corrupt'), message);
  }
});

test.run();
