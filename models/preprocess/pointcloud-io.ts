/**
 * Point-cloud readers: NumPy .npy ([N, C] float32/float64, C >= 3, C order), PLY (ascii or
 * binary_little_endian; the `vertex` element's x, y, z and, when present, red, green, blue) and
 * ModelNet40's text files (`modelnet40_normal_resampled`: one `x,y,z,nx,ny,nz` line per point).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseNpy } from './npy.js';

export interface PointCloud {
  readonly count: number;
  /** Values per point: 3 (xyz) or more (xyz followed by extra columns such as rgb). */
  readonly stride: number;
  /** count × stride float32, row-major. */
  readonly data: Float32Array;
}

export class PointCloudError extends Error {
  override name = 'PointCloudError';
}

const PARSERS: Readonly<Record<string, (bytes: Uint8Array, source: string) => PointCloud>> = {
  '.npy': (bytes, source) => pointsFromNpy(bytes, source),
  '.ply': (bytes, source) => parsePly(bytes, source),
  '.txt': (bytes, source) => parseTextPoints(bytes, source),
};

export async function readPointCloud(path: string): Promise<PointCloud> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new PointCloudError(`${path}: cannot read the file (${(error as Error).message})`);
  }
  const parse = PARSERS[extname(path).toLowerCase()];
  if (parse) return checkedCloud(parse(bytes, path), path);
  const ext = extname(path).toLowerCase();
  throw new PointCloudError(`${path}: unsupported point-cloud format '${ext || '(none)'}'; use .npy ([N, 3] float32), .ply or ModelNet's .txt (x,y,z[,nx,ny,nz] per line)`);
}

/**
 * ModelNet40 text points as ULIP/LAVIS read them (np.loadtxt(delimiter=',').astype(float32)): every
 * column kept, so normals follow xyz the way extra .npy columns do; whitespace also separates.
 */
export function parseTextPoints(bytes: Uint8Array, source: string): PointCloud {
  const lines = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: number[][] = [];
  lines.forEach((line, i) => {
    if (line.trim().length === 0) return;
    const tokens = line.trim().split(/\s*,\s*|\s+/);
    // Number('') is 0 and Number('0x10') is 16, which np.loadtxt rejects; NaN and inf are no coordinates.
    const values = tokens.map((t) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN));
    if (values.length < 3 || values.some((v) => !Number.isFinite(v))) {
      throw new PointCloudError(`${source}:${i + 1}: expected numbers x,y,z[,...] separated by commas, got '${line.trim().slice(0, 80)}'`);
    }
    if (rows.length > 0 && values.length !== rows[0]!.length) {
      throw new PointCloudError(`${source}:${i + 1}: ${values.length} values, but the first point has ${rows[0]!.length}; every line needs the same columns`);
    }
    rows.push(values);
  });
  if (rows.length === 0) throw new PointCloudError(`${source}: no points (the file is empty)`);
  const stride = rows[0]!.length;
  const data = new Float32Array(rows.length * stride);
  rows.forEach((row, p) => data.set(row, p * stride));
  return { count: rows.length, stride, data };
}

/** No points, or a NaN/infinite coordinate, would normalise to NaN everywhere: say so at the file. */
function checkedCloud(cloud: PointCloud, source: string): PointCloud {
  if (cloud.count === 0) throw new PointCloudError(`${source}: the point cloud has no points`);
  for (let p = 0; p < cloud.count; p++) {
    for (let c = 0; c < 3; c++) {
      if (!Number.isFinite(cloud.data[p * cloud.stride + c]!)) throw new PointCloudError(`${source}: point ${p} has a non-finite coordinate (${cloud.data[p * cloud.stride + c]}); remove or fix it`);
    }
  }
  return cloud;
}

export function pointsFromNpy(bytes: Uint8Array, source: string): PointCloud {
  const array = parseNpy(bytes, source);
  const [count, stride] = array.shape;
  if (array.shape.length !== 2 || count === undefined || stride === undefined || stride < 3) {
    throw new PointCloudError(`${source}: expected an [N, C] array with C >= 3 (x, y, z first), got shape [${array.shape.join(', ')}]`);
  }
  if (array.dtype !== '<f4' && array.dtype !== '<f8') {
    throw new PointCloudError(`${source}: expected float32 or float64 coordinates, got dtype ${array.dtype}`);
  }
  // LAVIS casts to float32 (astype(np.float32)) before anything else.
  const data = array.data instanceof Float32Array ? array.data : Float32Array.from(array.data);
  return { count, stride, data };
}

interface PlyProperty {
  readonly name: string;
  readonly type: string;
}

