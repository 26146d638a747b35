/**
 * NumPy .npy reading and writing (format versions 1.0-3.0), for the numeric dtypes the harness
 * meets: float32/float64 point clouds and the float32 tensors `vlbench preprocess` writes.
 * Read as `np.load` reads them: Fortran-order arrays (what `np.save(f, a.T)` writes) come back
 * in C order and big-endian ones in native byte order, so only the element values matter.
 */

export type NpyDtype = '<f4' | '<f8' | '<i4' | '<i8' | '|u1';

export interface NpyArray {
  /** The element type, spelled little-endian whatever the file's byte order. */
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Values in C order and native byte order; int64 arrays are converted to float64 Numbers. */
  readonly data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

export class NpyError extends Error {
  override name = 'NpyError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const ITEM_SIZE: Record<NpyDtype, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8, '|u1': 1 };

/** Parse .npy bytes. `source` names the file in errors. */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new NpyError(`${source}: not a .npy file (missing the \\x93NUMPY magic)`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (major < 1 || major > 3) throw new NpyError(`${source}: unsupported .npy format version ${major}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const { dtype, fortran, bigEndian, shape } = parseHeader(header, source);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  const byteLength = count * ITEM_SIZE[dtype];
  if (bytes.length - dataStart < byteLength) {
    throw new NpyError(`${source}: truncated: shape [${shape.join(', ')}] needs ${byteLength} data bytes, file has ${bytes.length - dataStart}`);
  }
  const stored = bytes.subarray(dataStart, dataStart + byteLength);
  // A copy either way (a Node Buffer's slice() would not copy) so the typed array is aligned and owns its memory.
  const body = fortran || bigEndian ? reorderItems(stored, shape, ITEM_SIZE[dtype], fortran, bigEndian) : new Uint8Array(stored);
  return { dtype, shape, data: typedView(dtype, body, count) };
}

/**
 * The items of `stored` in C order (from Fortran order, where the first index varies fastest)
 * and, for a big-endian file, with each item's bytes reversed.
 */
function reorderItems(stored: Uint8Array, shape: readonly number[], size: number, fortran: boolean, swap: boolean): Uint8Array {
  const out = new Uint8Array(stored.length);
  const dims = fortran ? shape : [stored.length / size];
  const strides: number[] = [];
  let stride = 1;
  for (const dim of dims) {
    strides.push(stride);
    stride *= dim;
  }
  const index = new Array<number>(dims.length).fill(0);
  let from = 0;
  for (let to = 0; to < stored.length; to += size) {
    for (let k = 0; k < size; k++) out[to + k] = stored[from * size + (swap ? size - 1 - k : k)]!;
    // Advance the C-order index (last axis fastest) and follow it in the stored layout.
    for (let j = dims.length - 1; j >= 0; j--) {
      from += strides[j]!;
      index[j] = index[j]! + 1;
      if (index[j]! < dims[j]!) break;
      from -= strides[j]! * dims[j]!;
      index[j] = 0;
    }
  }
  return out;
}

function typedView(dtype: NpyDtype, body: Uint8Array, count: number): NpyArray['data'] {
  switch (dtype) {
    case '<f4':
      return new Float32Array(body.buffer, 0, count);
    case '<f8':
      return new Float64Array(body.buffer, 0, count);
    case '<i4':
      return new Int32Array(body.buffer, 0, count);
    case '<i8':
      return Float64Array.from(new BigInt64Array(body.buffer, 0, count), (v) => Number(v));
    case '|u1':
      return body;
    default: {
      const never: never = dtype;
      throw new Error(`unhandled dtype ${String(never)}`);
    }
  }
}

/**
 * The three entries of an .npy header dict as written, unjudged (undefined when absent): what
 * each reader accepts differs (vlbench score reads 2-D float matrices only).
 */
export function npyHeaderFields(header: string): { descr?: string; fortran?: boolean; shape?: number[]; shapeText?: string; structured: boolean } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  const shape = shapeText?.split(',').map((part) => part.trim()).filter((part) => part !== '').map(Number);
  return {
    ...(descr !== undefined ? { descr } : {}),
    ...(fortran !== undefined ? { fortran: fortran === 'True' } : {}),
    ...(shape !== undefined && shapeText !== undefined ? { shape, shapeText } : {}),
    structured: /'descr'\s*:\s*\[/.test(header),
  };
}

function parseHeader(header: string, source: string): { dtype: NpyDtype; fortran: boolean; bigEndian: boolean; shape: number[] } {
  const { descr, fortran, shape, shapeText } = npyHeaderFields(header);
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new NpyError(`${source}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  // np.save writes '<' or '>' for multi-byte types and '|' for single bytes; '=' is native (little-endian here).
  const bigEndian = descr.startsWith('>');
  const kind = descr.replace(/^[<>=|]/, '');
  const normalised = kind === 'u1' ? '|u1' : `<${kind}`;
  if (!/^[<>=|]/.test(descr) || !(normalised in ITEM_SIZE)) {
    throw new NpyError(`${source}: dtype '${descr}' is not supported (supported: float32, float64, int32, int64, uint8); convert it, e.g. np.save(FILE, np.load(FILE).astype(np.float32))`);
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`${source}: bad shape (${shapeText})`);
  return { dtype: normalised as NpyDtype, fortran, bigEndian, shape };
}

/** Serialise a float32 array as a version-1.0 .npy file (what `np.save` writes). */
export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeNpyFloat32: shape [${shape.join(', ')}] holds ${count} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so magic + length + header + '\n' is a multiple of 64 bytes, as NumPy does.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
