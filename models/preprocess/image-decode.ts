/**
 * Image decoding that reproduces PIL 9.4's `Image.open(path).convert("RGB")`, which is how every
 * LAVIS dataset loads images. sharp (libvips) does the decoding: its JPEG, PNG and WebP decoders
 * give the same bytes as PIL's for 8-bit data. The colour conversion to RGB is done here, by
 * PIL's rules rather than libvips's, where the two differ:
 * - alpha (RGBA, LA, palette transparency) is DROPPED, not composited: PIL's convert("RGB")
 *   copies the colour channels and ignores alpha, so fully transparent pixels keep their colour;
 * - embedded ICC profiles are ignored (PIL does not colour-manage on open);
 * - EXIF orientation is not applied (PIL does not rotate on open);
 * - 16-bit grayscale PNGs (with or without a tRNS colour) open in PIL as mode "I" with the full
 *   16-bit value, and I -> RGB
 *   CLAMPS to 0..255 (so most of such an image becomes white); 16-bit RGB/RGBA/LA PNGs keep the
 *   high byte of each sample, as libvips also does;
 * - CMYK JPEGs (Adobe, stored inverted) convert with PIL's naive formula
 *   `255 - k` scaled by `255 - c` (MULDIV255), not through a CMYK ICC profile.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { PixelImage } from './pil-resize.js';
import { tidyToolMessage } from './tool-messages.js';

/** An 8-bit RGB image, row-major, 3 interleaved channels. */
export interface RgbImage extends PixelImage {
  readonly channels: 3;
}

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
  constructor(
    readonly source: string,
    problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

/** Read and decode an image file into PIL-equivalent RGB. */
export async function decodeImageFile(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new ImageDecodeError(path, `cannot read the file (${(error as Error).message})`);
  }
  return decodeImage(bytes, path);
}

/** Identify JPEG, PNG and WebP by their signatures; anything else is unsupported. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** Formats people meet that the decoder does not take, by signature. */
const OTHER_FORMATS: readonly { name: string; magic: readonly number[] }[] = [
  { name: 'GIF', magic: [0x47, 0x49, 0x46, 0x38] }, // GIF8
  { name: 'BMP', magic: [0x42, 0x4d] }, // BM
  { name: 'TIFF', magic: [0x49, 0x49, 0x2a, 0x00] }, // II*\0
  { name: 'TIFF', magic: [0x4d, 0x4d, 0x00, 0x2a] }, // MM\0*
];

/**
 * Only the JPEG, PNG and WebP decoders are checked against PIL's; other formats are refused with
 * a conversion that PIL itself performs, so the PNG holds the pixels LAVIS would have read.
 */
function unsupportedFormat(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const known = OTHER_FORMATS.find(({ magic }) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b));
  if (known === undefined) return `not a JPEG, PNG or WebP file (first bytes: ${head || 'none, the file is empty'}); convert it to one of these formats`;
  const convert = `python -c "from PIL import Image; Image.open('IN').convert('RGB').save('OUT.png')"`;
  return `a ${known.name} file (first bytes: ${head}), which vlbench does not decode: only JPEG, PNG and WebP are read; convert it to PNG: ${convert} (the pixels PIL and so LAVIS read; the first frame of an animation), or ffmpeg -i IN -frames:v 1 OUT.png`;
}

/** Decode image bytes; `source` names the input in error messages (usually the path). */
export async function decodeImage(bytes: Uint8Array, source: string): Promise<RgbImage> {
  const format = sniffImageFormat(bytes);
  if (format === undefined) throw new ImageDecodeError(source, unsupportedFormat(bytes));
  try {
    // Only CMYK JPEGs and 16-bit grayscale PNGs need PIL's own conversion; spotting them from the
    // header spares the common case a separate libvips metadata call.
    // A JPEG whose frame header the scan cannot find is asked the slow way: taking it for RGB would
    // let libvips convert CMYK with its own profile instead of PIL's formula.
    const components = format === 'jpeg' ? jpegComponents(bytes) : undefined;
    const special = format === 'jpeg' ? components !== 1 && components !== 3 : format === 'png' && isGray16Png(bytes);
    const meta = special ? await open(bytes).metadata() : undefined;
    if (meta?.space === 'cmyk') return cmykToRgb(await rawPixels(open(bytes).pipelineColourspace('cmyk').toColourspace('cmyk'), 'uchar'));
    // PNG colour type 0 at 16 bits is PIL mode "I" with or without a tRNS colour (libvips adds alpha).
    if (meta?.space === 'grey16') return clampGray16(await rawPixels(open(bytes).toColourspace('grey16'), 'ushort'));
    return toRgb(await rawPixels(open(bytes), 'uchar'));
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    const message = tidyToolMessage((error as Error).message);
    if (/pixel limit/i.test(message)) {
      throw new ImageDecodeError(source, `the ${format.toUpperCase()} image is larger than the decoder's limit of ${PIXEL_LIMIT} pixels (${message}); PIL refuses such images too (DecompressionBombError): downscale it`);
    }
    throw new ImageDecodeError(source, `cannot decode ${format.toUpperCase()} data (${message}); the file is corrupt or truncated`);
  }
}

