/**
 * Pillow's antialiased BICUBIC resize, byte-identical to Pillow 9.4 (`Image.resize(size, BICUBIC)`)
 * on 8-bit images. This is what torchvision's `Resize` does to a PIL image, so it is what every
 * LAVIS image processor feeds the vision encoder.
 *
 * Facts carried over from Pillow's libImaging/Resample.c (9.4.0), re-implemented here:
 * - Keys cubic kernel with a = -0.5 and support 2; when downscaling the kernel is stretched by the
 *   scale factor (antialiasing), so the support grows to 2 * scale input pixels.
 * - Per output pixel, the window [xmin, xmin + n) is found by truncating `center ± support + 0.5`
 *   to int and clamping to the image; weights are normalised to sum 1 in double precision, then
 *   turned into 22-bit fixed point (PRECISION_BITS = 32 - 8 - 2), rounding half away from zero.
 * - Accumulation starts at 1 << 21 (rounding), the result is `acc >> 22` clamped to 0..255.
 * - Horizontal pass first, over only the input rows the vertical pass will read, stored as 8-bit;
 *   then the vertical pass. A pass is skipped when its size is unchanged and the box spans the
 *   whole axis; when both are skipped the image is copied.
 */

/** An 8-bit image with interleaved channels, row-major (height × width × channels). */
export interface PixelImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

/** Source region in input pixel coordinates, as Pillow's `box=(x0, y0, x1, y1)`. */
export interface ResizeBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

import { KernelArena, kernelCoefficients, pairedCoefficients, simdKernels } from './resize-kernels.js';
import type { KernelCoefficients } from './resize-kernels.js';

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);
const FIXED_ONE = 1 << PRECISION_BITS;
const BICUBIC_SUPPORT = 2.0;

/** Integer weights and windows for one axis: output i reads input [start[i], start[i] + count[i]). */
export interface AxisCoefficients {
  readonly ksize: number;
  readonly start: Int32Array;
  readonly count: Int32Array;
  /** outSize × ksize fixed-point weights; entries past count[i] are zero. */
  readonly weights: Int32Array;
}

/** Keys cubic, a = -0.5, with Pillow's exact expression order (double precision). */
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

/** Pillow's `precompute_coeffs` followed by `normalize_coeffs_8bpc`. */
export function bicubicCoefficients(inSize: number, in0: number, in1: number, outSize: number): AxisCoefficients {
  // Pillow stores box coordinates as C floats and subtracts them in float precision.
  const span = Math.fround(Math.fround(in1) - Math.fround(in0));
  const start0 = Math.fround(in0);
  const scale = span / outSize;
  const filterscale = scale < 1.0 ? 1.0 : scale;
  const support = BICUBIC_SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const raw = new Float64Array(ksize);
  const invScale = 1.0 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = start0 + (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0.0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubic((x + xmin - center + 0.5) * invScale);
      raw[x] = w;
      total += w;
    }
    const base = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const k = total !== 0.0 ? raw[x]! / total : raw[x]!;
      weights[base + x] = k < 0 ? Math.trunc(-0.5 + k * FIXED_ONE) : Math.trunc(0.5 + k * FIXED_ONE);
    }
    start[xx] = xmin;
    count[xx] = xmax;
  }
  return { ksize, start, count, weights };
}

