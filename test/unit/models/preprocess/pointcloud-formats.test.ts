/**
 * Point-cloud files as the reference readers take them: .npy in Fortran order or big-endian (np.load
 * reads both), ModelNet .txt with '#' comments and blank lines (np.loadtxt skips both), PLY colours
 * scaled to ULIP's [0, 1]; and a PLY whose vertex count the body cannot hold, refused before any
 * allocation for it.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeNpyFloat32 } from '../../../../models/preprocess/npy.js';
import { PointCloudError, readPointCloud } from '../../../../models/preprocess/pointcloud-io.js';
import { preprocessPointCloud } from '../../../../models/preprocess/pointcloud.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { rejectedMessage } from '../../helpers/thrown.js';

const tempDir = tempDirFactory(test);
const messageOf = (promise: Promise<unknown>): Promise<string> => rejectedMessage(promise, PointCloudError);

/** A version-1.0 .npy file with the given header fields around `data` (written as is). */
function npyFile(dir: string, name: string, descr: string, fortran: boolean, shape: readonly number[], data: Uint8Array): string {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  bytes.set(Array.from(header, (c) => c.charCodeAt(0)), 10);
  bytes.set(data, 10 + header.length);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Point p's column c: distinct, exactly representable values. */
const value = (p: number, c: number): number => p * 0.25 + c * 100 - 7;

test('the [3, N] advice and its a.T shortcut both give a file vlbench reads, with the same points', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-fmt-'));
  const n = 50;
  // A channels-first [3, N] float32 array in C order: row c holds column c of every point.
  const channelsFirst = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) channelsFirst[c * n + p] = value(p, c);
  // np.save(FILE, a.T) stores those same bytes as a Fortran-order [N, 3] array.
  const viaTranspose = npyFile(dir, 'a_T.npy', '<f4', true, [n, 3], new Uint8Array(channelsFirst.buffer));
  const cloud = await readPointCloud(viaTranspose);
  assert.is(cloud.count, n);
  assert.is(cloud.stride, 3);
  for (let p = 0; p < n; p++) assert.equal(Array.from(cloud.data.subarray(3 * p, 3 * p + 3)), [value(p, 0), value(p, 1), value(p, 2)], `point ${p}`);
  // np.save(FILE, np.ascontiguousarray(a.T)): C order, the same points.
  const contiguous = join(dir, 'contiguous.npy');
  writeFileSync(contiguous, encodeNpyFloat32(cloud.data, [n, 3]));
  assert.equal(Array.from((await readPointCloud(contiguous)).data), Array.from(cloud.data));
});

test("big-endian '>f4' and '>f8' point clouds are byte-swapped as np.load(...).astype(np.float32) reads them", async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-fmt-'));
  const n = 20;
  const f4 = new DataView(new ArrayBuffer(n * 3 * 4));
  const f8 = new DataView(new ArrayBuffer(n * 3 * 8));
  const expected: number[] = [];
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const v = value(p, c) + 0.1; // not exact in float32: the float64 file rounds on the cast
      f4.setFloat32((p * 3 + c) * 4, v, false);
      f8.setFloat64((p * 3 + c) * 8, v, false);
      expected.push(Math.fround(v));
    }
  }
  assert.equal(Array.from((await readPointCloud(npyFile(dir, 'be4.npy', '>f4', false, [n, 3], new Uint8Array(f4.buffer)))).data), expected);
  assert.equal(Array.from((await readPointCloud(npyFile(dir, 'be8.npy', '>f8', false, [n, 3], new Uint8Array(f8.buffer)))).data), expected);
});

test("ModelNet .txt: '#' comments and blank lines are skipped, as np.loadtxt skips them", async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-fmt-'));
  const path = join(dir, 'header.txt');
  // np.savetxt(FILE, a, delimiter=',', header='x,y,z') writes the first line; numpy 2.4 loads this as [3, 3].
  writeFileSync(path, '# x,y,z\n1,2,3\n\n4,5,6 # a note\r\n7,8,9#x\n\n');
  const cloud = await readPointCloud(path);
  assert.is(cloud.count, 3);
  assert.equal(Array.from(cloud.data), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // A line that is not a comment is still judged: the error keeps its line number.
  writeFileSync(join(dir, 'bad.txt'), '# header\n1,2,3\nx;y;z\n');
  assert.match(await messageOf(readPointCloud(join(dir, 'bad.txt'))), 'bad.txt:3: expected numbers x,y,z');
});

