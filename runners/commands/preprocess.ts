/**
 * `vlbench preprocess image|audio|pointcloud|video INPUT --out OUT.npy [options]`: write the float32
 * tensor a model would see for one input, as a NumPy .npy file, so preprocessing can be compared
 * with a Python pipeline (np.load) when a model's outputs look wrong.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from './command.js';
import { parse, parsePositiveInt } from '../args.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../errors.js';
import { checkNoHomeTilde } from '../run/run-dir.js';
import { CLIP_MEAN, CLIP_STD, preprocessImage } from '../../models/preprocess/image.js';
import type { ResizeMode } from '../../models/preprocess/image.js';
import { preprocessAudio } from '../../models/preprocess/audio.js';
import type { ClipMode } from '../../models/preprocess/audio.js';
import { preprocessPointCloud } from '../../models/preprocess/pointcloud.js';
import type { PointCloudMode } from '../../models/preprocess/pointcloud.js';
import { preprocessVideo } from '../../models/preprocess/video.js';
import type { FrameSampling } from '../../models/preprocess/video-sampling.js';
import { encodeNpyFloat32 } from '../../models/preprocess/npy.js';
import { isSeed, MAX_SEED } from '../../models/generation/prng.js';

const HELP = `Usage: vlbench preprocess KIND INPUT --out OUT.npy [options]

Writes the float32 tensor the model would see for INPUT as a .npy file and prints its shape.

Kinds and their options:
  image FILE         JPEG/PNG/WebP, decoded and resized exactly as PIL (LAVIS eval processors)
    --size N           output side (default 224)
    --resize MODE      stretch (blip_image_eval) | crop (clip_image_eval; default stretch)
    --mean R,G,B       normalisation mean (default CLIP ${CLIP_MEAN.join(',')})
    --std R,G,B        normalisation std (default CLIP ${CLIP_STD.join(',')})
  audio FILE         .wav (or .mp4, needs ffmpeg): BEATs fbank clips [clips, 512, 128] (beats_audio)
    --clips N          number of 5.12 s clips (default 2)
    --clip-mode MODE   fixed (eval YAMLs) | lavis-is-eval (default fixed)
  pointcloud FILE    .npy [N, 3..16], .ply or ModelNet .txt; [npoints, 3] (modelnet), [npoints, C] (ulip)
    --npoints N        points after farthest-point sampling (default 8192)
    --mode MODE        modelnet | ulip (default modelnet)
    --seed N           seed for the FPS start and the shuffle (default 0)
  video PATH         folder of frames, or a video file (needs ffmpeg); [frames, 3, S, S]
    --size N           frame side (default 224)
    --frames N         frames to sample (default 4)
    --sampling MODE    uniform (paper-time decord) | head-tail (LAVIS HEAD; model.json's spelling,
                       headtail also accepted) (default uniform)
    --channels ORDER   rgb | bgr (LAVIS HEAD's OpenCV quirk) (default rgb)`;

const OPTIONS = {
  out: { type: 'string' },
  size: { type: 'string' },
  resize: { type: 'string' },
  mean: { type: 'string' },
  std: { type: 'string' },
  clips: { type: 'string' },
  'clip-mode': { type: 'string' },
  npoints: { type: 'string' },
  mode: { type: 'string' },
  seed: { type: 'string' },
  frames: { type: 'string' },
  sampling: { type: 'string' },
  channels: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Kind = 'image' | 'audio' | 'pointcloud' | 'video';
type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

const FLAGS_OF: Record<Kind, readonly (keyof typeof OPTIONS)[]> = {
  image: ['size', 'resize', 'mean', 'std'],
  audio: ['clips', 'clip-mode'],
  pointcloud: ['npoints', 'mode', 'seed'],
  video: ['size', 'frames', 'sampling', 'channels'],
};

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} expects one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** `--sampling`: model.json's `preprocess.video.sampling` spelling, plus the older `headtail`. */
function sampling(value: string | undefined): FrameSampling {
  if (value === 'headtail') return 'headtail';
  return choice('sampling', value, ['uniform', 'head-tail'] as const, 'uniform') === 'head-tail' ? 'headtail' : 'uniform';
}