function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Horizontal pass over input rows [rowOffset, rowOffset + rows). */
function resampleHorizontal(src: PixelImage, coeffs: AxisCoefficients, outWidth: number, rowOffset: number, rows: number): Uint8Array {
  const { channels } = src;
  const out = new Uint8Array(outWidth * rows * channels);
  const { ksize, start, count, weights } = coeffs;
  const srcStride = src.width * channels;
  const sdata = src.data;
  if (channels === 3) {
    for (let yy = 0; yy < rows; yy++) {
      const rowBase = (yy + rowOffset) * srcStride;
      let o = yy * outWidth * 3;
      for (let xx = 0; xx < outWidth; xx++) {
        const kBase = xx * ksize;
        const n = count[xx]!;
        let p = rowBase + start[xx]! * 3;
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (let x = 0; x < n; x++, p += 3) {
          const k = weights[kBase + x]!;
          s0 += sdata[p]! * k;
          s1 += sdata[p + 1]! * k;
          s2 += sdata[p + 2]! * k;
        }
        out[o++] = clip8(s0);
        out[o++] = clip8(s1);
        out[o++] = clip8(s2);
      }
    }
    return out;
  }
  for (let yy = 0; yy < rows; yy++) {
    const rowBase = (yy + rowOffset) * srcStride;
    for (let xx = 0; xx < outWidth; xx++) {
      const kBase = xx * ksize;
      const n = count[xx]!;
      const first = rowBase + start[xx]! * channels;
      for (let c = 0; c < channels; c++) {
        let s = HALF;
        for (let x = 0; x < n; x++) s += sdata[first + x * channels + c]! * weights[kBase + x]!;
        out[(yy * outWidth + xx) * channels + c] = clip8(s);
      }
    }
  }
  return out;
}

/** Vertical pass; row-at-a-time accumulation keeps the inner loop contiguous. */
function resampleVertical(src: Uint8Array, rowLength: number, coeffs: AxisCoefficients, outHeight: number, rowShift: number): Uint8Array {
  const out = new Uint8Array(rowLength * outHeight);
  const acc = new Int32Array(rowLength);
  const { ksize, start, count, weights } = coeffs;
  for (let yy = 0; yy < outHeight; yy++) {
    acc.fill(HALF);
    const kBase = yy * ksize;
    const first = start[yy]! - rowShift;
    const n = count[yy]!;
    for (let y = 0; y < n; y++) {
      const k = weights[kBase + y]!;
      if (k === 0) continue;
      const rowBase = (first + y) * rowLength;
      for (let i = 0; i < rowLength; i++) acc[i]! += src[rowBase + i]! * k;
    }
    const o = yy * rowLength;
    for (let i = 0; i < rowLength; i++) out[o + i] = clip8(acc[i]!);
  }
  return out;
}

const coefficientCache = new Map<string, AxisCoefficients>();
const kernelCache = new Map<string, KernelCoefficients>();

/** Coefficients are a pure function of the sizes; datasets repeat sizes, so keep recent ones. */
function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= 64) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

function axisCoefficients(inSize: number, in0: number, in1: number, outSize: number): AxisCoefficients {
  return cached(coefficientCache, `${inSize}:${in0}:${in1}:${outSize}`, () => bicubicCoefficients(inSize, in0, in1, outSize));
}

/** Which passes Pillow runs (ImagingResampleInner) and the coefficients of both axes. */
function plan(image: PixelImage, width: number, height: number, box?: ResizeBox) {
  const region = box ?? { x0: 0, y0: 0, x1: image.width, y1: image.height };
  const horizontal = axisCoefficients(image.width, region.x0, region.x1, width);
  const vertical = axisCoefficients(image.height, region.y0, region.y1, height);
  return {
    needHorizontal: width !== image.width || region.x0 !== 0 || region.x1 !== width,
    needVertical: height !== image.height || region.y0 !== 0 || region.y1 !== height,
    horizontal,
    vertical,
    // Rows of the input the vertical pass reads; the horizontal pass computes only these.
    firstRow: vertical.start[0]!,
    lastRow: vertical.start[height - 1]! + vertical.count[height - 1]!,
  };
}

/**
 * `Image.resize((width, height), Image.BICUBIC, box)` for 8-bit images with any channel count
 * (RGB for the models; L and RGBX-style layouts work the same way). Pillow's premultiplied-alpha
 * handling for RGBA/LA is not reproduced: callers convert to RGB first, as LAVIS does.
 * RGB images run on the WebAssembly SIMD kernels when the runtime has them; the result is the
 * same bytes either way (the tests check both against Pillow).
 */
export function resizeBicubic(image: PixelImage, width: number, height: number, box?: ResizeBox): PixelImage {
  checkSize(image, width, height);
  const kernels = image.channels === 3 ? simdKernels() : null;
  return kernels ? resizeSimd(kernels, image, width, height, box) : resizeBicubicPortable(image, width, height, box);
}

