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

/** .npy bytes (format 1.0) with the given header fields and raw data bytes. */
function npyBytes(descr: string, fortran: boolean, shape: readonly number[], data: Uint8Array): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const text = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`.padEnd(117) + '\n';
  return Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, text.length, 0, ...Array.from(text, (c) => c.charCodeAt(0)), ...data]);
}

test('unsupported dtypes and truncation are errors naming the file', () => {
  assert.throws(() => parseNpy(npyBytes('<f2', false, [2], new Uint8Array(4)), 'half.npy'), /half\.npy: dtype '<f2' is not supported .*astype\(np\.float32\)/);
  assert.throws(() => parseNpy(npyBytes('<f8', false, [2], new Uint8Array(8)), 't.npy'), /t\.npy: truncated/);
});

test('a Fortran-order array comes back in C order, as np.load returns it', () => {
  // np.save(f, a) of a Fortran-order [2, 3, 4] array stores element (i, j, k) at i + 2j + 6k.
  const stored = new Float64Array(24);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) stored[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
  const array = parseNpy(npyBytes('<f8', true, [2, 3, 4], new Uint8Array(stored.buffer)), 'f.npy');
  assert.equal(array.shape, [2, 3, 4]);
  const expected: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(100 * i + 10 * j + k);
  assert.equal(Array.from(array.data), expected);
});

test('big-endian arrays are byte-swapped, in C and in Fortran order', () => {
  const values = [1.5, -2.25, 3e-8, 65504.5, -0, 7];
  const bytes = new Uint8Array(24);
  values.forEach((v, i) => new DataView(bytes.buffer).setFloat32(4 * i, v, false));
  const c = parseNpy(npyBytes('>f4', false, [2, 3], bytes), 'be.npy');
  assert.is(c.dtype, '<f4');
  assert.equal(Array.from(c.data), values.map(Math.fround));
  // The same bytes read as a Fortran-order [3, 2] array: column-major, so C order is 0, 3, 1, 4, 2, 5.
  const f = parseNpy(npyBytes('>f4', true, [3, 2], bytes), 'be-f.npy');
  assert.equal(Array.from(f.data), [0, 3, 1, 4, 2, 5].map((i) => Math.fround(values[i]!)));
  const doubles = new Uint8Array(16);
  new DataView(doubles.buffer).setFloat64(0, Math.PI, false);
  new DataView(doubles.buffer).setFloat64(8, -1e300, false);
  assert.equal(Array.from(parseNpy(npyBytes('>f8', false, [2], doubles), 'be8.npy').data), [Math.PI, -1e300]);
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
