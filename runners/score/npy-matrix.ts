/**
 * 2-D score matrices from NumPy .npy files (`np.save('i2t.npy', score_matrix_i2t)`), for
 * `vlbench score retrieval`. A COCO 5k test matrix (5,000 x 25,000 float32) is 500 MB: the
 * header is read first (so a wrong dtype, order or shape is reported before anything large is
 * allocated), then the data goes from the file straight into one typed array.
 *
 * models/preprocess/npy.ts's reader is not used: it parses a Buffer of the whole file and copies
 * the body out of it, two file-sized allocations (fine for point clouds, 1 GB at the peak here);
 * its header fields are.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { endianness as hostEndianness } from 'node:os';
import { npyHeaderFields } from '../../models/preprocess/npy.js';
import { MetricInputError } from '../../reports/metrics/input-error.js';

export interface NpyMatrixHeader {
  readonly file: string;
  readonly dtype: '<f4' | '<f8';
  readonly rows: number;
  readonly cols: number;
  /** Byte offset of the first value. */
  readonly dataOffset: number;
}

export interface NpyMatrix extends NpyMatrixHeader {
  /** rows x cols values, C order (row r is data[r*cols .. (r+1)*cols)). */
  readonly data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const FIX = "Save it with np.save(path, np.ascontiguousarray(m, dtype=np.float32))";
/** Headers are padded to 64 bytes and hold a short dict; anything near this is not np.save's. */
const MAX_HEADER_BYTES = 1 << 20;
/** Bytes per readSync call (it cannot read 2 GiB or more at once). */
const READ_CHUNK = 1 << 26;

/** Reads and checks the header only: little-endian float32/float64, C order, 2-D. */
export function readNpyMatrixHeader(file: string): NpyMatrixHeader {
  return withFile(file, (fd, size) => {
    const prefix = readAt(fd, file, 0, Math.min(size, 12));
    if (prefix.length < 10 || !MAGIC.every((byte, i) => prefix[i] === byte)) {
      const json = prefix[0] === 0x7b || prefix[0] === 0x5b; // '{' or '['
      throw new MetricInputError(file, '', 'not a .npy file (it does not start with the \\x93NUMPY magic)', json ? 'A JSON scores file goes to --scores' : 'Write the matrix with np.save');
    }
    const major = prefix[6]!;
    if (major < 1 || major > 3) throw new MetricInputError(file, '', `.npy format version ${major}.${prefix[7]} is not supported (1.0-3.0 are)`, FIX);
    const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
    const headerStart = major === 1 ? 10 : 12;
    const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
    if (headerLength > MAX_HEADER_BYTES || headerStart + headerLength > size) {
      throw new MetricInputError(file, '', `the .npy header claims ${headerLength} bytes; the file is truncated or not a .npy file`);
    }
    const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(readAt(fd, file, headerStart, headerLength));
    const { dtype, rows, cols } = parseHeader(file, header);
    const dataOffset = headerStart + headerLength;
    const needed = rows * cols * (dtype === '<f4' ? 4 : 8);
    if (size - dataOffset < needed) {
      throw new MetricInputError(file, '', `truncated: shape (${rows}, ${cols}) ${describeDtype(dtype)} needs ${needed} data bytes, the file has ${size - dataOffset}`);
    }
    return { file, dtype, rows, cols, dataOffset };
  });
}

function parseHeader(file: string, header: string): { dtype: '<f4' | '<f8'; rows: number; cols: number } {
  const { descr, fortran, shape, shapeText, structured } = npyHeaderFields(header);
  if (descr === undefined) {
    throw new MetricInputError(file, '', structured ? 'has a structured dtype (named fields); expected a plain float32 or float64 matrix' : `malformed .npy header ${JSON.stringify(header.trim())}`, FIX);
  }
  if (fortran === undefined || shape === undefined) throw new MetricInputError(file, '', `malformed .npy header ${JSON.stringify(header.trim())}`, FIX);
  if (descr !== '<f4' && descr !== '<f8') {
    throw new MetricInputError(file, '', `has dtype '${descr}' (${describeDtype(descr)}); expected little-endian float32 '<f4' or float64 '<f8'`, FIX);
  }
  if (fortran) {
    // np.save(path, m.T) writes the transposed view as is, in Fortran order.
    throw new MetricInputError(file, '', 'is in Fortran order (fortran_order: True, e.g. a transposed view such as m.T saved as is); expected C order', FIX);
  }
  if (shape.length !== 2 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new MetricInputError(file, '', `has shape (${shapeText!.trim()}); expected a 2-D matrix (rows, columns)`, 'Save the score matrix itself (e.g. score_matrix_i2t, images x texts), not a slice or a stack of matrices');
  }
  return { dtype: descr, rows: shape[0]!, cols: shape[1]! };
}

/** Human name of a NumPy dtype string such as '>f4' or '<i8'. */
function describeDtype(descr: string): string {
  const order = descr[0] === '>' ? ', big-endian' : '';
  const kind = descr.slice(1, 2);
  const bytes = Number(descr.slice(2));
  const names: Record<string, string> = { f: 'float', i: 'int', u: 'uint', c: 'complex', b: 'bool', O: 'Python objects', U: 'unicode strings', S: 'byte strings', V: 'raw bytes', M: 'datetime', m: 'timedelta' };
  const name = names[kind];
  if (name === undefined) return 'unknown dtype';
  const bits = kind === 'f' || kind === 'i' || kind === 'u' || kind === 'c' ? `${name}${bytes * 8}` : name;
  return bits + order;
}

/** Reads the values of a checked header into one typed array; non-finite values are refused. */
export function readNpyMatrix(header: NpyMatrixHeader): NpyMatrix {
  if (hostEndianness() !== 'LE') throw new MetricInputError(header.file, '', 'reading .npy matrices needs a little-endian host');
  const count = header.rows * header.cols;
  const data = header.dtype === '<f4' ? new Float32Array(count) : new Float64Array(count);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  withFile(header.file, (fd) => {
    for (let done = 0; done < bytes.length; ) {
      const read = readSync(fd, bytes, done, Math.min(READ_CHUNK, bytes.length - done), header.dataOffset + done);
      if (read === 0) throw new MetricInputError(header.file, '', `truncated while reading: ${done} of ${bytes.length} data bytes`);
      done += read;
    }
  });
  checkFinite(header.file, data, header.cols);
  return { ...header, data };
}

/** JSON scores must be finite numbers; a .npy matrix is held to the same rule. */
function checkFinite(file: string, data: Float32Array | Float64Array, cols: number): void {
  // x * 0 is 0 for finite x and NaN for NaN and +-Infinity: a branch-free pass over 125M scores
  // (about twice as fast as testing each one); the position is searched only when one is bad.
  let sum = 0;
  const n = data.length;
  for (let k = 0; k < n; k++) sum += data[k]! * 0;
  if (sum === 0) return;
  const k = data.findIndex((value) => !Number.isFinite(value));
  const value = data[k]!;
  throw new MetricInputError(file, `row ${Math.floor(k / cols)}, column ${k % cols}`, `score is ${value}; every score must be a finite number`, Number.isNaN(value) ? NAN_FIX : INFINITY_FIX);
}

const NAN_FIX = 'NaN is not a score (np.argsort puts it last, so LAVIS would rank it first); fix the producer of this matrix: find where the NaN comes from before np.save';
/** LAVIS ranks +-Infinity like any value; clipping keeps that order as long as the finite scores are smaller. */
const INFINITY_FIX = 'LAVIS ranks it like any other score, but vlbench holds .npy matrices to the JSON rule (JSON has no Infinity). Replace it by a finite value beyond the other scores before np.save, which keeps the ranking: np.clip(m, -1e30, 1e30)';

function withFile<T>(file: string, use: (fd: number, size: number) => T): T {
  let fd: number;
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = stat.size;
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MetricInputError(file, '', code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a .npy file' : `cannot be read (${code ?? String(error)})`);
  }
  try {
    return use(fd, size);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, file: string, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const read = readSync(fd, out, 0, length, position);
  if (read !== length) throw new MetricInputError(file, '', `truncated: expected ${length} bytes at offset ${position}, read ${read}`);
  return out;
}