/** Component count from a JPEG's start-of-frame segment (undefined if none is found). */
function jpegComponents(bytes: Uint8Array): number | undefined {
  let i = 2;
  while (i + 9 < bytes.length) {
    // Stray bytes between segments: PIL and libjpeg skip them (libjpeg with a warning).
    if (bytes[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) return bytes[i + 9];
    i += 2 + length;
  }
  return undefined;
}

/** IHDR bit depth 16 with colour type 0 (grayscale, no alpha). */
function isGray16Png(bytes: Uint8Array): boolean {
  return bytes.length > 25 && bytes[24] === 16 && bytes[25] === 0;
}

/** libvips' default, stated so the error can name it; above PIL's own refusal (2 x 89,478,485 pixels). */
const PIXEL_LIMIT = 16383 * 16383;

function open(bytes: Uint8Array): Sharp {
  return sharp(bytes, { ignoreIcc: true, autoOrient: false, failOn: 'error', limitInputPixels: PIXEL_LIMIT });
}

interface RawPixels {
  width: number;
  height: number;
  channels: number;
  samples: Uint8Array | Uint16Array;
}

async function rawPixels(pipeline: Sharp, depth: 'uchar' | 'ushort'): Promise<RawPixels> {
  const { data, info } = await pipeline.raw({ depth }).toBuffer({ resolveWithObject: true });
  const samples =
    depth === 'ushort'
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { width: info.width, height: info.height, channels: info.channels, samples };
}

/** PIL's L/LA/RGB/RGBA -> RGB: replicate gray, drop alpha. */
function toRgb(raw: RawPixels): RgbImage {
  const { width, height, channels, samples } = raw;
  const n = width * height;
  if (channels === 3) return { width, height, channels: 3, data: samples as Uint8Array };
  const out = new Uint8Array(n * 3);
  if (channels === 1 || channels === 2) {
    for (let i = 0, o = 0; i < n; i++) {
      const v = samples[i * channels]!;
      out[o++] = v;
      out[o++] = v;
      out[o++] = v;
    }
  } else if (channels === 4) {
    for (let i = 0, p = 0, o = 0; i < n; i++, p += 4) {
      out[o++] = samples[p]!;
      out[o++] = samples[p + 1]!;
      out[o++] = samples[p + 2]!;
    }
  } else {
    throw new Error(`unexpected ${channels}-channel image`);
  }
  return { width, height, channels: 3, data: out };
}

/** PIL mode "I" -> RGB (Convert.c i2rgb): clamp each gray value to 0..255 (alpha ignored). */
function clampGray16(raw: RawPixels): RgbImage {
  const { width, height, channels, samples } = raw;
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < width * height; i++) {
    const v = Math.min(samples[i * channels]!, 255);
    out[o++] = v;
    out[o++] = v;
    out[o++] = v;
  }
  return { width, height, channels: 3, data: out };
}

/** (a * b + 128) / 255 rounded, as Pillow's MULDIV255 macro computes it. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/** PIL's cmyk2rgb: channel = clip(nk - c * nk / 255) with nk = 255 - k. */
function cmykToRgb(raw: RawPixels): RgbImage {
  const { width, height, channels, samples } = raw;
  if (channels !== 4) throw new Error(`CMYK image decoded with ${channels} channels instead of 4`);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, p = 0, o = 0; i < width * height; i++, p += 4) {
    const nk = 255 - samples[p + 3]!;
    for (let c = 0; c < 3; c++) {
      const v = nk - mulDiv255(samples[p + c]!, nk);
      out[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { width, height, channels: 3, data: out };
}
