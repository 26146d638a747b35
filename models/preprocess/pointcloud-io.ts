/**
 * Point-cloud readers: NumPy .npy ([N, C] float32/float64, 3 <= C <= 16, either byte order, C or
 * Fortran order as np.load reads them; a [C, N] array is refused as transposed), PLY (ascii or
 * binary_little_endian; the `vertex` element's x, y, z and, when present, red, green, blue; an
 * ASCII vertex line holds exactly one value per declared property) and ModelNet40's text files
 * (`modelnet40_normal_resampled`: one `x,y,z,nx,ny,nz` line per point, '#' comments skipped).
 * x, y, z must be finite here; the other columns only where the mode reads them.
 * PLY integer colours (uchar 0-255, ushort 0-65535) are scaled to [0, 1], the range of the
 * colours ULIP/LAVIS read from .npy/.npz files, before any normalisation; .npy and .txt columns
 * are taken as they are.
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

/** One np.loadtxt float token: a decimal number, or nan / inf / infinity with an optional sign. */
function textNumber(token: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)) return Number(token);
  const special = /^([+-]?)(nan|inf|infinity)$/i.exec(token);
  if (special === null) return undefined;
  return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
}

/**
 * ModelNet40 text points as ULIP/LAVIS read them (np.loadtxt(delimiter=',').astype(float32)): every
 * column kept, so normals follow xyz the way extra .npy columns do; whitespace also separates.
 * As np.loadtxt's default comments='#', a '#' starts a comment that runs to the end of the line
 * (np.savetxt(header=...) writes one), and lines left empty are skipped.
 */
export function parseTextPoints(bytes: Uint8Array, source: string): PointCloud {
  const lines = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: number[][] = [];
  lines.forEach((line, i) => {
    const content = line.replace(/#.*/, '').trim();
    if (content.length === 0) return;
    const tokens = content.split(/\s*,\s*|\s+/);
    // Number('') is 0 and Number('0x10') is 16, which np.loadtxt rejects; it reads nan and inf,
    // which are then judged like a .npy file's: xyz always, other columns where the mode reads them.
    const values = tokens.map(textNumber);
    if (values.length < 3 || values.some((v) => v === undefined)) {
      throw new PointCloudError(`${source}:${i + 1}: expected numbers x,y,z[,...] separated by commas, got '${line.trim().slice(0, 80)}'`);
    }
    if (rows.length > 0 && values.length !== rows[0]!.length) {
      throw new PointCloudError(`${source}:${i + 1}: ${values.length} values, but the first point has ${rows[0]!.length}; every line needs the same columns`);
    }
    rows.push(values as number[]);
  });
  if (rows.length === 0) throw new PointCloudError(`${source}: no points (the file is empty)`);
  const stride = rows[0]!.length;
  const data = new Float32Array(rows.length * stride);
  rows.forEach((row, p) => data.set(row, p * stride));
  return { count: rows.length, stride, data };
}

/**
 * No points, or a NaN/infinite coordinate, would normalise to NaN everywhere: say so at the file.
 * Only x, y, z here: whether the other columns are read depends on the mode (pointcloud.ts).
 */
function checkedCloud(cloud: PointCloud, source: string): PointCloud {
  if (cloud.count === 0) throw new PointCloudError(`${source}: the point cloud has no points`);
  checkFinite(cloud, 3, source, 'normalising would turn the whole tensor into NaN');
  return cloud;
}

/** The first `columns` columns of every point are finite, or the error names the point and the column (both 0-based). */
export function checkFinite(cloud: PointCloud, columns: number, source: string, why: string): void {
  for (let p = 0; p < cloud.count; p++) {
    for (let c = 0; c < columns; c++) {
      const value = cloud.data[p * cloud.stride + c]!;
      if (Number.isFinite(value)) continue;
      const column = c < 3 ? `column ${c} (${'xyz'[c]})` : `column ${c}`;
      throw new PointCloudError(`${source}: point ${p} has a non-finite value (${value}) in ${column}, counting from 0; ${why}: fix or remove the point`);
    }
  }
}

/** More columns than this is no point layout LAVIS reads (xyz, + rgb or normals, + a few extras). */
const MAX_COLUMNS = 16;

export function pointsFromNpy(bytes: Uint8Array, source: string): PointCloud {
  const array = parseNpy(bytes, source);
  const [count, stride] = array.shape;
  if (array.shape.length !== 2 || count === undefined || stride === undefined || stride < 3) {
    throw new PointCloudError(`${source}: expected an [N, C] array with C >= 3 (x, y, z first), got shape [${array.shape.join(', ')}]`);
  }
  // PyTorch's channels-first [C, N] reads as C points of N columns; refuse it rather than sample garbage.
  if (stride > MAX_COLUMNS || (stride > count && count >= 3)) {
    throw new PointCloudError(
      `${source}: shape [${count}, ${stride}] looks transposed (${stride} columns per point for ${count} points; [C, N] is PyTorch's channels-first layout): ` +
        `vlbench reads [N, C], N points of 3 to ${MAX_COLUMNS} columns, x, y, z first; re-save it as [N, C]: a = np.load(FILE); np.save(FILE, np.ascontiguousarray(a.T))`,
    );
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
    if (parts[0] === 'element') elements.push({ name: parts[1]!, count: elementCount(parts, source), props: [] });
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
  const body = bytes.subarray(headerEnd);
  // The header ends with a newline, so its split ends with '': body line i is file line headerLines.length + i.
  const data = format === 'ascii' ? readAsciiVertices(body, vertex, columns, headerLines.length, source) : readBinaryVertices(body, vertex, columns, source);
  if (columns.length === 6) scaleColours(data, columns.slice(3).map((col) => vertex.props[col]!.type));
  return { count: vertex.count, stride: columns.length, data };
}

function elementCount(parts: readonly string[], source: string): number {
  const count = Number(parts[2]);
  if (!Number.isSafeInteger(count) || count < 0) throw new PointCloudError(`${source}: PLY element '${parts[1] ?? ''}' declares a count of '${parts[2] ?? ''}'; expected a whole number`);
  return count;
}

/** Full scale of the integer colour types: ULIP's colours are in [0, 1] (its grey for uncoloured clouds is 0.4). */
const COLOUR_FULL_SCALE: Readonly<Record<string, number>> = { uchar: 255, uint8: 255, ushort: 65535, uint16: 65535 };

/**
 * PLY stores colours as 0-255 (or 0-65535) integers; `ulip` mode normalises them with xyz, so
 * raw they would dwarf the geometry. Float colours are taken to be in [0, 1] already.
 */
function scaleColours(data: Float32Array, types: readonly string[]): void {
  types.forEach((type, k) => {
    const scale = COLOUR_FULL_SCALE[type];
    if (scale !== undefined) for (let i = 3 + k; i < data.length; i += 6) data[i] = data[i]! / scale;
  });
}

/** Counts as the header states them, with separators, for errors. */
const counted = (n: number): string => n.toLocaleString('en-US');

interface PlyVertexElement {
  readonly count: number;
  readonly props: readonly PlyProperty[];
}

function readBinaryVertices(body: Uint8Array, vertex: PlyVertexElement, columns: readonly number[], source: string): Float32Array {
  const sizes = vertex.props.map((p) => PLY_SIZES[p.type]);
  if (sizes.some((s) => s === undefined)) throw new PointCloudError(`${source}: unsupported vertex property type`);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a! + b!, 0)!);
  const rowSize = sizes.reduce((a, b) => a! + b!, 0)!;
  // Before allocating: a corrupt count (2,000,000,000) would otherwise ask for gigabytes first.
  if (body.length < rowSize * vertex.count) {
    throw new PointCloudError(
      `${source}: truncated PLY body: the header declares ${counted(vertex.count)} vertices but the body holds ${counted(Math.floor(body.length / rowSize))} ` +
        `(${counted(body.length)} bytes, ${rowSize} per vertex); the file is cut short or its vertex count is wrong`,
    );
  }
  const data = new Float32Array(vertex.count * columns.length);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  for (let v = 0; v < vertex.count; v++) {
    columns.forEach((col, c) => (data[v * columns.length + c] = readBinary(view, v * rowSize + offsets[col]!, vertex.props[col]!.type)));
  }
  return data;
}