const PLY_HEADER = (format: string, count: number, colour: string) =>
  `ply\nformat ${format} 1.0\nelement vertex ${count}\nproperty float x\nproperty float y\nproperty float z\n` +
  `property ${colour} red\nproperty ${colour} green\nproperty ${colour} blue\nend_header\n`;

test('a PLY declaring more vertices than its body holds is refused with both counts, before allocating', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-fmt-'));
  const body = new Uint8Array(10 * 15); // ten vertices of 3 floats + 3 uchars
  const binary = join(dir, 'huge_bin.ply');
  writeFileSync(binary, Buffer.concat([Buffer.from(PLY_HEADER('binary_little_endian', 2_000_000_000, 'uchar')), body]));
  assert.match(await messageOf(readPointCloud(binary)), `${binary}: truncated PLY body: the header declares 2,000,000,000 vertices but the body holds 10 (150 bytes, 15 per vertex)`);
  const ascii = join(dir, 'huge_ascii.ply');
  writeFileSync(ascii, PLY_HEADER('ascii', 100_000_000, 'uchar') + '0 0 0 1 2 3\n1 1 1 4 5 6\n');
  assert.match(await messageOf(readPointCloud(ascii)), `${ascii}: truncated PLY body: the header declares 100,000,000 vertices but the body holds 2 lines`);
  writeFileSync(join(dir, 'word.ply'), PLY_HEADER('ascii', 1, 'uchar').replace('vertex 1', 'vertex many') + '0 0 0 1 2 3\n');
  assert.match(await messageOf(readPointCloud(join(dir, 'word.ply'))), "PLY element 'vertex' declares a count of 'many'");
});

test("PLY integer colours are scaled to [0, 1] (ULIP's range) before ulip mode normalises them with xyz", async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-fmt-'));
  const n = 64;
  const xyz = Array.from({ length: n }, (_, p) => [Math.sin(p), Math.cos(p * 1.3), (p % 7) / 3]);
  const rgb = Array.from({ length: n }, (_, p) => [(p * 37) % 256, (p * 91) % 256, 255 - ((p * 13) % 256)]);
  const rows = (colour: (v: number) => number) => xyz.map((point, p) => `${point.join(' ')} ${rgb[p]!.map(colour).join(' ')}`).join('\n') + '\n';
  writeFileSync(join(dir, 'uchar.ply'), PLY_HEADER('ascii', n, 'uchar') + rows((v) => v));
  writeFileSync(join(dir, 'ushort.ply'), PLY_HEADER('ascii', n, 'ushort') + rows((v) => v * 257)); // 255 -> 65535
  writeFileSync(join(dir, 'float.ply'), PLY_HEADER('ascii', n, 'float') + rows((v) => v / 255));
  const expected = Float32Array.from(xyz.flatMap((point, p) => [...point, ...rgb[p]!.map((v) => v / 255)]));
  for (const name of ['uchar.ply', 'ushort.ply', 'float.ply']) {
    const cloud = await readPointCloud(join(dir, name));
    assert.equal(Array.from(cloud.data), Array.from(expected), name);
  }
  // The same cloud as a [N, 6] .npy with colours in [0, 1] gives the same ulip tensor.
  const npy = join(dir, 'same.npy');
  writeFileSync(npy, encodeNpyFloat32(expected, [n, 6]));
  const options = { mode: 'ulip', npoints: 32, seed: 3 } as const;
  const fromPly = await preprocessPointCloud(join(dir, 'uchar.ply'), options);
  assert.equal(Array.from(fromPly.data), Array.from((await preprocessPointCloud(npy, options)).data));
  // Colours no longer dominate the joint radius: the geometry keeps its spread.
  const maxAbsX = Math.max(...Array.from({ length: 32 }, (_, p) => Math.abs(fromPly.data[p * 6]!)));
  assert.ok(maxAbsX > 0.3, `x spans ${maxAbsX}`);
});

test.run();
