/**
 * Preparing one media input as the family's manifest says (models/preprocess does the work).
 * Each modality needs its preprocessing section in the manifest; a model asked for a modality
 * it does not declare is an error naming the file and the model.
 */
import type { InferenceContext, MediaInput, PreparedMedia } from '../capabilities.js';
import type { ModelManifest } from '../manifest-types.js';
import { preprocessImage } from '../preprocess/image.js';
import { preprocessAudio } from '../preprocess/audio.js';
import { preprocessPointCloud, type EncoderAxes } from '../preprocess/pointcloud.js';
import { preprocessVideo } from '../preprocess/video.js';

export async function prepareMedia(manifest: ModelManifest, manifestPath: string, media: MediaInput, ctx: InferenceContext): Promise<PreparedMedia> {
  if (!manifest.modalities.includes(media.modality)) {
    throw new Error(`${media.path}: model ${manifest.name} does not take ${media.modality} input (it takes ${manifest.modalities.join(', ')})`);
  }
  return ctx.time('preprocess', async () => {
    switch (media.modality) {
      case 'image': {
        const spec = manifest.preprocess.image;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/image is required for image input`);
        const tensor = await preprocessImage(media.path, { size: spec.size, resize: spec.resize, mean: spec.mean, std: spec.std });
        return { modality: 'image', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      case 'video': {
        const spec = manifest.preprocess.video;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/video is required for video input`);
        const sampling = spec.sampling === 'head-tail' ? 'headtail' : 'uniform';
        const tensor = await preprocessVideo(media.path, { size: spec.size, nFrames: spec.frames, sampling, channels: spec.channelOrder });
        return { modality: 'video', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      case 'audio': {
        const spec = manifest.preprocess.audio;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/audio is required for audio input`);
        // sampleRate, melBins and clipSeconds were checked at load (manifest-preprocess.ts): BEATs' front end, clips cut by frames.
        const tensor = await preprocessAudio(media.path, { nClips: spec.clips, clipFrames: spec.framesPerClip, clipMode: 'fixed' });
        return { modality: 'audio', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      case 'pointcloud': {
        const spec = manifest.preprocess.pointcloud;
        if (!spec) throw new Error(`${manifestPath}: /preprocess/pointcloud is required for point-cloud input`);
        const tensor = await preprocessPointCloud(media.path, { mode: spec.mode, npoints: spec.points, seed: spec.seed, encoder: pointcloudEncoderAxes(manifest, manifestPath) });
        return { modality: 'pointcloud', data: tensor.data, dims: tensor.dims, path: media.path };
      }
      default: {
        const never: never = media.modality;
        throw new Error(`unknown modality ${String(never)}`);
      }
    }
  });
}

/**
 * The point-cloud encoder's fixed axes, from its declaration (equal to the graph file's, checked
 * at load): a cloud that cannot fit them fails naming its file, not as an ONNX Runtime shape error.
 */
function pointcloudEncoderAxes(manifest: ModelManifest, manifestPath: string): EncoderAxes | undefined {
  const shape = manifest.graphs.pointcloud_encoder?.inputs['points']?.shape;
  if (shape?.length !== 3) return undefined;
  const fixed = (dim: number | string | undefined) => (typeof dim === 'number' ? dim : undefined);
  return { points: fixed(shape[1]), channels: fixed(shape[2]), declaredAt: `${manifestPath} at /graphs/pointcloud_encoder/inputs/points/shape` };
}
