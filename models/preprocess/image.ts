/**
 * LAVIS's two evaluation image transforms, on PIL-identical pixels:
 * - `stretch` = `blip_image_eval`: torchvision `Resize((S, S), BICUBIC)` (aspect ratio not kept);
 * - `crop`    = `clip_image_eval`: torchvision `Resize(S, BICUBIC)` (shorter side to S, longer side
 *   `int(S * long / short)`, truncated) then `CenterCrop(S)` with offsets `int(round((d - S) / 2))`,
 *   Python's round (half to even);
 * then `ToTensor` (uint8 / 255 in float32) and `Normalize` (`(x - mean) / std`, each step rounded to
 * float32 as torch does), laid out CHW.
 */
import { decodeImageFile } from './image-decode.js';
import type { RgbImage } from './image-decode.js';
import { cropImage, resizeBicubic } from './pil-resize.js';
import { KernelArena, simdKernels } from './resize-kernels.js';
import type { PixelImage } from './pil-resize.js';

export type ResizeMode = 'stretch' | 'crop';

/** The CLIP constants every BLIP-family model normalises with. */
export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

export interface ImagePreprocessOptions {
  readonly size: number;
  readonly resize: ResizeMode;
  readonly mean?: readonly [number, number, number];
  readonly std?: readonly [number, number, number];
}

export interface ImageTensor {
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number];
}

export interface BatchTensor {
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number, number];
}

/** Python's round() on a float: nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** torchvision `Resize(S)` output size for a PIL image of width × height. */
export function shorterSideSize(width: number, height: number, size: number): { width: number; height: number } {
  const [short, long] = width <= height ? [width, height] : [height, width];
  const newLong = Math.trunc((size * long) / short);
  return width <= height ? { width: size, height: newLong } : { width: newLong, height: size };
}

/** The uint8 RGB image the model sees before normalisation (the part that must match PIL bytes). */
export function resizeForModel(image: PixelImage, size: number, mode: ResizeMode): PixelImage {
  checkSize(size);
  switch (mode) {
    case 'stretch':
      return resizeBicubic(image, size, size);
    case 'crop': {
      const target = shorterSideSize(image.width, image.height, size);
      const resized = resizeBicubic(image, target.width, target.height);
      const top = Math.trunc(roundHalfEven((resized.height - size) / 2));
      const left = Math.trunc(roundHalfEven((resized.width - size) / 2));
      return cropImage(resized, left, top, size, size);
    }
    default: {
      const never: never = mode;
      throw new Error(`unknown resize mode ${String(never)}`);
    }
  }
}

/**
 * Per channel, the float32 value each byte maps to: `fround(fround(v / 255) - mean) / std`, with
 * mean and std themselves float32 (torch.as_tensor(mean, dtype=float32)). A double operation
 * rounded once to float32 equals torch's float32 operation for +, -, /, so this is bit-exact.
 */
export function normalisationTable(mean: readonly number[], std: readonly number[]): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const m = Math.fround(mean[c]!);
    const s = Math.fround(std[c]!);
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = Math.fround(Math.fround(v / 255) - m) / s;
    return table;
  });
}

const clipTables = normalisationTable(CLIP_MEAN, CLIP_STD);

/** A float32 array without the zero-fill (every element is written before use). */
function uninitialisedFloat32(length: number): Float32Array {
  return new Float32Array(Buffer.allocUnsafeSlow(length * 4).buffer, 0, length);
}

/**
 * HWC uint8 RGB -> CHW float32, normalised; writes into `out` at `offset` when given. Runs on the
 * WebAssembly SIMD kernel when available (same floats: see normaliseKernel), the lookup tables
 * otherwise and for the last plane % 4 pixels.
 */
export function normaliseToChw(image: PixelImage, mean = CLIP_MEAN, std = CLIP_STD, out?: Float32Array, offset = 0): Float32Array {
  if (image.channels !== 3) throw new RangeError(`normaliseToChw: expected 3 channels, got ${image.channels}`);
  const tables = mean === CLIP_MEAN && std === CLIP_STD ? clipTables : normalisationTable(mean, std);
  const plane = image.width * image.height;
  const target = out ?? uninitialisedFloat32(plane * 3);
  const kernels = simdKernels();
  const first = kernels ? normaliseSimd(kernels, image, mean, std, target, offset) : 0;
  const src = image.data;
  const [red, green, blue] = tables as [Float32Array, Float32Array, Float32Array];
  // One pass over the interleaved bytes, writing the three planes together.
  for (let i = first, p = first * 3, o = offset + first; i < plane; i++, p += 3, o++) {
    target[o] = red[src[p]!]!;
    target[o + plane] = green[src[p + 1]!]!;
    target[o + 2 * plane] = blue[src[p + 2]!]!;
  }
  return target;
}

/** SIMD normalisation of the first plane - plane % 4 pixels; returns how many it did. */
function normaliseSimd(k: NonNullable<ReturnType<typeof simdKernels>>, image: PixelImage, mean: readonly number[], std: readonly number[], target: Float32Array, offset: number): number {
  const plane = image.width * image.height;
  const groups = Math.floor(plane / 4);
  if (groups === 0) return 0;
  const consts = new Float32Array(28);
  [255, mean[0]!, mean[1]!, mean[2]!, std[0]!, std[1]!, std[2]!].forEach((v, i) => consts.fill(v, i * 4, i * 4 + 4));
  const arena = new KernelArena(k);
  const src = arena.reserve(image.data.length, image.data);
  const constants = arena.reserve(consts.byteLength, consts);
  const dst = arena.reserve(plane * 3 * 4);
  const heap = arena.commit();
  k.normalise(src, groups, dst, plane * 4, constants);
  const done = groups * 4;
  for (let c = 0; c < 3; c++) {
    target.set(new Float32Array(heap.buffer, dst + c * plane * 4, done), offset + c * plane);
  }
  return done;
}

/** Decoded RGB image -> the [3, S, S] float32 tensor LAVIS's eval processor produces. */
export function imageToTensor(image: RgbImage, options: ImagePreprocessOptions): ImageTensor {
  const pixels = resizeForModel(image, options.size, options.resize);
  const data = normaliseToChw(pixels, options.mean ?? CLIP_MEAN, options.std ?? CLIP_STD);
  return { data, dims: [3, options.size, options.size] };
}

/** Decode a JPEG/PNG/WebP file as PIL does and preprocess it for the vision encoder. */
export async function preprocessImage(path: string, options: ImagePreprocessOptions): Promise<ImageTensor> {
  return imageToTensor(await decodeImageFile(path), options);
}

/** Stack same-size [3, S, S] tensors into [B, 3, S, S]. */
export function batchImages(tensors: readonly ImageTensor[]): BatchTensor {
  const first = tensors[0];
  if (first === undefined) throw new RangeError('batchImages: empty batch');
  const [c, h, w] = first.dims;
  const data = new Float32Array(tensors.length * c * h * w);
  tensors.forEach((t, i) => {
    if (t.dims[0] !== c || t.dims[1] !== h || t.dims[2] !== w) {
      throw new RangeError(`batchImages: tensor ${i} has dims [${t.dims.join(', ')}], expected [${c}, ${h}, ${w}]`);
    }
    data.set(t.data, i * c * h * w);
  });
  return { data, dims: [tensors.length, c, h, w] };
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`image size must be a positive integer, got ${size}`);
}
