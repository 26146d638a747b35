/**
 * X-InstructBLIP's 3D input. Two LAVIS paths, both reproduced:
 * - `modelnet` (ModelNet40 eval dataset, object3d_classification_datasets.py): if the cloud has
 *   more than `npoints` points, farthest-point-sample it down to `npoints`; then `pc_normalize` the
 *   xyz columns (subtract the centroid, divide by the largest distance from it); keep xyz only;
 *   shuffle the point order.
 * - `ulip` (`ulip_pc` processor, Objaverse): `pc_norm` over ALL columns first, then FPS to
 *   `npoints` if there are more points, otherwise LAVIS's `random_sample`, which permutes
 *   `arange(npoints)` and so only works when the cloud has exactly `npoints` points (fewer raise
 *   an IndexError in LAVIS; here that is an error with the fix).
 * LAVIS draws the FPS start index and the shuffle from NumPy's global RNG, so its inputs differ
 * from run to run. Here both come from a seeded generator (`seed`, default 0): runs are
 * reproducible, and a fixed `fpsStart` reproduces any particular LAVIS draw exactly.
 * Distances are computed in float32 like NumPy on float32 points; ties pick the lowest index.
 */
import { createPrng } from '../generation/prng.js';
import { checkFinite, PointCloudError, readPointCloud } from './pointcloud-io.js';
import type { PointCloud } from './pointcloud-io.js';

export type PointCloudMode = 'modelnet' | 'ulip';

export interface PointCloudOptions {
  readonly mode?: PointCloudMode;
  /** Target number of points (LAVIS npoints, 8192). */
  readonly npoints?: number;
  readonly seed?: number;
  /** FPS start index; default: drawn from the seeded generator. */
  readonly fpsStart?: number;
  /** Shuffle the point order (modelnet path; LAVIS does). Default true. */
  readonly shuffle?: boolean;
  /** The encoder's fixed input axes: a cloud whose tensor would not fit is an error naming the file. */
  readonly encoder?: EncoderAxes | undefined;
}

/** Fixed sizes of the point-cloud encoder's 'points' input [batch, points, channels]. */
export interface EncoderAxes {
  readonly points?: number | undefined;
  readonly channels?: number | undefined;
  /** Where the sizes are declared (model.json and pointer), for the error. */
  readonly declaredAt: string;
}

export interface PointTensor {
  /** points × columns float32 (xyz for modelnet; all columns for ulip). */
  readonly data: Float32Array;
  readonly dims: readonly [number, number];
}

/** Indices chosen by LAVIS's `farthest_point_sample` from `start` (xyz = first 3 columns). */
export function farthestPointIndices(cloud: PointCloud, npoint: number, start: number): Int32Array {
  const { count, stride, data } = cloud;
  if (!Number.isInteger(start) || start < 0 || start >= count) throw new RangeError(`FPS start ${start} outside 0..${count - 1}`);
  const chosen = new Int32Array(npoint);
  const distance = new Float64Array(count).fill(1e10);
  let farthest = start;
  for (let i = 0; i < npoint; i++) {
    chosen[i] = farthest;
    const cx = data[farthest * stride]!;
    const cy = data[farthest * stride + 1]!;
    const cz = data[farthest * stride + 2]!;
    let best = -Infinity;
    let bestIndex = 0;
    for (let p = 0; p < count; p++) {
      const dx = Math.fround(data[p * stride]! - cx);
      const dy = Math.fround(data[p * stride + 1]! - cy);
      const dz = Math.fround(data[p * stride + 2]! - cz);
      const d = Math.fround(Math.fround(Math.fround(dx * dx) + Math.fround(dy * dy)) + Math.fround(dz * dz));
      if (d < distance[p]!) distance[p] = d;
      if (distance[p]! > best) {
        best = distance[p]!;
        bestIndex = p;
      }
    }
    farthest = bestIndex;
  }
  return chosen;
}

function gather(cloud: PointCloud, indices: ArrayLike<number>): PointCloud {
  const { stride, data } = cloud;
  const out = new Float32Array(indices.length * stride);
  for (let i = 0; i < indices.length; i++) out.set(data.subarray(indices[i]! * stride, indices[i]! * stride + stride), i * stride);
  return { count: indices.length, stride, data: out };
}

/**
 * NumPy's pc_normalize on the first `columns` columns, in float32 like NumPy on float32 data: the
 * axis-0 mean is a row-by-row float32 sum (NumPy's pairwise summation only runs along the
 * contiguous axis) divided by N.
 */
