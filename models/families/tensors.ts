/** Small tensor helpers shared by the family adapters (row-major float32 / int64). */
import * as ort from 'onnxruntime-node';
import type { PreparedMedia } from '../capabilities.js';

export function int64Tensor(rows: readonly (readonly number[])[]): ort.Tensor {
  const width = rows[0]?.length ?? 0;
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new RangeError(`int64Tensor: row ${r} has ${row.length} ids, expected ${width}`);
    row.forEach((id, c) => (data[r * width + c] = BigInt(id)));
  });
  return new ort.Tensor('int64', data, [rows.length, width]);
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** Stacks same-shape prepared inputs into one [batch, ...dims] tensor. */
export function stackMedia(items: readonly PreparedMedia[]): ort.Tensor {
  const first = items[0];
  if (!first) throw new RangeError('stackMedia: empty batch');
  const size = first.data.length;
  const data = new Float32Array(items.length * size);
  items.forEach((item, i) => {
    if (item.data.length !== size) throw new RangeError(`stackMedia: ${item.path} has shape [${item.dims.join(', ')}], expected [${first.dims.join(', ')}]`);
    data.set(item.data, i * size);
  });
  return new ort.Tensor('float32', data, [items.length, ...first.dims]);
}

/** Float32 data of a named output, with a clear error when the graph did not produce it. */
export function outputData(outputs: ort.InferenceSession.OnnxValueMapType, name: string, role: string): { data: Float32Array; dims: readonly number[] } {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`${role} returned no '${name}' output`);
  if (tensor.type !== 'float32') throw new Error(`${role} output '${name}' is ${tensor.type}, expected float32`);
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}

/** Row `index` of a [batch, ...rest] tensor's data, as a view. */
export function row(data: Float32Array, dims: readonly number[], index: number): Float32Array {
  const size = dims.slice(1).reduce((a, b) => a * b, 1);
  return data.subarray(index * size, (index + 1) * size);
}

/** Concatenates rows (each [...rest]) back into a [n, ...rest] tensor. */
export function concatRows(rows: readonly Float32Array[], rest: readonly number[]): ort.Tensor {
  const size = rest.reduce((a, b) => a * b, 1);
  const data = new Float32Array(rows.length * size);
  rows.forEach((r, i) => data.set(r, i * size));
  return new ort.Tensor('float32', data, [rows.length, ...rest]);
}

/** The arrays end to end, in order (one array is returned as it is). */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
