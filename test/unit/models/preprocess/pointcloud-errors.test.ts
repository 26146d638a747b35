/**
 * Point clouds that used to become NaN or mis-shaped tensors silently (or fail in ONNX Runtime)
 * are errors naming the file and what to fix: a non-finite value in a column `ulip` normalises,
 * a short ASCII PLY vertex line, a transposed [C, N] .npy, a zero-extent cloud (which named no
 * file), and a cloud whose columns or points the encoder's fixed axes cannot take.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModel } from '../../../../models/load.js';
import { encodeNpyFloat32 } from '../../../../models/preprocess/npy.js';
import { PointCloudError, readPointCloud } from '../../../../models/preprocess/pointcloud-io.js';
import { preprocessPointCloud } from '../../../../models/preprocess/pointcloud.js';
import { preparationFailure } from '../../../../runners/tasks/sample-loop.js';
import { tempDirFactory } from '../../helpers/temp-dirs.js';
import { tinyCopy } from '../onnx/tiny-copy.js';
import { rejectedMessage } from '../../helpers/thrown.js';

const tempDir = tempDirFactory(test);

/** A [count, columns] cloud of distinct points (value = a smooth function of point and column). */
function cloud(count: number, columns: number): Float32Array {
  return Float32Array.from({ length: count * columns }, (_, i) => Math.sin(i * 0.37) * 3 + (i % columns));
}

function writeNpy(dir: string, name: string, data: Float32Array, shape: number[]): string {
  const path = join(dir, name);
  writeFileSync(path, encodeNpyFloat32(data, shape));
  return path;
}

const messageOf = (promise: Promise<unknown>): Promise<string> => rejectedMessage(promise, PointCloudError);

test("ulip: a NaN in a colour column is an error naming the file, point and column; modelnet, which drops it, still reads the cloud", async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-err-'));
  const data = cloud(200, 6);
  data[3 * 6 + 4] = NaN;
  const path = writeNpy(dir, 'nan_rgb.npy', data, [200, 6]);
  const message = await messageOf(preprocessPointCloud(path, { mode: 'ulip', npoints: 100 }));
  assert.match(message, `${path}: point 3 has a non-finite value (NaN) in column 4, counting from 0; mode 'ulip' normalises every column`);
  const xyz = await preprocessPointCloud(path, { mode: 'modelnet', npoints: 100 });
  assert.ok(xyz.data.every(Number.isFinite));
});

test('ASCII PLY: a vertex line missing values, or with a non-number, is an error naming the line', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-err-'));
  const header = 'ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n';
  writeFileSync(join(dir, 'short.ply'), `${header}1 2 3 4 5 6\n\n1 2 3\n4 5 6 1 1 1\n`);
  assert.match(await messageOf(readPointCloud(join(dir, 'short.ply'))), /short\.ply:13: vertex 1 has 3 values; the header declares 6 per vertex \(x y z red green blue\)/);
  writeFileSync(join(dir, 'word.ply'), `${header}1 2 3 4 5 6\n1 2 three 4 5 6\n4 5 6 1 1 1\n`);
  assert.match(await messageOf(readPointCloud(join(dir, 'word.ply'))), /word\.ply:12: vertex 1 has 'three' is not a number/);
  writeFileSync(join(dir, 'ok.ply'), `${header}1 2 3 4 5 6\r\n1 2 3.5e0 4 5 6\r\n4 5 6 1 1 1\r\n`);
  // uchar colours come back scaled to [0, 1].
  assert.equal(Array.from((await readPointCloud(join(dir, 'ok.ply'))).data.subarray(6, 12)), [1, 2, 3.5, 4 / 255, 5 / 255, 6 / 255].map(Math.fround));
});

test('a transposed [C, N] .npy is refused with the fix; [N, C] and a one-point cloud are not taken for one', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-err-'));
  const transposed = writeNpy(dir, 'cn.npy', cloud(2000, 3), [3, 2000]);
  assert.match(await messageOf(readPointCloud(transposed)), `${transposed}: shape [3, 2000] looks transposed`);
  assert.match(await messageOf(readPointCloud(transposed)), 're-save it as [N, C]: a = np.load(FILE); np.save(FILE, np.ascontiguousarray(a.T))');
  assert.match(await messageOf(readPointCloud(writeNpy(dir, 'small.npy', cloud(5, 4), [4, 5]))), 'shape [4, 5] looks transposed');
  assert.match(await messageOf(readPointCloud(writeNpy(dir, 'wide.npy', cloud(100, 17), [100, 17]))), 'shape [100, 17] looks transposed');
  assert.is((await readPointCloud(writeNpy(dir, 'ok.npy', cloud(100, 16), [100, 16]))).stride, 16);
  assert.is((await readPointCloud(writeNpy(dir, 'one.npy', cloud(1, 3), [1, 3]))).count, 1);
});