const PLY_SIZES: Record<string, number> = {
  char: 1, int8: 1, uchar: 1, uint8: 1, short: 2, int16: 2, ushort: 2, uint16: 2,
  int: 4, int32: 4, uint: 4, uint32: 4, float: 4, float32: 4, double: 8, float64: 8,
};

function readBinary(view: DataView, offset: number, type: string): number {
  switch (type) {
    case 'char': case 'int8': return view.getInt8(offset);
    case 'uchar': case 'uint8': return view.getUint8(offset);
    case 'short': case 'int16': return view.getInt16(offset, true);
    case 'ushort': case 'uint16': return view.getUint16(offset, true);
    case 'int': case 'int32': return view.getInt32(offset, true);
    case 'uint': case 'uint32': return view.getUint32(offset, true);
    case 'float': case 'float32': return view.getFloat32(offset, true);
    case 'double': case 'float64': return view.getFloat64(offset, true);
    default: throw new RangeError(type);
  }
}

/** Parse a PLY file's vertex positions (and colours if present). */
export function parsePly(bytes: Uint8Array, source: string): PointCloud {
  const headerEnd = findHeaderEnd(bytes, source);
  const headerLines = new TextDecoder('latin1').decode(bytes.subarray(0, headerEnd)).split(/\r?\n/);
  const format = headerLines.find((l) => l.startsWith('format '))?.split(/\s+/)[1];
  if (format !== 'ascii' && format !== 'binary_little_endian') {
    throw new PointCloudError(`${source}: PLY format '${format ?? 'missing'}' is not supported (use ascii or binary_little_endian)`);
  }
  const elements: { name: string; count: number; props: PlyProperty[] }[] = [];
  for (const line of headerLines) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === 'element') elements.push({ name: parts[1]!, count: Number(parts[2]), props: [] });
    if (parts[0] === 'property') {
      const current = elements[elements.length - 1];
      if (!current) throw new PointCloudError(`${source}: PLY property before any element`);
      if (parts[1] === 'list') {
        if (current.name === 'vertex') throw new PointCloudError(`${source}: list properties on vertices are not supported`);
        current.props.push({ name: parts[4]!, type: 'list' });
      } else {
        current.props.push({ name: parts[2]!, type: parts[1]! });
      }
    }
  }
  const vertexIndex = elements.findIndex((e) => e.name === 'vertex');
  const vertex = elements[vertexIndex];
  if (!vertex) throw new PointCloudError(`${source}: PLY file has no 'vertex' element`);
  if (elements.slice(0, vertexIndex).some((e) => e.count > 0)) {
    throw new PointCloudError(`${source}: PLY elements before 'vertex' are not supported`);
  }
  const wanted = ['x', 'y', 'z', 'red', 'green', 'blue'].map((n) => vertex.props.findIndex((p) => p.name === n));
  if (wanted.slice(0, 3).some((i) => i < 0)) throw new PointCloudError(`${source}: vertex element lacks x, y or z`);
  const columns = wanted.slice(3).every((i) => i >= 0) ? wanted : wanted.slice(0, 3);
  const data = new Float32Array(vertex.count * columns.length);
  const body = bytes.subarray(headerEnd);
  if (format === 'ascii') {
    const lines = new TextDecoder('latin1').decode(body).split(/\r?\n/).filter((l) => l.trim().length > 0);
    if (lines.length < vertex.count) throw new PointCloudError(`${source}: ${vertex.count} vertices declared, ${lines.length} lines present`);
    for (let v = 0; v < vertex.count; v++) {
      const values = lines[v]!.trim().split(/\s+/).map(Number);
      columns.forEach((col, c) => (data[v * columns.length + c] = values[col]!));
    }
  } else {
    const sizes = vertex.props.map((p) => PLY_SIZES[p.type]);
    if (sizes.some((s) => s === undefined)) throw new PointCloudError(`${source}: unsupported vertex property type`);
    const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a! + b!, 0)!);
    const rowSize = sizes.reduce((a, b) => a! + b!, 0)!;
    if (body.length < rowSize * vertex.count) throw new PointCloudError(`${source}: truncated PLY body`);
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    for (let v = 0; v < vertex.count; v++) {
      columns.forEach((col, c) => (data[v * columns.length + c] = readBinary(view, v * rowSize + offsets[col]!, vertex.props[col]!.type)));
    }
  }
  return { count: vertex.count, stride: columns.length, data };
}

function findHeaderEnd(bytes: Uint8Array, source: string): number {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
  if (!head.startsWith('ply')) throw new PointCloudError(`${source}: not a PLY file (missing 'ply' magic)`);
  const match = /end_header\r?\n/.exec(head);
  if (!match) throw new PointCloudError(`${source}: PLY header has no end_header line`);
  return match.index + match[0].length;
}
