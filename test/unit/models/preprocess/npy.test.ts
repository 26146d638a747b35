import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeNpyFloat32, parseNpy } from '../../../../models/preprocess/npy.js';
import { batchImages } from '../../../../models/preprocess/image.js';

test('encodeNpyFloat32 writes exactly what np.save writes (header padding, shape text)', () => {
  const golden = readFileSync('test/golden/preprocess/normalize_lut_3x256.npy');
  const parsed = parseNpy(golden, 'lut');
  assert.equal(encodeNpyFloat32(parsed.data as Float32Array, parsed.shape), new Uint8Array(golden));
});

test('1-D shapes use the (n,) tuple form and round-trip', () => {
  const bytes = encodeNpyFloat32(Float32Array.from([1.5, -2, 3]), [3]);
  assert.ok(new TextDecoder().decode(bytes.subarray(10, 80)).includes("'shape': (3,)"));
  const back = parseNpy(bytes, 'x');
  assert.equal(back.shape, [3]);
  assert.equal(Array.from(back.data), [1.5, -2, 3]);
});

test('Fortran order, unsupported dtypes and truncation are errors naming the file', () => {
  const header = (descr: string, fortran: string) => {
    const text = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': (2,), }`.padEnd(117) + '\n';
    return Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0, ...Array.from(text, (c) => c.charCodeAt(0)), ...new Uint8Array(8)]);
  };
  assert.throws(() => parseNpy(header('<f4', 'True'), 'f.npy'), /f\.npy: Fortran-order arrays are not supported/);
  assert.throws(() => parseNpy(header('>f4', 'False'), 'be.npy'), /be\.npy: dtype '>f4' is not supported/);
  assert.throws(() => parseNpy(header('<f8', 'False').subarray(0, 130), 't.npy'), /t\.npy: truncated/);
});

test('batchImages stacks [3,S,S] tensors and rejects mixed sizes', () => {
  const a = { data: new Float32Array(12).fill(1), dims: [3, 2, 2] as const };
  const b = { data: new Float32Array(12).fill(2), dims: [3, 2, 2] as const };
  const batch = batchImages([a, b]);
  assert.equal([...batch.dims], [2, 3, 2, 2]);
  assert.is(batch.data[11], 1);
  assert.is(batch.data[12], 2);
  assert.throws(() => batchImages([a, { data: new Float32Array(27), dims: [3, 3, 3] as const }]), /tensor 1 has dims \[3, 3, 3\]/);
});

test.run();