/** The number syntax of an ASCII PLY value (C's strtod, which also reads nan and inf). */
const PLY_NUMBER = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|nan|inf(inity)?)$/i;

function plyNumber(token: string): number {
  const lower = token.toLowerCase().replace(/^\+/, '');
  if (lower.endsWith('nan')) return NaN;
  if (lower.startsWith('inf') || lower.startsWith('-inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(token);
}

/**
 * One vertex per non-empty line, one value per declared property: a short line would leave
 * columns undefined (NaN), a long one means the header and the body disagree. Line numbers count
 * from the file's first line.
 */
function readAsciiVertices(body: Uint8Array, vertex: PlyVertexElement, columns: readonly number[], firstLine: number, source: string): Float32Array {
  const lines = new TextDecoder('latin1').decode(body).split(/\r?\n/);
  // One vertex per non-empty line: fewer lines than vertices fails before allocating for them.
  const present = lines.reduce((n, line) => (line.trim().length > 0 ? n + 1 : n), 0);
  if (present < vertex.count) {
    throw new PointCloudError(`${source}: truncated PLY body: the header declares ${counted(vertex.count)} vertices but the body holds ${counted(present)} lines; the file is cut short or its vertex count is wrong`);
  }
  const data = new Float32Array(vertex.count * columns.length);
  const names = vertex.props.map((p) => p.name).join(' ');
  let v = 0;
  for (let i = 0; i < lines.length && v < vertex.count; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    const tokens = line.split(/\s+/);
    const bad = tokens.findIndex((t) => !PLY_NUMBER.test(t));
    if (tokens.length !== vertex.props.length || bad >= 0) {
      const problem = bad >= 0 ? `'${tokens[bad]!.slice(0, 20)}' is not a number` : `${tokens.length} values`;
      throw new PointCloudError(`${source}:${firstLine + i}: vertex ${v} has ${problem}; the header declares ${vertex.props.length} per vertex (${names}): fix the line or the header`);
    }
    columns.forEach((col, c) => (data[v * columns.length + c] = plyNumber(tokens[col]!)));
    v++;
  }
  return data;
}

function findHeaderEnd(bytes: Uint8Array, source: string): number {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 65536)));
  if (!head.startsWith('ply')) throw new PointCloudError(`${source}: not a PLY file (missing 'ply' magic)`);
  const match = /end_header\r?\n/.exec(head);
  if (!match) throw new PointCloudError(`${source}: PLY header has no end_header line`);
  return match.index + match[0].length;
}