test('a zero-extent cloud names its file (the runner then prints the path once)', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-err-'));
  const one = writeNpy(dir, 'one.npy', cloud(1, 3), [1, 3]);
  for (const mode of ['modelnet', 'ulip'] as const) {
    const message = await messageOf(preprocessPointCloud(one, { mode, npoints: 1 }));
    assert.match(message, `${one}: the point cloud has zero extent (it has a single point)`);
    assert.is(preparationFailure(one, new Error(message)), `cannot prepare ${message}`);
  }
  const same = writeNpy(dir, 'same.npy', new Float32Array(30).fill(2), [10, 3]);
  assert.match(await messageOf(preprocessPointCloud(same, { npoints: 10 })), `${same}: the point cloud has zero extent (all 10 points are identical`);
});

test("the encoder's fixed axes: ulip columns and modelnet's smaller clouds are errors naming the file and the declaration", async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-err-'));
  const six = writeNpy(dir, 'six.npy', cloud(300, 6), [300, 6]);
  const encoder = { channels: 3, declaredAt: 'm/model.json at /graphs/pointcloud_encoder/inputs/points/shape' };
  const message = await messageOf(preprocessPointCloud(six, { mode: 'ulip', npoints: 256, encoder }));
  assert.match(message, `${six}: mode 'ulip' feeds 6 columns per point, but the point-cloud encoder takes 3 (m/model.json at /graphs/pointcloud_encoder/inputs/points/shape); save the cloud with exactly 3 columns`);
  assert.match(message, 'np.save(f, pts[:, :3])');
  const three = writeNpy(dir, 'three.npy', cloud(300, 3), [300, 3]);
  assert.match(await messageOf(preprocessPointCloud(three, { mode: 'ulip', npoints: 256, encoder: { ...encoder, channels: 6 } })), 'feeds 3 columns per point, but the point-cloud encoder takes 6 (m/model.json at /graphs/pointcloud_encoder/inputs/points/shape); save the cloud with exactly 6 columns, x, y, z first, adding the columns');
  assert.equal([...(await preprocessPointCloud(six, { mode: 'modelnet', npoints: 256, encoder })).dims], [256, 3]);
  const fixed = { points: 256, declaredAt: 'm/model.json at /graphs/pointcloud_encoder/inputs/points/shape' };
  const small = writeNpy(dir, 'small.npy', cloud(100, 3), [100, 3]);
  assert.match(await messageOf(preprocessPointCloud(small, { mode: 'modelnet', npoints: 256, encoder: fixed })), `${small}: has 100 points, but the point-cloud encoder takes exactly 256 points`);
});

test('tiny X-InstructBLIP in ulip mode: a [N, 6] cloud fails in prepare naming the file and model.json, not in ONNX Runtime', async () => {
  const dir = tempDir(join(tmpdir(), 'vlbench-pc-err-'));
  const manifest = tinyCopy(dir, 'tiny-xinstructblip', (m) => {
    m.preprocess.pointcloud.mode = 'ulip';
  });
  const model = await loadModel(manifest, { device: 'cpu', verifyDigests: false });
  try {
    const ctx = { time: <T>(_stage: unknown, fn: () => Promise<T>) => fn() };
    const points = 1024; // tiny-xinstructblip's /preprocess/pointcloud/points
    const six = writeNpy(dir, 'six.npy', cloud(points, 6), [points, 6]);
    const message = await messageOf(model.adapter.prepare({ modality: 'pointcloud', path: six }, ctx));
    assert.match(message, `${six}: mode 'ulip' feeds 6 columns per point, but the point-cloud encoder takes 3 (${manifest} at /graphs/pointcloud_encoder/inputs/points/shape)`);
    const three = writeNpy(dir, 'three.npy', cloud(points, 3), [points, 3]);
    assert.equal([...(await model.adapter.prepare({ modality: 'pointcloud', path: three }, ctx)).dims], [points, 3]);
  } finally {
    await model.adapter.dispose();
  }
});

test.run();
