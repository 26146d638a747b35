/**
 * /preprocess against what vlbench's preprocessing implements and what the encoder graphs
 * declare. A value the preprocessing would ignore, or one that would only surface as a shape
 * error from ONNX Runtime on every sample, is an error at load; these need the manifest alone,
 * so `vlbench validate` reports them too. (A declared fixed axis equals the graph file's: the
 * I/O check refuses a mismatch when the graph is opened.)
 */
import { ManifestError } from './manifest-error.js';
import type { ModelManifest } from './manifest-types.js';
import { BEATS_FBANK } from './preprocess/fbank.js';

export function checkPreprocess(file: string, m: ModelManifest): void {
  checkImageScale(file, m);
  checkAudio(file, m);
  checkPointcloud(file, m);
}

/**
 * Pixels are divided by 255 before `(x - mean) / std` (preprocess/image.ts, as ToTensor then
 * Normalize), so mean and std are on the 0-1 scale. torchvision's ImageNet values are often
 * written on the 0-255 scale (123.675, 58.395); those load and run, scoring on mis-normalised
 * pixels. No declared normalisation has a rescale factor, so a mean or std above 1 is a mistake.
 */
function checkImageScale(file: string, m: ModelManifest): void {
  const image = m.preprocess.image;
  if (!image) return;
  for (const key of ['mean', 'std'] as const) {
    const index = image[key].findIndex((v) => v > 1);
    if (index < 0) continue;
    const scaled = image[key].map((v) => Number((v / 255).toPrecision(8)));
    throw new ManifestError(
      file,
      `/preprocess/image/${key}/${index}`,
      `is ${image[key][index]}, but vlbench normalises pixels on the 0-1 scale (values divided by 255 first, as torchvision's ToTensor), so ${key} must be at most 1 (LAVIS's are mean [0.48145466, 0.4578275, 0.40821073], std [0.26862954, 0.26130258, 0.27577711]); ` +
        `these look like 0-255 values: divide them by 255 (${JSON.stringify(scaled)})`,
    );
  }
}

/**
 * vlbench implements BEATs' front end only, and cuts clips by fbank frames: clipSeconds is not
 * read, so it must say what framesPerClip already fixes (512 frames × 10 ms = 5.12 s).
 */
function checkAudio(file: string, m: ModelManifest): void {
  const audio = m.preprocess.audio;
  if (!audio) return;
  const { sampleFrequency, numMelBins, frameShift } = BEATS_FBANK;
  if (audio.sampleRate !== sampleFrequency) {
    throw new ManifestError(file, '/preprocess/audio/sampleRate', `is ${audio.sampleRate}, but vlbench implements BEATs' front end only, which resamples every input to ${sampleFrequency} Hz; set it to ${sampleFrequency}`);
  }
  if (audio.melBins !== numMelBins) {
    throw new ManifestError(file, '/preprocess/audio/melBins', `is ${audio.melBins}, but vlbench implements BEATs' front end only (${numMelBins} mel bins); set it to ${numMelBins}`);
  }
  const seconds = (audio.framesPerClip * frameShift) / 1000;
  if (Math.abs(audio.clipSeconds - seconds) > 1e-9) {
    throw new ManifestError(
      file,
      '/preprocess/audio/clipSeconds',
      `is ${audio.clipSeconds} s, but clips are cut by fbank frames: framesPerClip ${audio.framesPerClip} at the fbank's ${frameShift} ms hop is ${seconds} s; set clipSeconds to ${seconds} (framesPerClip is the audio_encoder graph's frame axis: clips of another length need a graph exported for them, and both values changed)`,
    );
  }
}

/**
 * The encoder takes 'points' [batch, points, channels]. `modelnet` feeds x, y, z only, so a graph
 * fixed to other channels could never run; `ulip` feeds every column of the file, checked per file
 * (families/media.ts passes the fixed axes to the preprocessing). A fixed point axis is the count.
 */
function checkPointcloud(file: string, m: ModelManifest): void {
  const spec = m.preprocess.pointcloud;
  const shape = m.graphs.pointcloud_encoder?.inputs['points']?.shape;
  if (!spec || shape?.length !== 3) return;
  const [, points, channels] = shape;
  const at = '/graphs/pointcloud_encoder/inputs/points/shape';
  if (typeof channels === 'number' && spec.mode === 'modelnet' && channels !== 3) {
    throw new ManifestError(file, '/preprocess/pointcloud/mode', `'modelnet' feeds x, y, z only (3 channels), but the point-cloud encoder takes ${channels} (${at}/2); set "mode": "ulip" (every column of the file, which then needs ${channels}), or re-export the encoder for xyz`);
  }
  if (typeof channels === 'number' && channels < 3) {
    throw new ManifestError(file, `${at}/2`, `the point-cloud encoder takes ${channels} channels, but every point has at least x, y, z; re-export the encoder (models/CONTRACT.md section 2)`);
  }
  if (typeof points === 'number' && points !== spec.points) {
    throw new ManifestError(file, '/preprocess/pointcloud/points', `is ${spec.points}, but the point-cloud encoder takes exactly ${points} points (${at}/1); set it to ${points}, the count the graph was exported for (or re-export it with a dynamic axis)`);
  }
}
