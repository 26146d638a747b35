import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseNpy } from '../../../../models/preprocess/npy.js';
import { PointCloudError, readPointCloud } from '../../../../models/preprocess/pointcloud-io.js';
import { farthestPointIndices, preprocessPointCloud, processPointCloud } from '../../../../models/preprocess/pointcloud.js';

const FIXTURES = 'test/fixtures/pointclouds';
const GOLDEN = 'test/golden/preprocess/pointcloud';
interface Case {
  file: string;
  npoints: number;
  start: number;
  output: string;
  fpsIndices: number[] | null;
}
const cases = JSON.parse(readFileSync(join(GOLDEN, 'cases.json'), 'utf8')) as Case[];
const golden = (name: string) => parseNpy(readFileSync(join(GOLDEN, name)), name);

test('ModelNet path (FPS from a fixed start, pc_normalize, xyz) is bit-identical to LAVIS/NumPy', async () => {
  for (const c of cases) {
    const cloud = await readPointCloud(join(FIXTURES, c.file));
    if (c.fpsIndices) assert.equal(Array.from(farthestPointIndices(cloud, c.npoints, c.start).subarray(0, 64)), c.fpsIndices, `FPS indices from ${c.start}`);
    const out = processPointCloud(cloud, { npoints: c.npoints, fpsStart: c.start, shuffle: false });
    const expected = golden(c.output);
    assert.equal([...out.dims], expected.shape);
    let diff = 0;
    for (let i = 0; i < out.data.length; i++) diff = Math.max(diff, Math.abs(out.data[i]! - expected.data[i]!));
    assert.is(diff, 0, `${c.output}: max abs diff ${diff} (float32 emulation should be bit-exact)`);
  }
});

test('.npy float64 and both PLY encodings read the same coordinates', async () => {
  const f32 = await readPointCloud(join(FIXTURES, 'torus_3000.npy'));
  const f64 = await readPointCloud(join(FIXTURES, 'torus_3000_f64.npy'));
  assert.equal(Array.from(f64.data), Array.from(f32.data.subarray(0, 1500)));
  // The fixtures' colours are uchar 0-255; they are read scaled to ULIP's [0, 1].
  const colours = Float32Array.from(golden('small_colours.npy').data, (c) => c / 255);
  for (const file of ['small_ascii.ply', 'small_binary.ply']) {
    const ply = await readPointCloud(join(FIXTURES, file));
    assert.is(ply.count, 120, file);
    assert.is(ply.stride, 6, file);
    for (let p = 0; p < 120; p++) {
      assert.equal(Array.from(ply.data.subarray(p * 6, p * 6 + 3)), Array.from(f32.data.subarray(p * 3, p * 3 + 3)), `${file} point ${p}`);
      assert.equal(Array.from(ply.data.subarray(p * 6 + 3, p * 6 + 6)), Array.from(colours.subarray(p * 3, p * 3 + 3)), `${file} colour ${p}`);
    }
  }
});

test('seeded sampling is reproducible, a different seed changes it, shuffle permutes the same points', async () => {
  const path = join(FIXTURES, 'torus_3000.npy');
  const a = await preprocessPointCloud(path, { npoints: 256, seed: 1 });
  const b = await preprocessPointCloud(path, { npoints: 256, seed: 1 });
  const c = await preprocessPointCloud(path, { npoints: 256, seed: 2 });
  assert.equal(Array.from(a.data), Array.from(b.data));
  assert.not.equal(Array.from(a.data), Array.from(c.data));
  const ordered = await preprocessPointCloud(path, { npoints: 256, seed: 1, shuffle: false });
  const key = (d: Float32Array) => Array.from({ length: d.length / 3 }, (_, i) => d.subarray(i * 3, i * 3 + 3).join(',')).sort();
  assert.equal(key(a.data), key(ordered.data));
});

test('ulip mode refuses clouds smaller than npoints (LAVIS would raise IndexError)', async () => {
  const cloud = await readPointCloud(join(FIXTURES, 'small_binary.ply'));
  assert.throws(() => processPointCloud(cloud, { mode: 'ulip', npoints: 8192 }, 'small_binary.ply'), /small_binary\.ply: has 120 points, fewer than npoints=8192/);
  const same = processPointCloud(cloud, { mode: 'ulip', npoints: 120 });
  assert.equal([...same.dims], [120, 6]);
});

