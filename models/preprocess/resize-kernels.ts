/**
 * WebAssembly SIMD versions of Pillow's two 8-bit resampling passes for RGB images, computing the
 * same integers as pil-resize.ts (same 22-bit coefficients, same rounding constant, `acc >> 22`
 * saturated to 0..255 by the two saturating narrows), only four lanes at a time:
 * - horizontal: one output pixel per i32x4 (lanes R, G, B and a discarded fourth byte);
 * - vertical: sixteen output bytes per step, reading whole source rows.
 * Buffers carry 16 spare bytes at their ends because the kernels read and write in 4- and
 * 16-byte units past the last pixel (the extra lanes are discarded or overwritten).
 */
import { I32, V128, assembleModule, op } from './wasm-asm.js';
import type { Bytes, FunctionDef } from './wasm-asm.js';
import type { AxisCoefficients } from './pil-resize.js';

const HALF = 1 << 21;
const SHIFT = 22;

/** (a + b) -> a, as a byte sequence; small helpers keep the kernel bodies readable. */
const set = (local: number, ...value: Bytes[]): Bytes => [...value.flat(), ...op.set(local)];
const add = (local: number, amount: Bytes): Bytes => set(local, op.get(local), amount, op.i32Add());
const loopWhile = (exitCondition: Bytes, body: Bytes[]): Bytes => [
  ...op.block(), ...op.loop(), ...exitCondition, ...op.brIf(1), ...body.flat(), ...op.br(0), ...op.end(), ...op.end(),
];
const ge = (a: number, b: number): Bytes => [...op.get(a), ...op.get(b), ...op.i32GeU()];
const splatHalf = (): Bytes => [...op.i32(HALF), ...op.i32x4Splat()];
const shifted = (v: number): Bytes => [...op.get(v), ...op.i32(SHIFT), ...op.i32x4ShrS()];
const elementAt = (base: number, index: number, scale: number): Bytes => [
  ...op.get(base), ...op.get(index), ...op.i32(scale), ...op.i32Mul(), ...op.i32Add(),
];

/**
 * Horizontal pass, two taps per step: the 6 bytes of two neighbouring pixels are shuffled into
 * i16 lanes [R0, R1, G0, G1, B0, B1, 0, 0] and dot-multiplied (i32x4.dot_i16x8_s) with the pair's
 * weights. A 22-bit weight does not fit an i16, so each is split as k = kh * 2^11 + kl
 * (0 <= kl < 2^11) and the two dot products are recombined as (sumH << 11) + sumL, which is the
 * same integer as the sum of p * k. Odd tap counts get a zero weight for the extra pixel.
 */
function horizontalKernel(): FunctionDef {
  const [src, srcStride, rows, dst, outWidth, starts, counts, weights, pairStride] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [y, xx, n, p, wptr, dstp, accH, accL, pix] = [9, 10, 11, 12, 13, 14, 15, 16, 17];
  const Z = 16; // any lane index >= 16 selects a byte of the zero vector
  const pairLanes = [0, Z, 3, Z, 1, Z, 4, Z, 2, Z, 5, Z, Z, Z, Z, Z];
  const tapPair: Bytes[] = [
    set(pix, op.get(p), op.v128Load64Zero(), op.v128Const(Array<number>(16).fill(0)), op.i8x16Shuffle(pairLanes)),
    set(accH, op.get(accH), op.get(pix), op.get(wptr), op.v128Load(), op.i32x4DotI16x8S(), op.i32x4Add()),
    set(accL, op.get(accL), op.get(pix), op.get(wptr), op.i32(16), op.i32Add(), op.v128Load(), op.i32x4DotI16x8S(), op.i32x4Add()),
    add(p, op.i32(6)),
    add(wptr, op.i32(32)),
    set(n, op.get(n), op.i32(1), op.i32Sub()),
  ];
  const pixel: Bytes[] = [
    set(p, op.get(src), op.get(y), op.get(srcStride), op.i32Mul(), op.i32Add(), elementAt(starts, xx, 4), op.i32Load(), op.i32(3), op.i32Mul(), op.i32Add()),
    set(n, elementAt(counts, xx, 4), op.i32Load()),
    set(wptr, op.get(weights), op.get(xx), op.get(pairStride), op.i32Mul(), op.i32Add()),
    set(accH, op.i32(0), op.i32x4Splat()),
    set(accL, splatHalf()),
    loopWhile([...op.get(n), ...op.i32Eqz()], tapPair),
    set(accH, op.get(accH), op.i32(11), op.i32x4Shl(), op.get(accL), op.i32x4Add(), op.i32(SHIFT), op.i32x4ShrS()),
    op.get(dstp),
    set(accH, op.get(accH), op.get(accH), op.i16x8NarrowI32x4S()),
    op.get(accH), op.get(accH), op.i8x16NarrowI16x8U(), op.v128Store32Lane0(),
    add(dstp, op.i32(3)),
    add(xx, op.i32(1)),
  ];
  const row: Bytes[] = [
    set(dstp, op.get(y), op.get(outWidth), op.i32Mul(), op.i32(3), op.i32Mul(), op.get(dst), op.i32Add()),
    set(xx, op.i32(0)),
    loopWhile(ge(xx, outWidth), pixel),
    add(y, op.i32(1)),
  ];
  return {
    name: 'horizontal',
    params: 9,
    locals: [[6, I32], [3, V128]],
    body: [...set(y, op.i32(0)), ...loopWhile(ge(y, rows), row)],
  };
}