function triple(flag: string, value: string | undefined, fallback: readonly [number, number, number]): readonly [number, number, number] {
  if (value === undefined) return fallback;
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) throw new UsageError(`--${flag} expects three comma-separated numbers, got '${value}'`);
  return [parts[0]!, parts[1]!, parts[2]!];
}

async function tensorFor(kind: Kind, input: string, v: Values): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const str = (k: keyof typeof OPTIONS) => v[k] as string | undefined;
  switch (kind) {
    case 'image':
      return preprocessImage(input, {
        size: parsePositiveInt('--size', str('size')) ?? 224,
        resize: choice<ResizeMode>('resize', str('resize'), ['stretch', 'crop'], 'stretch'),
        mean: triple('mean', str('mean'), CLIP_MEAN),
        std: triple('std', str('std'), CLIP_STD),
      });
    case 'audio':
      return preprocessAudio(input, {
        nClips: parsePositiveInt('--clips', str('clips')) ?? 2,
        clipMode: choice<ClipMode>('clip-mode', str('clip-mode'), ['fixed', 'lavis-is-eval'], 'fixed'),
      });
    case 'pointcloud': {
      const seed = str('seed') === undefined ? 0 : Number(str('seed'));
      if (!isSeed(seed)) throw new UsageError(`--seed expects an integer from 0 to ${MAX_SEED}, got '${str('seed')}'`);
      return preprocessPointCloud(input, {
        npoints: parsePositiveInt('--npoints', str('npoints')) ?? 8192,
        mode: choice<PointCloudMode>('mode', str('mode'), ['modelnet', 'ulip'], 'modelnet'),
        seed,
      });
    }
    case 'video':
      return preprocessVideo(input, {
        size: parsePositiveInt('--size', str('size')) ?? 224,
        nFrames: parsePositiveInt('--frames', str('frames')) ?? 4,
        sampling: sampling(str('sampling')),
        channels: choice('channels', str('channels'), ['rgb', 'bgr'] as const, 'rgb'),
      });
    default: {
      const never: never = kind;
      throw new UsageError(`unknown kind ${String(never)}`);
    }
  }
}

function summary(data: Float32Array): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of data) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  return `min ${min.toFixed(6)}, max ${max.toFixed(6)}, mean ${(sum / Math.max(1, data.length)).toFixed(6)}`;
}

export const preprocessCommand: Command = {
  async run(argv) {
    const { values, positionals } = parse('preprocess', argv, OPTIONS);
    if (values.help) {
      process.stdout.write(HELP + '\n');
      return EXIT.ok;
    }
    const [kind, input, ...extra] = positionals;
    if (kind === undefined || !(kind in FLAGS_OF)) throw new UsageError(`expected KIND image|audio|pointcloud|video, got '${kind ?? ''}'.\n\n${HELP}`);
    if (input === undefined || extra.length > 0) throw new UsageError(`expected exactly one INPUT after '${kind}'.\n\n${HELP}`);
    if (values.out === undefined) throw new UsageError('--out OUT.npy is required');
    checkNoHomeTilde('--out', values.out);
    const allowed = FLAGS_OF[kind as Kind];
    const stray = Object.keys(values).filter((k) => k !== 'out' && k !== 'help' && !allowed.includes(k as keyof typeof OPTIONS));
    if (stray.length > 0) throw new UsageError(`--${stray.join(', --')} does not apply to '${kind}' (its options: ${allowed.map((f) => `--${f}`).join(', ')})`);
    const tensor = await tensorFor(kind as Kind, input, values);
    await writeFile(values.out, encodeNpyFloat32(tensor.data, tensor.dims));
    process.stdout.write(`${values.out}: float32 [${tensor.dims.join(', ')}]; ${summary(tensor.data)}\n`);
    return EXIT.ok;
  },
};
