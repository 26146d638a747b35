/**
 * NumPy .npy reading and writing (format versions 1.0-3.0), for the numeric dtypes the harness
 * meets: float32/float64 point clouds and the float32 tensors `vlbench preprocess` writes.
 * Only C-order arrays are accepted: a Fortran-order file would need a transpose that callers
 * would not expect, so it is an error that says how to fix it.
 */

export type NpyDtype = '<f4' | '<f8' | '<i4' | '<i8' | '|u1';

export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  /** Values in C order; int64 arrays are converted to float64 Numbers. */
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
  const { dtype, fortran, shape } = parseHeader(header, source);
  if (fortran) {
    throw new NpyError(`${source}: Fortran-order arrays are not supported; save with np.save(path, np.ascontiguousarray(a))`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  const byteLength = count * ITEM_SIZE[dtype];
  if (bytes.length - dataStart < byteLength) {
    throw new NpyError(`${source}: truncated: shape [${shape.join(', ')}] needs ${byteLength} data bytes, file has ${bytes.length - dataStart}`);
  }
  // Copy (a Node Buffer's slice() would not) so the typed array is aligned and owns its memory.
  const body = new Uint8Array(byteLength);
  body.set(bytes.subarray(dataStart, dataStart + byteLength));
  return { dtype, shape, data: typedView(dtype, body, count) };
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

function parseHeader(header: string, source: string): { dtype: NpyDtype; fortran: boolean; shape: number[] } {
  const { descr, fortran, shape, shapeText } = npyHeaderFields(header);
  if (descr === undefined || fortran === undefined || shape === undefined) {
    throw new NpyError(`${source}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  const normalised = descr === '<u1' ? '|u1' : descr;
  if (!(normalised in ITEM_SIZE)) {
    throw new NpyError(`${source}: dtype '${descr}' is not supported (use float32 '<f4' or float64 '<f8', little-endian)`);
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`${source}: bad shape (${shapeText})`);
  return { dtype: normalised as NpyDtype, fortran, shape };
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