function verticalKernel(): FunctionDef {
  const [src, rowLength, dst, outHeight, starts, counts, weights, stride] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [yy, i, n, p, wptr, rowBase, wbase, n0, outRow] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [a0, a1, a2, a3, v, w, lo, hi] = [17, 18, 19, 20, 21, 22, 23, 24];
  const mac = (acc: number, half: number, extend: Bytes): Bytes => set(acc, op.get(acc), op.get(half), extend, op.get(w), op.i32x4Mul(), op.i32x4Add());
  const tap: Bytes[] = [
    set(v, op.get(p), op.v128Load()),
    set(w, op.get(wptr), op.v128Load()),
    set(lo, op.get(v), op.i16x8ExtendLowI8x16U()),
    set(hi, op.get(v), op.i16x8ExtendHighI8x16U()),
    mac(a0, lo, op.i32x4ExtendLowI16x8U()),
    mac(a1, lo, op.i32x4ExtendHighI16x8U()),
    mac(a2, hi, op.i32x4ExtendLowI16x8U()),
    mac(a3, hi, op.i32x4ExtendHighI16x8U()),
    add(p, op.get(rowLength)),
    add(wptr, op.i32(16)),
    set(n, op.get(n), op.i32(1), op.i32Sub()),
  ];
  const chunk: Bytes[] = [
    set(a0, splatHalf()), set(a1, splatHalf()), set(a2, splatHalf()), set(a3, splatHalf()),
    set(p, op.get(rowBase), op.get(i), op.i32Add()),
    set(n, op.get(n0)),
    set(wptr, op.get(wbase)),
    loopWhile([...op.get(n), ...op.i32Eqz()], tap),
    op.get(outRow), op.get(i), op.i32Add(),
    shifted(a0), shifted(a1), op.i16x8NarrowI32x4S(),
    shifted(a2), shifted(a3), op.i16x8NarrowI32x4S(),
    op.i8x16NarrowI16x8U(), op.v128Store(),
    add(i, op.i32(16)),
  ];
  const row: Bytes[] = [
    set(rowBase, op.get(src), elementAt(starts, yy, 4), op.i32Load(), op.get(rowLength), op.i32Mul(), op.i32Add()),
    set(n0, elementAt(counts, yy, 4), op.i32Load()),
    set(wbase, op.get(weights), op.get(yy), op.get(stride), op.i32Mul(), op.i32Add()),
    set(outRow, op.get(dst), op.get(yy), op.get(rowLength), op.i32Mul(), op.i32Add()),
    set(i, op.i32(0)),
    loopWhile(ge(i, rowLength), chunk),
    add(yy, op.i32(1)),
  ];
  return {
    name: 'vertical',
    params: 8,
    locals: [[9, I32], [8, V128]],
    body: [...set(yy, op.i32(0)), ...loopWhile(ge(yy, outHeight), row)],
  };
}

/** The slice of the WebAssembly JS API used here (the project's TS lib set has no DOM types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * ToTensor + Normalize for groups of 4 RGB pixels: bytes are shuffled into one i32x4 per channel,
 * converted to f32 and put through (x / 255 - mean) / std with f32x4 operations. Each is an
 * IEEE single-precision operation, exactly what torch does per element, so the floats are
 * bit-identical. `consts` holds seven splatted f32x4: 255, the three means, the three stds.
 */
