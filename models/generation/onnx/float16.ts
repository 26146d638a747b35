/**
 * float16 at the graph boundary: real LLM graphs may take and return float16 (models/CONTRACT.md
 * section 1), while the engine works in float32. onnxruntime-node carries float16 tensor data as
 * Uint16Array bit patterns; these convert with round-to-nearest-even, as numpy's float16 does.
 */
import * as ort from 'onnxruntime-node';

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The IEEE half-precision bit pattern nearest to `value` (ties to even). */
export function toHalfBits(value: number): number {
  scratch[0] = value;
  const x = scratchBits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa !== 0 ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export type FloatType = 'float32' | 'float16';

/** A float tensor of the given type from float32 values. */
export function floatTensor(data: Float32Array, dims: readonly number[], type: FloatType): ort.Tensor {
  if (type === 'float32') return new ort.Tensor('float32', data, [...dims]);
  const bits = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = toHalfBits(data[i]!);
  return new ort.Tensor('float16', bits, [...dims]);
}

/** The values of a float32 or float16 tensor as float32. */
export function asFloat32(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') {
    const bits = tensor.data as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]!);
    return out;
  }
  throw new Error(`expected a float32 or float16 tensor, got ${tensor.type}`);
}

/** The declared float type of a graph input (float32 when the graph does not say). */
export function inputFloatType(session: ort.InferenceSession, name: string): FloatType {
  const meta = session.inputMetadata.find((m) => m.name === name);
  if (meta === undefined) throw new Error(`the graph has no input '${name}' (models/CONTRACT.md section 2)`);
  if (!meta.isTensor) throw new Error(`graph input '${name}' is not a tensor`);
  if (meta.type === 'float16' || meta.type === 'float32') return meta.type;
  throw new Error(`graph input '${name}' is ${meta.type}; expected float32 or float16`);
}
