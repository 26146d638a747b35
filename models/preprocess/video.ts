/**
 * Video input for InstructBLIP / X-InstructBLIP: pick frames (video-sampling.ts), resize each to
 * S × S, normalise with the CLIP constants, stack as [F, 3, S, S] (LAVIS's processor returns the
 * same values as (C, T, H, W); the model runs the vision encoder per frame).
 *
 * Sources: a folder of frame images (sorted by file name, decoded as PIL does) or a video file,
 * decoded by the `ffmpeg`/`ffprobe` programs (frames converted to RGB24 by ffmpeg's swscale, the
 * library decord and OpenCV also use; rotation metadata applied, as decord applies it; frames
 * counted as they decode). A frame folder holds frames only: any other entry is an error.
 * Differences from LAVIS, by design:
 * - resizing is PIL bicubic (stretch); LAVIS resized inside decord (paper time) or with
 *   cv2.resize INTER_LINEAR (HEAD), which give slightly different pixels;
 * - channel order is RGB unless `channels: 'bgr'` asks for HEAD's quirk (OpenCV BGR frames
 *   normalised with the RGB mean/std).
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { FfmpegError, runFfmpegTool } from './ffmpeg.js';
import { decodeImageFile } from './image-decode.js';
import type { RgbImage } from './image-decode.js';
import { CLIP_MEAN, CLIP_STD, normaliseToChw } from './image.js';
import { resizeBicubic } from './pil-resize.js';
import type { PixelImage } from './pil-resize.js';
import { framesActuallyRead, sampleFrameIndices } from './video-sampling.js';
import type { FrameSampling } from './video-sampling.js';

export interface VideoPreprocessOptions {
  readonly size: number;
  readonly nFrames: number;
  /** Default 'uniform' (paper-time decord behaviour). */
  readonly sampling?: FrameSampling;
  /** Default 'rgb'; 'bgr' reproduces LAVIS HEAD's OpenCV channel order. */
  readonly channels?: 'rgb' | 'bgr';
}

export interface VideoTensor {
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number, number];
  /** Source frame index of each output frame (repeats mark HEAD's padding). */
  readonly frameIndices: readonly number[];
}

export class VideoError extends Error {
  override name = 'VideoError';
}

const FRAME_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
const OS_METADATA = new Set(['thumbs.db', 'ehthumbs.db', 'desktop.ini']);

/**
 * Frame files in a folder, sorted by name (numeric-aware, so 2.jpg precedes 10.jpg). Anything
 * else that is not hidden is an error: skipping a .bmp frame or counting a subfolder would shift
 * which frames the sampling picks, silently.
 */
export async function listFrameFiles(folder: string): Promise<string[]> {
  // Hidden files are not frames (macOS writes `._frame_000.png` beside every copied frame), nor
  // the thumbnail caches Windows writes into any folder it shows.
  const entries = (await readdir(folder, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && !OS_METADATA.has(e.name.toLowerCase()));
  const stray = entries.find((e) => !e.isFile() || !FRAME_EXTENSIONS.has(extname(e.name).toLowerCase()));
  if (stray) {
    const what = stray.isDirectory() ? 'a subfolder' : stray.isFile() ? 'not a .jpg/.png/.webp frame' : 'not a regular file';
    throw new VideoError(`${join(folder, stray.name)}: ${what} in a frame folder, where every file is a frame: convert other image formats to PNG (e.g. ffmpeg -i frame.bmp frame.png) and move anything else out of the folder`);
  }
  if (entries.length === 0) throw new VideoError(`${folder}: no .jpg/.png/.webp frame files in the folder`);
  return entries.map((e) => e.name).sort(new Intl.Collator('en', { numeric: true }).compare).map((n) => join(folder, n));
}

function swapRedBlue(image: PixelImage): PixelImage {
  const data = image.data.slice();
  for (let i = 0; i < data.length; i += 3) [data[i], data[i + 2]] = [data[i + 2]!, data[i]!];
  return { ...image, data };
}

function stackFrames(frames: readonly RgbImage[], indices: readonly number[], options: VideoPreprocessOptions): VideoTensor {
  const s = options.size;
  const plane = 3 * s * s;
  const data = new Float32Array(frames.length * plane);
  frames.forEach((frame, f) => {
    let pixels: PixelImage = resizeBicubic(frame, s, s);
    if (options.channels === 'bgr') pixels = swapRedBlue(pixels);
    normaliseToChw(pixels, CLIP_MEAN, CLIP_STD, data, f * plane);
  });
  return { data, dims: [frames.length, 3, s, s], frameIndices: indices };
}

function chooseFrames(total: number, options: VideoPreprocessOptions, fps: number): number[] {
  const sampling = options.sampling ?? 'uniform';
  const wanted = sampleFrameIndices(sampling, total, options.nFrames, fps);
  return framesActuallyRead(wanted, total, sampling === 'headtail' ? options.nFrames : undefined);
}

/** Preprocess a folder of frames or (with ffmpeg installed) a video file. */
export async function preprocessVideo(path: string, options: VideoPreprocessOptions): Promise<VideoTensor> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (error) {
    throw new VideoError(`${path}: cannot read (${(error as Error).message})`);
  }
  if (isFolder) {
    const files = await listFrameFiles(path);
    const indices = chooseFrames(files.length, options, 1);
    if (indices.length === 0) throw new VideoError(`${path}: no frame could be read`);
    const decoded = new Map<number, RgbImage>();
    for (const i of new Set(indices)) decoded.set(i, await decodeImageFile(files[i]!));
    return stackFrames(indices.map((i) => decoded.get(i)!), indices, options);
  }
  return preprocessVideoFile(path, options);
}