test('ModelNet40 .txt (x,y,z,nx,ny,nz per line) reads the same float32 coordinates, normals after them', async () => {
  const f32 = await readPointCloud(join(FIXTURES, 'torus_3000.npy'));
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-pc-'));
  const lines = Array.from({ length: 200 }, (_, p) => {
    const xyz = Array.from(f32.data.subarray(p * 3, p * 3 + 3), (v) => v.toPrecision(9));
    return [...xyz, '0.0', '0.0', '1.0'].join(',');
  });
  writeFileSync(join(dir, 'torus_0001.txt'), lines.join('\r\n') + '\r\n');
  const cloud = await readPointCloud(join(dir, 'torus_0001.txt'));
  assert.is(cloud.count, 200);
  assert.is(cloud.stride, 6);
  for (let p = 0; p < 200; p++) {
    assert.equal(Array.from(cloud.data.subarray(p * 6, p * 6 + 3)), Array.from(f32.data.subarray(p * 3, p * 3 + 3)), `point ${p}`);
    assert.equal(Array.from(cloud.data.subarray(p * 6 + 3, p * 6 + 6)), [0, 0, 1]);
  }
  writeFileSync(join(dir, 'spaces.txt'), '1 2 3\n4 5 6\n');
  assert.equal(Array.from((await readPointCloud(join(dir, 'spaces.txt'))).data), [1, 2, 3, 4, 5, 6]);
  for (const [name, text] of [['empty-field.txt', '0.1,,0.3\n'], ['trailing-comma.txt', '1,2,3,\n'], ['hex.txt', '0x10,2,3\n']]) {
    writeFileSync(join(dir, name!), text!);
    await readPointCloud(join(dir, name!)).then(
      () => assert.unreachable(name),
      (e: Error) => assert.match(e.message, new RegExp(`${name!.replace('.', '\\.')}:1: expected numbers`)),
    );
  }
  // np.loadtxt reads nan and inf; judged as in a .npy: xyz always (here y of point 1), other
  // columns only where the mode reads them (modelnet keeps xyz, so a NaN normal does no harm).
  writeFileSync(join(dir, 'nan.txt'), '1,2,3\n4,nan,6\n');
  await readPointCloud(join(dir, 'nan.txt')).then(() => assert.unreachable('nan'), (e: Error) => assert.match(e.message, /nan\.txt: point 1 has a non-finite value \(NaN\) in column 1 \(y\)/));
  writeFileSync(join(dir, 'nan-normal.txt'), '0,0,0,NaN,0,1\n1,0,0,0,-inf,1\n0,1,0,0,0,1\n');
  const normals = await readPointCloud(join(dir, 'nan-normal.txt'));
  assert.is(normals.stride, 6);
  assert.ok(Number.isNaN(normals.data[3]) && normals.data[10] === -Infinity);
  assert.equal([...processPointCloud(normals, { npoints: 3, mode: 'modelnet' }, 'nan-normal.txt').dims], [3, 3]);
  writeFileSync(join(dir, 'empty.txt'), '\n');
  await readPointCloud(join(dir, 'empty.txt')).then(() => assert.unreachable('empty'), (e: Error) => assert.match(e.message, /empty\.txt: no points/));
  writeFileSync(join(dir, 'bad.txt'), '1,2,3\n4,five,6\n');
  await readPointCloud(join(dir, 'bad.txt')).then(
    () => assert.unreachable(),
    (e: Error) => assert.match(e.message, /bad\.txt:2: expected numbers x,y,z/),
  );
});

test('unsupported extensions and malformed files name the file', async () => {
  await readPointCloud('scene.obj').then(
    () => assert.unreachable(),
    (e: Error) => assert.ok(e instanceof PointCloudError && e.message.includes('scene.obj')),
  );
  assert.throws(() => parseNpy(new Uint8Array([1, 2, 3]), 'bad.npy'), /bad\.npy: not a \.npy file/);
});

test('a NaN coordinate or an empty array in a .npy is an error naming the file, not a NaN tensor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlbench-pc-'));
  const npy = (rows: number[][]): Buffer => {
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows.length}, 3), }`;
    const padded = header + ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
    const head = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from([padded.length & 255, padded.length >> 8]), Buffer.from(padded, 'latin1')]);
    return Buffer.concat([head, Buffer.from(Float32Array.from(rows.flat()).buffer)]);
  };
  writeFileSync(join(dir, 'nan.npy'), npy([[0, 0, 0], [1, NaN, 0]]));
  await readPointCloud(join(dir, 'nan.npy')).then(() => assert.unreachable('nan'), (e: Error) => assert.match(e.message, /nan\.npy: point 1 has a non-finite value \(NaN\) in column 1 \(y\)/));
  writeFileSync(join(dir, 'empty.npy'), npy([]));
  await readPointCloud(join(dir, 'empty.npy')).then(() => assert.unreachable('empty'), (e: Error) => assert.match(e.message, /empty\.npy: the point cloud has no points/));
});

test.run();