function normaliseKernel(): FunctionDef {
  const [src, groups, dst, planeBytes, consts] = [0, 1, 2, 3, 4];
  const [g, p, q, v, c255, mean0, , , std0] = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const Z = 16;
  const laneBytes = (c: number): Bytes => [c, Z, Z, Z, c + 3, Z, Z, Z, c + 6, Z, Z, Z, c + 9, Z, Z, Z];
  const zero = op.v128Const(Array<number>(16).fill(0));
  const channel = (c: number): Bytes => [
    ...op.get(q), ...(c === 0 ? [] : [...op.get(planeBytes), ...op.i32(c), ...op.i32Mul(), ...op.i32Add()]),
    ...op.get(v), ...zero, ...op.i8x16Shuffle(laneBytes(c)), ...op.f32x4ConvertI32x4U(),
    ...op.get(c255), ...op.f32x4Div(), ...op.get(mean0 + c), ...op.f32x4Sub(), ...op.get(std0 + c), ...op.f32x4Div(),
    ...op.v128Store(),
  ];
  const loadConst = (local: number, index: number): Bytes => set(local, op.get(consts), op.i32(index * 16), op.i32Add(), op.v128Load());
  return {
    name: 'normalise',
    params: 5,
    locals: [[3, I32], [8, V128]],
    body: [
      ...[0, 1, 2, 3, 4, 5, 6].flatMap((i) => loadConst(c255 + i, i)),
      ...set(g, op.i32(0)), ...set(p, op.get(src)), ...set(q, op.get(dst)),
      ...loopWhile(ge(g, groups), [
        set(v, op.get(p), op.v128Load()),
        channel(0), channel(1), channel(2),
        add(p, op.i32(12)), add(q, op.i32(16)), add(g, op.i32(1)),
      ]),
    ],
  };
}

interface Kernels {
  readonly memory: WasmMemory;
  horizontal(...args: number[]): void;
  vertical(...args: number[]): void;
  normalise(...args: number[]): void;
}

let kernels: Kernels | null | undefined;

/** The compiled kernels, or null where the runtime lacks WebAssembly SIMD. */
export function simdKernels(): Kernels | null {
  if (kernels !== undefined) return kernels;
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(assembleModule([horizontalKernel(), verticalKernel(), normaliseKernel()]));
    kernels = new wasm.Instance(module).exports as unknown as Kernels;
  } catch {
    kernels = null;
  }
  return kernels;
}

/** Coefficients laid out for the kernels: starts, counts, and each weight splatted to 4 lanes. */
export interface KernelCoefficients {
  /** Bytes of weights per output position. */
  readonly stride: number;
  readonly starts: Int32Array;
  readonly counts: Int32Array;
  readonly splatted: Int32Array;
}

/** Vertical-pass layout: every weight splatted to four i32 lanes (16 bytes). */
export function kernelCoefficients(c: AxisCoefficients, startShift = 0): KernelCoefficients {
  const splatted = new Int32Array(c.weights.length * 4);
  for (let i = 0; i < c.weights.length; i++) splatted.fill(c.weights[i]!, i * 4, i * 4 + 4);
  const starts = startShift === 0 ? c.start : c.start.map((s) => s - startShift);
  return { stride: c.ksize * 16, starts, counts: c.count, splatted };
}

/**
 * Horizontal-pass layout: per output pixel, ceil(ksize / 2) tap pairs of 32 bytes, each the i16x8
 * [kh0, kh1, kh0, kh1, kh0, kh1, 0, 0] followed by the same for kl; counts are in pairs.
 */
export function pairedCoefficients(c: AxisCoefficients): KernelCoefficients {
  const pairs = Math.ceil(c.ksize / 2);
  const lanes = new Int16Array(c.start.length * pairs * 16);
  const counts = new Int32Array(c.start.length);
  for (let xx = 0; xx < c.start.length; xx++) {
    counts[xx] = Math.ceil(c.count[xx]! / 2);
    for (let t = 0; t < c.count[xx]!; t++) {
      const k = c.weights[xx * c.ksize + t]!;
      const base = (xx * pairs + (t >> 1)) * 16 + (t & 1);
      for (let lane = 0; lane < 6; lane += 2) {
        lanes[base + lane] = k >> 11;
        lanes[base + 8 + lane] = k & 2047;
      }
    }
  }
  return { stride: pairs * 32, starts: c.start, counts, splatted: new Int32Array(lanes.buffer) };
}

/** Bump allocator over the kernels' memory for one resize call. */
export class KernelArena {
  private next = 16;
  private readonly blocks: { offset: number; bytes: Uint8Array | Int32Array | Float32Array }[] = [];
  constructor(private readonly k: Kernels) {}

  reserve(byteLength: number, contents?: Uint8Array | Int32Array | Float32Array): number {
    const offset = this.next;
    this.next = (offset + byteLength + 32 + 15) & ~15;
    if (contents) this.blocks.push({ offset, bytes: contents });
    return offset;
  }

  /** Grow the memory to fit every reservation and copy the inputs in. */
  commit(): Uint8Array {
    const have = this.k.memory.buffer.byteLength;
    if (this.next > have) this.k.memory.grow(Math.ceil((this.next - have) / 65536));
    const heap = new Uint8Array(this.k.memory.buffer);
    for (const { offset, bytes } of this.blocks) heap.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset);
    return heap;
  }
}
