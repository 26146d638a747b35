import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImageFile } from '../../../../models/preprocess/image-decode.js';
import type { RgbImage } from '../../../../models/preprocess/image-decode.js';
import { resizeBicubic, resizeBicubicPortable } from '../../../../models/preprocess/pil-resize.js';
import { simdKernels } from '../../../../models/preprocess/resize-kernels.js';
import { CLIP_MEAN, CLIP_STD, imageToTensor, normalisationTable, normaliseToChw, resizeForModel, roundHalfEven, shorterSideSize } from '../../../../models/preprocess/image.js';
import { parseNpy } from '../../../../models/preprocess/npy.js';

const FIXTURES = 'test/fixtures/images';
const GOLDEN = 'test/golden/preprocess';

interface GoldenCase {
  image: string;
  kind: 'stretch' | 'crop' | 'exact';
  size?: number;
  width?: number;
  height?: number;
  outWidth: number;
  outHeight: number;
  sha256: string;
}
interface Golden {
  images: Record<string, { mode: string; width: number; height: number; rgbSha256: string }>;
  cases: GoldenCase[];
  fullBytes: Record<string, number[]>;
}
const golden = JSON.parse(readFileSync(join(GOLDEN, 'image-resize.json'), 'utf8')) as Golden;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const decoded = new Map<string, RgbImage>();
async function load(name: string): Promise<RgbImage> {
  let image = decoded.get(name);
  if (!image) {
    image = await decodeImageFile(join(FIXTURES, name));
    decoded.set(name, image);
  }
  return image;
}

test('fixture set covers at least 20 images of every required kind', () => {
  const names = Object.keys(golden.images);
  assert.ok(names.length >= 20, `${names.length} images`);
  const modes = new Set(Object.values(golden.images).map((i) => i.mode));
  for (const mode of ['RGB', 'RGBA', 'L', 'LA', 'P', 'I', 'CMYK', '1']) assert.ok(modes.has(mode), `no ${mode} fixture`);
  for (const ext of ['.jpg', '.png', '.webp']) assert.ok(names.some((n) => n.endsWith(ext)), `no ${ext} fixture`);
});

test('decoding matches PIL Image.open(...).convert("RGB") byte for byte on every fixture', async () => {
  for (const [name, expected] of Object.entries(golden.images)) {
    const image = await load(name);
    assert.is(`${image.width}x${image.height}`, `${expected.width}x${expected.height}`, name);
    assert.is(sha256(image.data), expected.rgbSha256, `${name} (PIL mode ${expected.mode}) decoded differently`);
  }
});

test('the WebAssembly SIMD kernels compile on this runtime (so the fast path is what gets tested)', () => {
  assert.ok(simdKernels() !== null);
});

test('resize output is byte-identical to PIL BICUBIC for every golden case (SIMD path)', async () => {
  let checked = 0;
  for (const c of golden.cases) {
    const image = await load(c.image);
    const out = c.kind === 'exact' ? resizeBicubic(image, c.width!, c.height!) : resizeForModel(image, c.size!, c.kind);
    const label = `${c.image} ${c.kind} ${c.size ?? `${c.width}x${c.height}`}`;
    assert.is(`${out.width}x${out.height}`, `${c.outWidth}x${c.outHeight}`, label);
    const key = `${c.image}:${JSON.stringify(c.kind === 'exact' ? { height: c.height, kind: c.kind, width: c.width } : { kind: c.kind, size: c.size })}`;
    const full = golden.fullBytes[key];
    if (full) assert.equal(Array.from(out.data), full, label);
    assert.is(sha256(out.data), c.sha256, label);
    checked++;
  }
  assert.ok(checked >= 200, `only ${checked} cases`);
});

test('portable TypeScript resize is byte-identical to PIL on every golden case', async () => {
  for (const c of golden.cases) {
    const image = await load(c.image);
    const [w, h] = c.kind === 'exact' ? [c.width!, c.height!] : c.kind === 'stretch' ? [c.size!, c.size!] : [0, 0];
    if (w === 0) continue; // crop cases differ from stretch only in geometry, covered above
    assert.is(sha256(resizeBicubicPortable(image, w, h).data), c.sha256, `${c.image} ${w}x${h}`);
  }
});

test('normalisation table equals torch ToTensor + Normalize for every byte value', () => {
  const bytes = readFileSync(join(GOLDEN, 'normalize_lut_3x256.npy'));
  const lut = parseNpy(bytes, 'normalize_lut_3x256.npy');
  assert.equal(lut.shape, [3, 256]);
  const tables = normalisationTable(CLIP_MEAN, CLIP_STD);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) assert.is(tables[c]![v], lut.data[c * 256 + v], `channel ${c} value ${v}`);
  }
});

test('normaliseToChw (SIMD body + scalar tail) gives torch\'s float32 bits for every byte value and channel', () => {
  const lut = parseNpy(readFileSync(join(GOLDEN, 'normalize_lut_3x256.npy')), 'lut');
  // 259 pixels (not a multiple of 4): pixel i holds values (i, i*7, i*13) mod 256 in R, G, B.
  const width = 37;
  const height = 7;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = i % 256;
    data[i * 3 + 1] = (i * 7) % 256;
    data[i * 3 + 2] = (i * 13) % 256;
  }
  const out = normaliseToChw({ width, height, channels: 3, data });
  const plane = width * height;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) assert.is(out[c * plane + i], lut.data[c * 256 + data[i * 3 + c]!], `pixel ${i} channel ${c}`);
  }
  const values = new Set(Array.from({ length: plane }, (_, i) => data[i * 3]));
  assert.is(values.size, 256);
});

for (const [file, fixture, kind] of [
  ['tensor_stretch16_photo_coffee_300x200.npy', 'photo_coffee_300x200.jpg', 'stretch'],
  ['tensor_crop16_rgb_tall_23x311.npy', 'rgb_tall_23x311.png', 'crop'],
] as const) {
  test(`end-to-end tensor for ${fixture} (${kind} 16) matches PIL + torch within 1e-6`, async () => {
    const expected = parseNpy(readFileSync(join(GOLDEN, file)), file);
    const tensor = imageToTensor(await load(fixture), { size: 16, resize: kind });
    assert.equal([...tensor.dims], expected.shape);
    let maxDiff = 0;
    for (let i = 0; i < tensor.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tensor.data[i]! - expected.data[i]!));
    assert.ok(maxDiff <= 1e-6, `max abs diff ${maxDiff}`);
  });
}

test('torchvision geometry helpers: truncated long side, half-to-even crop offsets', () => {
  assert.equal(shorterSideSize(300, 200, 224), { width: 336, height: 224 });
  assert.equal(shorterSideSize(23, 311, 16), { width: 16, height: 216 }); // 16*311/23 = 216.3
  assert.is(roundHalfEven(0.5), 0);
  assert.is(roundHalfEven(1.5), 2);
  assert.is(roundHalfEven(2.5), 2);
  assert.is(roundHalfEven(2.4), 2);
});

test.run();
