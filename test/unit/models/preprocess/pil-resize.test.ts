import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bicubicCoefficients, cropImage, resizeBicubic, resizeBicubicPortable } from '../../../../models/preprocess/pil-resize.js';
import type { PixelImage } from '../../../../models/preprocess/pil-resize.js';

interface FuzzCase {
  width: number;
  height: number;
  outWidth: number;
  outHeight: number;
  box?: [number, number, number, number];
  sha256: string;
}
const cases = JSON.parse(readFileSync('test/golden/preprocess/resize-fuzz.json', 'utf8')) as FuzzCase[];

/** The hash pattern of make_resize_fuzz.py: Math.imul gives the product modulo 2^32 exactly. */
function pattern(w: number, h: number): PixelImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        data[(y * w + x) * 3 + c] = Math.imul(x * 7919 + y * 104729 + c * 31337 + w * 13 + h * 17, 2654435761 | 0) >>> 24;
      }
    }
  }
  return { width: w, height: h, channels: 3, data };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('150 random up/down/one-axis resizes and 20 source boxes of a high-frequency pattern: SIMD and portable both equal PIL', () => {
  assert.ok(cases.length >= 150);
  for (const c of cases) {
    const image = pattern(c.width, c.height);
    const box = c.box ? { x0: c.box[0], y0: c.box[1], x1: c.box[2], y1: c.box[3] } : undefined;
    const label = `${c.width}x${c.height} -> ${c.outWidth}x${c.outHeight}${c.box ? ` box ${c.box.join(',')}` : ''}`;
    assert.is(sha256(resizeBicubic(image, c.outWidth, c.outHeight, box).data), c.sha256, `SIMD ${label}`);
    if (c.width * c.height <= 120_000) assert.is(sha256(resizeBicubicPortable(image, c.outWidth, c.outHeight, box).data), c.sha256, `portable ${label}`);
  }
});

test('coefficients: a 2x downscale uses support 4 (8 taps), weights sum to 2^22 after rounding', () => {
  const c = bicubicCoefficients(100, 0, 100, 50);
  assert.is(c.ksize, 2 * 4 + 1);
  const inner = 10;
  assert.is(c.count[inner], 8);
  let sum = 0;
  for (let t = 0; t < c.count[inner]!; t++) sum += c.weights[inner * c.ksize + t]!;
  assert.ok(Math.abs(sum - 2 ** 22) <= 4, `sum ${sum}`);
});

test('bad sizes and crops outside the image are errors', () => {
  const image = pattern(4, 4);
  assert.throws(() => resizeBicubic(image, 0, 3), /target width must be a positive integer/);
  assert.throws(() => resizeBicubic({ ...image, data: new Uint8Array(5) }, 3, 3), /pixel buffer has 5 bytes/);
  assert.throws(() => cropImage(image, 2, 0, 3, 3), /exceeds the 4×4 image/);
});

test.run();
