/**
 * A minimal WebAssembly binary writer: just enough to emit the two SIMD resampling kernels in
 * resize-kernels.ts without a toolchain or a committed binary. Instructions are plain byte arrays;
 * the helpers below name the opcodes used (WebAssembly core spec 2.0, SIMD proposal numbering).
 */

export type Bytes = number[];

export function uleb(value: number): Bytes {
  const out: Bytes = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): Bytes {
  const out: Bytes = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const simd = (op: number, ...imm: Bytes): Bytes => [0xfd, ...uleb(op), ...imm];
const memarg = (align: number, offset = 0): Bytes => [...uleb(align), ...uleb(offset)];

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Instructions (each returns its encoding). */
export const op = {
  block: (): Bytes => [0x02, 0x40],
  loop: (): Bytes => [0x03, 0x40],
  br: (depth: number): Bytes => [0x0c, ...uleb(depth)],
  brIf: (depth: number): Bytes => [0x0d, ...uleb(depth)],
  end: (): Bytes => [0x0b],
  get: (local: number): Bytes => [0x20, ...uleb(local)],
  set: (local: number): Bytes => [0x21, ...uleb(local)],
  i32: (value: number): Bytes => [0x41, ...sleb(value)],
  i32Load: (): Bytes => [0x28, ...memarg(2)],
  i32Eqz: (): Bytes => [0x45],
  i32GeU: (): Bytes => [0x4f],
  i32Add: (): Bytes => [0x6a],
  i32Sub: (): Bytes => [0x6b],
  i32Mul: (): Bytes => [0x6c],
  v128Load: (): Bytes => simd(0x00, ...memarg(0)),
  v128Store: (): Bytes => simd(0x0b, ...memarg(0)),
  v128Load32Zero: (): Bytes => simd(0x5c, ...memarg(0)),
  v128Load64Zero: (): Bytes => simd(0x5d, ...memarg(0)),
  v128Const: (bytes: Bytes): Bytes => simd(0x0c, ...bytes),
  i8x16Shuffle: (lanes: Bytes): Bytes => simd(0x0d, ...lanes),
  i32x4Shl: (): Bytes => simd(0xab),
  i32x4DotI16x8S: (): Bytes => simd(0xba),
  v128Store32Lane0: (): Bytes => simd(0x5a, ...memarg(0), 0),
  f32x4ConvertI32x4U: (): Bytes => simd(0xfb),
  f32x4Sub: (): Bytes => simd(0xe5),
  f32x4Div: (): Bytes => simd(0xe7),
  i32x4Splat: (): Bytes => simd(0x11),
  i8x16NarrowI16x8U: (): Bytes => simd(0x66),
  i16x8NarrowI32x4S: (): Bytes => simd(0x85),
  i16x8ExtendLowI8x16U: (): Bytes => simd(0x89),
  i16x8ExtendHighI8x16U: (): Bytes => simd(0x8a),
  i32x4ExtendLowI16x8U: (): Bytes => simd(0xa9),
  i32x4ExtendHighI16x8U: (): Bytes => simd(0xaa),
  i32x4ShrS: (): Bytes => simd(0xac),
  i32x4Add: (): Bytes => simd(0xae),
  i32x4Mul: (): Bytes => simd(0xb5),
};

export interface FunctionDef {
  readonly name: string;
  readonly params: number;
  /** Extra locals, as [count, type] groups. */
  readonly locals: readonly (readonly [number, number])[];
  readonly body: Bytes;
}

function section(id: number, payload: Bytes): Bytes {
  return [id, ...uleb(payload.length), ...payload];
}

function vector(items: readonly Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

/** A module exporting `memory` (1 page initially) and the given functions (all i32 params, no results). */
export function assembleModule(functions: readonly FunctionDef[]): Uint8Array {
  const types = vector(functions.map((f) => [0x60, ...uleb(f.params), ...Array<number>(f.params).fill(I32), 0x00]));
  const funcs = vector(functions.map((_, i) => uleb(i)));
  const memory = vector([[0x00, ...uleb(1)]]);
  const name = (s: string): Bytes => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const exports = vector([[...name('memory'), 0x02, 0x00], ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])]);
  const code = vector(
    functions.map((f) => {
      const body = [...vector(f.locals.map(([count, type]) => [...uleb(count), type])), ...f.body, 0x0b];
      return [...uleb(body.length), ...body];
    }),
  );
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(3, funcs),
    ...section(5, memory),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