/** The plain TypeScript implementation (any channel count); the reference for the SIMD path. */
export function resizeBicubicPortable(image: PixelImage, width: number, height: number, box?: ResizeBox): PixelImage {
  checkSize(image, width, height);
  const p = plan(image, width, height, box);
  let data = image.data;
  let currentWidth = image.width;
  let rowShift = 0;
  if (p.needHorizontal) {
    data = resampleHorizontal(image, p.horizontal, width, p.firstRow, p.lastRow - p.firstRow);
    currentWidth = width;
    rowShift = p.firstRow;
  }
  if (p.needVertical) data = resampleVertical(data, currentWidth * image.channels, p.vertical, height, rowShift);
  // Without a vertical pass the box spans every row, so the horizontal pass produced rows 0..height.
  if (data === image.data) data = image.data.slice();
  return { width, height, channels: image.channels, data };
}

function resizeSimd(k: NonNullable<ReturnType<typeof simdKernels>>, image: PixelImage, width: number, height: number, box?: ResizeBox): PixelImage {
  const p = plan(image, width, height, box);
  if (!p.needHorizontal && !p.needVertical) return { width, height, channels: 3, data: image.data.slice() };
  const arena = new KernelArena(k);
  const srcStride = image.width * 3;
  let current = arena.reserve(image.data.length, image.data);
  let rowLength = srcStride;
  const rows = p.lastRow - p.firstRow;
  const h = p.needHorizontal ? kernelLayout(arena, 'h', image.width, box?.x0 ?? 0, box?.x1 ?? image.width, p.horizontal, 0) : undefined;
  const temp = p.needHorizontal ? arena.reserve(rows * width * 3) : 0;
  const shift = p.needHorizontal ? p.firstRow : 0;
  const v = p.needVertical ? kernelLayout(arena, 'v', image.height, box?.y0 ?? 0, box?.y1 ?? image.height, p.vertical, shift) : undefined;
  const out = p.needVertical ? arena.reserve(height * width * 3) : 0;
  const heap = arena.commit();
  if (h) {
    k.horizontal(current + p.firstRow * srcStride, srcStride, rows, temp, width, h.starts, h.counts, h.weights, h.stride);
    current = temp;
    rowLength = width * 3;
  }
  if (v) {
    k.vertical(current, rowLength, out, height, v.starts, v.counts, v.weights, v.stride);
    current = out;
  }
  return { width, height, channels: 3, data: heap.slice(current, current + width * height * 3) };
}

function kernelLayout(arena: KernelArena, axis: string, inSize: number, in0: number, in1: number, c: AxisCoefficients, shift: number) {
  const make = () => (axis === 'h' ? pairedCoefficients(c) : kernelCoefficients(c, shift));
  const kc = cached(kernelCache, `${axis}:${inSize}:${in0}:${in1}:${c.start.length}:${shift}`, make);
  return {
    stride: kc.stride,
    starts: arena.reserve(kc.starts.byteLength, kc.starts),
    counts: arena.reserve(kc.counts.byteLength, kc.counts),
    weights: arena.reserve(kc.splatted.byteLength, kc.splatted),
  };
}

function checkSize(image: PixelImage, width: number, height: number): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`resizeBicubic: target ${name} must be a positive integer, got ${v}`);
  }
  if (image.data.length !== image.width * image.height * image.channels) {
    throw new RangeError(`resizeBicubic: pixel buffer has ${image.data.length} bytes, expected ${image.width}×${image.height}×${image.channels}`);
  }
}

/** Crop a w×h window at (left, top) — PIL's `crop((left, top, left + w, top + h))` inside the image. */
export function cropImage(image: PixelImage, left: number, top: number, width: number, height: number): PixelImage {
  if (left < 0 || top < 0 || left + width > image.width || top + height > image.height) {
    throw new RangeError(`cropImage: window ${width}×${height} at (${left}, ${top}) exceeds the ${image.width}×${image.height} image`);
  }
  const c = image.channels;
  const out = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * c;
    out.set(image.data.subarray(from, from + width * c), y * width * c);
  }
  return { width, height, channels: c, data: out };
}
