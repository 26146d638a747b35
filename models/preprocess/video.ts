/**
 * Video input for InstructBLIP / X-InstructBLIP: pick frames (video-sampling.ts), resize each to
 * S × S, normalise with the CLIP constants, stack as [F, 3, S, S] (LAVIS's processor returns the
 * same values as (C, T, H, W); the model runs the vision encoder per frame).
 *
 * Sources: a folder of frame images (sorted by file name, decoded as PIL does) or a video file,
 * decoded by the `ffmpeg`/`ffprobe` programs (frames converted to RGB24 by ffmpeg's swscale, the
 * library decord and OpenCV also use). Differences from LAVIS, by design:
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

/** Frame files in a folder, sorted by name (numeric-aware, so 2.jpg precedes 10.jpg). */
export async function listFrameFiles(folder: string): Promise<string[]> {
  // Hidden files are not frames: macOS writes `._frame_000.png` metadata beside every copied frame.
  const names = (await readdir(folder)).filter((n) => !n.startsWith('.') && FRAME_EXTENSIONS.has(extname(n).toLowerCase()));
  if (names.length === 0) throw new VideoError(`${folder}: no .jpg/.png/.webp frame files in the folder`);
  return names.sort(new Intl.Collator('en', { numeric: true }).compare).map((n) => join(folder, n));
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
  width: number;
  height: number;
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

async function probe(path: string): Promise<ProbeResult> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=width,height,nb_read_packets,r_frame_rate', '-of', 'json', path];
  const json = JSON.parse((await ffmpegTool('ffprobe', args, path)).toString()) as { streams?: Record<string, string | number>[] };
  const stream = json.streams?.[0];
  if (!stream) throw new VideoError(`${path}: no video stream`);
  const [num, den] = String(stream.r_frame_rate ?? '0/1').split('/').map(Number);
  return { width: Number(stream.width), height: Number(stream.height), frames: Number(stream.nb_read_packets), fps: den ? num! / den : num! };
}

async function preprocessVideoFile(path: string, options: VideoPreprocessOptions): Promise<VideoTensor> {
  const info = await probe(path);
  const indices = chooseFrames(info.frames, options, info.fps);
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  if (unique.length === 0) throw new VideoError(`${path}: no frame could be read`);
  const select = `select=${unique.map((i) => `eq(n\\,${i})`).join('+')}`;
  const args = ['-v', 'error', '-i', path, '-map', '0:v:0', '-vf', select, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const raw = await ffmpegTool('ffmpeg', args, path);
  const frameBytes = info.width * info.height * 3;
  if (raw.length !== frameBytes * unique.length) {
    throw new VideoError(`${path}: ffmpeg returned ${raw.length / frameBytes} of the ${unique.length} requested frames`);
  }
  const byIndex = new Map<number, RgbImage>();
  unique.forEach((index, k) => {
    byIndex.set(index, { width: info.width, height: info.height, channels: 3, data: new Uint8Array(raw.subarray(k * frameBytes, (k + 1) * frameBytes)) });
  });
  return stackFrames(indices.map((i) => byIndex.get(i)!), indices, options);
}