interface ProbeResult {
  frames: number;
  fps: number;
}

async function ffmpegTool(tool: 'ffmpeg' | 'ffprobe', args: string[], path: string): Promise<Buffer> {
  try {
    return await runFfmpegTool(tool, args, path, 'pass a folder of frame images instead');
  } catch (error) {
    throw error instanceof FfmpegError ? new VideoError(error.message) : error;
  }
}

/**
 * The number of frames that decode, not of packets: an MP4 cut with `-c copy` keeps packets that
 * its edit list hides, and `select=eq(n, i)` below counts decoded frames.
 */
async function probe(path: string): Promise<ProbeResult> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=nb_read_frames,r_frame_rate', '-of', 'json', path];
  const json = JSON.parse((await ffmpegTool('ffprobe', args, path)).toString()) as { streams?: Record<string, string | number>[] };
  const stream = json.streams?.[0];
  if (!stream) throw new VideoError(`${path}: ${await whyNoVideoStream(path)}`);
  const [num, den] = String(stream.r_frame_rate ?? '0/1').split('/').map(Number);
  return { frames: Number(stream.nb_read_frames), fps: den ? num! / den : num! };
}

/**
 * A file cut short loses its index (an MP4's moov atom), and ffprobe then lists no streams at all
 * without failing; an audio-only file lists its audio. The fixes differ, so the messages do.
 */
async function whyNoVideoStream(path: string): Promise<string> {
  const args = ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'json', path];
  const json = JSON.parse((await ffmpegTool('ffprobe', args, path)).toString()) as { streams?: { codec_type?: string }[] };
  const kinds = [...new Set((json.streams ?? []).map((s) => s.codec_type ?? 'unknown'))];
  if (kinds.length === 0) return 'ffprobe found no streams: the file is truncated or not a video; copy or download it again, or point the sample at a folder of its frames';
  return `no video stream (the file holds only ${kinds.join(' and ')}): point the sample at a video file or a folder of frames`;
}

/** Whitespace-separated header fields of a binary PPM (P6) frame, and where its pixels start. */
function ppmHeader(raw: Buffer, offset: number): { width: number; height: number; maxval: number; data: number } | null {
  const fields: number[] = [];
  let i = offset + 2;
  if (raw.toString('latin1', offset, i) !== 'P6') return null;
  while (fields.length < 3) {
    while (i < raw.length && /\s/.test(String.fromCharCode(raw[i]!))) i += 1;
    const start = i;
    while (i < raw.length && raw[i]! >= 0x30 && raw[i]! <= 0x39) i += 1;
    if (i === start) return null;
    fields.push(Number(raw.toString('latin1', start, i)));
  }
  const [width, height, maxval] = fields as [number, number, number];
  return { width, height, maxval, data: i + 1 };
}

/**
 * ffmpeg's frames as PPM images: each carries its own size, so a rotated video (ffmpeg applies
 * the rotation metadata, as decord has since dmlc/decord#51, 2020) and a stream that changes size mid-way
 * come back whole instead of as bytes read with the stored width and height.
 */
function splitPpmFrames(raw: Buffer, path: string): RgbImage[] {
  const frames: RgbImage[] = [];
  for (let offset = 0; offset < raw.length;) {
    const header = ppmHeader(raw, offset);
    if (header === null || header.maxval !== 255) throw new VideoError(`${path}: ffmpeg returned frame ${frames.length + 1} in a form other than 8-bit PPM`);
    const end = header.data + header.width * header.height * 3;
    if (end > raw.length) throw new VideoError(`${path}: ffmpeg's output ends inside frame ${frames.length + 1}`);
    frames.push({ width: header.width, height: header.height, channels: 3, data: new Uint8Array(raw.subarray(header.data, end)) });
    offset = end;
  }
  return frames;
}

async function preprocessVideoFile(path: string, options: VideoPreprocessOptions): Promise<VideoTensor> {
  const info = await probe(path);
  const indices = chooseFrames(info.frames, options, info.fps);
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  if (unique.length === 0) throw new VideoError(`${path}: no frame could be read`);
  const select = `select=${unique.map((i) => `eq(n\\,${i})`).join('+')}`;
  const args = ['-v', 'error', '-i', path, '-map', '0:v:0', '-vf', select, '-fps_mode', 'passthrough', '-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', 'pipe:1'];
  const frames = splitPpmFrames(await ffmpegTool('ffmpeg', args, path), path);
  if (frames.length !== unique.length) {
    throw new VideoError(`${path}: ffmpeg decoded ${frames.length} of the ${unique.length} frames it was asked for (of ${info.frames} counted): the file may be damaged; re-encode it (ffmpeg -i IN -c:v libx264 OUT.mp4) or extract its frames into a folder (ffmpeg -i IN DIR/%05d.png)`);
  }
  const byIndex = new Map(unique.map((index, k) => [index, frames[k]!] as const));
  return stackFrames(indices.map((i) => byIndex.get(i)!), indices, options);
}