export function normalisePoints(cloud: PointCloud, columns: number, source = 'point cloud'): PointCloud {
  const { count, stride } = cloud;
  const data = cloud.data.slice();
  const centroid = new Array<number>(columns).fill(0);
  for (let p = 0; p < count; p++) for (let c = 0; c < columns; c++) centroid[c] = Math.fround(centroid[c]! + data[p * stride + c]!);
  for (let c = 0; c < columns; c++) centroid[c] = Math.fround(centroid[c]! / count);
  let radius = 0;
  for (let p = 0; p < count; p++) {
    let sq = 0;
    for (let c = 0; c < columns; c++) {
      const v = Math.fround(data[p * stride + c]! - centroid[c]!);
      data[p * stride + c] = v;
      sq = Math.fround(sq + Math.fround(v * v));
    }
    radius = Math.max(radius, Math.fround(Math.sqrt(sq)));
  }
  if (radius === 0) {
    const what = count === 1 ? 'it has a single point' : `all ${count} points are identical in the ${columns} columns normalised`;
    throw new PointCloudError(`${source}: the point cloud has zero extent (${what}), so it cannot be normalised (pc_normalize divides by the largest distance from the centroid); use a cloud of distinct points`);
  }
  for (let p = 0; p < count; p++) for (let c = 0; c < columns; c++) data[p * stride + c] = data[p * stride + c]! / radius;
  return { count, stride, data };
}

function keepColumns(cloud: PointCloud, columns: number): PointCloud {
  if (cloud.stride === columns) return cloud;
  const out = new Float32Array(cloud.count * columns);
  for (let p = 0; p < cloud.count; p++) out.set(cloud.data.subarray(p * cloud.stride, p * cloud.stride + columns), p * columns);
  return { count: cloud.count, stride: columns, data: out };
}

function shuffledIndices(n: number, random: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** Sample and normalise a point cloud as X-InstructBLIP's 3D input path does. */
export function processPointCloud(cloud: PointCloud, options: PointCloudOptions = {}, source = 'point cloud'): PointTensor {
  const npoints = options.npoints ?? 8192;
  const prng = createPrng(options.seed ?? 0);
  const random = () => prng.next();
  const start = () => options.fpsStart ?? Math.floor(random() * cloud.count);
  const mode = options.mode ?? 'modelnet';
  checkFitsEncoder(cloud, mode, npoints, options.encoder, source);
  let result: PointCloud;
  switch (mode) {
    case 'modelnet': {
      let sampled = cloud.count > npoints ? gather(cloud, farthestPointIndices(cloud, npoints, start())) : cloud;
      sampled = keepColumns(normalisePoints(sampled, 3, source), 3);
      result = options.shuffle === false ? sampled : gather(sampled, shuffledIndices(sampled.count, random));
      break;
    }
    case 'ulip': {
      // Every column is normalised together: one NaN colour or normal would make every value NaN.
      checkFinite(cloud, cloud.stride, source, "mode 'ulip' normalises every column, so it would turn the whole tensor into NaN");
      const normalised = normalisePoints(cloud, cloud.stride, source);
      if (normalised.count > npoints) result = gather(normalised, farthestPointIndices(normalised, npoints, start()));
      else if (normalised.count === npoints) result = gather(normalised, shuffledIndices(npoints, random));
      else throw new RangeError(`${source}: has ${cloud.count} points, fewer than npoints=${npoints}; LAVIS's ulip_pc would fail here (use mode 'modelnet', which keeps all points)`);
      break;
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown point-cloud mode ${String(never)}`);
    }
  }
  return { data: result.data, dims: [result.count, result.stride] };
}

/** The tensor's shape against the encoder's fixed axes, before any sampling work. */
function checkFitsEncoder(cloud: PointCloud, mode: PointCloudMode, npoints: number, encoder: EncoderAxes | undefined, source: string): void {
  if (!encoder) return;
  const columns = mode === 'ulip' ? cloud.stride : 3;
  if (encoder.channels !== undefined && columns !== encoder.channels) {
    const keep = columns > encoder.channels ? ` (e.g. np.save(f, pts[:, :${encoder.channels}]))` : ', adding the columns the encoder was trained on (e.g. rgb)';
    const fix = mode === 'ulip' ? `save the cloud with exactly ${encoder.channels} columns, x, y, z first${keep}` : "use mode 'ulip' or a model whose encoder takes x, y, z";
    throw new PointCloudError(`${source}: mode '${mode}' feeds ${columns} columns per point, but the point-cloud encoder takes ${encoder.channels} (${encoder.declaredAt}); ${fix}`);
  }
  // modelnet keeps every point of a smaller cloud (LAVIS does); ulip always gives npoints or fails below.
  const points = mode === 'ulip' ? npoints : Math.min(cloud.count, npoints);
  if (encoder.points === undefined || points === encoder.points) return;
  const takes = `the point-cloud encoder takes exactly ${encoder.points} points (${encoder.declaredAt})`;
  if (points === npoints) throw new PointCloudError(`${source}: npoints is ${npoints}, but ${takes}; set npoints (model.json at /preprocess/pointcloud/points) to ${encoder.points}`);
  throw new PointCloudError(`${source}: has ${cloud.count} points, but ${takes} and mode 'modelnet' keeps every point of a smaller cloud, as LAVIS does; use a cloud of at least ${encoder.points} points`);
}

export async function preprocessPointCloud(path: string, options: PointCloudOptions = {}): Promise<PointTensor> {
  return processPointCloud(await readPointCloud(path), options, path);
}
