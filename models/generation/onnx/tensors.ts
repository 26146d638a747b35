/**
 * Small tensor helpers for the ONNX decoder drivers: int64 feeds, row gathering (beam reorder,
 * repeat_interleave expansion) and last-position logits.
 */
import * as ort from 'onnxruntime-node';
import type { StepLogits } from '../decoder.js';
import { requireFiniteRange } from '../finite.js';
import { asFloat32, floatTensor, inputFloatType } from './float16.js';

const ZERO = BigInt(0);
const ONE = BigInt(1);

export function int64(rows: readonly (readonly number[])[]): ort.Tensor {
  const width = rows[0]?.length ?? 0;
  const data = new BigInt64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.length !== width) throw new Error(`int64 tensor: row ${r} has ${row.length} values, expected ${width}`);
    const base = r * width;
    // Masks are 0/1 and ids small: cached BigInts avoid a conversion per element.
    for (let c = 0; c < width; c++) {
      const v = row[c]!;
      data[base + c] = v === 1 ? ONE : v === 0 ? ZERO : BigInt(v);
    }
  }
  return new ort.Tensor('int64', data, [rows.length, width]);
}

export function float32(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, [...dims]);
}

/** A new tensor (float32 or float16) whose row r (along axis 0) is row `sourceRows[r]` of `tensor`. */
export function gatherRows(tensor: ort.Tensor, sourceRows: readonly number[]): ort.Tensor {
  const dims = tensor.dims;
  const rowSize = dims.slice(1).reduce((a, b) => a * b, 1);
  if (tensor.type !== 'float32' && tensor.type !== 'float16') throw new Error(`gatherRows: unsupported tensor type ${tensor.type}`);
  const source = tensor.data as Float32Array | Uint16Array;
  const out = tensor.type === 'float32' ? new Float32Array(sourceRows.length * rowSize) : new Uint16Array(sourceRows.length * rowSize);
  sourceRows.forEach((s, r) => out.set(source.subarray(s * rowSize, (s + 1) * rowSize), r * rowSize));
  return new ort.Tensor(tensor.type, out, [sourceRows.length, ...dims.slice(1)]);
}

/** `tensor` as the float type graph input `name` declares (converted only when they differ). */
export function asInputType(session: ort.InferenceSession, name: string, tensor: ort.Tensor): ort.Tensor {
  const want = inputFloatType(session, name);
  return tensor.type === want ? tensor : floatTensor(asFloat32(tensor), tensor.dims, want);
}

/** float32 values as the float type graph input `name` declares. */
export function floatInput(session: ort.InferenceSession, name: string, data: Float32Array, dims: readonly number[]): ort.Tensor {
  return floatTensor(data, dims, inputFloatType(session, name));
}

/** torch.repeat_interleave(expansion, dim 0) as row indices: 0,0,..,1,1,.. */
export function expandedRows(inputs: number, expansion: number): number[] {
  return Array.from({ length: inputs * expansion }, (_, r) => Math.floor(r / expansion));
}

/** Step logits with row r taken from row `sourceRows[r]` (expanding a per-input pass to beams). */
export function gatherLogitRows(logits: StepLogits, sourceRows: readonly number[]): StepLogits {
  if (sourceRows.length === logits.rows && sourceRows.every((s, r) => s === r)) return logits;
  const { vocab } = logits;
  const data = new Float32Array(sourceRows.length * vocab);
  sourceRows.forEach((s, r) => data.set(logits.data.subarray(s * vocab, (s + 1) * vocab), r * vocab));
  return { data, rows: sourceRows.length, vocab };
}

/**
 * The logits of the last position of every row of a [rows, seq, vocab] output, checked finite
 * (this is where every decoder step's logits enter generation; `role` names the graph).
 */
export function lastPositionLogits(logits: ort.Tensor, role: string): StepLogits {
  const [rows, seq, vocab] = logits.dims as [number, number, number];
  const source = asFloat32(logits);
  const data = seq === 1 ? source : new Float32Array(rows * vocab);
  for (let r = 0; r < rows; r++) {
    if (seq !== 1) data.set(source.subarray((r * seq + seq - 1) * vocab, (r * seq + seq) * vocab), r * vocab);
    requireFiniteRange(data, r * vocab, (r + 1) * vocab, role, `next-token logits of row ${r}`);
  }
  return { data, rows, vocab };
}

export function requireOutput(outputs: ort.InferenceSession.ReturnType, name: string, role: string): ort.Tensor {
  const tensor = outputs[name];
  if (tensor === undefined) throw new Error(`${role}: the graph returned no '${name}' output (models/CONTRACT.md section 2)`);
  return tensor;
}
